//! The `comptoir` command run as a process, each test in its own temporary folder.

#[path = "support/price_book.rs"]
mod price_book;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// Prepares the command with a clean environment for messages: English unless a test sets a
/// language, and no log filter.
fn comptoir(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_comptoir"));
    command
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RUST_LOG");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    comptoir(dir).args(args).output().expect("run comptoir")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Creates a new English shop in `<temp>/shop`, whose store id is `shop`.
fn new_shop() -> (TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = run(temp.path(), &["new", "shop", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(0), "new failed: {}", stderr(&output));
    let shop = temp.path().join("shop");
    (temp, shop)
}

/// Reads every file under `dir` with its bytes, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir(dir) {
        files.insert(
            entry.strip_prefix(dir).expect("inside").to_path_buf(),
            fs::read(&entry).expect("read file"),
        );
    }
    files
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

fn entry_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Returns the id printed on the `Build <id>` line.
fn build_id(output: &Output) -> String {
    stdout(output)
        .lines()
        .find_map(|line| line.strip_prefix("Build "))
        .unwrap_or_else(|| panic!("no build id in: {}", stdout(output)))
        .to_owned()
}

const BAD_PRODUCT: &str = "+++\nsku = \"BAD\"\ntitel = \"Typo\"\nprice = \"12.00\"\n+++\n";

#[test]
fn new_then_build_writes_store() {
    let (_temp, shop) = new_shop();

    let output = run(&shop, &["build"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(shop.join("public/shop").is_dir(), "no public/shop/");
    assert!(
        shop.join("public/shop/index.html").is_file(),
        "no store root page"
    );
    let text = stdout(&output);
    assert!(text.contains("Store shop: "), "{text}");
    assert!(text.contains("2 products"), "{text}");
    assert!(text.lines().any(|line| line.starts_with("Built ")), "{text}");
}

#[test]
fn new_writes_legal_pages_and_gitignore() {
    let (_temp, shop) = new_shop();
    for file in [
        "site.toml",
        ".gitignore",
        "content/pages/cgv.md",
        "content/pages/mentions-legales.md",
        "content/categories/kitchen.md",
        "content/products/cup.md",
        "content/products/teapot.md",
    ] {
        assert!(shop.join(file).is_file(), "missing {file}");
    }
    let site = fs::read_to_string(shop.join("site.toml")).expect("site.toml");
    assert!(site.contains("theme = \"comptoir\""), "{site}");
    assert!(site.contains("legal_name = \"shop\""), "{site}");
}

#[test]
fn new_rejects_non_empty_folder() {
    let temp = tempfile::tempdir().expect("temp dir");
    fs::create_dir(temp.path().join("shop")).expect("mkdir");
    fs::write(temp.path().join("shop/notes.txt"), "keep").expect("write");

    let output = run(temp.path(), &["new", "shop"]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "The folder shop is not empty: choose a new folder name, or empty this one.\n"
    );
    assert_eq!(entry_names(&temp.path().join("shop")), vec!["notes.txt"]);
}

#[test]
fn failed_build_keeps_previous_output() {
    let (_temp, shop) = new_shop();
    // A previous build, whatever wrote it.
    fs::create_dir_all(shop.join("public/shop/en")).expect("mkdir");
    fs::write(shop.join("public/shop/index.html"), "<p>previous</p>").expect("write");
    fs::write(shop.join("public/shop/en/index.html"), "<p>previous en</p>").expect("write");
    let before = snapshot(&shop.join("public"));
    fs::write(shop.join("content/products/bad.md"), BAD_PRODUCT).expect("write");

    let output = run(&shop, &["build"]);

    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert_eq!(snapshot(&shop.join("public")), before);
    let leftovers: Vec<String> = entry_names(&shop)
        .into_iter()
        .filter(|name| name.starts_with("public."))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
    let errors = stderr(&output);
    assert!(errors.starts_with("The shop has 1 problem:\n"), "{errors}");
    assert!(
        errors.contains("\n1. content/products/bad.md:3:1: unknown key `titel`"),
        "{errors}"
    );
}

#[cfg(unix)]
#[test]
fn link_loop_fails_build_cleanly() {
    let (_temp, shop) = new_shop();
    fs::create_dir_all(shop.join("public/shop")).expect("mkdir");
    fs::write(shop.join("public/shop/index.html"), "<p>previous</p>").expect("write");
    let before = snapshot(&shop.join("public"));
    fs::create_dir_all(shop.join("static/photos")).expect("mkdir");
    std::os::unix::fs::symlink(shop.join("static"), shop.join("static/photos/loop")).expect("link");

    let output = run(&shop, &["build"]);

    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert_eq!(snapshot(&shop.join("public")), before);
    assert_eq!(
        stderr(&output),
        "The shop has 1 problem:\n\
         1. static/photos/loop: `static/photos/loop` is a symbolic link to `static`, a folder that \
         contains it, so following it never ends. Remove the link or point it outside `static`.\n"
    );
}

#[test]
fn failed_build_lists_every_problem() {
    let (_temp, shop) = new_shop();
    fs::write(shop.join("content/products/bad.md"), BAD_PRODUCT).expect("write");
    fs::write(
        shop.join("content/products/worse.md"),
        "+++\nsku = \"WORSE\"\ncolour = \"red\"\nprice = \"1.00\"\n+++\n",
    )
    .expect("write");

    let output = run(&shop, &["build"]);

    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.starts_with("The shop has "), "{errors}");
    assert!(errors.contains("\n1. content/products/bad.md:"), "{errors}");
    assert!(errors.contains("\n2. content/products/worse.md:"), "{errors}");
    assert!(!shop.join("public").exists());
}

#[test]
fn check_writes_nothing() {
    let (_temp, shop) = new_shop();
    let before = snapshot(&shop);

    let output = run(&shop, &["check"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("No problem found: "),
        "{}",
        stdout(&output)
    );
    assert_eq!(snapshot(&shop), before);
    assert!(!shop.join("public").exists());
}

#[test]
fn check_reports_problems() {
    let (_temp, shop) = new_shop();
    fs::write(shop.join("content/products/bad.md"), BAD_PRODUCT).expect("write");
    let before = snapshot(&shop);

    let output = run(&shop, &["check"]);

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("\n1. content/products/bad.md:3:1: "),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&shop), before);
}

#[test]
fn lang_flag_gives_french() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = run(temp.path(), &["--lang", "fr", "check", "--root", "missing"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "Aucune boutique trouvée : missing/site.toml est introuvable. Lancez la commande dans le \
         dossier d'une boutique, ou indiquez ce dossier avec --root.\n"
    );
}

#[test]
fn lang_env_gives_french() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = comptoir(temp.path())
        .env("LANG", "fr_FR.UTF-8")
        .args(["new", "boutique"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("Boutique créée dans boutique."),
        "{}",
        stdout(&output)
    );
    // The language also picks the shop's content language.
    let site = fs::read_to_string(temp.path().join("boutique/site.toml")).expect("site.toml");
    assert!(site.contains("content_locale = \"fr\""), "{site}");
}

#[test]
fn lang_flag_overrides_env() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = comptoir(temp.path())
        .env("LANG", "fr_FR.UTF-8")
        .args(["--lang", "en", "check", "--root", "missing"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("No shop found: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn french_help_and_usage_errors() {
    let temp = tempfile::tempdir().expect("temp dir");

    let help = run(temp.path(), &["--lang", "fr", "build", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        stdout(&help).contains("Utilisation : comptoir build"),
        "{}",
        stdout(&help)
    );
    assert!(stdout(&help).contains("Dossier de sortie."), "{}", stdout(&help));

    let unknown = run(temp.path(), &["--lang", "fr", "build", "--colour"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown),
        "Argument inconnu : --colour.\nLancez `comptoir --help` pour la liste des commandes et des options.\n"
    );
}

#[test]
fn same_inputs_same_build_id() {
    let (temp, shop) = new_shop();

    let first = run(&shop, &["build"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let second = run(&shop, &["build"]);
    assert_eq!(build_id(&second), build_id(&first));

    // The same files in another folder, with an output in place, give the same id.
    let copy = temp.path().join("copy");
    for (relative, bytes) in snapshot(&shop) {
        let target = copy.join(relative);
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::write(target, bytes).expect("write");
    }
    let copied = run(&copy, &["build"]);
    assert_eq!(build_id(&copied), build_id(&first));

    fs::write(
        shop.join("content/products/cup.md"),
        BAD_PRODUCT.replace("titel", "title"),
    )
    .expect("edit");
    let changed = run(&shop, &["build"]);
    assert_eq!(changed.status.code(), Some(0), "{}", stderr(&changed));
    assert_ne!(build_id(&changed), build_id(&first));
}

#[test]
fn output_and_store_options() {
    let (temp, shop) = new_shop();
    let elsewhere = temp.path().join("site/out");

    let output = run(
        &shop,
        &[
            "build",
            "--output",
            elsewhere.to_str().expect("utf-8"),
            "--store",
            "shop",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(elsewhere.is_dir());
    assert!(!shop.join("public").exists());
    assert_eq!(entry_names(&temp.path().join("site")), vec!["out"]);

    let unknown = run(&shop, &["build", "--store", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown),
        "Unknown store “nope” in --store: the shop's stores are shop.\n"
    );
}

#[test]
fn output_holding_shop_is_rejected() {
    let (_temp, shop) = new_shop();
    let output = run(&shop, &["build", "--output", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("The output folder . contains the shop itself"),
        "{}",
        stderr(&output)
    );
    assert!(shop.join("site.toml").is_file());
}

#[test]
fn import_stock_reports_every_bad_row() {
    let (_temp, shop) = new_shop();
    assert_eq!(run(&shop, &["build"]).status.code(), Some(0));
    let sku = first_sku(&shop);
    fs::write(
        shop.join("bad.csv"),
        format!("sku,quantity\n{sku},3\nNO-SUCH-SKU,4\n{sku},-2\n,1\n"),
    )
    .expect("write csv");

    let output = run(&shop, &["import-stock", "bad.csv"]);

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let errors = stderr(&output);
    assert!(
        errors.contains("1. bad.csv:3: `NO-SUCH-SKU` is not sold"),
        "{errors}"
    );
    assert!(errors.contains("2. bad.csv:4: "), "{errors}");
    assert!(errors.contains("already appears on line 2"), "{errors}");
    assert!(errors.contains("bad.csv:5: the sku is empty"), "{errors}");
}

#[test]
fn import_stock_sets_levels_in_french() {
    let (_temp, shop) = new_shop();
    assert_eq!(run(&shop, &["build"]).status.code(), Some(0));
    let sku = first_sku(&shop);
    fs::write(shop.join("stock.csv"), format!("sku,quantity\n{sku},7\n")).expect("write csv");

    let output = run(&shop, &["import-stock", "stock.csv", "--lang", "fr"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "1 niveau de stock enregistré.");
    assert!(shop.join(".comptoir/edge.sqlite3").is_file());
}

/// The first sellable sku of the shop's first store, from its published price book.
fn first_sku(shop: &Path) -> String {
    let public = shop.join("public");
    let store = fs::read_dir(&public)
        .expect("public")
        .next()
        .expect("a store")
        .expect("entry")
        .path();
    price_book::read(&store).items.into_keys().next().expect("a sku")
}

/// Spinner frames of indicatif's default style, then the carriage return and the
/// start of an escape sequence that it uses to redraw its line.
const PROGRESS_MARKS: [&str; 10] = ["⠁", "⠂", "⠄", "⡀", "⢀", "⠠", "⠐", "⠈", "\r", "\x1b["];

/// Runs `comptoir` with bars allowed at once, so that only the terminal check can hide
/// them.
fn run_without_delay(dir: &Path, args: &[&str]) -> Output {
    comptoir(dir)
        .env("COMPTOIR_PROGRESS_DELAY_MS", "0")
        .args(args)
        .output()
        .expect("run comptoir")
}

#[test]
fn no_progress_without_terminal() {
    let (_temp, shop) = new_shop();
    let full = run_without_delay(&shop, &["build"]);
    let incremental = run_without_delay(&shop, &["build"]);
    let sku = first_sku(&shop);
    fs::write(shop.join("stock.csv"), format!("sku,quantity\n{sku},7\n")).expect("write csv");
    let import = run_without_delay(&shop, &["import-stock", "stock.csv"]);

    for (name, output) in [
        ("full build", full),
        ("incremental build", incremental),
        ("import", import),
    ] {
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{name} wrote to standard error");
        for mark in PROGRESS_MARKS {
            assert!(
                !stdout(&output).contains(mark),
                "{name}: {mark:?} in {}",
                stdout(&output)
            );
        }
    }
}

/// Returns the pages rendered, the pages kept and the files written that an
/// incremental build printed on `line`, given its text around the numbers.
fn incremental_counts(line: &str, words: [&str; 3]) -> [usize; 3] {
    let mut rest = line;
    let mut counts = [0; 3];
    for (count, word) in counts.iter_mut().zip(words) {
        let (number, after) = rest
            .split_once(word)
            .unwrap_or_else(|| panic!("no {word:?} in {line:?}"));
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        *count = digits
            .parse()
            .unwrap_or_else(|_| panic!("no number before {word:?} in {line:?}"));
        rest = after;
    }
    counts
}

/// Builds a new shop, builds it again unchanged, then changes one product and builds a
/// third time, in `lang`. Returns the three outputs.
fn three_builds(lang: &str) -> [Output; 3] {
    let (_temp, shop) = new_shop();
    let full = run(&shop, &["build", "--lang", lang]);
    let unchanged = run(&shop, &["build", "--lang", lang]);
    let product = shop.join("content/products/cup.md");
    let text = fs::read_to_string(&product).expect("read product");
    assert!(text.contains("title = \"Stoneware cup\""), "{text}");
    fs::write(&product, text.replace("Stoneware cup", "Porcelain cup")).expect("edit product");
    let changed = run(&shop, &["build", "--lang", lang]);
    for output in [&full, &unchanged, &changed] {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    }
    [full, unchanged, changed]
}

#[test]
fn incremental_build_prints_kept_and_written() {
    let [full, unchanged, changed] = three_builds("en");
    let words = [" pages rendered, ", " kept; ", " files written."];

    assert!(!stdout(&full).contains(" kept"), "{}", stdout(&full));

    let line = stdout(&unchanged).lines().last().unwrap_or_default().to_owned();
    assert_eq!(line, "0 pages rendered, 12 kept; 0 files written.");

    let line = stdout(&changed).lines().last().unwrap_or_default().to_owned();
    let [rendered, kept, written] = incremental_counts(&line, words);
    assert!(rendered >= 1, "{line}");
    assert!(kept >= 1, "{line}");
    assert_eq!(rendered + kept, 12, "{line}");
    assert!(written >= rendered, "{line}");
    assert!(
        stdout(&changed).contains("\nBuilt 12 pages in "),
        "{}",
        stdout(&changed)
    );
}

#[test]
fn product_edit_takes_the_short_path_with_a_relative_root() {
    let (temp, shop) = new_shop();
    let build = || {
        comptoir(temp.path())
            .env("RUST_LOG", "generator=debug")
            .args(["build", "--root", "shop"])
            .output()
            .expect("run comptoir")
    };
    assert_eq!(build().status.code(), Some(0));
    let product = shop.join("content/products/cup.md");
    let text = fs::read_to_string(&product).expect("read product");
    assert!(text.contains("price = \"24.90\""), "{text}");
    fs::write(&product, text.replace("24.90", "26.50")).expect("edit product");
    let patched = build();
    assert_eq!(patched.status.code(), Some(0), "{}", stderr(&patched));
    let log = stderr(&patched);
    assert!(
        !log.contains("building from the whole shop"),
        "a price edit loads only its product:\n{log}"
    );
    let page = fs::read_to_string(shop.join("public/shop/en/products/stoneware-cup/index.html"))
        .expect("product page");
    assert!(page.contains("26.50"), "{page}");
}

#[test]
fn incremental_build_summary_in_french() {
    let [full, unchanged, changed] = three_builds("fr");
    let words = [" pages générées, ", " conservées ; ", " fichiers écrits."];

    assert!(!stdout(&full).contains("conservée"), "{}", stdout(&full));

    let line = stdout(&unchanged).lines().last().unwrap_or_default().to_owned();
    assert_eq!(line, "0 page générée, 12 conservées ; 0 fichier écrit.");

    let line = stdout(&changed).lines().last().unwrap_or_default().to_owned();
    let [rendered, kept, written] = incremental_counts(&line, words);
    assert!(rendered >= 2, "the French plural needs at least 2 pages: {line}");
    assert_eq!(rendered + kept, 12, "{line}");
    assert!(written >= rendered, "{line}");
}

/// Runs `comptoir <args>` in `dir` on a pseudo-terminal made by util-linux `script`,
/// with bars shown after `delay_ms`. Returns everything the terminal received, or
/// `None` when `script` is not installed.
#[cfg(unix)]
fn run_on_terminal(dir: &Path, args: &str, delay_ms: &str) -> Option<String> {
    let command = format!("'{}' {args}", env!("CARGO_BIN_EXE_comptoir"));
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RUST_LOG")
        .env("COMPTOIR_PROGRESS_DELAY_MS", delay_ms)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            eprintln!("skipped: util-linux `script` did not run ({error})");
            return None;
        }
    };
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(unix)]
#[test]
fn terminal_build_draws_then_clears_bars() {
    let (_temp, shop) = new_shop();
    // A two-product shop loads in a few milliseconds, which can end before the bar's
    // thread first runs. 400 more products make the load last tens of milliseconds.
    for number in 1..=400 {
        let text = format!(
            "+++\nsku = \"EXTRA-{number}\"\ntitle = \"Extra {number}\"\nprice = \"10.00\"\n\
             categories = [\"kitchen\"]\nstock = \"untracked\"\n+++\nBody.\n"
        );
        fs::write(shop.join(format!("content/products/extra-{number}.md")), text).expect("write product");
    }
    let Some(terminal) = run_on_terminal(&shop, "build", "0") else {
        return;
    };

    assert!(terminal.contains("Reading the shop: "), "{terminal:?}");
    assert!(terminal.contains(" Markdown files, "), "{terminal:?}");
    assert!(terminal.contains(" files written ("), "{terminal:?}");
    // indicatif erases the spinner line with "erase line" before the summary.
    assert!(terminal.contains("\r\x1b[2K"), "{terminal:?}");
    assert!(terminal.contains("402 products"), "{terminal:?}");
}

#[cfg(unix)]
#[test]
fn terminal_hides_bars_of_short_steps() {
    let (_temp, shop) = new_shop();
    let Some(terminal) = run_on_terminal(&shop, "build", "60000") else {
        return;
    };

    assert!(!terminal.contains("Reading the shop: "), "{terminal:?}");
    assert!(!terminal.contains("\x1b[2K"), "{terminal:?}");
    assert!(terminal.contains("Built 12 pages in "), "{terminal:?}");
}

#[test]
fn second_build_waits_for_the_first() {
    let (_temp, shop) = new_shop();
    let lock_path = shop.join(generator::build::LOCK_FILE);
    fs::create_dir_all(lock_path.parent().expect("cache folder")).expect("mkdir");
    let lock = fs::File::create(&lock_path).expect("lock file");
    // This test plays the first build: it holds the lock.
    lock.lock().expect("lock");

    let child = comptoir(&shop)
        .args(["build", "--lang", "en"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn comptoir");
    let mut child = child;
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the second build did not wait"
    );
    assert!(
        !shop.join("public").exists(),
        "the second build wrote while locked"
    );

    lock.unlock().expect("unlock");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("Another build of this shop is running; this one starts when it ends.\n"),
        "{}",
        stderr(&output)
    );
    assert!(shop.join("public").is_dir());
}

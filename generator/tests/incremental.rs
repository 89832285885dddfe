//! Incremental builds: after each edit, a build that starts from the previous
//! output and its cache must write exactly the files a full build of the edited shop
//! writes, and must leave the files of unaffected pages untouched.
//!
//! The shop is a copy of the minimal fixture whose `plain` theme no longer prints the
//! build id. The build id changes with every input, so a page that prints it is
//! rendered again on any edit, and that would hide a missing dependency.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use generator::build::{BuildOptions, BuildSummary, build};
use generator::cache::CACHE_FILE;
use generator::messages::Lang;

#[path = "support/shops.rs"]
mod shops;

use shops::{copy_tree, edit, minimal_shop};

/// A copy of the minimal fixture whose templates do not print the build id.
fn shop() -> tempfile::TempDir {
    minimal_shop(true)
}

fn run_build(root: &Path) -> BuildSummary {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        stores: Vec::new(),
        lang: Lang::En,
    };
    build(&options).unwrap_or_else(|error| panic!("build failed: {error:?}"))
}

/// Reads every file under `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("readable output");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("inside the output");
            files.insert(
                relative.to_string_lossy().into_owned(),
                fs::read(entry.path()).expect("read output"),
            );
        }
    }
    files
}

/// Builds a fresh copy of `root`'s inputs, without its output or cache, and
/// returns the files written.
fn full_build_of(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().expect("temp dir");
    for entry in fs::read_dir(root).expect("read shop") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == "public" || name == ".comptoir" {
            continue;
        }
        let target = copy.path().join(&name);
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
    let summary = run_build(copy.path());
    assert_eq!(summary.pages_kept, 0, "a build without cache renders every page");
    tree(&copy.path().join("public"))
}

/// Asserts that the incremental output of `root` equals a full build's, naming
/// the first differing file.
fn assert_same_as_full_build(root: &Path) {
    let incremental = tree(&root.join("public"));
    let full = full_build_of(root);
    let incremental_paths: Vec<&String> = incremental.keys().collect();
    let full_paths: Vec<&String> = full.keys().collect();
    assert_eq!(incremental_paths, full_paths, "the builds wrote different files");
    for (path, bytes) in &full {
        assert!(
            incremental[path] == *bytes,
            "{path} differs from a full build:\n--- incremental\n{}\n--- full\n{}",
            String::from_utf8_lossy(&incremental[path]),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Returns the inode and modification time of a file, which stay the same while no
/// build rewrites it.
fn identity(path: &Path) -> (u64, i64, i64) {
    let metadata = fs::metadata(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    (metadata.ino(), metadata.mtime(), metadata.mtime_nsec())
}

const TEAPOT: &str = "public/fr/fr/produits/theiere-en-fonte/index.html";
const GIFT_CARD: &str = "public/fr/fr/produits/carte-cadeau/index.html";
const KITCHEN: &str = "public/fr/fr/rayons/cuisine/index.html";

#[test]
fn second_build_keeps_every_page() {
    let shop = shop();
    let first = run_build(shop.path());
    assert_eq!(first.pages_kept, 0);
    assert!(
        shop.path().join(CACHE_FILE).is_file(),
        "the full build writes the cache"
    );
    let teapot = identity(&shop.path().join(TEAPOT));

    let second = run_build(shop.path());

    let pages: usize = second.report.stores.iter().map(|store| store.pages).sum();
    assert_eq!(second.pages_kept, pages);
    assert_eq!(second.files_written, 0, "nothing changed, nothing is written");
    assert_eq!(identity(&shop.path().join(TEAPOT)), teapot);
    assert_same_as_full_build(shop.path());
}

#[test]
fn changed_product_rewrites_its_pages_only() {
    let shop = shop();
    run_build(shop.path());
    let teapot = identity(&shop.path().join(TEAPOT));
    let gift_card = identity(&shop.path().join(GIFT_CARD));

    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "title = \"Carte cadeau\"",
        "title = \"Carte cadeau de l'atelier\"",
    );
    let summary = run_build(shop.path());

    assert_same_as_full_build(shop.path());
    assert_eq!(
        identity(&shop.path().join(TEAPOT)),
        teapot,
        "an unrelated page was rewritten"
    );
    assert!(
        !shop.path().join(GIFT_CARD).exists(),
        "the old slug's page is deleted"
    );
    let renamed = shop
        .path()
        .join("public/fr/fr/produits/carte-cadeau-de-l-atelier/index.html");
    assert!(renamed.is_file(), "the page moves to the new slug");
    assert_ne!(identity(&renamed), gift_card);
    assert!(summary.pages_kept > 0);
    // The product's pages, the listings and home pages that show it, and the
    // feeds, sitemaps and price books.
    assert!(
        summary.files_written < 40,
        "{} files written",
        summary.files_written
    );
}

#[test]
fn added_and_deleted_products_match_a_full_build() {
    let shop = shop();
    run_build(shop.path());
    let teapot = identity(&shop.path().join(TEAPOT));

    fs::write(
        shop.path().join("content/products/pichet.md"),
        "+++\nsku = \"PICHET\"\ntitle = \"Pichet en grès\"\nprice = 28\ncategories = [\"cuisine\"]\n+++\nUn pichet.\n",
    )
    .expect("write product");
    run_build(shop.path());
    assert_same_as_full_build(shop.path());
    assert!(
        shop.path()
            .join("public/fr/fr/produits/pichet-en-gres/index.html")
            .is_file()
    );

    fs::remove_file(shop.path().join("content/products/the-vert.md")).expect("delete product");
    run_build(shop.path());
    assert_same_as_full_build(shop.path());
    assert_eq!(
        identity(&shop.path().join(TEAPOT)),
        teapot,
        "an unrelated page was rewritten"
    );
}

#[test]
fn changed_partial_rewrites_pages_that_include_it() {
    let shop = shop();
    run_build(shop.path());
    let teapot = identity(&shop.path().join(TEAPOT));
    let kitchen = identity(&shop.path().join(KITCHEN));

    edit(
        &shop.path().join("themes/plain/templates/partials/card.html"),
        "<li class=\"card\"",
        "<li class=\"card card--new\"",
    );
    let summary = run_build(shop.path());

    assert_same_as_full_build(shop.path());
    // Category and home pages include the card; product pages do not.
    assert_ne!(identity(&shop.path().join(KITCHEN)), kitchen);
    assert_eq!(identity(&shop.path().join(TEAPOT)), teapot);
    assert!(summary.pages_kept > 0);
}

#[test]
fn changed_base_template_rewrites_every_page() {
    let shop = shop();
    run_build(shop.path());

    edit(
        &shop.path().join("themes/plain/templates/base.html"),
        "<body",
        "<body data-edited",
    );
    let summary = run_build(shop.path());

    assert_same_as_full_build(shop.path());
    // Every page template extends base.html; only 404 pages and `/` may differ.
    let pages: usize = summary.report.stores.iter().map(|store| store.pages).sum();
    assert!(
        summary.pages_kept < pages / 10,
        "{} of {pages} pages kept",
        summary.pages_kept
    );
}

#[test]
fn changed_settings_match_a_full_build() {
    let shop = shop();
    run_build(shop.path());

    edit(
        &shop.path().join("site.toml"),
        "name = \"Atelier Brume\"",
        "name = \"Atelier Brume et fils\"",
    );
    run_build(shop.path());
    assert_same_as_full_build(shop.path());

    edit(
        &shop.path().join("site.toml"),
        "rate = \"0.95\"",
        "rate = \"0.97\"",
    );
    run_build(shop.path());
    assert_same_as_full_build(shop.path());
}

#[test]
fn corrupted_cache_is_ignored() {
    let shop = shop();
    run_build(shop.path());
    let cache = shop.path().join(CACHE_FILE);
    let text = fs::read_to_string(&cache).expect("cache");

    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"30\"",
        "price = \"35\"",
    );
    // Cut in the middle of a line, as a full disk would leave it.
    fs::write(&cache, &text[..text.len() / 2]).expect("truncate cache");
    let summary = run_build(shop.path());

    assert_eq!(summary.pages_kept, 0, "a broken cache starts from nothing");
    assert_same_as_full_build(shop.path());
    assert!(
        fs::read_to_string(&cache).expect("cache").len() > text.len() / 2,
        "the cache is written again"
    );
}

#[test]
fn stale_cache_and_edited_output_are_repaired() {
    let shop = shop();
    run_build(shop.path());
    let old_cache = fs::read(shop.path().join(CACHE_FILE)).expect("cache");

    edit(
        &shop.path().join("content/products/theiere.md"),
        "backorder_days = 15",
        "backorder_days = 20",
    );
    run_build(shop.path());
    // The cache of the first build no longer matches the output, and a page was
    // edited and another deleted by hand.
    fs::write(shop.path().join(CACHE_FILE), old_cache).expect("restore old cache");
    fs::write(shop.path().join(KITCHEN), "edited").expect("edit output");
    fs::remove_file(shop.path().join(GIFT_CARD)).expect("delete output");
    run_build(shop.path());

    assert_same_as_full_build(shop.path());
}

#[test]
fn store_build_deletes_the_cache() {
    let shop = shop();
    run_build(shop.path());
    let options = BuildOptions {
        root: shop.path().to_path_buf(),
        output: shop.path().join("public"),
        stores: vec!["ch".to_owned()],
        lang: Lang::En,
    };
    build(&options).expect("build of one store");
    assert!(!shop.path().join(CACHE_FILE).exists());

    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"30\"",
        "price = \"32\"",
    );
    let summary = run_build(shop.path());
    assert_eq!(summary.pages_kept, 0);
    assert_same_as_full_build(shop.path());
}

const THE_VERT: &str = "public/fr/fr/produits/the-vert-sencha/index.html";
const FEED: &str = "public/fr/feeds/fr-eur.xml";
const PRICE_BOOK: &str = "public/fr/_comptoir/pricebook.json";

#[test]
fn product_edits_render_only_what_shows_them() {
    let shop = shop();
    let first = run_build(shop.path());
    assert!(!first.patched, "a first build loads everything");
    let the_vert = identity(&shop.path().join(THE_VERT));
    let feed = fs::read(shop.path().join(FEED)).expect("feed");

    // A price, then a body, then two products at once, then the first product
    // again: each build starts from the state the previous one left.
    let edits: [&[(&str, &str, &str)]; 4] = [
        &[(
            "content/products/carte-cadeau.md",
            "price = \"30\"",
            "price = \"35\"",
        )],
        &[(
            "content/products/theiere.md",
            "Une théière qui garde la chaleur.",
            "Une théière en fonte qui garde la chaleur des heures.",
        )],
        &[
            (
                "content/products/theiere.md",
                "backorder_days = 15",
                "backorder_days = 20",
            ),
            (
                "content/products/carte-cadeau.md",
                "stock = \"untracked\"",
                "stock = \"track\"",
            ),
        ],
        &[(
            "content/products/carte-cadeau.md",
            "price = \"35\"",
            "price = \"37.50\"",
        )],
    ];
    for edit_set in edits {
        for (file, from, to) in edit_set {
            edit(&shop.path().join(file), from, to);
        }
        let summary = run_build(shop.path());
        assert!(summary.patched, "{edit_set:?} loaded the whole shop");
        assert!(summary.files_written > 0);
        assert!(summary.files_written < 40);
        let pages: usize = summary.report.stores.iter().map(|store| store.pages).sum();
        assert_eq!(
            pages,
            first.report.stores.iter().map(|store| store.pages).sum::<usize>()
        );
        assert_same_as_full_build(shop.path());
        assert_eq!(
            identity(&shop.path().join(THE_VERT)),
            the_vert,
            "an unrelated page was rewritten"
        );
    }
    assert_ne!(
        fs::read(shop.path().join(FEED)).expect("feed"),
        feed,
        "the feed changed"
    );

    // A translated product: an edit of its base file or of its translation reads
    // both; a new English address moves its English pages only.
    let translated: [(&str, &str, &str); 3] = [
        (
            "content/products/tasses/tasse-gres.md",
            "weight = 350",
            "weight = 300",
        ),
        (
            "content/products/tasses/tasse-gres.en.md",
            "A hand-thrown mug.",
            "A mug thrown by hand.",
        ),
        (
            "content/products/tasses/tasse-gres.en.md",
            "slug = \"stoneware-mug\"",
            "slug = \"glazed-mug\"",
        ),
    ];
    for (file, from, to) in translated {
        edit(&shop.path().join(file), from, to);
        let summary = run_build(shop.path());
        assert!(summary.patched, "{file}: {to} loaded the whole shop");
        assert_same_as_full_build(shop.path());
    }

    // A new title without `slug` moves the product to a new address: its old pages
    // are deleted and the sitemaps list the new one.
    edit(
        &shop.path().join("content/products/the-vert.md"),
        "title = \"Thé vert sencha\"",
        "title = \"Thé vert de printemps\"",
    );
    let summary = run_build(shop.path());
    assert!(summary.patched, "a new address loaded the whole shop");
    assert!(!shop.path().join(THE_VERT).exists(), "the old address is gone");
    assert!(
        shop.path()
            .join("public/fr/fr/produits/the-vert-de-printemps/index.html")
            .is_file()
    );
    assert_same_as_full_build(shop.path());
}

#[test]
fn taken_address_is_reported_by_the_full_load() {
    let shop = shop();
    run_build(shop.path());
    let before = tree(&shop.path().join("public"));
    edit(
        &shop.path().join("content/products/the-vert.md"),
        "title = \"Thé vert sencha\"",
        "title = \"Thé vert sencha\"\nslug = \"carte-cadeau\"",
    );
    let options = BuildOptions {
        root: shop.path().to_path_buf(),
        output: shop.path().join("public"),
        stores: Vec::new(),
        lang: Lang::En,
    };
    let error = format!("{:?}", build(&options).expect_err("two products on one address"));
    assert!(error.contains("slug-duplicate"), "{error}");
    assert_eq!(tree(&shop.path().join("public")), before, "the output changed");
}

#[test]
fn nothing_changed_writes_nothing_and_keeps_the_state() {
    let shop = shop();
    run_build(shop.path());
    let state = fs::read(shop.path().join(generator::state::STATE_FILE)).expect("state");
    let summary = run_build(shop.path());
    assert!(summary.patched);
    assert_eq!(summary.files_written, 0);
    assert_eq!(
        fs::read(shop.path().join(generator::state::STATE_FILE)).expect("state"),
        state
    );
    // The warnings of a full build come out again: the CHF price of a product
    // without one is missing in every build.
    let full = full_warnings(shop.path());
    let warnings: Vec<String> = summary.report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, full);
}

/// Returns the warnings of a full build of a copy of `root`'s inputs.
fn full_warnings(root: &Path) -> Vec<String> {
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(root, copy.path());
    fs::remove_dir_all(copy.path().join("public")).expect("remove output");
    fs::remove_dir_all(copy.path().join(".comptoir")).expect("remove cache");
    run_build(copy.path())
        .report
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn edits_other_pages_see_load_the_whole_shop() {
    let shop = shop();
    run_build(shop.path());
    // A product in the menu with a new title, a category change, a deleted
    // translation, and a product edit next to a settings edit.
    let edits: [&[(&str, &str, &str)]; 3] = [
        &[(
            "content/products/theiere.md",
            "title = \"Théière en fonte\"",
            "title = \"Théière\"",
        )],
        &[(
            "content/products/carte-cadeau.md",
            "categories = [\"cuisine\"]",
            "categories = [\"the\"]",
        )],
        &[
            (
                "content/products/carte-cadeau.md",
                "price = \"30\"",
                "price = \"31\"",
            ),
            (
                "site.toml",
                "name = \"Atelier Brume\"",
                "name = \"Atelier Brume et fils\"",
            ),
        ],
    ];
    for edit_set in edits {
        for (file, from, to) in edit_set {
            edit(&shop.path().join(file), from, to);
        }
        let summary = run_build(shop.path());
        assert!(!summary.patched, "{edit_set:?} was rendered alone");
        assert_same_as_full_build(shop.path());
    }
    fs::remove_file(shop.path().join("content/products/tasses/tasse-gres.en.md")).expect("delete");
    assert!(
        !run_build(shop.path()).patched,
        "a deleted translation was rendered alone"
    );
    assert_same_as_full_build(shop.path());

    // After those, the short way is open again.
    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"31\"",
        "price = \"32\"",
    );
    assert!(run_build(shop.path()).patched);
    assert_same_as_full_build(shop.path());
}

/// Something done to the files a build leaves, between two builds.
type Damage<'a> = Box<dyn Fn() + 'a>;

#[test]
fn missing_or_damaged_state_loads_the_whole_shop() {
    let shop = shop();
    run_build(shop.path());
    let state = shop.path().join(generator::state::STATE_FILE);
    let catalogue = shop.path().join(generator::state::CATALOGUE_FILE);
    let damages: [(&str, Damage); 5] = [
        (
            "state deleted",
            Box::new(|| fs::remove_file(&state).expect("delete")),
        ),
        (
            "state cut short",
            Box::new(|| {
                let bytes = fs::read(&state).expect("state");
                fs::write(&state, &bytes[..bytes.len() / 2]).expect("cut");
            }),
        ),
        (
            "catalogue cut short",
            Box::new(|| {
                let bytes = fs::read(&catalogue).expect("catalogue");
                fs::write(&catalogue, &bytes[..bytes.len() / 2]).expect("cut");
            }),
        ),
        (
            "a title changed inside the catalogue",
            Box::new(|| {
                let bytes = fs::read(&catalogue).expect("catalogue");
                let from = "Thé vert sencha".as_bytes();
                let at = bytes
                    .windows(from.len())
                    .position(|window| window == from)
                    .expect("the tea's title in the catalogue");
                let mut damaged = bytes.clone();
                damaged[at + from.len() - 1] = b'E';
                fs::write(&catalogue, damaged).expect("damage");
            }),
        ),
        (
            "feed edited",
            Box::new(|| {
                let path = shop.path().join(FEED);
                let text = fs::read_to_string(&path).expect("feed");
                fs::write(&path, text.replace("<channel>", "<channel>\n")).expect("edit");
            }),
        ),
    ];
    let mut price = 30;
    for (what, damage) in damages {
        let from = format!("price = \"{price}\"");
        price += 1;
        edit(
            &shop.path().join("content/products/carte-cadeau.md"),
            &from,
            &format!("price = \"{price}\""),
        );
        damage();
        let summary = run_build(shop.path());
        // An edited feed no longer matches its layout, and the other products'
        // items cannot be written without their bodies.
        assert!(!summary.patched, "{what}");
        assert_same_as_full_build(shop.path());
    }
}

#[test]
fn price_book_edited_by_hand_is_written_again() {
    let shop = shop();
    run_build(shop.path());
    let path = shop.path().join(PRICE_BOOK);
    let text = fs::read_to_string(&path).expect("price book");
    fs::write(&path, text.replacen("\"parts\":[", "\"parts\": [", 1)).expect("edit");
    for (name, _) in parts(shop.path()) {
        let part = shop.path().join("public/fr/_comptoir/pricebook").join(name);
        let text = fs::read_to_string(&part).expect("part");
        fs::write(&part, text.replacen('{', "{ ", 1)).expect("edit part");
    }
    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"30\"",
        "price = \"33\"",
    );
    assert!(run_build(shop.path()).patched);
    assert_same_as_full_build(shop.path());
}

#[test]
fn broken_product_edit_reports_the_file_and_keeps_the_output() {
    let shop = shop();
    run_build(shop.path());
    let before = tree(&shop.path().join("public"));
    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"30\"",
        "price = \"trente\"",
    );
    let options = BuildOptions {
        root: shop.path().to_path_buf(),
        output: shop.path().join("public"),
        stores: Vec::new(),
        lang: Lang::En,
    };
    let error = build(&options).expect_err("a bad price fails the build");
    assert!(format!("{error:?}").contains("carte-cadeau.md"), "{error:?}");
    assert_eq!(tree(&shop.path().join("public")), before, "the output changed");

    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"trente\"",
        "price = \"34\"",
    );
    assert!(
        run_build(shop.path()).patched,
        "the state of the last good build is used"
    );
    assert_same_as_full_build(shop.path());
}

#[test]
fn file_edited_during_a_build_is_read_again() {
    use generator::inputs::InputDigests;

    let shop = shop();
    let root = shop.path();
    run_build(root);
    let name = "content/products/carte-cadeau.md";
    let card = root.join(name);
    edit(&card, "price = \"30\"", "price = \"35\"");
    let settings = generator::load::load_settings(root).expect("settings");
    let scan = generator::build::scan_inputs(root, &settings).expect("scan");
    let hashed = InputDigests::default()
        .record(name, &card, &fs::metadata(&card).expect("card"))
        .expect("hash");
    // An edit of the same size lands after the scan hashed the file, before the
    // build read it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&card, "price = \"35\"", "price = \"36\"");
    scan.record(root, generator::build::InputsRead::Changed)
        .expect("record");

    let recorded = InputDigests::read(root);
    assert!(
        !recorded.has(name, &hashed),
        "a file edited after the scan is not recorded"
    );
    let other = "content/products/theiere.md";
    let unchanged = InputDigests::default()
        .record(
            other,
            &root.join(other),
            &fs::metadata(root.join(other)).expect("teapot"),
        )
        .expect("hash");
    assert!(
        recorded.has(other, &unchanged),
        "the files that did not change stay recorded"
    );

    // A full load reads every file, so a file whose recorded digest the scan
    // reused, edited before the load read it, is left out too.
    let scan = generator::build::scan_inputs(root, &settings).expect("scan");
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&root.join(other), "price = 59.90", "price = 59.95");
    scan.record(root, generator::build::InputsRead::All)
        .expect("record");
    assert!(
        !InputDigests::read(root).has(other, &unchanged),
        "a file edited after the scan is not recorded"
    );
}

#[test]
fn damaged_page_cache_still_deletes_old_pages() {
    let shop = shop();
    let root = shop.path();
    run_build(root);
    // A path in the page cache changed in place, the file keeping its length.
    let cache = root.join(CACHE_FILE);
    let text = fs::read_to_string(&cache).expect("page cache");
    assert!(text.contains("theiere-en-fonte/"), "{text}");
    fs::write(&cache, text.replace("theiere-en-fonte/", "theiere-en-fontX/")).expect("damage");
    // The teapot moves to a new address, and its old pages must go.
    edit(
        &root.join("content/products/theiere.md"),
        "title = \"Théière en fonte\"",
        "title = \"Théière noire\"",
    );
    run_build(root);
    assert!(
        !root.join(TEAPOT).exists(),
        "the page at the old address is deleted"
    );
    assert_same_as_full_build(root);
}

/// Adds a product with `variants` variants to the shop's CSV catalogue, so its
/// price book spans several parts (2,048 skus each).
fn add_variants(root: &Path, variants: usize) {
    let mut csv = String::from(
        "sku,parent_sku,title,title.en,price,price.pro.EUR,tax_class,stock,weight,categories,option.taille\n\
         MANY,,Bol décliné,Many bowl,5.00,,standard,track,100,cuisine,\n",
    );
    for variant in 1..=variants {
        csv.push_str(&format!("MANY-{variant:05},MANY,,,5.00,,,,,,T{variant:05}\n"));
    }
    fs::write(root.join("content/catalog/many.csv"), csv).expect("write CSV");
}

/// Lists the price book parts of the French store, by file name.
fn parts(root: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    let folder = root.join("public/fr/_comptoir/pricebook");
    fs::read_dir(&folder)
        .expect("parts folder")
        .map(|entry| {
            let entry = entry.expect("entry");
            (
                entry.file_name().to_string_lossy().into_owned(),
                identity(&entry.path()),
            )
        })
        .collect()
}

#[test]
fn price_book_edit_rewrites_one_part() {
    let shop = shop();
    add_variants(shop.path(), 2100);
    run_build(shop.path());
    let before = parts(shop.path());
    assert_eq!(
        before.len(),
        2,
        "2,100 variants and the fixture's skus fill two parts"
    );

    // CARTE-CADEAU sorts before MANY-…, so only the first part contains it.
    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"30\"",
        "price = \"31\"",
    );
    let summary = run_build(shop.path());
    assert!(summary.patched, "a price edit takes the short path");
    let after = parts(shop.path());
    assert_eq!(after.len(), 2, "the replaced part is deleted");
    let kept: Vec<&String> = after
        .keys()
        .filter(|name| before.get(*name) == after.get(*name))
        .collect();
    assert_eq!(
        kept.len(),
        1,
        "one part is kept as it was: {before:?} then {after:?}"
    );
    assert_same_as_full_build(shop.path());

    // A kept part deleted by hand is written again by the next short build.
    let kept_part = shop.path().join("public/fr/_comptoir/pricebook").join(kept[0]);
    fs::remove_file(&kept_part).expect("delete part");
    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"31\"",
        "price = \"32\"",
    );
    assert!(run_build(shop.path()).patched);
    assert_same_as_full_build(shop.path());

    // So is one edited by hand to another price of the same length.
    let text = fs::read_to_string(&kept_part).expect("part");
    let edited = text.replacen("\"EUR\":500", "\"EUR\":100", 1);
    assert_ne!(edited, text, "the kept part sells variants at 5.00");
    fs::write(&kept_part, edited).expect("edit part");
    edit(
        &shop.path().join("content/products/carte-cadeau.md"),
        "price = \"32\"",
        "price = \"33\"",
    );
    assert!(run_build(shop.path()).patched);
    assert_same_as_full_build(shop.path());
}

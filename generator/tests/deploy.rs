//! `comptoir deploy --prepare` run as a process on the demo shop: the wrangler
//! configuration it writes, its errors, and the configuration run under workerd
//! (`wrangler dev --local`) with pages moved to wrangler's local R2.
//!
//! The workerd test needs the Worker toolchain (`scripts/install-worker-toolchain`)
//! and a Worker built by `scripts/build-worker`; without them it fails, it is not
//! skipped.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

// Only the Worker build helper is used here; the rest serves the HTTP suite.
#[allow(dead_code)]
#[path = "support/hosts.rs"]
mod hosts;

/// A D1 id in the format `wrangler d1 create` prints; local mode accepts any id.
const D1_ID: &str = "0b2c0f4e-3d6a-4a1e-9f3c-2b1a0c9d8e7f";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the repository")
        .to_path_buf()
}

/// Prepares the command with English messages and no log filter.
fn comptoir(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RUST_LOG")
        .output()
        .expect("run comptoir")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temporary path")
}

/// Builds the demo shop into `<temp>/public`.
fn build_demo(temp: &Path) -> PathBuf {
    let public = temp.join("public");
    let root = repository();
    let output = comptoir(&["build", "--root", path(&root), "--output", path(&public)]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "build failed: {}",
        text(&output.stderr)
    );
    public
}

/// Creates a stand-in for Comptoir's source folder, so the snapshots' paths do not
/// depend on where the repository is checked out.
fn fake_source(temp: &Path) -> PathBuf {
    let source = temp.join("source");
    fs::create_dir_all(source.join("worker/build/worker")).expect("create worker folder");
    fs::write(
        source.join("worker/build/worker/shim.mjs"),
        "export default {};\n",
    )
    .expect("write shim");
    fs::create_dir_all(source.join("edge/migrations")).expect("create migrations folder");
    source
}

/// Runs `deploy --prepare` on the demo shop's build with `extra` arguments.
fn prepare(temp: &Path, public: &Path, source: &Path, extra: &[&str]) -> Output {
    let root = repository();
    let deploy = temp.join("deploy");
    let mut args = vec![
        "deploy",
        "--prepare",
        "--root",
        path(&root),
        "--public",
        path(public),
        "--output",
        path(&deploy),
        "--source",
        path(source),
        "--d1-id",
        D1_ID,
    ];
    args.extend_from_slice(extra);
    comptoir(&args)
}

fn build_id(public: &Path, store: &str) -> String {
    let json = fs::read_to_string(public.join(store).join("_comptoir/store.json")).expect("read store.json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("store.json is JSON");
    value["build_id"].as_str().expect("build_id").to_owned()
}

#[test]
fn prepare_writes_one_config_per_store() {
    let temp = tempfile::tempdir().expect("temp dir");
    let public = build_demo(temp.path());
    let source = fake_source(temp.path());

    let output = prepare(temp.path(), &public, &source, &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "prepare failed: {}",
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("Store fr: "), "{stdout}");
    assert!(stdout.contains("COMPTOIR_ADMIN_TOKEN"), "{stdout}");
    assert!(!stdout.contains("D1 database id is missing"), "{stdout}");

    let deploy = temp.path().join("deploy");
    assert_eq!(
        fs::read_to_string(deploy.join(".gitignore"))
            .expect(".gitignore")
            .lines()
            .last(),
        Some("*")
    );
    for store in ["fr", "pro", "ch"] {
        let config = fs::read_to_string(deploy.join(store).join("wrangler.toml")).expect("wrangler.toml");
        let parsed: toml::Table = config.parse().expect("valid TOML");
        assert_eq!(
            parsed["name"].as_str(),
            Some(format!("comptoir-{store}").as_str())
        );
        assert_eq!(
            parsed["assets"]["directory"].as_str(),
            Some(format!("../../public/{store}").as_str())
        );
        assert!(!deploy.join(store).join("r2-upload.sh").exists());
        assert!(!public.join(store).join(".assetsignore").exists());
    }

    let config = fs::read_to_string(deploy.join("fr/wrangler.toml")).expect("wrangler.toml");
    let config = config.replace(&build_id(&public, "fr"), "[build id]");
    insta::assert_snapshot!("wrangler_fr_static", config);
}

#[test]
fn prepare_moves_pages_to_r2_over_limit() {
    let temp = tempfile::tempdir().expect("temp dir");
    let public = build_demo(temp.path());
    let source = fake_source(temp.path());

    let output = prepare(
        temp.path(),
        &public,
        &source,
        &["--store", "fr", "--max-asset-files", "150"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "prepare failed: {}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).contains("go to the R2 bucket comptoir-pages"));

    let folder = temp.path().join("deploy/fr");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("r2-manifest.json")).expect("manifest"))
            .expect("manifest is JSON");
    let files = manifest["files"].as_u64().expect("files");
    let static_files = manifest["static_assets"]["files"].as_u64().expect("static files");
    let r2_files = manifest["r2"]["files"].as_u64().expect("r2 files");
    assert!(static_files <= 150, "{manifest}");
    assert_eq!(static_files + r2_files, files);

    // Every R2 file is in exactly one entry list, and no shared asset is among them.
    let mut listed = 0;
    for entry in fs::read_dir(folder.join("r2-upload")).expect("entry lists") {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&fs::read_to_string(entry.expect("entry").path()).expect("read list"))
                .expect("list is JSON");
        for item in &list {
            let file = item["file"].as_str().expect("file");
            assert!(folder.join(file).is_file(), "{file} is listed but missing");
            assert!(
                !file.contains("/_comptoir/") && !file.contains("/assets/"),
                "{file}"
            );
        }
        listed += list.len() as u64;
    }
    assert_eq!(listed, r2_files);

    let ignore = fs::read_to_string(public.join("fr/.assetsignore")).expect(".assetsignore");
    for folder in manifest["r2"]["folders"].as_array().expect("folders") {
        let path = folder["path"].as_str().expect("path");
        assert!(ignore.lines().any(|line| line == format!("/{path}")), "{ignore}");
    }

    let config = fs::read_to_string(folder.join("wrangler.toml")).expect("wrangler.toml");
    let config = config.replace(&build_id(&public, "fr"), "[build id]");
    insta::assert_snapshot!("wrangler_fr_r2", config);

    // Preparing again with the plan's limit puts everything back in static assets.
    let output = prepare(temp.path(), &public, &source, &["--store", "fr"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "prepare failed: {}",
        text(&output.stderr)
    );
    assert!(!public.join("fr/.assetsignore").exists());
    assert!(!folder.join("r2-manifest.json").exists());
    assert!(!folder.join("r2-upload").exists());
}

#[test]
fn prepare_rejects_unknown_store() {
    let temp = tempfile::tempdir().expect("temp dir");
    let source = fake_source(temp.path());
    let public = temp.path().join("public");
    let output = prepare(temp.path(), &public, &source, &["--store", "xx"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "Unknown store “xx” in --store: the shop's stores are fr, pro, ch.\n"
    );
}

#[test]
fn prepare_without_build_names_the_fix() {
    let temp = tempfile::tempdir().expect("temp dir");
    let source = fake_source(temp.path());
    let public = temp.path().join("public");
    let output = prepare(temp.path(), &public, &source, &["--store", "pro", "--lang", "fr"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("La boutique pro n'a pas été générée : "),
        "{stderr}"
    );
    assert!(stderr.contains("Lancez d'abord `comptoir build`"), "{stderr}");
    assert!(!temp.path().join("deploy").exists());
}

#[test]
fn prepare_without_worker_build_names_the_script() {
    let temp = tempfile::tempdir().expect("temp dir");
    let public = temp.path().join("public");
    let empty = temp.path().join("empty");
    fs::create_dir_all(&empty).expect("create folder");
    let output = prepare(temp.path(), &public, &empty, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("The Worker is not built: "), "{stderr}");
    assert!(stderr.contains("scripts/build-worker"), "{stderr}");
}

#[test]
fn prepare_rejects_store_without_domain() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["new", "shop", "--lang", "en"])
        .current_dir(temp.path())
        .output()
        .expect("run comptoir new");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let shop = temp.path().join("shop");
    let settings = fs::read_to_string(shop.join("site.toml")).expect("site.toml");
    let base_url = settings
        .lines()
        .find(|line| line.starts_with("base_url"))
        .expect("the new shop has a base_url")
        .to_owned();
    let line_number = settings.lines().position(|line| line == base_url).expect("line") + 1;
    let settings = settings.replace(&base_url, "base_url = \"http://localhost:8080\"");
    let settings = format!("{settings}\n[deploy.stores.nope]\nworker_name = \"x\"\n");
    fs::write(shop.join("site.toml"), settings).expect("write site.toml");
    let source = fake_source(temp.path());

    let output = comptoir(&[
        "deploy",
        "--prepare",
        "--root",
        path(&shop),
        "--source",
        path(&source),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("The shop has 2 problems:"), "{stderr}");
    assert!(
        stderr.contains(&format!("site.toml:{line_number}:12")),
        "the problem points at base_url: {stderr}"
    );
    assert!(
        stderr.contains("Store shop has no domain: its base_url http://localhost:8080"),
        "{stderr}"
    );
    assert!(
        stderr.contains("The table [deploy.stores.nope] names no store"),
        "{stderr}"
    );
}

/// A `wrangler dev` process group, stopped when dropped.
struct Wrangler {
    child: Child,
}

impl Drop for Wrangler {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        // wrangler starts workerd as a child: stop the whole group.
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// One HTTP response read off a socket.
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends one HTTP/1.1 request to 127.0.0.1 and reads the whole response.
fn http(port: u16, method: &str, target: &str, headers: &[(&str, &str)]) -> std::io::Result<HttpResponse> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;

    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(name, value)| name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(end) = data.windows(2).position(|window| window == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        body.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    body
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1")
}

/// Runs wrangler with its network features off, in `folder`.
fn wrangler_command(wrangler: &Path, folder: &Path) -> Command {
    let mut command = Command::new(wrangler);
    command
        .current_dir(folder)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("WRANGLER_HIDE_BANNER", "true")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
    command
}

fn run_checked(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|error| panic!("{what}: {error}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// Finds the first file of `list` (an entry list of the upload) under `folder`.
fn first_listed(deploy: &Path, list: &str, folder: &str) -> String {
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(deploy.join("r2-upload").join(list)).expect("read list"))
            .expect("list is JSON");
    let key = entries
        .iter()
        .filter_map(|entry| entry["key"].as_str())
        .find(|key| key.contains(folder))
        .unwrap_or_else(|| panic!("no entry under {folder} in {list}"));
    key.split_once(folder)
        .map(|(_, rest)| format!("{folder}{rest}"))
        .expect("key")
}

#[test]
fn worker_serves_r2_pages_under_workerd() {
    let started = Instant::now();
    let root = repository();
    let wrangler = root.join("tools/worker/node_modules/.bin/wrangler");
    assert!(
        wrangler.is_file(),
        "{} is missing: run scripts/install-worker-toolchain",
        wrangler.display()
    );
    // Builds the Worker when `worker/build/` is missing or older than its sources,
    // as the HTTP suite does: CI starts from a clean clone.
    hosts::ensure_worker_built();
    assert!(
        root.join("worker/build/worker/shim.mjs").is_file(),
        "scripts/build-worker left no worker/build/worker/shim.mjs"
    );

    let temp: TempDir = tempfile::tempdir().expect("temp dir");
    let public = build_demo(temp.path());
    let deploy_root = temp.path().join("deploy");
    let output = comptoir(&[
        "deploy",
        "--prepare",
        "--root",
        path(&root),
        "--public",
        path(&public),
        "--output",
        path(&deploy_root),
        "--store",
        "fr",
        "--max-asset-files",
        "50",
        "--d1-id",
        D1_ID,
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "prepare failed: {}",
        text(&output.stderr)
    );
    let deploy = deploy_root.join("fr");
    let state = temp.path().join("state");

    // Fill wrangler's local R2 with the upload script, as a merchant would with
    // Cloudflare's, and migrate the local D1.
    run_checked(
        Command::new(deploy.join("r2-upload.sh"))
            .args(["--local", "--persist-to", path(&state)])
            .env("WRANGLER", &wrangler)
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false")
            .env("WRANGLER_HIDE_BANNER", "true")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false"),
        "r2-upload.sh --local",
    );
    run_checked(
        wrangler_command(&wrangler, &deploy).args([
            "d1",
            "migrations",
            "apply",
            "comptoir",
            "--local",
            "--persist-to",
            path(&state),
        ]),
        "wrangler d1 migrations apply",
    );

    let port = free_port();
    let log = fs::File::create(temp.path().join("wrangler.log")).expect("create log");
    let mut command = wrangler_command(&wrangler, &deploy);
    command
        .args([
            "dev",
            "--local",
            "--ip",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--persist-to",
            path(&state),
            "--show-interactive-dev-session=false",
        ])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut server = Wrangler {
        child: command.spawn().expect("start wrangler dev"),
    };

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if http(port, "GET", "/robots.txt", &[]).is_ok_and(|response| response.status == 200) {
            break;
        }
        let exited = server.child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let log = fs::read_to_string(temp.path().join("wrangler.log")).unwrap_or_default();
            panic!("wrangler dev did not start ({exited:?}):\n{log}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }

    let product = first_listed(&deploy, "text-html.json", "fr/produits/");
    let product_url = format!("/{}", product.trim_end_matches("index.html"));
    let product_bytes = fs::read(public.join("fr").join(&product)).expect("read product page");

    // A product page comes from R2, with its type and an ETag.
    let page = http(port, "GET", &product_url, &[]).expect("product page");
    assert_eq!(page.status, 200, "{product_url}");
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.body, product_bytes);
    let etag = page.header("etag").expect("an ETag").to_owned();

    // Served again from the edge cache or R2, the same ETag yields 304.
    let again = http(port, "GET", &product_url, &[("If-None-Match", &etag)]).expect("conditional request");
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    let head = http(port, "HEAD", &product_url, &[]).expect("HEAD");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("etag"), Some(etag.as_str()));

    let without_slash = product_url.trim_end_matches('/');
    let redirect = http(port, "GET", without_slash, &[]).expect("page without slash");
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("location"), Some(product_url.as_str()));

    // A product image from R2 keeps its type.
    let image = first_listed(&deploy, "image-svg-xml.json", "images/produits/");
    let response = http(port, "GET", &format!("/{image}"), &[]).expect("image");
    assert_eq!(response.status, 200, "{image}");
    assert_eq!(response.header("content-type"), Some("image/svg+xml"));

    // The CSS stays a static asset.
    let css = fs::read_dir(public.join("fr/assets"))
        .expect("assets folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with(".css"))
        .expect("a stylesheet");
    let response = http(port, "GET", &format!("/assets/{css}"), &[]).expect("stylesheet");
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .is_some_and(|value| value.starts_with("text/css")),
        "{:?}",
        response.header("content-type")
    );
    assert_eq!(
        response.body,
        fs::read(public.join("fr/assets").join(&css)).expect("read css")
    );

    // A missing page under an R2 folder gets the locale's 404 page, as static
    // assets would.
    let missing = http(port, "GET", "/fr/produits/no-such-product/", &[]).expect("missing page");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body,
        fs::read(public.join("fr/fr/404.html")).expect("read 404 page")
    );

    // The API still reaches the router.
    let cart = http(port, "GET", "/api/carts/no-such-cart", &[]).expect("API");
    assert_eq!(cart.status, 404, "{}", text(&cart.body));
    assert!(text(&cart.body).contains("\"error\""), "{}", text(&cart.body));

    drop(server);
    eprintln!("workerd test took {:?}", started.elapsed());
}

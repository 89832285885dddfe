//! The two hosts of the edge, started on 127.0.0.1 for the HTTP suite. The native
//! host is the edge's router on tokio, with a new SQLite file and the outbox
//! mailer. The Cloudflare Worker runs under `wrangler dev --local` (workerd), with
//! a local D1 database in a temporary persist folder and a stub of Brevo's email
//! API.
//!
//! Both serve the demo shop's `fr` store from one build of the repository. The
//! suite sees a base URL, an admin token and the emails each host sent.

use std::fs;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use edge::native::{NativeHost, NativeOptions};
use edge::state::EdgeConfig;
use generator::build::{BuildOptions, build};
use generator::messages::Lang;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The store every scenario uses.
pub const STORE: &str = "fr";
/// Largest Worker accepted, gzipped: the budget `scripts/build-worker` enforces,
/// well below Cloudflare's 3 MB limit of the free plan.
pub const WORKER_BUDGET_BYTES: u64 = 1024 * 1024;
/// wrangler compiles the shim and opens the local D1 before it serves. On a busy
/// 2-core machine that took 20 to 24 s.
const WORKER_STARTUP: Duration = Duration::from_secs(120);

/// Returns the repository's root, which is also the demo shop.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

/// Builds the demo shop once per test process into the target folder, and
/// returns its output folder.
pub fn demo_public() -> &'static Path {
    static PUBLIC: OnceLock<PathBuf> = OnceLock::new();
    PUBLIC.get_or_init(|| {
        let output = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("http_suite")
            .join(std::process::id().to_string())
            .join("public");
        build(&BuildOptions {
            root: repository(),
            output: output.clone(),
            stores: Vec::new(),
            lang: Lang::En,
        })
        .unwrap_or_else(|error| panic!("building the demo shop failed: {error:?}"));
        output
    })
}

/// A running host of the edge.
pub struct Host {
    /// `native` or `worker`, for messages.
    pub name: &'static str,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Bearer token of `/api/admin/*`.
    pub admin_token: String,
    /// The store's first allowed origin, sent with every write.
    pub origin: String,
    running: Running,
}

enum Running {
    Native(NativeServer),
    Worker(WorkerServer),
}

/// An email a host sent: its recipient, subject and plain-text body.
#[derive(Debug, Clone)]
pub struct SentEmail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body, decoded.
    pub text: String,
}

impl Host {
    /// Returns the emails the host sent so far, in no particular order.
    pub fn sent_emails(&self) -> Vec<SentEmail> {
        match &self.running {
            Running::Native(server) => outbox_emails(&server.outbox),
            Running::Worker(server) => server
                .mail
                .emails
                .lock()
                .expect("stub lock")
                .iter()
                .map(|email| SentEmail {
                    to: email["to"][0]["email"].as_str().unwrap_or_default().to_owned(),
                    subject: email["subject"].as_str().unwrap_or_default().to_owned(),
                    text: email["textContent"].as_str().unwrap_or_default().to_owned(),
                })
                .collect(),
        }
    }

    /// Returns wrangler's output so far, which contains the Worker's
    /// `console.log` lines. It is empty on the native host.
    pub fn worker_log(&self) -> String {
        match &self.running {
            Running::Native(_) => String::new(),
            Running::Worker(server) => {
                fs::read_to_string(server.work.path().join("wrangler.log")).unwrap_or_default()
            }
        }
    }

    /// Stops the Worker and starts it again on the same local D1. Returns `None`
    /// on the native host, which the suite does not restart.
    pub fn restart(&mut self) -> Option<()> {
        let Running::Worker(server) = &mut self.running else {
            return None;
        };
        server.stop();
        server.start();
        self.base = server.base();
        Some(())
    }
}

fn store_origin(public: &Path) -> String {
    let manifest: Value = serde_json::from_slice(
        &fs::read(public.join(STORE).join("_comptoir/store.json")).expect("store.json"),
    )
    .expect("store.json is JSON");
    manifest["allowed_origins"][0]
        .as_str()
        .expect("an allowed origin")
        .to_owned()
}

fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn getrandom(bytes: &mut [u8]) {
    fs::File::open("/dev/urandom")
        .and_then(|mut file| file.read_exact(bytes))
        .expect("read /dev/urandom");
}

/// Returns a free port of 127.0.0.1, released for the server to bind.
fn free_port() -> u16 {
    StdListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

// ---------------------------------------------------------------------------
// Native host

struct NativeServer {
    _data: TempDir,
    outbox: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Drop for NativeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _stopped_already = shutdown.send(());
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            eprintln!("the native host's thread panicked");
        }
    }
}

/// Starts the native host on a new SQLite file, serving the demo shop.
pub fn start_native() -> Host {
    let public = demo_public().to_path_buf();
    let data = tempfile::tempdir().expect("temp dir");
    let outbox = data.path().join("outbox");
    let admin_token = random_token();
    let host = NativeHost::open(NativeOptions {
        public_dir: public.clone(),
        database: data.path().join("edge.sqlite3"),
        outbox: outbox.clone(),
        config: EdgeConfig {
            admin_token: Some(admin_token.clone()),
            ..EdgeConfig::default()
        },
    })
    .unwrap_or_else(|error| panic!("the native host did not open: {error}"));

    let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1");
    listener.set_nonblocking(true).expect("non-blocking listener");
    let address = listener.local_addr().expect("bound address");
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            // As `comptoir-edge` does: the peer address becomes the visitor's IP.
            let service = host.router().into_make_service_with_connect_info::<SocketAddr>();
            let stopped = async {
                let _sender_dropped = stopped.await;
            };
            if let Err(error) = axum::serve(listener, service)
                .with_graceful_shutdown(stopped)
                .await
            {
                eprintln!("the native host stopped: {error}");
            }
        });
    });
    Host {
        name: "native",
        base: format!("http://{address}"),
        admin_token,
        origin: store_origin(&public),
        running: Running::Native(NativeServer {
            _data: data,
            outbox,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }),
    }
}

/// The `.eml` files of the outbox, with their plain-text part decoded.
fn outbox_emails(outbox: &Path) -> Vec<SentEmail> {
    let Ok(entries) = fs::read_dir(outbox) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
        .filter_map(|entry| {
            let bytes = fs::read(entry.path()).ok()?;
            let message = mailparse::parse_mail(&bytes).ok()?;
            let header = |name: &str| {
                message
                    .headers
                    .iter()
                    .find(|header| header.get_key().eq_ignore_ascii_case(name))
                    .map(|header| header.get_value())
                    .unwrap_or_default()
            };
            Some(SentEmail {
                to: header("to"),
                subject: header("subject"),
                text: plain_text(&message),
            })
        })
        .collect()
}

/// The first `text/plain` part of a message, decoded.
fn plain_text(message: &mailparse::ParsedMail<'_>) -> String {
    if message.ctype.mimetype == "text/plain" {
        return message.get_body().unwrap_or_default();
    }
    message
        .subparts
        .iter()
        .map(plain_text)
        .find(|text| !text.is_empty())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The Worker under workerd

/// Emails received by the stub of Brevo's `POST /v3/smtp/email`.
#[derive(Clone, Default)]
struct MailStub {
    emails: Arc<Mutex<Vec<Value>>>,
}

/// Starts the email API stub on 127.0.0.1 in a thread of its own, for the life of
/// the test process.
fn start_mail_stub() -> (MailStub, String) {
    let stub = MailStub::default();
    let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the stub");
    listener.set_nonblocking(true).expect("non-blocking listener");
    let address = listener.local_addr().expect("stub address");
    let state = stub.clone();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async move {
            let app = axum::Router::new()
                .route("/v3/smtp/email", axum::routing::post(receive_email))
                .with_state(state);
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("the email API stub stopped: {error}");
            }
        });
    });
    (stub, format!("http://{address}"))
}

async fn receive_email(
    State(stub): State<MailStub>,
    headers: axum::http::HeaderMap,
    Json(email): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if headers.get("api-key").and_then(|key| key.to_str().ok()) != Some(STUB_API_KEY) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": "unauthorized", "message": "Key not found"})),
        );
    }
    let mut emails = stub.emails.lock().expect("stub lock");
    emails.push(email);
    let id = format!("<{}@stub>", emails.len());
    (StatusCode::CREATED, Json(json!({"messageId": id})))
}

const STUB_API_KEY: &str = "xkeysib-http-suite";

struct WorkerServer {
    work: TempDir,
    port: u16,
    mail: MailStub,
    child: Option<Child>,
}

impl WorkerServer {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start(&mut self) {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.work.path().join("wrangler.log"))
            .expect("wrangler log");
        let mut command = wrangler_command(self.work.path());
        command
            .args(["dev", "--local", "--ip", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .args(["--persist-to", "state", "--show-interactive-dev-session=false"])
            // Serves `/__scheduled`, which runs the `scheduled` handler.
            .arg("--test-scheduled")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log);
        // Its own process group, so stopping it also stops workerd.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().expect("start wrangler dev");
        self.child = Some(child);
        self.wait_until_ready();
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + WORKER_STARTUP;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "wrangler dev exited with {status} before serving:\n{}",
                    self.log_tail()
                );
            }
            if answers_http(address) {
                return;
            }
            thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "wrangler dev did not answer on {address} within {WORKER_STARTUP:?}:\n{}",
            self.log_tail()
        );
    }

    /// Returns the end of wrangler's log, for failure messages.
    fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.work.path().join("wrangler.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let group = format!("-{}", child.id());
        let signal = |name: &str| {
            let _already_gone = Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
        signal("-KILL");
        let _reaped = child.wait();
        // workerd may outlive wrangler for a moment, so wait for the port to close.
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && TcpStream::connect(address).is_ok() {
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for WorkerServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Returns whether the router responds on `address`. wrangler opens its port
/// before workerd is ready, so a connection alone is not enough.
fn answers_http(address: SocketAddr) -> bool {
    use std::io::Write;
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    if write!(
        stream,
        "GET /api/carts/none HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    // Any status of the router will do. wrangler's own errors while workerd
    // starts are 5xx.
    let mut head = [0u8; 10];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 ") && head[9] != b'5'
}

/// Builds a wrangler command kept off the network: no metrics, error reports or
/// `cf` lookups.
fn wrangler_command(work: &Path) -> Command {
    let mut command = Command::new(wrangler_path());
    command
        .current_dir(work)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("WRANGLER_HIDE_BANNER", "true")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("NO_COLOR", "1");
    command
}

fn wrangler_path() -> PathBuf {
    let path = repository().join("tools/worker/node_modules/.bin/wrangler");
    assert!(
        path.is_file(),
        "wrangler is missing at {}: run scripts/install-worker-toolchain",
        path.display()
    );
    path
}

/// Starts the Worker under `wrangler dev --local` with a new local D1, after
/// building it when `worker/build/` is missing or older than its sources.
pub fn start_worker() -> Host {
    let wasm = ensure_worker_built();
    let public = demo_public().to_path_buf();
    let store = public.join(STORE);
    let root = repository();
    let work = tempfile::tempdir().expect("temp dir");
    let admin_token = random_token();
    let (mail, mail_url) = start_mail_stub();

    let shim = wasm.parent().expect("worker/build").join("worker/shim.mjs");
    let config = format!(
        r#"name = "comptoir-http-suite"
main = "{shim}"
compatibility_date = "2026-04-01"

[assets]
directory = "{store}"
binding = "ASSETS"

[[d1_databases]]
binding = "DB"
database_name = "comptoir"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "{migrations}"

[vars]
COMPTOIR_MAIL_API_URL = "{mail_url}"
"#,
        shim = shim.display(),
        store = store.display(),
        migrations = root.join("edge/migrations").display(),
    );
    fs::write(work.path().join("wrangler.toml"), config).expect("write wrangler.toml");
    fs::write(
        work.path().join(".dev.vars"),
        format!("COMPTOIR_ADMIN_TOKEN={admin_token}\nCOMPTOIR_MAIL_API_KEY={STUB_API_KEY}\n"),
    )
    .expect("write .dev.vars");

    let migrate = wrangler_command(work.path())
        .args([
            "d1",
            "migrations",
            "apply",
            "comptoir",
            "--local",
            "--persist-to",
            "state",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run wrangler d1 migrations apply");
    assert!(
        migrate.status.success(),
        "applying the migrations to the local D1 failed:\n{}\n{}",
        String::from_utf8_lossy(&migrate.stdout),
        String::from_utf8_lossy(&migrate.stderr)
    );

    let mut server = WorkerServer {
        work,
        port: free_port(),
        mail,
        child: None,
    };
    server.start();
    Host {
        name: "worker",
        base: server.base(),
        admin_token,
        origin: store_origin(&public),
        running: Running::Worker(server),
    }
}

/// Builds the Worker with `scripts/build-worker` unless `worker/build/` is newer
/// than every source it is built from, and returns the wasm module's path. Runs
/// once per test process.
pub fn ensure_worker_built() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = repository();
            let wasm = root.join("worker/build/index_bg.wasm");
            let built_at = fs::metadata(&wasm).and_then(|metadata| metadata.modified()).ok();
            let sources = newest_source(&root);
            if built_at.is_some_and(|built| built >= sources) {
                return wasm;
            }
            let started = Instant::now();
            let output = Command::new(root.join("scripts/build-worker"))
                .current_dir(&root)
                .output()
                .expect("run scripts/build-worker");
            assert!(
                output.status.success(),
                "scripts/build-worker failed (install the toolchain with scripts/install-worker-toolchain):\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            eprintln!("built the Worker in {:.0?}", started.elapsed());
            wasm
        })
        .clone()
}

/// Returns the newest modification time among the files the Worker is built from.
fn newest_source(root: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let inputs = [
        "Cargo.toml",
        "commerce",
        "edge/Cargo.toml",
        "edge/src",
        "edge/i18n",
        "edge/migrations",
        "worker/Cargo.toml",
        "worker/Cargo.lock",
        "worker/src",
        "scripts/build-worker",
    ];
    for input in inputs {
        let mut pending = vec![root.join(input)];
        while let Some(path) = pending.pop() {
            let Ok(metadata) = fs::metadata(&path) else {
                continue;
            };
            if metadata.is_dir() {
                if let Ok(entries) = fs::read_dir(&path) {
                    pending.extend(entries.flatten().map(|entry| entry.path()));
                }
            } else if let Ok(modified) = metadata.modified() {
                newest = newest.max(modified);
            }
        }
    }
    newest
}

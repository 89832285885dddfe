//! The processes behind the browser test: the demo shop copied into a temporary
//! folder and run by `comptoir serve`, ChromeDriver, and the Chromium it starts.
//! Every process is stopped by a `Drop` guard, so a failing test leaves none behind.
#![allow(dead_code, reason = "each browser test binary uses only part of this module")]

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use rustix::io::Errno;
use rustix::process::{Pid, Signal, kill_process};

/// What to tell a developer whose machine lacks the browser.
const INSTALL_HINT: &str = "run `scripts/install-test-deps` (as root) to install Debian's chromium and \
                            chromium-driver";

/// The files and folders of a shop repository that `comptoir` reads; anything else
/// at the repository root (crates, `target/`, `public/`, `.comptoir/`) stays behind.
const SHOP_ENTRIES: &[&str] = &[
    "site.toml",
    "stock.csv",
    "content",
    "templates",
    "styles",
    "static",
    "themes",
];

/// The maximum time the first build and the API may take: a debug binary on a busy machine.
const SERVE_STARTUP: Duration = Duration::from_secs(60);
/// The maximum time ChromeDriver may take to listen, and Chromium to start a session.
const BROWSER_STARTUP: Duration = Duration::from_secs(30);
/// The interval between two checks of a condition that is not met yet.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Returns the path of `program` found on `PATH`, or fails the test with the
/// command that installs it: a missing browser must not pass as a skipped test.
pub fn require_program(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("`{program}` was not found on PATH: {INSTALL_HINT}"))
}

/// Copies the shop at `repository` (its settings, content, themes and stock file)
/// into `destination`, so the test's build, database and outbox never touch the
/// repository's `public/` and `.comptoir/`.
pub fn copy_shop(repository: &Path, destination: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(destination).with_context(|| format!("failed to create {}", destination.display()))?;
    for entry in SHOP_ENTRIES {
        let source = repository.join(entry);
        if source.exists() {
            copy_recursively(&source, &destination.join(entry))?;
        }
    }
    Ok(())
}

fn copy_recursively(source: &Path, destination: &Path) -> anyhow::Result<()> {
    if source.is_file() {
        fs::copy(source, destination)
            .with_context(|| format!("failed to copy {} to {}", source.display(), destination.display()))?;
        return Ok(());
    }
    fs::create_dir_all(destination).with_context(|| format!("failed to create {}", destination.display()))?;
    let entries = fs::read_dir(source).with_context(|| format!("failed to list {}", source.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("failed to list {}", source.display()))?;
        copy_recursively(&entry.path(), &destination.join(entry.file_name()))?;
    }
    Ok(())
}

/// Sends every line of `stream` to the returned channel, from a thread that reads
/// until the stream closes, so the child never blocks on a full pipe. Once the
/// receiver is dropped, the thread keeps reading and discards the lines.
fn forward_lines(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, lines) = mpsc::channel();
    thread::spawn(move || {
        let mut sender = Some(sender);
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(open) = &sender
                && open.send(line).is_err()
            {
                sender = None;
            }
        }
    });
    lines
}

/// Kills `child` and reaps it; `name` only labels the messages.
fn stop_child(child: &mut Child, name: &str) {
    if let Err(error) = child.kill() {
        eprintln!("failed to stop {name} (pid {}): {error}", child.id());
    }
    if let Err(error) = child.wait() {
        eprintln!("failed to wait for {name} (pid {}): {error}", child.id());
    }
}

/// A running `comptoir serve`, killed on drop.
pub struct ServedShop {
    child: Child,
    store_urls: BTreeMap<String, String>,
}

impl ServedShop {
    /// Starts `comptoir serve --root <root> --port 0` with English messages and
    /// waits until it prints that it watches the shop, collecting the store URLs it
    /// printed before. Its standard error goes to `stderr_log`.
    pub fn start(
        comptoir: &Path,
        root: &Path,
        admin_token: &str,
        stderr_log: &Path,
    ) -> anyhow::Result<ServedShop> {
        let stderr =
            File::create(stderr_log).with_context(|| format!("failed to create {}", stderr_log.display()))?;
        let mut child = Command::new(comptoir)
            .args(["serve", "--port", "0", "--lang", "en", "--root"])
            .arg(root)
            .env("COMPTOIR_ADMIN_TOKEN", admin_token)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("failed to start {}", comptoir.display()))?;
        let stdout = child
            .stdout
            .take()
            .context("the server's standard output is not piped")?;
        let lines = forward_lines(stdout);
        // From here on the guard stops the server on every path.
        let mut shop = ServedShop {
            child,
            store_urls: BTreeMap::new(),
        };

        let deadline = Instant::now() + SERVE_STARTUP;
        let mut printed = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines.recv_timeout(left) {
                Ok(line) => strip_isolation_marks(&line),
                Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                    "timed out after {SERVE_STARTUP:?} waiting for `comptoir serve` to be ready; it printed:\n{}\n\
                     standard error is in {}",
                    printed.join("\n"),
                    stderr_log.display()
                ),
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!(
                    "`comptoir serve` exited before it was ready ({:?}); it printed:\n{}\nstandard error is in {}",
                    shop.child.try_wait(),
                    printed.join("\n"),
                    stderr_log.display()
                ),
            };
            if let Some((store, url)) = parse_store_line(&line) {
                shop.store_urls.insert(store, url);
            }
            let ready = line.starts_with("Watching the shop");
            printed.push(line);
            if ready {
                break;
            }
        }
        // The thread discards later lines (rebuilds) once the channel is dropped.
        drop(lines);
        // `serve` keeps serving the pages when the API cannot open, and prints why on
        // standard error before its ready line.
        let errors = fs::read_to_string(stderr_log).unwrap_or_default();
        if errors.contains("API is off") {
            bail!("`comptoir serve` runs without its API:\n{errors}");
        }
        Ok(shop)
    }

    /// Returns the address of store `id`, such as `http://127.0.0.1:41234` (no trailing slash).
    pub fn store_url(&self, id: &str) -> anyhow::Result<&str> {
        self.store_urls.get(id).map(String::as_str).with_context(|| {
            format!(
                "`comptoir serve` printed no URL for store {id}: {:?}",
                self.store_urls
            )
        })
    }
}

impl Drop for ServedShop {
    fn drop(&mut self) {
        stop_child(&mut self.child, "comptoir serve");
    }
}

/// Fluent wraps placeholders in Unicode isolation marks (U+2068, U+2069).
fn strip_isolation_marks(line: &str) -> String {
    line.chars()
        .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
        .collect()
}

/// Reads `Store fr: http://127.0.0.1:41234/` into (`fr`, `http://127.0.0.1:41234`).
fn parse_store_line(line: &str) -> Option<(String, String)> {
    let (store, url) = line.strip_prefix("Store ")?.split_once(": ")?;
    let url = url.trim().trim_end_matches('/');
    url.starts_with("http://")
        .then(|| (store.to_owned(), url.to_owned()))
}

/// A running ChromeDriver and the headless Chromium session it drives. Dropping
/// it ends the session (ChromeDriver then quits Chromium), kills ChromeDriver, and
/// kills any process still running on the session's profile folder.
pub struct Browser {
    driver: Child,
    driver_address: String,
    profile: PathBuf,
    session_id: Option<String>,
}

impl Browser {
    /// Starts ChromeDriver on a free port of 127.0.0.1, logging to `driver_log`.
    pub fn start_driver(chromedriver: &Path, driver_log: &Path, profile: &Path) -> anyhow::Result<Browser> {
        let mut driver = Command::new(chromedriver)
            .arg("--port=0")
            .arg(format!("--log-path={}", driver_log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("failed to start {}: {INSTALL_HINT}", chromedriver.display()))?;
        let stdout = driver
            .stdout
            .take()
            .context("ChromeDriver's standard output is not piped")?;
        let lines = forward_lines(stdout);
        let mut browser = Browser {
            driver,
            driver_address: String::new(),
            profile: profile.to_path_buf(),
            session_id: None,
        };

        // ChromeDriver prints "ChromeDriver was started successfully on port 43127."
        let deadline = Instant::now() + BROWSER_STARTUP;
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines.recv_timeout(left) {
                Ok(line) => line,
                Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                    "timed out after {BROWSER_STARTUP:?} waiting for ChromeDriver to print its port; its log is {}",
                    driver_log.display()
                ),
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!(
                    "ChromeDriver exited before it printed its port ({:?}); its log is {}",
                    browser.driver.try_wait(),
                    driver_log.display()
                ),
            };
            if let Some(port) = line
                .split_once("started successfully on port ")
                .and_then(|(_, rest)| rest.trim().trim_end_matches('.').parse::<u16>().ok())
            {
                break port;
            }
        };
        browser.driver_address = format!("127.0.0.1:{port}");
        Ok(browser)
    }

    /// Opens a headless Chromium session with a new empty profile. The flags keep
    /// Chromium from calling Google's services, which fail on a machine without
    /// internet access.
    pub async fn open_session(&mut self, chromium: &Path) -> anyhow::Result<Client> {
        fs::create_dir_all(&self.profile)
            .with_context(|| format!("failed to create {}", self.profile.display()))?;
        let arguments = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,1024".to_owned(),
            format!("--user-data-dir={}", self.profile.display()),
        ];
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": arguments },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            bail!("the capabilities are not a JSON object");
        };

        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let address = format!("http://{}", self.driver_address);
        let connect = builder.connect(&address);
        let client = tokio::time::timeout(BROWSER_STARTUP, connect)
            .await
            .with_context(|| format!("timed out after {BROWSER_STARTUP:?} waiting for Chromium to start"))?
            .with_context(|| {
                format!(
                    "ChromeDriver failed to start {}: {INSTALL_HINT}",
                    chromium.display()
                )
            })?;
        self.session_id = client
            .session_id()
            .await
            .context("failed to read the WebDriver session id")?;
        Ok(client)
    }

    /// Ends the session: ChromeDriver closes Chromium and waits for it.
    pub async fn close_session(&mut self, client: Client) -> anyhow::Result<()> {
        client
            .close()
            .await
            .context("failed to end the WebDriver session")?;
        self.session_id = None;
        Ok(())
    }

    /// Ends the session with a plain HTTP request, for `Drop`, where nothing async
    /// can run.
    fn delete_session_blocking(&self, session_id: &str) -> std::io::Result<()> {
        let mut stream = TcpStream::connect(&self.driver_address)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "DELETE /session/{session_id} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.driver_address
        )?;
        // ChromeDriver responds once Chromium has quit.
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer)?;
        Ok(())
    }

    /// Kills the processes whose command line names this session's profile folder:
    /// Chromium and its helpers, if ending the session left any. The folder is a
    /// fresh temporary one, so no other process matches. Without `/proc` (macOS)
    /// this does nothing.
    fn kill_profile_processes(&self) {
        let marker = format!("--user-data-dir={}", self.profile.display());
        let Ok(processes) = fs::read_dir("/proc") else {
            return;
        };
        for process in processes.flatten() {
            let Some(pid) = process
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<i32>().ok())
            else {
                continue;
            };
            let Ok(command_line) = fs::read(process.path().join("cmdline")) else {
                continue;
            };
            let named = names_argument(&command_line, marker.as_bytes());
            let Some(pid) = Pid::from_raw(pid).filter(|_| named) else {
                continue;
            };
            match kill_process(pid, Signal::KILL) {
                // The process exited since /proc was read.
                Ok(()) | Err(Errno::SRCH) => {}
                Err(error) => eprintln!("failed to kill Chromium process {pid:?}: {error}"),
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(session_id) = self.session_id.take()
            && let Err(error) = self.delete_session_blocking(&session_id)
        {
            eprintln!("failed to end the WebDriver session {session_id}: {error}");
        }
        stop_child(&mut self.driver, "chromedriver");
        self.kill_profile_processes();
    }
}

/// Returns whether `command_line` (from `/proc/<pid>/cmdline`) contains the argument `expected`.
/// Chromium's helper processes rewrite theirs as one string of arguments separated by
/// spaces, so an argument may end at a NUL byte, a space or the end.
fn names_argument(command_line: &[u8], expected: &[u8]) -> bool {
    command_line
        .windows(expected.len())
        .enumerate()
        .any(|(start, window)| {
            let starts_argument = start == 0 || matches!(command_line[start - 1], 0 | b' ');
            let end = start + expected.len();
            let ends_argument = command_line.get(end).is_none_or(|byte| matches!(byte, 0 | b' '));
            window == expected && starts_argument && ends_argument
        })
}

/// Calls `probe` until it returns `Some`, at most for `timeout`; an error from the
/// probe ends the wait at once. `what` names the awaited condition in the error.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await? {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Reads a euro amount as the French pages show it (`1 234,50 €`, with a narrow
/// no-break space between thousands) into cents.
pub fn parse_euros(text: &str) -> anyhow::Result<i64> {
    let trimmed = text.trim();
    let number = trimmed
        .strip_suffix('€')
        .with_context(|| format!("{text:?} is not a euro amount: it does not end with €"))?;
    let digits: String = number
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let (units, cents) = digits
        .split_once(',')
        .with_context(|| format!("{text:?} is not a French amount: it has no decimal comma"))?;
    let all_digits = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    if !all_digits(units) || cents.len() != 2 || !all_digits(cents) {
        bail!("{text:?} is not a euro amount with two decimals");
    }
    let units: i64 = units.parse().with_context(|| format!("{text:?} is too large"))?;
    let cents: i64 = cents
        .parse()
        .with_context(|| format!("{text:?} has invalid cents"))?;
    Ok(units * 100 + cents)
}

#[test]
fn euros_parse_french_format() {
    assert_eq!(parse_euros("24,00 €").expect("amount"), 2400);
    assert_eq!(parse_euros("1\u{202f}234,50\u{a0}€").expect("amount"), 123_450);
    assert!(parse_euros("€24.00").is_err());
    assert!(parse_euros("24,0 €").is_err());
}

#[test]
fn profile_argument_found_in_command_lines() {
    let expected = b"--user-data-dir=/tmp/x/profile";
    assert!(names_argument(
        b"chromium\0--user-data-dir=/tmp/x/profile\0",
        expected
    ));
    assert!(names_argument(
        b"chromium --type=renderer --user-data-dir=/tmp/x/profile --lang=fr",
        expected
    ));
    assert!(!names_argument(
        b"chromium --user-data-dir=/tmp/x/profile2",
        expected
    ));
    assert!(!names_argument(b"chromium --user-data-dir=/tmp/x", expected));
}

#[test]
fn store_line_parses() {
    let line = strip_isolation_marks("Store \u{2068}fr\u{2069}: \u{2068}http://127.0.0.1:41234/\u{2069}");
    assert_eq!(
        parse_store_line(&line),
        Some(("fr".to_owned(), "http://127.0.0.1:41234".to_owned()))
    );
    assert_eq!(parse_store_line("Store fr: not a url"), None);
}

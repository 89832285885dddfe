//! `comptoir serve` run as a process on 127.0.0.1: serve a new shop, edit a content
//! file, see the reload event and the change, then break the shop and see the last
//! good build served with the problems.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Generous because the first build of a debug binary on a busy machine is slow.
const STARTUP: Duration = Duration::from_secs(120);
const WAIT: Duration = Duration::from_secs(30);

/// Kills the server when the test ends, whether it passes or panics.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("could not stop the server: {error}");
        }
        if let Err(error) = self.child.wait() {
            eprintln!("could not wait for the server: {error}");
        }
    }
}

impl Server {
    fn start(shop: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .args(["serve", "--port", "0", "--lang", "en", "--root"])
            .arg(shop)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start comptoir serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Server { child, lines }
    }

    /// Returns the first output line starting with `prefix`, waiting at most `wait`.
    fn line_starting(&self, prefix: &str, wait: Duration) -> String {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => continue,
                Err(error) => panic!("no line starting with {prefix:?}: {error}"),
            }
        }
    }
}

fn http_get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read");
    let text = String::from_utf8(bytes).expect("utf-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    (head[9..12].parse().expect("status"), body.to_owned())
}

/// Opens a live-reload stream and reads past its headers.
fn open_reload_stream(address: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    write!(
        stream,
        "GET /_comptoir/livereload HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .expect("send");
    let received = read_until(&mut stream, "\r\n\r\n", WAIT);
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    stream
}

fn read_until(stream: &mut TcpStream, needle: &str, wait: Duration) -> String {
    let deadline = Instant::now() + wait;
    let mut received = String::new();
    let mut buffer = [0u8; 4096];
    while !received.contains(needle) {
        assert!(
            Instant::now() < deadline,
            "no {needle:?} in time; got {received:?}"
        );
        match stream.read(&mut buffer) {
            Ok(0) => panic!("stream closed; got {received:?}"),
            Ok(read) => received.push_str(&String::from_utf8_lossy(&buffer[..read])),
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(error) => panic!("read failed: {error}"),
        }
    }
    received
}

/// Waits until the page at `path` contains `text`, for at most [`WAIT`].
fn wait_for_page(address: &str, path: &str, text: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let (status, body) = http_get(address, path);
        if status == 200 && body.contains(text) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed {text:?}: {status} {body}"
        );
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_and_reloads() {
    let temp = tempfile::tempdir().expect("temp dir");
    let new = Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["new", "shop", "--lang", "en"])
        .current_dir(temp.path())
        .output()
        .expect("run new");
    assert!(new.status.success());
    let shop = temp.path().join("shop");
    let product = "/en/products/stoneware-cup/";

    let server = Server::start(&shop);
    let url_line = server.line_starting("Store shop: http://", STARTUP);
    let address = url_line
        .trim_start_matches("Store shop: http://")
        .trim_end_matches('/')
        .to_owned();
    server.line_starting("Watching the shop", WAIT);

    let page = wait_for_page(&address, product, "Describe your product");
    assert!(page.contains("/_comptoir/livereload"), "{page}");
    let on_disk = fs::read_to_string(shop.join("public/shop/en/products/stoneware-cup/index.html"))
        .expect("page written by the build");
    assert!(
        !on_disk.contains("/_comptoir/livereload"),
        "the script must not reach public/"
    );

    let mut reload = open_reload_stream(&address);
    let cup = shop.join("content/products/cup.md");
    let text = fs::read_to_string(&cup).expect("read cup");
    fs::write(
        &cup,
        text.replace("Describe your product", "Glazed in our workshop"),
    )
    .expect("edit cup");

    read_until(&mut reload, "event: reload", WAIT);
    wait_for_page(&address, product, "Glazed in our workshop");

    // A broken product: the last good build stays served, with the problems.
    fs::write(
        shop.join("content/products/bad.md"),
        "+++\nsku = \"BAD\"\ntitel = \"Typo\"\nprice = \"1.00\"\n+++\n",
    )
    .expect("write bad product");
    read_until(&mut reload, "event: reload", WAIT);
    let broken = wait_for_page(&address, product, "comptoir-problems");
    assert!(broken.contains("Glazed in our workshop"), "{broken}");
    assert!(
        broken.contains("1. content/products/bad.md:3:1: unknown key `titel`"),
        "{broken}"
    );
}

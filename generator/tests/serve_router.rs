//! A store's router from `serve`, on a real socket of 127.0.0.1: files with the
//! live-reload script added, the store's 404 page, the reload stream, the problem
//! banner and the `/api` mount point.

use std::fs;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use generator::messages::Lang;
use generator::serve::http::{LIVE_RELOAD_PATH, LiveState, store_router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(10);

struct Reply {
    status: u16,
    head: String,
    body: String,
}

async fn start(api: Option<Router>) -> (tempfile::TempDir, Arc<LiveState>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("en")).expect("mkdir");
    fs::write(
        dir.path().join("en/index.html"),
        "<html><body><p>home</p></body></html>",
    )
    .expect("write");
    fs::write(
        dir.path().join("404.html"),
        "<html><body><p>not here</p></body></html>",
    )
    .expect("write");
    fs::write(dir.path().join("main.css"), "body{color:red}").expect("write");

    let state = LiveState::new(Lang::En);
    let router = store_router(dir.path(), Arc::clone(&state), api);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (dir, state, address.to_string())
}

async fn get_page(address: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut bytes = Vec::new();
    timeout(WAIT, stream.read_to_end(&mut bytes))
        .await
        .expect("response in time")
        .expect("read");
    let text = String::from_utf8(bytes).expect("utf-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    let status = head[9..12].parse().expect("status code");
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding: chunked"),
        "the test client does not decode chunked bodies"
    );
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn html_gets_live_reload_script() {
    let (_dir, _state, address) = start(None).await;

    let page = get_page(&address, "/en/").await;

    assert_eq!(page.status, 200);
    assert!(
        page.body.starts_with("<html><body><p>home</p><script>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(LIVE_RELOAD_PATH), "{}", page.body);
    assert!(page.body.ends_with("</script></body></html>"), "{}", page.body);
    assert!(
        page.head.to_ascii_lowercase().contains("cache-control: no-store"),
        "{}",
        page.head
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn other_files_are_served_unchanged() {
    let (_dir, _state, address) = start(None).await;

    let style = get_page(&address, "/main.css").await;

    assert_eq!(style.status, 200);
    assert_eq!(style.body, "body{color:red}");
}

#[tokio::test(flavor = "multi_thread")]
async fn misses_get_the_store_404_page() {
    let (_dir, _state, address) = start(None).await;

    let page = get_page(&address, "/fr/nothing/").await;

    assert_eq!(page.status, 404);
    assert!(
        page.body.starts_with("<html><body><p>not here</p><script>"),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_build_shows_banner() {
    let (_dir, state, address) = start(None).await;
    state.set_problems(Some(
        "The shop has 1 problem:\n1. content/a.md:2:1: unknown key <x>\n".to_owned(),
    ));

    let page = get_page(&address, "/en/").await;
    assert!(page.body.contains("<p>home</p>"), "{}", page.body);
    assert!(page.body.contains("id=\"comptoir-problems\""), "{}", page.body);
    assert!(
        page.body.contains("1. content/a.md:2:1: unknown key &lt;x&gt;"),
        "{}",
        page.body
    );

    state.set_problems(None);
    let fixed = get_page(&address, "/en/").await;
    assert!(!fixed.body.contains("comptoir-problems"), "{}", fixed.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn reload_event_reaches_open_streams() {
    let (_dir, state, address) = start(None).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let request = format!("GET {LIVE_RELOAD_PATH} HTTP/1.1\r\nHost: {address}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");

    // The handler subscribes before it returns the headers, so a reload sent after
    // they arrive reaches this stream.
    let mut received = String::new();
    let mut buffer = [0u8; 1024];
    while !received.contains("\r\n\r\n") {
        let read = timeout(WAIT, stream.read(&mut buffer))
            .await
            .expect("headers in time")
            .expect("read");
        assert!(read > 0, "stream closed: {received}");
        received.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert!(
        received
            .to_ascii_lowercase()
            .contains("content-type: text/event-stream"),
        "{received}"
    );

    state.reload();

    while !received.contains("event: reload") {
        let read = timeout(WAIT, stream.read(&mut buffer))
            .await
            .expect("reload event in time")
            .expect("read");
        assert!(read > 0, "stream closed: {received}");
        received.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_is_mounted_under_api() {
    let api = Router::new().route("/api/ping", get(|| async { "pong" }));
    let (_dir, _state, address) = start(Some(api)).await;

    let reply = get_page(&address, "/api/ping").await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "pong");
}

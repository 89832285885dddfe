//! The `comptoir-edge` binary is killed with SIGKILL in the middle of checkouts.
//! After a restart on the same database, every order that returned a 201 is there
//! with its stock movements, no stock movement lacks its order, and numbering goes
//! on without a gap.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use edge::storage::sqlite::SqliteStorage;
use serde_json::{Value, json};

/// Writes the French store's price book and manifest under `public/fr/_comptoir/`.
fn write_public(public: &Path) {
    let folder = public.join("fr/_comptoir");
    std::fs::create_dir_all(&folder).expect("public folder");
    publish_price_book(&public.join("fr"), &price_book_fr());
    std::fs::write(
        folder.join("store.json"),
        serde_json::to_vec(&manifest_fr()).expect("json"),
    )
    .expect("manifest");
}

/// Starts the binary on a free port; returns it with its port.
fn start(dir: &Path) -> (Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir-edge"))
        .arg("--public")
        .arg(dir.join("public"))
        .arg("--db")
        .arg(dir.join("edge.sqlite"))
        .arg("--outbox")
        .arg(dir.join("outbox"))
        .args(["--port", "0"])
        .env("COMPTOIR_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the binary prints its address");
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in `{line}`"));
    (child, port)
}

/// Sends one HTTP/1.1 request over a fresh connection; `Err` when the server is gone.
fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
    admin: bool,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nOrigin: {ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if admin {
        head.push_str(&format!("Authorization: Bearer {ADMIN_TOKEN}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in `{text}`")))?;
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(Value::Null);
    Ok((status, json))
}

/// Runs one visitor's purchase; `Some((number, id))` when the checkout returned 201.
fn buy(port: u16) -> std::io::Result<Option<(String, String)>> {
    let (_, cart) = http(port, "POST", "/api/carts", Some(&json!({"store": "fr"})), false)?;
    let Some(cart) = cart["id"].as_str() else {
        return Ok(None);
    };
    http(
        port,
        "POST",
        &format!("/api/carts/{cart}/lines"),
        Some(&json!({"sku": "TASSE", "quantity": 2})),
        false,
    )?;
    let (status, order) = http(
        port,
        "POST",
        "/api/checkout",
        Some(&checkout_body(cart, "virement")),
        false,
    )?;
    if status != 201 {
        return Ok(None);
    }
    Ok(Some((
        order["number"].as_str().unwrap_or_default().to_owned(),
        order["id"].as_str().unwrap_or_default().to_owned(),
    )))
}

#[test]
fn crash_loses_no_accepted_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_public(&dir.path().join("public"));
    let (mut server, port) = start(dir.path());
    let (status, _) = http(
        port,
        "PUT",
        "/api/admin/stock/TASSE",
        Some(&json!({"quantity": 100_000})),
        true,
    )
    .expect("stock set");
    assert_eq!(status, 200);

    let accepted: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let buyers: Vec<_> = (0..6)
        .map(|_| {
            let accepted = Arc::clone(&accepted);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match buy(port) {
                        Ok(Some(order)) => accepted.lock().expect("lock").push(order),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();

    // Kill the server once enough orders went through, while checkouts are in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    while accepted.lock().expect("lock").len() < 40 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("the server exits");
    stop.store(true, Ordering::SeqCst);
    for buyer in buyers {
        buyer.join().expect("buyer thread");
    }
    let accepted = accepted.lock().expect("lock").clone();
    assert!(
        accepted.len() >= 40,
        "only {} orders before the deadline",
        accepted.len()
    );

    let (mut restarted, port) = start(dir.path());
    for (number, _) in &accepted {
        let (status, order) =
            http(port, "GET", &format!("/api/admin/orders/{number}"), None, true).expect("order");
        assert_eq!(status, 200, "order {number} was lost");
        assert_eq!(order["lines"][0]["quantity"], 2);
    }

    let database = SqliteStorage::open(&dir.path().join("edge.sqlite")).expect("database");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let count = |sql: &'static str| -> i64 {
        runtime
            .block_on(database.query_integers(sql))
            .expect("query")
            .first()
            .and_then(|row| row.first())
            .copied()
            .unwrap_or(-1)
    };
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM stock_movements m WHERE m.reason = 'order'
             AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = m.order_id)"
        ),
        0,
        "stock movements without their order"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM orders o
             WHERE NOT EXISTS (SELECT 1 FROM stock_movements m WHERE m.order_id = o.id AND m.reason = 'order')"
        ),
        0,
        "orders without their stock movement"
    );
    let orders = count("SELECT COUNT(*) FROM orders");
    assert!(orders >= i64::try_from(accepted.len()).unwrap_or(i64::MAX));
    assert_eq!(
        count("SELECT MAX(sequence) FROM orders"),
        orders,
        "order numbers have a gap"
    );
    assert_eq!(
        count("SELECT quantity FROM stock WHERE sku = 'TASSE'"),
        100_000 - 2 * orders
    );

    // The restarted server goes on with the next number.
    let next = buy(port).expect("checkout after restart").expect("201");
    assert_eq!(next.0, format!("CB-{:06}", orders + 1));
    restarted.kill().expect("stop");
    restarted.wait().expect("exit");
}

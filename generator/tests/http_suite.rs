//! One HTTP suite, two hosts: the same scenarios run over real HTTP on 127.0.0.1
//! against the native host (SQLite) and against the Cloudflare Worker under
//! `wrangler dev --local` (workerd, local D1). A difference between the hosts is a
//! bug in one of them.
//!
//! The Worker half builds the Worker with `scripts/build-worker` when
//! `worker/build/` is missing or stale, and fails when the Worker toolchain is
//! missing: install it with `scripts/install-worker-toolchain`.

#[path = "support/hosts.rs"]
mod hosts;
#[path = "support/price_book.rs"]
mod price_book;

use std::collections::HashSet;
use std::time::Instant;

use flate2::Compression;
use flate2::write::GzEncoder;
use hosts::{Host, STORE, WORKER_BUDGET_BYTES, demo_public, ensure_worker_built, start_native, start_worker};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// Concurrent checkouts that race for the last unit of a sku.
const RACERS: usize = 6;

/// A response: its status and JSON body (`null` when the body is not JSON).
struct Reply {
    status: StatusCode,
    body: Value,
}

/// An HTTP client of one host.
struct Api<'a> {
    host: &'a Host,
    client: Client,
}

impl Api<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>, admin: bool) -> Reply {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.host.base))
            .header("origin", &self.host.origin);
        if admin {
            request = request.bearer_auth(&self.host.admin_token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{} {method} {path}: {error}", self.host.name));
        let status = response.status();
        let bytes = response.bytes().await.expect("response body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, false).await
    }

    async fn write(&self, method: Method, path: &str, body: Value) -> Reply {
        self.send(method, path, Some(body), false).await
    }

    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.send(method, path, body, true).await
    }

    /// Asserts the status, naming the host and the body on failure.
    fn expect(&self, reply: &Reply, status: StatusCode, what: &str) {
        assert_eq!(
            reply.status, status,
            "{} host, {what}: {}",
            self.host.name, reply.body
        );
    }

    async fn set_stock(&self, sku: &str, quantity: i64) {
        let reply = self
            .admin(
                Method::PUT,
                &format!("/api/admin/stock/{sku}"),
                Some(json!({"quantity": quantity})),
            )
            .await;
        self.expect(&reply, StatusCode::OK, "setting the stock");
    }

    async fn new_cart(&self, lines: &[(&str, u32)]) -> String {
        let reply = self
            .write(
                Method::POST,
                "/api/carts",
                json!({"store": STORE, "currency": "EUR", "locale": "fr"}),
            )
            .await;
        self.expect(&reply, StatusCode::CREATED, "creating a cart");
        let id = reply.body["id"].as_str().expect("cart id").to_owned();
        for (sku, quantity) in lines {
            let reply = self
                .write(
                    Method::POST,
                    &format!("/api/carts/{id}/lines"),
                    json!({"sku": sku, "quantity": quantity}),
                )
                .await;
            self.expect(&reply, StatusCode::OK, "adding a line");
        }
        id
    }

    async fn checkout(&self, cart: &str, email: String) -> Reply {
        self.write(Method::POST, "/api/checkout", checkout_body(cart, &email))
            .await
    }
}

fn checkout_body(cart: &str, email: &str) -> Value {
    json!({
        "cart_id": cart,
        "customer": {"email": email, "name": "Marie Curie"},
        "billing_address": {
            "name": "Marie Curie",
            "street": "12 rue de la Paix",
            "postal_code": "75002",
            "city": "Paris",
            "country": "FR"
        },
        "shipping_method": "colissimo",
        "payment_method": "virement"
    })
}

/// Returns the tracked skus of the store, sorted, from the price book the hosts serve.
fn tracked_skus() -> Vec<String> {
    let book = price_book::read(&demo_public().join(STORE));
    let mut skus: Vec<String> = book
        .items
        .into_iter()
        .filter(|(_, item)| {
            item.stock == commerce::StockPolicy::Track && item.prices.contains_key(&commerce::Currency::EUR)
        })
        .map(|(sku, _)| sku)
        .collect();
    skus.sort();
    assert!(skus.len() >= 3, "the demo store needs three tracked skus");
    skus
}

// ---------------------------------------------------------------------------
// Scenarios, the same for both hosts.

/// Checks lines added, changed and removed, with totals from the price book.
async fn cart_lines(api: &Api<'_>) {
    let skus = tracked_skus();
    api.set_stock(&skus[0], 50).await;
    api.set_stock(&skus[1], 50).await;
    let cart = api.new_cart(&[(&skus[0], 2)]).await;

    let reply = api.get(&format!("/api/carts/{cart}")).await;
    api.expect(&reply, StatusCode::OK, "reading the cart");
    assert_eq!(
        reply.body["lines"][0]["sku"],
        skus[0].as_str(),
        "{}",
        api.host.name
    );
    assert_eq!(reply.body["lines"][0]["quantity"], 2, "{}", api.host.name);
    let unit = reply.body["lines"][0]["unit_price"]["amount"]
        .as_i64()
        .expect("unit price");
    assert_eq!(
        reply.body["total"]["amount"].as_i64(),
        Some(2 * unit),
        "{}",
        api.host.name
    );

    let reply = api
        .write(
            Method::POST,
            &format!("/api/carts/{cart}/lines"),
            json!({"sku": skus[1], "quantity": 1}),
        )
        .await;
    api.expect(&reply, StatusCode::OK, "adding a second line");
    assert_eq!(
        reply.body["lines"].as_array().map(Vec::len),
        Some(2),
        "{}",
        api.host.name
    );

    let reply = api
        .write(
            Method::PATCH,
            &format!("/api/carts/{cart}/lines/{}", skus[0]),
            json!({"quantity": 3}),
        )
        .await;
    api.expect(&reply, StatusCode::OK, "changing a quantity");
    assert_eq!(reply.body["lines"][0]["quantity"], 3, "{}", api.host.name);

    let reply = api
        .send(
            Method::DELETE,
            &format!("/api/carts/{cart}/lines/{}", skus[1]),
            None,
            false,
        )
        .await;
    api.expect(&reply, StatusCode::OK, "removing a line");
    assert_eq!(
        reply.body["lines"].as_array().map(Vec::len),
        Some(1),
        "{}",
        api.host.name
    );

    let reply = api.get("/api/carts/0123456789abcdef0123456789abcdef").await;
    api.expect(&reply, StatusCode::NOT_FOUND, "reading an unknown cart");
}

/// Races several checkouts for the last unit and checks that exactly one order
/// is placed, the others get `out_of_stock`, and the stock ends at zero. Returns
/// the order's number.
async fn last_unit_race(api: &Api<'_>) -> String {
    let skus = tracked_skus();
    let sku = &skus[2];
    api.set_stock(sku, 1).await;
    let mut carts = Vec::with_capacity(RACERS);
    for _ in 0..RACERS {
        carts.push(api.new_cart(&[(sku, 1)]).await);
    }

    let checkouts = carts
        .iter()
        .enumerate()
        .map(|(index, cart)| api.checkout(cart, format!("racer{index}@example.fr")));
    let replies = futures_util::future::join_all(checkouts).await;

    let placed: Vec<&Reply> = replies
        .iter()
        .filter(|reply| reply.status == StatusCode::CREATED)
        .collect();
    assert_eq!(
        placed.len(),
        1,
        "{} host: {} of {RACERS} checkouts placed an order: {:?}",
        api.host.name,
        placed.len(),
        replies
            .iter()
            .map(|reply| (reply.status, reply.body.clone()))
            .collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|reply| reply.status != StatusCode::CREATED) {
        assert_eq!(
            reply.status,
            StatusCode::CONFLICT,
            "{} host: {}",
            api.host.name,
            reply.body
        );
        assert_eq!(
            reply.body["error"]["code"], "out_of_stock",
            "{} host",
            api.host.name
        );
    }

    let stock = api
        .admin(Method::GET, &format!("/api/admin/stock/{sku}"), None)
        .await;
    api.expect(&stock, StatusCode::OK, "reading the stock");
    assert_eq!(stock.body["quantity"], 0, "{} host", api.host.name);

    let number = placed[0].body["number"]
        .as_str()
        .expect("order number")
        .to_owned();
    let orders = api.admin(Method::GET, "/api/admin/orders", None).await;
    api.expect(&orders, StatusCode::OK, "listing the orders");
    let listed = orders.body["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .filter(|order| order["lines"][0]["sku"] == sku.as_str())
        .count();
    assert_eq!(listed, 1, "{} host: {}", api.host.name, orders.body);
    number
}

/// Checks that a consent choice against the published policy is recorded and
/// exported with an intact chain.
async fn consent_record(api: &Api<'_>) {
    let policy: Value = serde_json::from_slice(
        &std::fs::read(demo_public().join(STORE).join("_comptoir/consent.json")).expect("consent.json"),
    )
    .expect("consent.json is JSON");
    let body = json!({
        "store": STORE,
        "policy_version": policy["policy_version"],
        "policy_hash": policy["policy_hash"],
        "action": "reject_all",
        "purposes": {},
        "ui_source": "banner",
        "locale": "fr",
    });
    let first = api.write(Method::POST, "/api/consents", body.clone()).await;
    api.expect(&first, StatusCode::CREATED, "recording a consent");
    let consent_id = first.body["consent_id"].as_str().expect("consent id").to_owned();

    let mut withdraw = body;
    withdraw["consent_id"] = json!(consent_id);
    withdraw["action"] = json!("withdraw");
    let second = api.write(Method::POST, "/api/consents", withdraw).await;
    api.expect(&second, StatusCode::CREATED, "withdrawing the consent");

    let history = api.get(&format!("/api/consents/{consent_id}")).await;
    api.expect(&history, StatusCode::OK, "reading the consent");
    let actions: Vec<&str> = history.body["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|record| record["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["reject_all", "withdraw"],
        "{} host: {}",
        api.host.name,
        history.body
    );

    let export = api.admin(Method::GET, "/api/admin/consents", None).await;
    api.expect(&export, StatusCode::OK, "exporting the consents");
    assert_eq!(
        export.body["chain_valid"], true,
        "{} host: {}",
        api.host.name, export.body
    );
    let exported = export.body["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter(|record| record["consent_id"] == consent_id.as_str())
        .count();
    assert_eq!(exported, 2, "{} host", api.host.name);
}

/// Checks that an allowed status change applies and emails the customer, and that
/// a forbidden one is rejected with `409`.
async fn admin_status_change(api: &Api<'_>, number: &str) {
    let path = format!("/api/admin/orders/{number}/status");
    let reply = api
        .admin(
            Method::POST,
            &path,
            Some(json!({"status": "payment_accepted", "note": "virement reçu"})),
        )
        .await;
    api.expect(&reply, StatusCode::OK, "accepting the payment");
    assert_eq!(reply.body["status"], "payment_accepted", "{} host", api.host.name);

    let reply = api
        .admin(Method::POST, &path, Some(json!({"status": "completed"})))
        .await;
    api.expect(&reply, StatusCode::CONFLICT, "a forbidden transition");
    assert_eq!(
        reply.body["error"]["code"], "transition_not_allowed",
        "{} host",
        api.host.name
    );

    let order = api
        .admin(Method::GET, &format!("/api/admin/orders/{number}"), None)
        .await;
    api.expect(&order, StatusCode::OK, "reading the order");
    assert_eq!(order.body["status"], "payment_accepted", "{} host", api.host.name);
}

/// Checks that the order confirmation and the status email left the host: the outbox on the
/// native host, the email API on the Worker.
fn emails_sent(host: &Host, number: &str) {
    let subjects: Vec<String> = host
        .sent_emails()
        .into_iter()
        .map(|email| email.subject)
        .collect();
    let about_order = subjects.iter().filter(|subject| subject.contains(number)).count();
    assert!(
        about_order >= 2,
        "{} host: expected the confirmation and the status email of {number}, sent: {subjects:?}",
        host.name
    );
}

/// Returns the confirmation token of the newest data-request email sent to
/// `email`, the one not in `used`.
fn new_request_token(host: &Host, email: &str, used: &mut HashSet<String>) -> String {
    let tokens: Vec<String> = host
        .sent_emails()
        .into_iter()
        .filter(|sent| sent.to.contains(email))
        .filter_map(|sent| {
            let start = sent.text.find("#token=")? + "#token=".len();
            let token: String = sent.text[start..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            (!token.is_empty()).then_some(token)
        })
        .filter(|token| !used.contains(token))
        .collect();
    assert_eq!(
        tokens.len(),
        1,
        "{} host: expected one new confirmation email to {email}, found tokens {tokens:?}",
        host.name
    );
    used.insert(tokens[0].clone());
    tokens[0].clone()
}

/// Asks for a data request and confirms it with the emailed token, then returns
/// the confirmation's reply.
async fn request_and_confirm(api: &Api<'_>, kind: &str, email: &str, used: &mut HashSet<String>) -> Reply {
    let reply = api
        .write(
            Method::POST,
            "/api/data-requests",
            json!({"store": STORE, "kind": kind, "email": email, "locale": "fr"}),
        )
        .await;
    api.expect(&reply, StatusCode::ACCEPTED, "asking for a data request");
    let token = new_request_token(api.host, email, used);
    let confirm = json!({"token": token, "store": STORE});
    let reply = api
        .write(Method::POST, "/api/data-requests/confirm", confirm.clone())
        .await;
    api.expect(&reply, StatusCode::OK, "confirming the data request");

    let again = api
        .write(Method::POST, "/api/data-requests/confirm", confirm)
        .await;
    api.expect(&again, StatusCode::GONE, "confirming the same token again");
    reply
}

/// Checks that an export lists the customer's order and downloads once, and that
/// the erasure of a customer whose only order is cancelled blanks that order.
async fn data_requests(api: &Api<'_>, buyer: &str, number: &str) {
    let mut used = HashSet::new();
    let export = request_and_confirm(api, "export", buyer, &mut used).await;
    assert_eq!(
        export.body["status"], "fulfilled",
        "{} host: {}",
        api.host.name, export.body
    );
    let link = export.body["download"]["json"]
        .as_str()
        .expect("JSON download link")
        .to_owned();
    let download = api.get(&link).await;
    api.expect(&download, StatusCode::OK, "downloading the export");
    assert!(
        download.body.to_string().contains(number),
        "{} host: the export lacks order {number}: {}",
        api.host.name,
        download.body
    );
    let second = api.get(&link).await;
    assert_ne!(
        second.status,
        StatusCode::OK,
        "{} host: second download",
        api.host.name
    );

    // A customer whose only order is cancelled: nothing is left open, so the
    // erasure applies at once.
    let skus = tracked_skus();
    let leaving = "depart@example.fr";
    let cart = api.new_cart(&[(&skus[0], 1)]).await;
    let order = api.checkout(&cart, leaving.to_owned()).await;
    api.expect(&order, StatusCode::CREATED, "placing the order to erase");
    let leaving_number = order.body["number"].as_str().expect("order number").to_owned();
    let cancel = api
        .admin(
            Method::POST,
            &format!("/api/admin/orders/{leaving_number}/status"),
            Some(json!({"status": "cancelled"})),
        )
        .await;
    api.expect(&cancel, StatusCode::OK, "cancelling the order to erase");

    let erasure = request_and_confirm(api, "erasure", leaving, &mut used).await;
    assert_eq!(
        erasure.body["status"], "fulfilled",
        "{} host: {}",
        api.host.name, erasure.body
    );
    let erased = api
        .admin(Method::GET, &format!("/api/admin/orders/{leaving_number}"), None)
        .await;
    api.expect(&erased, StatusCode::OK, "reading the erased order");
    assert_eq!(
        erased.body["customer"]["email"], "",
        "{} host: {}",
        api.host.name, erased.body
    );
    assert_eq!(erased.body["customer"]["name"], "", "{} host", api.host.name);
}

/// Runs every scenario in order against one host.
async fn run_suite(host: &Host) -> String {
    let api = Api {
        host,
        client: Client::new(),
    };
    let started = Instant::now();
    cart_lines(&api).await;
    let number = last_unit_race(&api).await;
    consent_record(&api).await;
    admin_status_change(&api, &number).await;
    emails_sent(host, &number);
    let buyer = buyer_of(&api, &number).await;
    data_requests(&api, &buyer, &number).await;
    eprintln!("{} host: suite ran in {:.1?}", host.name, started.elapsed());
    number
}

/// Returns the email of the customer who placed order `number`.
async fn buyer_of(api: &Api<'_>, number: &str) -> String {
    let order = api
        .admin(Method::GET, &format!("/api/admin/orders/{number}"), None)
        .await;
    api.expect(&order, StatusCode::OK, "reading the order");
    order.body["customer"]["email"]
        .as_str()
        .expect("customer email")
        .to_owned()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[test]
fn native_host() {
    let host = start_native();
    runtime().block_on(run_suite(&host));
}

#[test]
fn worker_host() {
    let started = Instant::now();
    let mut host = start_worker();
    eprintln!("worker host: started in {:.1?}", started.elapsed());
    let runtime = runtime();
    let number = runtime.block_on(run_suite(&host));

    // D1 keeps its state across a restart of the local Worker.
    host.restart().expect("the Worker restarts");
    runtime.block_on(async {
        let api = Api {
            host: &host,
            client: Client::new(),
        };
        let order = api
            .admin(Method::GET, &format!("/api/admin/orders/{number}"), None)
            .await;
        api.expect(&order, StatusCode::OK, "reading the order after a restart");
        assert_eq!(order.body["status"], "payment_accepted");

        // The cron trigger's handler: queued emails, then the retention purge on D1.
        let scheduled = api.get("/__scheduled?cron=17+3+*+*+*").await;
        assert_eq!(scheduled.status, StatusCode::OK, "running the scheduled handler");
    });
    // wrangler prints the Worker's console lines a moment after the response.
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    let mut log = host.worker_log();
    while !log.contains("scheduled: retention purge") && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
        log = host.worker_log();
    }
    assert!(
        log.contains("scheduled: retention purge done"),
        "the retention purge did not finish on D1:\n{log}"
    );
}

#[test]
fn worker_within_size_budget() {
    let wasm = ensure_worker_built();
    let bytes = std::fs::read(&wasm).expect("read the wasm");
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    std::io::Write::write_all(&mut encoder, &bytes).expect("gzip");
    let compressed = encoder.finish().expect("gzip").len() as u64;
    assert!(
        compressed <= WORKER_BUDGET_BYTES,
        "{} is {compressed} bytes gzipped, over the budget of {WORKER_BUDGET_BYTES}",
        wasm.display()
    );
}

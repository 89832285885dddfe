//! HTTP load generator for the edge API: requests per second and latency
//! percentiles of a cart read, an add-line and a bank-transfer checkout, measured
//! against a running `comptoir-edge` on the loopback interface.
//!
//! `bench/edge-run` builds the demo shop, starts the server and runs this program;
//! `docs/en/benchmarks.md` records its figures. Each scenario runs a fixed number of
//! connections, each one keep-alive HTTP/1.1 connection in a closed loop: it sends
//! its next request when it has read the previous response. A warm-up period, whose
//! figures are dropped, precedes the measured period. Carts are prepared before the
//! timed part, so every figure covers one kind of request only.
//!
//! Run by hand: `cargo run --release -p comptoir-edge --example bench_http --
//! --address 127.0.0.1:8787 --server-pid PID`, with `COMPTOIR_ADMIN_TOKEN` set to
//! the server's token (the program sets the stock of its skus).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use clap::Parser;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// Measures the edge API's throughput and latency on 127.0.0.1.
#[derive(Debug, Parser)]
struct Arguments {
    /// Address of the running `comptoir-edge`; only loopback addresses are accepted.
    #[arg(long)]
    address: SocketAddr,
    /// Bearer token of the admin API, used to set the stock of the benchmark's skus.
    #[arg(long, env = "COMPTOIR_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: String,
    /// Store id whose carts are created.
    #[arg(long, default_value = "fr")]
    store: String,
    /// `Origin` header of the writes: one of the store's allowed origins.
    #[arg(long, default_value = "https://atelier-sauge.example")]
    origin: String,
    /// Three skus sold by the store: the read cart contains all three, the add-line
    /// and checkout carts start with the first two, and the add-line scenario adds
    /// the third.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "BOL-CAFE-CRAIE,CONFITURE-FRAISE,HUILE-NOIX"
    )]
    skus: Vec<String>,
    /// Stock set on every sku before the run, so tracked skus never run out.
    #[arg(long, default_value_t = 1_000_000_000)]
    stock: u64,
    /// Shipping method of the checkouts.
    #[arg(long, default_value = "colissimo")]
    shipping_method: String,
    /// Payment method of the checkouts (a bank transfer in the demo shop).
    #[arg(long, default_value = "virement")]
    payment_method: String,
    /// Concurrent connections, each with one request in flight.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Measured seconds per scenario.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Warm-up seconds per scenario, not measured.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Carts that the add-line scenario spreads its requests over, so that no line
    /// exceeds the maximum quantity of 9999.
    #[arg(long, default_value_t = 1000)]
    add_line_carts: usize,
    /// Maximum number of carts prepared for the measured checkouts.
    #[arg(long, default_value_t = 200_000)]
    max_checkout_carts: usize,
    /// Process ids of the server, comma-separated, to report their summed CPU time
    /// per request (Linux only). The Worker under `wrangler dev` is several
    /// processes: wrangler's node and workerd.
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// Clock ticks per second of the CPU times in `/proc/<pid>/stat`, as printed by
    /// `getconf CLK_TCK` (proc(5) divides them by `sysconf(_SC_CLK_TCK)`).
    #[arg(long, default_value_t = 100)]
    clock_ticks: u32,
}

/// One HTTP request of a scenario and the status that counts as a success.
struct Call {
    method: Method,
    path: String,
    body: Option<String>,
    expected: StatusCode,
}

/// Chooses the next request of a connection; `None` ends that connection's run.
type NextCall = dyn Fn(usize) -> Option<Call> + Send + Sync;

/// Measurements of one phase of a scenario.
struct PhaseResult {
    /// Latency of each successful request, in microseconds.
    latencies: Vec<u64>,
    errors: usize,
    /// Status and body of the first failed request.
    first_error: Option<String>,
    elapsed: Duration,
    /// Whether a connection ran out of requests before the duration ended.
    exhausted: bool,
}

/// One row of the printed table.
struct Row {
    scenario: &'static str,
    result: PhaseResult,
    /// Failed requests of the scenario's warm-up, which fail the run too.
    warmup_errors: usize,
    server_cpu_seconds: Option<f64>,
    client_cpu_seconds: Option<f64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let arguments = Arguments::parse();
    match run(arguments).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("bench_http: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the three scenarios and prints the table; returns false when a request failed.
async fn run(arguments: Arguments) -> Result<bool, String> {
    check_arguments(&arguments)?;
    let bench = Arc::new(Bench::new(&arguments)?);
    let timing = Timing {
        connections: arguments.connections,
        warmup: Duration::from_secs(arguments.warmup),
        duration: Duration::from_secs(arguments.duration),
        server_pid: arguments.server_pid.clone(),
        clock_ticks: f64::from(arguments.clock_ticks),
    };

    for sku in &arguments.skus {
        bench.set_stock(sku, arguments.stock).await?;
    }
    let rows = vec![
        measure_cart_read(&bench, &timing, &arguments).await?,
        measure_add_line(&bench, &timing, &arguments).await?,
        measure_checkout(&bench, &timing, &arguments).await?,
    ];

    print_table(&rows, arguments.connections);
    Ok(rows
        .iter()
        .all(|row| row.result.errors == 0 && row.warmup_errors == 0))
}

/// Cart read: each connection reads its own 3-line cart.
async fn measure_cart_read(
    bench: &Arc<Bench>,
    timing: &Timing,
    arguments: &Arguments,
) -> Result<Row, String> {
    let paths = prepare_carts(
        bench,
        &arguments.skus,
        arguments.connections,
        arguments.connections,
    )
    .await?
    .into_iter()
    .map(|id| format!("/api/carts/{id}"))
    .collect::<Vec<_>>();
    let read: Arc<NextCall> = Arc::new(move |connection| {
        Some(Call {
            method: Method::GET,
            path: paths[connection].clone(),
            body: None,
            expected: StatusCode::OK,
        })
    });
    Ok(timing.measure(bench, "cart read, 3 lines", read).await)
}

/// Add line: one unit of the third sku at a time, on 2-line carts taken in turn,
/// so every cart contains 3 lines after its first request.
async fn measure_add_line(bench: &Arc<Bench>, timing: &Timing, arguments: &Arguments) -> Result<Row, String> {
    let paths = prepare_carts(
        bench,
        &arguments.skus[..2],
        arguments.add_line_carts,
        arguments.connections,
    )
    .await?
    .into_iter()
    .map(|id| format!("/api/carts/{id}/lines"))
    .collect::<Vec<_>>();
    let body = json!({"sku": arguments.skus[2], "quantity": 1}).to_string();
    let next_cart = AtomicUsize::new(0);
    let add: Arc<NextCall> = Arc::new(move |_| {
        let index = next_cart.fetch_add(1, Ordering::Relaxed) % paths.len();
        Some(Call {
            method: Method::POST,
            path: paths[index].clone(),
            body: Some(body.clone()),
            expected: StatusCode::OK,
        })
    });
    Ok(timing.measure(bench, "add line (3rd line)", add).await)
}

/// Checkout of 2-line carts. Each cart is checked out once, so the warm-up's rate
/// sizes the batch of carts prepared for the measured part.
async fn measure_checkout(bench: &Arc<Bench>, timing: &Timing, arguments: &Arguments) -> Result<Row, String> {
    // Enough carts for 2000 checkouts per second; a faster server ends its warm-up
    // early, which still gives its rate.
    let warmup_carts = (arguments.warmup as usize * 2000).max(arguments.connections);
    let carts = prepare_carts(bench, &arguments.skus[..2], warmup_carts, arguments.connections).await?;
    let warmup = timing
        .run_phase(bench, checkout_calls(arguments, carts), timing.warmup)
        .await;
    report_errors("checkout (warm-up)", &warmup);

    let rate = warmup.latencies.len() as f64 / warmup.elapsed.as_secs_f64().max(0.001);
    // Half again the warm-up's rate, in case the measured part runs faster.
    let needed = ((rate * arguments.duration as f64 * 1.5) as usize + arguments.connections)
        .min(arguments.max_checkout_carts);
    let carts = prepare_carts(bench, &arguments.skus[..2], needed, arguments.connections).await?;
    let scenario = "checkout, bank transfer, 2 lines";
    Ok(timing
        .measure_after_warmup(bench, scenario, checkout_calls(arguments, carts), warmup.errors)
        .await)
}

fn check_arguments(arguments: &Arguments) -> Result<(), String> {
    let mut problems = Vec::new();
    if !arguments.address.ip().is_loopback() {
        problems.push(format!(
            "--address {} is not a loopback address: the benchmark only sends traffic to 127.0.0.1 or ::1; \
             pass the address that `comptoir-edge` prints on startup",
            arguments.address
        ));
    }
    if arguments.skus.len() != 3 {
        problems.push(format!(
            "--skus lists {} skus: expected exactly three, separated by commas",
            arguments.skus.len()
        ));
    }
    if arguments.connections == 0
        || arguments.duration == 0
        || arguments.add_line_carts == 0
        || arguments.clock_ticks == 0
    {
        problems
            .push("--connections, --duration, --add-line-carts and --clock-ticks must be above 0".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Builds the checkout requests, one per prepared cart, each with its own customer email.
fn checkout_calls(arguments: &Arguments, carts: Vec<String>) -> Arc<NextCall> {
    let shipping_method = arguments.shipping_method.clone();
    let payment_method = arguments.payment_method.clone();
    let next_cart = AtomicUsize::new(0);
    Arc::new(move |_| {
        let index = next_cart.fetch_add(1, Ordering::Relaxed);
        let cart_id = carts.get(index)?;
        let body = json!({
            "cart_id": cart_id,
            "customer": {"email": format!("client-{index}@bench.example"), "name": "Marie Curie"},
            "billing_address": {
                "name": "Marie Curie",
                "street": "12 rue de la Paix",
                "postal_code": "75002",
                "city": "Paris",
                "country": "FR"
            },
            "shipping_method": shipping_method,
            "payment_method": payment_method,
        });
        Some(Call {
            method: Method::POST,
            path: "/api/checkout".to_owned(),
            body: Some(body.to_string()),
            expected: StatusCode::CREATED,
        })
    })
}

/// HTTP clients bound to the server under test.
struct Bench {
    base_url: String,
    origin: String,
    store: String,
    admin_token: String,
    /// One client per connection: reqwest keeps one idle keep-alive connection per
    /// client and host, so each closed-loop worker reuses its own connection.
    clients: Vec<Client>,
}

impl Bench {
    fn new(arguments: &Arguments) -> Result<Self, String> {
        let mut clients = Vec::with_capacity(arguments.connections);
        for _ in 0..arguments.connections {
            let client = Client::builder()
                // Proxy variables of the environment must not redirect loopback traffic.
                .no_proxy()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|error| format!("cannot create the HTTP client: {error}"))?;
            clients.push(client);
        }
        Ok(Bench {
            base_url: format!("http://{}", arguments.address),
            origin: arguments.origin.clone(),
            store: arguments.store.clone(),
            admin_token: arguments.admin_token.clone(),
            clients,
        })
    }

    /// Sends one request and reads the whole body; a transport failure is an error
    /// message naming the request.
    async fn send(&self, connection: usize, call: &Call) -> Result<(StatusCode, Bytes), String> {
        let client = &self.clients[connection % self.clients.len()];
        let mut request = client
            .request(call.method.clone(), format!("{}{}", self.base_url, call.path))
            .header("origin", &self.origin);
        if let Some(body) = &call.body {
            request = request
                .header("content-type", "application/json")
                .body(body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|error| format!("{} {} failed: {error}", call.method, call.path))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| format!("{} {}: reading the body failed: {error}", call.method, call.path))?;
        Ok((status, body))
    }

    /// Sends a setup request and returns its JSON body, or an error with the status
    /// and body when the status is not `call.expected`.
    async fn setup(&self, connection: usize, call: Call) -> Result<Value, String> {
        let (status, body) = self.send(connection, &call).await?;
        if status != call.expected {
            return Err(format!(
                "{} {} returned {status}, expected {}: {}",
                call.method,
                call.path,
                call.expected,
                String::from_utf8_lossy(&body)
            ));
        }
        serde_json::from_slice(&body)
            .map_err(|error| format!("{} {}: the body is not JSON: {error}", call.method, call.path))
    }

    async fn set_stock(&self, sku: &str, quantity: u64) -> Result<(), String> {
        let client = &self.clients[0];
        let path = format!("/api/admin/stock/{sku}");
        let response = client
            .put(format!("{}{path}", self.base_url))
            .bearer_auth(&self.admin_token)
            .header("content-type", "application/json")
            .body(json!({ "quantity": quantity }).to_string())
            .send()
            .await
            .map_err(|error| format!("PUT {path} failed: {error}"))?;
        let status = response.status();
        if status != StatusCode::OK {
            let body = response.text().await.unwrap_or_default();
            return Err(format!(
                "PUT {path} returned {status}, expected 200 OK: {body}; is --admin-token (COMPTOIR_ADMIN_TOKEN) the server's?"
            ));
        }
        Ok(())
    }

    /// Creates a cart containing one unit of each sku and returns its id.
    async fn prepare_cart(&self, connection: usize, skus: &[String]) -> Result<String, String> {
        let cart = self
            .setup(
                connection,
                Call {
                    method: Method::POST,
                    path: "/api/carts".to_owned(),
                    body: Some(json!({ "store": self.store }).to_string()),
                    expected: StatusCode::CREATED,
                },
            )
            .await?;
        let Some(id) = cart["id"].as_str().map(str::to_owned) else {
            return Err(format!(
                "POST /api/carts returned a cart without a string `id`: {cart}"
            ));
        };
        for sku in skus {
            self.setup(
                connection,
                Call {
                    method: Method::POST,
                    path: format!("/api/carts/{id}/lines"),
                    body: Some(json!({"sku": sku, "quantity": 1}).to_string()),
                    expected: StatusCode::OK,
                },
            )
            .await?;
        }
        Ok(id)
    }
}

/// Prepares `count` carts containing one unit of each sku, over `connections`
/// connections at once, and returns their ids.
async fn prepare_carts(
    bench: &Arc<Bench>,
    skus: &[String],
    count: usize,
    connections: usize,
) -> Result<Vec<String>, String> {
    let mut tasks = Vec::with_capacity(connections);
    for connection in 0..connections {
        let share = count / connections + usize::from(connection < count % connections);
        let bench = Arc::clone(bench);
        let skus = skus.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::with_capacity(share);
            for _ in 0..share {
                ids.push(bench.prepare_cart(connection, &skus).await?);
            }
            Ok::<_, String>(ids)
        }));
    }
    let mut ids = Vec::with_capacity(count);
    for task in tasks {
        let prepared = task
            .await
            .map_err(|error| format!("a cart preparation task failed: {error}"))??;
        ids.extend(prepared);
    }
    Ok(ids)
}

/// Connections and periods shared by every scenario.
struct Timing {
    connections: usize,
    warmup: Duration,
    duration: Duration,
    server_pid: Vec<u32>,
    clock_ticks: f64,
}

impl Timing {
    /// Runs a warm-up phase, drops its figures, then measures a phase.
    async fn measure(&self, bench: &Arc<Bench>, scenario: &'static str, next: Arc<NextCall>) -> Row {
        let warmup = self.run_phase(bench, Arc::clone(&next), self.warmup).await;
        report_errors(&format!("{scenario} (warm-up)"), &warmup);
        self.measure_after_warmup(bench, scenario, next, warmup.errors)
            .await
    }

    /// Measures a phase of `self.duration` with the CPU time of both processes.
    async fn measure_after_warmup(
        &self,
        bench: &Arc<Bench>,
        scenario: &'static str,
        next: Arc<NextCall>,
        warmup_errors: usize,
    ) -> Row {
        let server_before = self.server_cpu_ticks();
        let client_before = process_cpu_ticks("self");
        let result = self.run_phase(bench, next, self.duration).await;
        let server_after = self.server_cpu_ticks();
        let client_after = process_cpu_ticks("self");
        let seconds = |after: Option<u64>, before: Option<u64>| {
            Some(after?.saturating_sub(before?) as f64 / self.clock_ticks)
        };
        report_errors(scenario, &result);
        Row {
            scenario,
            result,
            warmup_errors,
            server_cpu_seconds: seconds(server_after, server_before),
            client_cpu_seconds: seconds(client_after, client_before),
        }
    }

    /// Sums the CPU ticks of the server's processes; `None` without any, or when
    /// one of them cannot be read.
    fn server_cpu_ticks(&self) -> Option<u64> {
        if self.server_pid.is_empty() {
            return None;
        }
        self.server_pid
            .iter()
            .map(|pid| process_cpu_ticks(&pid.to_string()))
            .sum()
    }

    /// Runs every connection in a closed loop until `length` has passed or the
    /// scenario has no request left. Requests in flight at the deadline complete
    /// and are counted; `elapsed` runs until the last one has.
    async fn run_phase(&self, bench: &Arc<Bench>, next: Arc<NextCall>, length: Duration) -> PhaseResult {
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(self.connections);
        for connection in 0..self.connections {
            let bench = Arc::clone(bench);
            let next = Arc::clone(&next);
            tasks.push(tokio::spawn(async move {
                let mut result = PhaseResult {
                    latencies: Vec::new(),
                    errors: 0,
                    first_error: None,
                    elapsed: Duration::ZERO,
                    exhausted: false,
                };
                while start.elapsed() < length {
                    let Some(call) = next(connection) else {
                        result.exhausted = true;
                        break;
                    };
                    let sent = Instant::now();
                    let outcome = bench.send(connection, &call).await;
                    let latency = sent.elapsed();
                    let failure = match outcome {
                        Ok((status, _)) if status == call.expected => {
                            result.latencies.push(latency.as_micros() as u64);
                            continue;
                        }
                        Ok((status, body)) => format!(
                            "{} {} returned {status}, expected {}: {}",
                            call.method,
                            call.path,
                            call.expected,
                            String::from_utf8_lossy(&body)
                        ),
                        Err(message) => message,
                    };
                    result.errors += 1;
                    result.first_error.get_or_insert(failure);
                }
                result
            }));
        }

        let mut total = PhaseResult {
            latencies: Vec::new(),
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
            exhausted: false,
        };
        for task in tasks {
            match task.await {
                Ok(result) => {
                    total.latencies.extend(result.latencies);
                    total.errors += result.errors;
                    total.exhausted |= result.exhausted;
                    if total.first_error.is_none() {
                        total.first_error = result.first_error;
                    }
                }
                Err(error) => {
                    total.errors += 1;
                    total
                        .first_error
                        .get_or_insert(format!("a connection's task failed: {error}"));
                }
            }
        }
        total.elapsed = start.elapsed();
        total.latencies.sort_unstable();
        total
    }
}

fn report_errors(scenario: &str, result: &PhaseResult) {
    if let Some(first) = &result.first_error {
        eprintln!(
            "{scenario}: {} requests failed; the first: {first}",
            result.errors
        );
    }
}

/// Reads the CPU time (user and system, every thread) that a process has used so
/// far from `/proc/<pid>/stat`, in clock ticks. Returns `None` where that file does
/// not exist, as on other systems than Linux or when the process has ended.
fn process_cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces, so the
    // fields are counted from the last `)`: field 3 (state) comes first, and
    // utime and stime are fields 14 and 15.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// Returns the value at percentile `percent` of sorted `values` (nearest rank).
fn percentile(values: &[u64], percent: f64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let rank = (percent / 100.0 * values.len() as f64).ceil() as usize;
    values.get(rank.clamp(1, values.len()) - 1).copied()
}

fn print_table(rows: &[Row], connections: usize) {
    println!(
        "| scenario | connections | requests | errors | seconds | requests/s | p50 (ms) | p99 (ms) | max (ms) | server CPU per request (µs) | server CPU (cores) | client CPU (cores) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let result = &row.result;
        let seconds = result.elapsed.as_secs_f64();
        let requests = result.latencies.len();
        let milliseconds = |value: Option<u64>| match value {
            Some(micros) => format!("{:.2}", micros as f64 / 1000.0),
            None => "n/a".to_owned(),
        };
        let per_request = match row.server_cpu_seconds {
            Some(cpu) if requests > 0 => format!("{:.0}", cpu * 1e6 / requests as f64),
            _ => "n/a".to_owned(),
        };
        let cores = |cpu: Option<f64>| match cpu {
            Some(cpu) => format!("{:.2}", cpu / seconds),
            None => "n/a".to_owned(),
        };
        let scenario = if result.exhausted {
            format!("{} (ran out of prepared carts)", row.scenario)
        } else {
            row.scenario.to_owned()
        };
        println!(
            "| {scenario} | {connections} | {requests} | {} | {seconds:.1} | {:.0} | {} | {} | {} | {per_request} | {} | {} |",
            result.errors,
            requests as f64 / seconds,
            milliseconds(percentile(&result.latencies, 50.0)),
            milliseconds(percentile(&result.latencies, 99.0)),
            milliseconds(result.latencies.last().copied()),
            cores(row.server_cpu_seconds),
            cores(row.client_cpu_seconds),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentile_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }
}

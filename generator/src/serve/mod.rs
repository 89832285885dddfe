//! `comptoir serve`: build into `public/`, serve each store on its own port of
//! 127.0.0.1, watch the shop and rebuild on change, reloading open pages.
//!
//! A failed rebuild writes nothing: the server keeps serving the last good build,
//! and the problems appear in the terminal and as a banner on every page.

pub mod changes;
pub mod http;
pub mod sync;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use axum::Router;
use notify::{RecursiveMode, Watcher};

use crate::build::{require_site_toml, store_lines};
use crate::cli::CommandError;
use crate::messages::Lang;
use crate::msg;
use changes::{Change, ChangeSet, Rebuild};
use http::LiveState;
use sync::{RebuildSummary, Rebuilder};

/// Options of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Folder holding `site.toml`.
    pub root: PathBuf,
    /// Port of the first store; store i listens on `port + i`. 0 lets the system
    /// pick a free port for each store.
    pub port: u16,
    /// Language of the terminal messages and of the problem banner.
    pub lang: Lang,
}

/// Makes the router mounted under `/api` from the first build's output folder. It runs
/// inside the server's tokio runtime, after the first build, so it can read the
/// published price books and start background tasks.
pub type ApiFactory = Box<dyn FnOnce(&Path) -> Result<Router, ApiError> + Send>;

/// Why the API factory could not make the API router.
#[derive(Debug)]
pub enum ApiError {
    /// The edge's own configuration (environment variables) is invalid: `serve` stops
    /// with this error, as `comptoir-edge` does.
    Config(CommandError),
    /// The edge could not open on the build's output. `serve` stops with this error
    /// unless the first build failed, in which case the pages are served without the
    /// API so the merchant can fix the shop with live reload.
    Open(CommandError),
}

/// Builds, serves and watches the shop until the process is interrupted. `api`, when
/// given, makes the router mounted under `/api` on every store's server: this is
/// where the edge goes, so the cart works against the same origin as the pages.
pub fn serve(options: &ServeOptions, api: Option<ApiFactory>) -> Result<(), CommandError> {
    require_site_toml(&options.root)?;
    let root = options
        .root
        .canonicalize()
        .map_err(|error| CommandError::io("io-read-failed", &options.root, &error))?;
    let output = root.join("public");
    let lang = options.lang;
    let state = LiveState::new(lang);

    let mut rebuilder = Rebuilder::new(root.clone(), output.clone())?;
    let first_build = rebuilder.rebuild(Rebuild::Reload, &[]);
    let stores = rebuilder.store_ids();
    let build_ready = first_build.is_ok();
    match first_build {
        Ok(summary) => print_rebuild(&summary, lang),
        // Without a store to serve there is nothing to show the problems on.
        Err(error) if stores.is_empty() => return Err(error),
        Err(error) => report_failure(&state, &error, lang),
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| CommandError::Usage(msg!("serve-runtime-failed", error = error)))?;
    runtime.block_on(async {
        check_ports(options.port, stores.len())?;
        let api = match api {
            Some(factory) => mount_api(factory, &output, build_ready, lang)?,
            None => None,
        };
        start_servers(&stores, &output, options.port, &state, api).await?;
        spawn_watcher(root, rebuilder, stores.clone(), Arc::clone(&state))?;
        println!("{}", msg!("serve-ready").render(lang));
        tokio::signal::ctrl_c()
            .await
            .map_err(|error| CommandError::Usage(msg!("serve-runtime-failed", error = error)))
    })
}

/// Runs the API factory. A configuration error stops `serve`, and so does an edge that
/// cannot open on a good build. Only when the first build failed are the pages served
/// without the API (its paths then answer 503), so a merchant can still fix the shop
/// with live reload.
fn mount_api(
    factory: ApiFactory,
    output: &Path,
    build_ready: bool,
    lang: Lang,
) -> Result<Option<Router>, CommandError> {
    match factory(output) {
        Ok(router) => Ok(Some(router)),
        Err(ApiError::Open(error)) if !build_ready => {
            // NOTE: the API stays off until `serve` restarts, even once a later build
            // succeeds, because the edge needs a first good build to open.
            eprintln!(
                "{}",
                msg!("serve-api-failed", error = error.render(lang)).render(lang)
            );
            Ok(None)
        }
        Err(ApiError::Config(error) | ApiError::Open(error)) => Err(error),
    }
}

/// The router answering every `/api/` path while the API is off: a JSON 503 in the
/// edge's error format, so the cart script shows an error instead of parsing a page.
pub fn api_unavailable_router(lang: Lang) -> Router {
    let message = msg!("serve-api-unavailable").render(lang);
    Router::new().fallback(move || {
        let body = serde_json::json!({
            "error": { "code": "api_unavailable", "message": message }
        });
        async move { (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)) }
    })
}

/// Checks that every store gets a port before any is bound, so a failure does not
/// come after some stores were already announced.
fn check_ports(first_port: u16, stores: usize) -> Result<(), CommandError> {
    match stores.checked_sub(1) {
        Some(last) => store_port(first_port, last).map(|_| ()),
        None => Ok(()),
    }
}

/// Binds one listener per store and serves it in the background.
async fn start_servers(
    stores: &[String],
    output: &Path,
    first_port: u16,
    state: &Arc<LiveState>,
    api: Option<Router>,
) -> Result<(), CommandError> {
    for (index, store) in stores.iter().enumerate() {
        let port = store_port(first_port, index)?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|error| {
            CommandError::Usage(msg!("serve-bind-failed", address = address, error = error))
        })?;
        let bound = listener.local_addr().unwrap_or(address);
        let api = api
            .clone()
            .unwrap_or_else(|| api_unavailable_router(state.lang()));
        let router = http::store_router(&output.join(store), Arc::clone(state), Some(api));
        println!(
            "{}",
            msg!("serve-store-url", store = store, url = format!("http://{bound}/")).render(state.lang())
        );
        tokio::spawn(async move {
            // The connection's address is what the edge truncates into consent records.
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(error) = axum::serve(listener, service).await {
                tracing::error!(address = %bound, %error, "the store server stopped");
            }
        });
    }
    Ok(())
}

/// Returns the port of store number `index`: `first_port + index`, or 0 (any free port) when
/// `first_port` is 0.
fn store_port(first_port: u16, index: usize) -> Result<u16, CommandError> {
    if first_port == 0 {
        return Ok(0);
    }
    u16::try_from(index)
        .ok()
        .and_then(|index| first_port.checked_add(index))
        .ok_or_else(|| {
            CommandError::Usage(msg!("serve-port-overflow", port = first_port, stores = index + 1))
        })
}

/// How long the shop must stay quiet after an event before a rebuild starts:
/// saving one file in an editor often makes several events.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// How long the shop must stay quiet after a rebuild of a few products before the
/// sitemaps and feeds are written.
const FINISH_DELAY: Duration = Duration::from_millis(500);

/// The maximum time a rebuild waits for a stream of events to stop.
const MAX_DEBOUNCE: Duration = Duration::from_secs(2);

fn spawn_watcher(
    root: PathBuf,
    rebuilder: Rebuilder,
    served: Vec<String>,
    state: Arc<LiveState>,
) -> Result<(), CommandError> {
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender).map_err(|error| {
        CommandError::Usage(msg!("serve-watch-failed", path = root.display(), error = error))
    })?;
    watcher.watch(&root, RecursiveMode::Recursive).map_err(|error| {
        CommandError::Usage(msg!("serve-watch-failed", path = root.display(), error = error))
    })?;

    thread::spawn(move || {
        // The watcher stops when dropped, so the thread owns it.
        let _watcher = watcher;
        watch_loop(&root, rebuilder, &served, &state, &events);
    });
    Ok(())
}

fn watch_loop(
    root: &Path,
    mut rebuilder: Rebuilder,
    served: &[String],
    state: &LiveState,
    events: &mpsc::Receiver<notify::Result<notify::Event>>,
) {
    let lang = state.lang();
    loop {
        // After a rebuild of a few products, the sitemaps and feeds wait until the
        // shop has been quiet for a moment: a series of quick edits then reloads
        // the browser after each one without waiting for them.
        let first = if rebuilder.listings_stale() {
            match events.recv_timeout(FINISH_DELAY) {
                Ok(event) => Some(event),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(error) = rebuilder.finish() {
                        report_failure(state, &error, lang);
                        state.reload();
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        } else {
            None
        };
        let Some(paths) = next_batch(events, first) else {
            return;
        };
        let changes = ChangeSet::from_paths(root, paths.iter().map(PathBuf::as_path));
        let Some(plan) = changes.rebuild() else {
            continue;
        };
        tracing::debug!(?changes, ?plan, "rebuilding");

        // Only a batch that changes content alone may take the short way: a change
        // of a static file, a template or the settings reaches other pages too.
        let content_only = [
            Change::Settings,
            Change::Template,
            Change::Style,
            Change::Script,
            Change::Static,
        ]
        .iter()
        .all(|change| !changes.contains(*change));
        let edited: &[PathBuf] = if content_only { &paths } else { &[] };

        let had_problems = state.problems().is_some();
        match rebuilder.rebuild(plan, edited) {
            Ok(summary) => {
                if summary.written + summary.deleted > 0 || had_problems {
                    state.reload();
                }
                print_rebuild(&summary, lang);
                warn_if_stores_changed(served, &rebuilder.store_ids(), lang);
                state.set_problems(None);
            }
            Err(error) => {
                report_failure(state, &error, lang);
                state.reload();
            }
        }
    }
}

/// Waits for the next batch of events: the first one (unless given), then every
/// event until the shop has been quiet for [`DEBOUNCE`]. Returns `None` when the
/// watcher is gone.
fn next_batch(
    events: &mpsc::Receiver<notify::Result<notify::Event>>,
    first: Option<notify::Result<notify::Event>>,
) -> Option<Vec<PathBuf>> {
    let mut paths = Vec::new();
    let first = match first {
        Some(first) => first,
        None => events.recv().ok()?,
    };
    collect_paths(first, &mut paths);

    let started = Instant::now();
    while started.elapsed() < MAX_DEBOUNCE {
        match events.recv_timeout(DEBOUNCE) {
            Ok(event) => collect_paths(event, &mut paths),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
    Some(paths)
}

fn collect_paths(event: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>) {
    match event {
        Ok(event) if !event.kind.is_access() => paths.extend(event.paths),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "file watcher error"),
    }
}

fn print_rebuild(summary: &RebuildSummary, lang: Lang) {
    // A rebuild of a few products counts only what it rendered, not the stores.
    if !summary.partial {
        for line in store_lines(&summary.report, lang) {
            println!("{line}");
        }
    }
    println!(
        "{}",
        msg!(
            "serve-rebuilt",
            build = &summary.build_id,
            written = summary.written,
            deleted = summary.deleted,
            millis = summary.elapsed.as_millis()
        )
        .render(lang)
    );
}

/// Tells the merchant to restart when `site.toml` now declares other stores: the
/// listeners are bound once, at start.
fn warn_if_stores_changed(served: &[String], stores: &[String], lang: Lang) {
    if served != stores {
        eprintln!(
            "{}",
            msg!("serve-stores-changed", stores = stores.join(", ")).render(lang)
        );
    }
}

/// Prints the problems and shows them on every page; the previous build stays served.
fn report_failure(state: &LiveState, error: &CommandError, lang: Lang) {
    let text = error.render(lang);
    eprint!("{text}");
    eprintln!("{}", msg!("serve-keeps-last-build").render(lang));
    state.set_problems(Some(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_get_consecutive_ports() {
        assert_eq!(store_port(8080, 0).expect("port"), 8080);
        assert_eq!(store_port(8080, 2).expect("port"), 8082);
        assert_eq!(store_port(0, 3).expect("port"), 0);
        let error = store_port(u16::MAX, 1).expect_err("past the last port");
        assert!(matches!(error, CommandError::Usage(ref m) if m.id == "serve-port-overflow"));
    }

    #[test]
    fn port_range_checked_for_all_stores() {
        assert!(check_ports(65533, 3).is_ok());
        assert!(check_ports(0, 3).is_ok());
        assert!(check_ports(65535, 0).is_ok());
        let error = check_ports(65535, 3).expect_err("three stores from the last port");
        let CommandError::Usage(message) = error else {
            panic!("expected a usage error");
        };
        assert_eq!(message.id, "serve-port-overflow");
        assert_eq!(
            message.render(Lang::En),
            "Port 65535 leaves no room for 3 stores, one port each: choose a lower --port."
        );
    }

    #[tokio::test]
    async fn config_error_stops_serve() {
        let factory: ApiFactory = Box::new(|_| {
            Err(ApiError::Config(CommandError::Usage(msg!(
                "serve-api-unavailable"
            ))))
        });
        let error = mount_api(factory, Path::new("public"), false, Lang::En).expect_err("config error");
        assert!(matches!(error, CommandError::Usage(ref m) if m.id == "serve-api-unavailable"));
        assert_eq!(error.exit_code(), std::process::ExitCode::from(2));
    }

    #[tokio::test]
    async fn api_off_answers_json_503() {
        let response = tower::ServiceExt::oneshot(
            api_unavailable_router(Lang::En),
            axum::http::Request::builder()
                .uri("/api/cart")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
        assert_eq!(response.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON body");
        assert_eq!(body["error"]["code"], "api_unavailable");
        assert_eq!(
            body["error"]["message"],
            "The cart and checkout API is off: see the terminal running `comptoir serve`."
        );
    }

    #[tokio::test]
    async fn open_error_without_build_leaves_api_off() {
        let factory: ApiFactory =
            Box::new(|_| Err(ApiError::Open(CommandError::Usage(msg!("serve-api-unavailable")))));
        let api = mount_api(factory, Path::new("public"), false, Lang::En).expect("served without API");
        assert!(api.is_none());

        let factory: ApiFactory =
            Box::new(|_| Err(ApiError::Open(CommandError::Usage(msg!("serve-api-unavailable")))));
        assert!(mount_api(factory, Path::new("public"), true, Lang::En).is_err());
    }
}

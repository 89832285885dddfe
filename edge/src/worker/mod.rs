//! The Cloudflare Worker host (wasm32 only): the same [`crate::router`] as the
//! native host, on D1 ([`D1Storage`]) with the store's files read from the Worker's
//! static assets.
//!
//! One Worker serves one store: its static assets are that store's folder of the
//! build (`public/<store>/`), so the catalog comes from `/_comptoir/pricebook.json`
//! and the parts it lists, `store.json`, `consent.json` and `emails/` through the
//! `ASSETS` binding. It is
//! read on the first request of an isolate and kept for the isolate's life: a new
//! deployment starts new isolates.
//!
//! Bindings: `ASSETS` (the store's folder of the build) and `DB` (the D1 database,
//! migrated with `wrangler d1 migrations apply`). Secrets and settings are read by
//! [`config`]; `docs/en/worker.md` lists them all.
//!
//! The `scheduled` handler (the cron trigger) retries queued emails and email
//! marketing jobs, then runs the retention purge ([`crate::privacy::purge`]).

mod config;
mod fetch;
mod r2;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use tower::ServiceExt;
use worker::{Context, Env, Fetcher, HttpRequest, ScheduleContext, ScheduledEvent, event};

use crate::catalog::{Catalog, CatalogHandle, StoreSource};
use crate::clock::SystemClock;
use crate::consent::client::ClientIp;
use crate::mail::{BoxFuture, Email, MailError, Mailer};
use crate::marketing::deliver_pending_sync;
use crate::notify::deliver_pending;
use crate::state::{AppState, StateParts};
use crate::storage::d1::D1Storage;

/// Binding of the store's static assets.
pub const ASSETS_BINDING: &str = "ASSETS";
/// Binding of the D1 database.
pub const DB_BINDING: &str = "DB";
/// Secret holding the admin token.
pub const ADMIN_TOKEN_SECRET: &str = config::ENV_ADMIN_TOKEN;

/// Base of the asset URLs: the assets binding ignores the host.
const ASSETS_BASE: &str = "https://assets.invalid";
/// The published email templates fetched first; the layouts and partials they use
/// are found by reading their `extends`, `include` and `import` tags.
const EMAIL_ENTRY_TEMPLATES: [&str; 15] = [
    "order_confirmation.subject.txt",
    "order_confirmation.txt",
    "order_confirmation.html",
    "status_changed.subject.txt",
    "status_changed.txt",
    "status_changed.html",
    "data_request_confirm.subject.txt",
    "data_request_confirm.txt",
    "data_request_confirm.html",
    "data_request_report.subject.txt",
    "data_request_report.txt",
    "data_request_report.html",
    "inactive_warning.subject.txt",
    "inactive_warning.txt",
    "inactive_warning.html",
];
/// At most this many email files are fetched, so a template that includes itself
/// under many names cannot make the first request loop.
const MAX_EMAIL_FILES: usize = 64;

thread_local! {
    /// The catalog of this isolate, read on its first request. A Worker isolate
    /// runs on one thread.
    static CATALOG: RefCell<Option<Arc<CatalogHandle>>> = const { RefCell::new(None) };
}

#[event(fetch)]
async fn fetch(request: HttpRequest, env: Env, context: Context) -> worker::Result<Response<Body>> {
    // A large store's pages in R2 need neither the catalog nor D1.
    if let Some(response) = r2::serve(&request, &env, &context).await {
        return Ok(response);
    }
    let catalog = match catalog(&env).await {
        Ok(catalog) => catalog,
        Err(problem) => {
            worker::console_error!("{problem}");
            return Ok(unavailable());
        }
    };
    let state = match state(&env, catalog) {
        Ok(state) => state,
        Err(problem) => {
            worker::console_error!("{problem}");
            return Ok(unavailable());
        }
    };
    let mut request = request.map(Body::new);
    if let Some(ip) = connecting_ip(request.headers()) {
        request.extensions_mut().insert(ClientIp(ip));
    }
    match crate::router(state).oneshot(request).await {
        Ok(response) => Ok(response),
        Err(infallible) => match infallible {},
    }
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _context: ScheduleContext) {
    let state = match catalog(&env).await.and_then(|catalog| state(&env, catalog)) {
        Ok(state) => state,
        Err(problem) => {
            worker::console_error!("the scheduled run stopped: {problem}");
            return;
        }
    };
    run_scheduled(&state).await;
}

/// Runs the cron trigger's work: the email retries that the native host runs on a
/// timer, then the retention purge (expired carts included).
async fn run_scheduled(state: &AppState) {
    let sent = deliver_pending(state, None).await;
    let synced = deliver_pending_sync(state).await;
    worker::console_log!("scheduled: {sent} queued emails sent, {synced} email marketing jobs done");
    match crate::privacy::purge::run(state, state.now()).await {
        Ok(counts) => worker::console_log!("scheduled: retention purge done: {counts:?}"),
        Err(error) => worker::console_error!("scheduled: the retention purge stopped: {error}"),
    }
}

/// Builds the state of one request. Bindings and settings are read from each
/// request's `Env`, and only the parsed catalog is kept between requests.
fn state(env: &Env, catalog: Arc<CatalogHandle>) -> Result<AppState, String> {
    let db = env
        .d1(DB_BINDING)
        .map_err(|error| format!("the D1 binding `{DB_BINDING}` is missing from wrangler.toml: {error}"))?;
    let settings = config::read_settings(env)?;
    Ok(AppState::new(StateParts {
        catalog,
        storage: Arc::new(D1Storage::new(db)),
        mailer: settings.mailer,
        payments: settings.payments,
        clock: Arc::new(SystemClock),
        config: settings.config,
    })
    .with_marketing(settings.marketing))
}

/// The isolate's catalog, read from the assets on first use.
async fn catalog(env: &Env) -> Result<Arc<CatalogHandle>, String> {
    if let Some(handle) = CATALOG.with(|cell| cell.borrow().clone()) {
        return Ok(handle);
    }
    let assets = env.assets(ASSETS_BINDING).map_err(|error| {
        format!("the assets binding `{ASSETS_BINDING}` is missing from wrangler.toml: {error}")
    })?;
    let source = read_store(&assets).await?;
    let catalog = Catalog::from_sources(&[source]).map_err(|error| error.to_string())?;
    let handle = Arc::new(CatalogHandle::new(catalog));
    CATALOG.with(|cell| *cell.borrow_mut() = Some(Arc::clone(&handle)));
    Ok(handle)
}

/// The store's `_comptoir/` files. Every missing required file is reported at once.
async fn read_store(assets: &Fetcher) -> Result<StoreSource, String> {
    let price_book = fetch_asset(assets, "_comptoir/pricebook.json").await?;
    let manifest = fetch_asset(assets, "_comptoir/store.json").await?;
    let consent = fetch_asset(assets, "_comptoir/consent.json").await?;
    let (Some(price_book), Some(manifest)) = (&price_book, &manifest) else {
        let missing: Vec<&str> = [
            price_book.is_none().then_some("/_comptoir/pricebook.json"),
            manifest.is_none().then_some("/_comptoir/store.json"),
        ]
        .into_iter()
        .flatten()
        .collect();
        return Err(format!(
            "the static assets lack {}: set `assets.directory` in wrangler.toml to one store's folder of the build (`public/<store>`)",
            missing.join(" and ")
        ));
    };
    let emails = read_emails(assets, manifest).await?;
    // NOTE: every part is read and kept. The native host peaks at 700 MB for
    // 300,000 skus, and an isolate has 128 MB, so a catalogue of a few tens of
    // thousands of skus or more does not fit. The index gives each part's first
    // sku, so reading only the parts a request needs is the way there.
    let price_book_parts = futures_util::future::try_join_all(
        crate::catalog::price_book_part_files(price_book)
            .into_iter()
            .map(|file| async move {
                match fetch_asset(assets, &file).await? {
                    Some(bytes) => Ok((file, bytes)),
                    None => Err(format!(
                        "the static assets lack /{file}, a part of the price book: publish the whole build"
                    )),
                }
            }),
    )
    .await?;
    Ok(StoreSource {
        origin: "assets:/".to_owned(),
        price_book: price_book.clone(),
        price_book_parts,
        manifest: manifest.clone(),
        emails,
        consent,
    })
}

/// The published email files: the entry templates, the Fluent strings of the
/// store's locales and of the `fr` and `en` fallbacks, and every template they
/// reference. The assets binding cannot list a folder, so references are followed.
async fn read_emails(assets: &Fetcher, manifest: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut wanted: Vec<String> = EMAIL_ENTRY_TEMPLATES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    let mut languages: BTreeSet<String> = ["fr", "en"].into_iter().map(str::to_owned).collect();
    if let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(manifest)
        && let Some(locales) = manifest.get("locales").and_then(|locales| locales.as_array())
    {
        for locale in locales.iter().filter_map(|locale| locale.as_str()) {
            languages.insert(locale.to_owned());
            if let Some((language, _)) = locale.split_once('-') {
                languages.insert(language.to_owned());
            }
        }
    }
    wanted.extend(languages.iter().map(|language| format!("emails.{language}.ftl")));

    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut files = Vec::new();
    while let Some(name) = wanted.pop() {
        if !seen.insert(name.clone()) || seen.len() > MAX_EMAIL_FILES {
            continue;
        }
        let Some(bytes) = fetch_asset(assets, &format!("_comptoir/emails/{name}")).await? else {
            continue;
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("/_comptoir/emails/{name} is not UTF-8 text: publish it again"))?;
        if !name.ends_with(".ftl") {
            wanted.extend(
                template_references(&text)
                    .into_iter()
                    .filter(|found| !seen.contains(found)),
            );
        }
        files.push((name, text));
    }
    files.sort();
    Ok(files)
}

/// The template names a Tera template uses in `{% extends "…" %}`,
/// `{% include "…" %}` and `{% import "…" as … %}`.
fn template_references(template: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in template.split("{%").skip(1) {
        let tag = tag
            .split("%}")
            .next()
            .unwrap_or_default()
            .trim_start_matches('-')
            .trim();
        let Some(rest) = ["extends", "include", "import"]
            .iter()
            .find_map(|keyword| tag.strip_prefix(keyword))
        else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest
            .chars()
            .next()
            .filter(|quote| *quote == '"' || *quote == '\'')
        else {
            continue;
        };
        if let Some(name) = rest[1..].split(quote).next()
            && !name.is_empty()
            && !name.contains("..")
        {
            found.push(name.to_owned());
        }
    }
    found
}

/// One asset's bytes; `None` when the assets have no such file.
async fn fetch_asset(assets: &Fetcher, path: &str) -> Result<Option<Vec<u8>>, String> {
    let response = assets
        .fetch(format!("{ASSETS_BASE}/{path}"), None)
        .await
        .map_err(|error| format!("reading /{path} from the static assets failed: {error}"))?;
    if response.status() == StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !response.status().is_success() {
        return Err(format!(
            "reading /{path} from the static assets answered HTTP {}",
            response.status()
        ));
    }
    let mut response = worker::Response::try_from(response)
        .map_err(|error| format!("reading /{path} from the static assets failed: {error}"))?;
    response
        .bytes()
        .await
        .map(Some)
        .map_err(|error| format!("reading /{path} from the static assets failed: {error}"))
}

/// The visitor's address as Cloudflare saw it.
fn connecting_ip(headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    headers
        .get("cf-connecting-ip")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Builds the response sent when the Worker is misconfigured; the cause is in the Worker's log.
fn unavailable() -> Response<Body> {
    let body = r#"{"error":{"code":"unavailable","message":"Le service est indisponible. / The service is unavailable."}}"#;
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// The mailer of a Worker without an email API key: every email fails to send, so
/// it stays queued in `notifications` with the reason, and the cron trigger sends
/// it once `COMPTOIR_MAIL_API_KEY` is set (within the attempt limit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueOnlyMailer;

impl Mailer for QueueOnlyMailer {
    fn send<'a>(&'a self, _email: &'a Email) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async {
            Err(MailError {
                reason: "COMPTOIR_MAIL_API_KEY is not set on the Worker; the email stays queued".to_owned(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::template_references;

    #[test]
    fn references_are_read_from_extends_include_and_import() {
        let template = r#"{% extends "layout.html" %}{%- include 'partials/summary.txt' -%}
            {% import "macros.html" as m %}{% if x %}{{ y }}{% endif %}{% include "../secret" %}"#;
        assert_eq!(
            template_references(template),
            ["layout.html", "partials/summary.txt", "macros.html"]
        );
    }
}

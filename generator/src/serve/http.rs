//! The HTTP side of `serve`: one router per store serving its folder of `public/`,
//! a server-sent-events stream that signals pages to reload, and the live-reload
//! script and problem banner added to HTML responses. The additions happen here, at
//! serve time, so the files `build` writes never contain them.

use std::convert::Infallible;
use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::broadcast;
use tower_http::services::{ServeDir, ServeFile};

use crate::messages::{Lang, Message};

/// Path of the server-sent-events stream that live-reload scripts listen to.
pub const LIVE_RELOAD_PATH: &str = "/_comptoir/livereload";

/// Largest HTML response the live-reload script is added to; a larger page is served
/// as it is, without live reload.
const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// The state every store's server shares: the problems of the last build, if it
/// failed, and the channel that signals open pages to reload.
#[derive(Debug)]
pub struct LiveState {
    lang: Lang,
    problems: RwLock<Option<String>>,
    reload: broadcast::Sender<()>,
}

impl LiveState {
    /// Creates a state with no problem, whose banner is in `lang`.
    pub fn new(lang: Lang) -> Arc<LiveState> {
        let (reload, _) = broadcast::channel(16);
        Arc::new(LiveState {
            lang,
            problems: RwLock::new(None),
            reload,
        })
    }

    /// Returns the language of the banner and of the terminal messages.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Sets the problems shown on every page, already rendered in the language; `None`
    /// after a successful build.
    pub fn set_problems(&self, problems: Option<String>) {
        *self
            .problems
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = problems;
    }

    /// Returns the problems of the last build, if it failed.
    pub fn problems(&self) -> Option<String> {
        self.problems
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Tells every open page to reload.
    pub fn reload(&self) {
        // `send` fails only when no page is subscribed, and then there is nothing to do.
        if self.reload.send(()).is_err() {
            tracing::trace!("no page to reload");
        }
    }
}

/// Builds the router of one store: its files from `dir`, with `index.html` for folders
/// and the store's `404.html` for misses, the live-reload stream, and `api` answering
/// every path under `/api/` when given. The API router sees the whole path, as on
/// the Worker, so its routes start with `/api/`.
pub fn store_router(dir: &Path, state: Arc<LiveState>, api: Option<Router>) -> Router {
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(dir.join("404.html")));

    let router = Router::new()
        .route(LIVE_RELOAD_PATH, get(live_reload_events))
        .with_state(Arc::clone(&state));
    let router = match api {
        // axum refuses a Router as a route's service, nesting would strip `/api`, and a
        // wildcard route would add its own path parameter to the API's. So the fallback
        // sends `/api/` paths to the API router as they came, and the rest to the files.
        Some(api) => router.fallback(move |request: axum::extract::Request| {
            let api = api.clone();
            let files = files.clone();
            async move {
                if request.uri().path().starts_with("/api/") {
                    tower::ServiceExt::oneshot(api, request).await.into_response()
                } else {
                    tower::ServiceExt::oneshot(files, request).await.into_response()
                }
            }
        }),
        None => router.fallback_service(files),
    };
    router.layer(middleware::from_fn_with_state(state, add_live_reload))
}

async fn live_reload_events(
    State(state): State<Arc<LiveState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.reload.subscribe();
    let events = futures_util::stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            // A page that missed reloads only needs one.
            Ok(()) | Err(broadcast::error::RecvError::Lagged(_)) => {
                Some((Ok(Event::default().event("reload").data("reload")), receiver))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// Adds the live-reload script, and the problem banner after a failed build, to
/// HTML responses. Conditional request headers are dropped: a cached page would
/// miss a banner that appeared since.
async fn add_live_reload(State(state): State<Arc<LiveState>>, mut request: Request, next: Next) -> Response {
    let headers = request.headers_mut();
    headers.remove(header::IF_MODIFIED_SINCE);
    headers.remove(header::IF_NONE_MATCH);
    headers.remove(header::RANGE);
    // The edge's HTML (the personal-data export) is a download, not a page of the
    // shop: a script added to it would alter the file the visitor keeps.
    let is_api = request.uri().path().starts_with("/api/");

    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let status = response.status();
    if is_api || !is_html || !(status == StatusCode::OK || status == StatusCode::NOT_FOUND) {
        return response;
    }

    let (mut parts, body) = response.into_parts();
    let html = match to_bytes(body, MAX_HTML_BYTES).await {
        Ok(html) => html,
        Err(error) => {
            tracing::warn!(%error, "could not read an HTML response to add live reload");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = inject(&html, state.problems().as_deref(), state.lang);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(page))
}

/// The script added to every served HTML page: reload on each `reload` event.
const LIVE_RELOAD_SCRIPT: &str = concat!(
    "<script>(function(){var events=new EventSource(\"",
    "/_comptoir/livereload",
    "\");events.addEventListener(\"reload\",function(){location.reload();});})();</script>"
);

/// Inserts the live-reload script, and a banner listing `problems` when given,
/// before the last `</body>` of `html`, or at its end when there is none.
pub fn inject(html: &[u8], problems: Option<&str>, lang: Lang) -> Vec<u8> {
    let mut addition = String::from(LIVE_RELOAD_SCRIPT);
    if let Some(problems) = problems {
        addition.push_str(&problem_banner(problems, lang));
    }

    let position = find_last_body_end(html).unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + addition.len());
    page.extend_from_slice(&html[..position]);
    page.extend_from_slice(addition.as_bytes());
    page.extend_from_slice(&html[position..]);
    page
}

fn find_last_body_end(html: &[u8]) -> Option<usize> {
    const TAG: &[u8] = b"</body";
    html.windows(TAG.len())
        .rposition(|window| window.eq_ignore_ascii_case(TAG))
}

/// Renders a banner fixed at the top of the page with the numbered problems.
fn problem_banner(problems: &str, lang: Lang) -> String {
    let title = Message::new("serve-overlay-title").render(lang);
    format!(
        "<div id=\"comptoir-problems\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;\
         max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.5em;\
         background:#fff4f2;color:#5c0f00;border-bottom:3px solid #c0392b;\
         font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap\">\
         <strong>{}</strong>\n{}</div>",
        escape_html(&title),
        escape_html(problems)
    )
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let page = inject(b"<html><body><p>a</p></BODY></html>", None, Lang::En);
        let page = String::from_utf8(page).expect("utf-8");
        assert_eq!(
            page,
            format!("<html><body><p>a</p>{LIVE_RELOAD_SCRIPT}</BODY></html>")
        );
        assert!(LIVE_RELOAD_SCRIPT.contains(LIVE_RELOAD_PATH));
    }

    #[test]
    fn script_is_appended_without_body() {
        let page = inject(b"<p>fragment</p>", None, Lang::En);
        assert!(page.ends_with(LIVE_RELOAD_SCRIPT.as_bytes()));
    }

    #[test]
    fn banner_escapes_problems() {
        let page = inject(b"<body></body>", Some("1. content/a.md:1:1: bad <b>"), Lang::Fr);
        let page = String::from_utf8(page).expect("utf-8");
        assert!(page.contains("1. content/a.md:1:1: bad &lt;b&gt;"), "{page}");
        assert!(page.contains("id=\"comptoir-problems\""));
        assert!(page.contains(&escape_html(
            &Message::new("serve-overlay-title").render(Lang::Fr)
        )));
        assert!(page.ends_with("</div></body>"));
    }
}

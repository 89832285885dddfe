//! Pages of a large store served from R2, with Cloudflare's edge cache in front.
//!
//! Cloudflare limits the number of static asset files per Worker version, so
//! `comptoir deploy --prepare` moves whole folders of a large store's pages to an
//! R2 bucket and keeps them out of the static assets. Requests that match no static
//! asset reach the Worker; for those under one of the moved folders, this module
//! reads the object from R2 and responds as the static assets would: the content
//! type from the extension, an `ETag` with `304 Not Modified` for a matching
//! `If-None-Match`, a `307` to the folder for a page asked without its trailing
//! slash, and the nearest `404.html` of the static assets for a missing page.
//!
//! Configuration, written by `comptoir deploy --prepare`:
//!
//! | name | kind | meaning |
//! |---|---|---|
//! | `PAGES` | R2 bucket | the moved pages |
//! | `COMPTOIR_R2_PREFIX` | variable | key prefix of this build's objects, `<store>/<build id>/` |
//! | `COMPTOIR_R2_FOLDERS` | variable | request path folders read from R2, comma-separated, such as `fr/produits/,en/products/` |
//!
//! Without `COMPTOIR_R2_PREFIX` the module does nothing, and every request goes to
//! the router as before.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Response, StatusCode, header};
use worker::{Bucket, Cache, Context, Env, HttpRequest};

use super::{ASSETS_BINDING, fetch_asset};

/// Binding of the R2 bucket.
pub const PAGES_BINDING: &str = "PAGES";
/// Variable holding the key prefix of this build's objects.
pub const R2_PREFIX_VAR: &str = "COMPTOIR_R2_PREFIX";
/// Variable holding the request path folders read from R2.
pub const R2_FOLDERS_VAR: &str = "COMPTOIR_R2_FOLDERS";

/// Browser caching, as Cloudflare's static assets send it: revalidate on each use,
/// which the `ETag` makes cheap.
const BROWSER_CACHE_CONTROL: &str = "public, max-age=0, must-revalidate";
/// Edge caching. The cache key contains the build id, so an entry never goes
/// stale; the lifetime only bounds how long an unused entry takes space.
const EDGE_CACHE_CONTROL: &str = "public, max-age=86400";

/// Serves a page request from R2, or the 404 page when it matches no page.
/// Returns `None` when the Worker has no R2 pages or the request is for the API
/// or is not a `GET` or `HEAD`: the router handles it.
pub async fn serve(request: &HttpRequest, env: &Env, context: &Context) -> Option<Response<Body>> {
    let key_prefix = env.var(R2_PREFIX_VAR).ok()?.to_string();
    let path = request.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return None;
    }
    let head = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head {
        return None;
    }

    let Some(relative) = decode_path(path) else {
        return Some(not_found(env, "", head).await);
    };
    // A string, not an array: `Env::object_var` of worker 0.8.7 rejects arrays.
    let folders = env
        .var(R2_FOLDERS_VAR)
        .map(|var| var.to_string())
        .unwrap_or_default();
    let as_folder = format!("{relative}/");
    let in_r2 = folders
        .split(',')
        .filter(|folder| !folder.is_empty())
        .any(|folder| relative.starts_with(folder) || as_folder == folder);
    if !in_r2 {
        return Some(not_found(env, &relative, head).await);
    }

    let bucket = match env.bucket(PAGES_BINDING) {
        Ok(bucket) => bucket,
        Err(error) => {
            worker::console_error!("the R2 binding `{PAGES_BINDING}` is missing from wrangler.toml: {error}");
            return Some(status_only(StatusCode::SERVICE_UNAVAILABLE));
        }
    };

    // Static assets redirect `/x/index.html` and `/x` to `/x/`.
    if let Some(folder) = relative.strip_suffix("index.html")
        && (folder.is_empty() || folder.ends_with('/'))
    {
        return Some(redirect(&format!("/{folder}"), request.uri().query()));
    }
    let key = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else if !last_segment(&relative).contains('.') {
        let index = format!("{key_prefix}{relative}/index.html");
        return Some(match bucket.head(index).await {
            Ok(Some(_)) => redirect(&format!("/{relative}/"), request.uri().query()),
            Ok(None) => not_found(env, &relative, head).await,
            Err(error) => read_failed(&relative, &error),
        });
    } else {
        relative.clone()
    };

    let page = Page {
        key: &key,
        object_key: format!("{key_prefix}{key}"),
        cache_key: cache_key(request, &key_prefix, &key),
        if_none_match: request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|value| value.to_str().ok()),
        head,
    };
    Some(serve_page(&page, &bucket, env, context).await)
}

/// One page request, once its object key is known.
struct Page<'a> {
    /// Path in the build, such as `fr/produits/bol/index.html`.
    key: &'a str,
    /// Key of the object in the bucket.
    object_key: String,
    /// URL the edge cache stores the page under.
    cache_key: String,
    /// The request's `If-None-Match`.
    if_none_match: Option<&'a str>,
    /// Whether the request is a `HEAD`.
    head: bool,
}

async fn serve_page(page: &Page<'_>, bucket: &Bucket, env: &Env, context: &Context) -> Response<Body> {
    let cache = Cache::default();
    match cache.get(page.cache_key.as_str(), false).await {
        Ok(Some(mut cached)) => {
            let etag = cached.headers().get("etag").ok().flatten().unwrap_or_default();
            match cached.bytes().await {
                Ok(bytes) => return page_response(page, &etag, bytes),
                Err(error) => {
                    worker::console_error!("reading {} from the edge cache failed: {error}", page.key)
                }
            }
        }
        Ok(None) => {}
        Err(error) => worker::console_error!("looking up {} in the edge cache failed: {error}", page.key),
    }

    let object = match bucket.get(page.object_key.as_str()).execute().await {
        Ok(Some(object)) => object,
        Ok(None) => return not_found(env, page.key, page.head).await,
        Err(error) => return read_failed(page.key, &error),
    };
    let etag = object.http_etag();
    let bytes = match object.body() {
        Some(body) => match body.bytes().await {
            Ok(bytes) => bytes,
            Err(error) => return read_failed(page.key, &error),
        },
        None => Vec::new(),
    };

    match cached_copy(page.key, &etag, bytes.clone()) {
        Ok(copy) => {
            let cache_key = page.cache_key.clone();
            let key = page.key.to_owned();
            context.wait_until(async move {
                if let Err(error) = Cache::default().put(cache_key.as_str(), copy).await {
                    worker::console_error!("storing {key} in the edge cache failed: {error}");
                }
            });
        }
        Err(error) => worker::console_error!("copying {} for the edge cache failed: {error}", page.key),
    }
    page_response(page, &etag, bytes)
}

/// The copy of a page put in the edge cache.
fn cached_copy(key: &str, etag: &str, bytes: Vec<u8>) -> worker::Result<worker::Response> {
    let headers = worker::Headers::new();
    headers.set("content-type", content_type(key))?;
    headers.set("etag", etag)?;
    headers.set("cache-control", EDGE_CACHE_CONTROL)?;
    Ok(worker::Response::from_bytes(bytes)?.with_headers(headers))
}

/// The page, or `304 Not Modified` when the browser's copy is current.
fn page_response(page: &Page<'_>, etag: &str, bytes: Vec<u8>) -> Response<Body> {
    let not_modified = page
        .if_none_match
        .is_some_and(|header| etag_matches(header, etag));
    let (status, body) = if not_modified {
        (StatusCode::NOT_MODIFIED, Vec::new())
    } else if page.head {
        (StatusCode::OK, Vec::new())
    } else {
        (StatusCode::OK, bytes)
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    insert(headers, header::CONTENT_TYPE, content_type(page.key));
    insert(headers, header::CACHE_CONTROL, BROWSER_CACHE_CONTROL);
    if !etag.is_empty() {
        insert(headers, header::ETAG, etag);
    }
    response
}

/// The nearest `404.html` of the static assets, walking up from the request's
/// folder as static assets do, with status 404.
async fn not_found(env: &Env, relative: &str, head: bool) -> Response<Body> {
    let mut response = status_only(StatusCode::NOT_FOUND);
    let Ok(assets) = env.assets(ASSETS_BINDING) else {
        return response;
    };
    let mut folder = relative.rsplit_once('/').map_or("", |(folder, _)| folder);
    loop {
        let candidate = if folder.is_empty() {
            "404.html".to_owned()
        } else {
            format!("{folder}/404.html")
        };
        match fetch_asset(&assets, &candidate).await {
            Ok(Some(page)) => {
                *response.body_mut() = Body::from(if head { Vec::new() } else { page });
                insert(
                    response.headers_mut(),
                    header::CONTENT_TYPE,
                    "text/html; charset=utf-8",
                );
                return response;
            }
            Ok(None) => {}
            Err(problem) => {
                worker::console_error!("{problem}");
                return response;
            }
        }
        if folder.is_empty() {
            return response;
        }
        folder = folder.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
}

fn read_failed(key: &str, error: &worker::Error) -> Response<Body> {
    worker::console_error!("reading {key} from R2 failed: {error}");
    status_only(StatusCode::BAD_GATEWAY)
}

fn redirect(location: &str, query: Option<&str>) -> Response<Body> {
    let location = match query {
        Some(query) => format!("{location}?{query}"),
        None => location.to_owned(),
    };
    let mut response = status_only(StatusCode::TEMPORARY_REDIRECT);
    insert(response.headers_mut(), header::LOCATION, &location);
    response
}

fn status_only(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

fn insert(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = value.parse() {
        headers.insert(name, value);
    }
}

/// Builds the edge cache key: the request's origin and the object key, so each build's
/// pages have their own entries and a deployment never serves a stale page.
fn cache_key(request: &HttpRequest, key_prefix: &str, key: &str) -> String {
    let uri = request.uri();
    let scheme = uri.scheme_str().unwrap_or("https");
    let host = uri
        .authority()
        .map(|authority| authority.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(header::HOST)
                .and_then(|host| host.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "pages.invalid".to_owned());
    format!("{scheme}://{host}/_comptoir-r2/{key_prefix}{key}")
}

fn last_segment(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, last)| last)
}

/// Decodes the request path into a path of the build without its leading `/`.
/// Returns `None` for a path that is not valid UTF-8 once decoded, or that has a
/// `.` or `..` segment, a backslash or a NUL byte.
fn decode_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = path.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    let relative = decoded.trim_start_matches('/');
    let unsafe_segment = relative
        .split('/')
        .any(|segment| segment == "." || segment == "..");
    if unsafe_segment || relative.contains(['\\', '\0']) {
        return None;
    }
    Some(relative.to_owned())
}

/// Returns whether an `If-None-Match` header matches `etag`, with the weak comparison
/// that RFC 9110 prescribes for it.
fn etag_matches(header: &str, etag: &str) -> bool {
    let strip = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let etag = strip(etag);
    !etag.is_empty()
        && header
            .split(',')
            .any(|candidate| candidate.trim() == "*" || strip(candidate) == etag)
}

/// Returns the content type of a page from its extension, as the upload sets it.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

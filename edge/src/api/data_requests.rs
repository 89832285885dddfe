//! Personal-data requests: `POST /api/data-requests` records an export or erasure
//! request and emails a confirmation link, `POST /api/data-requests/confirm`
//! applies it, `GET /api/data-requests/exports/{token}` downloads the export, and
//! the admin routes list the requests, export their log and extend a deadline.
//!
//! A valid request gets `202` with the same body whether or not the shop has data
//! about the address, and the handler does the same work either way (it records
//! the request and sends the email), so the response reveals no customer. Tokens are 32
//! random bytes, sent only by email or in the confirmation's answer; the database
//! keeps their SHA-256.

use std::net::IpAddr;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use commerce::Locale;
use commerce::retention::{self, PrivacySettings};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::checkout::valid_email;
use super::request::{ApiJson, ApiQuery, check_origin};
use crate::catalog::Store;
use crate::clock::{parse_time, random_hex, rfc3339};
use crate::consent::client::{ClientIp, ip_network};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::privacy::erasure::{self, ErasureOutcome};
use crate::privacy::export::{self, ExportFormat, ExportSource, guard_formula};
use crate::privacy::{emails, privacy_settings};
use crate::state::AppState;
use crate::storage::privacy::ThrottleBucket;
use crate::storage::{
    Admission, Confirmation, DataRequest, NewDataRequest, RequestFilter, RequestKind, RequestStatus,
    Throttle, email_key,
};

/// Maximum length of an email address (RFC 5321's limit on a path).
const MAX_EMAIL: usize = 254;
/// Length of a token in hex: 32 random bytes.
const TOKEN_HEX_LENGTH: usize = 64;
/// Maximum page size of the admin listing.
const MAX_LIMIT: u32 = 500;
/// Page size of the admin listing without `limit`.
const DEFAULT_LIMIT: u32 = 100;

/// Body of `POST /api/data-requests`.
#[derive(Debug, Deserialize)]
pub struct RequestBody {
    store: String,
    kind: RequestKind,
    email: String,
    locale: String,
}

/// `POST /api/data-requests`: records the request and emails the confirmation link.
/// `202` with the same body for every valid request, `429` with `Retry-After` when
/// the address or the network asked too often (nothing is recorded then).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    client_ip: Option<axum::Extension<ClientIp>>,
    body: ApiJson<RequestBody>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let input = &body.value;
    let store = known_store(&catalog, &input.store)?;
    check_origin(&headers, store, state.config())?;
    let locale = store_locale(store, &input.locale)?;
    let lang = Lang::of(&locale);
    let email = input.email.trim();
    if email.is_empty() || email.len() > MAX_EMAIL || !valid_email(email) {
        return Err(AppError::invalid("invalid_email").field("email").lang(lang));
    }

    let settings = privacy_settings(&state);
    let now = state.now();
    let token = random_hex(32).map_err(AppError::internal)?;
    let new = NewDataRequest {
        id: random_hex(16).map_err(AppError::internal)?,
        store: store.manifest.store.clone(),
        kind: input.kind,
        email: email.to_owned(),
        email_key: email_key(email),
        locale: locale.as_str().to_owned(),
        token_hash: sha256_hex(&token),
        token_expires_at: now + i64::from(settings.confirmation_hours) * 3600,
        received_at: now,
        deadline_at: retention::request_deadline(&settings, now),
    };
    let throttle = throttle(&state, &new.email_key, client_ip.map(|ip| ip.0.0), now);
    match state
        .storage()
        .create_data_request(new.clone(), throttle.clone())
        .await?
    {
        Admission::Recorded => {}
        Admission::Throttled { key } => {
            let window = throttle
                .buckets
                .iter()
                .find(|bucket| bucket.key == key)
                .map_or(3600, |bucket| bucket.window);
            tracing::info!(kind = new.kind.as_str(), "data request throttled");
            return Ok(too_many_requests(lang, window));
        }
    }
    tracing::info!(request = %new.id, kind = new.kind.as_str(), "data request received");

    let recorded = received_request(&new);
    if let Err(error) = emails::send_confirmation(&state, &recorded, &token).await {
        // NOTE: the confirmation is not queued for a retry. The person gets no
        // email and must ask again, within the rate limits.
        tracing::error!(request = %new.id, %error, "sending the data request confirmation failed");
    }
    let message = i18n::message(
        lang,
        "data-request-received",
        &[("hours", settings.confirmation_hours.into())],
    );
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "status": "received", "message": message })),
    )
        .into_response())
}

/// Builds the rate-limit buckets of a request: the address, and the network of
/// the visitor's IP when the host set it. Keys are SHA-256 hex, never the address.
fn throttle(state: &AppState, email_key: &str, ip: Option<IpAddr>, now: i64) -> Throttle {
    let config = state.config();
    let mut buckets = vec![ThrottleBucket {
        key: sha256_hex(&format!("data-request:email:{email_key}")),
        window: i64::from(config.data_request_email_window_hours) * 3600,
        limit: config.data_request_email_limit,
    }];
    if let Some(ip) = ip {
        buckets.push(ThrottleBucket {
            key: sha256_hex(&format!("data-request:ip:{}", ip_network(ip))),
            window: i64::from(config.data_request_ip_window_hours) * 3600,
            limit: config.data_request_ip_limit,
        });
    }
    Throttle { buckets, now }
}

fn too_many_requests(lang: Lang, retry_after_seconds: i64) -> Response {
    let mut response = AppError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
        .lang(lang)
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Builds the request as just stored, for the confirmation email.
fn received_request(new: &NewDataRequest) -> DataRequest {
    DataRequest {
        id: new.id.clone(),
        store: new.store.clone(),
        kind: new.kind,
        status: RequestStatus::Received,
        locale: new.locale.clone(),
        email: Some(new.email.clone()),
        email_key: Some(new.email_key.clone()),
        received_at: new.received_at,
        deadline_at: new.deadline_at,
        token_expires_at: new.token_expires_at,
        confirmed_at: None,
        fulfilled_at: None,
        deferred_until: None,
        export_expires_at: None,
    }
}

/// Body of `POST /api/data-requests/confirm`.
#[derive(Debug, Deserialize)]
pub struct ConfirmBody {
    token: String,
    store: String,
}

/// `POST /api/data-requests/confirm`: applies a request once. An export returns
/// its download links. An erasure is applied (or deferred while an order is open)
/// and returns its report, which is also emailed. Every refusal is the same
/// `410 invalid_token`, so a used token looks like an unknown one.
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: ApiJson<ConfirmBody>,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let input = &body.value;
    let store = known_store(&catalog, &input.store)?;
    check_origin(&headers, store, state.config())?;
    let token = input.token.trim();
    if !is_token(token) {
        return Err(invalid_token());
    }

    let settings = privacy_settings(&state);
    let now = state.now();
    let download_token = random_hex(32).map_err(AppError::internal)?;
    let export_expires_at = now + i64::from(settings.export_hours) * 3600;
    let confirmation = Confirmation {
        token_hash: sha256_hex(token),
        store: store.manifest.store.clone(),
        export: Some((sha256_hex(&download_token), export_expires_at)),
        now,
    };
    let request = match state.storage().confirm_data_request(confirmation).await? {
        Ok(request) => request,
        Err(_refusal) => return Err(invalid_token()),
    };
    let lang = Locale::parse(&request.locale).map_or(Lang::default(), |locale| Lang::of(&locale));
    tracing::info!(request = %request.id, kind = request.kind.as_str(), "data request confirmed");

    match request.kind {
        RequestKind::Export => {
            state
                .storage()
                .fulfil_data_request(request.id.clone(), Some("download link issued".to_owned()), now)
                .await?;
            Ok(Json(json!({
                "status": "fulfilled",
                "kind": "export",
                "download": download_links(&download_token),
                "expires_at": rfc3339(export_expires_at),
            })))
        }
        RequestKind::Erasure => {
            let email_key = request
                .email_key
                .clone()
                .ok_or_else(|| AppError::internal("a confirmed erasure request has no email key"))?;
            let outcome = erasure::erase(&state, &email_key, &request.id, now)
                .await
                .map_err(|error| AppError::internal(error).lang(lang))?;
            let report = outcome.report();
            if let Err(error) = emails::send_erasure_report(&state, &request, report).await {
                tracing::error!(request = %request.id, %error, "sending the erasure report failed");
            }
            let status = match outcome {
                ErasureOutcome::Fulfilled(_) => "fulfilled",
                ErasureOutcome::Deferred(_) => "deferred",
            };
            Ok(Json(json!({
                "status": status,
                "kind": "erasure",
                "report": report,
            })))
        }
    }
}

/// Builds the download URLs of an export, one per format, relative to the edge.
fn download_links(token: &str) -> Value {
    let mut links = serde_json::Map::new();
    for format in ExportFormat::ALL {
        links.insert(
            format.as_str().to_owned(),
            json!(format!(
                "/api/data-requests/exports/{token}?format={}",
                format.as_str()
            )),
        );
    }
    Value::Object(links)
}

fn invalid_token() -> AppError {
    AppError::new(StatusCode::GONE, "invalid_token").field("token")
}

/// Query of the export download.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

/// `GET /api/data-requests/exports/{token}?format=json|csv|html`: the export as a
/// file, read now. Each format downloads once, until the link expires.
pub async fn download(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let format = match query.format.as_deref().map(str::trim) {
        None | Some("") => ExportFormat::Json,
        Some(text) => ExportFormat::parse(text)
            .ok_or_else(|| AppError::bad_request("invalid_format").field("format"))?,
    };
    if !is_token(&token) {
        return Err(AppError::not_found("export_not_found"));
    }
    let now = state.now();
    let storage = state.storage();
    let request = storage
        .find_export(sha256_hex(&token), now)
        .await?
        .ok_or_else(|| AppError::not_found("export_not_found"))?;
    let lang = Locale::parse(&request.locale).map_or(Lang::default(), |locale| Lang::of(&locale));
    let email_key = request
        .email_key
        .clone()
        .ok_or_else(|| AppError::not_found("export_not_found").lang(lang))?;

    // Read before claiming, so a failed read leaves the download available.
    let data = storage.personal_data(email_key).await?;
    if !storage
        .claim_export_download(request.id.clone(), format.as_str().to_owned(), now)
        .await?
    {
        return Err(AppError::new(StatusCode::GONE, "export_already_downloaded").lang(lang));
    }
    let catalog = state.catalog();
    let source = ExportSource {
        request: &request,
        data: &data,
        catalog: &catalog,
        now,
    };
    let bytes = export::render(&source, format);
    tracing::info!(request = %request.id, format = format.as_str(), "export downloaded");

    let disposition = format!(
        "attachment; filename=\"{}\"",
        export::file_name(&request, format, now)
    );
    let mut response = Response::new(Body::from(bytes));
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response_headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The HTML page has inline styles only: it may run nothing and load nothing.
    response_headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    Ok(response)
}

/// Query of the admin listing.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    open: Option<String>,
    status: Option<String>,
    limit: Option<String>,
}

/// `GET /api/admin/data-requests?open=true&status=…&limit=…`: requests, soonest
/// deadline first, each with `urgent` when it is open and due within
/// `privacy.urgent_days`.
pub async fn admin_list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let open_only = match query.open.as_deref().map(str::trim) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(AppError::bad_request("invalid_query")
                .arg("field", "open")
                .field("open"));
        }
    };
    let status = query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|status| !status.is_empty())
        .map(parse_status)
        .transpose()?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                AppError::invalid("invalid_limit")
                    .arg("max", MAX_LIMIT)
                    .field("limit")
            })?,
    };
    let filter = RequestFilter {
        open_only,
        status,
        limit,
    };
    let requests = state.storage().list_data_requests(filter).await?;
    let settings = privacy_settings(&state);
    let now = state.now();
    let views: Vec<Value> = requests
        .iter()
        .map(|request| admin_view(request, &settings, now))
        .collect();
    Ok(Json(json!({ "data_requests": views })))
}

fn parse_status(text: &str) -> Result<RequestStatus, AppError> {
    const ALL: [RequestStatus; 5] = [
        RequestStatus::Received,
        RequestStatus::Confirmed,
        RequestStatus::Deferred,
        RequestStatus::Fulfilled,
        RequestStatus::Expired,
    ];
    ALL.into_iter()
        .find(|status| status.as_str() == text)
        .ok_or_else(|| {
            let known: Vec<&str> = ALL.iter().map(|status| status.as_str()).collect();
            AppError::bad_request("invalid_request_status")
                .arg("status", text.to_owned())
                .arg("known", known.join(", "))
                .field("status")
        })
}

/// Builds the merchant's view of a request. It has no email, which the request
/// row contains only while the shop needs it to answer.
fn admin_view(request: &DataRequest, settings: &PrivacySettings, now: i64) -> Value {
    let open = request.status.is_open();
    let urgent = open && retention::is_urgent(settings, request.deadline_at, now);
    json!({
        "id": request.id,
        "store": request.store,
        "kind": request.kind.as_str(),
        "status": request.status.as_str(),
        "locale": request.locale,
        "received_at": rfc3339(request.received_at),
        "deadline_at": rfc3339(request.deadline_at),
        "days_left": (request.deadline_at - now).div_euclid(retention::DAY),
        "urgent": urgent,
        "overdue": open && request.deadline_at <= now,
        "confirmed_at": request.confirmed_at.map(rfc3339),
        "fulfilled_at": request.fulfilled_at.map(rfc3339),
        "deferred_until": request.deferred_until.map(rfc3339),
        "export_expires_at": request.export_expires_at.map(rfc3339),
        "max_deadline_at": rfc3339(retention::extended_deadline(settings, request.received_at)),
    })
}

/// Query of the log export.
#[derive(Debug, Deserialize)]
pub struct LogQuery {
    since: Option<String>,
    format: Option<String>,
}

/// `GET /api/admin/data-requests/log?since=…&format=json|csv`: the append-only
/// request log, oldest first. It contains no email address.
pub async fn admin_log(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<Response, AppError> {
    let csv = match query.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::bad_request("invalid_format").field("format")),
    };
    let since = query
        .since
        .as_deref()
        .map(|text| parse_time(text.trim()).ok_or_else(|| AppError::invalid("invalid_since").field("since")))
        .transpose()?;
    let entries = state.storage().data_request_log(since).await?;
    if !csv {
        let entries: Vec<Value> = entries
            .iter()
            .map(|entry| {
                json!({
                    "sequence": entry.sequence,
                    "request_id": entry.request_id,
                    "store": entry.store,
                    "kind": entry.kind.as_str(),
                    "event": entry.event,
                    "at": rfc3339(entry.at),
                    "deadline_at": rfc3339(entry.deadline_at),
                    "detail": entry.detail,
                })
            })
            .collect();
        return Ok(Json(json!({ "entries": entries })).into_response());
    }

    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header_row = [
        "sequence",
        "request_id",
        "store",
        "kind",
        "event",
        "at",
        "deadline_at",
        "detail",
    ];
    writer.write_record(header_row).map_err(AppError::internal)?;
    for entry in &entries {
        let row = [
            entry.sequence.to_string(),
            entry.request_id.clone(),
            entry.store.clone(),
            entry.kind.as_str().to_owned(),
            entry.event.clone(),
            rfc3339(entry.at),
            rfc3339(entry.deadline_at),
            entry.detail.clone().unwrap_or_default(),
        ];
        writer
            .write_record(row.iter().map(|cell| guard_formula(cell)))
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    let mut response = Response::new(Body::from(bytes));
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"data-request-log.csv\""),
    );
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Body of `POST /api/admin/data-requests/{id}/extend`.
#[derive(Debug, Deserialize)]
pub struct ExtendBody {
    months: Value,
}

/// `POST /api/admin/data-requests/{id}/extend` `{months}`: pushes the deadline to
/// `months` months after the original one, at most `privacy.extension_months`
/// in total, and notifies the person by email, as the law requires for an extension.
pub async fn admin_extend(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: ApiJson<ExtendBody>,
) -> Result<Json<Value>, AppError> {
    let settings = privacy_settings(&state);
    let months = body
        .value
        .months
        .as_u64()
        .and_then(|months| u32::try_from(months).ok())
        .filter(|months| (1..=settings.extension_months).contains(months))
        .ok_or_else(|| {
            AppError::invalid("invalid_extension")
                .arg("max", settings.extension_months)
                .field("months")
        })?;
    let storage = state.storage();
    let request = storage
        .find_data_request(id.clone())
        .await?
        .ok_or_else(|| AppError::not_found("data_request_not_found"))?;
    if !request.status.is_open() {
        return Err(AppError::conflict("data_request_closed"));
    }
    let deadline_at = retention::add_months(request.received_at, settings.response_months + months);
    let now = state.now();
    if deadline_at > request.deadline_at && !storage.extend_data_request(id.clone(), deadline_at, now).await?
    {
        return Err(AppError::conflict("data_request_closed"));
    }
    let mut extended = request.clone();
    extended.deadline_at = deadline_at.max(request.deadline_at);
    if let Err(error) = emails::send_extension_notice(&state, &extended).await {
        tracing::error!(request = %id, %error, "sending the extension notice failed");
    }
    Ok(Json(admin_view(&extended, &settings, now)))
}

/// Looks up the store with this id, else rejects with `unknown_store` (422).
fn known_store<'a>(catalog: &'a crate::catalog::Catalog, id: &str) -> Result<&'a Store, AppError> {
    catalog.store(id).map(|store| store.as_ref()).ok_or_else(|| {
        AppError::invalid("unknown_store")
            .arg("store", id.to_owned())
            .field("store")
    })
}

/// Parses a locale of the store, else rejects with `unsupported_locale` (422).
fn store_locale(store: &Store, tag: &str) -> Result<Locale, AppError> {
    let locales = &store.manifest.locales;
    Locale::parse(tag)
        .ok()
        .filter(|locale| locales.contains(locale))
        .ok_or_else(|| {
            let accepted: Vec<&str> = locales.iter().map(Locale::as_str).collect();
            AppError::invalid("unsupported_locale")
                .arg("locale", tag.to_owned())
                .arg("accepted", accepted.join(", "))
                .field("locale")
        })
}

/// Checks that `token` has the shape of a token: 64 lowercase hex digits.
fn is_token(token: &str) -> bool {
    token.len() == TOKEN_HEX_LENGTH
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

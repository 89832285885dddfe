//! Reading requests: JSON bodies with field paths in errors, quantities, the
//! `Origin` and admin-token guards, and idempotency keys.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use commerce::cart::MAX_LINE_QUANTITY;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::catalog::Store;
use crate::clock::secrets_equal;
use crate::error::AppError;
use crate::state::{AppState, EdgeConfig};
use crate::storage::IdempotencyClaim;

/// A JSON body, parsed into `T`, with its raw bytes for idempotency hashing.
/// Unknown fields are ignored, so a `price` sent by a client changes nothing.
#[derive(Debug)]
pub struct ApiJson<T> {
    /// The parsed body.
    pub value: T,
    /// The body as received.
    pub raw: Bytes,
}

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let raw = read_body(request, state).await?;
        let value = parse_json(&raw)?;
        Ok(ApiJson { value, raw })
    }
}

/// A query string, parsed into `T`. Every rejection is a JSON `invalid_query` (400)
/// naming the parameter, where axum's `Query` responds in plain text.
///
/// `T`'s fields must be strings (or options of strings), because a query string has
/// no types: handlers parse numbers and dates themselves and name the parameter in
/// their own error. A parameter given twice is rejected rather than silently
/// resolved, and unknown parameters are ignored.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Parses a raw query string (without the `?`); see [`ApiQuery`].
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let mut parameters = serde_json::Map::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if parameters.contains_key(name.as_ref()) {
            return Err(invalid_query(&name));
        }
        parameters.insert(name.into_owned(), Value::String(value.into_owned()));
    }
    let parsed: Result<T, _> = serde_path_to_error::deserialize(Value::Object(parameters));
    parsed.map_err(|error| {
        let path = error.path().to_string();
        match missing_field(&error.inner().to_string()) {
            Some(name) => invalid_query(&join_path(&path, name)),
            None => invalid_query(if path == "." { "query" } else { &path }),
        }
    })
}

fn invalid_query(field: &str) -> AppError {
    AppError::bad_request("invalid_query")
        .arg("field", field.to_owned())
        .field(field.to_owned())
}

/// Reads a body within the configured size limit.
pub async fn read_body(request: Request, state: &AppState) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                .arg("limit_kib", state.config().body_limit_bytes / 1024)
        } else {
            AppError::bad_request("invalid_json")
                .arg("line", 0_i64)
                .arg("column", 0_i64)
        }
    })
}

/// Parses a JSON body. A syntax error is `invalid_json` (400) with its line and
/// column; a value of the wrong type is `invalid_field` (422) and a missing one
/// `missing_field` (422), both naming the field's path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = parsed.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                match missing_field(&message) {
                    Some(name) => {
                        let field = join_path(&path, name);
                        AppError::invalid("missing_field")
                            .arg("field", field.clone())
                            .field(field)
                    }
                    None => {
                        let field = if path == "." { "body".to_owned() } else { path };
                        AppError::invalid("invalid_field")
                            .arg("field", field.clone())
                            .field(field)
                    }
                }
            }
            _ => invalid_json(inner),
        }
    })?;
    deserializer.end().map_err(|error| invalid_json(&error))?;
    Ok(value)
}

fn invalid_json(error: &serde_json::Error) -> AppError {
    AppError::bad_request("invalid_json")
        .arg("line", error.line())
        .arg("column", error.column())
}

/// The field name of serde's "missing field `name`" message.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn join_path(parent: &str, name: &str) -> String {
    if parent == "." || parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// Reads a quantity: a whole number from `min` to [`MAX_LINE_QUANTITY`]. Negative,
/// fractional, huge, textual or missing values are `invalid_quantity`.
pub fn quantity(value: &Value, field: &str, min: u32) -> Result<u32, AppError> {
    value
        .as_u64()
        .and_then(|number| u32::try_from(number).ok())
        .filter(|number| (min..=MAX_LINE_QUANTITY).contains(number))
        .ok_or_else(|| {
            AppError::invalid("invalid_quantity")
                .arg("min", min)
                .arg("max", MAX_LINE_QUANTITY)
                .field(field)
        })
}

/// Longest sku accepted in a request.
pub const MAX_SKU_LENGTH: usize = 100;

/// Checks a sku's shape before looking it up.
pub fn sku(value: &str, field: &str) -> Result<String, AppError> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.len() > MAX_SKU_LENGTH {
        return Err(AppError::invalid("invalid_sku").field(field));
    }
    Ok(trimmed.to_owned())
}

/// Accepts a browser write only from one of the store's origins. Every browser
/// sends `Origin` on POST, PUT, PATCH and DELETE, so a write without it is refused
/// too: other sites cannot drive a visitor's cart, and scripts outside a browser
/// must say which store page they act for.
pub fn check_origin(headers: &HeaderMap, store: &Store, config: &EdgeConfig) -> Result<(), AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Err(AppError::forbidden("origin_missing"));
    };
    match origin.to_str() {
        Ok(origin) if store.allows_origin(origin) => Ok(()),
        Ok(origin) if config.allow_loopback_origins && is_loopback_origin(origin) => Ok(()),
        _ => Err(AppError::forbidden("origin_not_allowed")),
    }
}

/// Whether `origin` is `http://127.0.0.1[:port]` or `http://localhost[:port]`.
fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return false,
        None => rest,
    };
    host == "127.0.0.1" || host == "localhost"
}

/// Middleware of the admin routes: a valid bearer token, compared in constant
/// time, and, when the request comes from a browser (it has an `Origin`), one of
/// the stores' origins. Server-to-server calls send no `Origin`.
pub async fn require_admin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(expected) = state.config().admin_token.as_deref() else {
        return AppError::forbidden("admin_disabled").into_response();
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_token);
    let authorized = given.is_some_and(|token| secrets_equal(token.as_bytes(), expected.as_bytes()));
    if !authorized {
        return AppError::new(StatusCode::UNAUTHORIZED, "admin_unauthorized").into_response();
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let allowed = origin.to_str().is_ok_and(|origin| {
            state.catalog().allows_origin(origin)
                || (state.config().allow_loopback_origins && is_loopback_origin(origin))
        });
        if !allowed {
            return AppError::forbidden("origin_not_allowed").into_response();
        }
    }
    next.run(request).await
}

/// The token of an `Authorization: Bearer <token>` value. The scheme name is
/// case-insensitive (RFC 7235, section 2.1), so `bearer` and `BEARER` work too.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("Bearer").then(|| token.trim())
}

/// Longest `Idempotency-Key` accepted.
const MAX_IDEMPOTENCY_KEY_LENGTH: usize = 200;

/// Reads the `Idempotency-Key` header into a claim on `scope`, with the hash of the
/// body it guards.
pub fn idempotency_claim(
    headers: &HeaderMap,
    scope: &'static str,
    body: &[u8],
) -> Result<Option<IdempotencyClaim>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|key| !key.is_empty() && key.len() <= MAX_IDEMPOTENCY_KEY_LENGTH)
        .filter(|key| key.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| AppError::bad_request("invalid_idempotency_key").field("Idempotency-Key"))?;
    Ok(Some(IdempotencyClaim {
        scope,
        key: key.to_owned(),
        request_hash: hex::encode(Sha256::digest(body)),
    }))
}

/// The error for a key reused with another body.
pub fn idempotency_key_reused() -> AppError {
    AppError::invalid("idempotency_key_reused").field("Idempotency-Key")
}

#[cfg(test)]
mod loopback_tests {
    use super::is_loopback_origin;

    #[test]
    fn loopback_origins() {
        assert!(is_loopback_origin("http://127.0.0.1:8080"));
        assert!(is_loopback_origin("http://localhost"));
        assert!(!is_loopback_origin("https://127.0.0.1:8080"));
        assert!(!is_loopback_origin("http://127.0.0.1.evil.example:80"));
        assert!(!is_loopback_origin("http://localhost:80x"));
        assert!(!is_loopback_origin("http://evil.example"));
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Address {
        country: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        address: Address,
    }

    #[test]
    fn json_errors_name_the_field() {
        let error = parse_json::<Body>(br#"{"name": "A", "address": {"country": 3}}"#).expect_err("type");
        assert_eq!(error.code(), "invalid_field");
        assert_eq!(
            error.body(crate::i18n::Lang::En)["error"]["field"],
            "address.country"
        );

        let error = parse_json::<Body>(br#"{"name": "A", "address": {}}"#).expect_err("missing");
        assert_eq!(error.code(), "missing_field");
        assert_eq!(
            error.body(crate::i18n::Lang::En)["error"]["field"],
            "address.country"
        );

        let error = parse_json::<Body>(br#"{"name": "A""#).expect_err("syntax");
        assert_eq!(error.code(), "invalid_json");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);

        let error =
            parse_json::<Body>(br#"{"name": "A", "address": {"country": "FR"}} x"#).expect_err("trailing");
        assert_eq!(error.code(), "invalid_json");
    }

    #[test]
    fn quantities_are_bounded_integers() {
        assert_eq!(quantity(&json!(3), "quantity", 1).ok(), Some(3));
        assert_eq!(quantity(&json!(0), "quantity", 0).ok(), Some(0));
        for bad in [
            json!(0),
            json!(-1),
            json!(1.5),
            json!(10_000),
            json!(4_294_967_296_i64),
            json!("2"),
            json!(null),
        ] {
            let error = quantity(&bad, "quantity", 1).expect_err("invalid");
            assert_eq!(error.code(), "invalid_quantity", "{bad}");
        }
    }
}

//! The one error type of the API and its mapping to a status code and the JSON body
//! `{"error": {"code", "message", "field"?, "details"?}}`.
//!
//! `code` is a stable snake_case identifier that scripts branch on. The message is
//! the Fluent message `error-<code>` (underscores written as hyphens) in the
//! request's language. A 5xx carries no internal detail: its cause is logged once,
//! inside the request's span, when the response is built.

use std::fmt;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::i18n::{self, Arg, Lang};
use crate::state::AppState;

/// An API error: what went wrong, for a person and for a script.
#[derive(Debug, Clone)]
pub struct AppError {
    status: StatusCode,
    code: &'static str,
    args: Vec<(&'static str, Arg)>,
    field: Option<String>,
    details: Vec<AppError>,
    lang: Option<Lang>,
    cause: Option<String>,
}

impl AppError {
    /// An error with a status and a code; its message is `error-<code>`.
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        AppError {
            status,
            code,
            args: Vec::new(),
            field: None,
            details: Vec::new(),
            lang: None,
            cause: None,
        }
    }

    /// 400: the request cannot be read.
    pub fn bad_request(code: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }

    /// 422: the request is readable but a value is invalid.
    pub fn invalid(code: &'static str) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code)
    }

    /// 404: the resource does not exist.
    pub fn not_found(code: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }

    /// 409: the request conflicts with the resource's state.
    pub fn conflict(code: &'static str) -> Self {
        Self::new(StatusCode::CONFLICT, code)
    }

    /// 403: the caller may not do this.
    pub fn forbidden(code: &'static str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code)
    }

    /// 500 with a cause that is logged, never sent.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut error = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error");
        error.cause = Some(cause.to_string());
        error
    }

    /// Several input problems in one response: the first one alone, or
    /// `validation_failed` listing them all in `details`.
    pub fn validation(mut problems: Vec<AppError>) -> Self {
        if problems.len() == 1 {
            return problems.remove(0);
        }
        let mut error = Self::invalid("validation_failed");
        error.field = problems.first().and_then(|problem| problem.field.clone());
        error.details = problems;
        error
    }

    /// Adds a message argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// Names the input at fault, as a path such as `lines[0].quantity`.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets the language of the message, when the cart or request gives it.
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let id = format!("error-{}", self.code.replace('_', "-"));
        i18n::message(lang, &id, &self.args)
    }

    fn entry(&self, lang: Lang) -> Value {
        let mut entry = json!({ "code": self.code, "message": self.message(lang) });
        if let Some(field) = &self.field {
            entry["field"] = json!(field);
        }
        if !self.details.is_empty() {
            let details: Vec<Value> = self.details.iter().map(|detail| detail.entry(lang)).collect();
            entry["details"] = json!(details);
        }
        entry
    }

    /// The JSON body in `lang`.
    pub fn body(&self, lang: Lang) -> Value {
        json!({ "error": self.entry(lang) })
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code, self.status)
    }
}

/// An error response whose language the handler did not know, to be rendered again
/// by [`localize_errors`] in the request's language.
#[derive(Debug, Clone)]
struct Unlocalized(Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            // The span of the request carries the method and route; the cause is
            // logged here once and never sent.
            tracing::error!(error = %cause, code = self.code, "request failed");
        }
        let status = self.status;
        let mut response = (status, Json(self.body(self.lang.unwrap_or_default()))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.lang.is_none() {
            let mut stripped = self;
            stripped.cause = None;
            response.extensions_mut().insert(Unlocalized(Arc::new(stripped)));
        }
        response
    }
}

/// Middleware that writes errors in the request's language when the handler did not
/// know it: `Accept-Language`, else the first store's default locale.
pub async fn localize_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let header_lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Lang::from_accept_language);
    let mut response = next.run(request).await;
    let Some(Unlocalized(error)) = response.extensions_mut().remove::<Unlocalized>() else {
        return response;
    };
    let lang =
        header_lang.unwrap_or_else(|| state.catalog().default_locale().map(Lang::of).unwrap_or_default());
    if lang == Lang::default() {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let body = serde_json::to_vec(&error.body(lang)).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The API's fallback for unknown paths.
pub async fn route_not_found() -> AppError {
    AppError::not_found("route_not_found")
}

/// The API's fallback for a known path with the wrong method.
pub async fn method_not_allowed() -> AppError {
    AppError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
}

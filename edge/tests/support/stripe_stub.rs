//! A local stand-in for Stripe's Checkout Sessions API, on 127.0.0.1, for tests.
//!
//! `POST /v1/checkout/sessions` checks the bearer key, the form encoding and the
//! fields Comptoir's integration must send, and responds with a Stripe-shaped Checkout
//! Session, or with Stripe's error JSON (`{"error": {"type", "code", "message",
//! "param"}}`) and a 4xx. It replays the first response for a repeated
//! `Idempotency-Key` with the same body and rejects one reused with another body, as
//! Stripe does. Every request is recorded. The stub is stricter than Stripe: it
//! requires `customer_email`, `cancel_url`, `locale` and the order references, which
//! Stripe accepts without.
//!
//! [`StripeStub::completed_webhook`] builds a `checkout.session.completed` event for a
//! session it created, signed with its own HMAC code rather than the edge's.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// Fields every Checkout Session request from the edge must carry.
pub const REQUIRED_FIELDS: &[&str] = &[
    "mode",
    "line_items[0][price_data][currency]",
    "line_items[0][price_data][unit_amount]",
    "line_items[0][price_data][product_data][name]",
    "line_items[0][quantity]",
    "customer_email",
    "client_reference_id",
    "metadata[order_id]",
    "success_url",
    "cancel_url",
    "locale",
];

/// One request as the stub received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Headers, names in lowercase.
    pub headers: HashMap<String, String>,
    /// Form fields in the order sent.
    pub form: Vec<(String, String)>,
}

impl RecordedRequest {
    /// Returns a form field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns a header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// A session the stub created.
#[derive(Debug, Clone)]
pub struct StubSession {
    /// `cs_test_<n>`.
    pub id: String,
    /// The form the session was created from.
    pub form: Vec<(String, String)>,
}

#[derive(Default)]
struct StubState {
    secret_key: String,
    requests: Vec<RecordedRequest>,
    sessions: Vec<StubSession>,
    /// Idempotency key → (body, status, response).
    idempotency: HashMap<String, (Bytes, StatusCode, Value)>,
    /// A response to give to the next request instead of a session.
    fail_next: Option<(StatusCode, String)>,
}

/// A running stub.
pub struct StripeStub {
    /// `http://127.0.0.1:<port>`: the API base URL to configure.
    pub base_url: String,
    state: Arc<Mutex<StubState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for StripeStub {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl StripeStub {
    /// Starts the stub on a free port of 127.0.0.1, accepting `secret_key`.
    pub async fn start(secret_key: &str) -> Self {
        let state = Arc::new(Mutex::new(StubState {
            secret_key: secret_key.to_owned(),
            ..StubState::default()
        }));
        let router = Router::new()
            .route("/v1/checkout/sessions", post(create_session))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the stub");
        let address = listener.local_addr().expect("stub address");
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("stub server");
        });
        StripeStub {
            base_url: format!("http://{address}"),
            state,
            server,
        }
    }

    fn state(&self) -> MutexGuard<'_, StubState> {
        self.state.lock().expect("stub state")
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// Sessions created so far.
    pub fn sessions(&self) -> Vec<StubSession> {
        self.state().sessions.clone()
    }

    /// Makes the next request get `status` and `body` (any text, JSON or not).
    pub fn fail_next(&self, status: u16, body: &str) {
        self.state().fail_next = Some((StatusCode::from_u16(status).expect("status"), body.to_owned()));
    }

    /// Builds the body and `Stripe-Signature` header of a `checkout.session.completed` event
    /// for session `session_id`, paid, signed with `webhook_secret` at `timestamp`.
    pub fn completed_webhook(
        &self,
        session_id: &str,
        webhook_secret: &str,
        timestamp: i64,
    ) -> (String, String) {
        let session = self
            .sessions()
            .into_iter()
            .find(|session| session.id == session_id)
            .expect("a session the stub created");
        let field = |name: &str| {
            session
                .form
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value.clone())
        };
        let amount: i64 = field("line_items[0][price_data][unit_amount]")
            .and_then(|value| value.parse().ok())
            .unwrap_or_default();
        let body = json!({
            "id": format!("evt_test_{}", session.id.trim_start_matches("cs_test_")),
            "object": "event",
            "api_version": "2024-06-20",
            "created": timestamp,
            "livemode": false,
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": session.id,
                    "object": "checkout.session",
                    "mode": "payment",
                    "status": "complete",
                    "payment_status": "paid",
                    "amount_total": amount,
                    "currency": field("line_items[0][price_data][currency]"),
                    "customer_email": field("customer_email"),
                    "client_reference_id": field("client_reference_id"),
                    "metadata": { "order_id": field("metadata[order_id]") },
                    "payment_intent": format!("pi_test_{}", session.id.trim_start_matches("cs_test_")),
                }
            }
        })
        .to_string();
        let header = signature_header(&body, webhook_secret, timestamp);
        (body, header)
    }
}

/// `t=<timestamp>,v1=<hex HMAC-SHA256 of "{timestamp}.{body}">`, as Stripe signs.
pub fn signature_header(body: &str, secret: &str, timestamp: i64) -> String {
    format!("t={timestamp},v1={}", signature(body, secret, timestamp))
}

/// Computes the hex `v1` digest of `body` at `timestamp` under `secret`.
pub fn signature(body: &str, secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn stripe_error(
    status: StatusCode,
    kind: &str,
    code: Option<&str>,
    message: &str,
    param: Option<&str>,
) -> (StatusCode, Value) {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    (status, json!({ "error": error }))
}

async fn create_session(
    State(state): State<Arc<Mutex<StubState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().expect("stub state");
    let recorded = RecordedRequest {
        headers: headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or("").to_owned()))
            .collect(),
        form: form_urlencoded::parse(&body).into_owned().collect(),
    };
    state.requests.push(recorded.clone());

    if let Some((status, body)) = state.fail_next.take() {
        return (status, body).into_response();
    }

    let (status, response) = respond(&mut state, &recorded, &body);
    (status, axum::Json(response)).into_response()
}

fn respond(state: &mut StubState, request: &RecordedRequest, body: &Bytes) -> (StatusCode, Value) {
    let expected = format!("Bearer {}", state.secret_key);
    match request.header("authorization") {
        None => {
            return stripe_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                None,
                "You did not provide an API key.",
                None,
            );
        }
        Some(given) if given != expected => {
            let key = given.trim_start_matches("Bearer ");
            let tail: String = key
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            return stripe_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                None,
                &format!("Invalid API Key provided: sk_test_****{tail}"),
                None,
            );
        }
        Some(_) => {}
    }
    if request.header("content-type") != Some("application/x-www-form-urlencoded") {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            None,
            "Invalid request: the body must be form-encoded.",
            None,
        );
    }

    let key = request.header("idempotency-key").map(str::to_owned);
    if let Some(key) = &key
        && let Some((first_body, status, response)) = state.idempotency.get(key)
    {
        if first_body == body {
            return (*status, response.clone());
        }
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "idempotency_error",
            None,
            &format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
            ),
            None,
        );
    }

    let (status, response) = validate_and_create(state, request);
    if let Some(key) = key {
        state
            .idempotency
            .insert(key, (body.clone(), status, response.clone()));
    }
    (status, response)
}

fn validate_and_create(state: &mut StubState, request: &RecordedRequest) -> (StatusCode, Value) {
    for field in REQUIRED_FIELDS {
        if request.field(field).is_none_or(str::is_empty) {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                Some("parameter_missing"),
                &format!("Missing required param: {field}."),
                Some(field),
            );
        }
    }
    if request.field("mode") != Some("payment") {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_invalid_string"),
            "Invalid mode: must be one of payment, setup or subscription.",
            Some("mode"),
        );
    }
    let amount = request
        .field("line_items[0][price_data][unit_amount]")
        .and_then(|value| value.parse::<i64>().ok())
        .filter(|amount| *amount > 0);
    let Some(amount) = amount else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_invalid_integer"),
            "Invalid integer: unit_amount must be a positive integer.",
            Some("line_items[0][price_data][unit_amount]"),
        );
    };

    let id = format!("cs_test_{}", state.sessions.len() + 1);
    state.sessions.push(StubSession {
        id: id.clone(),
        form: request.form.clone(),
    });
    let session = json!({
        "id": id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": amount,
        "currency": request.field("line_items[0][price_data][currency]"),
        "customer_email": request.field("customer_email"),
        "client_reference_id": request.field("client_reference_id"),
        "metadata": { "order_id": request.field("metadata[order_id]") },
        "locale": request.field("locale"),
        "success_url": request.field("success_url"),
        "cancel_url": request.field("cancel_url"),
        "url": format!("https://checkout.stripe.com/c/pay/{id}"),
    });
    (StatusCode::OK, session)
}

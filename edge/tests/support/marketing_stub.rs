//! A local stand-in for the contact APIs of Brevo, Mailjet and Mailchimp, on
//! 127.0.0.1, for tests.
//!
//! It checks each provider's authentication (Brevo's `api-key` header, Mailjet's
//! basic auth with the API and secret keys, Mailchimp's basic auth with the API key
//! as password) and the body of every call the edge makes. It returns what the
//! provider documents (201, 204, 404 for an unknown contact, 401 with an error
//! JSON) and records every request. `fail_next` makes the next requests fail with a status.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest, Md5};
use serde_json::{Value, json};

pub const BREVO_KEY: &str = "xkeysib-test-0123";
pub const MAILJET_KEY: &str = "mj-public-0123";
pub const MAILJET_SECRET: &str = "mj-secret-4567";
pub const MAILCHIMP_KEY: &str = "0123456789abcdef-us21";
pub const MAILJET_CONTACT_ID: u64 = 4242;

/// One request as the stub received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

#[derive(Default)]
struct StubState {
    requests: Vec<Recorded>,
    /// Emails the stub has as contacts.
    contacts: BTreeSet<String>,
    failures: Vec<u16>,
}

/// The running stub.
pub struct MarketingStub {
    pub base_url: String,
    state: Arc<Mutex<StubState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for MarketingStub {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl MarketingStub {
    /// Starts the stub on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(StubState::default()));
        let router = Router::new().fallback(handle).with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the stub");
        let address = listener.local_addr().expect("stub address");
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("stub server");
        });
        MarketingStub {
            base_url: format!("http://{address}"),
            state,
            server,
        }
    }

    fn state(&self) -> MutexGuard<'_, StubState> {
        self.state.lock().expect("stub state")
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// Makes the next `count` requests fail with `status`.
    pub fn fail_next(&self, count: usize, status: u16) {
        self.state().failures.extend(std::iter::repeat_n(status, count));
    }

    /// Adds a contact the provider already has.
    pub fn know(&self, email: &str) {
        self.state().contacts.insert(email.to_owned());
    }
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", BASE64.encode(format!("{user}:{password}")))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn error(status: StatusCode, code: &str) -> Response {
    (
        status,
        axum::Json(json!({"code": code, "message": "rejected by the stub"})),
    )
        .into_response()
}

async fn handle(
    State(state): State<Arc<Mutex<StubState>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_owned();
    let mut state = state.lock().expect("stub state");
    state.requests.push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        headers: headers.clone(),
        body: body.clone(),
    });
    if !state.failures.is_empty() {
        let status = state.failures.remove(0);
        return error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "stub_failure",
        );
    }

    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        // Brevo.
        (_, ["v3", "contacts", ..]) if header(&headers, "api-key") != Some(BREVO_KEY) => {
            error(StatusCode::UNAUTHORIZED, "unauthorized")
        }
        ("POST", ["v3", "contacts"]) => {
            let valid = body["email"].is_string()
                && body["listIds"]
                    .as_array()
                    .is_some_and(|ids| ids.iter().all(Value::is_u64))
                && body["updateEnabled"] == true;
            if !valid {
                return error(StatusCode::BAD_REQUEST, "invalid_parameter");
            }
            state
                .contacts
                .insert(body["email"].as_str().unwrap_or_default().to_owned());
            (StatusCode::CREATED, axum::Json(json!({"id": 1}))).into_response()
        }
        ("POST", ["v3", "contacts", "lists", _, "contacts", "remove"]) => {
            if !body["emails"]
                .as_array()
                .is_some_and(|emails| emails.iter().all(Value::is_string))
            {
                return error(StatusCode::BAD_REQUEST, "invalid_parameter");
            }
            (
                StatusCode::CREATED,
                axum::Json(json!({"contacts": {"success": body["emails"]}})),
            )
                .into_response()
        }
        ("DELETE", ["v3", "contacts", email]) => {
            let email = email.replace("%40", "@");
            if state.contacts.remove(&email) {
                StatusCode::NO_CONTENT.into_response()
            } else {
                error(StatusCode::NOT_FOUND, "document_not_found")
            }
        }

        // Mailjet.
        (_, ["v3", "REST", ..] | ["v4", ..])
            if header(&headers, "authorization") != Some(basic(MAILJET_KEY, MAILJET_SECRET).as_str()) =>
        {
            error(StatusCode::UNAUTHORIZED, "unauthorized")
        }
        ("POST", ["v3", "REST", "contactslist", _, "managecontact"]) => {
            let action = body["Action"].as_str().unwrap_or_default();
            if !body["Email"].is_string() || !["addforce", "addnoforce", "unsub", "remove"].contains(&action)
            {
                return error(StatusCode::BAD_REQUEST, "mj-0003");
            }
            state
                .contacts
                .insert(body["Email"].as_str().unwrap_or_default().to_owned());
            (
                StatusCode::CREATED,
                axum::Json(json!({"Count": 1, "Data": [body]})),
            )
                .into_response()
        }
        ("GET", ["v3", "REST", "contact", email]) => {
            let email = email.replace("%40", "@");
            if state.contacts.contains(&email) {
                axum::Json(json!({"Count": 1, "Data": [{"ID": MAILJET_CONTACT_ID, "Email": email}]}))
                    .into_response()
            } else {
                error(StatusCode::NOT_FOUND, "not_found")
            }
        }
        ("DELETE", ["v4", "contacts", id]) if *id == MAILJET_CONTACT_ID.to_string() => {
            StatusCode::OK.into_response()
        }

        // Mailchimp.
        (_, ["3.0", ..])
            if header(&headers, "authorization") != Some(basic("comptoir", MAILCHIMP_KEY).as_str()) =>
        {
            error(StatusCode::UNAUTHORIZED, "API Key Invalid")
        }
        ("PUT", ["3.0", "lists", _, "members", hash]) => {
            let email = body["email_address"].as_str().unwrap_or_default();
            let expected = hex::encode(Md5::digest(email.to_lowercase().as_bytes()));
            let status = body["status"].as_str().unwrap_or_default();
            if *hash != expected
                || !["subscribed", "unsubscribed"].contains(&status)
                || body["status_if_new"] != status
            {
                return error(StatusCode::BAD_REQUEST, "Invalid Resource");
            }
            state.contacts.insert(email.to_owned());
            axum::Json(json!({"id": hash, "status": status})).into_response()
        }
        ("POST", ["3.0", "lists", _, "members", _, "actions", "delete-permanent"]) => {
            StatusCode::NO_CONTENT.into_response()
        }

        _ => error(StatusCode::NOT_FOUND, "no_such_route"),
    }
}

//! [`MarketingSync`] for Brevo, Mailjet and Mailchimp, over the edge's
//! [`HttpClient`], so the same code runs natively and in the Worker.
//!
//! The requests follow each provider's documented REST API (as of 2025):
//!
//! | | Brevo (`api-key` header) | Mailjet (basic auth: API key, secret key) | Mailchimp (basic auth: any user, API key) |
//! |---|---|---|---|
//! | subscribe | `POST /v3/contacts` `{email, listIds, updateEnabled}` | `POST /v3/REST/contactslist/{list}/managecontact` `{Email, Action: addforce}` | `PUT /3.0/lists/{list}/members/{md5}` `{email_address, status: subscribed}` |
//! | unsubscribe | `POST /v3/contacts/lists/{list}/contacts/remove` `{emails}` | same as subscribe with `Action: unsub` | same as subscribe with `status: unsubscribed` |
//! | forget | `DELETE /v3/contacts/{email}` | `GET /v3/REST/contact/{email}`, then `DELETE /v4/contacts/{id}` | `POST /3.0/lists/{list}/members/{md5}/actions/delete-permanent` |
//!
//! `{md5}` is the MD5 (hex) of the lowercased email, Mailchimp's member id.
//!
//! NOTE: these shapes come from the providers' public documentation and are tested
//! against a local stub that mirrors it (`edge/tests/support/marketing_stub.rs`),
//! never against the live APIs.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::{Contact, MarketingSync, SyncError};
use crate::mail::{BoxFuture, Secret};
use crate::payment::http::{HttpClient, HttpMethod, HttpRequest, HttpResponse};

/// What a provider call needs besides the contact.
struct Call<'a> {
    provider: &'static str,
    client: &'a dyn HttpClient,
    method: HttpMethod,
    url: String,
    authorization: (&'static str, String),
    body: Option<Value>,
}

impl Call<'_> {
    /// Sends the request. A 2xx is success; so is a 404 when `missing_is_done`,
    /// because an unknown contact is already unsubscribed or forgotten.
    async fn send(self, missing_is_done: bool) -> Result<HttpResponse, SyncError> {
        let mut headers = vec![
            (self.authorization.0.to_owned(), self.authorization.1),
            ("accept".to_owned(), "application/json".to_owned()),
        ];
        let body = match &self.body {
            Some(body) => {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let request = HttpRequest {
            method: self.method,
            url: self.url,
            headers,
            body,
        };
        let response = self.client.send(&request).await.map_err(|error| SyncError {
            // The URL can hold the email (Brevo, Mailjet), so only the reason is kept.
            reason: format!("{}: the request failed: {}", self.provider, error.reason),
        })?;
        if (200..300).contains(&response.status) || (missing_is_done && response.status == 404) {
            Ok(response)
        } else {
            Err(SyncError {
                reason: format!(
                    "{}: {} {} returned HTTP {}{}",
                    self.provider,
                    request.method.as_str(),
                    path_kind(&request.url),
                    response.status,
                    error_code(&response.body)
                ),
            })
        }
    }
}

/// The endpoint of a URL without the parts that identify a contact, for errors.
fn path_kind(url: &str) -> &'static str {
    if url.contains("/managecontact") {
        "managecontact"
    } else if url.contains("/contacts/remove") {
        "contacts/remove"
    } else if url.contains("/delete-permanent") {
        "delete-permanent"
    } else if url.contains("/members/") {
        "list member"
    } else {
        "contact"
    }
}

/// The provider's error code from a JSON error body (` (code)`), never its message,
/// which may quote the email.
fn error_code(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return String::new();
    };
    ["code", "title", "ErrorIdentifier", "ErrorCode"]
        .iter()
        .find_map(|key| value.get(*key).and_then(Value::as_str).map(str::to_owned))
        .map(|code| {
            let code: String = code
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || " _-".contains(*c))
                .take(60)
                .collect();
            format!(" ({code})")
        })
        .unwrap_or_default()
}

/// An email as one URL path segment.
fn path_segment(email: &str) -> String {
    form_urlencoded::byte_serialize(email.as_bytes()).collect()
}

fn basic(user: &str, password: &str) -> (&'static str, String) {
    (
        "authorization",
        format!("Basic {}", BASE64.encode(format!("{user}:{password}"))),
    )
}

/// Brevo (formerly Sendinblue).
pub struct Brevo {
    client: Arc<dyn HttpClient>,
    base_url: String,
    api_key: Secret,
    list_id: u64,
}

impl Brevo {
    /// Default API address.
    pub const BASE_URL: &'static str = "https://api.brevo.com";

    /// A client of the list `list_id` at `base_url`.
    pub fn new(client: Arc<dyn HttpClient>, base_url: &str, api_key: Secret, list_id: u64) -> Self {
        Brevo {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            list_id,
        }
    }

    fn call(&self, method: HttpMethod, path: &str, body: Option<Value>) -> Call<'_> {
        Call {
            provider: "brevo",
            client: self.client.as_ref(),
            method,
            url: format!("{}{path}", self.base_url),
            authorization: ("api-key", self.api_key.expose().to_owned()),
            body,
        }
    }
}

impl MarketingSync for Brevo {
    fn provider(&self) -> &'static str {
        "brevo"
    }

    fn subscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(async move {
            let body = json!({
                "email": contact.email,
                "listIds": [self.list_id],
                "updateEnabled": true,
                // A contact who unsubscribed through Brevo and opts in again at checkout
                // must receive emails again.
                "emailBlacklisted": false,
            });
            self.call(HttpMethod::Post, "/v3/contacts", Some(body))
                .send(false)
                .await
                .map(drop)
        })
    }

    fn unsubscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(async move {
            let path = format!("/v3/contacts/lists/{}/contacts/remove", self.list_id);
            let body = json!({ "emails": [contact.email] });
            self.call(HttpMethod::Post, &path, Some(body))
                .send(true)
                .await
                .map(drop)
        })
    }

    fn forget<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(async move {
            let path = format!("/v3/contacts/{}", path_segment(&contact.email));
            self.call(HttpMethod::Delete, &path, None)
                .send(true)
                .await
                .map(drop)
        })
    }
}

/// Mailjet.
pub struct Mailjet {
    client: Arc<dyn HttpClient>,
    base_url: String,
    api_key: Secret,
    secret_key: Secret,
    list_id: String,
}

impl Mailjet {
    /// Default API address.
    pub const BASE_URL: &'static str = "https://api.mailjet.com";

    /// A client of the contact list `list_id` at `base_url`.
    pub fn new(
        client: Arc<dyn HttpClient>,
        base_url: &str,
        api_key: Secret,
        secret_key: Secret,
        list_id: &str,
    ) -> Self {
        Mailjet {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            secret_key,
            list_id: list_id.to_owned(),
        }
    }

    fn call(&self, method: HttpMethod, path: &str, body: Option<Value>) -> Call<'_> {
        Call {
            provider: "mailjet",
            client: self.client.as_ref(),
            method,
            url: format!("{}{path}", self.base_url),
            authorization: basic(self.api_key.expose(), self.secret_key.expose()),
            body,
        }
    }

    async fn manage(&self, contact: &Contact, action: &str) -> Result<(), SyncError> {
        let path = format!(
            "/v3/REST/contactslist/{}/managecontact",
            path_segment(&self.list_id)
        );
        let body = json!({ "Email": contact.email, "Action": action });
        self.call(HttpMethod::Post, &path, Some(body))
            .send(false)
            .await
            .map(drop)
    }
}

impl MarketingSync for Mailjet {
    fn provider(&self) -> &'static str {
        "mailjet"
    }

    fn subscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        // `addforce` subscribes a contact again even if it unsubscribed before: the
        // checkout box is a new explicit opt-in.
        Box::pin(self.manage(contact, "addforce"))
    }

    fn unsubscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(self.manage(contact, "unsub"))
    }

    fn forget<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(async move {
            // Mailjet deletes contacts by numeric id only, so the id is looked up first.
            let path = format!("/v3/REST/contact/{}", path_segment(&contact.email));
            let response = self.call(HttpMethod::Get, &path, None).send(true).await?;
            if response.status == 404 {
                return Ok(());
            }
            let id = serde_json::from_slice::<Value>(&response.body)
                .ok()
                .and_then(|value| value["Data"][0]["ID"].as_u64())
                .ok_or_else(|| SyncError {
                    reason: "mailjet: the contact lookup returned no `Data[0].ID`".to_owned(),
                })?;
            self.call(HttpMethod::Delete, &format!("/v4/contacts/{id}"), None)
                .send(true)
                .await
                .map(drop)
        })
    }
}

/// Mailchimp.
pub struct Mailchimp {
    client: Arc<dyn HttpClient>,
    base_url: String,
    api_key: Secret,
    list_id: String,
}

impl Mailchimp {
    /// The API address of an API key: its data center follows the last `-`
    /// (`…-us21` → `https://us21.api.mailchimp.com`).
    pub fn base_url_of(api_key: &str) -> Option<String> {
        let (_, data_center) = api_key.rsplit_once('-')?;
        (!data_center.is_empty() && data_center.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| format!("https://{data_center}.api.mailchimp.com"))
    }

    /// A client of the audience `list_id` at `base_url`.
    pub fn new(client: Arc<dyn HttpClient>, base_url: &str, api_key: Secret, list_id: &str) -> Self {
        Mailchimp {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            list_id: list_id.to_owned(),
        }
    }

    fn member_path(&self, contact: &Contact) -> String {
        format!(
            "/3.0/lists/{}/members/{}",
            path_segment(&self.list_id),
            subscriber_hash(&contact.email)
        )
    }

    fn call(&self, method: HttpMethod, path: &str, body: Option<Value>) -> Call<'_> {
        Call {
            provider: "mailchimp",
            client: self.client.as_ref(),
            method,
            url: format!("{}{path}", self.base_url),
            authorization: basic("comptoir", self.api_key.expose()),
            body,
        }
    }

    async fn put_status(&self, contact: &Contact, status: &str) -> Result<(), SyncError> {
        let language = contact.locale.split('-').next().unwrap_or_default();
        let body = json!({
            "email_address": contact.email,
            "status_if_new": status,
            "status": status,
            "language": language,
        });
        self.call(HttpMethod::Put, &self.member_path(contact), Some(body))
            .send(false)
            .await
            .map(drop)
    }
}

/// Mailchimp's member id: the MD5 (lowercase hex) of the lowercased email.
pub fn subscriber_hash(email: &str) -> String {
    hex::encode(Md5::digest(email.trim().to_lowercase().as_bytes()))
}

impl MarketingSync for Mailchimp {
    fn provider(&self) -> &'static str {
        "mailchimp"
    }

    fn subscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(self.put_status(contact, "subscribed"))
    }

    fn unsubscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(self.put_status(contact, "unsubscribed"))
    }

    fn forget<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        Box::pin(async move {
            let path = format!("{}/actions/delete-permanent", self.member_path(contact));
            self.call(HttpMethod::Post, &path, None)
                .send(true)
                .await
                .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailchimp_member_id_is_md5_of_lowercase() {
        assert_eq!(
            subscriber_hash(" Marie@Example.fr "),
            subscriber_hash("marie@example.fr")
        );
        // The test vectors of RFC 1321, appendix A.5.
        assert_eq!(subscriber_hash(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(subscriber_hash("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn mailchimp_data_center_from_key() {
        assert_eq!(
            Mailchimp::base_url_of("0123456789abcdef-us21").as_deref(),
            Some("https://us21.api.mailchimp.com")
        );
        assert_eq!(Mailchimp::base_url_of("0123456789abcdef"), None);
        assert_eq!(Mailchimp::base_url_of("key-us21.evil.example/x"), None);
    }

    #[test]
    fn error_code_keeps_code_only() {
        let body = br#"{"code": "duplicate_parameter", "message": "marie@example.fr exists"}"#;
        assert_eq!(error_code(body), " (duplicate_parameter)");
        assert_eq!(error_code(b"not json"), "");
    }
}

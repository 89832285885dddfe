//! Emails through Brevo's transactional email API (`POST /v3/smtp/email`), the
//! transport of the Worker host, which cannot open SMTP connections.
//!
//! The request goes through the [`HttpClient`] seam, so the same code runs on the
//! Worker's `fetch` and natively on reqwest, and tests point the base URL at a
//! stub on 127.0.0.1.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `COMPTOIR_MAIL_API_KEY` | Brevo API key (a secret); emails stay queued without it | none |
//! | `COMPTOIR_MAIL_API_URL` | API address, `https://…` (or `http://127.0.0.1:<port>` for tests) | `https://api.brevo.com` |

use std::sync::Arc;

use serde_json::json;

use super::env::{EnvError, EnvProblem, Secret, read};
use super::{BoxFuture, Email, MailError, Mailer};
use crate::payment::http::{HttpClient, HttpMethod, HttpRequest};

/// Variable holding the Brevo API key.
pub const ENV_API_KEY: &str = "COMPTOIR_MAIL_API_KEY";
/// Variable overriding the API address.
pub const ENV_API_URL: &str = "COMPTOIR_MAIL_API_URL";
/// Brevo's API address.
pub const BASE_URL: &str = "https://api.brevo.com";

/// Address and key of the Brevo API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrevoSettings {
    /// The API key, sent in the `api-key` header.
    pub api_key: Secret,
    /// The API address, without a trailing slash.
    pub base_url: String,
}

impl BrevoSettings {
    /// Reads the settings through `lookup`, or `None` when no API key is set.
    /// Every problem is reported at once.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, EnvError> {
        let api_key = read(lookup, ENV_API_KEY);
        let base_url = read(lookup, ENV_API_URL);
        let Some(api_key) = api_key else {
            return match base_url {
                Some(_) => Err(EnvError {
                    problems: vec![EnvProblem::Missing {
                        variable: ENV_API_KEY,
                        reason: format!("{ENV_API_URL} is set; set the Brevo API key too"),
                    }],
                }),
                None => Ok(None),
            };
        };
        let base_url = base_url.unwrap_or_else(|| BASE_URL.to_owned());
        if !valid_api_url(&base_url) {
            return Err(EnvError {
                problems: vec![EnvProblem::Invalid {
                    variable: ENV_API_URL,
                    value: base_url,
                    expected: "an `https://` address (or `http://127.0.0.1:<port>` for tests)".to_owned(),
                }],
            });
        }
        Ok(Some(BrevoSettings {
            api_key: Secret::new(api_key),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }))
    }
}

/// [`Mailer`] on Brevo's transactional email API.
#[derive(Clone)]
pub struct BrevoMailer {
    settings: BrevoSettings,
    http: Arc<dyn HttpClient>,
}

impl std::fmt::Debug for BrevoMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrevoMailer")
            .field("base_url", &self.settings.base_url)
            .finish_non_exhaustive()
    }
}

impl BrevoMailer {
    /// Builds the mailer on `http`.
    pub fn new(settings: BrevoSettings, http: Arc<dyn HttpClient>) -> Self {
        BrevoMailer { settings, http }
    }

    /// Builds the request that sends `email`.
    pub fn request(&self, email: &Email) -> HttpRequest {
        let mut body = json!({
            "sender": {"email": email.from},
            "to": [{"email": email.to}],
            "subject": email.subject,
            "textContent": email.text,
        });
        if let Some(html) = &email.html {
            body["htmlContent"] = json!(html);
        }
        HttpRequest {
            method: HttpMethod::Post,
            url: format!("{}/v3/smtp/email", self.settings.base_url),
            headers: vec![
                ("api-key".to_owned(), self.settings.api_key.expose().to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
                ("accept".to_owned(), "application/json".to_owned()),
            ],
            body: body.to_string().into_bytes(),
        }
    }
}

impl Mailer for BrevoMailer {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let request = self.request(email);
            let response = self.http.send(&request).await.map_err(|error| MailError {
                reason: error.to_string(),
            })?;
            if (200..300).contains(&response.status) {
                return Ok(());
            }
            // Brevo's error body is `{"code": "…", "message": "…"}`. It names the
            // problem (bad key, unverified sender), not the recipient.
            let detail: String = String::from_utf8_lossy(&response.body)
                .chars()
                .take(300)
                .collect();
            Err(MailError {
                reason: format!("Brevo answered HTTP {}: {detail}", response.status),
            })
        })
    }
}

/// Returns whether an API address is HTTPS, or plain HTTP on the loopback address.
fn valid_api_url(url: &str) -> bool {
    if let Some(rest) = url.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    host == "127.0.0.1" || host == "localhost"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::http::{HttpError, HttpResponse};
    use std::sync::Mutex;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn settings_off_without_key() {
        assert_eq!(BrevoSettings::from_lookup(&lookup(&[])), Ok(None));
    }

    #[test]
    fn settings_default_url() {
        let settings = BrevoSettings::from_lookup(&lookup(&[(ENV_API_KEY, "xkeysib-1")]))
            .expect("valid")
            .expect("configured");
        assert_eq!(settings.base_url, BASE_URL);
        assert_eq!(settings.api_key.expose(), "xkeysib-1");
    }

    #[test]
    fn settings_reject_plain_http_to_remote_host() {
        let error = BrevoSettings::from_lookup(&lookup(&[
            (ENV_API_KEY, "xkeysib-1"),
            (ENV_API_URL, "http://api.example.net"),
        ]))
        .expect_err("plain HTTP to a remote host");
        assert!(error.to_string().contains(ENV_API_URL), "{error}");
    }

    #[test]
    fn settings_accept_loopback_stub() {
        let settings = BrevoSettings::from_lookup(&lookup(&[
            (ENV_API_KEY, "xkeysib-1"),
            (ENV_API_URL, "http://127.0.0.1:4010/"),
        ]))
        .expect("valid")
        .expect("configured");
        assert_eq!(settings.base_url, "http://127.0.0.1:4010");
    }

    #[test]
    fn settings_url_without_key_rejected() {
        let error = BrevoSettings::from_lookup(&lookup(&[(ENV_API_URL, "https://api.brevo.com")]))
            .expect_err("URL without key");
        assert!(error.to_string().contains(ENV_API_KEY), "{error}");
    }

    /// Records the request and returns a fixed status.
    struct Recorder {
        status: u16,
        seen: Mutex<Vec<HttpRequest>>,
    }

    impl HttpClient for Recorder {
        fn send<'a>(&'a self, request: &'a HttpRequest) -> BoxFuture<'a, Result<HttpResponse, HttpError>> {
            self.seen.lock().expect("lock").push(request.clone());
            let status = self.status;
            Box::pin(async move {
                Ok(HttpResponse {
                    status,
                    body: br#"{"code":"unauthorized","message":"Key not found"}"#.to_vec(),
                })
            })
        }
    }

    fn email() -> Email {
        Email {
            from: "shop@example.com".to_owned(),
            to: "ana@example.org".to_owned(),
            subject: "Commande FR-000001".to_owned(),
            text: "Merci".to_owned(),
            html: Some("<p>Merci</p>".to_owned()),
        }
    }

    fn mailer(status: u16) -> (BrevoMailer, Arc<Recorder>) {
        let recorder = Arc::new(Recorder {
            status,
            seen: Mutex::new(Vec::new()),
        });
        let settings = BrevoSettings {
            api_key: Secret::new("xkeysib-1"),
            base_url: "http://127.0.0.1:9".to_owned(),
        };
        (BrevoMailer::new(settings, recorder.clone()), recorder)
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    #[test]
    fn send_posts_json_with_key() {
        let (mailer, recorder) = mailer(201);
        block_on(mailer.send(&email())).expect("sent");
        let seen = recorder.seen.lock().expect("lock");
        let request = &seen[0];
        assert_eq!(request.url, "http://127.0.0.1:9/v3/smtp/email");
        assert_eq!(request.header("api-key"), Some("xkeysib-1"));
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON");
        assert_eq!(body["sender"]["email"], "shop@example.com");
        assert_eq!(body["to"][0]["email"], "ana@example.org");
        assert_eq!(body["subject"], "Commande FR-000001");
        assert_eq!(body["textContent"], "Merci");
        assert_eq!(body["htmlContent"], "<p>Merci</p>");
    }

    #[test]
    fn send_reports_api_error() {
        let (mailer, _) = mailer(401);
        let error = block_on(mailer.send(&email())).expect_err("rejected");
        assert!(error.reason.contains("HTTP 401"), "{}", error.reason);
        assert!(error.reason.contains("Key not found"), "{}", error.reason);
        assert!(!error.reason.contains("ana@example.org"), "{}", error.reason);
    }
}

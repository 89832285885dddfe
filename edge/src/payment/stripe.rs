//! Stripe Checkout behind [`PaymentProvider`]: the edge creates a Checkout Session
//! server-side and sends the customer to its hosted page; Stripe's webhook later
//! reports the payment.
//!
//! The session is created with `POST {api_base}/v1/checkout/sessions`, form-encoded,
//! `Authorization: Bearer <secret key>` and `Idempotency-Key: <order id>`, so a
//! retried checkout gets the same session back instead of a second one (Stripe keeps
//! idempotency keys for 24 hours). The card number never reaches the edge.
//!
//! Configuration, from environment variables on the native host or from the
//! Worker's secrets through [`StripeConfig::from_lookup`]:
//!
//! | variable | meaning |
//! |---|---|
//! | `COMPTOIR_STRIPE_SECRET_KEY` | secret (`sk_…`) or restricted (`rk_…`) API key; card payments are off when unset |
//! | `COMPTOIR_STRIPE_WEBHOOK_SECRET` | the webhook endpoint's signing secret (`whsec_…`), required with the key |
//! | `COMPTOIR_STRIPE_API_BASE` | API base URL, `https://api.stripe.com` by default; tests point it at a stub |

mod webhook;

use std::sync::Arc;

use serde::Deserialize;

pub use webhook::{SignatureError, WEBHOOK_TOLERANCE_SECONDS, read_event, sign, verify_signature};

use crate::mail::BoxFuture;
use crate::mail::env::{self, EnvError, EnvProblem, Secret};
use crate::payment::http::{HttpClient, HttpMethod, HttpRequest};
use crate::payment::{PaymentError, PaymentEvent, PaymentProvider, PaymentRequest, PaymentSession};

/// Stripe's API base URL.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// Variable holding the API key.
pub const ENV_SECRET_KEY: &str = "COMPTOIR_STRIPE_SECRET_KEY";
/// Variable holding the webhook signing secret.
pub const ENV_WEBHOOK_SECRET: &str = "COMPTOIR_STRIPE_WEBHOOK_SECRET";
/// Variable overriding the API base URL.
pub const ENV_API_BASE: &str = "COMPTOIR_STRIPE_API_BASE";

/// Locales Stripe Checkout displays (its `locale` parameter); others get `auto`,
/// which lets Stripe follow the browser.
const CHECKOUT_LOCALES: &[&str] = &[
    "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr",
    "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk",
    "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
];

/// Currencies Stripe counts in whole units (its zero-decimal list).
const STRIPE_ZERO_DECIMAL: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
    "XPF",
];

/// Keys and endpoint of a Stripe account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeConfig {
    /// API key sent as the bearer token.
    pub secret_key: Secret,
    /// Signing secret of the webhook endpoint.
    pub webhook_secret: Secret,
    /// API base URL without a trailing slash.
    pub api_base: String,
}

impl StripeConfig {
    /// Builds a configuration that calls Stripe itself.
    pub fn new(secret_key: Secret, webhook_secret: Secret) -> Self {
        StripeConfig {
            secret_key,
            webhook_secret,
            api_base: DEFAULT_API_BASE.to_owned(),
        }
    }

    /// Reads the `COMPTOIR_STRIPE_*` variables of the process environment.
    pub fn from_env() -> Result<Option<Self>, EnvError> {
        Self::from_lookup(&env::process_env)
    }

    /// Reads the `COMPTOIR_STRIPE_*` variables through `lookup`. Returns `None` when no
    /// key is set (card payments off), and every problem at once otherwise.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, EnvError> {
        let secret_key = env::read(lookup, ENV_SECRET_KEY);
        let webhook_secret = env::read(lookup, ENV_WEBHOOK_SECRET);
        let api_base = env::read(lookup, ENV_API_BASE);
        let Some(secret_key) = secret_key else {
            return Ok(None);
        };

        let mut problems = Vec::new();
        // Only the prefix is named: a key's value never goes into a message.
        if secret_key.starts_with("pk_") {
            problems.push(EnvProblem::Conflict {
                variable: ENV_SECRET_KEY,
                reason: "this is a publishable key (pk_…); set the secret key (sk_…) or a restricted key (rk_…) from Stripe's dashboard".to_owned(),
            });
        } else if !secret_key.starts_with("sk_") && !secret_key.starts_with("rk_") {
            problems.push(EnvProblem::Conflict {
                variable: ENV_SECRET_KEY,
                reason: "a Stripe API key starts with sk_ or rk_; copy it again from Stripe's dashboard"
                    .to_owned(),
            });
        }
        if webhook_secret.is_none() {
            problems.push(EnvProblem::Missing {
                variable: ENV_WEBHOOK_SECRET,
                reason: format!(
                    "{ENV_SECRET_KEY} is set, and payments are only confirmed by webhooks signed with this secret (whsec_…, shown on the webhook endpoint in Stripe's dashboard)"
                ),
            });
        }
        let api_base = api_base.unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
        if !api_base.starts_with("https://") && !api_base.starts_with("http://") {
            problems.push(EnvProblem::Invalid {
                variable: ENV_API_BASE,
                value: api_base.clone(),
                expected: "an http:// or https:// URL such as https://api.stripe.com".to_owned(),
            });
        }
        if !problems.is_empty() {
            return Err(EnvError { problems });
        }

        Ok(Some(StripeConfig {
            secret_key: Secret::new(secret_key),
            webhook_secret: Secret::new(webhook_secret.unwrap_or_default()),
            api_base: api_base.trim_end_matches('/').to_owned(),
        }))
    }
}

/// Stripe Checkout as a [`PaymentProvider`].
#[derive(Clone)]
pub struct StripeProvider {
    config: StripeConfig,
    http: Arc<dyn HttpClient>,
}

impl std::fmt::Debug for StripeProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl StripeProvider {
    /// Builds a provider that sends its requests through `http`.
    pub fn new(config: StripeConfig, http: Arc<dyn HttpClient>) -> Self {
        StripeProvider { config, http }
    }

    /// Builds a provider on the native HTTP client, with a 30-second timeout per request.
    #[cfg(feature = "native")]
    pub fn native(config: StripeConfig) -> Result<Self, crate::payment::http::HttpError> {
        let http = crate::payment::http::ReqwestClient::new(std::time::Duration::from_secs(30))?;
        Ok(Self::new(config, Arc::new(http)))
    }

    /// The configuration in use.
    pub fn config(&self) -> &StripeConfig {
        &self.config
    }

    async fn create_checkout_session(
        &self,
        request: &PaymentRequest,
    ) -> Result<PaymentSession, PaymentError> {
        let form = session_form(request)?;
        let url = format!("{}/v1/checkout/sessions", self.config.api_base);
        let http_request = HttpRequest {
            method: HttpMethod::Post,
            url,
            headers: vec![
                (
                    "Authorization".to_owned(),
                    format!("Bearer {}", self.config.secret_key.expose()),
                ),
                (
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ),
                ("Idempotency-Key".to_owned(), request.order_id.clone()),
            ],
            body: encode_form(&form).into_bytes(),
        };

        let response = self
            .http
            .send(&http_request)
            .await
            .map_err(|error| PaymentError::Provider(format!("could not reach Stripe: {error}")))?;
        if !(200..300).contains(&response.status) {
            return Err(map_error_response(response.status, &response.body));
        }

        let session: SessionResponse = serde_json::from_slice(&response.body).map_err(|error| {
            PaymentError::Provider(format!(
                "Stripe returned HTTP {} with a body that is not a Checkout Session: {error}",
                response.status
            ))
        })?;
        let redirect_url = session.url.filter(|url| !url.is_empty()).ok_or_else(|| {
            PaymentError::Provider(format!(
                "the Checkout Session `{}` has no `url`: it must be created with ui_mode `hosted`",
                session.id
            ))
        })?;
        Ok(PaymentSession {
            id: session.id,
            redirect_url,
        })
    }
}

impl PaymentProvider for StripeProvider {
    fn create_session<'a>(
        &'a self,
        request: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentSession, PaymentError>> {
        Box::pin(self.create_checkout_session(request))
    }

    fn verify_webhook(
        &self,
        payload: &[u8],
        signature: &str,
        now: i64,
    ) -> Result<PaymentEvent, PaymentError> {
        verify_signature(
            payload,
            signature,
            self.config.webhook_secret.expose(),
            now,
            WEBHOOK_TOLERANCE_SECONDS,
        )
        .map_err(|error| {
            tracing::warn!(%error, "rejected a Stripe webhook");
            PaymentError::InvalidSignature
        })?;
        read_event(payload)
    }
}

#[derive(Deserialize)]
struct SessionResponse {
    id: String,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    param: Option<String>,
}

/// An error response of Stripe's API, `{"error": {"type", "code", "message", "param"}}`.
/// It reaches callers as the text of [`PaymentError::Provider`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeApiError {
    /// HTTP status.
    pub status: u16,
    /// Stripe's `type`, such as `invalid_request_error` or `api_error`.
    pub kind: String,
    /// Stripe's `code`, such as `parameter_missing`, when it gives one.
    pub code: Option<String>,
    /// Stripe's `message`, for the merchant's logs; never shown to customers.
    pub message: String,
    /// The parameter at fault, when Stripe names one.
    pub param: Option<String>,
}

impl StripeApiError {
    /// Reads Stripe's error JSON; `None` when `body` is not in that shape.
    pub fn parse(status: u16, body: &[u8]) -> Option<Self> {
        let ErrorResponse { error } = serde_json::from_slice(body).ok()?;
        Some(StripeApiError {
            status,
            kind: error.kind.unwrap_or_else(|| "api_error".to_owned()),
            code: error.code,
            message: error.message.unwrap_or_default(),
            param: error.param,
        })
    }
}

impl std::fmt::Display for StripeApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Stripe rejected the request (HTTP {}, {}",
            self.status, self.kind
        )?;
        if let Some(code) = &self.code {
            write!(f, ", {code}")?;
        }
        if let Some(param) = &self.param {
            write!(f, ", parameter `{param}`")?;
        }
        write!(f, "): {}", self.message)
    }
}

/// Maps a non-2xx response to [`PaymentError::Provider`], with Stripe's explanation
/// when the body carries its error JSON.
fn map_error_response(status: u16, body: &[u8]) -> PaymentError {
    match StripeApiError::parse(status, body) {
        Some(error) => PaymentError::Provider(error.to_string()),
        None => PaymentError::Provider(format!("Stripe returned HTTP {status} without its error JSON")),
    }
}

/// Builds the form fields of the Checkout Session for `request`, in the order sent.
pub fn session_form(request: &PaymentRequest) -> Result<Vec<(&'static str, String)>, PaymentError> {
    let unit_amount = stripe_amount(request.amount, &request.currency)?;
    let item_name = if request.locale.split('-').next() == Some("fr") {
        format!("Commande {}", request.order_number)
    } else {
        format!("Order {}", request.order_number)
    };

    let mut form = vec![
        ("mode", "payment".to_owned()),
        (
            "line_items[0][price_data][currency]",
            request.currency.to_ascii_lowercase(),
        ),
        ("line_items[0][price_data][unit_amount]", unit_amount.to_string()),
        ("line_items[0][price_data][product_data][name]", item_name),
        ("line_items[0][quantity]", "1".to_owned()),
    ];
    if !request.customer_email.is_empty() {
        form.push(("customer_email", request.customer_email.clone()));
    }
    form.extend([
        ("client_reference_id", request.order_id.clone()),
        ("metadata[order_id]", request.order_id.clone()),
        ("success_url", request.success_url.clone()),
        ("cancel_url", request.cancel_url.clone()),
        ("locale", checkout_locale(&request.locale).to_owned()),
    ]);
    Ok(form)
}

fn encode_form(fields: &[(&str, String)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// Returns the Checkout `locale` for a store locale: the tag itself, else its
/// language, else `auto`.
pub fn checkout_locale(locale: &str) -> &'static str {
    let language = locale.split('-').next().unwrap_or(locale);
    [locale, language]
        .into_iter()
        .find_map(|tag| CHECKOUT_LOCALES.iter().find(|known| **known == tag))
        .copied()
        .unwrap_or("auto")
}

/// Converts an amount in the currency's ISO 4217 minor units (what the edge counts
/// in) to the units Stripe expects. They differ for ISK, which has no minor unit but
/// which Stripe counts in hundredths, and for three-decimal currencies, which Stripe
/// takes only in multiples of 10.
pub fn stripe_amount(amount: i64, currency: &str) -> Result<i64, PaymentError> {
    let rejected = PaymentError::Provider;
    if amount <= 0 {
        return Err(rejected(format!(
            "the amount to charge must be above 0, got {amount}"
        )));
    }
    let parsed = commerce::Currency::parse(currency)
        .map_err(|error| rejected(format!("cannot charge in this currency: {error}")))?;
    let zero_decimal_at_stripe = STRIPE_ZERO_DECIMAL.contains(&parsed.code());
    match parsed.exponent() {
        0 if !zero_decimal_at_stripe => amount
            .checked_mul(100)
            .ok_or_else(|| rejected(format!("the amount {amount} {currency} is too large"))),
        3 if amount % 10 != 0 => Err(rejected(format!(
            "Stripe takes {currency} amounts in multiples of 10 thousandths; round {amount} to the nearest 10"
        ))),
        _ => Ok(amount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn config_absent_without_key() {
        assert_eq!(StripeConfig::from_lookup(&lookup(&[])), Ok(None));
    }

    #[test]
    fn config_reads_all_variables() {
        let config = StripeConfig::from_lookup(&lookup(&[
            (ENV_SECRET_KEY, "sk_test_abc"),
            (ENV_WEBHOOK_SECRET, "whsec_xyz"),
            (ENV_API_BASE, "http://127.0.0.1:4242/"),
        ]))
        .expect("valid settings")
        .expect("card payments on");
        assert_eq!(config.secret_key.expose(), "sk_test_abc");
        assert_eq!(config.webhook_secret.expose(), "whsec_xyz");
        assert_eq!(config.api_base, "http://127.0.0.1:4242");
    }

    #[test]
    fn config_reports_every_problem_without_secrets() {
        let error = StripeConfig::from_lookup(&lookup(&[
            (ENV_SECRET_KEY, "pk_live_visible"),
            (ENV_API_BASE, "api.stripe.com"),
        ]))
        .expect_err("invalid settings");
        assert_eq!(error.problems.len(), 3, "{error}");
        let message = error.to_string();
        assert!(!message.contains("pk_live_visible"), "{message}");
        assert!(message.contains("publishable key"), "{message}");
        assert!(message.contains(ENV_WEBHOOK_SECRET), "{message}");
        assert!(message.contains("`api.stripe.com`"), "{message}");
    }

    #[test]
    fn checkout_locale_falls_back() {
        assert_eq!(checkout_locale("fr"), "fr");
        assert_eq!(checkout_locale("fr-CA"), "fr-CA");
        assert_eq!(checkout_locale("fr-CH"), "fr");
        assert_eq!(checkout_locale("en-GB"), "en-GB");
        assert_eq!(checkout_locale("eu"), "auto");
    }

    #[test]
    fn amounts_follow_stripe_units() {
        assert_eq!(stripe_amount(12990, "EUR").ok(), Some(12990));
        assert_eq!(stripe_amount(1500, "JPY").ok(), Some(1500));
        assert_eq!(stripe_amount(1500, "XOF").ok(), Some(1500));
        assert_eq!(stripe_amount(1500, "ISK").ok(), Some(150_000));
        assert_eq!(stripe_amount(12_340, "TND").ok(), Some(12_340));
        assert!(matches!(
            stripe_amount(12_345, "TND"),
            Err(PaymentError::Provider(_))
        ));
        assert!(matches!(stripe_amount(0, "EUR"), Err(PaymentError::Provider(_))));
        assert!(matches!(
            stripe_amount(100, "EUX"),
            Err(PaymentError::Provider(_))
        ));
    }
}

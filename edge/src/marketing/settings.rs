//! The email marketing provider, from environment variables. Off unless
//! `COMPTOIR_MARKETING_PROVIDER` is set.
//!
//! | variable | meaning |
//! |---|---|
//! | `COMPTOIR_MARKETING_PROVIDER` | `brevo`, `mailjet` or `mailchimp`; unset: no provider, subscriptions stay in the database only |
//! | `COMPTOIR_MARKETING_API_KEY` | the provider's API key (Mailjet: the API key, the public half) |
//! | `COMPTOIR_MARKETING_API_SECRET` | Mailjet only: the secret key |
//! | `COMPTOIR_MARKETING_LIST_ID` | the list that checkout subscriptions go to: Brevo list id (a number), Mailjet contact list id, Mailchimp audience id |
//! | `COMPTOIR_MARKETING_API_URL` | optional: another API address, `https://…` (or `http://127.0.0.1:…` for tests) |

use std::sync::Arc;

use super::MarketingSync;
use super::providers::{Brevo, Mailchimp, Mailjet};
use crate::mail::Secret;
use crate::mail::env::{EnvError, EnvProblem, read};
use crate::payment::http::HttpClient;

/// Name of the provider variable.
pub const ENV_PROVIDER: &str = "COMPTOIR_MARKETING_PROVIDER";
/// Name of the API key variable.
pub const ENV_API_KEY: &str = "COMPTOIR_MARKETING_API_KEY";
/// Name of the Mailjet secret key variable.
pub const ENV_API_SECRET: &str = "COMPTOIR_MARKETING_API_SECRET";
/// Name of the list variable.
pub const ENV_LIST_ID: &str = "COMPTOIR_MARKETING_LIST_ID";
/// Name of the API address variable.
pub const ENV_API_URL: &str = "COMPTOIR_MARKETING_API_URL";

/// A supported provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketingProvider {
    /// Brevo.
    Brevo,
    /// Mailjet.
    Mailjet,
    /// Mailchimp.
    Mailchimp,
}

/// The provider settings read from the environment.
#[derive(Debug, Clone)]
pub struct MarketingSettings {
    /// Which provider.
    pub provider: MarketingProvider,
    /// The API key.
    pub api_key: Secret,
    /// Mailjet's secret key.
    pub api_secret: Option<Secret>,
    /// The provider's list id.
    pub list_id: String,
    /// The API address.
    pub base_url: String,
}

impl MarketingSettings {
    /// Reads the settings from the process environment; `None` when no provider is
    /// set. Every problem is reported at once.
    pub fn from_env() -> Result<Option<MarketingSettings>, EnvError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`.
    pub fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<MarketingSettings>, EnvError> {
        let Some(name) = read(lookup, ENV_PROVIDER) else {
            return Ok(None);
        };
        let mut problems = Vec::new();
        let provider = match name.to_ascii_lowercase().as_str() {
            "brevo" => Some(MarketingProvider::Brevo),
            "mailjet" => Some(MarketingProvider::Mailjet),
            "mailchimp" => Some(MarketingProvider::Mailchimp),
            _ => {
                problems.push(EnvProblem::Invalid {
                    variable: ENV_PROVIDER,
                    value: name.clone(),
                    expected: "`brevo`, `mailjet` or `mailchimp`".to_owned(),
                });
                None
            }
        };
        let mut required = |variable: &'static str, reason: &str| {
            let value = read(lookup, variable);
            if value.is_none() {
                problems.push(EnvProblem::Missing {
                    variable,
                    reason: reason.to_owned(),
                });
            }
            value
        };
        let api_key = required(ENV_API_KEY, "the email marketing provider needs its API key");
        let list_id = required(
            ENV_LIST_ID,
            "set the id of the list that checkout subscriptions go to",
        );
        let api_secret = match provider {
            Some(MarketingProvider::Mailjet) => {
                required(ENV_API_SECRET, "Mailjet needs its secret key beside the API key")
            }
            _ => read(lookup, ENV_API_SECRET),
        };

        if provider == Some(MarketingProvider::Brevo)
            && let Some(list) = &list_id
            && list.parse::<u64>().is_err()
        {
            problems.push(EnvProblem::Invalid {
                variable: ENV_LIST_ID,
                value: list.clone(),
                expected: "a Brevo list id, a whole number such as 7".to_owned(),
            });
        }
        let base_url = match (read(lookup, ENV_API_URL), provider, &api_key) {
            (Some(url), _, _) => {
                if !valid_api_url(&url) {
                    problems.push(EnvProblem::Invalid {
                        variable: ENV_API_URL,
                        value: url.clone(),
                        expected: "an `https://` address (or `http://127.0.0.1:<port>` for tests)".to_owned(),
                    });
                }
                url
            }
            (None, Some(MarketingProvider::Brevo), _) => Brevo::BASE_URL.to_owned(),
            (None, Some(MarketingProvider::Mailjet), _) => Mailjet::BASE_URL.to_owned(),
            (None, Some(MarketingProvider::Mailchimp), Some(key)) => match Mailchimp::base_url_of(key) {
                Some(url) => url,
                None => {
                    problems.push(EnvProblem::Conflict {
                        variable: ENV_API_KEY,
                        reason: "a Mailchimp API key ends with its data center, such as `-us21`: copy the whole key"
                            .to_owned(),
                    });
                    String::new()
                }
            },
            (None, _, _) => String::new(),
        };

        match (provider, api_key, list_id) {
            (Some(provider), Some(api_key), Some(list_id)) if problems.is_empty() => {
                Ok(Some(MarketingSettings {
                    provider,
                    api_key: Secret::new(api_key),
                    api_secret: api_secret.map(Secret::new),
                    list_id,
                    base_url,
                }))
            }
            _ => Err(EnvError { problems }),
        }
    }

    /// Builds the provider's client on `http`.
    pub fn build(&self, http: Arc<dyn HttpClient>) -> Arc<dyn MarketingSync> {
        match self.provider {
            MarketingProvider::Brevo => Arc::new(Brevo::new(
                http,
                &self.base_url,
                self.api_key.clone(),
                // Checked when the settings were read.
                self.list_id.parse().unwrap_or_default(),
            )),
            MarketingProvider::Mailjet => Arc::new(Mailjet::new(
                http,
                &self.base_url,
                self.api_key.clone(),
                self.api_secret.clone().unwrap_or_else(|| Secret::new("")),
                &self.list_id,
            )),
            MarketingProvider::Mailchimp => Arc::new(Mailchimp::new(
                http,
                &self.base_url,
                self.api_key.clone(),
                &self.list_id,
            )),
        }
    }
}

/// Whether an API address is HTTPS, or plain HTTP on the loopback address.
fn valid_api_url(url: &str) -> bool {
    if url.starts_with("https://") {
        return url.len() > "https://".len();
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

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn off_without_provider() {
        let settings = MarketingSettings::from_lookup(&lookup(&[(ENV_API_KEY, "x")])).expect("valid");
        assert!(settings.is_none());
    }

    #[test]
    fn mailchimp_url_from_key() {
        let settings = MarketingSettings::from_lookup(&lookup(&[
            (ENV_PROVIDER, "Mailchimp"),
            (ENV_API_KEY, "abc-us21"),
            (ENV_LIST_ID, "a1b2c3"),
        ]))
        .expect("valid")
        .expect("configured");
        assert_eq!(settings.provider, MarketingProvider::Mailchimp);
        assert_eq!(settings.base_url, "https://us21.api.mailchimp.com");
    }

    #[test]
    fn reports_every_problem() {
        let error = MarketingSettings::from_lookup(&lookup(&[
            (ENV_PROVIDER, "brevo"),
            (ENV_LIST_ID, "newsletter"),
            (ENV_API_URL, "http://api.example"),
        ]))
        .expect_err("invalid");
        let text = error.to_string();
        assert_eq!(error.problems.len(), 3, "{text}");
        assert!(text.contains("COMPTOIR_MARKETING_API_KEY is missing"), "{text}");
        assert!(
            text.contains("COMPTOIR_MARKETING_LIST_ID is invalid: `newsletter`"),
            "{text}"
        );
        assert!(text.contains("COMPTOIR_MARKETING_API_URL is invalid"), "{text}");
    }

    #[test]
    fn mailjet_needs_secret() {
        let error = MarketingSettings::from_lookup(&lookup(&[
            (ENV_PROVIDER, "mailjet"),
            (ENV_API_KEY, "public"),
            (ENV_LIST_ID, "12"),
        ]))
        .expect_err("invalid");
        assert!(
            error
                .to_string()
                .contains("COMPTOIR_MARKETING_API_SECRET is missing")
        );
    }
}

//! Which transport the native host sends emails with, read from environment
//! variables.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `COMPTOIR_MAIL_TRANSPORT` | `outbox` (write `.eml` files) or `smtp` | `outbox` |
//! | `COMPTOIR_MAIL_OUTBOX` | folder of the `.eml` files | given by the host, such as `.comptoir/outbox` |
//! | `COMPTOIR_SMTP_HOST` | SMTP server name | required with `smtp` |
//! | `COMPTOIR_SMTP_PORT` | SMTP port | 587 for `starttls`, 465 for `tls`, 25 for `none` |
//! | `COMPTOIR_SMTP_SECURITY` | `starttls` (upgrade, required), `tls` (TLS from the first byte) or `none` (local relays only) | `starttls` |
//! | `COMPTOIR_SMTP_USERNAME` | login, set with the password | none |
//! | `COMPTOIR_SMTP_PASSWORD` | password, set with the login | none |
//! | `COMPTOIR_SMTP_TIMEOUT_SECONDS` | how long one SMTP command may take | 30 |

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::mail::env::{self, EnvError, EnvProblem, Secret};

/// Variable choosing the transport.
pub const ENV_TRANSPORT: &str = "COMPTOIR_MAIL_TRANSPORT";
/// Variable naming the outbox folder.
pub const ENV_OUTBOX: &str = "COMPTOIR_MAIL_OUTBOX";
/// Variable naming the SMTP server.
pub const ENV_SMTP_HOST: &str = "COMPTOIR_SMTP_HOST";
/// Variable setting the SMTP port.
pub const ENV_SMTP_PORT: &str = "COMPTOIR_SMTP_PORT";
/// Variable choosing the SMTP encryption.
pub const ENV_SMTP_SECURITY: &str = "COMPTOIR_SMTP_SECURITY";
/// Variable holding the SMTP login.
pub const ENV_SMTP_USERNAME: &str = "COMPTOIR_SMTP_USERNAME";
/// Variable holding the SMTP password.
pub const ENV_SMTP_PASSWORD: &str = "COMPTOIR_SMTP_PASSWORD";
/// Variable setting the SMTP command timeout, in seconds.
pub const ENV_SMTP_TIMEOUT: &str = "COMPTOIR_SMTP_TIMEOUT_SECONDS";

/// How emails leave the native host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailSettings {
    /// Each email becomes an `.eml` file in `dir`: nothing is sent, the merchant (or a
    /// test) reads the folder.
    Outbox {
        /// The folder, created on first use.
        dir: PathBuf,
    },
    /// Emails go to an SMTP server.
    Smtp(SmtpSettings),
}

/// An SMTP server and how to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Server name, also checked against its TLS certificate.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Encryption.
    pub security: SmtpSecurity,
    /// Login, when the server requires one.
    pub credentials: Option<SmtpCredentials>,
    /// How long one SMTP command may take.
    pub timeout: Duration,
}

/// SMTP login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpCredentials {
    /// User name.
    pub username: String,
    /// Password.
    pub password: Secret,
}

/// How the SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; the email is not sent if the server
    /// does not offer it.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption, for a relay on the same machine or network.
    None,
}

impl SmtpSecurity {
    /// Returns the port that goes with the encryption when none is set.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        }
    }
}

impl MailSettings {
    /// Reads the variables of the process environment; `default_outbox` is the
    /// outbox folder when `COMPTOIR_MAIL_OUTBOX` is unset.
    pub fn from_env(default_outbox: &Path) -> Result<Self, EnvError> {
        Self::from_lookup(&env::process_env, default_outbox)
    }

    /// Reads the variables through `lookup`, reporting every problem at once.
    pub fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
        default_outbox: &Path,
    ) -> Result<Self, EnvError> {
        let transport = env::read(lookup, ENV_TRANSPORT).unwrap_or_else(|| "outbox".to_owned());
        match transport.to_ascii_lowercase().as_str() {
            "outbox" => Ok(MailSettings::Outbox {
                dir: env::read(lookup, ENV_OUTBOX)
                    .map_or_else(|| default_outbox.to_path_buf(), PathBuf::from),
            }),
            "smtp" => SmtpSettings::from_lookup(lookup).map(MailSettings::Smtp),
            _ => Err(EnvError {
                problems: vec![EnvProblem::Invalid {
                    variable: ENV_TRANSPORT,
                    value: transport,
                    expected: "`outbox` or `smtp`".to_owned(),
                }],
            }),
        }
    }

    /// Builds the mailer these settings describe.
    #[cfg(feature = "native")]
    pub fn build(&self) -> Result<std::sync::Arc<dyn crate::mail::Mailer>, crate::mail::MailError> {
        Ok(match self {
            MailSettings::Outbox { dir } => std::sync::Arc::new(crate::mail::OutboxMailer::new(dir.clone())),
            MailSettings::Smtp(settings) => std::sync::Arc::new(crate::mail::SmtpMailer::new(settings)?),
        })
    }
}

impl SmtpSettings {
    fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, EnvError> {
        let mut problems = Vec::new();

        let host = env::read(lookup, ENV_SMTP_HOST);
        if host.is_none() {
            problems.push(EnvProblem::Missing {
                variable: ENV_SMTP_HOST,
                reason: format!(
                    "{ENV_TRANSPORT} is `smtp`; set the SMTP server name, such as smtp.example.net"
                ),
            });
        }

        let security = match env::read(lookup, ENV_SMTP_SECURITY).map(|value| value.to_ascii_lowercase()) {
            None => SmtpSecurity::StartTls,
            Some(value) => match value.as_str() {
                "starttls" => SmtpSecurity::StartTls,
                "tls" => SmtpSecurity::Tls,
                "none" => SmtpSecurity::None,
                _ => {
                    problems.push(EnvProblem::Invalid {
                        variable: ENV_SMTP_SECURITY,
                        value,
                        expected: "`starttls`, `tls` or `none`".to_owned(),
                    });
                    SmtpSecurity::StartTls
                }
            },
        };

        let port = match env::read(lookup, ENV_SMTP_PORT) {
            None => security.default_port(),
            Some(value) => value
                .parse::<u16>()
                .ok()
                .filter(|port| *port != 0)
                .unwrap_or_else(|| {
                    problems.push(EnvProblem::Invalid {
                        variable: ENV_SMTP_PORT,
                        value,
                        expected: "a port number from 1 to 65535".to_owned(),
                    });
                    security.default_port()
                }),
        };

        let timeout = match env::read(lookup, ENV_SMTP_TIMEOUT) {
            None => Duration::from_secs(30),
            Some(value) => match value.parse::<u64>() {
                Ok(seconds) if seconds > 0 => Duration::from_secs(seconds),
                _ => {
                    problems.push(EnvProblem::Invalid {
                        variable: ENV_SMTP_TIMEOUT,
                        value,
                        expected: "a whole number of seconds above 0".to_owned(),
                    });
                    Duration::from_secs(30)
                }
            },
        };

        let credentials = match (
            env::read(lookup, ENV_SMTP_USERNAME),
            env::read(lookup, ENV_SMTP_PASSWORD),
        ) {
            (Some(username), Some(password)) => Some(SmtpCredentials {
                username,
                password: Secret::new(password),
            }),
            (None, None) => None,
            (Some(_), None) => {
                problems.push(EnvProblem::Missing {
                    variable: ENV_SMTP_PASSWORD,
                    reason: format!("{ENV_SMTP_USERNAME} is set; set both or neither"),
                });
                None
            }
            (None, Some(_)) => {
                problems.push(EnvProblem::Missing {
                    variable: ENV_SMTP_USERNAME,
                    reason: format!("{ENV_SMTP_PASSWORD} is set; set both or neither"),
                });
                None
            }
        };

        if let Some(host) = &host
            && security == SmtpSecurity::None
            && credentials.is_some()
            && !is_loopback(host)
        {
            problems.push(EnvProblem::Conflict {
                variable: ENV_SMTP_SECURITY,
                reason: format!(
                    "`none` would send the SMTP password unencrypted to {host}; use `starttls` or `tls`, or a relay on localhost"
                ),
            });
        }

        match host {
            Some(host) if problems.is_empty() => Ok(SmtpSettings {
                host,
                port,
                security,
                credentials,
                timeout,
            }),
            _ => Err(EnvError { problems }),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
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
    fn outbox_by_default() {
        let settings = MailSettings::from_lookup(&lookup(&[]), Path::new("/srv/outbox"));
        assert_eq!(
            settings,
            Ok(MailSettings::Outbox {
                dir: PathBuf::from("/srv/outbox")
            })
        );
    }

    #[test]
    fn smtp_with_defaults() {
        let settings = MailSettings::from_lookup(
            &lookup(&[(ENV_TRANSPORT, "smtp"), (ENV_SMTP_HOST, "smtp.example.net")]),
            Path::new("outbox"),
        );
        assert_eq!(
            settings,
            Ok(MailSettings::Smtp(SmtpSettings {
                host: "smtp.example.net".to_owned(),
                port: 587,
                security: SmtpSecurity::StartTls,
                credentials: None,
                timeout: Duration::from_secs(30),
            }))
        );
    }

    #[test]
    fn smtp_reports_every_problem() {
        let error = MailSettings::from_lookup(
            &lookup(&[
                (ENV_TRANSPORT, "smtp"),
                (ENV_SMTP_SECURITY, "ssl"),
                (ENV_SMTP_PORT, "70000"),
                (ENV_SMTP_USERNAME, "shop"),
            ]),
            Path::new("outbox"),
        )
        .expect_err("invalid settings");
        let variables: Vec<&str> = error
            .problems
            .iter()
            .map(|problem| match problem {
                EnvProblem::Missing { variable, .. }
                | EnvProblem::Invalid { variable, .. }
                | EnvProblem::Conflict { variable, .. } => *variable,
            })
            .collect();
        assert_eq!(
            variables,
            [ENV_SMTP_HOST, ENV_SMTP_SECURITY, ENV_SMTP_PORT, ENV_SMTP_PASSWORD]
        );
    }

    #[test]
    fn smtp_rejects_clear_password_to_remote_host() {
        let error = MailSettings::from_lookup(
            &lookup(&[
                (ENV_TRANSPORT, "smtp"),
                (ENV_SMTP_HOST, "smtp.example.net"),
                (ENV_SMTP_SECURITY, "none"),
                (ENV_SMTP_USERNAME, "shop"),
                (ENV_SMTP_PASSWORD, "hunter2"),
            ]),
            Path::new("outbox"),
        )
        .expect_err("unsafe settings");
        let message = error.to_string();
        assert!(message.contains("unencrypted"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn smtp_allows_clear_password_on_loopback() {
        let settings = MailSettings::from_lookup(
            &lookup(&[
                (ENV_TRANSPORT, "smtp"),
                (ENV_SMTP_HOST, "127.0.0.1"),
                (ENV_SMTP_SECURITY, "none"),
                (ENV_SMTP_USERNAME, "shop"),
                (ENV_SMTP_PASSWORD, "hunter2"),
            ]),
            Path::new("outbox"),
        );
        assert!(matches!(
            settings,
            Ok(MailSettings::Smtp(SmtpSettings { port: 25, .. }))
        ));
    }

    #[test]
    fn unknown_transport_rejected() {
        let error = MailSettings::from_lookup(&lookup(&[(ENV_TRANSPORT, "sendmail")]), Path::new("o"))
            .expect_err("unknown transport");
        assert_eq!(
            error.to_string(),
            "COMPTOIR_MAIL_TRANSPORT is invalid: `sendmail`, expected `outbox` or `smtp`"
        );
    }
}

//! Sends emails to an SMTP server with lettre, over STARTTLS, implicit TLS or (for a
//! local relay) a plain connection, as set in [`SmtpSettings`].

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::mail::message::{build_message, without_recipient};
use crate::mail::settings::{SmtpSecurity, SmtpSettings};
use crate::mail::{BoxFuture, Email, MailError, Mailer};

/// Sends emails through an SMTP server; connections are pooled between emails.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    server: String,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Prepares the transport; nothing connects until the first email.
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let tls_failed = |error: lettre::transport::smtp::Error| MailError {
            reason: format!("cannot set up TLS for {}: {error}", settings.host),
        };
        let builder = match settings.security {
            // STARTTLS is required, not opportunistic: lettre stops before sending
            // credentials or the message if the server does not offer it.
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host).map_err(tls_failed)?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(tls_failed)?
            }
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
        };
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        if let Some(credentials) = &settings.credentials {
            builder = builder.credentials(Credentials::new(
                credentials.username.clone(),
                credentials.password.expose().to_owned(),
            ));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            server: format!("{}:{}", settings.host, settings.port),
        })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let message = build_message(email)?;
            self.transport.send(message).await.map_err(|error| MailError {
                reason: without_recipient(
                    format!("the SMTP server {} did not take the email: {error}", self.server),
                    email,
                ),
            })?;
            tracing::info!(server = %self.server, "email sent over SMTP");
            Ok(())
        })
    }
}

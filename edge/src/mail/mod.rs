//! Emails: rendered from the theme's email templates in the customer's language and
//! handed to a [`Mailer`].

use std::future::Future;
use std::pin::Pin;

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Sender address, the shop's contact email.
    pub from: String,
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body, when the template has one.
    pub html: Option<String>,
}

/// Why an email could not be handed over.
#[derive(Debug, thiserror::Error)]
#[error("sending the email failed: {reason}")]
pub struct MailError {
    /// What failed, without the recipient's address.
    pub reason: String,
}

/// A boxed future that is `Send` on native hosts.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Hands emails to a transport: a folder of `.eml` files, SMTP, or an HTTP API.
pub trait Mailer: Send + Sync {
    /// Sends one email.
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), MailError>>;
}

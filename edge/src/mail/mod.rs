//! Emails: rendered from the theme's email templates in the customer's language and
//! handed to a [`Mailer`].
//!
//! [`render`] turns an [`EmailContext`] into an [`Email`]. [`settings`] reads which
//! transport the native host uses. The native transports are [`OutboxMailer`] (`.eml`
//! files in a folder, the default) and [`SmtpMailer`].

pub mod brevo;
pub mod context;
pub mod env;
pub mod render;
pub mod settings;

#[cfg(feature = "native")]
mod message;
#[cfg(feature = "native")]
pub mod outbox;
#[cfg(feature = "native")]
pub mod smtp;

use std::future::Future;
use std::pin::Pin;

pub use context::EmailContext;
pub use env::Secret;
#[cfg(feature = "native")]
pub use outbox::OutboxMailer;
pub use render::{EmailKind, EmailTemplates, RenderedEmail, TemplateError};
pub use settings::{MailSettings, SmtpSecurity, SmtpSettings};
#[cfg(feature = "native")]
pub use smtp::SmtpMailer;

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

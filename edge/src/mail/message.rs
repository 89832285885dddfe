//! Turns an [`Email`] into an RFC 5322 message with lettre's builder: encoded UTF-8
//! headers, a `Date` and a `Message-ID`, and `multipart/alternative` when there is
//! an HTML body.

use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart};

use crate::mail::{Email, MailError};

/// Builds the message. Errors name the sender but never the recipient.
pub(crate) fn build_message(email: &Email) -> Result<Message, MailError> {
    let from: Mailbox = email.from.parse().map_err(|error| MailError {
        reason: format!("invalid sender `{}`: {error}", email.from),
    })?;
    let to: Mailbox = email.to.parse().map_err(|error| MailError {
        reason: format!("invalid recipient address: {error}"),
    })?;

    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.as_str())
        .date_now()
        .message_id(None);
    let built = match &email.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(email.text.clone())),
    };
    built.map_err(|error| MailError {
        reason: format!("the email cannot be built: {error}"),
    })
}

/// Replaces the recipient's address in a transport's message, which may quote it.
pub(crate) fn without_recipient(reason: String, email: &Email) -> String {
    match email.to.parse::<Mailbox>() {
        Ok(mailbox) => reason.replace(&mailbox.email.to_string(), "<recipient>"),
        Err(_) => reason,
    }
}

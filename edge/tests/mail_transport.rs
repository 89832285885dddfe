//! The native mailers: `.eml` files in an outbox, and SMTP against a local sink.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use std::path::Path;
use std::time::Duration;

use edge::mail::context::sender;
use edge::mail::settings::{SmtpCredentials, SmtpSecurity, SmtpSettings};
use edge::mail::{Email, MailSettings, Mailer, OutboxMailer, Secret, SmtpMailer};
use mailparse::{MailHeaderMap, ParsedMail};
use smtp_sink::SmtpSink;

const SUBJECT: &str = "Confirmation de votre commande n° AB-000042";
const TEXT: &str =
    "Bonjour Camille,\n\nMerci pour votre commande : 115,70\u{A0}€.\n.Une ligne qui commence par un point.\n";
const HTML: &str = "<p>Bonjour Camille,</p><p>Merci pour votre commande&nbsp;: 115,70\u{A0}€.</p>";

fn email(html: bool) -> Email {
    Email {
        from: sender("Atelier Brume, Lyon", "bonjour@atelier-brume.fr"),
        to: "Camille Martin <camille@example.org>".to_owned(),
        subject: SUBJECT.to_owned(),
        text: TEXT.to_owned(),
        html: html.then(|| HTML.to_owned()),
    }
}

fn outbox_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("outbox folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn body_text(part: &ParsedMail<'_>) -> String {
    part.get_body().expect("decoded body").replace("\r\n", "\n")
}

/// The display name and address of a one-mailbox header, decoded.
fn single_address(message: &ParsedMail<'_>, name: &str) -> (String, String) {
    let headers = message.get_headers();
    let header = headers.get_first_header(name).expect("address header");
    let addresses = mailparse::addrparse_header(header).expect("address list");
    match addresses.extract_single_info() {
        Some(info) => (info.display_name.unwrap_or_default(), info.addr),
        None => panic!("{name} should hold one mailbox"),
    }
}

fn assert_headers(message: &ParsedMail<'_>) {
    let headers = message.get_headers();
    assert_eq!(headers.get_first_value("Subject").as_deref(), Some(SUBJECT));
    assert_eq!(
        single_address(message, "From"),
        (
            "Atelier Brume, Lyon".to_owned(),
            "bonjour@atelier-brume.fr".to_owned()
        )
    );
    assert_eq!(
        single_address(message, "To"),
        ("Camille Martin".to_owned(), "camille@example.org".to_owned())
    );
    assert_eq!(headers.get_first_value("MIME-Version").as_deref(), Some("1.0"));
    assert!(headers.get_first_value("Date").is_some(), "Date header");
    assert!(
        headers.get_first_value("Message-ID").is_some(),
        "Message-ID header"
    );
}

fn assert_alternative(message: &ParsedMail<'_>) {
    assert_eq!(message.ctype.mimetype, "multipart/alternative");
    assert_eq!(message.subparts.len(), 2);
    let (plain, html) = (&message.subparts[0], &message.subparts[1]);
    assert_eq!(plain.ctype.mimetype, "text/plain");
    assert_eq!(plain.ctype.charset.to_ascii_lowercase(), "utf-8");
    assert_eq!(body_text(plain), TEXT);
    assert_eq!(html.ctype.mimetype, "text/html");
    assert_eq!(html.ctype.charset.to_ascii_lowercase(), "utf-8");
    assert_eq!(body_text(html), HTML);
}

#[test]
fn outbox_file_parses_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outbox = OutboxMailer::new(dir.path().join("outbox"));
    let path = outbox.write(&email(true)).expect("written");

    let names = outbox_files(outbox.dir());
    assert_eq!(names.len(), 1, "only the message, no temporary file: {names:?}");
    assert_eq!(
        path.file_name().map(|name| name.to_string_lossy().into_owned()),
        Some(names[0].clone())
    );
    assert!(names[0].ends_with(".eml"), "{names:?}");

    let raw = std::fs::read(&path).expect("read back");
    let header_end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("header block");
    assert!(
        raw[..header_end].is_ascii(),
        "headers must be 7-bit, UTF-8 goes in encoded words"
    );
    let message = mailparse::parse_mail(&raw).expect("RFC 5322 message");
    assert_headers(&message);
    assert_alternative(&message);
}

#[test]
fn outbox_plain_text_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = OutboxMailer::new(dir.path())
        .write(&email(false))
        .expect("written");
    let raw = std::fs::read(path).expect("read back");
    let message = mailparse::parse_mail(&raw).expect("RFC 5322 message");
    assert_eq!(message.ctype.mimetype, "text/plain");
    assert_eq!(message.ctype.charset.to_ascii_lowercase(), "utf-8");
    assert!(message.subparts.is_empty());
    // A single-part body ends with the CRLF that closes the message.
    assert_eq!(
        body_text(&message).trim_end_matches('\n'),
        TEXT.trim_end_matches('\n')
    );
}

#[tokio::test]
async fn outbox_names_sort_in_sending_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = MailSettings::Outbox {
        dir: dir.path().join("mail"),
    };
    let mailer = settings.build().expect("outbox mailer");
    for number in 1..=3 {
        let mut numbered = email(false);
        numbered.subject = format!("Commande {number}");
        mailer.send(&numbered).await.expect("sent");
    }

    let names = outbox_files(&dir.path().join("mail"));
    assert_eq!(names.len(), 3, "{names:?}");
    let subjects: Vec<String> = names
        .iter()
        .map(|name| {
            let raw = std::fs::read(dir.path().join("mail").join(name)).expect("read");
            let message = mailparse::parse_mail(&raw).expect("parse");
            message.get_headers().get_first_value("Subject").expect("subject")
        })
        .collect();
    assert_eq!(subjects, ["Commande 1", "Commande 2", "Commande 3"]);
}

#[test]
fn invalid_addresses_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outbox = OutboxMailer::new(dir.path());

    let mut bad_sender = email(false);
    bad_sender.from = "Atelier Brume".to_owned();
    let error = outbox.write(&bad_sender).expect_err("invalid sender");
    assert!(
        error.reason.starts_with("invalid sender `Atelier Brume`"),
        "{error}"
    );

    let mut bad_recipient = email(false);
    bad_recipient.to = "camille.example.org".to_owned();
    let error = outbox.write(&bad_recipient).expect_err("invalid recipient");
    assert!(error.reason.starts_with("invalid recipient address"), "{error}");
    assert!(!error.reason.contains("camille"), "{error}");
    assert!(outbox_files(dir.path()).is_empty());
}

fn sink_settings(port: u16, security: SmtpSecurity) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".to_owned(),
        port,
        security,
        credentials: Some(SmtpCredentials {
            username: "boutique".to_owned(),
            password: Secret::new("mot-de-passe"),
        }),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn smtp_delivers_to_sink() {
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink_settings(sink.port, SmtpSecurity::None)).expect("mailer");
    mailer.send(&email(true)).await.expect("sent");

    let sessions = sink.sessions();
    let session = sessions
        .iter()
        .find(|session| !session.messages.is_empty())
        .expect("a delivery");
    assert_eq!(
        session.login,
        Some(("boutique".to_owned(), "mot-de-passe".to_owned()))
    );
    assert_eq!(session.mail_from.as_deref(), Some("bonjour@atelier-brume.fr"));
    assert_eq!(session.recipients, ["camille@example.org"]);
    assert_eq!(session.messages.len(), 1);

    let message = mailparse::parse_mail(session.messages[0].as_bytes()).expect("RFC 5322 message");
    assert_headers(&message);
    assert_alternative(&message);
}

#[tokio::test]
async fn smtp_starttls_required() {
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink_settings(sink.port, SmtpSecurity::StartTls)).expect("mailer");
    let error = mailer
        .send(&email(false))
        .await
        .expect_err("the sink offers no STARTTLS");
    assert!(
        error.reason.starts_with(&format!(
            "the SMTP server 127.0.0.1:{} did not take the email",
            sink.port
        )),
        "{error}"
    );
    assert!(error.reason.contains("STARTTLS is not supported"), "{error}");

    for session in sink.sessions() {
        assert_eq!(session.login, None, "credentials sent without TLS");
        assert_eq!(session.mail_from, None, "message started without TLS");
        assert!(session.messages.is_empty());
    }
}

#[tokio::test]
async fn smtp_unreachable_server_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let mut settings = sink_settings(port, SmtpSecurity::None);
    settings.timeout = Duration::from_secs(2);
    let error = SmtpMailer::new(&settings)
        .expect("mailer")
        .send(&email(false))
        .await
        .expect_err("nothing listens");
    assert!(
        error.reason.starts_with(&format!(
            "the SMTP server 127.0.0.1:{port} did not take the email"
        )),
        "{error}"
    );
    assert!(!error.reason.contains("camille@example.org"), "{error}");
}

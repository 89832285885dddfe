//! The erasure report as the person reads it: the API response carries
//! [`ErasureReport`] as JSON; the email gets [`ReportView`], with counts turned into
//! sentences and dates formatted in the person's language.

use commerce::Locale;
use commerce::retention::LegalGround;
use serde::Serialize;

use crate::i18n::{self, Arg, Lang};
use crate::mail::context::format_date;
use crate::privacy::erasure::ErasureReport;

/// The report in an email's template context (`report` in
/// `data_request_report.*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportView {
    /// `fulfilled` or `deferred`.
    pub status: &'static str,
    /// One sentence per kind of data deleted, such as "2 carts".
    pub deleted: Vec<String>,
    /// Orders kept in the restricted archive.
    pub kept: Vec<KeptView>,
    /// Open orders that postpone the erasure.
    pub deferred: Vec<DeferredView>,
    /// True when the shop held nothing: nothing deleted, kept or deferred.
    pub nothing_held: bool,
}

/// A kept order, as the email shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptView {
    /// Order number.
    pub number: String,
    /// `invoice` or `contract`: the Fluent strings choose the legal text by it.
    pub ground: &'static str,
    /// Purge date, formatted for the locale.
    pub until_on: String,
}

/// An open order, as the email shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeferredView {
    /// Order number.
    pub number: String,
    /// End of its withdrawal period, formatted; `None` while it is not shipped.
    pub until_on: Option<String>,
}

/// Builds the email view of `report` for `locale`.
pub fn view(report: &ErasureReport, locale: &Locale) -> ReportView {
    let lang = Lang::of(locale);
    let deleted = deleted_lines(report, lang);
    let kept: Vec<KeptView> = report
        .kept
        .iter()
        .map(|order| KeptView {
            number: order.number.clone(),
            ground: ground_name(order.ground),
            until_on: date(order.until, locale),
        })
        .collect();
    let deferred: Vec<DeferredView> = report
        .deferred
        .iter()
        .map(|order| DeferredView {
            number: order.number.clone(),
            until_on: order.open_until.map(|at| date(at, locale)),
        })
        .collect();
    let nothing_held = deleted.is_empty() && kept.is_empty() && deferred.is_empty();
    ReportView {
        status: if report.is_deferred() {
            "deferred"
        } else {
            "fulfilled"
        },
        deleted,
        kept,
        deferred,
        nothing_held,
    }
}

/// Writes the report as plain text in `lang`, for stores without email templates: the
/// same sections as the templates, one line per item.
pub fn plain_text(view: &ReportView, lang: Lang) -> String {
    let message = |id: &str, args: &[(&str, Arg)]| i18n::message(lang, id, args);
    let mut sections: Vec<String> = Vec::new();
    if !view.deferred.is_empty() {
        let mut lines = vec![message(
            "email-privacy-report-deferred",
            &[("count", Arg::from(view.deferred.len()))],
        )];
        for order in &view.deferred {
            let line = match &order.until_on {
                Some(date) => message(
                    "email-privacy-report-deferred-until",
                    &[
                        ("number", Arg::from(order.number.as_str())),
                        ("date", Arg::from(date.as_str())),
                    ],
                ),
                None => message(
                    "email-privacy-report-deferred-unshipped",
                    &[("number", Arg::from(order.number.as_str()))],
                ),
            };
            lines.push(format!("- {line}"));
        }
        sections.push(lines.join("\n"));
    }
    if !view.deleted.is_empty() {
        let mut lines = vec![message("email-privacy-report-deleted", &[])];
        lines.extend(view.deleted.iter().map(|item| format!("- {item}")));
        sections.push(lines.join("\n"));
    }
    if !view.kept.is_empty() {
        let mut lines = vec![message("email-privacy-report-kept", &[])];
        for order in &view.kept {
            let line = message(
                "email-privacy-report-kept-order",
                &[
                    ("number", Arg::from(order.number.as_str())),
                    ("ground", Arg::from(order.ground)),
                    ("date", Arg::from(order.until_on.as_str())),
                ],
            );
            lines.push(format!("- {line}"));
        }
        sections.push(lines.join("\n"));
    }
    if view.nothing_held {
        sections.push(message("email-privacy-report-nothing", &[]));
    }
    sections.join("\n\n")
}

/// `invoice` or `contract`, as serde names the ground.
fn ground_name(ground: LegalGround) -> &'static str {
    match ground {
        LegalGround::Invoice => "invoice",
        LegalGround::Contract => "contract",
    }
}

/// Writes one sentence per non-zero count, in a fixed order.
fn deleted_lines(report: &ErasureReport, lang: Lang) -> Vec<String> {
    let counts = &report.deleted;
    let items = [
        ("email-privacy-deleted-customer", counts.customer),
        ("email-privacy-deleted-orders", counts.orders_deleted),
        ("email-privacy-deleted-archived", counts.orders_archived),
        ("email-privacy-deleted-carts", counts.carts),
        ("email-privacy-deleted-subscriptions", counts.subscriptions),
        (
            "email-privacy-deleted-unsubscribe-links",
            counts.unsubscribe_tokens,
        ),
        ("email-privacy-deleted-marketing", counts.forget_jobs),
    ];
    items
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(id, count)| {
            let count = i64::try_from(*count).unwrap_or(i64::MAX);
            i18n::message(lang, id, &[("count", Arg::from(count))])
        })
        .collect()
}

/// Formats a date as a letter writes it, in `locale`.
pub fn date(at: i64, locale: &Locale) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|time| format_date(time.date(), locale))
        .unwrap_or_else(|_| at.to_string())
}

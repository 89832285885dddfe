//! The personal-data emails: the confirmation link of a request, the erasure
//! report, and the warning sent before an inactive person's data is anonymised.
//!
//! Each is rendered from the store's theme templates (`data_request_confirm`,
//! `data_request_report`, `inactive_warning`) when the build published them, else
//! sent as plain localized text from the edge's own messages. Logs name the
//! request id, never the address.
//!
//! A template's context contains:
//!
//! ```text
//! lang, shop, store       as in the order emails (see `mail::context`)
//! footer_reason           Fluent id of the footer's "why you receive this" line
//! request   {id, kind ("export" | "erasure"), email, received_on, deadline_on,
//!            confirm_hours}                       confirmation and report
//! report    {status ("fulfilled" | "deferred"), deleted[text], kept[{number,
//!            ground ("invoice" | "contract"), until_on}], deferred[{number,
//!            until_on?}], nothing_held}           report only
//! warning   {last_contact_on, anonymise_on, inactive_years}   inactivity only
//! links     {shop, confirm?}                      absolute URLs
//! ```

use commerce::Locale;
use commerce::pricebook::StoreManifest;
use serde::Serialize;

use crate::catalog::Store;
use crate::i18n::{self, Arg, Lang};
use crate::mail::context::{EmailAddress, EmailShop, EmailStore, sender};
use crate::mail::{Email, EmailKind};
use crate::privacy::erasure::ErasureReport;
use crate::privacy::report::{self, ReportView};
use crate::state::AppState;
use crate::storage::{DataRequest, InactivePerson};

/// Sends the confirmation link of `request`, whose confirmation token is `token`
/// (in clear: only its hash is stored). The link opens the store's "my data" page
/// with the token in the URL fragment, which browsers never send to a server.
pub async fn send_confirmation(state: &AppState, request: &DataRequest, token: &str) -> Result<(), String> {
    let catalog = state.catalog();
    let store = deployed_store(&catalog, &request.store)?;
    let to = recipient(request)?;
    let locale = locale_of(&request.locale, store);
    let settings = &store.manifest.privacy;
    let confirm_url = format!("{}#token={token}", data_requests_page(&store.manifest, &locale));
    let context = Context {
        lang: locale.as_str().to_owned(),
        shop: email_shop(&store.manifest),
        store: email_store(&store.manifest),
        footer_reason: "email-footer-reason-data-request",
        request: Some(request_view(request, to, settings.confirmation_hours, &locale)),
        report: None,
        warning: None,
        links: Links {
            shop: home_page(&store.manifest, &locale),
            confirm: Some(confirm_url.clone()),
        },
    };
    let email = build(store, EmailKind::DataRequestConfirm, &context, to, || {
        let lang = Lang::of(&locale);
        let args = [
            ("kind", Arg::from(request.kind.as_str())),
            ("store", Arg::from(store.manifest.name.as_str())),
            ("email", Arg::from(to)),
            ("url", Arg::from(confirm_url.as_str())),
            ("hours", Arg::from(settings.confirmation_hours)),
            ("date", Arg::from(report::date(request.received_at, &locale))),
            ("deadline", Arg::from(report::date(request.deadline_at, &locale))),
        ];
        (
            i18n::message(lang, "email-privacy-confirm-subject", &args),
            i18n::message(lang, "email-privacy-confirm-body", &args),
        )
    })?;
    state.mailer().send(&email).await.map_err(|error| error.reason)?;
    tracing::info!(request = %request.id, kind = request.kind.as_str(), "data request confirmation sent");
    Ok(())
}

/// Sends the erasure report. `request` must be the request as read before the
/// erasure was applied: fulfilling it clears its email.
pub async fn send_erasure_report(
    state: &AppState,
    request: &DataRequest,
    report: &ErasureReport,
) -> Result<(), String> {
    let catalog = state.catalog();
    let store = deployed_store(&catalog, &request.store)?;
    let to = recipient(request)?;
    let locale = locale_of(&request.locale, store);
    let view = report::view(report, &locale);
    let context = Context {
        lang: locale.as_str().to_owned(),
        shop: email_shop(&store.manifest),
        store: email_store(&store.manifest),
        footer_reason: "email-footer-reason-data-request",
        request: Some(request_view(
            request,
            to,
            store.manifest.privacy.confirmation_hours,
            &locale,
        )),
        report: Some(view.clone()),
        warning: None,
        links: Links {
            shop: home_page(&store.manifest, &locale),
            confirm: None,
        },
    };
    let email = build(store, EmailKind::DataRequestReport, &context, to, || {
        plain_report(&view, store, request, &locale)
    })?;
    state.mailer().send(&email).await.map_err(|error| error.reason)?;
    tracing::info!(request = %request.id, status = view.status, "erasure report sent");
    Ok(())
}

/// Sends the warning to a person inactive since `person.last_contact_at`, whose
/// data is anonymised at `anonymise_at` unless they get in touch.
pub async fn send_inactive_warning(
    state: &AppState,
    person: &InactivePerson,
    anonymise_at: i64,
) -> Result<(), String> {
    let catalog = state.catalog();
    let store = deployed_store(&catalog, &person.store)?;
    let locale = locale_of(&person.locale, store);
    let shop_url = home_page(&store.manifest, &locale);
    let warning = WarningView {
        last_contact_on: report::date(person.last_contact_at, &locale),
        anonymise_on: report::date(anonymise_at, &locale),
        inactive_years: store.manifest.privacy.inactive_years,
    };
    let context = Context {
        lang: locale.as_str().to_owned(),
        shop: email_shop(&store.manifest),
        store: email_store(&store.manifest),
        footer_reason: "email-footer-reason-inactive",
        request: None,
        report: None,
        warning: Some(warning.clone()),
        links: Links {
            shop: shop_url.clone(),
            confirm: None,
        },
    };
    let email = build(store, EmailKind::InactiveWarning, &context, &person.email, || {
        let lang = Lang::of(&locale);
        let args = [
            ("store", Arg::from(store.manifest.name.as_str())),
            ("date", Arg::from(warning.anonymise_on.as_str())),
            ("last_contact", Arg::from(warning.last_contact_on.as_str())),
            ("years", Arg::from(warning.inactive_years)),
            ("url", Arg::from(shop_url.as_str())),
            ("email", Arg::from(store.manifest.shop.email.as_str())),
        ];
        (
            i18n::message(lang, "email-privacy-inactive-subject", &args),
            i18n::message(lang, "email-privacy-inactive-body", &args),
        )
    })?;
    state.mailer().send(&email).await.map_err(|error| error.reason)?;
    tracing::info!(store = %person.store, "inactivity warning sent");
    Ok(())
}

/// Tells the person that the shop extended the deadline of `request` (its new
/// `deadline_at`), as plain localized text: an extension is rare, and no theme
/// template exists for it.
pub async fn send_extension_notice(state: &AppState, request: &DataRequest) -> Result<(), String> {
    let catalog = state.catalog();
    let store = deployed_store(&catalog, &request.store)?;
    let to = recipient(request)?;
    let locale = locale_of(&request.locale, store);
    let lang = Lang::of(&locale);
    let args = [
        ("kind", Arg::from(request.kind.as_str())),
        ("store", Arg::from(store.manifest.name.as_str())),
        ("date", Arg::from(report::date(request.received_at, &locale))),
        ("deadline", Arg::from(report::date(request.deadline_at, &locale))),
        ("email", Arg::from(store.manifest.shop.email.as_str())),
    ];
    let email = Email {
        from: sender(&store.manifest.name, &store.manifest.shop.email),
        to: to.to_owned(),
        subject: i18n::message(lang, "email-privacy-extended-subject", &args),
        text: i18n::message(lang, "email-privacy-extended-body", &args),
        html: None,
    };
    state.mailer().send(&email).await.map_err(|error| error.reason)?;
    tracing::info!(request = %request.id, "data request extension notice sent");
    Ok(())
}

/// The template context of the three emails; see the module documentation.
#[derive(Debug, Clone, Serialize)]
struct Context {
    lang: String,
    shop: EmailShop,
    store: EmailStore,
    footer_reason: &'static str,
    request: Option<RequestView>,
    report: Option<ReportView>,
    warning: Option<WarningView>,
    links: Links,
}

#[derive(Debug, Clone, Serialize)]
struct RequestView {
    id: String,
    kind: &'static str,
    email: String,
    received_on: String,
    deadline_on: String,
    confirm_hours: u32,
}

#[derive(Debug, Clone, Serialize)]
struct WarningView {
    last_contact_on: String,
    anonymise_on: String,
    inactive_years: u32,
}

#[derive(Debug, Clone, Serialize)]
struct Links {
    shop: String,
    confirm: Option<String>,
}

fn request_view(request: &DataRequest, email: &str, confirm_hours: u32, locale: &Locale) -> RequestView {
    RequestView {
        id: request.id.clone(),
        kind: request.kind.as_str(),
        email: email.to_owned(),
        received_on: report::date(request.received_at, locale),
        deadline_on: report::date(request.deadline_at, locale),
        confirm_hours,
    }
}

/// Renders `kind` from the store's templates when it has them, else builds the
/// plain-text email that `plain` returns as (subject, body).
fn build(
    store: &Store,
    kind: EmailKind,
    context: &Context,
    to: &str,
    plain: impl FnOnce() -> (String, String),
) -> Result<Email, String> {
    let from = sender(&store.manifest.name, &store.manifest.shop.email);
    match &store.emails {
        Some(templates) if templates.has(kind) => templates
            .render_context(kind, &context.lang, context)
            .map(|rendered| rendered.into_email(from, to.to_owned()))
            .map_err(|error| error.to_string()),
        _ => {
            let (subject, text) = plain();
            Ok(Email {
                from,
                to: to.to_owned(),
                subject,
                text,
                html: None,
            })
        }
    }
}

fn plain_report(
    view: &ReportView,
    store: &Store,
    request: &DataRequest,
    locale: &Locale,
) -> (String, String) {
    let lang = Lang::of(locale);
    let args = [
        ("status", Arg::from(view.status)),
        ("store", Arg::from(store.manifest.name.as_str())),
        ("date", Arg::from(report::date(request.received_at, locale))),
        ("email", Arg::from(store.manifest.shop.email.as_str())),
    ];
    let subject = i18n::message(lang, "email-privacy-report-subject", &args);
    let body = format!(
        "{}\n\n{}\n\n{}",
        i18n::message(lang, "email-privacy-report-intro", &args),
        report::plain_text(view, lang),
        i18n::message(lang, "email-privacy-signature", &args),
    );
    (subject, body)
}

fn deployed_store<'a>(catalog: &'a crate::catalog::Catalog, id: &str) -> Result<&'a Store, String> {
    catalog
        .store(id)
        .map(|store| store.as_ref())
        .ok_or_else(|| format!("store `{id}` is not deployed"))
}

fn recipient(request: &DataRequest) -> Result<&str, String> {
    request
        .email
        .as_deref()
        .ok_or_else(|| format!("request {} no longer holds an email address", request.id))
}

/// Picks the request's locale when the store has it, else the store's default.
fn locale_of(tag: &str, store: &Store) -> Locale {
    Locale::parse(tag)
        .ok()
        .filter(|locale| store.manifest.locales.contains(locale))
        .or_else(|| store.default_locale().cloned())
        .unwrap_or_else(|| Lang::En.locale())
}

/// Builds the absolute URL of the store's home page in `locale`.
fn home_page(manifest: &StoreManifest, locale: &Locale) -> String {
    let base_url = manifest.base_url.trim_end_matches('/');
    let home = manifest
        .pages
        .get(locale)
        .map_or("/", |pages| pages.home.as_str());
    format!("{base_url}{home}")
}

/// Builds the absolute URL of the store's "my data" page in `locale`. Manifests of builds
/// without that page give no path: the generator's path is then assumed, the
/// home path followed by `mes-donnees/` in French and `my-data/` otherwise.
pub fn data_requests_page(manifest: &StoreManifest, locale: &Locale) -> String {
    let base_url = manifest.base_url.trim_end_matches('/');
    let pages = manifest.pages.get(locale);
    match pages.map(|pages| pages.data_requests.as_str()) {
        Some(path) if !path.is_empty() => format!("{base_url}{path}"),
        _ => {
            let home = pages.map_or("/", |pages| pages.home.as_str());
            let page = if locale.is_french() {
                "mes-donnees/"
            } else {
                "my-data/"
            };
            format!("{base_url}{home}{page}")
        }
    }
}

fn email_shop(manifest: &StoreManifest) -> EmailShop {
    let shop = &manifest.shop;
    EmailShop {
        legal_name: shop.legal_name.clone(),
        legal_form: shop.legal_form.clone(),
        siret: shop.siret.clone(),
        vat_number: shop.vat_number.clone(),
        rcs: None,
        address: EmailAddress {
            street: shop.address.street.clone(),
            postal_code: shop.address.postal_code.clone(),
            city: shop.address.city.clone(),
            country: shop.address.country.clone(),
        },
        email: shop.email.clone(),
        phone: shop.phone.clone(),
        vat_exempt: shop.vat_exempt,
    }
}

fn email_store(manifest: &StoreManifest) -> EmailStore {
    EmailStore {
        id: manifest.store.clone(),
        name: manifest.name.clone(),
        base_url: manifest.base_url.trim_end_matches('/').to_owned(),
    }
}

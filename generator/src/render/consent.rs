//! Consent in rendered pages: the `consent` value of every template, the policy
//! published as `_comptoir/consent.json`, and the iframes of bodies held as
//! placeholders until the visitor consents.
//!
//! Everything that depends only on the store is computed once per store
//! ([`StoreConsent::prepare`]): the declaration, the inert scripts, the banner
//! texts of each locale and the policy hash over them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use commerce::Locale;
use commerce::consent::html::{escape_text, find_end_tag, inert_scripts, parse_start_tag, quote_attribute};
use commerce::consent::{CONSENT_COOKIE, ConsentPolicy, Declaration, LegalBasis, Purpose, Service};
use fluent_bundle::FluentArgs;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;
use crate::render::context::{PageEnv, country_name};
use crate::render::routes::PageKind;
use crate::render::store::StoreData;
use crate::theme::{EMAIL_STRINGS, ThemeFiles, ThemeStrings, Translator};

/// Prefix of the theme strings that make the banner and the panel; they are
/// published in `consent.json` and covered by the policy hash.
pub const BANNER_PREFIX: &str = "consent-";

/// One service's script, inert until consent.
#[derive(Debug, Clone, Serialize)]
pub struct ScriptView {
    /// Service id.
    pub service: String,
    /// Purposes the visitor must grant for the script to run.
    pub purposes: Vec<String>,
    /// Whether every purpose is exempt or required, so the script runs unless the
    /// visitor objects.
    pub exempt: bool,
    /// The service's `<script>` elements with `type="text/plain"`, `data-src`,
    /// `data-purpose` and `data-service`.
    pub html: String,
}

/// The texts of an embed placeholder for one service in one locale.
#[derive(Debug, Clone)]
struct Placeholder {
    text: String,
    accept: String,
    open: String,
}

/// The consent data of one store, shared by all its pages.
#[derive(Debug)]
pub struct StoreConsent {
    /// Purposes and services with their texts in every language.
    pub declaration: Declaration,
    /// The policy published as `consent.json`.
    pub policy: ConsentPolicy,
    /// Inert scripts of every script service, in service order.
    pub scripts: Vec<ScriptView>,
    /// Whether pages set Google Consent Mode defaults.
    pub google_consent_mode: bool,
    /// Months a choice is kept.
    pub retention_months: i64,
    /// Per locale of the store: the banner texts, as in `policy.texts`.
    texts: Vec<BTreeMap<String, String>>,
    /// Per locale of the store: placeholder texts by service id.
    placeholders: Vec<BTreeMap<String, Placeholder>>,
}

impl StoreConsent {
    /// Builds the consent data of a store, or `None` when the shop declares no
    /// `[consent]`.
    pub fn prepare(
        data: &StoreData<'_>,
        files: &ThemeFiles,
        strings: &ThemeStrings,
    ) -> Result<Option<StoreConsent>, Diagnostics> {
        let settings = &data.shop.settings;
        let Some(consent) = &settings.consent else {
            return Ok(None);
        };
        let declaration = consent.declaration(&settings.shop.legal_name);
        let scripts = inert_service_scripts(&declaration)?;

        let banner_ids = banner_ids(files);
        let content_locale = &settings.shop.content_locale;
        let mut texts = Vec::with_capacity(data.routes.locales.len());
        let mut placeholders = Vec::with_capacity(data.routes.locales.len());
        for locale in &data.routes.locales {
            let translator = strings.translator(locale.as_str());
            let mut locale_texts = declaration.texts(locale, content_locale);
            let mut args = FluentArgs::new();
            args.set("store", data.store.name.as_str());
            args.set("months", consent.retention_months());
            for id in &banner_ids {
                locale_texts.insert(id.clone(), translator.translate(id, &args));
            }
            texts.push(locale_texts);
            placeholders.push(placeholder_texts(&declaration, &translator, locale));
        }

        let policy = ConsentPolicy::new(
            data.id(),
            consent.policy_version.get_ref(),
            consent.retention_days(),
            declaration.published(),
            data.routes
                .locales
                .iter()
                .cloned()
                .zip(texts.iter().cloned())
                .collect(),
        );
        Ok(Some(StoreConsent {
            google_consent_mode: consent.google_consent_mode(),
            retention_months: consent.retention_months(),
            declaration,
            policy,
            scripts,
            texts,
            placeholders,
        }))
    }

    /// Replaces every `<iframe data-service="…">` of a body with a placeholder in
    /// the page's locale that the consent script turns back into the iframe after
    /// consent to the service's purposes. Bodies without `data-service` are
    /// returned as they are.
    pub fn hold_embeds<'h>(&self, locale: usize, html: &'h str) -> Cow<'h, str> {
        if !html.contains("data-service") {
            return Cow::Borrowed(html);
        }
        let mut output = String::with_capacity(html.len() + 512);
        let mut copied = 0;
        let mut position = 0;
        while let Some(found) = html[position..].find('<') {
            let start = position + found;
            position = start + 1;
            let Some(tag) = parse_start_tag(html, start) else {
                continue;
            };
            position = tag.end;
            if tag.name != "iframe" {
                continue;
            }
            let Some(service) = tag
                .attribute("data-service")
                .and_then(|id| self.declaration.service(id))
            else {
                continue;
            };
            let end = if tag.self_closing {
                tag.end
            } else {
                find_end_tag(html, tag.end, "iframe")
                    .and_then(|end_tag| html[end_tag..].find('>').map(|close| end_tag + close + 1))
                    .unwrap_or(tag.end)
            };
            output.push_str(&html[copied..start]);
            output.push_str(&self.placeholder(locale, service, &tag.attributes));
            copied = end;
            position = end;
        }
        output.push_str(&html[copied..]);
        Cow::Owned(output)
    }

    fn placeholder(
        &self,
        locale: usize,
        service: &Service,
        attributes: &[(String, Option<String>)],
    ) -> String {
        let texts = &self.placeholders[locale][&service.id];
        let mut html = String::from("<div class=\"consent-embed\" data-service=");
        html.push_str(&quote_attribute(&service.id));
        html.push_str(" data-purpose=");
        html.push_str(&quote_attribute(&service.purposes.join(" ")));

        // The iframe's own attributes move to `data-*` so nothing loads. Its
        // `data-*` attributes are dropped, since the consent script maps every
        // `data-<name>` back to `<name>`, and so are names that are not plain
        // attribute names.
        for (name, value) in attributes {
            let plain_name = name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
            if name.starts_with("data-") || !plain_name || name.is_empty() {
                continue;
            }
            html.push_str(" data-");
            html.push_str(name);
            if let Some(value) = value {
                html.push('=');
                html.push_str(&quote_attribute(value));
            }
        }

        html.push_str(">\n<p class=\"consent-embed-text\">");
        html.push_str(&escape_text(&texts.text));
        html.push_str(
            "</p>\n<p class=\"consent-embed-actions\"><button type=\"button\" class=\"consent-embed-accept\" data-service=",
        );
        html.push_str(&quote_attribute(&service.id));
        html.push('>');
        html.push_str(&escape_text(&texts.accept));
        html.push_str("</button>");

        let source = attributes
            .iter()
            .find(|(name, _)| name == "src")
            .and_then(|(_, value)| value.as_deref());
        if let Some(source) = source.filter(|url| url.starts_with("https://") || url.starts_with("http://")) {
            html.push_str(" <a class=\"consent-embed-open\" href=");
            html.push_str(&quote_attribute(&watch_url(source)));
            html.push_str(" target=\"_blank\" rel=\"noopener noreferrer\">");
            html.push_str(&escape_text(&texts.open));
            html.push_str("</a>");
        }
        html.push_str("</p>\n</div>");
        html
    }
}

/// Returns the YouTube page of a YouTube embed URL, and other URLs as they are.
fn watch_url(source: &str) -> String {
    for prefix in [
        "https://www.youtube.com/embed/",
        "https://www.youtube-nocookie.com/embed/",
        "https://youtube.com/embed/",
    ] {
        if let Some(rest) = source.strip_prefix(prefix) {
            let video = rest.split(['?', '&', '/', '#']).next().unwrap_or(rest);
            if !video.is_empty() {
                return format!("https://www.youtube.com/watch?v={video}");
            }
        }
    }
    source.to_owned()
}

/// Makes the script of every script service inert.
fn inert_service_scripts(declaration: &Declaration) -> Result<Vec<ScriptView>, Diagnostics> {
    let mut scripts = Vec::new();
    let mut diagnostics = Diagnostics::new();
    for service in &declaration.services {
        let Some(script) = &service.script else {
            continue;
        };
        match inert_scripts(script, &service.id, &service.purposes) {
            Ok(html) => scripts.push(ScriptView {
                service: service.id.clone(),
                purposes: service.purposes.clone(),
                exempt: service.purposes.iter().all(|id| {
                    declaration
                        .purpose(id)
                        .is_some_and(|purpose| purpose.exempt || purpose.required)
                }),
                html,
            }),
            // `Settings::validate` rejects such scripts, so this is only reached
            // when rendering settings that skipped validation.
            Err(error) => diagnostics.push(Diagnostic::file(
                "site.toml",
                msg!("render-consent-script", service = &service.id, error = error),
            )),
        }
    }
    diagnostics.into_result(scripts)
}

/// Ids of the theme strings that start with [`BANNER_PREFIX`], sorted, from every
/// page string file of the theme (not the e-mail ones). Fluent messages start at
/// the beginning of a line with their id, so a line scan finds them all.
fn banner_ids(files: &ThemeFiles) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (name, file) in files.under("i18n") {
        if !name.ends_with(".ftl") || name.starts_with(EMAIL_STRINGS) {
            continue;
        }
        // An unreadable file is reported by `ThemeStrings::parse`.
        let Ok(text) = file.text() else {
            continue;
        };
        for line in text.lines() {
            if !line.starts_with(BANNER_PREFIX) {
                continue;
            }
            let id_end = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(line.len());
            if line[id_end..].trim_start().starts_with('=') {
                ids.push(line[..id_end].to_owned());
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// Placeholder texts of every service in one locale: the theme's strings
/// `consent-embed-text`, `consent-embed-accept` and `consent-embed-open` (with
/// the arguments `service` and `provider`), or built-in ones when the theme has none.
fn placeholder_texts(
    declaration: &Declaration,
    translator: &Translator,
    locale: &Locale,
) -> BTreeMap<String, Placeholder> {
    let french = locale.is_french();
    declaration
        .services
        .iter()
        .map(|service| {
            let mut args = FluentArgs::new();
            args.set("service", service.name.as_str());
            args.set("provider", service.provider.as_str());
            let text = |id: &str, fallback: String| {
                let text = translator.translate(id, &args);
                if text == id { fallback } else { text }
            };
            let (name, provider) = (&service.name, &service.provider);
            let placeholder = Placeholder {
                text: text(
                    "consent-embed-text",
                    if french {
                        format!(
                            "Ce contenu est hébergé par {name} ({provider}), qui dépose des cookies. Il s'affiche si vous acceptez ce service."
                        )
                    } else {
                        format!(
                            "This content is hosted by {name} ({provider}), which sets cookies. It shows once you accept this service."
                        )
                    },
                ),
                accept: text(
                    "consent-embed-accept",
                    if french {
                        format!("Accepter {name} et afficher")
                    } else {
                        format!("Accept {name} and show")
                    },
                ),
                open: text(
                    "consent-embed-open",
                    if french {
                        format!("Voir sur {name}")
                    } else {
                        format!("View on {name}")
                    },
                ),
            };
            (service.id.clone(), placeholder)
        })
        .collect()
}

/// `consent`, as templates see it.
#[derive(Debug, Serialize)]
pub struct ConsentView<'c> {
    enabled: bool,
    policy_version: &'c str,
    policy_hash: &'c str,
    retention_days: i64,
    retention_months: i64,
    cookie_name: &'static str,
    endpoint: &'static str,
    purposes: Vec<PurposeView<'c>>,
    services: Vec<ServiceView<'c>>,
    scripts: &'c [ScriptView],
    google_consent_mode: bool,
    links: ConsentLinks,
    texts: Option<&'c BTreeMap<String, String>>,
}

/// `consent.links`.
#[derive(Debug, Serialize)]
pub struct ConsentLinks {
    /// Path of the privacy policy in the page's locale and currency.
    pub policy: Option<String>,
    /// Path of the record of processing activities.
    pub record: Option<String>,
}

/// A purpose in the page's locale.
#[derive(Debug, Serialize)]
pub struct PurposeView<'c> {
    id: &'c str,
    label: &'c str,
    description: &'c str,
    legal_basis: &'static str,
    legal_basis_label: &'static str,
    exempt: bool,
    required: bool,
    /// Whether the banner asks about it, by the edge's rule for "accept all"
    /// ([`Declaration::asked_in_banner`]).
    in_banner: bool,
    services: Vec<&'c str>,
}

/// A service in the page's locale.
#[derive(Debug, Serialize)]
pub struct ServiceView<'c> {
    id: &'c str,
    name: &'c str,
    provider: &'c str,
    purposes: &'c [String],
    collects: &'c str,
    retention: &'c str,
    transfers: Vec<CountryView<'c>>,
    cookies: &'c [String],
    privacy_url: Option<&'c str>,
    kind: &'static str,
}

/// A country: ISO code and name in the page's locale.
#[derive(Debug, Serialize)]
pub struct CountryView<'c> {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'c str,
    /// Name in the page's locale.
    pub name: &'c str,
}

/// Returns the code and name of each country, the name in French for French
/// locales and in English otherwise (the code for countries outside the built-in list).
pub fn countries<'c>(codes: &'c [String], locale: &Locale) -> Vec<CountryView<'c>> {
    codes
        .iter()
        .map(|code| CountryView {
            code,
            name: country_name(code, locale.is_french()).unwrap_or(code),
        })
        .collect()
}

/// Returns the name of a legal basis in the locale's words, with its GDPR article.
pub fn legal_basis_label(basis: LegalBasis, locale: &Locale) -> &'static str {
    match (basis, locale.is_french()) {
        (LegalBasis::Consent, true) => "Consentement (art. 6.1.a RGPD)",
        (LegalBasis::Consent, false) => "Consent (art. 6(1)(a) GDPR)",
        (LegalBasis::Contract, true) => "Exécution du contrat (art. 6.1.b RGPD)",
        (LegalBasis::Contract, false) => "Performance of a contract (art. 6(1)(b) GDPR)",
        (LegalBasis::LegalObligation, true) => "Obligation légale (art. 6.1.c RGPD)",
        (LegalBasis::LegalObligation, false) => "Legal obligation (art. 6(1)(c) GDPR)",
        (LegalBasis::LegitimateInterest, true) => "Intérêt légitime (art. 6.1.f RGPD)",
        (LegalBasis::LegitimateInterest, false) => "Legitimate interest (art. 6(1)(f) GDPR)",
    }
}

/// Builds a purpose in the page's locale.
pub fn purpose_view<'c>(
    declaration: &'c Declaration,
    purpose: &'c Purpose,
    locale: &Locale,
    fallback: &Locale,
) -> PurposeView<'c> {
    PurposeView {
        id: &purpose.id,
        label: purpose.label.get(locale, fallback),
        description: purpose.description.get(locale, fallback),
        legal_basis: purpose.legal_basis.as_str(),
        legal_basis_label: legal_basis_label(purpose.legal_basis, locale),
        exempt: purpose.exempt,
        required: purpose.required,
        in_banner: declaration.asked_in_banner(&purpose.id),
        services: declaration
            .services
            .iter()
            .filter(|service| service.purposes.contains(&purpose.id))
            .map(|service| service.id.as_str())
            .collect(),
    }
}

/// Builds a service in the page's locale.
pub fn service_view<'c>(service: &'c Service, locale: &Locale, fallback: &Locale) -> ServiceView<'c> {
    ServiceView {
        id: &service.id,
        name: &service.name,
        provider: &service.provider,
        purposes: &service.purposes,
        collects: service.collects.get(locale, fallback),
        retention: service.retention.get(locale, fallback),
        transfers: countries(&service.transfers, locale),
        cookies: &service.cookies,
        privacy_url: service.privacy_url.as_deref(),
        kind: service.kind.as_str(),
    }
}

/// Builds `consent` for the pages of one locale and currency.
pub fn consent_view<'c>(env: PageEnv<'_, 'c>, consent: Option<&'c StoreConsent>) -> ConsentView<'c> {
    let Some(consent) = consent else {
        return ConsentView {
            enabled: false,
            policy_version: "",
            policy_hash: "",
            retention_days: 0,
            retention_months: 0,
            cookie_name: CONSENT_COOKIE,
            endpoint: CONSENTS_ENDPOINT,
            purposes: Vec::new(),
            services: Vec::new(),
            scripts: &[],
            google_consent_mode: false,
            links: ConsentLinks {
                policy: None,
                record: None,
            },
            texts: None,
        };
    };
    let locale = env.locale_tag();
    let fallback = &env.data.shop.settings.shop.content_locale;
    let declaration = &consent.declaration;
    ConsentView {
        enabled: true,
        policy_version: &consent.policy.policy_version,
        policy_hash: &consent.policy.policy_hash,
        retention_days: consent.policy.retention_days,
        retention_months: consent.retention_months,
        cookie_name: CONSENT_COOKIE,
        endpoint: CONSENTS_ENDPOINT,
        purposes: declaration
            .purposes
            .iter()
            .map(|purpose| purpose_view(declaration, purpose, locale, fallback))
            .collect(),
        services: declaration
            .services
            .iter()
            .map(|service| service_view(service, locale, fallback))
            .collect(),
        scripts: &consent.scripts,
        google_consent_mode: consent.google_consent_mode,
        links: ConsentLinks {
            policy: Some(env.path(PageKind::Privacy)),
            record: Some(env.path(PageKind::ProcessingRecord)),
        },
        texts: Some(&consent.texts[env.locale]),
    }
}

/// The edge's endpoint that stores choices.
const CONSENTS_ENDPOINT: &str = "/api/consents";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_view_marks_banner_purposes() {
        let text = include_str!("../../../tests/fixtures/minimal/site.toml");
        let settings = commerce::Settings::parse(text).expect("the fixture's site.toml parses");
        let declaration = settings
            .consent
            .expect("the fixture declares [consent]")
            .declaration("Atelier Brume SARL");
        let fr = Locale::parse("fr").expect("locale");
        let in_banner: Vec<(String, serde_json::Value)> = declaration
            .purposes
            .iter()
            .map(|purpose| {
                let view = serde_json::to_value(purpose_view(&declaration, purpose, &fr, &fr))
                    .expect("a purpose view serializes");
                (purpose.id.clone(), view["in_banner"].clone())
            })
            .collect();
        let expected = [
            ("necessary", false),
            ("audience", true),
            ("emailing", false),
            ("media", true),
            ("statistics", true),
        ];
        let expected: Vec<(String, serde_json::Value)> = expected
            .iter()
            .map(|(id, flag)| ((*id).to_owned(), serde_json::Value::Bool(*flag)))
            .collect();
        assert_eq!(in_banner, expected);
    }

    #[test]
    fn youtube_embeds_open_as_watch_pages() {
        assert_eq!(
            watch_url("https://www.youtube-nocookie.com/embed/abc123?rel=0"),
            "https://www.youtube.com/watch?v=abc123"
        );
        assert_eq!(
            watch_url("https://player.vimeo.com/video/1"),
            "https://player.vimeo.com/video/1"
        );
    }
}

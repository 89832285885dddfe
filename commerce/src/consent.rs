//! Consent: the `[consent]` declaration of `site.toml`, the policy a build
//! publishes for each store (`_comptoir/consent.json`), its canonical hash, and
//! the rules the edge applies to a visitor's choice.
//!
//! The merchant declares purposes (why trackers are used, with a legal basis) and
//! the services behind them, possibly from a preset of a known service. From that
//! declaration the generator renders the banner, the inert scripts, the privacy
//! policy and the record of processing activities. The edge stores each choice
//! with the hash of the policy the visitor saw. The built-in `necessary` purpose
//! (cart, language, the consent record itself) needs no declaration and no consent.

pub mod html;
pub mod presets;
mod validate;

pub(crate) use validate::validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_spanned::Spanned;
use sha2::{Digest, Sha256};

use crate::locale::Locale;
use crate::settings::LocalizedText;

/// Version of the layout of `consent.json`; the edge rejects others.
pub const CONSENT_FORMAT: u32 = 1;

/// Path of the consent policy inside a store's output.
pub const CONSENT_POLICY_PATH: &str = "_comptoir/consent.json";

/// The first-party cookie that keeps a visitor's choice in the browser.
pub const CONSENT_COOKIE: &str = "comptoir_consent";

/// The built-in purpose: always on, exempt from consent.
pub const NECESSARY: &str = "necessary";

/// Months a choice is kept when `retention_months` is not set: the CNIL
/// recommends asking again after 6 months.
pub const DEFAULT_RETENTION_MONTHS: i64 = 6;

/// Years the edge keeps a consent record as proof (art. 7(1) GDPR), the
/// limitation period of civil claims in France (art. 2224 of the Civil Code).
pub const CONSENT_PROOF_RETENTION_YEARS: u32 = 5;

/// The longest `retention_months` allowed: the CNIL's 13 months.
pub const MAX_RETENTION_MONTHS: i64 = 13;

/// `[consent]` in `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentSettings {
    /// The merchant's name for this version of the policy, such as `2026-12-01`.
    pub policy_version: Spanned<String>,
    /// Months after which a choice is asked again, 1 to 13.
    #[serde(default = "default_retention")]
    pub retention_months: Spanned<i64>,
    /// Whether pages load Google Consent Mode v2 defaults before any tag; by
    /// default, whenever a `google-analytics-4` service is declared.
    #[serde(default)]
    pub google_consent_mode: Option<bool>,
    /// Purposes by id, such as `statistics`.
    #[serde(default)]
    pub purposes: BTreeMap<String, PurposeSettings>,
    /// Services by id, such as `matomo`.
    #[serde(default)]
    pub services: BTreeMap<String, ServiceSettings>,
}

fn default_retention() -> Spanned<i64> {
    Spanned::new(0..0, DEFAULT_RETENTION_MONTHS)
}

/// `[consent.purposes.<id>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeSettings {
    /// Name of the purpose shown in the banner's panel.
    pub label: LocalizedText,
    /// Explanation of the purpose, in a sentence or two.
    pub description: LocalizedText,
    /// Legal basis of the processing; `consent` when not written.
    #[serde(default = "default_legal_basis")]
    pub legal_basis: Spanned<LegalBasis>,
    /// True only for what the CNIL exempts from consent (such as audience
    /// measurement configured within its exemption): on by default, and the
    /// visitor may object to it.
    #[serde(default)]
    pub exempt: bool,
}

fn default_legal_basis() -> Spanned<LegalBasis> {
    Spanned::new(0..0, LegalBasis::Consent)
}

/// The legal basis of a processing (art. 6 GDPR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// The visitor's consent (art. 6.1.a).
    #[default]
    Consent,
    /// The controller's legitimate interest (art. 6.1.f).
    LegitimateInterest,
    /// Performance of a contract with the visitor (art. 6.1.b).
    Contract,
    /// A legal obligation of the controller (art. 6.1.c).
    LegalObligation,
}

impl LegalBasis {
    /// Returns the name as written in `site.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegitimateInterest => "legitimate_interest",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
        }
    }
}

/// The way a service reaches the visitor's browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// A script inserted in every page, inert until consent.
    Script,
    /// Frames embedded in pages (`<iframe data-service>`), shown as a placeholder
    /// until consent.
    Embed,
    /// Nothing in the browser: a provider the shop sends data to (e-mailing).
    None,
}

impl ServiceKind {
    /// Returns the name as written in `site.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Script => "script",
            ServiceKind::Embed => "embed",
            ServiceKind::None => "none",
        }
    }
}

/// `[consent.services.<id>]`: a preset and its settings, and any field overriding
/// the preset's (or every field, without a preset).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// A known service whose facts and script to use.
    #[serde(default)]
    pub preset: Option<Spanned<String>>,
    /// Purposes the service serves; each must be declared, or be `necessary`.
    pub purposes: Spanned<Vec<String>>,
    /// Service name shown to visitors.
    #[serde(default)]
    pub name: Option<String>,
    /// Legal entity that runs it.
    #[serde(default)]
    pub provider: Option<String>,
    /// Data it collects.
    #[serde(default)]
    pub collects: Option<LocalizedText>,
    /// How long it keeps it.
    #[serde(default)]
    pub retention: Option<LocalizedText>,
    /// Countries outside the EU the data goes to (ISO 3166-1 alpha-2).
    #[serde(default)]
    pub transfers: Option<Spanned<Vec<String>>>,
    /// Cookie names it sets on the shop's domain, `*` as a wildcard; the consent
    /// script clears them when consent is withdrawn.
    #[serde(default)]
    pub cookies: Option<Vec<String>>,
    /// The provider's privacy policy.
    #[serde(default)]
    pub privacy_url: Option<Spanned<String>>,
    /// Script, embed or none; by default the preset's, else `script` when a
    /// script is given and `none` otherwise.
    #[serde(default)]
    pub kind: Option<Spanned<ServiceKind>>,
    /// HTML inserted in every page, made of `<script>` elements only.
    #[serde(default)]
    pub script: Option<Spanned<String>>,
    /// GA4 measurement id (`google-analytics-4`).
    #[serde(default)]
    pub measurement_id: Option<Spanned<String>>,
    /// URL of a self-hosted Matomo (`matomo`).
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Matomo site id (`matomo`).
    #[serde(default)]
    pub site_id: Option<Spanned<String>>,
    /// Meta pixel id (`meta-pixel`).
    #[serde(default)]
    pub pixel_id: Option<Spanned<String>>,
}

impl ServiceSettings {
    /// Returns the preset named by `preset`, when it exists.
    pub fn preset(&self) -> Option<&'static presets::Preset> {
        self.preset
            .as_ref()
            .and_then(|preset| presets::preset(preset.get_ref()))
    }

    /// Returns the script: the merchant's, else the preset's built from its settings.
    pub fn script_html(&self) -> Option<String> {
        match &self.script {
            Some(script) => Some(script.get_ref().clone()),
            None => self.preset().and_then(|preset| presets::script(preset, self)),
        }
    }

    /// Returns the kind: the merchant's, else the preset's, else `script` when a script is
    /// given and `none` otherwise.
    pub fn resolved_kind(&self) -> ServiceKind {
        if let Some(kind) = &self.kind {
            return *kind.get_ref();
        }
        if let Some(preset) = self.preset() {
            return preset.kind;
        }
        if self.script.is_some() {
            ServiceKind::Script
        } else {
            ServiceKind::None
        }
    }

    /// Returns whether the service reads or writes anything in the visitor's browser: a
    /// script, an embed or cookies.
    pub fn uses_trackers(&self) -> bool {
        let cookies = self.cookies.as_ref().map_or_else(
            || self.preset().is_some_and(|p| !p.cookies.is_empty()),
            |c| !c.is_empty(),
        );
        self.resolved_kind() != ServiceKind::None || cookies
    }
}

/// A purpose with its texts in every language, as the generator renders it.
#[derive(Debug, Clone, PartialEq)]
pub struct Purpose {
    /// Id, such as `statistics`.
    pub id: String,
    /// Name.
    pub label: LocalizedText,
    /// Explanation of the purpose.
    pub description: LocalizedText,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Exempt from consent: on unless the visitor objects.
    pub exempt: bool,
    /// Always on, without a choice: only `necessary`.
    pub required: bool,
}

/// A service with the preset's facts and the merchant's overrides merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Id, such as `matomo`.
    pub id: String,
    /// Preset it comes from.
    pub preset: Option<String>,
    /// Name.
    pub name: String,
    /// Legal entity that runs it.
    pub provider: String,
    /// Purposes it serves.
    pub purposes: Vec<String>,
    /// Data it collects.
    pub collects: LocalizedText,
    /// How long it keeps it.
    pub retention: LocalizedText,
    /// Countries outside the EU the data goes to.
    pub transfers: Vec<String>,
    /// Cookies it sets on the shop's domain.
    pub cookies: Vec<String>,
    /// The provider's privacy policy.
    pub privacy_url: Option<String>,
    /// Script, embed or none.
    pub kind: ServiceKind,
    /// The script as the merchant or the preset wrote it (not yet inert).
    pub script: Option<String>,
}

/// Every purpose (`necessary` first) and service of a shop.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// Purposes, `necessary` first, then by id.
    pub purposes: Vec<Purpose>,
    /// Services by id.
    pub services: Vec<Service>,
}

/// Returns the built-in `necessary` purpose with its texts.
pub fn necessary_purpose() -> Purpose {
    Purpose {
        id: NECESSARY.to_owned(),
        label: fr_en(("Nécessaires", "Necessary")),
        description: fr_en((
            "Indispensables au fonctionnement de la boutique : panier, commande, choix de la langue et mémorisation de vos choix sur les cookies. Ils ne peuvent pas être désactivés.",
            "Required for the shop to work: cart, checkout, language choice and remembering your cookie choices. They cannot be turned off.",
        )),
        legal_basis: LegalBasis::LegitimateInterest,
        exempt: true,
        required: true,
    }
}

/// Builds a text in French and English.
pub fn fr_en((french, english): presets::FrEn) -> LocalizedText {
    LocalizedText::PerLocale(BTreeMap::from([
        ("fr".to_owned(), french.to_owned()),
        ("en".to_owned(), english.to_owned()),
    ]))
}

impl ConsentSettings {
    /// Months a choice is kept, clamped to 1–13 (validation reports other values).
    pub fn retention_months(&self) -> i64 {
        (*self.retention_months.get_ref()).clamp(1, MAX_RETENTION_MONTHS)
    }

    /// Days a choice is kept: `months × 365 / 12`, rounded down (182 for 6 months).
    pub fn retention_days(&self) -> i64 {
        self.retention_months() * 365 / 12
    }

    /// Returns whether pages set Google Consent Mode defaults: the merchant's choice, else
    /// whenever a `google-analytics-4` service is declared.
    pub fn google_consent_mode(&self) -> bool {
        self.google_consent_mode.unwrap_or_else(|| {
            self.services.values().any(|service| {
                service
                    .preset
                    .as_ref()
                    .is_some_and(|preset| preset.get_ref() == "google-analytics-4")
            })
        })
    }

    /// Merges presets and overrides into the declaration. `controller` (the shop's
    /// legal name) is the provider of self-hosted services. Values validation
    /// rejects (an unknown purpose) are kept as written.
    pub fn declaration(&self, controller: &str) -> Declaration {
        let mut purposes = vec![necessary_purpose()];
        purposes.extend(self.purposes.iter().map(|(id, purpose)| Purpose {
            id: id.clone(),
            label: purpose.label.clone(),
            description: purpose.description.clone(),
            legal_basis: *purpose.legal_basis.get_ref(),
            exempt: purpose.exempt,
            required: false,
        }));
        let services = self
            .services
            .iter()
            .map(|(id, service)| resolve_service(id, service, controller))
            .collect();
        Declaration { purposes, services }
    }
}

fn resolve_service(id: &str, service: &ServiceSettings, controller: &str) -> Service {
    let preset = service.preset();
    let provider = service
        .provider
        .clone()
        .or_else(|| preset.map(|preset| preset.provider.to_owned()))
        .filter(|provider| !provider.is_empty())
        .unwrap_or_else(|| controller.to_owned());
    Service {
        id: id.to_owned(),
        preset: preset.map(|preset| preset.id.to_owned()),
        name: service
            .name
            .clone()
            .or_else(|| preset.map(|preset| preset.name.to_owned()))
            .unwrap_or_else(|| id.to_owned()),
        provider,
        purposes: service.purposes.get_ref().clone(),
        collects: service
            .collects
            .clone()
            .or_else(|| preset.map(|preset| fr_en(preset.collects)))
            .unwrap_or_else(|| LocalizedText::Same(String::new())),
        retention: service
            .retention
            .clone()
            .or_else(|| preset.map(|preset| fr_en(preset.retention)))
            .unwrap_or_else(|| LocalizedText::Same(String::new())),
        transfers: service.transfers.as_ref().map_or_else(
            || preset.map_or_else(Vec::new, |preset| to_strings(preset.transfers)),
            |transfers| transfers.get_ref().clone(),
        ),
        cookies: service
            .cookies
            .clone()
            .unwrap_or_else(|| preset.map_or_else(Vec::new, |preset| to_strings(preset.cookies))),
        privacy_url: service
            .privacy_url
            .as_ref()
            .map(|url| url.get_ref().clone())
            .or_else(|| preset.and_then(|preset| preset.privacy_url.map(str::to_owned))),
        kind: service.resolved_kind(),
        script: service.script_html(),
    }
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// The rule of [`ConsentPolicy::asked_in_banner`], over each service's purposes
/// and kind, shared by the declaration the generator renders and the policy the
/// edge reads.
fn asked_in_banner<'s>(
    purpose_id: &str,
    required: bool,
    services: impl Iterator<Item = (&'s [String], ServiceKind)>,
) -> bool {
    if required {
        return false;
    }
    let mut kinds = services
        .filter(|(purposes, _)| purposes.iter().any(|purpose| purpose == purpose_id))
        .map(|(_, kind)| kind)
        .peekable();
    kinds.peek().is_none() || kinds.any(|kind| kind != ServiceKind::None)
}

impl Declaration {
    /// Returns the purpose with this id.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|purpose| purpose.id == id)
    }

    /// Returns the service with this id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|service| service.id == id)
    }

    /// Returns whether the consent banner lists this purpose, by the rule of
    /// [`ConsentPolicy::asked_in_banner`].
    pub fn asked_in_banner(&self, purpose_id: &str) -> bool {
        self.purpose(purpose_id).is_some_and(|purpose| {
            asked_in_banner(
                &purpose.id,
                purpose.required,
                self.services
                    .iter()
                    .map(|service| (service.purposes.as_slice(), service.kind)),
            )
        })
    }

    /// Returns the published structure, without the texts people read.
    pub fn published(&self) -> PolicyDeclaration {
        PolicyDeclaration {
            purposes: self
                .purposes
                .iter()
                .map(|purpose| PolicyPurpose {
                    id: purpose.id.clone(),
                    legal_basis: purpose.legal_basis,
                    exempt: purpose.exempt,
                    required: purpose.required,
                })
                .collect(),
            services: self
                .services
                .iter()
                .map(|service| PolicyService {
                    id: service.id.clone(),
                    name: service.name.clone(),
                    provider: service.provider.clone(),
                    purposes: service.purposes.clone(),
                    kind: service.kind,
                    cookies: service.cookies.clone(),
                    transfers: service.transfers.clone(),
                    privacy_url: service.privacy_url.clone(),
                    script: service.script.clone(),
                })
                .collect(),
        }
    }

    /// Returns the declaration's texts in `locale` (falling back to `fallback`), keyed
    /// `purpose.<id>.label`, `purpose.<id>.description`, `service.<id>.collects`
    /// and `service.<id>.retention`.
    pub fn texts(&self, locale: &Locale, fallback: &Locale) -> BTreeMap<String, String> {
        let mut texts = BTreeMap::new();
        for purpose in &self.purposes {
            let id = &purpose.id;
            texts.insert(
                format!("purpose.{id}.label"),
                purpose.label.get(locale, fallback).to_owned(),
            );
            texts.insert(
                format!("purpose.{id}.description"),
                purpose.description.get(locale, fallback).to_owned(),
            );
        }
        for service in &self.services {
            let id = &service.id;
            texts.insert(
                format!("service.{id}.collects"),
                service.collects.get(locale, fallback).to_owned(),
            );
            texts.insert(
                format!("service.{id}.retention"),
                service.retention.get(locale, fallback).to_owned(),
            );
        }
        texts
    }
}

/// `consent.json`: the purposes and services one store of one build requests
/// consent for, the exact texts shown, and the hash a record names to prove what
/// the visitor saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentPolicy {
    /// Layout version, [`CONSENT_FORMAT`].
    pub format: u32,
    /// Store id.
    pub store: String,
    /// The merchant's name for this version.
    pub policy_version: String,
    /// [`policy_hash`] of `declaration` and `texts`.
    pub policy_hash: String,
    /// Days a choice is kept.
    pub retention_days: i64,
    /// Purposes and services.
    pub declaration: PolicyDeclaration,
    /// Per locale, every banner and panel string as rendered, and the
    /// declaration's texts ([`Declaration::texts`]).
    pub texts: BTreeMap<Locale, BTreeMap<String, String>>,
}

/// The structure of a declaration, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDeclaration {
    /// Purposes, `necessary` first.
    pub purposes: Vec<PolicyPurpose>,
    /// Services.
    pub services: Vec<PolicyService>,
}

/// A purpose, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyPurpose {
    /// Id.
    pub id: String,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// On unless the visitor objects; not refused by "reject all".
    pub exempt: bool,
    /// Always on (`necessary`).
    pub required: bool,
}

/// A service, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyService {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Legal entity that runs it.
    pub provider: String,
    /// Purposes it serves.
    pub purposes: Vec<String>,
    /// Script, embed or none.
    pub kind: ServiceKind,
    /// Cookies cleared on withdrawal.
    pub cookies: Vec<String>,
    /// Countries outside the EU the data goes to.
    pub transfers: Vec<String>,
    /// The provider's privacy policy.
    pub privacy_url: Option<String>,
    /// The script as declared, before it is made inert.
    pub script: Option<String>,
}

impl ConsentPolicy {
    /// Builds the policy of a store and computes its hash.
    pub fn new(
        store: &str,
        policy_version: &str,
        retention_days: i64,
        declaration: PolicyDeclaration,
        texts: BTreeMap<Locale, BTreeMap<String, String>>,
    ) -> ConsentPolicy {
        let policy_hash = policy_hash(policy_version, &declaration, &texts);
        ConsentPolicy {
            format: CONSENT_FORMAT,
            store: store.to_owned(),
            policy_version: policy_version.to_owned(),
            policy_hash,
            retention_days,
            declaration,
            texts,
        }
    }

    /// Returns whether `policy_hash` matches the version, declaration and texts, so a file edited
    /// after the build is detected.
    pub fn hash_is_valid(&self) -> bool {
        policy_hash(&self.policy_version, &self.declaration, &self.texts) == self.policy_hash
    }

    /// Returns the purpose with this id.
    pub fn purpose(&self, id: &str) -> Option<&PolicyPurpose> {
        self.declaration.purposes.iter().find(|purpose| purpose.id == id)
    }

    /// Returns the service with this id.
    pub fn service(&self, id: &str) -> Option<&PolicyService> {
        self.declaration.services.iter().find(|service| service.id == id)
    }

    /// Returns whether the consent banner lists this purpose: it is not
    /// required, and at least one of its services has a script or an embed, or it
    /// has no service at all (a theme's own script gated on it). A purpose whose
    /// services all have kind `none`, such as a newsletter sent by an e-mailing
    /// provider, has nothing in the browser to gate, so it is asked where it
    /// applies (at checkout). Returns false for an unknown id.
    pub fn asked_in_banner(&self, purpose_id: &str) -> bool {
        self.purpose(purpose_id).is_some_and(|purpose| {
            asked_in_banner(
                &purpose.id,
                purpose.required,
                self.declaration
                    .services
                    .iter()
                    .map(|service| (service.purposes.as_slice(), service.kind)),
            )
        })
    }

    /// Turns what a visitor sent into the full choice to store: every purpose and
    /// every service with a yes or no. Required purposes are always granted, and
    /// exempt ones unless the visitor objects. "Accept all" grants the purposes the
    /// banner lists ([`ConsentPolicy::asked_in_banner`]) and refuses the
    /// others, which are asked elsewhere. "Reject all" refuses every purpose that
    /// is not exempt. A purpose left out of a `custom` or `withdraw` choice is
    /// refused, unless it is exempt. A service left out follows its purposes, so
    /// it is granted only when all of them are.
    pub fn resolve_choice(
        &self,
        action: ConsentAction,
        purposes: &BTreeMap<String, bool>,
        services: &BTreeMap<String, bool>,
    ) -> Result<ConsentChoice, ChoiceError> {
        if let Some(unknown) = purposes.keys().find(|id| self.purpose(id).is_none()) {
            return Err(ChoiceError::UnknownPurpose(unknown.clone()));
        }
        if let Some(unknown) = services.keys().find(|id| self.service(id).is_none()) {
            return Err(ChoiceError::UnknownService(unknown.clone()));
        }
        let granted_purposes: BTreeMap<String, bool> = self
            .declaration
            .purposes
            .iter()
            .map(|purpose| {
                let granted = if purpose.required {
                    true
                } else {
                    match action {
                        ConsentAction::AcceptAll => purpose.exempt || self.asked_in_banner(&purpose.id),
                        ConsentAction::RejectAll => purpose.exempt,
                        ConsentAction::Custom | ConsentAction::Withdraw => {
                            purposes.get(&purpose.id).copied().unwrap_or(purpose.exempt)
                        }
                    }
                };
                (purpose.id.clone(), granted)
            })
            .collect();
        let granted_services = self
            .declaration
            .services
            .iter()
            .map(|service| {
                let purposes_granted = service
                    .purposes
                    .iter()
                    .all(|purpose| granted_purposes.get(purpose).copied().unwrap_or(false));
                let granted = match action {
                    ConsentAction::Custom | ConsentAction::Withdraw => {
                        purposes_granted && services.get(&service.id).copied().unwrap_or(true)
                    }
                    ConsentAction::AcceptAll | ConsentAction::RejectAll => purposes_granted,
                };
                (service.id.clone(), granted)
            })
            .collect();
        Ok(ConsentChoice {
            purposes: granted_purposes,
            services: granted_services,
        })
    }
}

/// What a visitor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAction {
    /// « Tout accepter ».
    AcceptAll,
    /// « Tout refuser », or closing the banner.
    RejectAll,
    /// A choice per purpose or service in the panel.
    Custom,
    /// Consent taken back.
    Withdraw,
}

/// Where the choice was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UiSource {
    /// The first layer.
    Banner,
    /// The preferences panel.
    Preferences,
    /// The e-mailing opt-in of the checkout.
    Checkout,
}

/// A full choice: every purpose and service of the policy with a yes or no.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChoice {
    /// Purpose id → granted.
    pub purposes: BTreeMap<String, bool>,
    /// Service id → granted.
    pub services: BTreeMap<String, bool>,
}

/// Why a choice does not fit the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    /// A purpose the declaration lacks.
    #[error("unknown purpose `{0}`")]
    UnknownPurpose(String),
    /// A service the declaration lacks.
    #[error("unknown service `{0}`")]
    UnknownService(String),
}

/// The value of the `comptoir_consent` cookie, once URL-decoded: the choice the
/// browser remembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentCookie {
    /// Consent id the edge returned.
    pub id: String,
    /// Policy version.
    pub v: String,
    /// Policy hash.
    pub h: String,
    /// Expiry, in Unix seconds.
    pub exp: i64,
    /// Purpose id → 1 (granted) or 0.
    pub p: BTreeMap<String, u8>,
    /// Service id → 1 (granted) or 0.
    #[serde(default)]
    pub s: BTreeMap<String, u8>,
}

impl ConsentCookie {
    /// Whether the cookie is a decision for this policy at `now` (Unix seconds): a
    /// cookie of another policy hash, or expired, means no decision.
    pub fn is_current(&self, policy_hash: &str, now: i64) -> bool {
        self.h == policy_hash && now < self.exp
    }
}

/// The canonical JSON of a value: object keys sorted by their UTF-8 bytes, no
/// whitespace, strings escaped as `serde_json` does. Two values equal as JSON give
/// the same text whatever their key order or spacing.
pub fn canonical_json(value: &Value) -> String {
    let mut output = String::new();
    write_canonical(value, &mut output);
    output
}

fn write_canonical(value: &Value, output: &mut String) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => output.push_str(&value.to_string()),
        Value::String(text) => output.push_str(&Value::String(text.clone()).to_string()),
        Value::Array(items) => {
            output.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    output.push(',');
                }
                write_canonical(item, output);
            }
            output.push(']');
        }
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            output.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    output.push(',');
                }
                output.push_str(&Value::String(key.clone()).to_string());
                output.push(':');
                write_canonical(item, output);
            }
            output.push('}');
        }
    }
}

/// The SHA-256 (lowercase hex) of a value's canonical JSON.
pub fn canonical_hash(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical_json(value).as_bytes()))
}

/// The policy hash: [`canonical_hash`] of `{"declaration": …, "texts": …, "version": …}`.
/// The version is part of it so that a build that only renames the version still
/// publishes a new hash, which the edge can tell apart from the previous one.
pub fn policy_hash(
    policy_version: &str,
    declaration: &PolicyDeclaration,
    texts: &BTreeMap<Locale, BTreeMap<String, String>>,
) -> String {
    // Both types serialize to JSON objects with string keys, which cannot fail.
    let value = serde_json::json!({
        "declaration": serde_json::to_value(declaration).unwrap_or(Value::Null),
        "texts": serde_json::to_value(texts).unwrap_or(Value::Null),
        "version": policy_version,
    });
    canonical_hash(&value)
}

#[cfg(test)]
mod tests;

//! The `privacy` value of the two documents generated from `[consent]`: the
//! privacy policy (`privacy.html`) and the record of processing activities
//! (`processing_record.html`, art. 30 GDPR); and the `data_requests` value of the
//! "my data" page (`data_requests.html`), where visitors ask for an export or an
//! erasure of their data.
//!
//! Both list the same processings: the shop's own (orders and invoicing, customer
//! accounts, the cart, the proof of consent) and one per declared purpose. The
//! texts of the shop's own processings are built in, in French for French locales
//! and in English otherwise, as the titles of the cart and checkout pages are.

use commerce::Locale;
use commerce::consent::{CONSENT_COOKIE, CONSENT_PROOF_RETENTION_YEARS, LegalBasis, Purpose, ServiceKind};
use commerce::settings::{Address, PaymentKind};
use serde::Serialize;

use crate::render::consent::{
    CountryView, PurposeView, ServiceView, StoreConsent, countries, legal_basis_label, purpose_view,
    service_view,
};
use crate::render::context::PageEnv;
use crate::render::routes::PageKind;

/// Days a cart is kept after its last change by default (the edge's
/// `COMPTOIR_CART_TTL_DAYS`).
const CART_RETENTION_DAYS: u32 = 30;

/// `privacy`, as `privacy.html` and `processing_record.html` see it.
#[derive(Debug, Serialize)]
pub struct PrivacyView<'c> {
    document: &'static str,
    noindex: bool,
    policy_version: &'c str,
    controller: ControllerView<'c>,
    processings: Vec<ProcessingView>,
    purposes: Vec<PurposeView<'c>>,
    services: Vec<ServiceView<'c>>,
    cookies: Vec<CookieView>,
    rights: Vec<RightView>,
    exercise: ExerciseView<'c>,
    authority: AuthorityView,
    links: PrivacyLinks,
}

/// The controller: the shop's legal identity and contact.
#[derive(Debug, Serialize)]
struct ControllerView<'c> {
    legal_name: &'c str,
    legal_form: &'c str,
    siret: &'c str,
    rcs: Option<&'c str>,
    address: &'c Address,
    email: &'c str,
    phone: Option<&'c str>,
    representative: Option<&'c str>,
}

/// One processing: an entry of the record, a section of the policy.
#[derive(Debug, Serialize)]
struct ProcessingView {
    id: String,
    name: String,
    purpose: String,
    legal_basis: &'static str,
    legal_basis_label: String,
    data_categories: Vec<String>,
    data_subjects: String,
    recipients: Vec<String>,
    transfers: Vec<OwnedCountry>,
    retention: String,
    security: Vec<String>,
    services: Vec<String>,
}

/// A country outside the EU that data goes to.
#[derive(Debug, Clone, Serialize)]
struct OwnedCountry {
    code: String,
    name: String,
}

/// A cookie the shop or a declared service sets.
#[derive(Debug, Serialize)]
struct CookieView {
    name: String,
    service: String,
    purpose: String,
    retention: String,
}

/// A right of the visitor.
#[derive(Debug, Serialize)]
struct RightView {
    id: &'static str,
    name: &'static str,
    description: &'static str,
}

/// How to exercise one's rights.
#[derive(Debug, Serialize)]
struct ExerciseView<'c> {
    email: &'c str,
    delay: String,
}

/// The supervisory authority.
#[derive(Debug, Serialize)]
struct AuthorityView {
    name: &'static str,
    url: &'static str,
    address: &'static str,
}

/// `privacy.links`.
#[derive(Debug, Serialize)]
struct PrivacyLinks {
    policy: String,
    record: String,
    data_requests: String,
}

/// `data_requests`, as `data_requests.html` sees it.
#[derive(Debug, Serialize)]
pub struct DataRequestsView<'c> {
    /// The shop's contact address, for visitors without JavaScript and for
    /// requests the form does not cover.
    email: &'c str,
    /// Time to answer, in words: "un mois" / "one month".
    delay: String,
    /// Hours the emailed confirmation link stays valid.
    confirmation_hours: u32,
    /// Hours the export's download links stay valid.
    export_hours: u32,
    /// Edge endpoint that records a request.
    request_endpoint: &'static str,
    /// Edge endpoint that confirms a request with the emailed token.
    confirm_endpoint: &'static str,
    /// The privacy policy, when the store has one (`[consent]` is set).
    policy: Option<String>,
}

/// The edge's endpoints of personal-data requests.
const DATA_REQUESTS_ENDPOINT: &str = "/api/data-requests";
const DATA_REQUESTS_CONFIRM_ENDPOINT: &str = "/api/data-requests/confirm";

/// Builds `data_requests` for the "my data" page from `[privacy]`.
pub fn data_requests_view<'c>(env: PageEnv<'_, 'c>) -> DataRequestsView<'c> {
    let settings = &env.data.shop.settings;
    let privacy = &settings.privacy;
    DataRequestsView {
        email: settings.shop.email.get_ref(),
        delay: months_in_words(env.locale_tag(), privacy.response_months),
        confirmation_hours: privacy.confirmation_hours,
        export_hours: privacy.export_hours,
        request_endpoint: DATA_REQUESTS_ENDPOINT,
        confirm_endpoint: DATA_REQUESTS_CONFIRM_ENDPOINT,
        policy: env.data.consent.is_some().then(|| env.path(PageKind::Privacy)),
    }
}

/// "un mois" / "3 mois", "one month" / "3 months".
fn months_in_words(locale: &Locale, months: u32) -> String {
    match (locale.is_french(), months) {
        (true, 1) => "un mois".to_owned(),
        (true, _) => format!("{months} mois"),
        (false, 1) => "one month".to_owned(),
        (false, _) => format!("{months} months"),
    }
}

/// A text in French (first) and English.
type FrEn = (&'static str, &'static str);

fn pick(locale: &Locale, (french, english): FrEn) -> &'static str {
    if locale.is_french() { french } else { english }
}

fn strings(locale: &Locale, texts: &[FrEn]) -> Vec<String> {
    texts.iter().map(|text| pick(locale, *text).to_owned()).collect()
}

/// Builds `privacy` for the privacy policy or the record of processing activities.
pub fn privacy_view<'c>(env: PageEnv<'_, 'c>, consent: &'c StoreConsent, kind: PageKind) -> PrivacyView<'c> {
    let locale = env.locale_tag();
    let settings = &env.data.shop.settings;
    let shop = &settings.shop;
    let fallback = &shop.content_locale;
    let declaration = &consent.declaration;

    let mut processings = own_processings(env, consent);
    processings.extend(
        declaration
            .purposes
            .iter()
            .filter(|purpose| !purpose.required)
            .map(|purpose| purpose_processing(env, consent, purpose)),
    );

    PrivacyView {
        document: if kind == PageKind::ProcessingRecord {
            "record"
        } else {
            "policy"
        },
        noindex: !kind.indexable(),
        policy_version: &consent.policy.policy_version,
        controller: ControllerView {
            legal_name: &shop.legal_name,
            legal_form: &shop.legal_form,
            siret: shop.siret.get_ref(),
            rcs: shop.rcs.as_deref(),
            address: &shop.address,
            email: shop.email.get_ref(),
            phone: shop.phone.as_deref(),
            representative: shop.publication_director.as_deref(),
        },
        processings,
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
        cookies: cookies(env, consent),
        rights: rights(locale),
        exercise: ExerciseView {
            email: shop.email.get_ref(),
            delay: months_in_words(locale, settings.privacy.response_months),
        },
        authority: AuthorityView {
            name: pick(
                locale,
                (
                    "Commission nationale de l'informatique et des libertés (CNIL)",
                    "Commission nationale de l'informatique et des libertés (CNIL), the French data protection authority",
                ),
            ),
            url: "https://www.cnil.fr/fr/plaintes",
            address: "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07",
        },
        links: PrivacyLinks {
            policy: env.path(PageKind::Privacy),
            record: env.path(PageKind::ProcessingRecord),
            data_requests: env.path(PageKind::DataRequests),
        },
    }
}

/// Returns the recipients and transfers that orders involve, from the store's settings:
/// the host, the card payment provider and the carriers.
fn order_recipients(env: PageEnv<'_, '_>) -> (Vec<String>, Vec<&'static str>) {
    let locale = env.locale_tag();
    let settings = &env.data.shop.settings;
    let mut recipients = vec![
        pick(
            locale,
            (
                "Le personnel habilité de la boutique",
                "Authorised staff of the shop",
            ),
        )
        .to_owned(),
    ];
    let mut transfers = Vec::new();
    if let Some(host) = &settings.shop.host {
        recipients.push(format!("{} ({})", host.name, pick(locale, ("hébergeur", "host"))));
    }
    let card = env.data.store.payment_methods.get_ref().iter().any(|id| {
        settings.payment.get(id).is_some_and(
            |method| matches!(&method.kind, PaymentKind::Card { provider } if provider == "stripe"),
        )
    });
    if card {
        recipients.push(
            pick(
                locale,
                (
                    "Stripe Payments Europe Ltd. (paiement par carte)",
                    "Stripe Payments Europe Ltd. (card payments)",
                ),
            )
            .to_owned(),
        );
        // Stripe processes data in the United States under the EU-US Data
        // Privacy Framework, as its privacy policy states.
        transfers.push("US");
    }
    let content_locale = &settings.shop.content_locale;
    for id in env.data.store.shipping_methods.get_ref() {
        if let Some(method) = settings.shipping.get(id)
            && !matches!(method.rate, commerce::settings::ShippingRate::Pickup { .. })
        {
            recipients.push(format!(
                "{} ({})",
                method.label.get(locale, content_locale),
                pick(locale, ("transporteur", "carrier"))
            ));
        }
    }
    (recipients, transfers)
}

fn owned_countries(codes: &[String], locale: &Locale) -> Vec<OwnedCountry> {
    countries(codes, locale)
        .into_iter()
        .map(|CountryView { code, name }| OwnedCountry {
            code: code.to_owned(),
            name: name.to_owned(),
        })
        .collect()
}

/// The built-in texts of one of the shop's own processings.
struct OwnTexts<'t> {
    name: FrEn,
    purpose: FrEn,
    data_categories: &'t [FrEn],
    data_subjects: FrEn,
    security: &'t [FrEn],
}

fn own_processing(
    locale: &Locale,
    id: &str,
    texts: &OwnTexts<'_>,
    legal_basis: LegalBasis,
    retention: String,
) -> ProcessingView {
    ProcessingView {
        id: id.to_owned(),
        name: pick(locale, texts.name).to_owned(),
        purpose: pick(locale, texts.purpose).to_owned(),
        legal_basis: legal_basis.as_str(),
        legal_basis_label: legal_basis_label(legal_basis, locale).to_owned(),
        data_categories: strings(locale, texts.data_categories),
        data_subjects: pick(locale, texts.data_subjects).to_owned(),
        recipients: Vec::new(),
        transfers: Vec::new(),
        retention,
        security: strings(locale, texts.security),
        services: Vec::new(),
    }
}

const HTTPS: FrEn = ("Échanges chiffrés (HTTPS)", "Encrypted connections (HTTPS)");
const STAFF_ONLY: FrEn = (
    "Accès réservé au personnel habilité",
    "Access limited to authorised staff",
);

/// Builds the processings every shop runs: orders, accounts, the cart, the consent proof.
fn own_processings(env: PageEnv<'_, '_>, consent: &StoreConsent) -> Vec<ProcessingView> {
    let locale = env.locale_tag();
    let french = locale.is_french();
    let (recipients, transfers) = order_recipients(env);
    let transfers: Vec<String> = transfers.into_iter().map(str::to_owned).collect();

    let orders_texts = OwnTexts {
        name: ("Commandes et facturation", "Orders and invoicing"),
        purpose: (
            "Prendre, préparer, livrer et facturer vos commandes, répondre à vos questions et gérer les retours",
            "Take, prepare, deliver and invoice your orders, answer your questions and handle returns",
        ),
        data_categories: &[
            ("Identité (nom, société)", "Identity (name, company)"),
            (
                "Coordonnées (e-mail, téléphone)",
                "Contact details (email, phone)",
            ),
            (
                "Adresses de facturation et de livraison",
                "Billing and delivery addresses",
            ),
            (
                "Contenu et montant des commandes, moyen de paiement choisi",
                "Order contents and amounts, payment method chosen",
            ),
        ],
        data_subjects: ("Clients", "Customers"),
        security: &[
            HTTPS,
            STAFF_ONLY,
            (
                "Aucune donnée de carte bancaire n'est reçue ni conservée par la boutique : le paiement par carte se fait sur la page du prestataire",
                "No card data is received or stored by the shop: card payment happens on the provider's page",
            ),
        ],
    };
    let orders_retention = (
        "Commandes : 5 ans après la commande (prescription des actions en justice) ; factures : 10 ans (article L123-22 du Code de commerce)",
        "Orders: 5 years after the order (limitation period for legal claims); invoices: 10 years (article L123-22 of the French Commercial Code)",
    );
    let mut orders = own_processing(
        locale,
        "orders",
        &orders_texts,
        LegalBasis::Contract,
        pick(locale, orders_retention).to_owned(),
    );
    orders.recipients = recipients.clone();
    orders.transfers = owned_countries(&transfers, locale);

    let accounts_texts = OwnTexts {
        name: ("Comptes clients", "Customer accounts"),
        purpose: (
            "Vous permettre de retrouver vos commandes et vos adresses, et de demander l'accès à vos données ou leur effacement",
            "Let you find your orders and addresses again, and ask for access to your data or its erasure",
        ),
        data_categories: &[
            ("Identité (nom, société)", "Identity (name, company)"),
            (
                "Coordonnées (e-mail, téléphone)",
                "Contact details (email, phone)",
            ),
            ("Adresses", "Addresses"),
            ("Historique des commandes", "Order history"),
        ],
        data_subjects: ("Clients", "Customers"),
        security: &[
            HTTPS,
            STAFF_ONLY,
            (
                "Demandes d'accès et d'effacement confirmées par un lien envoyé par e-mail",
                "Access and erasure requests confirmed through a link sent by email",
            ),
        ],
    };
    let accounts_retention = (
        "Jusqu'à la suppression du compte, et au plus 3 ans après la dernière commande",
        "Until the account is deleted, and at most 3 years after the last order",
    );
    let mut accounts = own_processing(
        locale,
        "accounts",
        &accounts_texts,
        LegalBasis::Contract,
        pick(locale, accounts_retention).to_owned(),
    );
    accounts.recipients = recipients;

    let cart_texts = OwnTexts {
        name: ("Panier", "Cart"),
        purpose: (
            "Garder le contenu de votre panier entre deux visites",
            "Keep the contents of your cart between two visits",
        ),
        data_categories: &[
            ("Identifiant aléatoire du panier", "Random cart identifier"),
            ("Produits et quantités choisis", "Products and quantities chosen"),
        ],
        data_subjects: ("Visiteurs", "Visitors"),
        security: &[
            HTTPS,
            (
                "Le panier ne contient aucune donnée d'identité",
                "The cart holds no identity data",
            ),
        ],
    };
    let cart_retention = if french {
        format!("{CART_RETENTION_DAYS} jours après la dernière modification du panier")
    } else {
        format!("{CART_RETENTION_DAYS} days after the cart's last change")
    };
    let cart = own_processing(locale, "cart", &cart_texts, LegalBasis::Contract, cart_retention);

    let consent_texts = OwnTexts {
        name: ("Preuve du consentement aux cookies", "Proof of cookie consent"),
        purpose: (
            "Retenir vos choix sur les cookies et pouvoir prouver le consentement ou le refus donné",
            "Remember your cookie choices and be able to prove the consent or refusal given",
        ),
        data_categories: &[
            (
                "Identifiant aléatoire du consentement",
                "Random consent identifier",
            ),
            (
                "Choix par finalité et par service, date, version de la politique",
                "Choice per purpose and per service, date, policy version",
            ),
            (
                "Adresse IP tronquée, famille de navigateur",
                "Truncated IP address, browser family",
            ),
        ],
        data_subjects: ("Visiteurs", "Visitors"),
        security: &[
            HTTPS,
            (
                "Adresse IP tronquée (IPv4 à /24, IPv6 à /48)",
                "IP address truncated (IPv4 to /24, IPv6 to /48)",
            ),
            (
                "Registre en ajout seul, chaque entrée chaînée par empreinte à la précédente",
                "Append-only register, each record chained to the previous one by hash",
            ),
        ],
    };
    let months = consent.retention_months;
    let consent_retention = if french {
        format!(
            "Choix : {months} mois, puis il vous est redemandé ; preuve : {CONSENT_PROOF_RETENTION_YEARS} ans"
        )
    } else {
        format!(
            "Choice: {months} months, then you are asked again; proof: {CONSENT_PROOF_RETENTION_YEARS} years"
        )
    };
    // Art. 7(1) GDPR requires the controller to be able to prove consent.
    let consent_proof = own_processing(
        locale,
        "consent",
        &consent_texts,
        LegalBasis::LegalObligation,
        consent_retention,
    );

    vec![orders, accounts, cart, consent_proof]
}

/// Builds the processing of a declared purpose from its services.
fn purpose_processing(env: PageEnv<'_, '_>, consent: &StoreConsent, purpose: &Purpose) -> ProcessingView {
    let locale = env.locale_tag();
    let fallback = &env.data.shop.settings.shop.content_locale;
    let services: Vec<_> = consent
        .declaration
        .services
        .iter()
        .filter(|service| service.purposes.contains(&purpose.id))
        .collect();

    let mut transfers: Vec<String> = services
        .iter()
        .flat_map(|service| service.transfers.iter().cloned())
        .collect();
    transfers.sort();
    transfers.dedup();
    let mut recipients: Vec<String> = services
        .iter()
        .map(|service| format!("{} ({})", service.provider, service.name))
        .collect();
    recipients.dedup();

    let in_browser = services.iter().any(|service| service.kind != ServiceKind::None);
    let mut security = vec![pick(locale, HTTPS).to_owned()];
    if !purpose.exempt && in_browser {
        security.push(
            pick(
                locale,
                (
                    "Scripts et contenus intégrés chargés seulement après votre consentement",
                    "Scripts and embedded content loaded only after your consent",
                ),
            )
            .to_owned(),
        );
    }

    ProcessingView {
        id: purpose.id.clone(),
        name: purpose.label.get(locale, fallback).to_owned(),
        purpose: purpose.description.get(locale, fallback).to_owned(),
        legal_basis: purpose.legal_basis.as_str(),
        legal_basis_label: legal_basis_label(purpose.legal_basis, locale).to_owned(),
        data_categories: services
            .iter()
            .map(|service| labelled(locale, &service.name, service.collects.get(locale, fallback)))
            .collect(),
        data_subjects: pick(
            locale,
            if in_browser {
                ("Visiteurs du site", "Visitors of the site")
            } else {
                (
                    "Clients et visiteurs concernés",
                    "Customers and visitors concerned",
                )
            },
        )
        .to_owned(),
        recipients,
        transfers: owned_countries(&transfers, locale),
        retention: services
            .iter()
            .map(|service| labelled(locale, &service.name, service.retention.get(locale, fallback)))
            .collect::<Vec<_>>()
            .join(if locale.is_french() { " ; " } else { "; " }),
        security,
        services: services.iter().map(|service| service.id.clone()).collect(),
    }
}

/// `label: text`, with the space French puts before the colon.
fn labelled(locale: &Locale, label: &str, text: &str) -> String {
    if locale.is_french() {
        format!("{label} : {text}")
    } else {
        format!("{label}: {text}")
    }
}

/// Lists every cookie: the consent cookie, then each service's.
fn cookies(env: PageEnv<'_, '_>, consent: &StoreConsent) -> Vec<CookieView> {
    let locale = env.locale_tag();
    let fallback = &env.data.shop.settings.shop.content_locale;
    let declaration = &consent.declaration;
    let necessary = declaration
        .purposes
        .first()
        .map_or("", |purpose| purpose.label.get(locale, fallback));
    let months = consent.retention_months;
    let mut cookies = vec![CookieView {
        name: CONSENT_COOKIE.to_owned(),
        service: env.data.store.name.clone(),
        purpose: necessary.to_owned(),
        retention: if locale.is_french() {
            format!("{months} mois")
        } else {
            format!("{months} months")
        },
    }];
    for service in &declaration.services {
        let purposes: Vec<&str> = service
            .purposes
            .iter()
            .filter_map(|id| declaration.purpose(id))
            .map(|purpose| purpose.label.get(locale, fallback))
            .collect();
        for name in &service.cookies {
            cookies.push(CookieView {
                name: name.clone(),
                service: service.name.clone(),
                purpose: purposes.join(", "),
                retention: service.retention.get(locale, fallback).to_owned(),
            });
        }
    }
    cookies
}

/// Lists the rights of data subjects (art. 15 to 22 and 77 GDPR, and art. 85 of the loi
/// Informatique et Libertés for instructions after death).
fn rights(locale: &Locale) -> Vec<RightView> {
    const RIGHTS: &[(&str, FrEn, FrEn)] = &[
        (
            "access",
            ("Droit d'accès", "Right of access"),
            (
                "Savoir si nous traitons vos données et en obtenir une copie (art. 15 RGPD).",
                "Know whether we process your data and get a copy of it (art. 15 GDPR).",
            ),
        ),
        (
            "rectification",
            ("Droit de rectification", "Right to rectification"),
            (
                "Faire corriger des données inexactes ou compléter des données incomplètes (art. 16 RGPD).",
                "Have inaccurate data corrected or incomplete data completed (art. 16 GDPR).",
            ),
        ),
        (
            "erasure",
            ("Droit à l'effacement", "Right to erasure"),
            (
                "Faire effacer vos données, sauf celles que la loi nous oblige à garder, comme les factures (art. 17 RGPD).",
                "Have your data erased, except what the law requires us to keep, such as invoices (art. 17 GDPR).",
            ),
        ),
        (
            "restriction",
            ("Droit à la limitation", "Right to restriction"),
            (
                "Faire suspendre l'utilisation de vos données le temps d'une vérification (art. 18 RGPD).",
                "Have the use of your data suspended while a claim is checked (art. 18 GDPR).",
            ),
        ),
        (
            "portability",
            ("Droit à la portabilité", "Right to data portability"),
            (
                "Recevoir les données que vous nous avez fournies dans un format réutilisable (art. 20 RGPD).",
                "Receive the data you gave us in a reusable format (art. 20 GDPR).",
            ),
        ),
        (
            "objection",
            ("Droit d'opposition", "Right to object"),
            (
                "Vous opposer à un traitement fondé sur notre intérêt légitime, et à tout moment à la prospection (art. 21 RGPD).",
                "Object to processing based on our legitimate interest, and at any time to direct marketing (art. 21 GDPR).",
            ),
        ),
        (
            "withdrawal",
            ("Retrait du consentement", "Withdrawal of consent"),
            (
                "Retirer à tout moment un consentement donné, aussi simplement que vous l'avez donné, depuis le lien « Gérer mes cookies » en bas de chaque page (art. 7.3 RGPD).",
                "Withdraw a consent at any time, as easily as you gave it, through the \"Manage cookies\" link at the bottom of every page (art. 7(3) GDPR).",
            ),
        ),
        (
            "post_mortem",
            ("Directives après le décès", "Instructions after death"),
            (
                "Définir le sort de vos données après votre décès (art. 85 de la loi Informatique et Libertés).",
                "Set what happens to your data after your death (art. 85 of the French Data Protection Act).",
            ),
        ),
        (
            "complaint",
            ("Réclamation auprès de la CNIL", "Complaint to the CNIL"),
            (
                "Adresser une réclamation à la CNIL si vous estimez que vos droits ne sont pas respectés (art. 77 RGPD).",
                "Lodge a complaint with the CNIL if you believe your rights are not respected (art. 77 GDPR).",
            ),
        ),
    ];
    RIGHTS
        .iter()
        .map(|(id, name, description)| RightView {
            id,
            name: pick(locale, *name),
            description: pick(locale, *description),
        })
        .collect()
}

//! Shared test fixtures: two stores built in code, an in-memory mailer, a fake card
//! provider, and request helpers over `tower::ServiceExt::oneshot`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use commerce::StockPolicy;
use commerce::pricebook::{
    PaymentOffer, PriceBookItem, ShippingOffer, ShippingOfferRate, ShopIdentity, StoreManifest, StorePages,
};
use commerce::settings::{Address, CustomStatus, LocalizedText, PaymentKind, TaxDisplay};
use commerce::tax::TaxRate;
use commerce::{Currency, Locale, PriceBook};
use edge::catalog::{Catalog, CatalogHandle, Store};
use edge::clock::ManualClock;
use edge::mail::{BoxFuture, Email, MailError, Mailer};
use edge::payment::{PaymentError, PaymentEvent, PaymentProvider, PaymentRequest, PaymentSession};
use edge::storage::Storage;
use edge::storage::sqlite::SqliteStorage;
use edge::{AppState, EdgeConfig, StateParts};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";
pub const ORIGIN: &str = "https://boutique.example";
pub const START: i64 = 1_750_000_000;

pub fn locale(tag: &str) -> Locale {
    Locale::parse(tag).expect("valid locale")
}

fn chf() -> Currency {
    Currency::parse("CHF").expect("known currency")
}

pub fn item(title: &str, price: i64, rate: u32, stock: StockPolicy, weight: u32) -> PriceBookItem {
    PriceBookItem {
        product: title.to_uppercase(),
        titles: BTreeMap::from([
            (locale("fr"), title.to_owned()),
            (locale("en"), format!("{title} (en)")),
        ]),
        prices: BTreeMap::from([(Currency::EUR, price)]),
        tax_class: "standard".into(),
        tax_rate: TaxRate(rate),
        stock,
        backorder_days: (stock == StockPolicy::Backorder).then_some(15),
        weight: Some(weight),
        urls: BTreeMap::from([(locale("fr"), format!("/fr/produits/{}/", title.to_lowercase()))]),
        image: None,
    }
}

pub fn price_book_fr() -> PriceBook {
    PriceBook {
        format: commerce::pricebook::PRICE_BOOK_FORMAT,
        build_id: "build-1".into(),
        store: "fr".into(),
        prices_include_tax: true,
        vat_exempt: false,
        currencies: vec![Currency::EUR],
        items: BTreeMap::from([
            (
                "TASSE".to_owned(),
                item("Tasse", 2490, 2000, StockPolicy::Track, 350),
            ),
            (
                "LIVRE".to_owned(),
                item("Livre", 1999, 550, StockPolicy::Untracked, 500),
            ),
            (
                "BOL".to_owned(),
                item("Bol", 1250, 2000, StockPolicy::Backorder, 400),
            ),
            (
                "AFFICHE".to_owned(),
                item("Affiche", 3000, 2000, StockPolicy::Negative, 100),
            ),
        ]),
    }
}

fn eur(amount: i64) -> BTreeMap<Currency, i64> {
    BTreeMap::from([(Currency::EUR, amount)])
}

pub fn manifest_fr() -> StoreManifest {
    let pages = |home: &str, cart: &str, checkout: &str| StorePages {
        home: home.into(),
        cart: cart.into(),
        checkout: checkout.into(),
        // The generator's "my data" page: `mes-donnees/` in French, `my-data/` otherwise.
        data_requests: if home.starts_with("/fr/") {
            format!("{home}mes-donnees/")
        } else {
            format!("{home}my-data/")
        },
    };
    StoreManifest {
        format: commerce::pricebook::PRICE_BOOK_FORMAT,
        build_id: "build-1".into(),
        store: "fr".into(),
        name: "Atelier Brume".into(),
        base_url: ORIGIN.into(),
        allowed_origins: vec![ORIGIN.into()],
        locales: vec![locale("fr"), locale("en")],
        currencies: vec![Currency::EUR],
        tax_display: TaxDisplay::Incl,
        country: "FR".into(),
        shop: ShopIdentity {
            legal_name: "Atelier Brume SARL".into(),
            legal_form: "SARL au capital de 8 000 €".into(),
            siret: "12345678900012".into(),
            vat_number: Some("FR12345678901".into()),
            address: Address {
                street: "1 rue des Potiers".into(),
                postal_code: "69001".into(),
                city: "Lyon".into(),
                country: "FR".into(),
            },
            email: "contact@boutique.example".into(),
            phone: None,
            vat_exempt: false,
        },
        shipping_methods: vec![
            ShippingOffer {
                id: "colissimo".into(),
                label: LocalizedText::Same("Colissimo".into()),
                description: None,
                countries: vec!["FR".into(), "BE".into()],
                rate: ShippingOfferRate::Flat {
                    price: eur(490),
                    free_above: Some(eur(6000)),
                },
            },
            ShippingOffer {
                id: "lettre".into(),
                label: LocalizedText::Same("Lettre suivie".into()),
                description: None,
                countries: vec![],
                rate: ShippingOfferRate::Weight {
                    bands: vec![(500, eur(350)), (2000, eur(890))],
                    free_above: None,
                },
            },
            ShippingOffer {
                id: "retrait".into(),
                label: LocalizedText::Same("Retrait à l'atelier".into()),
                description: None,
                countries: vec![],
                rate: ShippingOfferRate::Pickup {
                    address: "1 rue des Potiers, Lyon".into(),
                },
            },
        ],
        payment_methods: vec![
            PaymentOffer {
                id: "virement".into(),
                label: LocalizedText::Same("Virement".into()),
                kind: PaymentKind::BankTransfer {
                    account_holder: "Atelier Brume".into(),
                    iban: "FR7630006000011234567890189".into(),
                    bic: "AGRIFRPP".into(),
                },
            },
            PaymentOffer {
                id: "cheque".into(),
                label: LocalizedText::Same("Chèque".into()),
                kind: PaymentKind::Cheque {
                    payable_to: "Atelier Brume".into(),
                    address: "1 rue des Potiers, 69001 Lyon".into(),
                },
            },
            PaymentOffer {
                id: "carte".into(),
                label: LocalizedText::Same("Carte bancaire".into()),
                kind: PaymentKind::Card {
                    provider: "stripe".into(),
                },
            },
        ],
        custom_statuses: vec![CustomStatus {
            id: "awaiting_stock".into(),
            label: LocalizedText::PerLocale(BTreeMap::from([
                ("fr".to_owned(), "En attente de stock".to_owned()),
                ("en".to_owned(), "Awaiting stock".to_owned()),
            ])),
            notify_customer: true,
            from: vec!["payment_accepted".into()],
            to: vec!["in_preparation".into(), "cancelled".into()],
        }],
        order_number_prefix: "CB-".into(),
        pages: BTreeMap::from([
            (locale("fr"), pages("/fr/", "/fr/panier/", "/fr/commande/")),
            (locale("en"), pages("/en/", "/en/cart/", "/en/checkout/")),
        ]),
        privacy: Default::default(),
    }
}

/// The Swiss store: sells in CHF only, and one sku the French store does not.
pub fn price_book_ch() -> PriceBook {
    let mut only = item("Fondue", 4500, 810, StockPolicy::Untracked, 900);
    only.prices = BTreeMap::from([(chf(), 4500)]);
    PriceBook {
        format: commerce::pricebook::PRICE_BOOK_FORMAT,
        build_id: "build-1".into(),
        store: "ch".into(),
        prices_include_tax: true,
        vat_exempt: false,
        currencies: vec![chf()],
        items: BTreeMap::from([("CH-ONLY".to_owned(), only)]),
    }
}

pub fn manifest_ch() -> StoreManifest {
    StoreManifest {
        store: "ch".into(),
        name: "Atelier Brume Suisse".into(),
        base_url: "https://ch.boutique.example".into(),
        allowed_origins: vec!["https://ch.boutique.example".into()],
        locales: vec![locale("fr")],
        currencies: vec![chf()],
        country: "CH".into(),
        custom_statuses: vec![],
        ..manifest_fr()
    }
}

pub fn store(book: PriceBook, manifest: StoreManifest) -> Store {
    let statuses = commerce::order::StatusMachine::new(&manifest.custom_statuses).expect("valid statuses");
    Store {
        book,
        manifest,
        statuses,
        emails: None,
        consent: None,
    }
}

pub fn catalog() -> Catalog {
    Catalog::from_stores(vec![
        store(price_book_fr(), manifest_fr()),
        store(price_book_ch(), manifest_ch()),
    ])
}

/// Emails kept in memory; `fail` makes every send fail.
#[derive(Default)]
pub struct MemoryMailer {
    pub sent: Mutex<Vec<Email>>,
    pub fail: AtomicBool,
}

impl MemoryMailer {
    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().expect("mailer lock").clone()
    }
}

impl Mailer for MemoryMailer {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            if self.fail.load(Ordering::SeqCst) {
                return Err(MailError {
                    reason: "the test mailer is down".into(),
                });
            }
            self.sent.lock().expect("mailer lock").push(email.clone());
            Ok(())
        })
    }
}

/// A card provider that opens `https://pay.test/<order id>` and accepts webhooks
/// signed `valid` with a body `{"order_id", "reference"}`.
#[derive(Default)]
pub struct FakeProvider {
    pub fail_sessions: AtomicBool,
    pub requests: Mutex<Vec<PaymentRequest>>,
}

impl PaymentProvider for FakeProvider {
    fn create_session<'a>(
        &'a self,
        request: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentSession, PaymentError>> {
        Box::pin(async move {
            if self.fail_sessions.load(Ordering::SeqCst) {
                return Err(PaymentError::Provider("the test provider is down".into()));
            }
            self.requests.lock().expect("provider lock").push(request.clone());
            Ok(PaymentSession {
                id: format!("cs_{}", request.order_id),
                redirect_url: format!("https://pay.test/{}", request.order_id),
            })
        })
    }

    fn verify_webhook(
        &self,
        payload: &[u8],
        signature: &str,
        _now: i64,
    ) -> Result<PaymentEvent, PaymentError> {
        if signature != "valid" {
            return Err(PaymentError::InvalidSignature);
        }
        let value: Value = serde_json::from_slice(payload)
            .map_err(|error| PaymentError::InvalidPayload(error.to_string()))?;
        match (value["order_id"].as_str(), value["reference"].as_str()) {
            (Some(order_id), Some(reference)) => Ok(PaymentEvent::Paid {
                order_id: order_id.into(),
                reference: reference.into(),
            }),
            _ => Ok(PaymentEvent::Ignored),
        }
    }
}

/// A test edge: the router and handles on its parts.
pub struct TestEdge {
    pub app: Router,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub mailer: Arc<MemoryMailer>,
    pub provider: Arc<FakeProvider>,
    pub storage: Arc<SqliteStorage>,
}

pub struct Options {
    pub admin_token: Option<&'static str>,
    pub payments: bool,
    /// A card provider used in place of the [`FakeProvider`] when `payments` is on.
    pub provider: Option<Arc<dyn PaymentProvider>>,
    pub storage: Option<Arc<SqliteStorage>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            admin_token: Some(ADMIN_TOKEN),
            payments: true,
            provider: None,
            storage: None,
        }
    }
}

pub fn edge() -> TestEdge {
    edge_with(Options::default())
}

pub fn edge_with(options: Options) -> TestEdge {
    let storage = options
        .storage
        .unwrap_or_else(|| Arc::new(SqliteStorage::open_in_memory().expect("in-memory database")));
    let clock = Arc::new(ManualClock::new(START));
    let mailer = Arc::new(MemoryMailer::default());
    let provider = Arc::new(FakeProvider::default());
    let state = AppState::new(StateParts {
        catalog: Arc::new(CatalogHandle::new(catalog())),
        storage: storage.clone() as Arc<dyn Storage>,
        mailer: mailer.clone(),
        payments: options.payments.then(|| {
            options
                .provider
                .unwrap_or_else(|| provider.clone() as Arc<dyn PaymentProvider>)
        }),
        clock: clock.clone(),
        config: EdgeConfig {
            admin_token: options.admin_token.map(str::to_owned),
            ..EdgeConfig::default()
        },
    });
    TestEdge {
        app: edge::router(state.clone()),
        state,
        clock,
        mailer,
        provider,
        storage,
    }
}

/// A response: status, headers and JSON body (`Value::Null` when not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

pub fn request(method: &str, uri: &str, body: Option<&str>, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(body.map_or_else(Body::empty, |body| Body::from(body.to_owned())))
        .expect("valid request")
}

/// A write from the store's own pages.
pub async fn write(app: &Router, method: &str, uri: &str, body: Value) -> Reply {
    let text = body.to_string();
    send(app, request(method, uri, Some(&text), &[("origin", ORIGIN)])).await
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, request("GET", uri, None, &[])).await
}

pub async fn admin(app: &Router, method: &str, uri: &str, body: Option<Value>) -> Reply {
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let text = body.map(|body| body.to_string());
    send(
        app,
        request(method, uri, text.as_deref(), &[("authorization", &bearer)]),
    )
    .await
}

pub async fn new_cart(app: &Router) -> String {
    let reply = write(
        app,
        "POST",
        "/api/carts",
        json!({"store": "fr", "currency": "EUR", "locale": "fr"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_str().expect("cart id").to_owned()
}

pub async fn add(app: &Router, cart: &str, sku: &str, quantity: i64) -> Reply {
    write(
        app,
        "POST",
        &format!("/api/carts/{cart}/lines"),
        json!({"sku": sku, "quantity": quantity}),
    )
    .await
}

pub async fn set_stock(app: &Router, sku: &str, quantity: i64) {
    let reply = admin(
        app,
        "PUT",
        &format!("/api/admin/stock/{sku}"),
        Some(json!({"quantity": quantity})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

pub fn address() -> Value {
    json!({
        "name": "Marie Curie",
        "street": "12 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR"
    })
}

pub fn checkout_body(cart: &str, payment: &str) -> Value {
    json!({
        "cart_id": cart,
        "customer": {"email": "Marie@Example.fr", "name": "Marie Curie"},
        "billing_address": address(),
        "shipping_method": "colissimo",
        "payment_method": payment,
    })
}

pub async fn checkout(app: &Router, cart: &str, payment: &str) -> Reply {
    write(app, "POST", "/api/checkout", checkout_body(cart, payment)).await
}

/// Publishes `book` in `store_dir` (a store's folder of a build) as the generator
/// does: the index in `_comptoir/pricebook.json` and parts of two skus, so readers
/// meet more than one part.
pub fn publish_price_book(store_dir: &std::path::Path, book: &PriceBook) {
    let (index, parts) = book.split(2).expect("json");
    for (listed, bytes) in index.parts.iter().zip(&parts) {
        let path = store_dir.join(&listed.file);
        std::fs::create_dir_all(path.parent().expect("parts folder")).expect("parts folder");
        std::fs::write(path, bytes).expect("price book part");
    }
    let index_path = store_dir.join(commerce::pricebook::PRICE_BOOK_PATH);
    std::fs::create_dir_all(index_path.parent().expect("folder")).expect("folder");
    std::fs::write(index_path, serde_json::to_vec(&index).expect("json")).expect("price book");
}

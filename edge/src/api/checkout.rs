//! `POST /api/checkout`: turns a cart into an order.
//!
//! The handler reads the idempotency key, loads the cart and its store, and
//! validates the customer and addresses, reporting every problem at once. It then
//! reprices the cart: a price change or a stock shortage since the visitor last saw
//! the cart stops the checkout, so the visitor sees it first. Last, it quotes the
//! shipping and places the order in one atomic write. Emails, the card payment page
//! and the email marketing subscription come after the order is committed, so none
//! of them can lose it.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use commerce::StockPolicy;
use commerce::cart::{CartWarning, PricedCart};
use commerce::order::PENDING;
use commerce::pricebook::PaymentOffer;
use commerce::settings::PaymentKind;
use commerce::shipping::{ShippingError, quote};
use serde::Deserialize;
use serde_json::Value;

use super::carts::{acknowledgements, parcel, reprice, shipping_offer, stock_of, store_default, store_of};
use super::request::{ApiJson, check_origin, idempotency_claim, idempotency_key_reused};
use super::views::{self, Audience, item_title};
use crate::catalog::Store;
use crate::clock::random_hex;
use crate::consent::{ClientContext, EMAILING};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::marketing::{self, EMAIL_LIST, deliver_pending_sync, new_unsubscribe_token, unsubscribe_url};
use crate::notify::deliver_pending;
use crate::payment::PaymentRequest;
use crate::state::AppState;
use crate::storage::{
    CartRecord, CustomerDetails, IdempotencyClaim, NewSubscription, Order, OrderDraft, OrderLine,
    OrderTotals, PaymentDetails, PlaceOrderError, PostalAddress, ShippingLine, StockEffect, email_key,
};

/// Body of `POST /api/checkout`. Required text fields default to empty so that
/// every missing one is reported together, as `field_required`.
#[derive(Debug, Deserialize)]
pub struct CheckoutRequest {
    cart_id: String,
    customer: CustomerInput,
    billing_address: AddressInput,
    #[serde(default)]
    shipping_address: Option<AddressInput>,
    #[serde(default)]
    shipping_method: String,
    #[serde(default)]
    payment_method: String,
    #[serde(default)]
    marketing_consent: Option<MarketingConsent>,
}

/// The customer as typed.
#[derive(Debug, Deserialize)]
pub struct CustomerInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    vat_number: Option<String>,
}

/// An address as typed.
#[derive(Debug, Deserialize)]
pub struct AddressInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    street: String,
    #[serde(default)]
    street2: Option<String>,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    phone: Option<String>,
}

/// Consents asked at checkout. The theme's box is unticked by default.
#[derive(Debug, Deserialize)]
pub struct MarketingConsent {
    email: bool,
}

impl CheckoutRequest {
    /// Whether the customer ticked the email marketing box.
    fn wants_marketing_email(&self) -> bool {
        self.marketing_consent
            .as_ref()
            .is_some_and(|consent| consent.email)
    }
}

/// Maximum length of a text field (names, streets, cities), in characters.
const MAX_TEXT: usize = 200;
/// Maximum length of an email address: the path limit of RFC 5321.
const MAX_EMAIL: usize = 254;

/// `POST /api/checkout`.
pub async fn checkout(
    State(state): State<AppState>,
    client: ClientContext,
    headers: HeaderMap,
    body: ApiJson<CheckoutRequest>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let catalog = state.catalog();
    let request = &body.value;
    let claim = idempotency_claim(&headers, "checkout", &body.raw)?;
    let record = state
        .storage()
        .get_cart(request.cart_id.clone(), state.now())
        .await?
        .ok_or_else(|| AppError::not_found("cart_not_found").field("cart_id"))?;
    let store = store_of(&catalog, &record)?;
    check_origin(&headers, &store, state.config())?;
    let lang = Lang::of(&record.locale);
    let in_lang = |error: AppError| error.lang(lang);

    if let Some(claim) = &claim
        && let Some(replay) = state
            .storage()
            .find_replay(claim.scope, claim.key.clone())
            .await?
    {
        return replay_order(
            &state,
            &store,
            claim,
            &replay.resource_id,
            &replay.request_hash,
            lang,
        )
        .await;
    }
    if let Some(order_id) = &record.order_id {
        return resume_card_payment(&state, &store, order_id, lang).await;
    }

    let customer = validate(request, &store).map_err(|problems| in_lang(AppError::validation(problems)))?;
    let offer = shipping_offer(&store, &request.shipping_method)
        .map_err(|error| in_lang(error.field("shipping_method")))?;
    let payment = payment_offer(&state, &store, &request.payment_method).map_err(in_lang)?;

    let stock = stock_of(&state, &record.lines).await?;
    let priced = reprice(&store, &record, &stock)?;
    if let Err(error) = check_unchanged(&state, &store, &record, &priced).await {
        return Err(in_lang(error));
    }

    let shipping_address = customer
        .shipping_address
        .as_ref()
        .unwrap_or(&customer.billing_address);
    let country_field = if customer.shipping_address.is_some() {
        "shipping_address.country"
    } else {
        "billing_address.country"
    };
    let shipping_gross = quote(offer, &parcel(&store, &priced, &shipping_address.country))
        .map_err(|error| in_lang(shipping_error(error, country_field)))?;

    let draft = draft(
        &store,
        &record,
        &priced,
        customer,
        Drafted {
            shipping: ShippingLine {
                method: offer.id.clone(),
                label: offer
                    .label
                    .get(&record.locale, store_default(&store, &record.locale))
                    .to_owned(),
                net: 0,
                tax: 0,
                gross: shipping_gross,
            },
            payment: PaymentDetails {
                method: payment.id.clone(),
                label: payment
                    .label
                    .get(&record.locale, store_default(&store, &record.locale))
                    .to_owned(),
                kind: payment.kind.clone(),
            },
            marketing_email: request.marketing_consent.as_ref().map(|consent| consent.email),
            claim: claim.clone(),
            now: state.now(),
        },
    )?;

    let mut order = match state.storage().place_order(draft).await {
        Ok(order) => order,
        Err(PlaceOrderError::OutOfStock { line }) => {
            return Err(in_lang(out_of_stock(&state, &store, &record, line).await?));
        }
        Err(PlaceOrderError::CartAlreadyOrdered) => {
            return Err(in_lang(AppError::conflict("cart_checked_out")));
        }
        Err(PlaceOrderError::Replayed(replay)) => {
            let claim = claim.ok_or_else(|| AppError::internal("a replay was returned without a key"))?;
            return replay_order(
                &state,
                &store,
                &claim,
                &replay.resource_id,
                &replay.request_hash,
                lang,
            )
            .await;
        }
        Err(PlaceOrderError::Storage(error)) => return Err(AppError::internal(error)),
    };
    tracing::info!(order = %order.id, number = %order.number, "order placed");

    deliver_pending(&state, Some(order.id.clone())).await;
    if matches!(order.payment.kind, PaymentKind::Card { .. }) {
        open_payment_page(&state, &store, &mut order)
            .await
            .map_err(in_lang)?;
    }
    let mut view = views::order(&order, Some(&store), Audience::Customer { with_token: true });
    if let Some(marketing) = marketing_consent(&state, &store, &order, request, &client).await {
        view["marketing_consent"] = marketing;
    }
    Ok((StatusCode::CREATED, Json(view)))
}

/// Records the email marketing opt-in of a placed order: a consent record for the
/// `emailing` purpose (`ui_source = checkout`), the subscription and its first
/// unsubscribe token, in one write. Returns the `marketing_consent` of the
/// response. The order is already committed, so a failure here is logged and the
/// response returns `email: false`, because no marketing email may go out without its proof.
async fn marketing_consent(
    state: &AppState,
    store: &Store,
    order: &Order,
    request: &CheckoutRequest,
    client: &ClientContext,
) -> Option<Value> {
    request.marketing_consent.as_ref()?;
    if !request.wants_marketing_email() {
        return Some(serde_json::json!({ "email": false }));
    }
    let policy = store.consent.as_ref()?;
    let subscribed = async {
        let (token, token_hash) = new_unsubscribe_token().map_err(|error| error.to_string())?;
        let consent_id = random_hex(16).map_err(|error| error.to_string())?;
        let now = state.now();
        let subscription = NewSubscription {
            store: store.book.store.clone(),
            list: EMAIL_LIST.to_owned(),
            email_key: email_key(&order.customer.email),
            locale: order.locale.as_str().to_owned(),
            token_hash,
            consent: marketing::checkout_consent(policy, consent_id, order.locale.as_str(), client, now),
            sync: state.marketing().is_some(),
            now,
        };
        state
            .storage()
            .subscribe_marketing(subscription)
            .await
            .map_err(|error| error.to_string())?;
        Ok::<String, String>(token)
    };
    match subscribed.await {
        Ok(token) => {
            tracing::info!(order = %order.id, "email marketing subscription recorded");
            deliver_pending_sync(state).await;
            Some(serde_json::json!({
                "email": true,
                "unsubscribe_url": unsubscribe_url(&store.manifest.base_url, &token),
            }))
        }
        Err(error) => {
            tracing::error!(order = %order.id, %error, "recording the email marketing subscription failed");
            Some(serde_json::json!({ "email": false }))
        }
    }
}

/// The shipping, payment and consent chosen at checkout, besides the cart and the customer.
struct Drafted {
    shipping: ShippingLine,
    payment: PaymentDetails,
    marketing_email: Option<bool>,
    claim: Option<IdempotencyClaim>,
    now: i64,
}

/// The customer and addresses, validated.
struct ValidCustomer {
    details: CustomerDetails,
    billing_address: PostalAddress,
    shipping_address: Option<PostalAddress>,
}

fn draft(
    store: &Store,
    record: &CartRecord,
    priced: &PricedCart<'_>,
    customer: ValidCustomer,
    drafted: Drafted,
) -> Result<OrderDraft, AppError> {
    let totals = priced.totals(Some(drafted.shipping.gross));
    let shipping_split = totals.shipping.unwrap_or(commerce::tax::TaxSplit {
        net: 0,
        tax: 0,
        gross: 0,
    });
    let lines = priced
        .lines
        .iter()
        .map(|line| {
            let effect = match line.item.stock {
                StockPolicy::Untracked => StockEffect::Untouched,
                StockPolicy::Track => StockEffect::Decrement {
                    floor: Some(0),
                    backorder: false,
                },
                StockPolicy::Backorder => StockEffect::Decrement {
                    floor: None,
                    backorder: true,
                },
                StockPolicy::Negative => StockEffect::Decrement {
                    floor: None,
                    backorder: false,
                },
            };
            let order_line = OrderLine {
                sku: line.sku.clone(),
                title: item_title(line.item, &record.locale, store),
                quantity: line.quantity,
                unit_price: line.unit_price,
                tax_rate: line.tax_rate.0,
                line_total: line.line_total,
                split: line.split,
                backorder_quantity: line.backorder.map_or(0, |backorder| backorder.quantity),
                backorder_days: line.item.backorder_days,
            };
            (order_line, effect)
        })
        .collect();

    Ok(OrderDraft {
        id: random_hex(16).map_err(AppError::internal)?,
        access_token: random_hex(32).map_err(AppError::internal)?,
        cart_id: record.id.clone(),
        store: store.book.store.clone(),
        number_prefix: store.manifest.order_number_prefix.clone(),
        currency: record.currency,
        locale: record.locale.clone(),
        email_key: email_key(&customer.details.email),
        customer: customer.details,
        marketing_email: drafted.marketing_email,
        billing_address: customer.billing_address,
        shipping_address: customer.shipping_address,
        shipping: ShippingLine {
            net: shipping_split.net,
            tax: shipping_split.tax,
            ..drafted.shipping
        },
        payment: drafted.payment,
        lines,
        totals: OrderTotals {
            prices_include_tax: priced.prices_include_tax,
            subtotal: priced.subtotal,
            items: totals.items,
            tax_total: totals.tax_total,
            total_excl_tax: totals.total_excl_tax,
            total: totals.total,
        },
        now: drafted.now,
        idempotency: drafted.claim,
    })
}

fn payment_offer<'a>(state: &AppState, store: &'a Store, id: &str) -> Result<&'a PaymentOffer, AppError> {
    let offer = store
        .manifest
        .payment_methods
        .iter()
        .find(|offer| offer.id == id)
        .ok_or_else(|| AppError::invalid("unknown_payment_method").field("payment_method"))?;
    if matches!(offer.kind, PaymentKind::Card { .. }) && state.payments().is_none() {
        return Err(AppError::invalid("payment_method_unavailable").field("payment_method"));
    }
    Ok(offer)
}

/// Stops the checkout when the cart changed since the visitor last saw it, after
/// recording the change so the next read shows it once. `lines[i]` in the error
/// is the index in the stored cart.
async fn check_unchanged(
    state: &AppState,
    store: &Store,
    record: &CartRecord,
    priced: &PricedCart<'_>,
) -> Result<(), AppError> {
    if record.lines.is_empty() {
        return Err(AppError::invalid("cart_empty").field("cart_id"));
    }
    let Some(warning) = priced.warnings.first() else {
        return Ok(());
    };
    let changes = acknowledgements(record, priced);
    let now = state.now();
    state
        .storage()
        .update_cart_lines(record.id.clone(), changes, now, record.expires_at.max(now))
        .await?;

    let index = record
        .lines
        .iter()
        .position(|line| line.sku == warning.sku())
        .unwrap_or(0);
    let title = store.book.items.get(warning.sku()).map_or_else(
        || warning.sku().to_owned(),
        |item| item_title(item, &record.locale, store),
    );
    Err(match warning {
        CartWarning::PriceChanged { .. } => AppError::conflict("price_changed")
            .arg("title", title)
            .field(format!("lines[{index}].unit_price")),
        CartWarning::QuantityReduced { available, .. } => AppError::conflict("out_of_stock")
            .arg("title", title)
            .arg("available", *available)
            .field(format!("lines[{index}].quantity")),
        CartWarning::OutOfStock { .. } => AppError::conflict("out_of_stock")
            .arg("title", title)
            .arg("available", 0_u32)
            .field(format!("lines[{index}].quantity")),
        CartWarning::NoLongerSold { .. } => AppError::conflict("item_unavailable")
            .arg("title", title)
            .field(format!("lines[{index}].sku")),
    })
}

/// Builds the error for line `line`, which lost the race for the last units.
async fn out_of_stock(
    state: &AppState,
    store: &Store,
    record: &CartRecord,
    line: usize,
) -> Result<AppError, AppError> {
    let Some(cart_line) = record.lines.get(line) else {
        return Err(AppError::internal(format!(
            "the storage named line {line}, which the cart lacks"
        )));
    };
    let levels = state.storage().stock_levels(vec![cart_line.sku.clone()]).await?;
    let available = levels.get(&cart_line.sku).copied().unwrap_or(0).max(0);
    let title = store.book.items.get(&cart_line.sku).map_or_else(
        || cart_line.sku.clone(),
        |item| item_title(item, &record.locale, store),
    );
    Ok(AppError::conflict("out_of_stock")
        .arg("title", title)
        .arg("available", available)
        .field(format!("lines[{line}].quantity")))
}

/// Maps a shipping quote failure to an API error on `country_field`.
pub fn shipping_error(error: ShippingError, country_field: &str) -> AppError {
    match error {
        ShippingError::CountryNotServed { country, .. } => AppError::invalid("country_not_served")
            .arg("country", country)
            .field(country_field),
        ShippingError::NoPrice { .. } | ShippingError::TooHeavy { .. } => {
            AppError::invalid("shipping_unavailable").field("shipping_method")
        }
    }
}

async fn replay_order(
    state: &AppState,
    store: &Store,
    claim: &IdempotencyClaim,
    order_id: &str,
    request_hash: &str,
    lang: Lang,
) -> Result<(StatusCode, Json<Value>), AppError> {
    if request_hash != claim.request_hash {
        return Err(idempotency_key_reused().lang(lang));
    }
    let order = state
        .storage()
        .find_order(order_id.to_owned())
        .await?
        .ok_or_else(|| AppError::internal("an idempotency key points to a missing order"))?;
    let view = views::order(&order, Some(store), Audience::Customer { with_token: true });
    Ok((StatusCode::CREATED, Json(view)))
}

/// Handles a second checkout of an ordered cart. When its order still waits for a
/// card payment, a new payment page is opened, because the previous one may have
/// expired or failed to open. Otherwise the cart is done.
async fn resume_card_payment(
    state: &AppState,
    store: &Store,
    order_id: &str,
    lang: Lang,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let mut order = state
        .storage()
        .find_order(order_id.to_owned())
        .await?
        .ok_or_else(|| AppError::conflict("cart_checked_out").lang(lang))?;
    let awaiting_card = matches!(order.payment.kind, PaymentKind::Card { .. })
        && order.status == PENDING
        && order.payment_reference.is_none();
    if !awaiting_card {
        return Err(AppError::conflict("cart_checked_out").lang(lang));
    }
    open_payment_page(state, store, &mut order)
        .await
        .map_err(|error| error.lang(lang))?;
    let view = views::order(&order, Some(store), Audience::Customer { with_token: true });
    Ok((StatusCode::CREATED, Json(view)))
}

/// Opens the provider's hosted payment page and records its URL on the order.
async fn open_payment_page(state: &AppState, store: &Store, order: &mut Order) -> Result<(), AppError> {
    let Some(provider) = state.payments() else {
        return Err(AppError::invalid("payment_method_unavailable").field("payment_method"));
    };
    let base_url = store.manifest.base_url.trim_end_matches('/');
    let checkout = store
        .manifest
        .pages
        .get(&order.locale)
        .map_or("/", |pages| pages.checkout.as_str());
    // The return pages carry the order's access token, as the email's order link
    // does, because the checkout page needs it to show the order after the visitor
    // comes back from the provider. The token is random, per order and grants read
    // access to that order only. These URLs go to the provider and back to the
    // customer's browser, so they must never be logged; the request span records
    // the route template, not the query.
    let page = |outcome: &str| {
        format!(
            "{base_url}{checkout}?order={}&token={}&payment={outcome}",
            order.id, order.access_token
        )
    };
    let request = PaymentRequest {
        order_id: order.id.clone(),
        order_number: order.number.clone(),
        amount: order.totals.total,
        currency: order.currency.code().to_owned(),
        customer_email: order.customer.email.clone(),
        locale: order.locale.as_str().to_owned(),
        success_url: page("success"),
        cancel_url: page("cancel"),
    };
    match provider.create_session(&request).await {
        Ok(session) => {
            state
                .storage()
                .set_payment_url(order.id.clone(), session.redirect_url.clone(), state.now())
                .await?;
            order.payment_url = Some(session.redirect_url);
            Ok(())
        }
        Err(error) => {
            tracing::warn!(order = %order.id, %error, "opening the card payment page failed");
            Err(AppError::new(StatusCode::BAD_GATEWAY, "payment_provider_failed")
                .arg("number", order.number.clone()))
        }
    }
}

fn validate(request: &CheckoutRequest, store: &Store) -> Result<ValidCustomer, Vec<AppError>> {
    let mut problems = Vec::new();
    let input = &request.customer;

    let email = input.email.trim();
    if email.is_empty() {
        problems.push(AppError::invalid("field_required").field("customer.email"));
    } else if !valid_email(email) {
        problems.push(AppError::invalid("invalid_email").field("customer.email"));
    }
    let name = required_text(&input.name, "customer.name", &mut problems);
    let details = CustomerDetails {
        email: email.to_owned(),
        name,
        phone: optional_text(input.phone.as_deref(), "customer.phone", &mut problems),
        company: optional_text(input.company.as_deref(), "customer.company", &mut problems),
        vat_number: optional_text(input.vat_number.as_deref(), "customer.vat_number", &mut problems),
    };
    let billing_address = address(&request.billing_address, "billing_address", &mut problems);
    let shipping_address = request
        .shipping_address
        .as_ref()
        .map(|input| address(input, "shipping_address", &mut problems));
    if request.shipping_method.trim().is_empty() {
        problems.push(AppError::invalid("field_required").field("shipping_method"));
    } else if shipping_offer(store, &request.shipping_method).is_err() {
        problems.push(AppError::invalid("unknown_shipping_method").field("shipping_method"));
    }
    if request.payment_method.trim().is_empty() {
        problems.push(AppError::invalid("field_required").field("payment_method"));
    }
    let offers_emailing = store
        .consent
        .as_ref()
        .is_some_and(|policy| policy.purpose(EMAILING).is_some());
    if request.wants_marketing_email() && !offers_emailing {
        problems.push(AppError::invalid("marketing_consent_unavailable").field("marketing_consent.email"));
    }

    if problems.is_empty() {
        Ok(ValidCustomer {
            details,
            billing_address,
            shipping_address,
        })
    } else {
        Err(problems)
    }
}

/// Checks that an email address is plausible: one `@`, a non-empty local part, a
/// dotted domain, no spaces or control characters. The confirmation email proves
/// that it works.
pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= MAX_EMAIL
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn required_text(value: &str, field: &str, problems: &mut Vec<AppError>) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        problems.push(AppError::invalid("field_required").field(field));
    } else {
        check_text(trimmed, field, problems);
    }
    trimmed.to_owned()
}

fn optional_text(value: Option<&str>, field: &str, problems: &mut Vec<AppError>) -> Option<String> {
    let trimmed = value.map(str::trim).filter(|text| !text.is_empty())?;
    check_text(trimmed, field, problems);
    Some(trimmed.to_owned())
}

/// Checks a trimmed, non-empty text field: no control characters (newline, NUL…)
/// nor bidirectional embedding, override or isolate characters, which would reorder
/// what the merchant reads in emails and order lists, and at most [`MAX_TEXT`]
/// characters.
fn check_text(text: &str, field: &str, problems: &mut Vec<AppError>) {
    if text.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        problems.push(
            AppError::invalid("invalid_characters")
                .arg("field", field.to_owned())
                .field(field),
        );
    } else if text.chars().count() > MAX_TEXT {
        problems.push(
            AppError::invalid("field_too_long")
                .arg("max", MAX_TEXT)
                .field(field),
        );
    }
}

/// Whether `c` is a bidirectional embedding or override (U+202A to U+202E) or an
/// isolate (U+2066 to U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn address(input: &AddressInput, prefix: &str, problems: &mut Vec<AppError>) -> PostalAddress {
    let field = |name: &str| format!("{prefix}.{name}");
    let country = input.country.trim().to_ascii_uppercase();
    if country.is_empty() {
        problems.push(AppError::invalid("field_required").field(field("country")));
    } else if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        problems.push(
            AppError::invalid("invalid_country")
                .arg("country", input.country.trim())
                .field(field("country")),
        );
    }
    PostalAddress {
        name: required_text(&input.name, &field("name"), problems),
        company: optional_text(input.company.as_deref(), &field("company"), problems),
        street: required_text(&input.street, &field("street"), problems),
        street2: optional_text(input.street2.as_deref(), &field("street2"), problems),
        postal_code: required_text(&input.postal_code, &field("postal_code"), problems),
        city: required_text(&input.city, &field("city"), problems),
        country,
        phone: optional_text(input.phone.as_deref(), &field("phone"), problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        assert!(valid_email("marie@example.fr"));
        assert!(valid_email("marie+shop@mail.example.fr"));
        for bad in [
            "marie",
            "@example.fr",
            "marie@example",
            "marie@@example.fr",
            "ma rie@example.fr",
            "marie@.fr",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}

//! Order emails: the confirmation of a new order and the announcement of a status
//! change, queued in the `notifications` table in the same write as the change
//! itself and sent afterwards.
//!
//! A failed send never touches the order: the notification stays queued with its
//! error and is retried by [`deliver_pending`] (after each request that queues one,
//! and periodically by the native host) until it has failed
//! [`EdgeConfig::email_max_attempts`](crate::state::EdgeConfig) times. Logs name the
//! order id and notification id, never the recipient.

use std::collections::BTreeMap;

use commerce::money::Money;
use commerce::order::PENDING;
use commerce::pricebook::ShippingOfferRate;
use commerce::settings::{PaymentKind, TaxDisplay};
use commerce::shipping::shipping_parts;
use commerce::tax::{TaxRate, TaxSplit};

use crate::api::views::status_label;
use crate::catalog::Store;
use crate::i18n::{self, Arg, Lang};
use crate::mail::context::{
    EmailAddress, EmailBackorder, EmailCustomer, EmailLine, EmailLinks, EmailMoney, EmailOrder, EmailPayment,
    EmailShipping, EmailShop, EmailStatus, EmailStatusChange, EmailStore, EmailTaxLine, EmailTotals,
    format_date, sender,
};
use crate::mail::{Email, EmailContext, EmailKind};
use crate::state::AppState;
use crate::storage::{Notification, ORDER_CONFIRMATION, Order, PostalAddress};

/// Sends the queued emails of one order, or of every order, and records each
/// outcome. Returns how many were sent. Failures are logged and left queued.
pub async fn deliver_pending(state: &AppState, order_id: Option<String>) -> usize {
    let max_attempts = state.config().email_max_attempts;
    let pending = match state
        .storage()
        .pending_notifications(order_id, max_attempts)
        .await
    {
        Ok(pending) => pending,
        Err(error) => {
            tracing::error!(%error, "reading the queued emails failed");
            return 0;
        }
    };

    let mut sent = 0;
    for notification in pending {
        let outcome = send(state, &notification).await;
        match &outcome {
            Ok(()) => sent += 1,
            Err(reason) => tracing::warn!(
                notification = notification.id,
                order = %notification.order_id,
                attempt = notification.attempts + 1,
                max_attempts,
                error = %reason,
                "sending an order email failed; it stays queued"
            ),
        }
        if let Err(error) = state
            .storage()
            .record_notification(notification.id, outcome, state.now())
            .await
        {
            tracing::error!(notification = notification.id, %error, "recording an email attempt failed");
        }
    }
    sent
}

async fn send(state: &AppState, notification: &Notification) -> Result<(), String> {
    let order = state
        .storage()
        .find_order(notification.order_id.clone())
        .await
        .map_err(|error| error.to_string())?
        .ok_or_else(|| "the order no longer exists".to_owned())?;
    let catalog = state.catalog();
    let store = catalog
        .store(&order.store)
        .ok_or_else(|| format!("store `{}` is not deployed", order.store))?;
    let email = build_email(&order, store, &notification.kind)?;
    state.mailer().send(&email).await.map_err(|error| error.reason)
}

/// Builds the email of a notification kind (`order_confirmation` or
/// `status:<status>`): from the store's templates when the build published them,
/// else as plain localized text.
pub fn build_email(order: &Order, store: &Store, kind: &str) -> Result<Email, String> {
    let (email_kind, status) = if kind == ORDER_CONFIRMATION {
        (EmailKind::OrderConfirmation, order.status.as_str())
    } else if let Some(status) = kind.strip_prefix("status:") {
        (EmailKind::StatusChanged, status)
    } else {
        return Err(format!("unknown email kind `{kind}`"));
    };
    let from = sender(&store.manifest.name, &store.manifest.shop.email);
    let to = order.customer.email.clone();

    let Some(templates) = &store.emails else {
        return Ok(plain_email(order, store, email_kind, status, from, to));
    };
    let context = context(order, store, email_kind, status);
    templates
        .render(email_kind, &context)
        .map(|rendered| rendered.into_email(from, to))
        .map_err(|error| error.to_string())
}

fn plain_email(
    order: &Order,
    store: &Store,
    kind: EmailKind,
    status: &str,
    from: String,
    to: String,
) -> Email {
    let lang = Lang::of(&order.locale);
    let args = [
        ("name", Arg::from(order.customer.name.as_str())),
        ("number", Arg::from(order.number.as_str())),
        ("shop", Arg::from(store.manifest.name.as_str())),
        (
            "status",
            Arg::from(status_label(Some(store), status, &order.locale)),
        ),
        (
            "total",
            Arg::from(Money::new(order.totals.total, order.currency).format(&order.locale)),
        ),
    ];
    let (subject, body) = match kind {
        EmailKind::OrderConfirmation => ("email-order-subject", "email-order-body"),
        EmailKind::StatusChanged => ("email-status-subject", "email-status-body"),
        // `build_email` never picks these: `privacy::emails` builds the
        // personal-data emails, with their own plain-text messages.
        EmailKind::DataRequestConfirm | EmailKind::DataRequestReport | EmailKind::InactiveWarning => {
            ("email-order-subject", "email-order-body")
        }
    };
    Email {
        from,
        to,
        subject: i18n::message(lang, subject, &args),
        text: i18n::message(lang, body, &args),
        html: None,
    }
}

/// The template context of an order email.
pub fn context(order: &Order, store: &Store, kind: EmailKind, status: &str) -> EmailContext {
    let locale = &order.locale;
    let money = |amount: i64| EmailMoney::new(Money::new(amount, order.currency), locale);
    let manifest = &store.manifest;
    let shop = &manifest.shop;
    let base_url = manifest.base_url.trim_end_matches('/');
    // Shipping is shown the way the lines are: with VAT for a TTC store, without
    // it for an HT (B2B) one, so the subtotal and shipping add up on the page.
    let shipping_price = if order.totals.prices_include_tax {
        order.shipping.gross
    } else {
        order.shipping.net
    };
    let pages = manifest.pages.get(locale);
    let home = pages.map_or("/", |pages| pages.home.as_str());
    let checkout = pages.map_or("/", |pages| pages.checkout.as_str());

    let lines = order
        .lines
        .iter()
        .map(|line| EmailLine {
            sku: line.sku.clone(),
            title: line.title.clone(),
            quantity: line.quantity,
            unit_price: money(line.unit_price),
            total: money(line.line_total),
            tax_rate: TaxRate(line.tax_rate).format(locale),
            backorder: (line.backorder_quantity > 0).then_some(EmailBackorder {
                quantity: line.backorder_quantity,
                days: line.backorder_days,
            }),
        })
        .collect();
    let placed_on = time::OffsetDateTime::from_unix_timestamp(order.created_at)
        .map(|time| format_date(time.date(), locale))
        .unwrap_or_default();

    let status_change = (kind == EmailKind::StatusChanged).then(|| {
        let entered = order.history.iter().rposition(|change| change.status == status);
        let previous = entered
            .and_then(|index| index.checked_sub(1))
            .and_then(|index| order.history.get(index));
        EmailStatusChange {
            previous: previous.map(|change| EmailStatus {
                id: change.status.clone(),
                label: status_label(Some(store), &change.status, locale),
            }),
            note: entered.and_then(|index| order.history[index].note.clone()),
        }
    });

    EmailContext {
        lang: locale.as_str().to_owned(),
        shop: EmailShop {
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
        },
        store: EmailStore {
            id: manifest.store.clone(),
            name: manifest.name.clone(),
            base_url: base_url.to_owned(),
        },
        order: EmailOrder {
            id: order.id.clone(),
            number: order.number.clone(),
            placed_on,
            status: EmailStatus {
                id: status.to_owned(),
                label: status_label(Some(store), status, locale),
            },
            customer: EmailCustomer {
                name: order.customer.name.clone(),
                email: order.customer.email.clone(),
            },
            tax_display: match manifest.tax_display {
                TaxDisplay::Incl => "incl".to_owned(),
                TaxDisplay::Excl => "excl".to_owned(),
            },
            payment_method: order.payment.label.clone(),
            lines,
            totals: EmailTotals {
                subtotal: money(order.totals.subtotal),
                shipping: Some(money(shipping_price)),
                excl_tax: money(order.totals.total_excl_tax),
                tax: money(order.totals.tax_total),
                incl_tax: money(order.totals.total),
                tax_lines: tax_lines(order, shop.vat_exempt)
                    .into_iter()
                    .map(|(rate, split)| EmailTaxLine {
                        rate: rate.format(locale),
                        base: money(split.net),
                        amount: money(split.tax),
                    })
                    .collect(),
            },
            shipping: Some(shipping(order, store, money(shipping_price))),
            billing_address: address_lines(&order.billing_address),
        },
        status_change,
        payment: payment(order, status, money(order.totals.total)),
        links: EmailLinks {
            order: format!(
                "{base_url}{checkout}?order={}&token={}",
                order.id, order.access_token
            ),
            shop: format!("{base_url}{home}"),
            terms: None,
        },
    }
}

/// VAT per rate: the items' and the shipping's share of each rate, summed. Their
/// taxes add up to the order's tax total.
fn tax_lines(order: &Order, vat_exempt: bool) -> Vec<(TaxRate, TaxSplit)> {
    let mut by_rate: BTreeMap<TaxRate, TaxSplit> = BTreeMap::new();
    let mut add = |rate: TaxRate, split: TaxSplit| {
        let entry = by_rate.entry(rate).or_insert(TaxSplit {
            net: 0,
            tax: 0,
            gross: 0,
        });
        entry.net += split.net;
        entry.tax += split.tax;
        entry.gross += split.gross;
    };
    for line in &order.lines {
        add(TaxRate(line.tax_rate), line.split);
    }
    let shares: Vec<(TaxRate, i64)> = order
        .lines
        .iter()
        .map(|line| (TaxRate(line.tax_rate), line.split.gross))
        .collect();
    for (rate, split) in shipping_parts(order.shipping.gross, &shares, vat_exempt) {
        if split.gross != 0 {
            add(rate, split);
        }
    }
    by_rate.into_iter().rev().collect()
}

/// The delivery block: the pickup address for a pickup method, else the shipping
/// address, which is the billing address when the customer gave none.
fn shipping(order: &Order, store: &Store, price: EmailMoney) -> EmailShipping {
    let pickup_address = store
        .manifest
        .shipping_methods
        .iter()
        .find(|offer| offer.id == order.shipping.method)
        .and_then(|offer| match &offer.rate {
            ShippingOfferRate::Pickup { address } => Some(address),
            _ => None,
        });
    let address = match pickup_address {
        Some(address) => address
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect(),
        None => address_lines(order.shipping_address.as_ref().unwrap_or(&order.billing_address)),
    };
    EmailShipping {
        method: order.shipping.label.clone(),
        price,
        address,
        pickup: pickup_address.is_some(),
    }
}

/// What the email says about payment, as of `status`. Transfer and cheque
/// instructions only while the order awaits payment (`pending`), because once it
/// is paid, shipped or cancelled they would ask the customer to pay again.
fn payment(order: &Order, status: &str, amount: EmailMoney) -> Option<EmailPayment> {
    let awaiting_payment = status == PENDING;
    let payment = match &order.payment.kind {
        PaymentKind::BankTransfer { .. } | PaymentKind::Cheque { .. } if !awaiting_payment => return None,
        PaymentKind::BankTransfer {
            account_holder,
            iban,
            bic,
        } => EmailPayment::BankTransfer {
            account_holder: account_holder.clone(),
            iban: iban.clone(),
            bic: bic.clone(),
            reference: order.number.clone(),
            amount,
        },
        PaymentKind::Cheque { payable_to, address } => EmailPayment::Cheque {
            payable_to: payable_to.clone(),
            address: address.clone(),
            reference: order.number.clone(),
            amount,
        },
        PaymentKind::Card { .. } => EmailPayment::Card {
            paid: order.payment_reference.is_some(),
        },
    };
    Some(payment)
}

fn address_lines(address: &PostalAddress) -> Vec<String> {
    let mut lines = vec![address.name.clone()];
    lines.extend(address.company.clone());
    lines.push(address.street.clone());
    lines.extend(address.street2.clone());
    lines.push(format!("{} {}", address.postal_code, address.city));
    lines.push(address.country.clone());
    lines
}

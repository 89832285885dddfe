//! What an email template sees: the shop's legal identity, the order with its lines
//! and totals, the payment instructions and the links.
//!
//! Every amount arrives formatted for the customer's locale (an [`EmailMoney`]), so
//! templates need no money filter. The caller fills the context from the order; the
//! constructors here cover the parts that come straight from the settings.
//!
//! In a template the context reads as:
//!
//! ```text
//! lang                                  "fr", the customer's locale
//! shop       {legal_name, legal_form, siret, vat_number?, rcs?, vat_exempt,
//!             address{street, postal_code, city, country}, email, phone?}
//! store      {id, name, base_url}
//! order      {id, number, placed_on, status{id, label}, customer{name, email},
//!             tax_display ("incl" | "excl"), payment_method,
//!             lines[{sku, title, quantity, unit_price, total, tax_rate,
//!                    backorder?{quantity, days?}}],
//!             totals{subtotal, shipping?, excl_tax, tax, incl_tax,
//!                    tax_lines[{rate, base, amount}]},
//!             shipping?{method, price, address[line…], pickup},
//!             billing_address[line…]}
//! status_change?  {previous?{id, label}, note?}      status_changed emails only
//! payment?   present for card orders, and for transfer and cheque orders only
//!            while the order is `pending` (the instructions to pay):
//!            {kind: "bank_transfer", account_holder, iban, bic, reference, amount}
//!          | {kind: "cheque", payable_to, address, reference, amount}
//!          | {kind: "card", paid}
//! links      {order, shop, terms?}                  absolute URLs
//! ```
//!
//! A money value is `{amount, currency, formatted}`; `formatted` is what a person
//! reads (`129,90 €`).

use serde::{Deserialize, Serialize};

use commerce::settings::Shop;
use commerce::{Locale, Money};

/// Everything an order email is rendered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailContext {
    /// The customer's locale tag, such as `fr` or `en-GB`: picks the strings.
    pub lang: String,
    /// The legal entity, named in the footer as French law requires.
    pub shop: EmailShop,
    /// The store the order was placed in.
    pub store: EmailStore,
    /// The order.
    pub order: EmailOrder,
    /// The transition that triggered a status-change email; `None` otherwise.
    #[serde(default)]
    pub status_change: Option<EmailStatusChange>,
    /// How to pay, while a bank transfer or cheque order is still `pending`, or the
    /// card payment's state; `None` once a transfer or cheque order left `pending`.
    #[serde(default)]
    pub payment: Option<EmailPayment>,
    /// Links the email offers.
    pub links: EmailLinks,
}

/// The shop's legal identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailShop {
    /// Registered name.
    pub legal_name: String,
    /// Legal form and capital, such as "SARL au capital de 8 000 €".
    pub legal_form: String,
    /// SIRET number.
    pub siret: String,
    /// Intra-community VAT number; absent for a business exempt under art. 293 B.
    pub vat_number: Option<String>,
    /// Trade register entry, such as "RCS Lyon 123 456 789".
    pub rcs: Option<String>,
    /// Registered address.
    pub address: EmailAddress,
    /// Contact email.
    pub email: String,
    /// Contact phone.
    pub phone: Option<String>,
    /// True when no VAT is charged (art. 293 B du CGI): the footer prints that mention.
    pub vat_exempt: bool,
}

impl From<&Shop> for EmailShop {
    fn from(shop: &Shop) -> Self {
        EmailShop {
            legal_name: shop.legal_name.clone(),
            legal_form: shop.legal_form.clone(),
            siret: shop.siret.get_ref().clone(),
            vat_number: shop.vat_number.clone(),
            rcs: shop.rcs.clone(),
            address: EmailAddress {
                street: shop.address.street.clone(),
                postal_code: shop.address.postal_code.clone(),
                city: shop.address.city.clone(),
                country: shop.address.country.clone(),
            },
            email: shop.email.get_ref().clone(),
            phone: shop.phone.clone(),
            vat_exempt: shop.vat_exempt,
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress {
    /// Street and number, possibly several lines.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// The store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailStore {
    /// Store id.
    pub id: String,
    /// Name shown to customers, also the sender's display name.
    pub name: String,
    /// Public URL of the store.
    pub base_url: String,
}

/// The order as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailOrder {
    /// Order id.
    pub id: String,
    /// Order number shown to the customer, such as `AB-000042`.
    pub number: String,
    /// Date the order was placed, formatted for the locale (see [`format_date`]).
    pub placed_on: String,
    /// Current status.
    pub status: EmailStatus,
    /// The customer.
    pub customer: EmailCustomer,
    /// `incl` when line prices include VAT (TTC), `excl` when they do not (HT).
    pub tax_display: String,
    /// Label of the payment method chosen, in the customer's language.
    pub payment_method: String,
    /// Order lines.
    pub lines: Vec<EmailLine>,
    /// Totals.
    pub totals: EmailTotals,
    /// Shipping method and address; `None` for an order without delivery.
    #[serde(default)]
    pub shipping: Option<EmailShipping>,
    /// Billing address, one entry per printed line.
    #[serde(default)]
    pub billing_address: Vec<String>,
}

/// A status with its label in the customer's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailStatus {
    /// Status id, such as `shipped`.
    pub id: String,
    /// Label, such as "Expédiée".
    pub label: String,
}

/// The customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCustomer {
    /// Name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// An order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLine {
    /// Sku.
    pub sku: String,
    /// Title in the customer's language.
    pub title: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price, with or without VAT according to `tax_display`.
    pub unit_price: EmailMoney,
    /// Line total.
    pub total: EmailMoney,
    /// VAT rate as printed, such as "20 %".
    pub tax_rate: String,
    /// The units of `quantity` shipped later, when the stock did not cover the line.
    #[serde(default)]
    pub backorder: Option<EmailBackorder>,
}

/// The part of an order line on backorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailBackorder {
    /// Units shipped later, included in the line's quantity.
    pub quantity: u32,
    /// Announced delay in days, when the catalogue gives one.
    #[serde(default)]
    pub days: Option<u32>,
}

/// Order totals; `shipping` is included in all three of `excl_tax`, `tax` and
/// `incl_tax`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTotals {
    /// Sum of the line totals.
    pub subtotal: EmailMoney,
    /// Shipping price; `None` when the order is not shipped.
    #[serde(default)]
    pub shipping: Option<EmailMoney>,
    /// Total without VAT (HT).
    pub excl_tax: EmailMoney,
    /// VAT (TVA).
    pub tax: EmailMoney,
    /// Total with VAT (TTC): what the customer pays.
    pub incl_tax: EmailMoney,
    /// VAT per rate, as a French invoice lists it.
    #[serde(default)]
    pub tax_lines: Vec<EmailTaxLine>,
}

/// The VAT of one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTaxLine {
    /// Rate as printed, such as "20 %".
    pub rate: String,
    /// Amount the rate applies to (HT).
    pub base: EmailMoney,
    /// VAT at that rate.
    pub amount: EmailMoney,
}

/// Delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailShipping {
    /// Shipping method label in the customer's language.
    pub method: String,
    /// Shipping price.
    pub price: EmailMoney,
    /// Delivery address, one entry per printed line: the shipping address, the
    /// billing address when the customer gave no other, or the pickup address.
    pub address: Vec<String>,
    /// True when the customer collects the order at `address`.
    #[serde(default)]
    pub pickup: bool,
}

/// The status change a status email reports; the new status is `order.status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailStatusChange {
    /// Status before the change.
    #[serde(default)]
    pub previous: Option<EmailStatus>,
    /// Merchant's note to the customer, such as a tracking number.
    #[serde(default)]
    pub note: Option<String>,
}

/// How the customer pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmailPayment {
    /// Bank transfer still to make.
    BankTransfer {
        /// Account holder.
        account_holder: String,
        /// IBAN.
        iban: String,
        /// BIC.
        bic: String,
        /// Reference to write on the transfer, usually the order number.
        reference: String,
        /// Amount to transfer.
        amount: EmailMoney,
    },
    /// Cheque still to send.
    Cheque {
        /// Payee.
        payable_to: String,
        /// Where to send it.
        address: String,
        /// Reference to write on the back of the cheque.
        reference: String,
        /// Amount of the cheque.
        amount: EmailMoney,
    },
    /// Card payment through the provider's page.
    Card {
        /// Whether the provider confirmed the payment.
        paid: bool,
    },
}

/// Links in the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLinks {
    /// The order page, with its access token.
    pub order: String,
    /// The store's home page.
    pub shop: String,
    /// The terms of sale (CGV), when the shop has a page for them.
    #[serde(default)]
    pub terms: Option<String>,
}

/// An amount with its text for the customer's locale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMoney {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The amount as a person reads it: `129,90 €` in French, `€129.90` in English.
    pub formatted: String,
}

impl EmailMoney {
    /// Formats `money` for `locale`.
    pub fn new(money: Money, locale: &Locale) -> Self {
        EmailMoney {
            amount: money.amount,
            currency: money.currency.code().to_owned(),
            formatted: money.format(locale),
        }
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Formats a date as a letter does: `1er mai 2026` in French, `1 May 2026` in English
/// (the day-month-year order British English and most of Europe use).
pub fn format_date(date: time::Date, locale: &Locale) -> String {
    let day = date.day();
    let year = date.year();
    if locale.is_french() {
        let month = MONTHS_FR[usize::from(u8::from(date.month())) - 1];
        let day = if day == 1 {
            "1er".to_owned()
        } else {
            day.to_string()
        };
        format!("{day} {month} {year}")
    } else {
        format!("{day} {} {year}", date.month())
    }
}

/// Builds a `From` value, `"Store name" <address>`, quoting the name so commas or
/// quotes in it cannot split the header.
pub fn sender(name: &str, address: &str) -> String {
    let escaped: String = name
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("\"{escaped}\" <{address}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(tag: &str) -> Locale {
        Locale::parse(tag).expect("valid locale")
    }

    #[test]
    fn dates_in_french_and_english() {
        let first = time::Date::from_calendar_date(2026, time::Month::May, 1).expect("valid date");
        let later = time::Date::from_calendar_date(2026, time::Month::August, 14).expect("valid date");
        assert_eq!(format_date(first, &locale("fr")), "1er mai 2026");
        assert_eq!(format_date(later, &locale("fr")), "14 août 2026");
        assert_eq!(format_date(later, &locale("en")), "14 August 2026");
    }

    #[test]
    fn sender_quotes_display_name() {
        assert_eq!(
            sender("Atelier \"Brume\", Lyon", "contact@example.fr"),
            "\"Atelier \\\"Brume\\\", Lyon\" <contact@example.fr>"
        );
        assert_eq!(sender("Bad\r\nBcc: x", "a@b.fr"), "\"BadBcc: x\" <a@b.fr>");
    }

    #[test]
    fn money_formatted_for_locale() {
        let money = Money::new(12990, commerce::Currency::EUR);
        assert_eq!(EmailMoney::new(money, &locale("fr")).formatted, "129,90\u{A0}€");
        assert_eq!(EmailMoney::new(money, &locale("en")).formatted, "€129.90");
    }
}

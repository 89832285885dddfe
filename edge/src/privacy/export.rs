//! The personal-data export in its three formats: JSON (the documented schema
//! `comptoir-personal-data/1`, see `docs/en/privacy-export.md`), CSV (one table of
//! `section, item, field, value` rows flattened from the JSON) and a readable HTML
//! page in the request's language.
//!
//! Everything is built from [`PersonalData`] as read at download time, across all
//! stores of the shop. The JSON is the reference: the CSV carries exactly its
//! values, and the HTML shows the same records for a person to read.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use commerce::{Locale, Money};
use serde_json::{Value, json};

use crate::api::views::status_label;
use crate::catalog::Catalog;
use crate::clock::rfc3339;
use crate::i18n::{self, Arg, Lang};
use crate::mail::context::format_date;
use commerce::retention::LegalGround;

use crate::storage::privacy::{ArchivedOrder, CartSummary, CustomerRecord, SubscriptionRecord};
use crate::storage::{DataRequest, Order, PersonalData, PostalAddress};

/// The `format` marker of the JSON export; it changes when a field changes meaning
/// or disappears (adding a field keeps it).
pub const FORMAT: &str = "comptoir-personal-data/1";

/// A download format of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `application/json`, the documented schema.
    Json,
    /// `text/csv`, one table.
    Csv,
    /// `text/html`, a self-contained page.
    Html,
}

impl ExportFormat {
    /// Every format, in the order the confirmation lists their links.
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Json, ExportFormat::Csv, ExportFormat::Html];

    /// Parses the `format` query parameter.
    pub fn parse(text: &str) -> Option<ExportFormat> {
        match text {
            "json" => Some(ExportFormat::Json),
            "csv" => Some(ExportFormat::Csv),
            "html" => Some(ExportFormat::Html),
            _ => None,
        }
    }

    /// The query parameter value, also the file extension and the name the
    /// download is logged under.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Html => "html",
        }
    }

    /// The `Content-Type` of the download.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Html => "text/html; charset=utf-8",
        }
    }
}

/// The inputs of an export.
#[derive(Debug, Clone, Copy)]
pub struct ExportSource<'a> {
    /// The export request.
    pub request: &'a DataRequest,
    /// Everything held about the person.
    pub data: &'a PersonalData,
    /// The deployed stores, for names and status labels.
    pub catalog: &'a Catalog,
    /// Download time.
    pub now: i64,
}

/// Builds the export in `format`: the bytes of the file.
pub fn render(source: &ExportSource<'_>, format: ExportFormat) -> Vec<u8> {
    let document = to_json(source);
    match format {
        ExportFormat::Json => serde_json::to_vec_pretty(&document).unwrap_or_default(),
        ExportFormat::Csv => to_csv(&document).into_bytes(),
        ExportFormat::Html => to_html(source).into_bytes(),
    }
}

/// Builds the file name offered by `Content-Disposition`: `personal-data-<store>-<date>.<ext>`.
pub fn file_name(request: &DataRequest, format: ExportFormat, now: i64) -> String {
    let date: String = rfc3339(now).chars().take(10).collect();
    let store: String = request
        .store
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("personal-data-{store}-{date}.{}", format.as_str())
}

// --- JSON -------------------------------------------------------------------

/// Builds the JSON document, whose fields `docs/en/privacy-export.md` documents.
pub fn to_json(source: &ExportSource<'_>) -> Value {
    let ExportSource {
        request, data, now, ..
    } = *source;
    json!({
        "format": FORMAT,
        "generated_at": rfc3339(now),
        "request": {
            "id": request.id,
            "store": request.store,
            "received_at": rfc3339(request.received_at),
            "confirmed_at": request.confirmed_at.map(rfc3339),
        },
        "person": {
            "email": request.email,
            "email_key": request.email_key,
        },
        "customer": data.customer.as_ref().map(customer_json),
        "addresses": addresses(&data.orders)
            .iter()
            .map(|(address, kind, numbers)| address_json(address, Some((kind, numbers))))
            .collect::<Vec<_>>(),
        "orders": data.orders.iter().map(order_json).collect::<Vec<_>>(),
        "carts": data.carts.iter().map(cart_json).collect::<Vec<_>>(),
        "consents": data.consents.iter().map(consent_json).collect::<Vec<_>>(),
        "marketing_subscriptions": data.subscriptions.iter().map(subscription_json).collect::<Vec<_>>(),
        "data_requests": data.requests.iter().map(request_json).collect::<Vec<_>>(),
        "archived_orders": data.archived.iter().map(archived_json).collect::<Vec<_>>(),
    })
}

/// Builds the JSON of an order kept in the restricted archive after an erasure.
/// The person keeps a right of access to it, its legal ground and its end date.
fn archived_json(order: &ArchivedOrder) -> Value {
    json!({
        "number": order.number,
        "store": order.store,
        "billing": order.billing,
        "delivery": order.delivery,
        "ground": order.ground,
        "kept_until": rfc3339(order.until),
        "archived_at": rfc3339(order.archived_at),
    })
}

fn customer_json(customer: &CustomerRecord) -> Value {
    json!({
        "email": customer.email,
        "name": customer.name,
        "phone": customer.phone,
        "company": customer.company,
        "vat_number": customer.vat_number,
        "marketing_email": customer.marketing_email,
        "created_at": rfc3339(customer.created_at),
        "updated_at": rfc3339(customer.updated_at),
    })
}

/// Address kinds, as written in the JSON and CSV.
const BILLING: &str = "billing";
const DELIVERY: &str = "delivery";

/// Collects the distinct billing and delivery addresses of the orders, each with the
/// numbers of the orders that used it, in order of first use.
fn addresses(orders: &[Order]) -> Vec<(PostalAddress, &'static str, Vec<String>)> {
    let mut found: Vec<(PostalAddress, &'static str, Vec<String>)> = Vec::new();
    let mut add = |address: &PostalAddress, kind: &'static str, number: &str| match found
        .iter_mut()
        .find(|(known, known_kind, _)| known == address && *known_kind == kind)
    {
        Some((_, _, numbers)) => {
            if !numbers.iter().any(|known| known == number) {
                numbers.push(number.to_owned());
            }
        }
        None => found.push((address.clone(), kind, vec![number.to_owned()])),
    };
    for order in orders {
        add(&order.billing_address, BILLING, &order.number);
        if let Some(delivery) = &order.shipping_address {
            add(delivery, DELIVERY, &order.number);
        }
    }
    found
}

fn address_json(address: &PostalAddress, usage: Option<(&&str, &Vec<String>)>) -> Value {
    let mut value = json!({
        "name": address.name,
        "company": address.company,
        "street": address.street,
        "street2": address.street2,
        "postal_code": address.postal_code,
        "city": address.city,
        "country": address.country,
        "phone": address.phone,
    });
    if let Some((kind, numbers)) = usage {
        value["type"] = json!(kind);
        value["orders"] = json!(numbers);
    }
    value
}

fn money_json(amount: i64, currency: commerce::Currency) -> Value {
    json!({ "amount": amount, "currency": currency.code() })
}

/// Writes a VAT rate in hundredths of a percent as a decimal percentage: 2000 → `"20"`,
/// 550 → `"5.5"`.
fn percent(rate: u32) -> String {
    let text = format!("{}.{:02}", rate / 100, rate % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn order_json(order: &Order) -> Value {
    let money = |amount: i64| money_json(amount, order.currency);
    let lines: Vec<Value> = order
        .lines
        .iter()
        .map(|line| {
            json!({
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "tax_rate": percent(line.tax_rate),
                "total": money(line.line_total),
                "backorder_quantity": line.backorder_quantity,
            })
        })
        .collect();
    let history: Vec<Value> = order
        .history
        .iter()
        .map(|change| {
            json!({
                "status": change.status,
                "at": rfc3339(change.at),
                "note": change.note,
            })
        })
        .collect();
    json!({
        "id": order.id,
        "number": order.number,
        "store": order.store,
        "locale": order.locale.as_str(),
        "currency": order.currency.code(),
        "status": order.status,
        "placed_at": rfc3339(order.created_at),
        "updated_at": rfc3339(order.updated_at),
        "customer": {
            "email": order.customer.email,
            "name": order.customer.name,
            "phone": order.customer.phone,
            "company": order.customer.company,
            "vat_number": order.customer.vat_number,
        },
        "billing_address": address_json(&order.billing_address, None),
        "shipping_address": order.shipping_address.as_ref().map(|address| address_json(address, None)),
        "lines": lines,
        "shipping": {
            "method": order.shipping.method,
            "label": order.shipping.label,
            "price": money(order.shipping.gross),
        },
        "totals": {
            "prices_include_tax": order.totals.prices_include_tax,
            "subtotal": money(order.totals.subtotal),
            "excl_tax": money(order.totals.total_excl_tax),
            "tax": money(order.totals.tax_total),
            "total": money(order.totals.total),
        },
        "payment": {
            "method": order.payment.method,
            "label": order.payment.label,
            "kind": payment_kind(order),
            "reference": order.payment_reference,
        },
        "status_history": history,
    })
}

/// Returns the payment kind's name (`bank_transfer`, `cheque`, `card`), without the shop's
/// bank details that the stored kind carries.
fn payment_kind(order: &Order) -> String {
    serde_json::to_value(&order.payment.kind)
        .ok()
        .and_then(|value| value["kind"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn cart_json(cart: &CartSummary) -> Value {
    let lines: Vec<Value> = cart
        .lines
        .iter()
        .map(|(sku, quantity)| json!({ "sku": sku, "quantity": quantity }))
        .collect();
    json!({
        "id": cart.id,
        "store": cart.store,
        "currency": cart.currency,
        "lines": lines,
        "created_at": rfc3339(cart.created_at),
        "updated_at": rfc3339(cart.updated_at),
        "order_id": cart.order_id,
    })
}

fn consent_json(record: &crate::consent::ConsentRecord) -> Value {
    let fields = &record.fields;
    json!({
        "sequence": record.sequence,
        "consent_id": fields.consent_id,
        "store": fields.store,
        "locale": fields.locale,
        "action": fields.action,
        "purposes": fields.purposes,
        "services": fields.services,
        "ui_source": fields.ui_source,
        "policy_version": fields.policy_version,
        "given_at": rfc3339(fields.given_at),
        "expires_at": rfc3339(fields.expires_at),
        "ip_network": fields.ip_network,
        "user_agent_family": fields.user_agent_family,
    })
}

fn subscription_json(subscription: &SubscriptionRecord) -> Value {
    json!({
        "store": subscription.store,
        "list": subscription.list,
        "status": subscription.status,
        "consent_id": subscription.consent_id,
        "subscribed_at": rfc3339(subscription.subscribed_at),
        "unsubscribed_at": subscription.unsubscribed_at.map(rfc3339),
    })
}

fn request_json(request: &DataRequest) -> Value {
    json!({
        "id": request.id,
        "store": request.store,
        "kind": request.kind.as_str(),
        "status": request.status.as_str(),
        "received_at": rfc3339(request.received_at),
        "deadline_at": rfc3339(request.deadline_at),
        "confirmed_at": request.confirmed_at.map(rfc3339),
        "fulfilled_at": request.fulfilled_at.map(rfc3339),
    })
}

// --- CSV --------------------------------------------------------------------

/// The sections of the JSON flattened into CSV rows, in this order.
const CSV_SECTIONS: [&str; 12] = [
    "format",
    "generated_at",
    "request",
    "person",
    "customer",
    "addresses",
    "orders",
    "carts",
    "consents",
    "marketing_subscriptions",
    "data_requests",
    "archived_orders",
];

/// The CSV file: a header `section,item,field,value`, then one row per value of
/// the JSON document, section by section in the JSON's order. `item` numbers the records of a list section from 1 (empty
/// for a single record); `field` is the value's path inside the record, such as
/// `lines[0].unit_price.amount`. It starts with a UTF-8 byte order mark so that
/// spreadsheets read accents correctly.
pub fn to_csv(document: &Value) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for section in CSV_SECTIONS {
        match &document[section] {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    flatten(item, String::new(), &mut |field, value| {
                        rows.push([section.to_owned(), (index + 1).to_string(), field, value]);
                    });
                }
            }
            Value::Null => {}
            value => flatten(value, String::new(), &mut |field, text| {
                // A top-level scalar (`format`) is its own field.
                let field = if field.is_empty() {
                    section.to_owned()
                } else {
                    field
                };
                rows.push([section.to_owned(), String::new(), field, text]);
            }),
        }
    }

    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut write = |record: &[String]| {
        let guarded: Vec<String> = record.iter().map(|cell| guard_formula(cell)).collect();
        // Writing to a `Vec` has no I/O error, and every record has four fields.
        let _infallible = writer.write_record(&guarded);
    };
    write(&["section".into(), "item".into(), "field".into(), "value".into()]);
    for row in &rows {
        write(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes))
}

/// Calls `emit(path, text)` for every scalar inside `value`; `null` is an empty
/// cell, so an absent value still has its row.
fn flatten(value: &Value, path: String, emit: &mut dyn FnMut(String, String)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten(child, child_path, emit);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                flatten(child, format!("{path}[{index}]"), emit);
            }
        }
        Value::Null => emit(path, String::new()),
        Value::String(text) => emit(path, text.clone()),
        other => emit(path, other.to_string()),
    }
}

/// Prefixes a cell that a spreadsheet would run as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) with `'`, which spreadsheets show as
/// text. A name or a note typed at checkout reaches the export unchanged otherwise.
pub fn guard_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

// --- HTML -------------------------------------------------------------------

/// Builds the readable page, in the request's language: every section with its records,
/// amounts and dates formatted for the reader, every value HTML-escaped. It loads
/// nothing from elsewhere (styles are inline), so it opens offline.
pub fn to_html(source: &ExportSource<'_>) -> String {
    let locale = Locale::parse(&source.request.locale).unwrap_or_else(|_| Lang::En.locale());
    let page = Page {
        lang: Lang::of(&locale),
        locale,
        source,
    };
    page.render()
}

struct Page<'a> {
    lang: Lang,
    locale: Locale,
    source: &'a ExportSource<'a>,
}

impl Page<'_> {
    fn text(&self, id: &str) -> String {
        i18n::message(self.lang, id, &[])
    }

    fn date(&self, at: i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(at)
            .map(|time| format_date(time.date(), &self.locale))
            .unwrap_or_else(|_| at.to_string())
    }

    fn optional_date(&self, at: Option<i64>) -> String {
        at.map(|at| self.date(at)).unwrap_or_default()
    }

    fn money(&self, amount: i64, order: &Order) -> String {
        Money::new(amount, order.currency).format(&self.locale)
    }

    fn render(&self) -> String {
        let source = self.source;
        let data = source.data;
        let title = self.text("export-title");
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
            lang = escape(self.locale.as_str()),
            title = escape(&title),
        );
        let intro = i18n::message(
            self.lang,
            "export-intro",
            &[
                (
                    "email",
                    Arg::from(source.request.email.clone().unwrap_or_default()),
                ),
                ("date", Arg::from(self.date(source.now))),
            ],
        );
        let _ = writeln!(html, "<p>{}</p>", escape(&intro));

        self.customer_section(&mut html, data.customer.as_ref());
        self.addresses_section(&mut html, &data.orders);
        self.orders_section(&mut html, &data.orders);
        self.carts_section(&mut html, &data.carts);
        self.consents_section(&mut html, &data.consents);
        self.subscriptions_section(&mut html, &data.subscriptions);
        self.requests_section(&mut html, &data.requests);
        self.archive_section(&mut html, &data.archived);

        html.push_str("</body>\n</html>\n");
        html
    }

    fn heading(&self, html: &mut String, id: &str) {
        let _ = writeln!(html, "<h2>{}</h2>", escape(&self.text(id)));
    }

    fn empty(&self, html: &mut String) {
        let _ = writeln!(
            html,
            "<p class=\"empty\">{}</p>",
            escape(&self.text("export-none"))
        );
    }

    /// Writes a two-column table of label ids and values, leaving out rows with an
    /// empty value.
    fn fields(&self, html: &mut String, rows: &[(&str, String)]) {
        html.push_str("<table class=\"fields\">\n");
        for (label, value) in rows.iter().filter(|(_, value)| !value.is_empty()) {
            let _ = writeln!(
                html,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape(&self.text(label)),
                escape(value)
            );
        }
        html.push_str("</table>\n");
    }

    /// Writes a table with a header of label ids and rows of values.
    fn table(&self, html: &mut String, header: &[&str], rows: &[Vec<String>]) {
        html.push_str("<table>\n<thead><tr>");
        for label in header {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(&self.text(label)));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            html.push_str("<tr>");
            for cell in row {
                let _ = write!(html, "<td>{}</td>", escape(cell));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>\n");
    }

    fn customer_section(&self, html: &mut String, customer: Option<&CustomerRecord>) {
        self.heading(html, "export-section-customer");
        let Some(customer) = customer else {
            return self.empty(html);
        };
        let marketing = match customer.marketing_email {
            Some(true) => self.text("export-yes"),
            Some(false) => self.text("export-no"),
            None => String::new(),
        };
        self.fields(
            html,
            &[
                ("export-field-name", customer.name.clone()),
                ("export-field-email", customer.email.clone()),
                ("export-field-phone", customer.phone.clone().unwrap_or_default()),
                (
                    "export-field-company",
                    customer.company.clone().unwrap_or_default(),
                ),
                (
                    "export-field-vat-number",
                    customer.vat_number.clone().unwrap_or_default(),
                ),
                ("export-field-marketing-email", marketing),
                ("export-field-created", self.date(customer.created_at)),
                ("export-field-updated", self.date(customer.updated_at)),
            ],
        );
    }

    fn addresses_section(&self, html: &mut String, orders: &[Order]) {
        self.heading(html, "export-section-addresses");
        let found = addresses(orders);
        if found.is_empty() {
            return self.empty(html);
        }
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|(address, kind, numbers)| {
                let kind_label = if *kind == BILLING {
                    self.text("export-address-billing")
                } else {
                    self.text("export-address-delivery")
                };
                vec![kind_label, address_text(address), numbers.join(", ")]
            })
            .collect();
        self.table(
            html,
            &["export-field-type", "export-field-address", "export-field-orders"],
            &rows,
        );
    }

    fn orders_section(&self, html: &mut String, orders: &[Order]) {
        self.heading(html, "export-section-orders");
        if orders.is_empty() {
            return self.empty(html);
        }
        for order in orders {
            let store = self
                .source
                .catalog
                .store(&order.store)
                .map(|store| store.as_ref());
            let heading = i18n::message(
                self.lang,
                "export-order-heading",
                &[("number", Arg::from(order.number.as_str()))],
            );
            let _ = writeln!(html, "<section class=\"order\">\n<h3>{}</h3>", escape(&heading));
            let store_name = store.map_or_else(|| order.store.clone(), |store| store.manifest.name.clone());
            self.fields(
                html,
                &[
                    ("export-field-store", store_name),
                    ("export-field-placed", self.date(order.created_at)),
                    (
                        "export-field-status",
                        status_label(store, &order.status, &self.locale),
                    ),
                    ("export-field-name", order.customer.name.clone()),
                    ("export-field-email", order.customer.email.clone()),
                    (
                        "export-field-phone",
                        order.customer.phone.clone().unwrap_or_default(),
                    ),
                    (
                        "export-field-company",
                        order.customer.company.clone().unwrap_or_default(),
                    ),
                    (
                        "export-field-vat-number",
                        order.customer.vat_number.clone().unwrap_or_default(),
                    ),
                    ("export-address-billing", address_text(&order.billing_address)),
                    (
                        "export-address-delivery",
                        order
                            .shipping_address
                            .as_ref()
                            .map(address_text)
                            .unwrap_or_default(),
                    ),
                    ("export-field-shipping", order.shipping.label.clone()),
                    ("export-field-payment", order.payment.label.clone()),
                    (
                        "export-field-payment-reference",
                        order.payment_reference.clone().unwrap_or_default(),
                    ),
                    ("export-field-total", self.money(order.totals.total, order)),
                ],
            );
            let lines: Vec<Vec<String>> = order
                .lines
                .iter()
                .map(|line| {
                    vec![
                        line.sku.clone(),
                        line.title.clone(),
                        line.quantity.to_string(),
                        self.money(line.unit_price, order),
                        commerce::tax::TaxRate(line.tax_rate).format(&self.locale),
                        self.money(line.line_total, order),
                    ]
                })
                .collect();
            self.table(
                html,
                &[
                    "export-field-sku",
                    "export-field-item",
                    "export-field-quantity",
                    "export-field-unit-price",
                    "export-field-tax-rate",
                    "export-field-total",
                ],
                &lines,
            );
            let history: Vec<Vec<String>> = order
                .history
                .iter()
                .map(|change| {
                    vec![
                        self.date(change.at),
                        status_label(store, &change.status, &self.locale),
                        change.note.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            self.table(
                html,
                &["export-field-date", "export-field-status", "export-field-note"],
                &history,
            );
            html.push_str("</section>\n");
        }
    }

    fn carts_section(&self, html: &mut String, carts: &[CartSummary]) {
        self.heading(html, "export-section-carts");
        if carts.is_empty() {
            return self.empty(html);
        }
        let rows: Vec<Vec<String>> = carts
            .iter()
            .map(|cart| {
                let lines: Vec<String> = cart
                    .lines
                    .iter()
                    .map(|(sku, quantity)| format!("{quantity} × {sku}"))
                    .collect();
                vec![
                    cart.store.clone(),
                    self.date(cart.created_at),
                    self.date(cart.updated_at),
                    lines.join(", "),
                ]
            })
            .collect();
        self.table(
            html,
            &[
                "export-field-store",
                "export-field-created",
                "export-field-updated",
                "export-field-lines",
            ],
            &rows,
        );
    }

    fn consents_section(&self, html: &mut String, consents: &[crate::consent::ConsentRecord]) {
        self.heading(html, "export-section-consents");
        if consents.is_empty() {
            return self.empty(html);
        }
        let rows: Vec<Vec<String>> = consents
            .iter()
            .map(|record| {
                let fields = &record.fields;
                vec![
                    self.date(fields.given_at),
                    fields.store.clone(),
                    fields.action.clone(),
                    choices_text(&fields.purposes),
                    fields.ui_source.clone(),
                    self.date(fields.expires_at),
                ]
            })
            .collect();
        self.table(
            html,
            &[
                "export-field-date",
                "export-field-store",
                "export-field-action",
                "export-field-purposes",
                "export-field-source",
                "export-field-expires",
            ],
            &rows,
        );
    }

    fn subscriptions_section(&self, html: &mut String, subscriptions: &[SubscriptionRecord]) {
        self.heading(html, "export-section-subscriptions");
        if subscriptions.is_empty() {
            return self.empty(html);
        }
        let rows: Vec<Vec<String>> = subscriptions
            .iter()
            .map(|subscription| {
                vec![
                    subscription.store.clone(),
                    subscription.list.clone(),
                    subscription.status.clone(),
                    self.date(subscription.subscribed_at),
                    self.optional_date(subscription.unsubscribed_at),
                ]
            })
            .collect();
        self.table(
            html,
            &[
                "export-field-store",
                "export-field-list",
                "export-field-status",
                "export-field-subscribed",
                "export-field-unsubscribed",
            ],
            &rows,
        );
    }

    fn archive_section(&self, html: &mut String, archived: &[ArchivedOrder]) {
        // Shown only when something is archived: most people never asked for an
        // erasure, and an empty "archive" heading would only puzzle them.
        if archived.is_empty() {
            return;
        }
        self.heading(html, "export-section-archive");
        let rows: Vec<Vec<String>> = archived
            .iter()
            .map(|order| {
                let ground = match order.ground {
                    LegalGround::Invoice => self.text("export-ground-invoice"),
                    LegalGround::Contract => self.text("export-ground-contract"),
                };
                vec![
                    order.number.clone(),
                    order.store.clone(),
                    ground,
                    self.date(order.until),
                ]
            })
            .collect();
        self.table(
            html,
            &[
                "export-field-number",
                "export-field-store",
                "export-field-ground",
                "export-field-kept-until",
            ],
            &rows,
        );
    }

    fn requests_section(&self, html: &mut String, requests: &[DataRequest]) {
        self.heading(html, "export-section-requests");
        if requests.is_empty() {
            return self.empty(html);
        }
        let rows: Vec<Vec<String>> = requests
            .iter()
            .map(|request| {
                vec![
                    self.date(request.received_at),
                    self.text(&format!("export-kind-{}", request.kind.as_str())),
                    self.text(&format!("export-request-status-{}", request.status.as_str())),
                    self.optional_date(request.fulfilled_at),
                ]
            })
            .collect();
        self.table(
            html,
            &[
                "export-field-date",
                "export-field-kind",
                "export-field-status",
                "export-field-fulfilled",
            ],
            &rows,
        );
    }
}

/// Inline styles of the page: readable on screen and on paper, with no web font.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f5f5f5}table.fields th{width:14rem}.empty{color:#666;font-style:italic}";

/// Writes an address on one line.
fn address_text(address: &PostalAddress) -> String {
    let mut parts: Vec<String> = vec![address.name.clone()];
    parts.extend(address.company.clone());
    parts.push(address.street.clone());
    parts.extend(address.street2.clone());
    parts.push(format!("{} {}", address.postal_code, address.city));
    parts.push(address.country.clone());
    parts.extend(address.phone.clone());
    parts.retain(|part| !part.trim().is_empty());
    parts.join(", ")
}

/// Writes a purpose map `{"analytics": true}` as `analytics: true, …`.
fn choices_text(choices: &Value) -> String {
    match choices {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, &Value> = map.iter().collect();
            sorted
                .iter()
                .map(|(name, granted)| format!("{name}: {granted}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Escapes text for HTML content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_guarded() {
        assert_eq!(guard_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_formula("+33 6 12"), "'+33 6 12");
        assert_eq!(guard_formula("-1"), "'-1");
        assert_eq!(guard_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard_formula("Marie"), "Marie");
        assert_eq!(guard_formula(""), "");
    }

    #[test]
    fn csv_flattens_and_quotes() {
        let document = json!({
            "format": FORMAT,
            "person": {"email": "a@b.fr"},
            "orders": [{"number": "CB-1", "lines": [{"title": "Tasse, \"bleue\""}]}],
        });
        let csv = to_csv(&document);
        assert!(csv.starts_with('\u{FEFF}'));
        let body = csv.trim_start_matches('\u{FEFF}');
        let lines: Vec<&str> = body.split("\r\n").collect();
        assert_eq!(lines[0], "section,item,field,value");
        assert!(lines.contains(&"person,,email,a@b.fr"), "{body}");
        assert!(lines.contains(&"orders,1,number,CB-1"), "{body}");
        assert!(
            lines.contains(&"orders,1,lines[0].title,\"Tasse, \"\"bleue\"\"\""),
            "{body}"
        );
        assert_eq!(lines[1], format!("format,,format,{FORMAT}"));
    }

    #[test]
    fn percent_trims_zeros() {
        assert_eq!(percent(2000), "20");
        assert_eq!(percent(550), "5.5");
        assert_eq!(percent(210), "2.1");
        assert_eq!(percent(0), "0");
    }
}

//! Files and markup for search engines and marketplaces: schema.org JSON-LD in pages, the
//! sitemap with hreflang alternates, `robots.txt`, and the Google Merchant Center
//! product feed of each locale and currency.

/// Appends formatted text to a `String`. Writing to a `String` cannot fail, so
/// the `fmt::Result` carries nothing.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _infallible = $out.write_fmt(format_args!($($arg)*));
    }};
}

/// [`put!`] followed by a line break.
macro_rules! putln {
    ($out:expr, $($arg:tt)*) => {{
        put!($out, $($arg)*);
        $out.push('\n');
    }};
}

use serde_json::{Value, json};

use crate::render::context::{LinkView, PageEnv, absolute_url, excerpt, image_path, sku_title};
use crate::render::routes::PageKind;
use crate::render::store::{StoreData, availability};

/// The sitemap protocol's limit of URLs per file; a larger store gets a sitemap
/// index pointing at numbered files.
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// Characters of a product's body kept as its feed description when it has no
/// `description`. Google accepts 5,000; the feed repeats the text for every
/// variant, so a shorter excerpt keeps a large catalogue's feed small.
const FEED_DESCRIPTION_CHARS: usize = 1000;

/// Serializes JSON-LD for a `<script>` element: `<`, `>` and `&` become `\u` escapes,
/// so no text from the catalogue can close the script element.
pub fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Wraps JSON-LD nodes in one document.
pub fn graph(nodes: Vec<Value>) -> Value {
    json!({"@context": "https://schema.org", "@graph": nodes})
}

/// Describes the shop as a schema.org `Organization`, for the home page.
pub fn organization(env: PageEnv<'_, '_>) -> Value {
    let settings = &env.data.shop.settings;
    let shop = &settings.shop;
    let mut organization = json!({
        "@type": "Organization",
        "name": env.data.store.name,
        "legalName": shop.legal_name,
        "url": env.absolute(&env.path(PageKind::Home)),
        "email": shop.email.get_ref(),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": shop.address.street,
            "postalCode": shop.address.postal_code,
            "addressLocality": shop.address.city,
            "addressCountry": shop.address.country,
        },
    });
    if let Some(phone) = &shop.phone {
        organization["telephone"] = json!(phone);
    }
    if let Some(vat) = &shop.vat_number {
        organization["vatID"] = json!(vat);
    }
    organization
}

/// Builds the `BreadcrumbList` of the page's trail.
pub fn breadcrumb_list(env: PageEnv<'_, '_>, crumbs: &[LinkView<'_>]) -> Value {
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(position, crumb)| {
            json!({
                "@type": "ListItem",
                "position": position + 1,
                "name": crumb.title,
                "item": env.absolute(&crumb.url),
            })
        })
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// Returns the schema.org URL of an availability.
fn schema_availability(value: &str) -> &'static str {
    match value {
        "backorder" => "https://schema.org/BackOrder",
        "made_to_order" => "https://schema.org/MadeToOrder",
        _ => "https://schema.org/InStock",
    }
}

/// Builds a `Product` with one `Offer` per priced sku, in the page's currency.
pub fn product(env: PageEnv<'_, '_>, index: usize) -> Value {
    let data = env.data;
    let item = &data.catalogue().products[index];
    let text = env.text(&item.texts);
    let url = env.absolute(&env.path(PageKind::Product(index)));
    let code = env.currency_code();
    let vat_exempt = data.shop.settings.shop.vat_exempt;
    let tax_included = data.store.tax_display == commerce::settings::TaxDisplay::Incl;

    let offers: Vec<Value> = data
        .displayed_prices(index, env.currency)
        .map(|(position, money)| {
            let sku_price = &data.prices[index].skus[position];
            let (sku, stock) = match sku_price.variant {
                Some(variant) => (&item.variants[variant].sku, item.variants[variant].stock),
                None => (&item.sku, item.stock),
            };
            let price = money.to_plain_string();
            let mut offer = json!({
                "@type": "Offer",
                "sku": sku,
                "name": sku_title(env, index, sku_price.variant),
                "price": price,
                "priceCurrency": code.code(),
                "availability": schema_availability(availability(stock)),
                "url": url,
            });
            if !vat_exempt {
                offer["priceSpecification"] = json!({
                    "@type": "PriceSpecification",
                    "price": price,
                    "priceCurrency": code.code(),
                    "valueAddedTaxIncluded": tax_included,
                });
            }
            offer
        })
        .collect();

    let mut node = json!({
        "@type": "Product",
        "name": text.title,
        "sku": item.sku,
        "url": url,
        "brand": {"@type": "Brand", "name": data.store.name},
        "offers": offers,
    });
    if let Some(description) = text.description.clone().or_else(|| excerpt(&text.body_html, 300)) {
        node["description"] = json!(description);
    }
    if !item.images.is_empty() {
        let images: Vec<String> = item
            .images
            .iter()
            .map(|image| env.absolute(&image_path(image)))
            .collect();
        node["image"] = json!(images);
    }
    node
}

/// Escapes text for XML content and attributes, and drops the control characters
/// XML 1.0 cannot carry.
pub fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Writes one `<url>` of the sitemap: a page in one locale, with its alternates.
fn sitemap_entry(out: &mut String, data: &StoreData<'_>, kind: PageKind, locale: usize) {
    let routes = &data.routes;
    let base = data.store.base_url();
    let catalogue = data.catalogue();
    let loc = absolute_url(base, &routes.path(catalogue, kind, locale, 0));
    put!(out, "<url><loc>{}</loc>", xml_escape(&loc));
    for (index, tag) in routes.locales.iter().enumerate() {
        let href = absolute_url(base, &routes.path(catalogue, kind, index, 0));
        put!(
            out,
            "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
            xml_escape(tag.as_str()),
            xml_escape(&href)
        );
    }
    // The home page's x-default is `/`, which picks the visitor's language; any
    // other page's is its default-locale version.
    let default = if kind == PageKind::Home {
        absolute_url(base, "/")
    } else {
        absolute_url(base, &routes.path(catalogue, kind, 0, 0))
    };
    putln!(
        out,
        "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/></url>",
        xml_escape(&default)
    );
}

/// Builds the sitemap files of a store: `sitemap.xml` alone, or an index plus
/// `sitemap-<n>.xml` files when there are more than [`SITEMAP_MAX_URLS`] URLs.
/// `pages` are the indexable pages in the default currency, each in every locale.
pub fn sitemaps(data: &StoreData<'_>, pages: &[PageKind]) -> Vec<(String, String)> {
    let locales = data.routes.locales.len();
    let entries: Vec<(PageKind, usize)> = pages
        .iter()
        .flat_map(|kind| (0..locales).map(move |locale| (*kind, locale)))
        .collect();
    let chunks: Vec<&[(PageKind, usize)]> = if entries.is_empty() {
        vec![&[]]
    } else {
        entries.chunks(SITEMAP_MAX_URLS).collect()
    };
    let urlset = |chunk: &[(PageKind, usize)]| {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (kind, locale) in chunk {
            sitemap_entry(&mut out, data, *kind, *locale);
        }
        out.push_str("</urlset>\n");
        out
    };
    if chunks.len() == 1 {
        return vec![("sitemap.xml".to_owned(), urlset(chunks[0]))];
    }

    let base = data.store.base_url();
    let mut files = Vec::with_capacity(chunks.len() + 1);
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (number, chunk) in chunks.iter().enumerate() {
        let name = sitemap_part_name(number + 1);
        putln!(
            index,
            "<sitemap><loc>{}</loc></sitemap>",
            xml_escape(&absolute_url(base, &name))
        );
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_owned(), index));
    files
}

/// Name of the `number`-th sitemap file below an index.
pub fn sitemap_part_name(number: usize) -> String {
    format!("sitemap-{number}.xml")
}

/// `robots.txt`: cart, checkout and the edge's files are not for crawlers.
pub fn robots(data: &StoreData<'_>) -> String {
    let routes = &data.routes;
    let catalogue = data.catalogue();
    let mut out = String::from("User-agent: *\n");
    for locale in 0..routes.locales.len() {
        for currency in 0..routes.currencies.len() {
            for kind in [PageKind::Cart, PageKind::Checkout] {
                putln!(
                    out,
                    "Disallow: {}",
                    routes.path(catalogue, kind, locale, currency)
                );
            }
        }
    }
    out.push_str("Disallow: /_comptoir/\n\n");
    putln!(
        out,
        "Sitemap: {}",
        absolute_url(data.store.base_url(), "/sitemap.xml")
    );
    out
}

/// Path of the feed of a locale and currency: `feeds/fr-eur.xml`.
pub fn feed_path(locale: &str, currency: &str) -> String {
    format!("feeds/{locale}-{}.xml", currency.to_ascii_lowercase())
}

/// Google's availability values.
fn google_availability(value: &str) -> &'static str {
    match value {
        "backorder" => "backorder",
        // A made-to-order sku can be ordered now; the delay is the shipping time.
        _ => "in_stock",
    }
}

/// The end of a Google Merchant Center RSS 2.0 feed. A feed is [`feed_head`], then
/// [`feed_items`] of every product in catalogue order, then this tail. The renderer
/// writes it in parts because the feed of 100,000 products is over 150 MB.
pub const FEED_TAIL: &str = "</channel>\n</rss>\n";

/// Builds the start of the feed of one locale and currency: the XML declaration and
/// the channel's own elements.
pub fn feed_head(env: PageEnv<'_, '_>) -> String {
    let store = env.data.store;
    let code = env.currency_code();
    let mut out = String::with_capacity(1024);
    put!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n",
        xml_escape(&store.name),
        xml_escape(&env.absolute(&env.path(PageKind::Home))),
        xml_escape(&format!("{} ({}, {})", store.name, env.locale_tag(), code))
    );
    out
}

/// Builds the feed items of product `index`: one per sku priced in the feed's
/// currency, with VAT included in the price as Google requires in Europe.
pub fn feed_items(env: PageEnv<'_, '_>, index: usize) -> String {
    let data = env.data;
    let store = data.store;
    let code = env.currency_code();
    let product = &data.catalogue().products[index];
    let mut out = String::with_capacity(2048);
    let prices = &data.prices[index];
    let text = env.text(&product.texts);
    let link = env.absolute(&env.path(PageKind::Product(index)));
    let description = text
        .description
        .clone()
        .or_else(|| excerpt(&text.body_html, FEED_DESCRIPTION_CHARS))
        .unwrap_or_else(|| text.title.clone());
    let image = product
        .images
        .first()
        .map(|image| env.absolute(&image_path(image)));

    for sku_price in &prices.skus {
        let Some(amount) = sku_price.list[env.currency] else {
            continue;
        };
        let gross = commerce::Money::new(data.gross_amount(amount, prices.tax_rate), code);
        let (sku, stock) = match sku_price.variant {
            Some(variant) => (&product.variants[variant].sku, product.variants[variant].stock),
            None => (&product.sku, product.stock),
        };
        out.push_str("<item>\n");
        putln!(out, "<g:id>{}</g:id>", xml_escape(sku));
        putln!(
            out,
            "<g:title>{}</g:title>",
            xml_escape(&sku_title(env, index, sku_price.variant))
        );
        putln!(out, "<g:description>{}</g:description>", xml_escape(&description));
        putln!(out, "<g:link>{}</g:link>", xml_escape(&link));
        if let Some(image) = &image {
            putln!(out, "<g:image_link>{}</g:image_link>", xml_escape(image));
        }
        putln!(out, "<g:price>{} {}</g:price>", gross.to_plain_string(), code);
        putln!(
            out,
            "<g:availability>{}</g:availability>",
            google_availability(availability(stock))
        );
        if sku_price.variant.is_some() {
            putln!(
                out,
                "<g:item_group_id>{}</g:item_group_id>",
                xml_escape(&product.sku)
            );
        }
        putln!(out, "<g:brand>{}</g:brand>", xml_escape(&store.name));
        out.push_str("<g:condition>new</g:condition>\n</item>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_script() {
        let value = json!({"name": "</script><b>&"});
        assert_eq!(
            script_json(&value),
            "{\"name\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"}"
        );
    }

    #[test]
    fn xml_escape_covers_markup_and_controls() {
        assert_eq!(
            xml_escape("Thé & \"tasses\" <b>'\u{1}"),
            "Thé &amp; &quot;tasses&quot; &lt;b&gt;&apos;"
        );
    }
}

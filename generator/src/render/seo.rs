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

use rayon::prelude::*;
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
    push_xml(&mut escaped, text);
    escaped
}

/// Appends `text` escaped as [`xml_escape`] does. Runs of bytes that need no
/// escape are copied whole.
fn push_xml(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if !XML_SPECIAL[usize::from(byte)] {
            index += 1;
            continue;
        }
        // Every replaced sequence starts with an ASCII byte or with 0xEF, the
        // lead byte of U+FFFE and U+FFFF, so `copied` and `index` stay on
        // character boundaries.
        let (replacement, length) = match byte {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            0xEF if bytes.get(index + 1) == Some(&0xBF)
                && matches!(bytes.get(index + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            0xEF => {
                index += 1;
                continue;
            }
            _ => ("", 1),
        };
        out.push_str(&text[copied..index]);
        out.push_str(replacement);
        index += length;
        copied = index;
    }
    out.push_str(&text[copied..]);
}

/// Bytes [`push_xml`] looks at: markup characters, the C0 controls other than
/// tab, line feed and carriage return, and 0xEF, which starts U+FFFE and U+FFFF.
const XML_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = !matches!(byte as u8, b'\t' | b'\n' | b'\r');
        byte += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

/// Appends [`absolute_url`]`(base, path)` escaped for XML, without building the URL.
fn push_absolute_xml(out: &mut String, base: &str, path: &str) {
    if path.starts_with("http://") || path.starts_with("https://") {
        push_xml(out, path);
        return;
    }
    push_xml(out, base);
    if !path.starts_with('/') {
        out.push('/');
    }
    push_xml(out, path);
}

/// Sitemap entries rendered by one parallel task: enough to make the task
/// worth scheduling, few enough to split a store of 10,000 pages across threads.
const SITEMAP_BLOCK: usize = 4096;

/// Appends the `<url>` entries `entries` of a sitemap, counted over `pages` × the
/// store's locales in that order: each page in every locale, with its alternates.
fn push_sitemap_entries(
    out: &mut String,
    data: &StoreData<'_>,
    pages: &[PageKind],
    entries: std::ops::Range<usize>,
) {
    let routes = &data.routes;
    let base = data.store.base_url();
    let catalogue = data.catalogue();
    let locales = routes.locales.len();
    let mut paths: Vec<String> = Vec::with_capacity(locales);
    let mut alternates = String::new();
    let mut entry = entries.start;
    while entry < entries.end {
        let kind = pages[entry / locales];
        paths.clear();
        paths.extend((0..locales).map(|locale| routes.path(catalogue, kind, locale, 0)));

        // The alternates are the same in every locale's entry of a page.
        alternates.clear();
        for (tag, path) in routes.locales.iter().zip(&paths) {
            alternates.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            push_xml(&mut alternates, tag.as_str());
            alternates.push_str("\" href=\"");
            push_absolute_xml(&mut alternates, base, path);
            alternates.push_str("\"/>");
        }
        // The home page's x-default is `/`, which picks the visitor's language; any
        // other page's is its default-locale version.
        alternates.push_str("<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"");
        let default = if kind == PageKind::Home { "/" } else { &paths[0] };
        push_absolute_xml(&mut alternates, base, default);
        alternates.push_str("\"/></url>\n");

        let last = ((entry / locales + 1) * locales).min(entries.end);
        for path in &paths[entry % locales..=(last - 1) % locales] {
            out.push_str("<url><loc>");
            push_absolute_xml(out, base, path);
            out.push_str("</loc>");
            out.push_str(&alternates);
        }
        entry = last;
    }
}

/// Builds the sitemap files of a store: `sitemap.xml` alone, or an index plus
/// `sitemap-<n>.xml` files when there are more than [`SITEMAP_MAX_URLS`] URLs.
/// `pages` are the indexable pages in the default currency, each in every locale.
pub fn sitemaps(data: &StoreData<'_>, pages: &[PageKind]) -> Vec<(String, String)> {
    sitemaps_split(data, pages, SITEMAP_MAX_URLS)
}

/// [`sitemaps`] with at most `max_urls` URLs per file.
fn sitemaps_split(data: &StoreData<'_>, pages: &[PageKind], max_urls: usize) -> Vec<(String, String)> {
    let total = pages.len() * data.routes.locales.len();
    let files = total.div_ceil(max_urls).max(1);
    // Blocks render in parallel, and concatenated in order they give the same
    // bytes as one sequential pass.
    let urlset = |file: usize| {
        let start = file * max_urls;
        let end = (start + max_urls).min(total);
        let blocks: Vec<String> = (start..end)
            .step_by(SITEMAP_BLOCK)
            .collect::<Vec<usize>>()
            .into_par_iter()
            .map(|block| {
                let mut out = String::with_capacity(SITEMAP_BLOCK * 256);
                push_sitemap_entries(&mut out, data, pages, block..(block + SITEMAP_BLOCK).min(end));
                out
            })
            .collect();
        let mut out = String::with_capacity(blocks.iter().map(String::len).sum::<usize>() + 256);
        out.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for block in &blocks {
            out.push_str(block);
        }
        out.push_str("</urlset>\n");
        out
    };
    if files == 1 {
        return vec![("sitemap.xml".to_owned(), urlset(0))];
    }

    let base = data.store.base_url();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut parts = Vec::with_capacity(files + 1);
    for file in 0..files {
        let name = sitemap_part_name(file + 1);
        index.push_str("<sitemap><loc>");
        push_absolute_xml(&mut index, base, &name);
        index.push_str("</loc></sitemap>\n");
        parts.push((name, urlset(file)));
    }
    index.push_str("</sitemapindex>\n");
    parts.insert(0, ("sitemap.xml".to_owned(), index));
    parts
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
/// [`feed_items_measured`] of every product in catalogue order, then this tail. The renderer
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

/// Products per parallel task of [`feed_items_measured`].
const FEED_BLOCK: usize = 256;

/// Builds the feed items of the products in `products`, in catalogue order: one
/// item per sku priced in the feed's currency, with VAT included in the price as
/// Google requires in Europe. Blocks of products render in parallel, each into
/// one buffer. Returns the items and the length in bytes of each product's items,
/// so that a later build can replace one product's items in the written feed.
pub fn feed_items_measured(env: PageEnv<'_, '_>, products: std::ops::Range<usize>) -> (Vec<u8>, Vec<u32>) {
    let blocks: Vec<(String, Vec<u32>)> = products
        .clone()
        .step_by(FEED_BLOCK)
        .collect::<Vec<usize>>()
        .into_par_iter()
        .map(|start| {
            let end = (start + FEED_BLOCK).min(products.end);
            let mut out = String::with_capacity((end - start) * 4096);
            let mut lengths = Vec::with_capacity(end - start);
            let mut scratch = FeedScratch::new(env);
            for index in start..end {
                let before = out.len();
                push_feed_items(&mut out, &mut scratch, env, index);
                // One product's items are a few kilobytes; a feed larger than 4 GB
                // is beyond what Google reads anyway.
                lengths.push(u32::try_from(out.len() - before).unwrap_or(u32::MAX));
            }
            (out, lengths)
        })
        .collect();
    let mut bytes = Vec::with_capacity(blocks.iter().map(|(block, _)| block.len()).sum());
    let mut lengths = Vec::with_capacity(products.len());
    for (block, block_lengths) in &blocks {
        bytes.extend_from_slice(block.as_bytes());
        lengths.extend_from_slice(block_lengths);
    }
    (bytes, lengths)
}

/// Escaped text that a feed repeats in every item, and buffers reused from one
/// product to the next.
struct FeedScratch {
    /// `<g:brand>…</g:brand>\n<g:condition>new</g:condition>\n</item>\n`.
    item_end: String,
    /// The product's description, escaped.
    description: String,
    /// The product page's absolute URL, escaped.
    link: String,
    /// The first image's absolute URL, escaped, or empty when the product has none.
    image: String,
    /// The product's sku, escaped, the group id of its variants.
    group: String,
}

impl FeedScratch {
    fn new(env: PageEnv<'_, '_>) -> FeedScratch {
        let mut item_end = String::from("<g:brand>");
        push_xml(&mut item_end, &env.data.store.name);
        item_end.push_str("</g:brand>\n<g:condition>new</g:condition>\n</item>\n");
        FeedScratch {
            item_end,
            description: String::new(),
            link: String::new(),
            image: String::new(),
            group: String::new(),
        }
    }
}

/// Appends the feed items of product `index`, as [`feed_items_measured`] describes.
fn push_feed_items(out: &mut String, scratch: &mut FeedScratch, env: PageEnv<'_, '_>, index: usize) {
    let data = env.data;
    let code = env.currency_code();
    let product = &data.catalogue().products[index];
    let prices = &data.prices[index];
    if prices
        .skus
        .iter()
        .all(|sku_price| sku_price.list[env.currency].is_none())
    {
        return;
    }

    // What every sku of the product repeats is escaped once.
    let base = data.store.base_url();
    let text = env.text(&product.texts);
    scratch.description.clear();
    match &text.description {
        Some(description) => push_xml(&mut scratch.description, description),
        None => match excerpt(&text.body_html, FEED_DESCRIPTION_CHARS) {
            Some(description) => push_xml(&mut scratch.description, &description),
            None => push_xml(&mut scratch.description, &text.title),
        },
    }
    scratch.link.clear();
    push_absolute_xml(&mut scratch.link, base, &env.path(PageKind::Product(index)));
    scratch.image.clear();
    if let Some(image) = product.images.first() {
        // `absolute_url` adds the `/` that `image_path` would add to a relative path.
        push_absolute_xml(&mut scratch.image, base, image);
    }
    scratch.group.clear();
    push_xml(&mut scratch.group, &product.sku);

    for sku_price in &prices.skus {
        let Some(amount) = sku_price.list[env.currency] else {
            continue;
        };
        let gross = data.gross_amount(amount, prices.tax_rate);
        let (sku, stock) = match sku_price.variant {
            Some(variant) => (&product.variants[variant].sku, product.variants[variant].stock),
            None => (&product.sku, product.stock),
        };
        out.push_str("<item>\n<g:id>");
        push_xml(out, sku);
        out.push_str("</g:id>\n<g:title>");
        push_xml(out, &sku_title(env, index, sku_price.variant));
        out.push_str("</g:title>\n<g:description>");
        out.push_str(&scratch.description);
        out.push_str("</g:description>\n<g:link>");
        out.push_str(&scratch.link);
        out.push_str("</g:link>\n");
        if !product.images.is_empty() {
            out.push_str("<g:image_link>");
            out.push_str(&scratch.image);
            out.push_str("</g:image_link>\n");
        }
        out.push_str("<g:price>");
        push_plain_amount(out, gross, code.exponent());
        out.push(' ');
        out.push_str(code.code());
        out.push_str("</g:price>\n<g:availability>");
        out.push_str(google_availability(availability(stock)));
        out.push_str("</g:availability>\n");
        if sku_price.variant.is_some() {
            out.push_str("<g:item_group_id>");
            out.push_str(&scratch.group);
            out.push_str("</g:item_group_id>\n");
        }
        out.push_str(&scratch.item_end);
    }
}

/// Appends an amount in minor units as `Money::to_plain_string` writes it:
/// `exponent` decimals after a point, a leading `-` when negative.
fn push_plain_amount(out: &mut String, amount: i64, exponent: u32) {
    use std::fmt::Write as _;
    let sign = if amount < 0 { "-" } else { "" };
    let magnitude = amount.unsigned_abs();
    if exponent == 0 {
        let _infallible = write!(out, "{sign}{magnitude}");
        return;
    }
    let unit = 10u64.pow(exponent);
    let width = exponent as usize;
    let _infallible = write!(out, "{sign}{}.{:0width$}", magnitude / unit, magnitude % unit);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use sha2::{Digest, Sha256};

    /// Lists `name length sha256` of each file, to pin bytes in a short assertion.
    fn digests(files: &[(String, String)]) -> Vec<String> {
        files
            .iter()
            .map(|(name, text)| format!("{name} {} {}", text.len(), hex::encode(Sha256::digest(text))))
            .collect()
    }

    #[test]
    fn sitemap_index_keeps_bytes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/minimal");
        let shop = crate::load::load_shop(&root).expect("the minimal fixture loads");
        let mut warnings = Diagnostics::new();
        let data = StoreData::prepare(&shop, 0, &mut warnings, None).expect("the fr store prices");
        let mut pages = vec![PageKind::Home];
        pages.extend((0..data.catalogue().products.len()).map(PageKind::Product));
        pages.extend((0..data.catalogue().pages.len()).map(PageKind::Content));

        // Five URLs per file splits the fixture's pages in both locales into an
        // index and numbered files, as 50,000 would split a large store.
        let files = sitemaps_split(&data, &pages, 5);
        assert_eq!(files[0].0, "sitemap.xml");
        assert!(
            files[0].1.contains("<sitemapindex"),
            "the first file is the index"
        );
        assert_eq!(files[1].0, "sitemap-1.xml");
        insta::assert_snapshot!(digests(&files).join("\n"));
        // One file when every URL fits.
        insta::assert_snapshot!(
            "sitemap_single_file",
            digests(&sitemaps(&data, &pages)).join("\n")
        );
    }

    #[test]
    fn script_json_cannot_close_script() {
        let value = json!({"name": "</script><b>&"});
        assert_eq!(
            script_json(&value),
            "{\"name\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"}"
        );
    }

    #[test]
    fn plain_amount_matches_money() {
        for code in ["EUR", "JPY", "TND"] {
            let currency = commerce::Currency::parse(code).expect("a known currency");
            for amount in [
                0,
                1,
                9,
                10,
                99,
                100,
                105,
                2490,
                123_456_789,
                -1,
                -5,
                -100,
                -2490,
                i64::MAX,
                i64::MIN,
            ] {
                let mut out = String::new();
                push_plain_amount(&mut out, amount, currency.exponent());
                let expected = commerce::Money::new(amount, currency).to_plain_string();
                assert_eq!(out, expected, "{amount} {code}");
            }
        }
    }

    #[test]
    fn xml_escape_drops_noncharacters_only() {
        assert_eq!(
            xml_escape("a\u{FFFE}b\u{FFFF}c\u{FFFD}d\u{EFFF}"),
            "abc\u{FFFD}d\u{EFFF}"
        );
        assert_eq!(
            xml_escape("tab\tline\nreturn\r\u{7f}"),
            "tab\tline\nreturn\r\u{7f}"
        );
        assert_eq!(xml_escape("ends with \u{1F}"), "ends with ");
    }

    #[test]
    fn xml_escape_covers_markup_and_controls() {
        assert_eq!(
            xml_escape("Thé & \"tasses\" <b>'\u{1}"),
            "Thé &amp; &quot;tasses&quot; &lt;b&gt;&apos;"
        );
    }
}

//! The values templates see, as documented in `docs/en/themes.md`. Views borrow
//! from the catalogue; each page builds only its own small views, and the values
//! shared by every page of a (store, locale, currency) are built once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use commerce::catalogue::{ProductOption, Text, Texts, text_for};
use commerce::pricebook::{ShippingOfferRate, StoreManifest};
use commerce::settings::{Address, TaxDisplay};
use commerce::sorted_vec_map::SortedVecMap;
use commerce::{Currency, Locale, Money};
use serde::Serialize;
use serde_json::{Value, json};

use crate::render::routes::PageKind;
use crate::render::store::{StoreData, availability, stock_name};

/// One page's locale and currency within a store.
#[derive(Clone, Copy)]
pub struct PageEnv<'s, 'a> {
    /// The store.
    pub data: &'s StoreData<'a>,
    /// Index in the store's locales.
    pub locale: usize,
    /// Index in the store's currencies.
    pub currency: usize,
}

impl<'s, 'a> PageEnv<'s, 'a> {
    /// The locale.
    pub fn locale_tag(&self) -> &'s Locale {
        &self.data.routes.locales[self.locale]
    }

    /// The currency.
    pub fn currency_code(&self) -> Currency {
        self.data.routes.currencies[self.currency]
    }

    /// Returns the text of an entity in this locale, or in the content locale.
    pub fn text<'t>(&self, texts: &'t Texts) -> &'t Text {
        text_for(
            texts,
            self.locale_tag(),
            &self.data.shop.settings.shop.content_locale,
        )
    }

    /// Returns the path of a page in this locale and currency.
    pub fn path(&self, kind: PageKind) -> String {
        self.data
            .routes
            .path(self.data.catalogue(), kind, self.locale, self.currency)
    }

    /// `base_url` + `path`.
    pub fn absolute(&self, path: &str) -> String {
        absolute_url(self.data.store.base_url(), path)
    }

    /// Builds a money object in this locale.
    pub fn money(&self, money: Money) -> MoneyView {
        MoneyView {
            amount: money.amount,
            currency: money.currency.code().to_owned(),
            formatted: money.format(self.locale_tag()),
        }
    }
}

/// `base` + `path`, leaving absolute URLs (`https://…`) as they are.
pub fn absolute_url(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_owned()
    } else if path.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// Turns an image path as written (`/images/x.jpg`, `images/x.jpg` or a URL) as a URL
/// path inside the store.
pub fn image_path(image: &str) -> String {
    if image.starts_with("http://") || image.starts_with("https://") || image.starts_with('/') {
        image.to_owned()
    } else {
        format!("/{image}")
    }
}

/// `{amount, currency, formatted}`: minor units, ISO code, text for the locale.
#[derive(Debug, Clone, Serialize)]
pub struct MoneyView {
    /// Minor units: 2490 is 24,90 €.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The amount written for the page's locale.
    pub formatted: String,
}

/// `store`.
#[derive(Debug, Serialize)]
pub struct StoreView<'a> {
    id: &'a str,
    name: &'a str,
    base_url: &'a str,
    country: &'a str,
    tax_display: &'static str,
    locales: Vec<&'a str>,
    currencies: Vec<String>,
    default_locale: &'a str,
    default_currency: String,
}

impl<'a> StoreView<'a> {
    /// Builds the store as templates see it.
    pub fn new(data: &StoreData<'a>) -> Self {
        let store = data.store;
        StoreView {
            id: data.id(),
            name: &store.name,
            base_url: store.base_url(),
            country: store.country.get_ref(),
            tax_display: match store.tax_display {
                TaxDisplay::Incl => "incl",
                TaxDisplay::Excl => "excl",
            },
            locales: store.locales.get_ref().iter().map(Locale::as_str).collect(),
            currencies: store
                .currencies
                .get_ref()
                .iter()
                .map(|currency| currency.code().to_owned())
                .collect(),
            default_locale: store.default_locale().as_str(),
            default_currency: store.default_currency().code().to_owned(),
        }
    }
}

/// `shop`: the legal identity.
#[derive(Debug, Serialize)]
pub struct ShopView<'a> {
    legal_name: &'a str,
    legal_form: &'a str,
    siret: &'a str,
    vat_number: Option<&'a str>,
    rcs: Option<&'a str>,
    address: &'a Address,
    email: &'a str,
    phone: Option<&'a str>,
    vat_exempt: bool,
}

impl<'a> ShopView<'a> {
    /// Builds the shop's identity as templates see it.
    pub fn new(shop: &'a commerce::settings::Shop) -> Self {
        ShopView {
            legal_name: &shop.legal_name,
            legal_form: &shop.legal_form,
            siret: shop.siret.get_ref(),
            vat_number: shop.vat_number.as_deref(),
            rcs: shop.rcs.as_deref(),
            address: &shop.address,
            email: shop.email.get_ref(),
            phone: shop.phone.as_deref(),
            vat_exempt: shop.vat_exempt,
        }
    }
}

/// `links`.
#[derive(Debug, Serialize)]
pub struct LinksView {
    /// Home of the locale and currency.
    pub home: String,
    /// Cart.
    pub cart: String,
    /// Checkout.
    pub checkout: String,
    /// The "my data" page, where visitors ask for their data or its erasure.
    pub data_requests: String,
}

/// `api`.
#[derive(Debug, Serialize)]
pub struct ApiView<'a> {
    /// Path prefix of the edge's API: `/api`.
    pub base: &'static str,
    /// Store id.
    pub store: &'a str,
    /// Currency code.
    pub currency: String,
    /// Locale tag.
    pub locale: &'a str,
}

/// `{title, url}`, `{id, title, url}` and the like.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    /// Category id, when the link is a category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// Title in the page's locale.
    pub title: &'a str,
    /// Path.
    pub url: String,
}

/// A node of `categories`.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryNode<'a> {
    /// Category id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Path of its first page.
    pub url: String,
    /// Sub-categories, by weight.
    pub children: Vec<CategoryNode<'a>>,
}

/// Builds the tree of categories, top level first, siblings by weight then id.
pub fn category_tree<'a>(env: PageEnv<'_, 'a>) -> Vec<CategoryNode<'a>> {
    let catalogue = env.data.catalogue();
    let children = &env.data.children;
    let tops: Vec<usize> = catalogue
        .categories
        .iter()
        .enumerate()
        .filter(|(_, category)| {
            category
                .parent
                .as_deref()
                .is_none_or(|parent| catalogue.category(parent).is_none())
        })
        .map(|(index, _)| index)
        .collect();
    let tops = sorted_by_weight(catalogue, tops);
    tops.into_iter()
        .map(|index| category_node(env, children, index))
        .collect()
}

fn category_node<'a>(env: PageEnv<'_, 'a>, children: &[Vec<usize>], index: usize) -> CategoryNode<'a> {
    let category = &env.data.catalogue().categories[index];
    CategoryNode {
        id: &category.id,
        title: &text_for(
            &category.texts,
            env.locale_tag(),
            &env.data.shop.settings.shop.content_locale,
        )
        .title,
        url: env.path(PageKind::Category { index, page: 1 }),
        children: children[index]
            .iter()
            .map(|child| category_node(env, children, *child))
            .collect(),
    }
}

/// Lists the children of each category, by weight then id.
pub fn child_lists(catalogue: &commerce::Catalogue) -> Vec<Vec<usize>> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); catalogue.categories.len()];
    for (index, category) in catalogue.categories.iter().enumerate() {
        if let Some(parent) = category.parent.as_deref()
            && let Ok(parent_index) = catalogue
                .categories
                .binary_search_by(|c| c.id.as_str().cmp(parent))
        {
            children[parent_index].push(index);
        }
    }
    children
        .into_iter()
        .map(|list| sorted_by_weight(catalogue, list))
        .collect()
}

fn sorted_by_weight(catalogue: &commerce::Catalogue, mut indices: Vec<usize>) -> Vec<usize> {
    indices.sort_by(|a, b| {
        let (a, b) = (&catalogue.categories[*a], &catalogue.categories[*b]);
        (a.weight, &a.id).cmp(&(b.weight, &b.id))
    });
    indices
}

/// One locale of `page.alternates`.
#[derive(Debug, Serialize)]
pub struct AlternateView {
    /// Locale tag.
    pub lang: String,
    /// The language's name in that language: `Français`, `English`.
    pub name: String,
    /// Path of the same page in that locale.
    pub url: String,
    /// Absolute URL of the page in that locale and the default currency, for `<link
    /// rel="alternate" hreflang>`: like `page.canonical`, hreflang names one URL per
    /// locale, so it never points to a second-currency copy.
    pub absolute: String,
    /// Whether this is the page's own locale.
    pub current: bool,
}

/// One currency of `page.currencies`.
#[derive(Debug, Serialize)]
pub struct CurrencyLinkView {
    /// ISO code.
    pub code: String,
    /// Path of the same page in that currency.
    pub url: String,
    /// Whether this is the page's own currency.
    pub current: bool,
}

/// `page.og`: what Open Graph tags need.
#[derive(Debug, Serialize)]
pub struct OpenGraphView {
    /// `website` or `product`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Description, when there is one.
    pub description: Option<String>,
    /// Canonical URL.
    pub url: String,
    /// Absolute URL of the main image, when there is one.
    pub image: Option<String>,
    /// Store name.
    pub site_name: String,
    /// `fr_FR` style locale.
    pub locale: String,
}

/// `page`.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// `home`, `category`, `product`…
    pub kind: &'static str,
    /// Path of this page.
    pub path: String,
    /// Absolute URL of the same page in the default currency.
    pub canonical: String,
    /// Title, without the store name.
    pub title: String,
    /// Description for meta tags.
    pub description: Option<String>,
    /// The same page in each locale.
    pub alternates: Vec<AlternateView>,
    /// The same page in each currency.
    pub currencies: Vec<CurrencyLinkView>,
    /// Trail from the home page.
    pub breadcrumbs: Vec<LinkView<'a>>,
    /// Open Graph data.
    pub og: OpenGraphView,
}

/// Returns a language's own name, for the locale switcher, or the tag in capitals for
/// languages not listed.
pub fn language_name(locale: &Locale) -> String {
    let name = match locale.language() {
        "fr" => "Français",
        "en" => "English",
        "de" => "Deutsch",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "ca" => "Català",
        "br" => "Brezhoneg",
        "eu" => "Euskara",
        "oc" => "Occitan",
        _ => return locale.as_str().to_ascii_uppercase(),
    };
    name.to_owned()
}

/// Builds the locale switcher: `kind` in every locale of the store. `url` keeps the
/// visitor's currency, while `absolute` feeds hreflang and uses the canonical currency.
pub fn alternates(env: PageEnv<'_, '_>, kind: PageKind) -> Vec<AlternateView> {
    let routes = &env.data.routes;
    // `/` and `/404.html` belong to no locale: their alternates are the homes and
    // the 404 pages of each locale, none of them current.
    let (target, own_locale) = match kind {
        PageKind::Root => (PageKind::Home, None),
        PageKind::RootNotFound => (PageKind::NotFound, None),
        other => (other, Some(env.locale)),
    };
    // Pages that exist once per currency are canonical in the default one (index 0), as
    // `page.canonical` is; other pages have a single URL whatever the currency.
    let canonical_currency = if target.per_currency() { 0 } else { env.currency };
    routes
        .locales
        .iter()
        .enumerate()
        .map(|(index, locale)| {
            let url = routes.path(env.data.catalogue(), target, index, env.currency);
            let canonical = routes.path(env.data.catalogue(), target, index, canonical_currency);
            AlternateView {
                lang: locale.as_str().to_owned(),
                name: language_name(locale),
                absolute: env.absolute(&canonical),
                url,
                current: own_locale == Some(index),
            }
        })
        .collect()
}

/// Builds the currency switcher: `kind` in every currency of the store, same locale.
pub fn currency_links(env: PageEnv<'_, '_>, kind: PageKind) -> Vec<CurrencyLinkView> {
    let routes = &env.data.routes;
    routes
        .currencies
        .iter()
        .enumerate()
        .map(|(index, currency)| {
            // 404 pages and `/` exist only once; their switcher leads to the home
            // page in the other currency.
            let target = if kind.per_currency() || index == env.currency {
                kind
            } else {
                PageKind::Home
            };
            CurrencyLinkView {
                code: currency.code().to_owned(),
                url: routes.path(env.data.catalogue(), target, env.locale, index),
                current: index == env.currency,
            }
        })
        .collect()
}

/// Returns the text of `tax_mention`: TTC / HT in the locale's words, or the VAT-exemption
/// mention of art. 293 B of the French tax code.
pub fn tax_mention(locale: &Locale, display: TaxDisplay, vat_exempt: bool) -> &'static str {
    match (locale.is_french(), vat_exempt, display) {
        (true, true, _) => "TVA non applicable, art. 293 B du CGI",
        (false, true, _) => "VAT not applicable, art. 293 B of the French tax code (CGI)",
        (true, false, TaxDisplay::Incl) => "TTC",
        (true, false, TaxDisplay::Excl) => "HT",
        (false, false, TaxDisplay::Incl) => "incl. VAT",
        (false, false, TaxDisplay::Excl) => "excl. VAT",
    }
}

/// A product card, in `products` and `featured`.
#[derive(Debug, Serialize)]
pub struct CardView<'a> {
    sku: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    image: Option<String>,
    price: Option<MoneyView>,
    price_from: bool,
    availability: &'static str,
}

/// Builds the card of product `index`.
pub fn card<'a>(env: PageEnv<'_, 'a>, index: usize) -> CardView<'a> {
    let product = &env.data.catalogue().products[index];
    let text = env.text(&product.texts);
    let lowest = env.data.lowest_price(index, env.currency);
    CardView {
        sku: &product.sku,
        title: &text.title,
        description: text.description.as_deref(),
        url: env.path(PageKind::Product(index)),
        image: product.images.first().map(|image| image_path(image)),
        price: lowest.map(|(money, _)| env.money(money)),
        price_from: lowest.is_some_and(|(_, varies)| varies),
        availability: product_availability(env, index),
    }
}

/// Picks the best availability among the product's priced skus: a product orderable
/// now in one variant shows as in stock.
fn product_availability(env: PageEnv<'_, '_>, index: usize) -> &'static str {
    let product = &env.data.catalogue().products[index];
    if product.variants.is_empty() {
        return availability(product.stock);
    }
    let rank = |value: &str| match value {
        "in_stock" => 0,
        "made_to_order" => 1,
        _ => 2,
    };
    env.data.prices[index]
        .skus
        .iter()
        .filter(|sku| sku.list[env.currency].is_some())
        .filter_map(|sku| {
            sku.variant
                .map(|variant| availability(product.variants[variant].stock))
        })
        .min_by_key(|value| rank(value))
        .unwrap_or_else(|| availability(product.stock))
}

/// `product`.
#[derive(Debug, Serialize)]
pub struct ProductView<'a> {
    sku: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    body: Cow<'a, str>,
    url: String,
    images: Vec<String>,
    categories: Vec<LinkView<'a>>,
    price: Option<MoneyView>,
    price_from: bool,
    tax_rate: String,
    stock: &'static str,
    availability: &'static str,
    backorder_days: Option<u32>,
    weight: Option<u32>,
    options: &'a [ProductOption],
    sellable: bool,
    variants: Vec<VariantView<'a>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

/// One of `product.variants`.
#[derive(Debug, Serialize)]
pub struct VariantView<'a> {
    sku: &'a str,
    title: String,
    options: &'a SortedVecMap<String, String>,
    price: Option<MoneyView>,
    stock: &'static str,
    availability: &'static str,
    sellable: bool,
    weight: Option<u32>,
}

/// Returns the title of a sku: the variant's own title in the locale, else the product's
/// title followed by the variant's option values.
pub fn sku_title(env: PageEnv<'_, '_>, product: usize, variant: Option<usize>) -> String {
    let product = &env.data.catalogue().products[product];
    let title = &env.text(&product.texts).title;
    let Some(variant) = variant.map(|index| &product.variants[index]) else {
        return title.clone();
    };
    if let Some(own) = variant
        .titles
        .get(env.locale_tag())
        .or_else(|| variant.titles.get(&env.data.shop.settings.shop.content_locale))
    {
        return own.clone();
    }
    let values: Vec<&str> = product
        .options
        .iter()
        .filter_map(|option| variant.options.get(&option.name).map(String::as_str))
        .collect();
    if values.is_empty() {
        title.clone()
    } else {
        format!("{title} – {}", values.join(" / "))
    }
}

/// Builds the `product` of product `index`.
pub fn product_view<'a>(env: PageEnv<'_, 'a>, index: usize) -> ProductView<'a> {
    let data = env.data;
    let product = &data.catalogue().products[index];
    let text = env.text(&product.texts);
    let prices = &data.prices[index];
    let lowest = data.lowest_price(index, env.currency);
    let code = env.currency_code();

    let variants = prices
        .skus
        .iter()
        .filter_map(|sku| {
            let variant_index = sku.variant?;
            let variant = &product.variants[variant_index];
            let price = sku.list[env.currency]
                .map(|amount| env.money(Money::new(data.display_amount(amount, prices.tax_rate), code)));
            Some(VariantView {
                sku: &variant.sku,
                title: sku_title(env, index, Some(variant_index)),
                options: &variant.options,
                sellable: price.is_some(),
                price,
                stock: stock_name(variant.stock),
                availability: availability(variant.stock),
                weight: variant.weight.or(product.weight),
            })
        })
        .collect();

    let categories = product
        .categories
        .iter()
        .filter_map(|id| {
            let position = data
                .catalogue()
                .categories
                .binary_search_by(|category| category.id.as_str().cmp(id))
                .ok()?;
            let category = &data.catalogue().categories[position];
            Some(LinkView {
                id: Some(&category.id),
                title: &env.text(&category.texts).title,
                url: env.path(PageKind::Category {
                    index: position,
                    page: 1,
                }),
            })
        })
        .collect();

    ProductView {
        sku: &product.sku,
        title: &text.title,
        description: text.description.as_deref(),
        body: env.data.hold_embeds(env.locale, &text.body_html),
        url: env.path(PageKind::Product(index)),
        images: product.images.iter().map(|image| image_path(image)).collect(),
        categories,
        price: lowest.map(|(money, _)| env.money(money)),
        price_from: lowest.is_some_and(|(_, varies)| varies),
        tax_rate: prices.tax_rate.format(env.locale_tag()),
        stock: stock_name(product.stock),
        availability: product_availability(env, index),
        backorder_days: product.backorder_days,
        weight: product.weight,
        options: &product.options,
        sellable: lowest.is_some(),
        variants,
        extra: &product.extra,
    }
}

/// `category`.
#[derive(Debug, Serialize)]
pub struct CategoryView<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    body: Cow<'a, str>,
    url: String,
    image: Option<String>,
    children: Vec<LinkView<'a>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

/// Builds the `category` of category `index`.
pub fn category_view<'a>(env: PageEnv<'_, 'a>, index: usize, children: &[usize]) -> CategoryView<'a> {
    let catalogue = env.data.catalogue();
    let category = &catalogue.categories[index];
    let text = env.text(&category.texts);
    CategoryView {
        id: &category.id,
        title: &text.title,
        description: text.description.as_deref(),
        body: env.data.hold_embeds(env.locale, &text.body_html),
        url: env.path(PageKind::Category { index, page: 1 }),
        image: category.image.as_deref().map(image_path),
        children: children
            .iter()
            .map(|child| {
                let child_category = &catalogue.categories[*child];
                LinkView {
                    id: Some(&child_category.id),
                    title: &env.text(&child_category.texts).title,
                    url: env.path(PageKind::Category {
                        index: *child,
                        page: 1,
                    }),
                }
            })
            .collect(),
        extra: &category.extra,
    }
}

/// `paginator`.
#[derive(Debug, Serialize)]
pub struct PaginatorView {
    current: usize,
    total_pages: usize,
    total_items: usize,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PaginatorPage>,
}

/// One of `paginator.pages`.
#[derive(Debug, Serialize)]
pub struct PaginatorPage {
    number: usize,
    url: String,
    current: bool,
}

/// Number of pages of a listing of `items` products; an empty category still has
/// one page.
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// Builds the paginator of page `page` of category `index`.
pub fn paginator(env: PageEnv<'_, '_>, index: usize, page: usize, total_items: usize) -> PaginatorView {
    let per_page = env.data.shop.settings.build.products_per_page;
    let total_pages = page_count(total_items, per_page);
    let url = |number: usize| env.path(PageKind::Category { index, page: number });
    PaginatorView {
        current: page,
        total_pages,
        total_items,
        previous: (page > 1).then(|| url(page - 1)),
        next: (page < total_pages).then(|| url(page + 1)),
        pages: (1..=total_pages)
            .map(|number| PaginatorPage {
                number,
                url: url(number),
                current: number == page,
            })
            .collect(),
    }
}

/// `content`.
#[derive(Debug, Serialize)]
pub struct ContentView<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    body: Cow<'a, str>,
    url: String,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

/// Builds the `content` of page `index`.
pub fn content_view<'a>(env: PageEnv<'_, 'a>, index: usize) -> ContentView<'a> {
    let page = &env.data.catalogue().pages[index];
    let text = env.text(&page.texts);
    ContentView {
        id: &page.id,
        title: &text.title,
        description: text.description.as_deref(),
        body: env.data.hold_embeds(env.locale, &text.body_html),
        url: env.path(PageKind::Content(index)),
        extra: &page.extra,
    }
}

/// `content_pages`: every content page in the locale, in file-name order.
pub fn content_pages<'a>(env: PageEnv<'_, 'a>) -> Vec<LinkView<'a>> {
    env.data
        .catalogue()
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| LinkView {
            id: Some(&page.id),
            title: &env.text(&page.texts).title,
            url: env.path(PageKind::Content(index)),
        })
        .collect()
}

/// `shipping_methods`, `payment_methods` and `countries` of `checkout.html`, from
/// the store manifest, whose shipping prices are already resolved per currency.
pub fn checkout_values(env: PageEnv<'_, '_>, manifest: &StoreManifest) -> [(&'static str, Value); 3] {
    let locale = env.locale_tag();
    let content_locale = &env.data.shop.settings.shop.content_locale;
    let code = env.currency_code();
    let money = |prices: &BTreeMap<Currency, i64>| {
        prices
            .get(&code)
            .map(|amount| json!(env.money(Money::new(*amount, code))))
            .unwrap_or(Value::Null)
    };

    let shipping: Vec<Value> = manifest
        .shipping_methods
        .iter()
        .map(|method| {
            let (kind, price, free_above, address) = match &method.rate {
                ShippingOfferRate::Flat { price, free_above } => (
                    "flat",
                    money(price),
                    free_above.as_ref().map_or(Value::Null, money),
                    None,
                ),
                ShippingOfferRate::Weight { bands, free_above } => (
                    "weight",
                    bands.first().map_or(Value::Null, |(_, price)| money(price)),
                    free_above.as_ref().map_or(Value::Null, money),
                    None,
                ),
                ShippingOfferRate::Pickup { address } => ("pickup", Value::Null, Value::Null, Some(address)),
            };
            json!({
                "id": method.id,
                "label": method.label.get(locale, content_locale),
                "description": method.description.as_ref().map(|text| text.get(locale, content_locale)),
                "kind": kind,
                "price": price,
                "free_above": free_above,
                "address": address,
                "countries": method.countries,
            })
        })
        .collect();

    let payment: Vec<Value> = manifest
        .payment_methods
        .iter()
        .map(|method| {
            // The kind's own fields (`iban`, `payable_to`…) sit beside `kind`.
            let mut value = serde_json::to_value(&method.kind).unwrap_or_else(|_| json!({}));
            if let Value::Object(object) = &mut value {
                object.insert("id".to_owned(), json!(method.id));
                object.insert(
                    "label".to_owned(),
                    json!(method.label.get(locale, content_locale)),
                );
            }
            value
        })
        .collect();

    let mut codes: Vec<&str> = manifest
        .shipping_methods
        .iter()
        .flat_map(|method| method.countries.iter().map(String::as_str))
        .collect();
    if codes.is_empty() {
        codes.push(env.data.store.country.get_ref());
    }
    codes.sort_unstable();
    codes.dedup();
    let mut countries: Vec<(String, &str)> = codes
        .into_iter()
        .map(|code| {
            (
                country_name(code, locale.is_french()).unwrap_or(code).to_owned(),
                code,
            )
        })
        .collect();
    countries.sort();
    let countries: Vec<Value> = countries
        .into_iter()
        .map(|(name, code)| json!({"code": code, "name": name}))
        .collect();

    [
        ("shipping_methods", Value::Array(shipping)),
        ("payment_methods", Value::Array(payment)),
        ("countries", Value::Array(countries)),
    ]
}

/// Returns the name of a country in French or English. The list covers the
/// countries shops near France ship to most; others give `None` and show their ISO code.
pub fn country_name(code: &str, french: bool) -> Option<&'static str> {
    const NAMES: &[(&str, &str, &str)] = &[
        ("AD", "Andorre", "Andorra"),
        ("AT", "Autriche", "Austria"),
        ("BE", "Belgique", "Belgium"),
        ("BG", "Bulgarie", "Bulgaria"),
        ("CA", "Canada", "Canada"),
        ("CH", "Suisse", "Switzerland"),
        ("CY", "Chypre", "Cyprus"),
        ("CZ", "Tchéquie", "Czechia"),
        ("DE", "Allemagne", "Germany"),
        ("DK", "Danemark", "Denmark"),
        ("EE", "Estonie", "Estonia"),
        ("ES", "Espagne", "Spain"),
        ("FI", "Finlande", "Finland"),
        ("FR", "France", "France"),
        ("GB", "Royaume-Uni", "United Kingdom"),
        ("GR", "Grèce", "Greece"),
        ("HR", "Croatie", "Croatia"),
        ("HU", "Hongrie", "Hungary"),
        ("IE", "Irlande", "Ireland"),
        ("IT", "Italie", "Italy"),
        ("LI", "Liechtenstein", "Liechtenstein"),
        ("LT", "Lituanie", "Lithuania"),
        ("LU", "Luxembourg", "Luxembourg"),
        ("LV", "Lettonie", "Latvia"),
        ("MA", "Maroc", "Morocco"),
        ("MC", "Monaco", "Monaco"),
        ("MT", "Malte", "Malta"),
        ("NL", "Pays-Bas", "Netherlands"),
        ("NO", "Norvège", "Norway"),
        ("PL", "Pologne", "Poland"),
        ("PT", "Portugal", "Portugal"),
        ("RO", "Roumanie", "Romania"),
        ("SE", "Suède", "Sweden"),
        ("SI", "Slovénie", "Slovenia"),
        ("SK", "Slovaquie", "Slovakia"),
        ("TN", "Tunisie", "Tunisia"),
        ("US", "États-Unis", "United States"),
    ];
    NAMES
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, french_name, english_name)| if french { *french_name } else { *english_name })
}

/// Extracts the first `max` characters of the text of an HTML fragment, for meta
/// descriptions of pages that have none.
pub fn excerpt(html: &str, max: usize) -> Option<String> {
    let mut text = String::with_capacity(html.len().min(max * 2));
    let mut in_tag = false;
    let mut last_space = true;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !last_space {
                    text.push(' ');
                    last_space = true;
                }
            }
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !last_space {
                    text.push(' ');
                    last_space = true;
                }
            }
            c => {
                text.push(c);
                last_space = false;
            }
        }
        if text.len() > max * 4 {
            break;
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= max {
        return Some(text.to_owned());
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{}…", cut.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_strips_tags_and_cuts_on_words() {
        let html = "<p>Chaque tasse est <strong>unique</strong> &amp; belle.</p>\n<p>Suite</p>";
        assert_eq!(
            excerpt(html, 200).as_deref(),
            Some("Chaque tasse est unique & belle. Suite")
        );
        assert_eq!(excerpt(html, 20).as_deref(), Some("Chaque tasse est…"));
        assert_eq!(excerpt("<p></p>", 20), None);
    }

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 24), 1);
        assert_eq!(page_count(24, 24), 1);
        assert_eq!(page_count(25, 24), 2);
    }

    #[test]
    fn tax_mentions() {
        let fr = Locale::parse("fr").expect("locale");
        let en = Locale::parse("en").expect("locale");
        assert_eq!(tax_mention(&fr, TaxDisplay::Incl, false), "TTC");
        assert_eq!(tax_mention(&fr, TaxDisplay::Excl, false), "HT");
        assert_eq!(tax_mention(&en, TaxDisplay::Excl, false), "excl. VAT");
        assert_eq!(
            tax_mention(&fr, TaxDisplay::Incl, true),
            "TVA non applicable, art. 293 B du CGI"
        );
    }
}

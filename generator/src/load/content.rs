//! Markdown files of `content/`: front matter into products, categories, pages and
//! translations, parsed in parallel.

use std::collections::BTreeMap;

use commerce::catalogue::{PriceTable, ProductOption, Text};
use commerce::settings::RawAmount;
use commerce::sorted_vec_map::SortedVecMap;
use commerce::{Category, Locale, Page, Product, StockPolicy, Variant};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_spanned::Spanned;
use toml::de::DeTable;

use super::draft::{
    CategoryDraft, Context, Draft, PageDraft, ProductDraft, TranslationDraft, check_sku, check_slug,
    check_variants, parse_stock, uses_backorder,
};
use super::embeds;
use super::files::{ContentFile, ContentKind, read_text};
use super::markdown::to_html;
use super::source::{Location, SourceText};
use super::toml_text::{
    Accepts, FrontMatterError, TomlFile, TomlProblem, ValueRule, deserialize_all, split_front_matter,
    syntax_problems,
};
use crate::diagnostics::Diagnostic;
use crate::msg;

type Extra = serde_json::Map<String, serde_json::Value>;
type SpannedPrices = BTreeMap<String, Spanned<BTreeMap<String, Spanned<RawAmount>>>>;

fn yes() -> bool {
    true
}

/// Front matter of `content/products/**/*.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductMatter {
    sku: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    price: Option<Spanned<RawAmount>>,
    #[serde(default)]
    tax_class: Option<Spanned<String>>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    #[serde(default)]
    images: Vec<Spanned<String>>,
    #[serde(default)]
    stock: Option<Spanned<String>>,
    #[serde(default)]
    backorder_days: Option<Spanned<u32>>,
    #[serde(default)]
    weight: Option<u32>,
    #[serde(default = "yes")]
    published: bool,
    #[serde(default)]
    prices: SpannedPrices,
    #[serde(default)]
    options: Vec<OptionMatter>,
    #[serde(default)]
    variants: Vec<VariantMatter>,
    #[serde(default)]
    extra: Extra,
}

/// Keys of [`ProductMatter`]: a translation that sets one gets a message saying the
/// key belongs in the base file.
const PRODUCT_KEYS: &[&str] = &[
    "sku",
    "title",
    "description",
    "slug",
    "price",
    "tax_class",
    "categories",
    "images",
    "stock",
    "backorder_days",
    "weight",
    "published",
    "prices",
    "options",
    "variants",
    "extra",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionMatter {
    name: String,
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantMatter {
    sku: Spanned<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    options: SortedVecMap<String, String>,
    #[serde(default)]
    price: Option<Spanned<RawAmount>>,
    #[serde(default)]
    stock: Option<Spanned<String>>,
    #[serde(default)]
    prices: SpannedPrices,
    #[serde(default)]
    weight: Option<u32>,
}

/// Front matter of `content/categories/**/*.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryMatter {
    title: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    image: Option<Spanned<String>>,
    #[serde(default = "yes")]
    published: bool,
    #[serde(default)]
    extra: Extra,
}

const CATEGORY_KEYS: &[&str] = &[
    "title",
    "description",
    "slug",
    "weight",
    "image",
    "published",
    "extra",
];

/// Front matter of `content/pages/*.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageMatter {
    title: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default = "yes")]
    published: bool,
    #[serde(default)]
    extra: Extra,
}

const PAGE_KEYS: &[&str] = &["title", "description", "slug", "template", "published", "extra"];

/// Front matter of a translation `foo.<locale>.md`: only what a reader reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationMatter {
    title: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    variants: Vec<VariantTitleMatter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantTitleMatter {
    sku: Spanned<String>,
    title: String,
}

/// Parses every Markdown file in parallel. Drafts come back in file order; problems
/// in any order (the caller sorts them).
pub(crate) fn parse_all(context: &Context<'_>, files: &[ContentFile]) -> (Vec<Draft>, Vec<Diagnostic>) {
    let results: Vec<(Option<Draft>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let mut problems = Vec::new();
            let draft = parse_file(context, file, &mut problems);
            context.counts.add_markdown_file();
            (draft, problems)
        })
        .collect();
    let mut drafts = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (draft, file_problems) in results {
        drafts.extend(draft);
        problems.extend(file_problems);
    }
    (drafts, problems)
}

pub(crate) fn parse_file(
    context: &Context<'_>,
    file: &ContentFile,
    problems: &mut Vec<Diagnostic>,
) -> Option<Draft> {
    let text = match read_text(context.root, &file.path) {
        Ok(text) => text,
        Err(diagnostic) => {
            problems.push(diagnostic);
            return None;
        }
    };
    let front = match split_front_matter(&text) {
        Ok(front) => front,
        Err(FrontMatterError::Missing) => {
            // Hugo and Jekyll write YAML between `---` lines; name the format so the
            // fix is clear.
            let message = if text.trim_start_matches('\u{FEFF}').starts_with("---") {
                msg!("front-matter-yaml")
            } else {
                msg!("front-matter-missing")
            };
            problems.push(Location::at(&file.relative, 1, 1).diagnostic(message));
            return None;
        }
        Err(FrontMatterError::Unclosed) => {
            problems.push(Location::at(&file.relative, 1, 1).diagnostic(msg!("front-matter-unclosed")));
            return None;
        }
    };
    let source = SourceText {
        file: &file.relative,
        text: &text,
        offset: front.offset,
    };
    if let Some(settings) = context.settings {
        let declared: Vec<&str> = settings
            .consent
            .iter()
            .flat_map(|consent| consent.services.keys().map(String::as_str))
            .collect();
        embeds::check_services(&source, text.len() - front.body.len(), &declared, problems);
    }

    if let Some(draft) = parse_valid(context, file, &source, front.toml, front.body, problems) {
        return draft;
    }

    // Syntax first, with every mistake of the file, because serde would stop at the
    // first.
    let (table, syntax_errors) = DeTable::parse_recoverable(front.toml);
    if !syntax_errors.is_empty() {
        push_problems(
            &source,
            syntax_problems(TomlFile::FrontMatter, front.toml),
            problems,
        );
        return None;
    }
    let rules = value_rules(context);

    let (base, locale) = split_locale(&file.stem);
    if let Some(locale) = locale {
        if locale == context.content_locale {
            let message = msg!(
                "translation-content-locale",
                locale = &locale,
                base = format!("{base}.md")
            );
            problems.push(Location::file(&file.relative).diagnostic(message));
            return None;
        }
        let facts = match file.kind {
            ContentKind::Product => PRODUCT_KEYS,
            ContentKind::Category => CATEGORY_KEYS,
            ContentKind::Page => PAGE_KEYS,
        };
        if !check_translation_keys(&source, table.get_ref(), file.kind, facts, problems) {
            return None;
        }
        let matter: TranslationMatter = deserialize(&source, front.toml, table.get_ref(), &rules, problems)?;
        return Some(Draft::Translation(translation(
            file, &source, base, locale, matter, front.body, problems,
        )));
    }

    match file.kind {
        ContentKind::Product => {
            let matter: ProductMatter = deserialize(&source, front.toml, table.get_ref(), &rules, problems)?;
            let draft = product(context, file, &source, matter, front.body, problems);
            Some(Draft::Product(Box::new(draft)))
        }
        ContentKind::Category => {
            let matter: CategoryMatter = deserialize(&source, front.toml, table.get_ref(), &rules, problems)?;
            category(context, file, &source, matter, front.body, problems).map(Draft::Category)
        }
        ContentKind::Page => {
            let matter: PageMatter = deserialize(&source, front.toml, table.get_ref(), &rules, problems)?;
            Some(Draft::Page(page(
                context, file, &source, matter, front.body, problems,
            )))
        }
    }
}

/// Parses front matter that deserializes on the first try, which is the case of
/// every valid file, so that it is parsed once. Returns `None` when the file has a
/// problem: the caller then parses it again to report every problem at once.
fn parse_valid(
    context: &Context<'_>,
    file: &ContentFile,
    source: &SourceText<'_>,
    toml: &str,
    body: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Option<Draft>> {
    let (base, locale) = split_locale(&file.stem);
    if let Some(locale) = locale {
        if locale == context.content_locale {
            return None;
        }
        // The translation's fields are exactly the keys a translation may set, so a
        // successful parse means `check_translation_keys` has nothing to report.
        let matter: TranslationMatter = toml::from_str(toml).ok()?;
        let draft = translation(file, source, base, locale, matter, body, problems);
        return Some(Some(Draft::Translation(draft)));
    }
    match file.kind {
        ContentKind::Product => {
            let matter: ProductMatter = toml::from_str(toml).ok()?;
            let draft = product(context, file, source, matter, body, problems);
            Some(Some(Draft::Product(Box::new(draft))))
        }
        ContentKind::Category => {
            let matter: CategoryMatter = toml::from_str(toml).ok()?;
            Some(category(context, file, source, matter, body, problems).map(Draft::Category))
        }
        ContentKind::Page => {
            let matter: PageMatter = toml::from_str(toml).ok()?;
            Some(Some(Draft::Page(page(
                context, file, source, matter, body, problems,
            ))))
        }
    }
}

/// Reads the sku written in the front matter of a product file, even one with
/// mistakes elsewhere in its front matter, so that references to a product that
/// failed to load can be distinguished from references to no product.
pub(crate) fn written_sku(text: &str) -> Option<String> {
    let front = split_front_matter(text).ok()?;
    let (table, _) = DeTable::parse_recoverable(front.toml);
    match table.get_ref().get("sku").map(|sku| sku.get_ref()) {
        Some(toml::de::DeValue::String(sku)) => Some(sku.to_string()),
        _ => None,
    }
}

/// Splits `tasse.en` into `tasse` and the locale `en`. A suffix that is not a locale
/// tag (`v1.2`) is part of the name.
pub(crate) fn split_locale(stem: &str) -> (&str, Option<Locale>) {
    let name_start = stem.rfind('/').map_or(0, |index| index + 1);
    match stem[name_start..].rsplit_once('.') {
        Some((_, suffix)) => match Locale::parse(suffix) {
            Ok(locale) => (&stem[..stem.len() - suffix.len() - 1], Some(locale)),
            Err(_) => (stem, None),
        },
        None => (stem, None),
    }
}

/// Deserializes front matter from `table`, the document parsed from `toml` without
/// syntax errors, so the text is parsed once.
fn deserialize<T: DeserializeOwned>(
    source: &SourceText<'_>,
    toml: &str,
    table: &DeTable<'_>,
    rules: &[ValueRule],
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    // On failure, every key is checked on its own, so all unknown keys and values of
    // the wrong type are reported together.
    match deserialize_all(TomlFile::FrontMatter, toml, table, rules) {
        Ok(value) => Some(value),
        Err(found) => {
            push_problems(source, found, problems);
            None
        }
    }
}

/// Adds problems of the front matter, each at its span or else at the file's start.
fn push_problems(source: &SourceText<'_>, found: Vec<TomlProblem>, problems: &mut Vec<Diagnostic>) {
    for (span, message) in found {
        let location = match span {
            Some(span) => source.locate(span),
            None => Location::at(source.file, 1, 1),
        };
        problems.push(location.diagnostic(message));
    }
}

/// Lists what the front matter keys checked after serde accept, so that a value of
/// the wrong type gets an example that these checks accept too.
fn value_rules(context: &Context<'_>) -> Vec<ValueRule> {
    let mut rules = vec![
        ValueRule {
            keys: "stock",
            accepts: Accepts::words(StockPolicy::NAMES),
        },
        ValueRule {
            keys: "variants.stock",
            accepts: Accepts::words(StockPolicy::NAMES),
        },
    ];
    // A class needs a VAT rate in the country of every store, unless no VAT is
    // charged at all.
    if let Some(settings) = context.settings
        && !settings.shop.vat_exempt
        && let Some((first, others)) = settings.stores.split_first()
    {
        let mut classes = settings.tax.classes(first.country.get_ref());
        for store in others {
            let known = settings.tax.classes(store.country.get_ref());
            classes.retain(|class| known.contains(class));
        }
        // The example names the first class: the usual one where it exists.
        if let Some(standard) = classes.iter().position(|class| class == "standard") {
            classes[..=standard].rotate_right(1);
        }
        if !classes.is_empty() {
            rules.push(ValueRule {
                keys: "tax_class",
                accepts: Accepts::Words(classes),
            });
        }
    }
    rules
}

/// Reports every key a translation may not hold: facts of the base file, and
/// unknown keys. Returns whether all keys are allowed.
fn check_translation_keys(
    source: &SourceText<'_>,
    table: &DeTable<'_>,
    kind: ContentKind,
    facts: &[&str],
    problems: &mut Vec<Diagnostic>,
) -> bool {
    let allowed: &[&str] = match kind {
        ContentKind::Product => &["title", "description", "slug", "variants"],
        ContentKind::Category | ContentKind::Page => &["title", "description", "slug"],
    };
    let mut all_allowed = true;
    for (key, _) in table.iter() {
        let name: &str = key.get_ref();
        if allowed.contains(&name) {
            continue;
        }
        all_allowed = false;
        let at = source.locate(key.span());
        if facts.contains(&name) {
            problems.push(at.diagnostic(msg!("translation-fact", key = name)));
        } else {
            problems.push(at.diagnostic(msg!(
                "front-matter-unknown-key",
                key = name,
                valid = allowed.join(", ")
            )));
        }
    }
    all_allowed
}

fn translation(
    file: &ContentFile,
    source: &SourceText<'_>,
    base: &str,
    locale: Locale,
    matter: TranslationMatter,
    body: &str,
    problems: &mut Vec<Diagnostic>,
) -> TranslationDraft {
    let (slug, slug_at) = explicit_slug(source, matter.slug.as_ref(), &matter.title, problems);
    let variant_titles = matter
        .variants
        .into_iter()
        .map(|variant| {
            let at = source.locate(variant.sku.span());
            (variant.sku.into_inner(), variant.title, at)
        })
        .collect();
    TranslationDraft {
        kind: file.kind,
        base: base.to_owned(),
        locale,
        text: Text {
            title: matter.title.into_inner(),
            description: matter.description,
            slug,
            body_html: to_html(body),
        },
        slug_at,
        at: Location::file(&file.relative),
        variant_titles,
    }
}

/// The explicit slug (checked) and where the slug comes from: the `slug` key, else
/// the title it will be made from. The slug is empty when not set.
fn explicit_slug(
    source: &SourceText<'_>,
    slug: Option<&Spanned<String>>,
    title: &Spanned<String>,
    problems: &mut Vec<Diagnostic>,
) -> (String, Location) {
    match slug {
        Some(slug) => {
            let at = source.locate(slug.span());
            check_slug(slug.get_ref(), &at, problems);
            (slug.get_ref().clone(), at)
        }
        None => (String::new(), source.locate(title.span())),
    }
}

fn product(
    context: &Context<'_>,
    file: &ContentFile,
    source: &SourceText<'_>,
    matter: ProductMatter,
    body: &str,
    problems: &mut Vec<Diagnostic>,
) -> ProductDraft {
    let at = source.locate(matter.sku.span());
    let sku = matter.sku.get_ref().clone();
    check_sku(&sku, &at, problems);

    let (mut slug, slug_at) = explicit_slug(source, matter.slug.as_ref(), &matter.title, problems);
    if slug.is_empty() {
        slug = commerce::slug::slug_or(matter.title.get_ref(), &sku);
    }
    let texts = SortedVecMap::from([(
        context.content_locale.clone(),
        Text {
            title: matter.title.get_ref().clone(),
            description: matter.description,
            slug,
            body_html: to_html(body),
        },
    )]);

    let problems_before_prices = problems.len();
    let mut prices = PriceTable::new();
    if let Some(price) = &matter.price {
        base_price(context, &mut prices, price, "price", source, problems);
    }
    read_prices(context, &mut prices, &matter.prices, "prices", source, problems);
    let mut price_problems = problems.len() > problems_before_prices;

    let stock = matter
        .stock
        .as_ref()
        .and_then(|stock| parse_stock(stock.get_ref(), "stock", &source.locate(stock.span()), problems))
        .unwrap_or_default();

    let images: Vec<String> = matter
        .images
        .iter()
        .map(|image| {
            context.check_image(image.get_ref(), &source.locate(image.span()), problems);
            image.get_ref().clone()
        })
        .collect();

    let mut variants = Vec::with_capacity(matter.variants.len());
    let mut variants_at = Vec::with_capacity(matter.variants.len());
    for (index, variant) in matter.variants.into_iter().enumerate() {
        let variant_at = source.locate(variant.sku.span());
        let (variant, variant_price_problems) = self::variant(
            context,
            variant,
            index,
            stock,
            matter.weight,
            source,
            &variant_at,
            problems,
        );
        price_problems |= variant_price_problems;
        variants.push(variant);
        variants_at.push(variant_at);
    }

    let tax_class_at = matter
        .tax_class
        .as_ref()
        .map_or_else(|| at.clone(), |class| source.locate(class.span()));
    let product = Product {
        sku,
        source: file.relative.display().to_string(),
        texts,
        prices,
        tax_class: matter
            .tax_class
            .map_or_else(|| "standard".to_owned(), Spanned::into_inner),
        categories: matter.categories.iter().map(|c| c.get_ref().clone()).collect(),
        images,
        stock,
        backorder_days: matter.backorder_days.as_ref().map(|days| *days.get_ref()),
        weight: matter.weight,
        options: matter
            .options
            .into_iter()
            .map(|option| ProductOption {
                name: option.name,
                values: option.values,
            })
            .collect(),
        variants,
        extra: matter.extra,
    };

    if let Some(days) = &matter.backorder_days
        && !uses_backorder(&product)
    {
        let message = msg!(
            "content-backorder-days-without-backorder",
            stock = stock_name(product.stock)
        );
        problems.push(source.locate(days.span()).diagnostic(message));
    }
    check_variants(&product, &at, &variants_at, problems);

    ProductDraft {
        key: Some(file.stem.clone()),
        categories_at: matter
            .categories
            .iter()
            .map(|c| source.locate(c.span()))
            .collect(),
        tax_class_at,
        slug_at: SortedVecMap::from([(context.content_locale.clone(), slug_at)]),
        variants_at,
        price_problems,
        published: matter.published,
        at,
        product,
    }
}

pub(crate) fn stock_name(stock: StockPolicy) -> &'static str {
    match stock {
        StockPolicy::Track => "track",
        StockPolicy::Untracked => "untracked",
        StockPolicy::Backorder => "backorder",
        StockPolicy::Negative => "negative",
    }
}

/// Reads a variant. The flag is true when one of its prices was reported.
#[allow(clippy::too_many_arguments)]
fn variant(
    context: &Context<'_>,
    matter: VariantMatter,
    index: usize,
    product_stock: StockPolicy,
    product_weight: Option<u32>,
    source: &SourceText<'_>,
    at: &Location,
    problems: &mut Vec<Diagnostic>,
) -> (Variant, bool) {
    check_sku(matter.sku.get_ref(), at, problems);
    let field = format!("variants[{}]", index + 1);
    let problems_before_prices = problems.len();
    let mut prices = PriceTable::new();
    if let Some(price) = &matter.price {
        base_price(
            context,
            &mut prices,
            price,
            &format!("{field}.price"),
            source,
            problems,
        );
    }
    read_prices(
        context,
        &mut prices,
        &matter.prices,
        &format!("{field}.prices"),
        source,
        problems,
    );
    let price_problems = problems.len() > problems_before_prices;
    let stock = matter
        .stock
        .as_ref()
        .and_then(|stock| {
            parse_stock(
                stock.get_ref(),
                &format!("{field}.stock"),
                &source.locate(stock.span()),
                problems,
            )
        })
        .unwrap_or(product_stock);
    let variant = Variant {
        sku: matter.sku.into_inner(),
        options: matter.options,
        titles: matter
            .title
            .map(|title| SortedVecMap::from([(context.content_locale.clone(), title)]))
            .unwrap_or_default(),
        prices,
        stock,
        weight: matter.weight.or(product_weight),
    };
    (variant, price_problems)
}

/// Reads `price`: the shop currency in the shop's price list.
fn base_price(
    context: &Context<'_>,
    prices: &mut PriceTable,
    price: &Spanned<RawAmount>,
    field: &str,
    source: &SourceText<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(settings) = context.settings else {
        return;
    };
    let at = source.locate(price.span());
    let list = &settings.shop.price_list;
    context.add_amount(
        prices,
        (list, settings.shop.currency),
        price.get_ref(),
        field,
        &at,
        problems,
    );
}

/// Reads `[prices.<list>]` tables of `CUR = amount`.
fn read_prices(
    context: &Context<'_>,
    prices: &mut PriceTable,
    tables: &SpannedPrices,
    field: &str,
    source: &SourceText<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    for (list, amounts) in tables {
        let list_field = format!("{field}.{list}");
        if !context.check_price_list(list, &list_field, &source.locate(amounts.span()), problems) {
            continue;
        }
        for (code, amount) in amounts.get_ref() {
            let at = source.locate(amount.span());
            let amount_field = format!("{list_field}.{code}");
            if let Some(currency) = context.parse_currency(code, &amount_field, &at, problems) {
                context.add_amount(
                    prices,
                    (list, currency),
                    amount.get_ref(),
                    &amount_field,
                    &at,
                    problems,
                );
            }
        }
    }
}

fn category(
    context: &Context<'_>,
    file: &ContentFile,
    source: &SourceText<'_>,
    matter: CategoryMatter,
    body: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<CategoryDraft> {
    let id = file.stem.clone();
    let valid_id = id.split('/').all(commerce::slug::is_valid_slug);
    if !valid_id {
        let suggestion: Vec<String> = id
            .split('/')
            .map(|part| commerce::slug::slug_or(part, "category"))
            .collect();
        let message = msg!(
            "category-invalid-id",
            value = &id,
            suggestion = suggestion.join("/")
        );
        problems.push(Location::file(&file.relative).diagnostic(message));
        return None;
    }
    let (mut slug, slug_at) = explicit_slug(source, matter.slug.as_ref(), &matter.title, problems);
    if slug.is_empty() {
        let last = id.rsplit('/').next().unwrap_or(&id);
        slug = commerce::slug::slug_or(matter.title.get_ref(), last);
    }
    if let Some(image) = &matter.image {
        context.check_image(image.get_ref(), &source.locate(image.span()), problems);
    }
    let text = Text {
        title: matter.title.into_inner(),
        description: matter.description,
        slug,
        body_html: to_html(body),
    };
    Some(CategoryDraft {
        category: Category {
            parent: id.rsplit_once('/').map(|(parent, _)| parent.to_owned()),
            id,
            source: file.relative.display().to_string(),
            texts: SortedVecMap::from([(context.content_locale.clone(), text)]),
            weight: matter.weight,
            image: matter.image.map(Spanned::into_inner),
            extra: matter.extra,
        },
        published: matter.published,
        at: Location::file(&file.relative),
        slug_at: SortedVecMap::from([(context.content_locale.clone(), slug_at)]),
    })
}

fn page(
    context: &Context<'_>,
    file: &ContentFile,
    source: &SourceText<'_>,
    matter: PageMatter,
    body: &str,
    problems: &mut Vec<Diagnostic>,
) -> PageDraft {
    let (mut slug, slug_at) = explicit_slug(source, matter.slug.as_ref(), &matter.title, problems);
    if slug.is_empty() {
        slug = commerce::slug::slug_or(matter.title.get_ref(), &file.stem);
    }
    let text = Text {
        title: matter.title.into_inner(),
        description: matter.description,
        slug,
        body_html: to_html(body),
    };
    PageDraft {
        page: Page {
            id: file.stem.clone(),
            source: file.relative.display().to_string(),
            template: matter.template.unwrap_or_else(|| "page.html".to_owned()),
            texts: SortedVecMap::from([(context.content_locale.clone(), text)]),
            extra: matter.extra,
        },
        published: matter.published,
        slug_at: SortedVecMap::from([(context.content_locale.clone(), slug_at)]),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;

    fn arc(path: &str) -> Arc<Path> {
        Arc::from(Path::new(path))
    }

    #[test]
    fn locale_suffix_is_split() {
        let (base, locale) = split_locale("tasses/tasse.en");
        assert_eq!(base, "tasses/tasse");
        assert_eq!(locale.map(|l| l.to_string()), Some("en".to_owned()));
        assert_eq!(split_locale("v1.2"), ("v1.2", None));
        assert_eq!(split_locale("a.b/tasse"), ("a.b/tasse", None));
    }

    #[test]
    fn translation_facts_are_located() {
        let file = arc("content/products/a.en.md");
        let text = "+++\ntitle = \"Mug\"\nprice = \"3.00\"\ncolor = 1\n+++\n";
        let front = split_front_matter(text).expect("front matter");
        let source = SourceText {
            file: &file,
            text,
            offset: front.offset,
        };
        let table = DeTable::parse(front.toml).expect("toml");
        let mut problems = Vec::new();
        let allowed = check_translation_keys(
            &source,
            table.get_ref(),
            ContentKind::Product,
            PRODUCT_KEYS,
            &mut problems,
        );
        assert!(!allowed);
        assert_eq!(problems.len(), 2);
        problems.sort_by_key(|problem| problem.line);
        assert_eq!((problems[0].line, problems[0].column), (Some(3), Some(1)));
        assert_eq!(problems[0].message.id, "translation-fact");
        assert_eq!((problems[1].line, problems[1].column), (Some(4), Some(1)));
        assert_eq!(problems[1].message.id, "front-matter-unknown-key");
    }
}

//! The checks that span files, and the catalogue they produce: translations merged
//! into their base files, unique skus and slugs, categories, VAT classes and a
//! price for every sellable sku in every store.
//!
//! Unpublished products and pages are left out after the sku check, so a draft can
//! never take a sku that is already sold, but its references are not checked until
//! it is published. An unpublished category hides the categories under it, and
//! products drop their references to hidden categories.

use std::collections::{BTreeSet, HashMap, HashSet};

use commerce::catalogue::{Text, Texts};
use commerce::pricing::{PriceError, resolve_price};
use commerce::sorted_vec_map::SortedVecMap;
use commerce::tax::TaxRate;
use commerce::{Catalogue, Locale, Settings};
use rayon::prelude::*;

use super::draft::{CategoryDraft, Context, Draft, PageDraft, ProductDraft, TranslationDraft};
use super::files::{ContentKind, files_with_problems};
use super::settings::short_list;
use super::source::Location;
use crate::diagnostics::Diagnostic;
use crate::msg;

/// Everything parsed, before the checks that span files.
#[derive(Debug, Default)]
pub(crate) struct Drafts {
    pub products: Vec<ProductDraft>,
    pub categories: Vec<CategoryDraft>,
    pub pages: Vec<PageDraft>,
    pub translations: Vec<TranslationDraft>,
}

impl Drafts {
    /// Sorts parsed Markdown drafts by kind, and adds the CSV products.
    pub fn new(markdown: Vec<Draft>, csv_products: Vec<ProductDraft>) -> Self {
        let markdown_products = markdown
            .iter()
            .filter(|draft| matches!(draft, Draft::Product(_)))
            .count();
        let mut drafts = Drafts {
            // Sized exactly, because a vector that grows by doubling may reserve
            // twice the room the drafts need.
            products: Vec::with_capacity(markdown_products + csv_products.len()),
            ..Drafts::default()
        };
        for draft in markdown {
            match draft {
                Draft::Product(product) => drafts.products.push(*product),
                Draft::Category(category) => drafts.categories.push(category),
                Draft::Page(page) => drafts.pages.push(page),
                Draft::Translation(translation) => drafts.translations.push(translation),
            }
        }
        drafts.products.extend(csv_products);
        // File order, so "first" and "second" in messages do not depend on threads.
        // The unstable sort needs no buffer of half the drafts. Each product has a
        // location of its own (its file, or its CSV row), and the sku keeps the order
        // total even so.
        drafts
            .products
            .sort_unstable_by(|a, b| a.at.cmp(&b.at).then_with(|| a.product.sku.cmp(&b.product.sku)));
        drafts
            .categories
            .sort_by(|a, b| a.category.id.cmp(&b.category.id));
        drafts.pages.sort_by(|a, b| a.page.id.cmp(&b.page.id));
        drafts.translations.sort_by(|a, b| a.at.cmp(&b.at));
        drafts
    }
}

/// Runs the checks that span files and builds the catalogue. `settings_valid` is
/// false when the settings have problems of their own: the checks of each product
/// against them (VAT classes, prices) are then skipped, because an invalid rate,
/// country or price list would otherwise be reported again once per product.
pub(crate) fn assemble(
    context: &Context<'_>,
    mut drafts: Drafts,
    settings_valid: bool,
    problems: &mut Vec<Diagnostic>,
) -> Catalogue {
    check_duplicate_skus(&drafts.products, problems);
    let translations = std::mem::take(&mut drafts.translations);
    merge_translations(context, &mut drafts, translations, problems);

    let visible = visible_categories(&drafts.categories, problems);
    let products: Vec<ProductDraft> = drafts
        .products
        .into_iter()
        .filter(|draft| draft.published)
        .collect();
    let mut products = check_categories(products, &drafts.categories, &visible, problems);
    if let Some(settings) = context.settings
        && settings_valid
    {
        check_tax_classes(settings, &products, problems);
        problems.extend(check_price_coverage(settings, &products));
    }

    let categories: Vec<CategoryDraft> = drafts
        .categories
        .into_iter()
        .filter(|draft| visible.contains(&draft.category.id))
        .collect();
    let pages: Vec<PageDraft> = drafts.pages.into_iter().filter(|draft| draft.published).collect();

    let locales = slug_locales(context, &products, &categories, &pages);
    let product_slugs: Vec<_> = products.iter().map(|d| (&d.product.texts, &d.slug_at)).collect();
    check_duplicate_slugs("product", &product_slugs, &locales, context, problems);
    let category_slugs: Vec<_> = categories
        .iter()
        .map(|d| (&d.category.texts, &d.slug_at))
        .collect();
    check_duplicate_slugs("category", &category_slugs, &locales, context, problems);
    let page_slugs: Vec<_> = pages.iter().map(|d| (&d.page.texts, &d.slug_at)).collect();
    check_duplicate_slugs("page", &page_slugs, &locales, context, problems);

    let mut catalogue = Catalogue {
        products: products.drain(..).map(|draft| draft.product).collect(),
        categories: categories.into_iter().map(|draft| draft.category).collect(),
        pages: pages.into_iter().map(|draft| draft.page).collect(),
    };
    catalogue.sort();
    catalogue
}

/// Reports every sku used twice, products and variants alike, once per extra use,
/// naming the first place it appears.
fn check_duplicate_skus(products: &[ProductDraft], problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Location> = HashMap::with_capacity(products.len());
    for draft in products {
        let own = std::iter::once((draft.product.sku.as_str(), &draft.at));
        let variants = draft
            .product
            .variants
            .iter()
            .zip(&draft.variants_at)
            .map(|(variant, at)| (variant.sku.as_str(), at));
        for (sku, at) in own.chain(variants) {
            if let Some(first) = seen.get(sku) {
                problems.push(at.diagnostic(msg!("sku-duplicate", sku = sku, other = first.describe())));
            } else {
                seen.insert(sku, at);
            }
        }
    }
}

fn merge_translations(
    context: &Context<'_>,
    drafts: &mut Drafts,
    translations: Vec<TranslationDraft>,
    problems: &mut Vec<Diagnostic>,
) {
    // Owned keys, because the loop below changes the drafts the keys come from.
    let products: HashMap<String, usize> = drafts
        .products
        .iter()
        .enumerate()
        .filter_map(|(index, draft)| draft.key.clone().map(|key| (key, index)))
        .collect();
    let categories: HashMap<String, usize> = drafts
        .categories
        .iter()
        .enumerate()
        .map(|(index, draft)| (draft.category.id.clone(), index))
        .collect();
    let pages: HashMap<String, usize> = drafts
        .pages
        .iter()
        .enumerate()
        .map(|(index, draft)| (draft.page.id.clone(), index))
        .collect();

    for translation in translations {
        let (folder, index) = match translation.kind {
            ContentKind::Product => ("products", products.get(&translation.base)),
            ContentKind::Category => ("categories", categories.get(&translation.base)),
            ContentKind::Page => ("pages", pages.get(&translation.base)),
        };
        let Some(&index) = index else {
            let base = format!("content/{folder}/{}.md", translation.base);
            // A base file that exists but failed to load has its own problems
            // reported; telling the merchant to create it would be wrong.
            if context.root.join(&base).is_file() {
                continue;
            }
            problems.push(
                translation
                    .at
                    .diagnostic(msg!("translation-without-base", base = base)),
            );
            continue;
        };
        let TranslationDraft {
            locale,
            mut text,
            slug_at,
            variant_titles,
            base,
            ..
        } = translation;
        match translation.kind {
            ContentKind::Product => {
                merge_product_translation(
                    &mut drafts.products[index],
                    locale,
                    text,
                    slug_at,
                    variant_titles,
                    problems,
                );
            }
            ContentKind::Category => {
                let draft = &mut drafts.categories[index];
                fill_slug(&mut text, base.rsplit('/').next().unwrap_or(&base));
                draft.category.texts.insert(locale.clone(), text);
                draft.slug_at.insert(locale, slug_at);
            }
            ContentKind::Page => {
                let draft = &mut drafts.pages[index];
                fill_slug(&mut text, &base);
                draft.page.texts.insert(locale.clone(), text);
                draft.slug_at.insert(locale, slug_at);
            }
        }
    }
}

/// Adds a translation's text and variant titles to a product.
pub(super) fn merge_product_translation(
    draft: &mut ProductDraft,
    locale: Locale,
    mut text: Text,
    slug_at: Location,
    variant_titles: Vec<(String, String, Location)>,
    problems: &mut Vec<Diagnostic>,
) {
    if text.slug.is_empty() {
        text.slug = commerce::slug::slug_or(&text.title, &draft.product.sku);
    }
    for (sku, title, title_at) in variant_titles {
        match draft
            .product
            .variants
            .iter_mut()
            .find(|variant| variant.sku == sku)
        {
            Some(variant) => {
                variant.titles.insert(locale.clone(), title);
            }
            None => {
                let valid = draft.product.variants.iter().map(|v| v.sku.as_str());
                let message = msg!(
                    "translation-unknown-variant",
                    sku = &sku,
                    valid = short_list(valid)
                );
                problems.push(title_at.diagnostic(message));
            }
        }
    }
    draft.product.texts.insert(locale.clone(), text);
    draft.slug_at.insert(locale, slug_at);
}

fn fill_slug(text: &mut Text, fallback: &str) {
    if text.slug.is_empty() {
        text.slug = commerce::slug::slug_or(&text.title, fallback);
    }
}

/// Checks that every category's parent has a file, and returns the ids of the
/// categories shown: published, under published parents.
fn visible_categories(categories: &[CategoryDraft], problems: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    let by_id: HashMap<&str, &CategoryDraft> =
        categories.iter().map(|d| (d.category.id.as_str(), d)).collect();
    let failed = files_with_problems(problems);
    let mut visible = BTreeSet::new();
    for draft in categories {
        let category = &draft.category;
        if let Some(parent) = &category.parent
            && !by_id.contains_key(parent.as_str())
        {
            // A parent file that failed to load has its own problems reported.
            if !failed.contains(&ContentKind::Category.path(parent)) {
                let message = msg!("category-missing-parent", id = &category.id, parent = parent);
                problems.push(draft.at.diagnostic(message));
            }
            continue;
        }
        // Ids sort parents first, so an ancestor's visibility is already known.
        let parent_visible = category
            .parent
            .as_ref()
            .is_none_or(|parent| visible.contains(parent));
        if draft.published && parent_visible {
            visible.insert(category.id.clone());
        }
    }
    visible
}

/// Checks category references and drops those to hidden categories.
fn check_categories(
    products: Vec<ProductDraft>,
    categories: &[CategoryDraft],
    visible: &BTreeSet<String>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<ProductDraft> {
    let known: HashSet<&str> = categories.iter().map(|d| d.category.id.as_str()).collect();
    // A category file that failed to load has its own problems reported.
    let failed = files_with_problems(problems);
    products
        .into_iter()
        .map(|mut draft| {
            for (category, at) in draft.product.categories.iter().zip(&draft.categories_at) {
                if !known.contains(category.as_str())
                    && !failed.contains(&ContentKind::Category.path(category))
                {
                    let valid = short_list(visible.iter().map(String::as_str));
                    let message = msg!("product-unknown-category", value = category, valid = valid);
                    problems.push(at.diagnostic(message));
                }
            }
            draft
                .product
                .categories
                .retain(|category| visible.contains(category));
            draft
        })
        .collect()
}

/// Runs the checks of [`assemble`] that concern one product alone against the
/// settings: its VAT class and its prices. The others (skus, slugs, categories)
/// compare products with each other.
pub(crate) fn check_product_alone(settings: &Settings, draft: &ProductDraft) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_tax_classes(settings, std::slice::from_ref(draft), &mut problems);
    problems.extend(check_price_coverage(settings, std::slice::from_ref(draft)));
    problems
}

/// Checks that each product's tax class has a VAT rate in every store's country.
fn check_tax_classes(settings: &Settings, products: &[ProductDraft], problems: &mut Vec<Diagnostic>) {
    if settings.shop.vat_exempt {
        return;
    }
    let countries: BTreeSet<&str> = settings
        .stores
        .iter()
        .map(|store| store.country.get_ref().as_str())
        .collect();
    for draft in products {
        for country in &countries {
            let class = &draft.product.tax_class;
            if settings.tax.rate(country, class).is_none() {
                let message = msg!(
                    "product-unknown-tax-class",
                    class = class,
                    country = country,
                    valid = short_list(settings.tax.classes(country).iter().map(String::as_str))
                );
                problems.push(draft.tax_class_at.diagnostic(message));
            }
        }
    }
}

/// Resolves the price of every sellable sku in every store's price list and
/// currency, in parallel, and reports each sku, list and currency without one once.
fn check_price_coverage(settings: &Settings, products: &[ProductDraft]) -> Vec<Diagnostic> {
    products
        .par_iter()
        .filter(|draft| !draft.price_problems)
        .flat_map_iter(|draft| {
            let product = &draft.product;
            let mut reported: BTreeSet<(String, String, String)> = BTreeSet::new();
            let mut problems = Vec::new();
            for store in &settings.stores {
                let rate = settings
                    .tax
                    .rate(store.country.get_ref(), &product.tax_class)
                    .filter(|_| !settings.shop.vat_exempt)
                    .unwrap_or(TaxRate::ZERO);
                let list = store.price_list.get_ref();
                for &currency in store.currencies.get_ref() {
                    let variants: Vec<Option<usize>> = if product.variants.is_empty() {
                        vec![None]
                    } else {
                        (0..product.variants.len()).map(Some).collect()
                    };
                    for index in variants {
                        let variant = index.map(|index| &product.variants[index]);
                        let at = index
                            .and_then(|index| draft.variants_at.get(index))
                            .unwrap_or(&draft.at);
                        let sku = variant.map_or(&product.sku, |variant| &variant.sku);
                        let key = (sku.clone(), list.clone(), currency.to_string());
                        if reported.contains(&key) {
                            continue;
                        }
                        let message = match resolve_price(settings, list, currency, product, variant, rate) {
                            Ok(_) => continue,
                            Err(PriceError::Missing { .. }) => msg!(
                                "price-missing",
                                sku = sku,
                                list = list,
                                currency = currency,
                                store = store.id.get_ref()
                            ),
                            Err(PriceError::Overflow { .. }) => {
                                msg!("price-overflow", sku = sku, currency = currency)
                            }
                            // Settings problems, reported once by `Settings::validate`.
                            Err(PriceError::NoRate { .. } | PriceError::FallbackLoop { .. }) => continue,
                        };
                        reported.insert(key);
                        problems.push(at.diagnostic(message));
                    }
                }
            }
            problems
        })
        .collect()
}

/// The locales pages are rendered in: the content locale, every store's, and every
/// translation's.
fn slug_locales(
    context: &Context<'_>,
    products: &[ProductDraft],
    categories: &[CategoryDraft],
    pages: &[PageDraft],
) -> Vec<Locale> {
    let mut locales: BTreeSet<Locale> = BTreeSet::from([context.content_locale.clone()]);
    if let Some(settings) = context.settings {
        for store in &settings.stores {
            locales.extend(store.locales.get_ref().iter().cloned());
        }
    }
    locales.extend(products.iter().flat_map(|d| d.product.texts.keys().cloned()));
    locales.extend(categories.iter().flat_map(|d| d.category.texts.keys().cloned()));
    locales.extend(pages.iter().flat_map(|d| d.page.texts.keys().cloned()));
    // The content locale first, so a clash there is reported in its own language
    // rather than in a locale that only falls back to it.
    let content_locale = context.content_locale.clone();
    locales.remove(&content_locale);
    std::iter::once(content_locale).chain(locales).collect()
}

/// The texts of one product, category or page, and where each locale's slug comes
/// from.
type SlugEntry<'a> = (&'a Texts, &'a SortedVecMap<Locale, Location>);

/// Reports two entries of one kind that end on the same slug in one locale. A
/// locale without a translation shows the content locale's text, so its slug is
/// checked there too. Each pair is reported once.
fn check_duplicate_slugs(
    kind: &str,
    entries: &[SlugEntry<'_>],
    locales: &[Locale],
    context: &Context<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let content_locale = &context.content_locale;
    let mut reported: HashSet<(&Location, &Location)> = HashSet::new();
    for locale in locales {
        let mut seen: HashMap<&str, &Location> = HashMap::with_capacity(entries.len());
        for (texts, slug_at) in entries {
            let Some(text) = texts.get(locale).or_else(|| texts.get(content_locale)) else {
                continue;
            };
            let Some(at) = slug_at.get(locale).or_else(|| slug_at.get(content_locale)) else {
                continue;
            };
            match seen.get(text.slug.as_str()) {
                Some(first) if *first != at => {
                    if reported.insert((first, at)) {
                        let message = msg!(
                            "slug-duplicate",
                            kind = kind,
                            slug = &text.slug,
                            locale = locale,
                            other = first.describe()
                        );
                        problems.push(at.diagnostic(message));
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert(&text.slug, at);
                }
            }
        }
    }
}

//! Loading a shop: `site.toml`, content files and CSV catalogues become validated
//! [`Settings`] and a [`Catalogue`], or the list of every problem found.
//!
//! The steps, in order: parse and validate `site.toml`; list `content/`; parse the
//! Markdown files in parallel; parse the CSV catalogues, rows in parallel; run the
//! checks that span files (skus, slugs, translations, categories, VAT, prices);
//! check the menu against the catalogue. Content is read even when `site.toml` is
//! broken, so one run reports the problems of both.

mod assemble;
mod content;
mod csv_catalog;
mod draft;
mod embeds;
mod files;
mod markdown;
mod settings;
mod source;
mod toml_text;

pub(crate) use files::walk_failed;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use commerce::{Catalogue, Locale, Settings};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::progress::LoadCounts;
use assemble::{Drafts, assemble};
use draft::Context;

/// A shop read from disk and validated.
#[derive(Debug, Clone)]
pub struct LoadedShop {
    /// Folder holding `site.toml`.
    pub root: PathBuf,
    /// Validated settings.
    pub settings: Settings,
    /// Validated catalogue.
    pub catalogue: Catalogue,
}

/// Loads and validates the shop in `root`, reporting every problem at once, sorted
/// by file, line and column.
pub fn load_shop(root: &Path) -> Result<LoadedShop, Diagnostics> {
    load_shop_counted(root, &LoadCounts::default())
}

/// Loads the shop as [`load_shop`] does, counting the files and rows parsed in
/// `counts` for a progress bar.
pub fn load_shop_counted(root: &Path, counts: &LoadCounts) -> Result<LoadedShop, Diagnostics> {
    let mut diagnostics = Diagnostics::new();

    let started = Instant::now();
    let loaded_settings = settings::load_settings(root, &mut diagnostics);
    tracing::debug!(millis = started.elapsed().as_millis(), "read site.toml");

    let context = Context {
        root,
        settings: loaded_settings.as_ref().map(|loaded| &loaded.settings),
        content_locale: loaded_settings.as_ref().map_or_else(
            // Broken settings still name the language of the content files.
            || settings::written_content_locale(root).unwrap_or_else(default_content_locale),
            |loaded| loaded.settings.shop.content_locale.clone(),
        ),
        counts,
        images: draft::ImageLookup::listing(),
    };
    let files = files::walk_content(root, &mut diagnostics);
    counts.set_markdown_total(files.markdown.len());

    let started = Instant::now();
    let (markdown, mut problems) = content::parse_all(&context, &files.markdown);
    tracing::debug!(
        files = files.markdown.len(),
        millis = started.elapsed().as_millis(),
        "parsed Markdown"
    );

    let started = Instant::now();
    let csv_products = csv_catalog::load_all(&context, &files.csv, &mut problems);
    tracing::debug!(
        rows = csv_products.len(),
        millis = started.elapsed().as_millis(),
        "parsed CSV catalogues"
    );

    let started = Instant::now();
    let check_prices = loaded_settings.as_ref().is_some_and(|loaded| loaded.valid);
    let catalogue = assemble(
        &context,
        Drafts::new(markdown, csv_products),
        check_prices,
        &mut problems,
    );
    tracing::debug!(millis = started.elapsed().as_millis(), "checked the catalogue");

    push_all(&mut diagnostics, problems);
    let Some(loaded_settings) = loaded_settings else {
        return Err(sorted(diagnostics));
    };
    loaded_settings.check_menu(&catalogue, &mut diagnostics);

    diagnostics.into_result(LoadedShop {
        root: root.to_path_buf(),
        settings: loaded_settings.settings,
        catalogue,
    })
}

/// Applies edits of product files to a shop already loaded, without loading it
/// again: `serve` and the short path of `comptoir build` call it so that a change
/// to one product of a large catalogue costs that product's parse. `paths` are
/// the changed files, absolute or relative to the shop's root (not to the
/// current folder).
///
/// A product is read again whole: its base file and every translation file
/// (`<name>.<locale>.md`), whichever of them changed. Returns the products
/// replaced, in catalogue order, or `None` when some change needs a full load.
/// That is the case of a file that is not a product's Markdown file, of a deleted
/// file, and of any problem. It is also the case of an edit that changes what
/// other products or pages see of the product (sku, categories, variants' skus,
/// publication). A new address (slug) is accepted only with `new_addresses`, and
/// only when no other product has that slug.
pub fn patch_products(
    shop: &mut LoadedShop,
    paths: &[PathBuf],
    new_addresses: bool,
) -> Option<Vec<Replaced>> {
    let context = Context {
        root: &shop.root,
        settings: Some(&shop.settings),
        content_locale: shop.settings.shop.content_locale.clone(),
        counts: &LoadCounts::default(),
        images: draft::ImageLookup::Stat,
    };
    // The watcher reports absolute paths, possibly several times each, and the
    // temporary files editors and `sed -i` write then rename; the shop's root may be
    // relative. Only Markdown and CSV files are content.
    let root = std::fs::canonicalize(&shop.root).ok()?;
    let mut canonical = paths
        .iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "md" || extension == "csv")
        })
        .map(|path| std::fs::canonicalize(shop.root.join(path)).ok())
        .collect::<Option<Vec<PathBuf>>>()?;
    if canonical.is_empty() {
        return None;
    }
    canonical.sort();
    canonical.dedup();

    let slugs = |product: &commerce::Product| -> Vec<(Locale, String)> {
        product
            .texts
            .iter()
            .map(|(locale, text)| (locale.clone(), text.slug.clone()))
            .collect()
    };
    // A product is read again whole, from its base file and its translations,
    // whichever of them changed.
    let mut bases: Vec<String> = Vec::with_capacity(canonical.len());
    for path in &canonical {
        let file = files::content_file(&root, path)?;
        if file.kind != files::ContentKind::Product {
            return None;
        }
        bases.push(content::split_locale(&file.stem).0.to_owned());
    }
    bases.sort();
    bases.dedup();

    let mut replacements = Vec::with_capacity(bases.len());
    for base in &bases {
        let Some(new) = read_product(&context, &root, base) else {
            tracing::debug!(
                base,
                "short path not taken: the product has problems or is hidden"
            );
            return None;
        };
        let Ok(index) = shop
            .catalogue
            .products
            .binary_search_by(|product| product.sku.as_str().cmp(&new.sku))
        else {
            tracing::debug!(base, "short path not taken: a new sku");
            return None;
        };
        let old = &shop.catalogue.products[index];
        let variant_skus = |product: &commerce::Product| -> Vec<String> {
            product.variants.iter().map(|v| v.sku.clone()).collect()
        };
        let same_address = slugs(old) == slugs(&new);
        let same_shape = old.source == new.source
            && (same_address || new_addresses)
            && old.categories == new.categories
            && variant_skus(old) == variant_skus(&new);
        if !same_shape || replacements.iter().any(|(other, _)| *other == index) {
            tracing::debug!(
                base,
                source = old.source != new.source,
                address = !same_address,
                categories = old.categories != new.categories,
                variants = variant_skus(old) != variant_skus(&new),
                "short path not taken: the product changed shape"
            );
            return None;
        }
        replacements.push((index, new));
    }

    // A new slug must be free. Any other product's slug in any locale counts, which
    // may refuse a slug a full load would accept; the full load then decides.
    let moved: Vec<&str> = replacements
        .iter()
        .filter(|(index, new)| slugs(&shop.catalogue.products[*index]) != slugs(new))
        .flat_map(|(_, new)| new.texts.values().map(|text| text.slug.as_str()))
        .collect();
    if !moved.is_empty() {
        let replaced: Vec<usize> = replacements.iter().map(|(index, _)| *index).collect();
        let others = shop
            .catalogue
            .products
            .iter()
            .enumerate()
            .filter(|(index, _)| !replaced.contains(index))
            .flat_map(|(_, product)| product.texts.values());
        let batch = replacements.iter().flat_map(|(_, new)| new.texts.values());
        // One pass over the slugs, counting only the new ones: sorting every slug
        // of a large catalogue would cost more than the rest of the edit.
        let mut counts: HashMap<&str, usize> = moved.iter().map(|slug| (*slug, 0)).collect();
        for text in others.chain(batch) {
            if let Some(count) = counts.get_mut(text.slug.as_str()) {
                *count += 1;
            }
        }
        if counts.values().any(|count| *count > 1) {
            tracing::debug!("short path not taken: a new slug is taken");
            return None;
        }
    }

    let mut replaced = Vec::with_capacity(replacements.len());
    for (index, product) in replacements {
        let old = std::mem::replace(&mut shop.catalogue.products[index], product);
        replaced.push(Replaced { index, old });
    }
    replaced.sort_unstable_by_key(|replaced| replaced.index);
    Some(replaced)
}

/// Reads the product whose base file is `content/products/<base>.md` and its
/// translations (`<base>.<locale>.md`), as a full load assembles it. Returns
/// `None` when some file has a problem or the product is not published.
fn read_product(context: &Context<'_>, root: &Path, base: &str) -> Option<commerce::Product> {
    let base_path = root.join("content/products").join(format!("{base}.md"));
    let file = files::content_file(root, &base_path)?;
    let mut problems = Vec::new();
    let Some(draft::Draft::Product(mut draft)) = content::parse_file(context, &file, &mut problems) else {
        return None;
    };

    let folder = base_path.parent()?;
    let name = base.rsplit('/').next().unwrap_or(base);
    let prefix = format!("{name}.");
    let mut translations: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|file_name| file_name.to_str())
                .is_some_and(|file_name| file_name.starts_with(&prefix) && file_name.ends_with(".md"))
        })
        .collect();
    translations.sort();
    for path in translations {
        let file = files::content_file(root, &path)?;
        // `tasse.v2.md` is another product, not a translation of `tasse.md`.
        let (file_base, locale) = content::split_locale(&file.stem);
        if file_base != base || locale.is_none() {
            continue;
        }
        match content::parse_file(context, &file, &mut problems) {
            Some(draft::Draft::Translation(translation)) => assemble::merge_product_translation(
                &mut draft,
                translation.locale,
                translation.text,
                translation.slug_at,
                translation.variant_titles,
                &mut problems,
            ),
            Some(_) => continue,
            None => return None,
        }
    }

    problems.extend(assemble::check_product_alone(context.settings?, &draft));
    if !problems.is_empty() {
        tracing::debug!(base, problems = problems.len(), "the product has problems");
    }
    (problems.is_empty() && draft.published).then_some(draft.product)
}

/// A product [`patch_products`] replaced.
#[derive(Debug)]
pub struct Replaced {
    /// Its index in the catalogue.
    pub index: usize,
    /// The version it replaced.
    pub old: commerce::Product,
}

impl Replaced {
    /// Returns whether the product's address changed: its slug in some locale.
    pub fn moved(&self, catalogue: &Catalogue) -> bool {
        let new = &catalogue.products[self.index];
        self.old.texts.len() != new.texts.len()
            || self
                .old
                .texts
                .iter()
                .zip(new.texts.iter())
                .any(|((old_locale, old), (new_locale, new))| {
                    old_locale != new_locale || old.slug != new.slug
                })
    }
}

/// Loads and validates `site.toml` alone, for commands that need the settings but
/// not the catalogue, such as `comptoir deploy --prepare`.
pub fn load_settings(root: &Path) -> Result<Settings, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let loaded = settings::load_settings(root, &mut diagnostics);
    match loaded {
        Some(loaded) => diagnostics.into_result(loaded.settings),
        None => Err(sorted(diagnostics)),
    }
}

fn default_content_locale() -> Locale {
    Locale::parse("fr").unwrap_or_else(|_| unreachable!("`fr` is a valid locale"))
}

fn push_all(diagnostics: &mut Diagnostics, problems: Vec<Diagnostic>) {
    for problem in problems {
        diagnostics.push(problem);
    }
}

fn sorted(mut diagnostics: Diagnostics) -> Diagnostics {
    diagnostics.sort();
    diagnostics
}

//! Rendering a loaded shop through its theme: every page of every store, locale and
//! currency, the SEO files, the assets and the price book, written to an
//! [`OutputSink`].
//!
//! The steps, in order: build each theme used (templates compiled once, CSS
//! bundled once), price every store's catalogue, plan every output path and reject
//! conflicts, then render the pages in parallel and stream each one to the sink as
//! soon as it is ready. Nothing is written when a problem is found before
//! rendering; every problem found is reported together.

mod consent;
mod context;
mod fingerprint;
mod functions;
mod manifest;
mod pages;
mod privacy;
mod routes;
mod seo;
mod store;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use commerce::consent::CONSENT_POLICY_PATH;
use commerce::pricebook::{PRICE_BOOK_PATH, STORE_MANIFEST_PATH, StoreManifest};
use rayon::prelude::*;
use tera::Tera;

use crate::assets::{ThemeAssets, build_assets};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::LoadedShop;
use crate::msg;
use crate::output::OutputSink;
use crate::theme::{
    ThemeFiles, ThemeManifest, ThemeStrings, builtin_theme_names, compile_templates, error_chain,
    parse_manifest, read_theme_files, resolve_settings,
};

pub use fingerprint::{Fingerprint, PageFingerprints};
pub use routes::{PageKind, Routes, Words, words};

use consent::{StoreConsent, consent_view};
use context::{
    ApiView, LinksView, PageEnv, ShopView, StoreView, category_tree, checkout_values, content_pages,
    page_count, tax_mention,
};
use fingerprint::{CatalogueDigests, StoreInputs, TemplateDigests, slice_digest, store_digest};
use functions::{Bindings, bind};
use pages::{MenuNode, build_menu, fill_context, menu_problems, template_of};
use store::StoreData;

/// Options of a render: the build id and the stores to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Id of this build, published in the price book.
    pub build_id: String,
    /// Only these stores; all when empty.
    pub stores: Vec<String>,
}

/// Counts of what one store's render produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoreReport {
    /// Store id.
    pub store: String,
    /// HTML pages written.
    pub pages: usize,
    /// Files written in all (pages, assets, feeds…).
    pub files: usize,
    /// Products published in the store.
    pub products: usize,
}

/// Summary of a render, per store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderReport {
    /// One entry per store rendered.
    pub stores: Vec<StoreReport>,
    /// Problems that did not stop the build, such as a sku without a price in one
    /// of a store's currencies (it is then not sold in that currency).
    pub warnings: Vec<Diagnostic>,
}

/// A theme ready to render: files, settings, compiled templates, strings, assets.
struct ThemeBuild {
    files: ThemeFiles,
    manifest: ThemeManifest,
    tera: Tera,
    strings: ThemeStrings,
    assets: Arc<ThemeAssets>,
    templates: TemplateDigests,
}

/// The templates, functions and shared values of one (store, locale, currency).
struct Slice {
    tera: Tera,
    base: tera::Context,
    menu: Vec<MenuNode>,
    /// Values given only to `checkout.html`.
    checkout: [(&'static str, serde_json::Value); 3],
    /// Digest of `base`, `menu` and `checkout`, for page fingerprints.
    digest: Fingerprint,
}

/// One page to render.
#[derive(Debug, Clone, Copy)]
struct Job {
    kind: PageKind,
    locale: usize,
    currency: usize,
}

/// A store ready to render.
struct StoreRender<'a> {
    data: StoreData<'a>,
    theme: &'a ThemeBuild,
    settings: serde_json::Map<String, serde_json::Value>,
    jobs: Vec<Job>,
    sitemap_pages: Vec<PageKind>,
    manifest: StoreManifest,
}

/// Renders every store of `shop` into `sink`, reporting every problem at once.
pub fn render_shop(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
) -> Result<RenderReport, Diagnostics> {
    render_shop_incremental(shop, options, sink, &PageFingerprints::default()).map(|(report, _)| report)
}

/// Renders every store of `shop` into `sink` like [`render_shop`], except the pages
/// whose fingerprint equals the one in `previous` and that the sink keeps from the
/// previous output ([`OutputSink::keep`]). Returns the fingerprint of every page, to
/// pass as `previous` to the next render.
pub fn render_shop_incremental(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    previous: &PageFingerprints,
) -> Result<(RenderReport, PageFingerprints), Diagnostics> {
    let mut memo = RenderMemo::default();
    render_scoped(shop, options, sink, previous, &mut memo, Scope::Everything).map(Rendered::done)
}

/// The results of a render that a later render of the same shop can reuse when
/// only some products changed: the built themes, each store's prices, listings and
/// price book, and the catalogue's digests. It owns all of it, so `serve` keeps it
/// between rebuilds while it edits the catalogue.
#[derive(Default)]
pub struct RenderMemo {
    themes: HashMap<String, ThemeBuild>,
    /// Prices, listings and price book per store, by position in `site.toml`.
    stores: HashMap<usize, StoreMemo>,
    digests: Option<CatalogueDigests>,
    /// Digests of the values every page of a store shares, per store and slice.
    slices: HashMap<usize, Vec<Fingerprint>>,
    /// Whether only what [`MemoState`] keeps is kept, for a build that saves it
    /// and exits: the price book's layout rather than its bytes.
    layouts_only: bool,
}

/// The part of a [`RenderMemo`] that belongs to one store.
#[derive(Debug, Default)]
struct StoreMemo {
    prices: Vec<store::ProductPrices>,
    listings: Vec<Vec<u32>>,
    carry: Carry,
}

/// What one store's render of the large generated files leaves for the next: the
/// price book's parts, and where each product's items lie in each feed.
#[derive(Debug, Default)]
struct Carry {
    price_book: Option<manifest::PriceBookParts>,
    feeds: Vec<FeedLayout>,
    /// Set when a feed could not be rewritten in part: a render of some products
    /// alone cannot write it whole, because the catalogue it started from may lack
    /// the other products' bodies, which feeds quote.
    needs_full: bool,
}

/// Where the items of each product lie in a feed file: after a head of `head`
/// bytes, product by product in catalogue order, then the tail. A build that
/// changed some products rewrites their items and copies the others' bytes from the
/// previous file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeedLayout {
    /// Output path, from the store's folder.
    path: String,
    head: u64,
    /// Bytes of each product's items.
    items: Vec<u32>,
}

impl FeedLayout {
    /// Returns the size of the file this layout describes.
    fn size(&self) -> u64 {
        self.head
            + self.items.iter().map(|length| u64::from(*length)).sum::<u64>()
            + seo::FEED_TAIL.len() as u64
    }
}

/// The part of a [`RenderMemo`] a build saves in the shop's cache folder for the
/// next build: the catalogue's digests, the digests of what every page of a store
/// shares, and each store's layout of its feeds and price book. The pages and files
/// a render writes do not depend on it; it only lets [`render_products`] follow a
/// render made by another process.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemoState {
    digests: CatalogueDigests,
    slices: Vec<(usize, Vec<Fingerprint>)>,
    stores: Vec<StoreLayout>,
}

impl MemoState {
    /// Returns the price book parts the render wrote, as (output path, size), for
    /// stores in the order of `stores`.
    pub fn price_book_parts(&self, stores: &[commerce::settings::Store]) -> Vec<(String, u64)> {
        let mut files = Vec::new();
        for layout in &self.stores {
            let Some(store) = stores.get(layout.position) else {
                continue;
            };
            for part in layout.price_book.iter().flatten() {
                files.push((format!("{}/{}", store.id.get_ref(), part.file()), part.size()));
            }
        }
        files
    }
}

/// One store's part of a [`MemoState`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StoreLayout {
    position: usize,
    price_book: Vec<Option<manifest::WrittenPart>>,
    feeds: Vec<FeedLayout>,
}

/// The result of a render.
#[derive(Debug)]
pub enum Rendered {
    /// The pages and files were rendered: the report, and the fingerprints of the
    /// pages rendered.
    Done(RenderReport, PageFingerprints),
    /// A render of some products alone cannot be right: the changes reach what
    /// every page shows. Nothing was written.
    NeedsFull,
}

impl Rendered {
    /// Returns the report and fingerprints of a render that cannot need a full one.
    fn done(self) -> (RenderReport, PageFingerprints) {
        match self {
            Rendered::Done(report, fingerprints) => (report, fingerprints),
            Rendered::NeedsFull => (RenderReport::default(), PageFingerprints::default()),
        }
    }
}

impl RenderMemo {
    /// An empty memo that keeps only what [`RenderMemo::state`] returns, for a
    /// build: the price book's bytes are not held after they are written.
    pub fn for_build() -> RenderMemo {
        RenderMemo {
            layouts_only: true,
            ..RenderMemo::default()
        }
    }

    /// Returns what a later build needs to render some products alone, once a
    /// render of every store filled this memo.
    pub fn state(&self) -> Option<MemoState> {
        let digests = self.digests.clone()?;
        let mut slices: Vec<(usize, Vec<Fingerprint>)> = self
            .slices
            .iter()
            .map(|(position, digests)| (*position, digests.clone()))
            .collect();
        slices.sort_unstable_by_key(|(position, _)| *position);
        let mut stores = Vec::with_capacity(self.stores.len());
        for (position, store) in &self.stores {
            let price_book = store.carry.price_book.as_ref()?.saved();
            stores.push(StoreLayout {
                position: *position,
                price_book,
                feeds: store.carry.feeds.clone(),
            });
        }
        stores.sort_unstable_by_key(|store| store.position);
        Some(MemoState {
            digests,
            slices,
            stores,
        })
    }

    /// A memo for [`render_products`] from the state a build saved. Themes, prices
    /// and listings are built again by the first render. The price book's parts are
    /// kept by name, and the feeds' items are read back from the output when needed.
    pub fn from_state(state: MemoState) -> RenderMemo {
        RenderMemo {
            themes: HashMap::new(),
            stores: state
                .stores
                .into_iter()
                .map(|store| {
                    let carry = Carry {
                        price_book: Some(manifest::PriceBookParts::from_saved(store.price_book)),
                        feeds: store.feeds,
                        needs_full: false,
                    };
                    (
                        store.position,
                        StoreMemo {
                            carry,
                            ..StoreMemo::default()
                        },
                    )
                })
                .collect(),
            digests: Some(state.digests),
            slices: state.slices.into_iter().collect(),
            layouts_only: true,
        }
    }

    /// Returns whether a render of every store filled this memo.
    pub fn is_filled(&self) -> bool {
        self.digests.is_some()
    }

    /// Returns whether a render of some products alone can follow. That needs a
    /// filled memo and no template that prints the build id, because the id changes
    /// with every render and would be stale on the pages not rendered again.
    pub fn allows_partial(&self) -> bool {
        self.is_filled()
            && !self
                .themes
                .values()
                .any(|theme| theme.templates.any_reads_build_id())
    }
}

/// Like [`render_shop_incremental`], and fills `memo` for [`render_products`].
pub fn render_shop_memo(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    previous: &PageFingerprints,
    memo: &mut RenderMemo,
) -> Result<(RenderReport, PageFingerprints), Diagnostics> {
    let layouts_only = memo.layouts_only;
    *memo = RenderMemo {
        layouts_only,
        ..RenderMemo::default()
    };
    let rendered = render_scoped(shop, options, sink, previous, memo, Scope::Everything).map(Rendered::done);
    if rendered.is_err() {
        *memo = RenderMemo::default();
    }
    rendered
}

/// Renders what shows the products at `changed` (catalogue indices, sorted). These
/// products were replaced in `shop` since the render that filled `memo`, without
/// changing what other entries see of them (sku, slugs, categories, variants). The
/// render covers their pages, the listing pages and home page that show them, and
/// each store's price book and manifest. Sitemaps and feeds are left for [`render_listings`], so that
/// the pages a browser shows are written first. Returns the fingerprints of the
/// pages rendered, to merge into those of the last full render, or
/// [`Rendered::NeedsFull`] when the products show on every page (in the menu).
pub fn render_products(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    memo: &mut RenderMemo,
    changed: &[usize],
) -> Result<Rendered, Diagnostics> {
    let rendered = render_scoped(
        shop,
        options,
        sink,
        &PageFingerprints::default(),
        memo,
        Scope::Products(changed),
    );
    if rendered.is_err() {
        *memo = RenderMemo::default();
    }
    rendered
}

/// Renders what [`render_products`] renders, and rewrites the items of the changed
/// products in every feed, copying the other items from the previous output
/// ([`OutputSink::previous`]). It follows a render that filled `memo`, possibly in
/// another process ([`RenderMemo::from_state`]), so a build after edits to a few
/// products writes everything a full render would change. Sitemaps and
/// `robots.txt` are written again when `moved`, that is when some of the products
/// have a new address; the pages at the old one are the caller's to delete
/// ([`product_files`]). With no changed product, it renders nothing and only
/// checks that a render of some products alone is possible.
pub fn render_patch(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    memo: &mut RenderMemo,
    changed: &[usize],
    moved: bool,
) -> Result<Rendered, Diagnostics> {
    let rendered = render_scoped(
        shop,
        options,
        sink,
        &PageFingerprints::default(),
        memo,
        Scope::Patch(changed, moved),
    );
    if rendered.is_err() {
        *memo = RenderMemo::default();
    }
    rendered
}

/// Returns the output files of the pages of `product` in every store, locale and
/// currency of `shop`: the files a render of a catalogue holding it writes for it.
pub fn product_files(shop: &LoadedShop, product: &commerce::Product) -> Vec<String> {
    let single = commerce::Catalogue {
        products: vec![product.clone()],
        categories: Vec::new(),
        pages: Vec::new(),
    };
    let mut files = Vec::new();
    for store in &shop.settings.stores {
        let routes = Routes::new(
            store.locales.get_ref().clone(),
            store.currencies.get_ref().clone(),
            &single,
            &shop.settings.shop.content_locale,
        );
        for locale in 0..routes.locales.len() {
            for currency in 0..routes.currencies.len() {
                let path = routes.path(&single, PageKind::Product(0), locale, currency);
                files.push(format!("{}/{}", store.id.get_ref(), Routes::file_of(&path)));
            }
        }
    }
    files
}

/// Writes every store's sitemaps, `robots.txt` and product feeds from the state in
/// `memo`: the part of a render that [`render_products`] leaves out.
pub fn render_listings(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    memo: &mut RenderMemo,
) -> Result<RenderReport, Diagnostics> {
    render_scoped(
        shop,
        options,
        sink,
        &PageFingerprints::default(),
        memo,
        Scope::Listings,
    )
    .map(|rendered| rendered.done().0)
}

/// The part of the output a render produces.
#[derive(Debug, Clone, Copy)]
enum Scope<'s> {
    /// Every page and file.
    Everything,
    /// The pages showing these products, the price book and the store manifest.
    Products(&'s [usize]),
    /// What [`Scope::Products`] covers, and these products' items in the feeds;
    /// the sitemaps too when some of them moved to a new address. With no product,
    /// nothing.
    Patch(&'s [usize], bool),
    /// Sitemaps, `robots.txt` and feeds.
    Listings,
}

impl<'s> Scope<'s> {
    fn everything(self) -> bool {
        matches!(self, Scope::Everything)
    }

    fn listings(self) -> bool {
        matches!(self, Scope::Everything | Scope::Listings)
    }

    fn price_book(self) -> bool {
        match self {
            Scope::Everything | Scope::Products(_) => true,
            Scope::Patch(changed, _) => !changed.is_empty(),
            Scope::Listings => false,
        }
    }

    /// Returns the products whose feed items are rewritten in place.
    fn splices_feeds(self) -> Option<&'s [usize]> {
        match self {
            Scope::Patch(changed, _) if !changed.is_empty() => Some(changed),
            _ => None,
        }
    }

    /// Returns the products replaced since the render that filled the memo, for a render
    /// of some products alone.
    fn changed(self) -> Option<&'s [usize]> {
        match self {
            Scope::Products(changed) | Scope::Patch(changed, _) => Some(changed),
            Scope::Everything | Scope::Listings => None,
        }
    }

    /// Returns whether the page `kind` is rendered. For [`Scope::Products`], that is
    /// whether the page shows one of the products.
    fn renders(self, kind: PageKind, listings: &[Vec<u32>], per_page: usize) -> bool {
        let changed = match self {
            Scope::Everything => return true,
            Scope::Listings => return false,
            Scope::Products(changed) | Scope::Patch(changed, _) => changed,
        };
        let is_changed = |index: usize| changed.binary_search(&index).is_ok();
        match kind {
            PageKind::Product(index) => is_changed(index),
            PageKind::Category { index, page } => {
                let per_page = per_page.max(1);
                listings[index]
                    .iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .any(|product| is_changed(*product as usize))
            }
            PageKind::Home => changed.iter().any(|index| *index < per_page),
            _ => false,
        }
    }
}

fn render_scoped(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    previous: &PageFingerprints,
    memo: &mut RenderMemo,
    scope: Scope<'_>,
) -> Result<Rendered, Diagnostics> {
    let started = Instant::now();
    let site_text = std::fs::read_to_string(shop.root.join("site.toml")).unwrap_or_default();
    let mut diagnostics = Diagnostics::new();
    let mut warnings = Diagnostics::new();

    let positions = selected_stores(shop, options, &mut diagnostics);
    let themes = if scope.everything() || memo.themes.is_empty() {
        build_themes(shop, &positions, &site_text, &mut diagnostics)
    } else {
        std::mem::take(&mut memo.themes)
    };
    tracing::debug!(millis = started.elapsed().as_millis(), "themes built");

    for (kind, target, span) in menu_problems(&shop.catalogue, &shop.settings.menu) {
        diagnostics.push(Diagnostic::at_offset(
            "site.toml",
            &site_text,
            span.start,
            msg!("render-menu-target-missing", kind = kind, target = target),
        ));
    }

    let mut stores = Vec::new();
    for position in positions {
        let store = &shop.settings.stores[position];
        let Some(theme) = themes.get(store.theme.get_ref()) else {
            continue;
        };
        let changed = match scope {
            Scope::Everything => None,
            Scope::Products(changed) | Scope::Patch(changed, _) => Some(changed),
            Scope::Listings => Some(&[][..]),
        };
        let kept = memo.stores.remove(&position);
        // A memo restored from a build's state has no prices: the store is priced
        // again, which also gives every warning a full render gives.
        let (reuse, carry) = match (changed, kept) {
            (Some(changed), Some(kept)) => (
                Some(store::Reuse {
                    prices: kept.prices,
                    listings: kept.listings,
                    changed,
                }),
                kept.carry,
            ),
            _ => (None, Carry::default()),
        };
        let prepared = prepare_store(
            shop,
            position,
            theme,
            &site_text,
            options,
            &mut warnings,
            reuse,
            scope,
        );
        match prepared {
            Ok(prepared) => stores.push((position, prepared, Mutex::new(carry))),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    tracing::debug!(
        millis = started.elapsed().as_millis(),
        "stores priced and planned"
    );
    if !diagnostics.is_empty() {
        return Err(sorted_unique(diagnostics));
    }

    let digests = match (scope.changed(), memo.digests.take()) {
        (Some(changed), Some(mut digests)) => {
            digests.update_products(&shop.catalogue, changed);
            digests
        }
        (None, Some(digests)) if matches!(scope, Scope::Listings) => digests,
        _ => timed_debug("catalogue digested", || CatalogueDigests::new(&shop.catalogue)),
    };
    let slices: Vec<Vec<Slice>> = stores
        .iter()
        .map(|(_, prepared, _)| build_slices(prepared, options))
        .collect();
    let slice_digests: HashMap<usize, Vec<Fingerprint>> = stores
        .iter()
        .zip(&slices)
        .map(|((position, _, _), slices)| (*position, slices.iter().map(|slice| slice.digest).collect()))
        .collect();
    // What every page shares (menu, category tree, content pages…) may show the
    // changed products: then every page must be rendered again. So must every page
    // when a template prints the build id, which changes with the edits.
    let reads_build_id = || themes.values().any(|theme| theme.templates.any_reads_build_id());
    if scope.changed().is_some() && (slice_digests != memo.slices || reads_build_id()) {
        *memo = RenderMemo::default();
        return Ok(Rendered::NeedsFull);
    }

    let failures = Failures::default();
    let mut fingerprints = PageFingerprints::default();
    let mut reports = Vec::with_capacity(stores.len());
    for ((_, prepared, carry), slices) in stores.iter().zip(&slices) {
        let target = Target {
            sink,
            previous,
            site_text: &site_text,
            digests: &digests,
        };
        let (report, store_fingerprints) =
            render_store(prepared, options, &target, &failures, scope, slices, carry);
        reports.push(report);
        fingerprints.0.extend(store_fingerprints);
    }
    tracing::debug!(millis = started.elapsed().as_millis(), "pages and files written");
    if stores.iter().any(|(_, _, carry)| lock(carry).needs_full) {
        *memo = RenderMemo::default();
        return Ok(Rendered::NeedsFull);
    }

    for (position, prepared, carry) in stores {
        let mut carry = carry
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (prices, listings) = if memo.layouts_only {
            if let Some(parts) = carry.price_book.take() {
                carry.price_book = Some(manifest::PriceBookParts::from_saved(parts.saved()));
            }
            (Vec::new(), Vec::new())
        } else {
            (prepared.data.prices, prepared.data.listings)
        };
        memo.stores.insert(
            position,
            StoreMemo {
                prices,
                listings,
                carry,
            },
        );
    }
    memo.digests = Some(digests);
    memo.themes = themes;
    memo.slices = slice_digests;

    let errors = failures.into_diagnostics();
    if !errors.is_empty() {
        return Err(sorted_unique(errors));
    }
    let report = RenderReport {
        stores: reports,
        warnings: sorted_unique(warnings).0,
    };
    Ok(Rendered::Done(report, fingerprints))
}

/// Runs `step` and logs its duration at debug level.
fn timed_debug<T>(step: &'static str, run: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = run();
    tracing::debug!(
        millis = started.elapsed().as_millis(),
        resident_mib = crate::build::resident_mib(),
        "{step}"
    );
    result
}

/// Where a store's pages go, and what decides whether a page is rendered again.
struct Target<'r> {
    sink: &'r dyn OutputSink,
    previous: &'r PageFingerprints,
    site_text: &'r str,
    digests: &'r CatalogueDigests,
}

/// Sorts `diagnostics` and drops repeats. A theme is checked once per store that uses
/// it, so the same problem (same file, line, column and message) can be found several
/// times; the merchant should read it once.
fn sorted_unique(mut diagnostics: Diagnostics) -> Diagnostics {
    diagnostics.sort();
    let mut unique: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics.0 {
        // Sorted by location, so a repeat sits among the last entries at that location.
        let repeated = unique
            .iter()
            .rev()
            .take_while(|kept| {
                (&kept.file, kept.line, kept.column) == (&diagnostic.file, diagnostic.line, diagnostic.column)
            })
            .any(|kept| *kept == diagnostic);
        if !repeated {
            unique.push(diagnostic);
        }
    }
    Diagnostics(unique)
}

/// Positions of the stores to render, in `site.toml` order.
fn selected_stores(shop: &LoadedShop, options: &RenderOptions, diagnostics: &mut Diagnostics) -> Vec<usize> {
    let stores = &shop.settings.stores;
    for id in &options.stores {
        if !stores.iter().any(|store| store.id.get_ref() == id) {
            let known: Vec<&str> = stores.iter().map(|store| store.id.get_ref().as_str()).collect();
            diagnostics.push(Diagnostic::file(
                "site.toml",
                msg!("render-store-unknown", store = id, known = known.join(", ")),
            ));
        }
    }
    (0..stores.len())
        .filter(|position| {
            options.stores.is_empty() || options.stores.contains(stores[*position].id.get_ref())
        })
        .collect()
}

/// Builds each theme the selected stores use, once.
fn build_themes(
    shop: &LoadedShop,
    positions: &[usize],
    site_text: &str,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, ThemeBuild> {
    let mut themes = HashMap::new();
    let mut failed: Vec<String> = Vec::new();
    for position in positions {
        let store = &shop.settings.stores[*position];
        let name = store.theme.get_ref();
        if themes.contains_key(name) || failed.contains(name) {
            continue;
        }
        match build_theme(shop, name) {
            Ok(Some(theme)) => {
                themes.insert(name.clone(), theme);
            }
            Ok(None) => {
                // The default theme is not written in site.toml; point at the store.
                let span = if store.theme.span().is_empty() {
                    store.id.span()
                } else {
                    store.theme.span()
                };
                diagnostics.push(Diagnostic::at_offset(
                    "site.toml",
                    site_text,
                    span.start,
                    msg!(
                        "render-theme-not-found",
                        store = store.id.get_ref(),
                        theme = name,
                        builtin = builtin_theme_names().join(", ")
                    ),
                ));
                failed.push(name.clone());
            }
            Err(errors) => {
                diagnostics.extend(errors);
                failed.push(name.clone());
            }
        }
    }
    themes
}

fn build_theme(shop: &LoadedShop, name: &str) -> Result<Option<ThemeBuild>, Diagnostics> {
    let Some(files) = read_theme_files(&shop.root, name)? else {
        return Ok(None);
    };
    let mut diagnostics = Diagnostics::new();
    let manifest = parse_manifest(&files)
        .map_err(|errors| diagnostics.extend(errors))
        .ok();
    let tera = compile_templates(&files)
        .map_err(|errors| diagnostics.extend(errors))
        .ok();
    let strings = ThemeStrings::parse(&files)
        .map_err(|errors| diagnostics.extend(errors))
        .ok();
    let browsers = manifest
        .as_ref()
        .and_then(|manifest| manifest.browsers.as_deref());
    let assets = build_assets(&files, browsers)
        .map_err(|errors| diagnostics.extend(errors))
        .ok();
    match (manifest, tera, strings, assets) {
        (Some(manifest), Some(tera), Some(strings), Some(assets)) if diagnostics.is_empty() => {
            let templates = TemplateDigests::new(&files);
            Ok(Some(ThemeBuild {
                files,
                manifest,
                tera,
                strings,
                assets: Arc::new(assets),
                templates,
            }))
        }
        _ => Err(diagnostics),
    }
}

/// Checks a store's theme settings, prices its catalogue, plans its pages and
/// checks that no two outputs share a path.
#[allow(clippy::too_many_arguments)]
fn prepare_store<'a>(
    shop: &'a LoadedShop,
    position: usize,
    theme: &'a ThemeBuild,
    site_text: &str,
    options: &RenderOptions,
    warnings: &mut Diagnostics,
    reuse: Option<store::Reuse<'_>>,
    scope: Scope<'_>,
) -> Result<StoreRender<'a>, Diagnostics> {
    let store = &shop.settings.stores[position];
    let mut diagnostics = Diagnostics::new();
    let settings = resolve_settings(
        &theme.manifest,
        &theme.files.name,
        store.id.get_ref(),
        &store.theme_settings,
        site_text,
        store.id.span().start,
    )
    .map_err(|errors| diagnostics.extend(errors))
    .unwrap_or_default();

    let mut data = StoreData::prepare(shop, position, warnings, reuse)?;
    data.consent = StoreConsent::prepare(&data, &theme.files, &theme.strings)
        .map_err(|errors| diagnostics.extend(errors))
        .ok()
        .flatten();
    let manifest = manifest::store_manifest(&data, &options.build_id)
        .map_err(|errors| diagnostics.extend(errors))
        .ok();

    let (jobs, sitemap_pages) = plan_jobs(&data);
    // A partial render follows a full one of the same pages and templates, which
    // found these problems already.
    if scope.everything() {
        check_templates(&data, theme, &jobs, &mut diagnostics);
        check_conflicts(&data, theme, &jobs, sitemap_pages.len(), &mut diagnostics);
    }

    match manifest {
        Some(manifest) if diagnostics.is_empty() => Ok(StoreRender {
            data,
            theme,
            settings,
            jobs,
            sitemap_pages,
            manifest,
        }),
        _ => Err(diagnostics),
    }
}

/// Lists every page of a store, and the indexable ones for the sitemap.
fn plan_jobs(data: &StoreData<'_>) -> (Vec<Job>, Vec<PageKind>) {
    let catalogue = data.catalogue();
    let per_page = data.shop.settings.build.products_per_page;
    let mut kinds = vec![PageKind::Home];
    for (index, listing) in data.listings.iter().enumerate() {
        for page in 1..=page_count(listing.len(), per_page) {
            kinds.push(PageKind::Category { index, page });
        }
    }
    kinds.extend((0..catalogue.products.len()).map(PageKind::Product));
    kinds.extend((0..catalogue.pages.len()).map(PageKind::Content));
    // Every store has the "my data" page, with or without `[consent]`: the
    // confirmation links of personal-data requests point to it.
    kinds.extend([PageKind::Cart, PageKind::Checkout, PageKind::DataRequests]);
    if data.consent.is_some() {
        kinds.extend([PageKind::Privacy, PageKind::ProcessingRecord]);
    }

    let locales = data.routes.locales.len();
    let currencies = data.routes.currencies.len();
    let mut jobs = Vec::with_capacity(kinds.len() * locales * currencies + locales + 2);
    for locale in 0..locales {
        for currency in 0..currencies {
            jobs.extend(kinds.iter().map(|kind| Job {
                kind: *kind,
                locale,
                currency,
            }));
        }
        jobs.push(Job {
            kind: PageKind::NotFound,
            locale,
            currency: 0,
        });
    }
    for kind in [PageKind::Root, PageKind::RootNotFound] {
        jobs.push(Job {
            kind,
            locale: 0,
            currency: 0,
        });
    }
    let sitemap_pages = kinds.into_iter().filter(|kind| kind.indexable()).collect();
    (jobs, sitemap_pages)
}

/// Reports templates the planned pages need and the theme lacks, once each.
fn check_templates(data: &StoreData<'_>, theme: &ThemeBuild, jobs: &[Job], diagnostics: &mut Diagnostics) {
    let catalogue = data.catalogue();
    let available: std::collections::HashSet<&str> = theme.tera.get_template_names().collect();
    let mut reported: Vec<String> = Vec::new();
    for job in jobs.iter().filter(|job| job.locale == 0 && job.currency == 0) {
        let template = template_of(catalogue, job.kind);
        if available.contains(template) {
            continue;
        }
        let diagnostic = match job.kind {
            PageKind::Content(index) => store::source_diagnostic(
                &catalogue.pages[index].source,
                msg!(
                    "render-page-template-missing",
                    template = template,
                    theme = &theme.files.name
                ),
            ),
            kind => {
                if reported.iter().any(|name| name == template) {
                    continue;
                }
                reported.push(template.to_owned());
                Diagnostic::file(
                    theme.files.folder.join("templates"),
                    msg!(
                        "render-template-missing",
                        theme = &theme.files.name,
                        template = template,
                        page = kind.name()
                    ),
                )
            }
        };
        diagnostics.push(diagnostic);
    }
}

/// Source of an output file, to name both sides of a path conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    Page(PageKind),
    /// The folder of a section (`/fr/produits/`), which only its pages may use.
    Section(&'static str),
    File(PathBuf),
    Generated(&'static str),
}

impl Origin {
    fn describe(&self, data: &StoreData<'_>) -> String {
        let catalogue = data.catalogue();
        match self {
            Origin::Page(PageKind::Product(index)) => catalogue.products[*index].source.clone(),
            Origin::Page(PageKind::Category { index, .. }) => catalogue.categories[*index].source.clone(),
            Origin::Page(PageKind::Content(index)) => catalogue.pages[*index].source.clone(),
            Origin::Page(kind) => format!("the built-in {} page", kind.name()),
            Origin::Section(section) => format!("the folder of the {section} pages"),
            Origin::File(path) => path.display().to_string(),
            Origin::Generated(name) => format!("the generated {name}"),
        }
    }

    /// Returns the shop file to point at, when this output comes from one.
    fn file(&self, data: &StoreData<'_>) -> Option<String> {
        match self {
            Origin::Page(PageKind::Product(_) | PageKind::Category { .. } | PageKind::Content(_)) => {
                Some(self.describe(data))
            }
            Origin::File(path) => Some(path.display().to_string()),
            _ => None,
        }
    }
}

/// Reports every pair of outputs that would be written to the same path.
fn check_conflicts(
    data: &StoreData<'_>,
    theme: &ThemeBuild,
    jobs: &[Job],
    sitemap_pages: usize,
    diagnostics: &mut Diagnostics,
) {
    let routes = &data.routes;
    let catalogue = data.catalogue();
    let mut claims: HashMap<String, Origin> = HashMap::with_capacity(jobs.len() + 64);
    let mut reported: Vec<(String, String)> = Vec::new();
    let mut claim = |path: String, origin: Origin| {
        let Some(existing) = claims.get(&path) else {
            claims.insert(path, origin);
            return;
        };
        let (first, second) = (existing.describe(data), origin.describe(data));
        if reported.contains(&(first.clone(), second.clone())) {
            return;
        }
        let file = origin
            .file(data)
            .or_else(|| existing.file(data))
            .unwrap_or_else(|| "site.toml".to_owned());
        let message = msg!(
            "render-path-conflict",
            store = data.id(),
            path = format!("/{path}"),
            first = &first,
            second = &second
        );
        diagnostics.push(store::source_diagnostic(&file, message));
        reported.push((first, second));
    };

    for locale in 0..routes.locales.len() {
        for currency in 0..routes.currencies.len() {
            let prefix = routes.prefix(locale, currency);
            let words = routes.words[locale];
            for (word, section) in [(words.products, "product"), (words.categories, "category")] {
                claim(
                    Routes::file_of(&format!("{prefix}{word}/")),
                    Origin::Section(section),
                );
            }
        }
    }
    for job in jobs {
        let path = routes.path(catalogue, job.kind, job.locale, job.currency);
        claim(Routes::file_of(&path), Origin::Page(job.kind));
    }
    for file in &theme.assets.files {
        claim(file.path.clone(), Origin::File(file.source.clone()));
    }
    let sitemap_files = sitemap_pages * routes.locales.len();
    claim("sitemap.xml".to_owned(), Origin::Generated("sitemap"));
    if sitemap_files > seo::SITEMAP_MAX_URLS {
        for number in 1..=sitemap_files.div_ceil(seo::SITEMAP_MAX_URLS) {
            claim(seo::sitemap_part_name(number), Origin::Generated("sitemap"));
        }
    }
    claim("robots.txt".to_owned(), Origin::Generated("robots.txt"));
    for locale in &routes.locales {
        for currency in &routes.currencies {
            claim(
                seo::feed_path(locale.as_str(), currency.code()),
                Origin::Generated("product feed"),
            );
        }
    }
    claim(PRICE_BOOK_PATH.to_owned(), Origin::Generated("price book"));
    claim(
        STORE_MANIFEST_PATH.to_owned(),
        Origin::Generated("store manifest"),
    );
    if data.consent.is_some() {
        claim(
            CONSENT_POLICY_PATH.to_owned(),
            Origin::Generated("consent policy"),
        );
    }
}

/// Render problems, grouped by template and error so that a mistake in
/// `product.html` is reported once, not once per product.
#[derive(Default)]
struct Failures {
    render: Mutex<BTreeMap<(PathBuf, String), (String, usize)>>,
    writes: Mutex<Vec<Diagnostic>>,
}

impl Failures {
    fn render_failed(&self, source: PathBuf, error: String, path: &str) {
        let mut render = self
            .render
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        render
            .entry((source, error))
            .and_modify(|(_, count)| *count += 1)
            .or_insert_with(|| (path.to_owned(), 1));
    }

    fn write_failed(&self, path: &str, error: &std::io::Error) {
        let mut writes = self
            .writes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        writes.push(Diagnostic::file(
            path,
            msg!("render-write-failed", path = path, error = error),
        ));
    }

    fn into_diagnostics(self) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let render = self
            .render
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for ((source, error), (path, count)) in render {
            let template = source
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
            diagnostics.push(Diagnostic::file(
                &source,
                msg!(
                    "render-template-failed",
                    template = template,
                    path = path,
                    others = count - 1,
                    error = error
                ),
            ));
        }
        diagnostics.0.extend(
            self.writes
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        diagnostics
    }
}

/// Builds the shared context and bound templates of every (locale, currency) of a store.
fn build_slices(prepared: &StoreRender<'_>, options: &RenderOptions) -> Vec<Slice> {
    let data = &prepared.data;
    let theme = prepared.theme;
    let routes = &data.routes;
    let shop_settings = &data.shop.settings;
    let mut slices = Vec::with_capacity(routes.locales.len() * routes.currencies.len());
    for (locale, tag) in routes.locales.iter().enumerate() {
        let translator = Arc::new(theme.strings.translator(tag.as_str()));
        for (currency, code) in routes.currencies.iter().enumerate() {
            let env = PageEnv {
                data,
                locale,
                currency,
            };
            let tera = bind(
                &theme.tera,
                Bindings {
                    translator: Arc::clone(&translator),
                    assets: Arc::clone(&theme.assets),
                    prefix: routes.prefix(locale, currency).to_owned(),
                    locale: tag.clone(),
                    currency: *code,
                },
            );
            let mut base = tera::Context::new();
            base.insert("lang", tag.as_str());
            base.insert("currency", code.code());
            base.insert("store", &StoreView::new(data));
            base.insert("shop", &ShopView::new(&shop_settings.shop));
            base.insert("theme", &prepared.settings);
            base.insert("categories", &category_tree(env));
            base.insert(
                "links",
                &LinksView {
                    home: env.path(PageKind::Home),
                    cart: env.path(PageKind::Cart),
                    checkout: env.path(PageKind::Checkout),
                    data_requests: env.path(PageKind::DataRequests),
                },
            );
            base.insert(
                "api",
                &ApiView {
                    base: "/api",
                    store: data.id(),
                    currency: code.code().to_owned(),
                    locale: tag.as_str(),
                },
            );
            base.insert(
                "tax_mention",
                tax_mention(tag, data.store.tax_display, shop_settings.shop.vat_exempt),
            );
            base.insert("build_id", &options.build_id);
            base.insert("content_pages", &content_pages(env));
            base.insert("consent", &consent_view(env, data.consent.as_ref()));
            let menu = build_menu(env, &shop_settings.menu);
            let checkout = checkout_values(env, &prepared.manifest);
            let digest = slice_digest(&base, &menu, &checkout);
            slices.push(Slice {
                tera,
                base,
                menu,
                checkout,
                digest,
            });
        }
    }
    slices
}

/// Renders and writes every page and file of one store.
fn render_store(
    prepared: &StoreRender<'_>,
    options: &RenderOptions,
    target: &Target<'_>,
    failures: &Failures,
    scope: Scope<'_>,
    slices: &[Slice],
    carry: &Mutex<Carry>,
) -> (StoreReport, Vec<(String, Fingerprint)>) {
    let started = Instant::now();
    let sink = target.sink;
    let data = &prepared.data;
    let store_id = data.id();
    let currencies = data.routes.currencies.len();
    let inputs = StoreInputs {
        store: store_digest(
            target.site_text,
            &prepared.theme.files,
            &prepared.theme.assets.urls,
        ),
        slices: slices.iter().map(|slice| slice.digest).collect(),
        templates: &prepared.theme.templates,
        catalogue: target.digests,
        listings: &data.listings,
        per_page: data.shop.settings.build.products_per_page,
        build_id: &options.build_id,
    };
    let pages = AtomicUsize::new(0);
    let kept = AtomicUsize::new(0);
    let files = AtomicUsize::new(0);
    let write = |path: &str, bytes: &[u8]| {
        let full = format!("{store_id}/{path}");
        match sink.write(&full, bytes) {
            Ok(()) => {
                files.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(error) => {
                failures.write_failed(&full, &error);
                false
            }
        }
    };

    let per_page = data.shop.settings.build.products_per_page;
    let fingerprints: Vec<(String, Fingerprint)> = prepared
        .jobs
        .par_iter()
        .filter(|job| scope.renders(job.kind, &data.listings, per_page))
        .map(|job| {
            let slice = job.locale * currencies + job.currency;
            let template = template_of(data.catalogue(), job.kind);
            let path = data
                .routes
                .path(data.catalogue(), job.kind, job.locale, job.currency);
            let file = format!("{store_id}/{}", Routes::file_of(&path));
            let fingerprint = inputs.page(job.kind, slice, template, &file);
            let unchanged = scope.everything() && target.previous.get(&file) == Some(&fingerprint);
            if unchanged && keep(sink, &file) {
                files.fetch_add(1, Ordering::Relaxed);
                pages.fetch_add(1, Ordering::Relaxed);
                kept.fetch_add(1, Ordering::Relaxed);
            } else if let Some(html) = render_page(prepared, &slices[slice], *job, failures)
                && write(&Routes::file_of(&path), html.as_bytes())
            {
                pages.fetch_add(1, Ordering::Relaxed);
            }
            (file, fingerprint)
        })
        .collect();

    let kept = kept.into_inner();
    tracing::debug!(
        store = store_id,
        millis = started.elapsed().as_millis(),
        resident_mib = crate::build::resident_mib(),
        kept,
        rendered = fingerprints.len() - kept,
        "pages written"
    );

    if scope.everything() {
        for file in &prepared.theme.assets.files {
            write(&file.path, &file.bytes);
        }
    }
    if scope.listings() {
        let feeds = write_listings(prepared, sink, &write, failures, &files);
        lock(carry).feeds = feeds;
    } else if matches!(scope, Scope::Patch(_, true)) {
        write_sitemaps(prepared, &write);
    }
    if let Some(changed) = scope.splices_feeds() {
        let mut carry = lock(carry);
        let feeds = std::mem::take(&mut carry.feeds);
        match splice_feeds(prepared, sink, failures, &files, changed, feeds) {
            Some(feeds) => carry.feeds = feeds,
            None => carry.needs_full = true,
        }
    }
    if scope.price_book() {
        write_price_book(prepared, options, sink, &write, &files, failures, scope, carry);
    }

    let report = StoreReport {
        store: store_id.to_owned(),
        pages: pages.into_inner(),
        files: files.into_inner(),
        products: data.catalogue().products.len(),
    };
    (report, fingerprints)
}

/// Writes a store's sitemaps, `robots.txt` and feeds, and returns the layout of
/// each feed.
fn write_listings(
    prepared: &StoreRender<'_>,
    sink: &dyn OutputSink,
    write: &impl Fn(&str, &[u8]) -> bool,
    failures: &Failures,
    files: &AtomicUsize,
) -> Vec<FeedLayout> {
    let started = Instant::now();
    let data = &prepared.data;
    let store_id = data.id();
    write_sitemaps(prepared, write);

    // One feed at a time: a feed of 100,000 products is over 100 MB of text.
    let mut layouts = Vec::new();
    for env in feed_envs(data) {
        let path = seo::feed_path(env.locale_tag().as_str(), env.currency_code().code());
        let full = format!("{store_id}/{path}");
        let head = seo::feed_head(env).into_bytes();
        let mut layout = FeedLayout {
            path,
            head: head.len() as u64,
            items: Vec::with_capacity(data.catalogue().products.len()),
        };
        let products = data.catalogue().products.len();
        let mut starts = (0..products).step_by(FEED_PART_PRODUCTS);
        let items = &mut layout.items;
        let mut parts = std::iter::once(head)
            .chain(std::iter::from_fn(|| {
                let start = starts.next()?;
                let end = (start + FEED_PART_PRODUCTS).min(products);
                let (bytes, lengths) = seo::feed_items_measured(env, start..end);
                items.extend_from_slice(&lengths);
                Some(bytes)
            }))
            .chain(std::iter::once(seo::FEED_TAIL.as_bytes().to_vec()));
        let written = sink.write_parts(&full, &mut parts);
        drop(parts);
        match written {
            Ok(()) => {
                files.fetch_add(1, Ordering::Relaxed);
                layouts.push(layout);
            }
            Err(error) => failures.write_failed(&full, &error),
        }
    }

    tracing::debug!(
        store = store_id,
        millis = started.elapsed().as_millis(),
        "feeds written"
    );
    layouts
}

/// Writes a store's sitemaps and `robots.txt`.
fn write_sitemaps(prepared: &StoreRender<'_>, write: &impl Fn(&str, &[u8]) -> bool) {
    let started = Instant::now();
    let data = &prepared.data;
    for (path, text) in seo::sitemaps(data, &prepared.sitemap_pages) {
        write(&path, text.as_bytes());
    }
    write("robots.txt", seo::robots(data).as_bytes());
    tracing::debug!(
        store = data.id(),
        millis = started.elapsed().as_millis(),
        "sitemap written"
    );
}

/// Returns the page environment of each feed of a store: one per locale and currency.
fn feed_envs<'e>(data: &'e StoreData<'e>) -> Vec<PageEnv<'e, 'e>> {
    let currencies = data.routes.currencies.len();
    (0..data.routes.locales.len())
        .flat_map(|locale| {
            (0..currencies).map(move |currency| PageEnv {
                data,
                locale,
                currency,
            })
        })
        .collect()
}

/// Writes each feed of a store again with new items for the `changed` products and
/// the other items copied from the previous file, as `layouts` places them.
/// Returns the new layouts, or `None` when a feed has no layout or its previous
/// file is not the one the layout describes: then the render cannot be done
/// without the whole shop.
fn splice_feeds(
    prepared: &StoreRender<'_>,
    sink: &dyn OutputSink,
    failures: &Failures,
    files: &AtomicUsize,
    changed: &[usize],
    mut layouts: Vec<FeedLayout>,
) -> Option<Vec<FeedLayout>> {
    let started = Instant::now();
    let data = &prepared.data;
    let store_id = data.id();
    let products = data.catalogue().products.len();
    let mut result = Vec::new();
    for env in feed_envs(data) {
        let path = seo::feed_path(env.locale_tag().as_str(), env.currency_code().code());
        let full = format!("{store_id}/{path}");
        let previous = layouts
            .iter()
            .position(|layout| layout.path == path && layout.items.len() == products)
            .map(|position| layouts.swap_remove(position));
        let old = match previous {
            Some(layout) => match sink.previous(&full) {
                Ok(Some(bytes)) if bytes.len() as u64 == layout.size() => Some((layout, bytes)),
                Ok(_) => None,
                Err(error) => {
                    tracing::debug!(path = full, %error, "could not read the previous feed");
                    None
                }
            },
            None => None,
        };
        let Some((mut layout, old)) = old else {
            tracing::debug!(path = full, "the previous feed does not match its layout");
            return None;
        };

        // The head is written again from the settings, and each changed product's
        // items replace its old ones, in the previous file's buffer: a new buffer
        // as large as the feed costs more than the moves of its tail.
        let head = seo::feed_head(env).into_bytes();
        let offsets: Vec<usize> = std::iter::once(layout.head as usize)
            .chain(layout.items.iter().scan(layout.head as usize, |end, length| {
                *end += *length as usize;
                Some(*end)
            }))
            .collect();
        let mut out = old;
        // From the last product to the first, so the offsets before stay right.
        for index in changed.iter().copied().filter(|index| *index < products).rev() {
            let (items, lengths) = seo::feed_items_measured(env, index..index + 1);
            out.splice(offsets[index]..offsets[index + 1], items);
            layout.items[index] = lengths.first().copied().unwrap_or(0);
        }
        out.splice(..layout.head as usize, head.iter().copied());
        layout.head = head.len() as u64;
        match sink.write_owned(&full, out) {
            Ok(()) => {
                files.fetch_add(1, Ordering::Relaxed);
                result.push(layout);
            }
            Err(error) => failures.write_failed(&full, &error),
        }
    }
    tracing::debug!(
        store = store_id,
        millis = started.elapsed().as_millis(),
        "feeds patched"
    );
    Some(result)
}

/// Locks one store's [`Carry`]; a render thread that panicked leaves it usable.
fn lock(carry: &Mutex<Carry>) -> std::sync::MutexGuard<'_, Carry> {
    carry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes a store's price book, manifest and consent policy. `carry` holds the
/// price book's parts from the previous render of the store, if any: a render of
/// some products writes only the parts holding them, and keeps the others.
#[allow(clippy::too_many_arguments)]
fn write_price_book(
    prepared: &StoreRender<'_>,
    options: &RenderOptions,
    sink: &dyn OutputSink,
    write: &(impl Fn(&str, &[u8]) -> bool + Sync),
    files: &AtomicUsize,
    failures: &Failures,
    scope: Scope<'_>,
    carry: &Mutex<Carry>,
) {
    let started = Instant::now();
    let data = &prepared.data;
    let store = data.id();
    let keep_part = |path: &str, sum: u64| {
        let full = format!("{store}/{path}");
        // The edge charges these prices: a part edited by hand to the same size is
        // written again, which the size check of `keep` alone would miss.
        let intact = match sink.previous(&full) {
            Ok(Some(bytes)) => commerce::pricebook::part_sum(&bytes) == sum,
            Ok(None) => true,
            Err(_) => false,
        };
        let kept = intact && keep(sink, &full);
        if kept {
            files.fetch_add(1, Ordering::Relaxed);
        }
        kept
    };
    let retire_part = |path: &str| {
        let full = format!("{store}/{path}");
        if let Err(error) = sink.retire(&full) {
            failures.write_failed(&full, &error);
        }
    };
    let out = manifest::PartOutput {
        write,
        keep: &keep_part,
        retire: &retire_part,
    };
    let mut carry = lock(carry);
    let parts = match (scope.changed(), carry.price_book.take()) {
        (Some(changed), Some(mut previous)) => previous.update(data, changed, &out).map(|()| previous),
        _ => manifest::PriceBookParts::new(data, &out),
    };
    match parts {
        Ok(parts) => {
            write_json(
                PRICE_BOOK_PATH,
                &parts.index(data, &options.build_id),
                write,
                failures,
            );
            carry.price_book = Some(parts);
        }
        Err(error) => failures.write_failed(
            &format!("{store}/{PRICE_BOOK_PATH}"),
            &std::io::Error::other(error),
        ),
    }
    drop(carry);
    write_json(STORE_MANIFEST_PATH, &prepared.manifest, write, failures);
    if let Some(consent) = &data.consent {
        write_json(CONSENT_POLICY_PATH, &consent.policy, write, failures);
    }
    tracing::debug!(
        store = data.id(),
        millis = started.elapsed().as_millis(),
        "price book written"
    );
}

/// Products per part of a streamed feed: each part is rendered in parallel, and
/// only one part is in memory at a time.
const FEED_PART_PRODUCTS: usize = 2000;

/// Asks `sink` to keep the previous build's file at `path`; a sink that cannot
/// keep it, or an error, means the page is rendered again.
fn keep(sink: &dyn OutputSink, path: &str) -> bool {
    match sink.keep(path) {
        Ok(kept) => kept,
        Err(error) => {
            tracing::debug!(path, %error, "could not keep the previous file; rendering it again");
            false
        }
    }
}

/// Renders one page; a template error goes to `failures` and gives `None`.
fn render_page(prepared: &StoreRender<'_>, slice: &Slice, job: Job, failures: &Failures) -> Option<String> {
    let data = &prepared.data;
    let env = PageEnv {
        data,
        locale: job.locale,
        currency: job.currency,
    };
    let mut context = slice.base.clone();
    if job.kind == PageKind::Checkout {
        for (name, value) in &slice.checkout {
            context.insert(*name, value);
        }
    }
    let path = fill_context(env, job.kind, &slice.menu, &mut context);
    let template = template_of(data.catalogue(), job.kind);
    match slice.tera.render(template, &context) {
        Ok(html) => Some(html),
        Err(error) => {
            let source = prepared
                .theme
                .files
                .get(&format!("templates/{template}"))
                .map_or_else(|| PathBuf::from(template), |file| file.source.clone());
            failures.render_failed(source, error_chain(&error), &path);
            None
        }
    }
}

fn write_json(
    path: &str,
    value: &impl serde::Serialize,
    write: &impl Fn(&str, &[u8]) -> bool,
    failures: &Failures,
) {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            write(path, &bytes);
        }
        Err(error) => failures.write_failed(path, &std::io::Error::other(error)),
    }
}

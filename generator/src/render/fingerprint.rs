//! Page fingerprints, the dependency map of incremental builds.
//!
//! A page's fingerprint is a digest of every input its render reads. These are the
//! shop-wide inputs (the `comptoir` version, `site.toml`, the theme's strings,
//! settings and asset URLs) and the values shared by its (store, locale, currency).
//! They are also the source of its template and of every template that template
//! extends, includes or imports, and the catalogue entries the page shows. Two builds that give a page the same
//! fingerprint render the same bytes, so the second build can keep the file.
//!
//! The entries each kind of page shows:
//! - a product page: its product (prices derive from the product and `site.toml`);
//! - a category page: its category, the number of products listed and every product
//!   on that page of the listing;
//! - the home page: the featured products;
//! - a content page: its page;
//! - other pages: nothing beyond the shared values.
//!
//! Category titles and paths, the menu and the content page list are part of the
//! values shared by every page of a (store, locale, currency), so renaming a category
//! re-renders the whole store.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;

use commerce::Catalogue;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::render::pages::MenuNode;
use crate::render::routes::PageKind;
use crate::theme::ThemeFiles;

/// The first 16 bytes of a SHA-256 digest: enough to tell page inputs apart.
pub type Fingerprint = [u8; 16];

/// The fingerprint of every page written by one render, by output path
/// (`fr/fr/produits/tasse/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFingerprints(pub HashMap<String, Fingerprint>);

impl PageFingerprints {
    /// Returns the fingerprint recorded for `path`.
    pub fn get(&self, path: &str) -> Option<&Fingerprint> {
        self.0.get(path)
    }

    /// Number of pages.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Returns whether no page is recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn truncated(hasher: Sha256) -> Fingerprint {
    let digest = hasher.finalize();
    let mut fingerprint = [0; 16];
    fingerprint.copy_from_slice(&digest[..16]);
    fingerprint
}

/// Digests `value` as JSON. Serialization cannot fail for the catalogue's types,
/// whose maps have string keys. A failure would give a digest of nothing, which only
/// makes the page render again.
fn json_digest(value: &impl Serialize) -> Fingerprint {
    let mut hasher = Sha256::new();
    if serde_json::to_writer(&mut hasher, value).is_err() {
        hasher.update(b"unserializable");
    }
    truncated(hasher)
}

/// Digests of the catalogue entries, computed once per render and shared by every
/// store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CatalogueDigests {
    products: Vec<Fingerprint>,
    categories: Vec<Fingerprint>,
    pages: Vec<Fingerprint>,
}

impl CatalogueDigests {
    /// Digests every product, category and content page of `catalogue`, products in
    /// parallel.
    pub fn new(catalogue: &Catalogue) -> CatalogueDigests {
        use rayon::prelude::*;
        CatalogueDigests {
            products: catalogue.products.par_iter().map(json_digest).collect(),
            categories: catalogue.categories.iter().map(json_digest).collect(),
            pages: catalogue.pages.iter().map(json_digest).collect(),
        }
    }

    /// Digests again the products at `indices`, after they were replaced in
    /// `catalogue`.
    pub fn update_products(&mut self, catalogue: &Catalogue, indices: &[usize]) {
        for index in indices {
            self.products[*index] = json_digest(&catalogue.products[*index]);
        }
    }
}

/// The dependencies of templates: a digest of each template's closure over
/// `extends`, `include` and `import`, and whether that closure reads `build_id`.
#[derive(Debug)]
pub struct TemplateDigests {
    closures: HashMap<String, Fingerprint>,
    reads_build_id: HashSet<String>,
}

impl TemplateDigests {
    /// Returns whether some template prints the build id.
    pub fn any_reads_build_id(&self) -> bool {
        !self.reads_build_id.is_empty()
    }

    /// Digests the templates of `theme`. A template depends on every other template
    /// whose name it contains as a quoted string. Tera takes the names of `extends`,
    /// `include` and `import` only as string literals, so this finds them all. A
    /// string that merely looks like a name adds a harmless extra dependency.
    pub fn new(theme: &ThemeFiles) -> TemplateDigests {
        let sources: HashMap<&str, &[u8]> = theme
            .under("templates")
            .map(|(name, file)| (name, file.bytes.as_ref()))
            .collect();
        let mut direct: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, bytes) in &sources {
            let text = String::from_utf8_lossy(bytes);
            let used = sources
                .keys()
                .filter(|other| *other != name)
                .filter(|other| {
                    text.contains(&format!("\"{other}\"")) || text.contains(&format!("'{other}'"))
                })
                .copied()
                .collect();
            direct.insert(name, used);
        }

        let mut closures = HashMap::new();
        let mut reads_build_id = HashSet::new();
        for name in sources.keys() {
            let closure = closure_of(name, &direct);
            let mut hasher = Sha256::new();
            let mut reads = false;
            for member in &closure {
                let bytes = sources[member];
                hasher.update(member.as_bytes());
                hasher.update([0]);
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(bytes);
                // `__tera_context` prints every value, `build_id` included.
                let text = String::from_utf8_lossy(bytes);
                reads |= text.contains("build_id") || text.contains("__tera_context");
            }
            closures.insert((*name).to_owned(), truncated(hasher));
            if reads {
                reads_build_id.insert((*name).to_owned());
            }
        }
        TemplateDigests {
            closures,
            reads_build_id,
        }
    }
}

/// Returns `name` and every template it reaches, sorted by name.
fn closure_of<'a>(name: &'a str, direct: &HashMap<&'a str, Vec<&'a str>>) -> Vec<&'a str> {
    let mut seen: HashSet<&str> = HashSet::from([name]);
    let mut stack = vec![name];
    while let Some(current) = stack.pop() {
        for used in direct.get(current).into_iter().flatten() {
            if seen.insert(used) {
                stack.push(used);
            }
        }
    }
    let mut closure: Vec<&str> = seen.into_iter().collect();
    closure.sort_unstable();
    closure
}

/// Digests the inputs every page of a store reads whatever its kind: the
/// `comptoir` version, `site.toml`, the theme's files other than templates
/// (strings, `theme.toml`, styles and scripts) and its asset URLs.
pub fn store_digest(
    site_text: &str,
    theme: &ThemeFiles,
    asset_urls: &HashMap<String, String>,
) -> Fingerprint {
    let mut hasher = Sha256::new();
    hasher.update(concat!("comptoir ", env!("CARGO_PKG_VERSION"), "\0"));
    hasher.update((site_text.len() as u64).to_le_bytes());
    hasher.update(site_text.as_bytes());
    hasher.update(theme.name.as_bytes());
    hasher.update([0]);
    for (path, file) in &theme.files {
        if path.starts_with("templates/") {
            continue;
        }
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((file.bytes.len() as u64).to_le_bytes());
        hasher.update(file.bytes.as_ref());
    }
    let mut urls: Vec<(&String, &String)> = asset_urls.iter().collect();
    urls.sort_unstable();
    for (path, url) in urls {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(url.as_bytes());
        hasher.update([0]);
    }
    truncated(hasher)
}

/// Digests the values shared by the pages of one (store, locale, currency): the
/// base context without `build_id`, the menu and the checkout values.
pub fn slice_digest(
    base: &tera::Context,
    menu: &[MenuNode],
    checkout: &[(&'static str, serde_json::Value)],
) -> Fingerprint {
    let mut shared = base.clone();
    // The build id changes with every input; pages whose templates read it add it
    // to their own fingerprint.
    shared.remove("build_id");
    let mut hasher = Sha256::new();
    if serde_json::to_writer(&mut hasher, &shared.into_json()).is_err() {
        hasher.update(b"unserializable");
    }
    let _infallible = write!(hasher, "{menu:?}");
    for (name, value) in checkout {
        hasher.update(name.as_bytes());
        if serde_json::to_writer(&mut hasher, value).is_err() {
            hasher.update(b"unserializable");
        }
    }
    truncated(hasher)
}

/// Everything needed to fingerprint the pages of one store.
pub struct StoreInputs<'r> {
    /// [`store_digest`] of the store.
    pub store: Fingerprint,
    /// [`slice_digest`] of each (locale, currency), locale-major.
    pub slices: Vec<Fingerprint>,
    /// The store's theme's templates.
    pub templates: &'r TemplateDigests,
    /// The catalogue's entries.
    pub catalogue: &'r CatalogueDigests,
    /// Products listed under each category, as in `StoreData::listings`.
    pub listings: &'r [Vec<u32>],
    /// Products per listing page.
    pub per_page: usize,
    /// The build id, for pages whose templates print it.
    pub build_id: &'r str,
}

impl StoreInputs<'_> {
    /// Returns the fingerprint of one page. `slice` is the index of its (locale,
    /// currency) and `path` its output path.
    pub fn page(&self, kind: PageKind, slice: usize, template: &str, path: &str) -> Fingerprint {
        let mut hasher = Sha256::new();
        hasher.update(self.store);
        hasher.update(self.slices[slice]);
        // A template the theme lacks fails the render before any page is written,
        // so the zero digest is never kept.
        hasher.update(self.templates.closures.get(template).copied().unwrap_or_default());
        if self.templates.reads_build_id.contains(template) {
            hasher.update(self.build_id.as_bytes());
        }
        hasher.update(path.as_bytes());
        hasher.update([0]);
        let _infallible = write!(hasher, "{kind:?}");

        let digests = self.catalogue;
        match kind {
            PageKind::Product(index) => hasher.update(digests.products[index]),
            PageKind::Content(index) => hasher.update(digests.pages[index]),
            PageKind::Category { index, page } => {
                let listing = &self.listings[index];
                hasher.update(digests.categories[index]);
                hasher.update((listing.len() as u64).to_le_bytes());
                let per_page = self.per_page.max(1);
                for product in listing.iter().skip((page - 1) * per_page).take(per_page) {
                    hasher.update(digests.products[*product as usize]);
                }
            }
            PageKind::Home => {
                for product in digests.products.iter().take(self.per_page) {
                    hasher.update(product);
                }
            }
            _ => {}
        }
        truncated(hasher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_follows_chains_and_loops() {
        let direct: HashMap<&str, Vec<&str>> = HashMap::from([
            ("product.html", vec!["base.html", "partials/card.html"]),
            ("base.html", vec!["partials/menu.html"]),
            ("partials/menu.html", vec!["base.html"]),
            ("partials/card.html", vec![]),
            ("cart.html", vec!["base.html"]),
        ]);
        assert_eq!(
            closure_of("product.html", &direct),
            vec![
                "base.html",
                "partials/card.html",
                "partials/menu.html",
                "product.html"
            ]
        );
        assert_eq!(
            closure_of("cart.html", &direct),
            vec!["base.html", "cart.html", "partials/menu.html"]
        );
    }
}

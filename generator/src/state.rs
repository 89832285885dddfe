//! The state a build of every store leaves in the shop's cache folder, so that the
//! next build can render a few edited products alone instead of loading and
//! rendering the whole shop (see [`crate::build`]).
//!
//! Two files hold it:
//! - `catalogue.bin`: the catalogue of some earlier build, without the products'
//!   rendered bodies. The next build reads it instead of parsing every content
//!   file. Only pages of the edited products show a body, and those products are
//!   parsed again, so listing pages, the price book and the menu are rendered from
//!   it exactly as from the full catalogue.
//! - `state.bin`: the build id the state describes, the products edited since
//!   `catalogue.bin` was written, the render's digests and the layouts of its feeds
//!   and price book ([`MemoState`]), the counts of each store, and the entries of
//!   the page cache ([`crate::cache`]) changed since `pages.txt` was written, so that
//!   a build of a few products does not write that large file again.
//!
//! Both are MessagePack and start with the format and the version of `comptoir`;
//! a file of another version, another output folder or another build is ignored,
//! and the build loads everything. So is a damaged file: `state.bin` starts with
//! an XXH3 sum of the rest, and holds the sum of `catalogue.bin`.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use commerce::catalogue::Text;
use commerce::{Catalogue, Category, Page, Product};
use rayon::prelude::*;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::cache::PageCache;
use crate::render::{Fingerprint, MemoState, StoreReport};

/// The catalogue without bodies, relative to the shop's root.
pub const CATALOGUE_FILE: &str = ".comptoir/cache/catalogue.bin";

/// The rest of the state, relative to the shop's root.
pub const STATE_FILE: &str = ".comptoir/cache/state.bin";

/// Version of both files' layout.
const FORMAT: u32 = 3;

/// Edited products kept in `state.bin` before `catalogue.bin` is written again:
/// beyond that, reading them costs more than writing the catalogue once.
const MAX_OVERLAY: usize = 512;

/// Page cache entries kept in `state.bin` before `pages.txt` is written again.
const MAX_PAGE_ENTRIES: usize = 20_000;

/// The header at the start of both files.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    format: u32,
    version: String,
}

impl Header {
    fn current() -> Header {
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// The state of the last build, read from `state.bin`.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuildState {
    /// The build id of the build this state describes.
    pub build_id: String,
    /// The output folder of that build, as [`crate::cache`] names it.
    output: String,
    /// The id of the `catalogue.bin` the state completes.
    base: u64,
    /// XXH3-64 of that file's bytes: a damaged file that still decodes would
    /// otherwise put wrong products in the pages.
    catalogue_sum: u64,
    /// Products edited since `catalogue.bin` was written, without bodies, in sku
    /// order.
    overlay: Vec<Product>,
    /// The render's digests and layouts.
    pub memo: MemoState,
    /// Pages, products and files of each store, as the full render counted them.
    pub reports: Vec<StoreReport>,
    /// The build id of the `pages.txt` that `pages` completes.
    pages_base: String,
    /// Entries of the page cache changed since `pages.txt` was written, in the
    /// order they changed.
    pages: Vec<PageEntry>,
}

/// A change to the page cache: a file written, or deleted when `size` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEntry {
    /// Output path.
    pub path: String,
    /// The page's fingerprint; `None` for a file that is not a page.
    pub fingerprint: Option<Fingerprint>,
    /// The file's size; `None` for a file deleted.
    pub size: Option<u64>,
}

impl BuildState {
    /// Reads the state of the shop in `root` for a build into `output`. Returns
    /// `None` when it is missing, unreadable, or written by another version or for
    /// another output folder.
    pub fn read(root: &Path, output: &Path) -> Option<BuildState> {
        let bytes = read_optional(&root.join(STATE_FILE))?;
        let (sum, payload) = bytes.split_at_checked(8)?;
        if sum != xxh3_64(payload).to_le_bytes() {
            tracing::debug!("the build state is damaged; building everything");
            return None;
        }
        let (header, state): (Header, BuildState) = decode(payload, STATE_FILE)?;
        (header == Header::current() && state.output == crate::cache::output_key(output)).then_some(state)
    }

    /// Returns the catalogue of the build this state describes, without the
    /// products' bodies, or `None` when `catalogue.bin` is missing or is not the
    /// one the state completes.
    pub fn catalogue(&self, root: &Path) -> Option<Catalogue> {
        let bytes = read_optional(&root.join(CATALOGUE_FILE))?;
        if xxh3_64(&bytes) != self.catalogue_sum {
            tracing::debug!("the catalogue of the build state is damaged; building everything");
            return None;
        }
        let mut prefix = io::Cursor::new(&bytes[..]);
        let decoded: Result<CatalogueHead, _> = rmp_serde::from_read(&mut prefix);
        let head = match decoded {
            Ok(head) if head.header == Header::current() && head.base == self.base => head,
            Ok(_) => return None,
            Err(error) => {
                tracing::debug!(%error, "the build state is unreadable; building everything");
                return None;
            }
        };
        // The products come in runs, read in parallel.
        let mut runs = Vec::with_capacity(head.runs.len());
        let mut start = usize::try_from(prefix.position()).ok()?;
        for length in &head.runs {
            let end = start.checked_add(usize::try_from(*length).ok()?)?;
            runs.push(bytes.get(start..end)?);
            start = end;
        }
        if start != bytes.len() {
            return None;
        }
        let products: Vec<Vec<Product>> = runs
            .into_par_iter()
            .map(|run| decode(run, CATALOGUE_FILE))
            .collect::<Option<_>>()?;
        let mut catalogue = Catalogue {
            products: products.into_iter().flatten().collect(),
            categories: head.categories,
            pages: head.pages,
        };
        for product in &self.overlay {
            let index = catalogue
                .products
                .binary_search_by(|other| other.sku.as_str().cmp(&product.sku))
                .ok()?;
            catalogue.products[index] = product.clone();
        }
        Some(catalogue)
    }

    /// Writes the state of a full render of `catalogue` into `output` with
    /// `build_id`: both files.
    pub fn write_full(
        root: &Path,
        output: &Path,
        build_id: &str,
        catalogue: &Catalogue,
        memo: MemoState,
        reports: Vec<StoreReport>,
    ) -> io::Result<()> {
        let base = fresh_id();
        let runs: Vec<Vec<u8>> = catalogue
            .products
            .par_chunks(PRODUCTS_PER_RUN)
            .map(|run| rmp_serde::to_vec(&LightProducts(run)).map_err(io::Error::other))
            .collect::<io::Result<_>>()?;
        let head = CatalogueHeadRef {
            header: Header::current(),
            base,
            categories: &catalogue.categories,
            pages: &catalogue.pages,
            runs: runs.iter().map(|run| run.len() as u64).collect(),
        };
        let head = rmp_serde::to_vec(&head).map_err(io::Error::other)?;
        let mut sum = Xxh3::new();
        write_atomically(&root.join(CATALOGUE_FILE), |out| {
            for part in std::iter::once(&head).chain(&runs) {
                sum.update(part);
                out.write_all(part)?;
            }
            Ok(())
        })?;
        let state = BuildState {
            build_id: build_id.to_owned(),
            output: crate::cache::output_key(output),
            base,
            catalogue_sum: sum.digest(),
            overlay: Vec::new(),
            memo,
            reports,
            pages_base: build_id.to_owned(),
            pages: Vec::new(),
        };
        state.write(root)
    }

    /// Returns the build id of the `pages.txt` this state completes.
    pub fn pages_base(&self) -> &str {
        &self.pages_base
    }

    /// Applies the page cache changes this state contains to `cache`, the `pages.txt`
    /// it completes, which then describes the build of this state. Returns `false`,
    /// leaving `cache` as it was, when `cache` is another one.
    pub fn complete(&self, cache: &mut PageCache) -> bool {
        if cache.build_id != self.pages_base {
            return false;
        }
        apply_entries(cache, &self.pages);
        cache.build_id.clone_from(&self.build_id);
        true
    }

    /// Returns whether [`BuildState::write_patch`] with `changed` more products
    /// would write `catalogue.bin` and `pages.txt` again.
    pub fn compacts_after(&self, changed: usize) -> bool {
        self.overlay.len() + changed > MAX_OVERLAY || self.pages.len() > MAX_PAGE_ENTRIES
    }

    /// Writes the state after a render of the products at `changed` (indices in
    /// `catalogue`, which holds their new version) into the output this state
    /// describes, which changed the page cache by `pages`. Only `state.bin` is
    /// written, unless [`BuildState::compacts_after`]: then `pages.txt` and both
    /// files of the state are written whole.
    pub fn write_patch(
        mut self,
        root: &Path,
        build_id: &str,
        catalogue: &Catalogue,
        changed: &[usize],
        memo: MemoState,
        pages: Vec<PageEntry>,
    ) -> io::Result<()> {
        if self.compacts_after(changed.len()) {
            let output = self.output.clone();
            let mut cache = PageCache::read(root, Path::new(&output))
                .filter(|cache| cache.build_id == self.pages_base)
                .ok_or_else(|| io::Error::other("the page cache does not match the build state"))?;
            apply_entries(&mut cache, &self.pages);
            apply_entries(&mut cache, &pages);
            cache.build_id = build_id.to_owned();
            cache.write(root, Path::new(&output))?;
            return BuildState::write_full(root, Path::new(&output), build_id, catalogue, memo, self.reports);
        }
        self.pages.extend(pages);
        for index in changed {
            let product = light_product(&catalogue.products[*index]);
            match self
                .overlay
                .binary_search_by(|other| other.sku.as_str().cmp(&product.sku))
            {
                Ok(position) => self.overlay[position] = product,
                Err(position) => self.overlay.insert(position, product),
            }
        }
        self.build_id = build_id.to_owned();
        self.memo = memo;
        self.write(root)
    }

    fn write(&self, root: &Path) -> io::Result<()> {
        // The sum comes first, so that damage that still decodes is found.
        let payload = rmp_serde::to_vec(&(Header::current(), self)).map_err(io::Error::other)?;
        write_atomically(&root.join(STATE_FILE), |out| {
            out.write_all(&xxh3_64(&payload).to_le_bytes())?;
            out.write_all(&payload)
        })
    }

    /// Deletes `state.bin` of the shop in `root`; a missing file is not an error.
    /// Without it the next build loads everything, and `catalogue.bin` is unused.
    pub fn delete(root: &Path) -> io::Result<()> {
        match fs::remove_file(root.join(STATE_FILE)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// Applies page cache changes in order.
fn apply_entries(cache: &mut PageCache, entries: &[PageEntry]) {
    for entry in entries {
        match entry.size {
            Some(size) => {
                cache.sizes.insert(entry.path.clone(), size);
                match entry.fingerprint {
                    Some(fingerprint) => cache.fingerprints.0.insert(entry.path.clone(), fingerprint),
                    None => cache.fingerprints.0.remove(&entry.path),
                };
            }
            None => {
                cache.sizes.remove(&entry.path);
                cache.fingerprints.0.remove(&entry.path);
            }
        }
    }
}

/// Reads a cache file; a missing file gives `None` silently, an unreadable one with
/// a warning.
fn read_optional(path: &Path) -> Option<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "could not read the build state; building everything");
            None
        }
    }
}

fn decode<'de, T: Deserialize<'de>>(bytes: &'de [u8], name: &str) -> Option<T> {
    match rmp_serde::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(error) => {
            // A file of another format also ends here, so this is no warning.
            tracing::debug!(file = name, %error, "the build state is unreadable; building everything");
            None
        }
    }
}

/// Writes `path` through a temporary file renamed into place, so that a reader
/// never sees half a file.
fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<&mut fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    {
        let mut out = BufWriter::with_capacity(1 << 16, temporary.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Returns an id for a new `catalogue.bin`, which `state.bin` names. It only has to differ
/// from the ids of earlier files of the same shop.
fn fresh_id() -> u64 {
    // Truncation keeps the low bits, which change fastest.
    crate::inputs::now_nanos() as u64
}

/// Returns a copy of `product` without its rendered bodies.
fn light_product(product: &Product) -> Product {
    let Product {
        sku,
        source,
        texts,
        prices,
        tax_class,
        categories,
        images,
        stock,
        backorder_days,
        weight,
        options,
        variants,
        extra,
    } = product;
    Product {
        sku: sku.clone(),
        source: source.clone(),
        texts: texts.map_values(|text| Text {
            title: text.title.clone(),
            description: text.description.clone(),
            slug: text.slug.clone(),
            body_html: String::new(),
        }),
        prices: prices.clone(),
        tax_class: tax_class.clone(),
        categories: categories.clone(),
        images: images.clone(),
        stock: *stock,
        backorder_days: *backorder_days,
        weight: *weight,
        options: options.clone(),
        variants: variants.clone(),
        extra: extra.clone(),
    }
}

/// Products per run of `catalogue.bin`: runs are written and read in parallel.
const PRODUCTS_PER_RUN: usize = 4096;

/// The start of `catalogue.bin`; the runs of products follow, each a MessagePack
/// sequence of the given length in bytes.
#[derive(Deserialize)]
struct CatalogueHead {
    header: Header,
    base: u64,
    categories: Vec<Category>,
    pages: Vec<Page>,
    runs: Vec<u64>,
}

/// [`CatalogueHead`] as written, borrowing the catalogue.
#[derive(Serialize)]
struct CatalogueHeadRef<'c> {
    header: Header,
    base: u64,
    categories: &'c [Category],
    pages: &'c [Page],
    runs: Vec<u64>,
}

/// Serializes products as a sequence, each passed through [`light_product`] one
/// at a time, so no second catalogue is held.
struct LightProducts<'c>(&'c [Product]);

impl Serialize for LightProducts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for product in self.0 {
            seq.serialize_element(&light_product(product))?;
        }
        seq.end()
    }
}

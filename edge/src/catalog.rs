//! The deployed stores: each store's price book and manifest, as the generator
//! published them in `public/<store>/_comptoir/`.
//!
//! Loading is host-agnostic: [`Catalog::from_sources`] parses bytes, and the host
//! reads them (files on the native host, the static-assets binding in the Worker).
//! [`CatalogHandle`] lets the host swap in a new build while requests run, and
//! remembers every consent policy a loaded build published since the process
//! started.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use commerce::order::StatusMachine;
use commerce::pricebook::{
    PRICE_BOOK_FORMAT, PRICE_BOOK_PATH, PriceBookIndex, PriceBookItem, STORE_MANIFEST_PATH, StoreManifest,
};
use commerce::{Locale, PriceBook};

use crate::consent::{CONSENT_POLICY_PATH, ConsentPolicy, parse_policy};
use crate::mail::EmailTemplates;
use crate::mail::render::PUBLISHED_DIR;

/// One store as deployed.
#[derive(Debug)]
pub struct Store {
    /// What it sells and at which price.
    pub book: PriceBook,
    /// Its shipping, payment and order settings.
    pub manifest: StoreManifest,
    /// Its order statuses.
    pub statuses: StatusMachine,
    /// Its email templates; without them emails are plain localized text.
    pub emails: Option<EmailTemplates>,
    /// Its consent policy; without one, consent records are refused
    /// (`unknown_policy`).
    pub consent: Option<Arc<ConsentPolicy>>,
}

impl Store {
    /// Returns the store's default locale.
    pub fn default_locale(&self) -> Option<&Locale> {
        self.manifest.locales.first()
    }

    /// Whether a browser page at `origin` may write to this store.
    pub fn allows_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.manifest
            .allowed_origins
            .iter()
            .any(|allowed| allowed.trim_end_matches('/') == origin)
    }
}

/// The raw files of one store.
#[derive(Debug, Clone)]
pub struct StoreSource {
    /// Where the files came from, for error messages (`public/fr`).
    pub origin: String,
    /// Contents of `_comptoir/pricebook.json`, the price book's index.
    pub price_book: Vec<u8>,
    /// The price book's parts as (file from the store's folder, contents), for
    /// the files [`price_book_part_files`] lists.
    pub price_book_parts: Vec<(String, Vec<u8>)>,
    /// Contents of `_comptoir/store.json`.
    pub manifest: Vec<u8>,
    /// Files of `_comptoir/emails/`, as (path inside that folder, text); empty when
    /// the build published no email templates.
    pub emails: Vec<(String, String)>,
    /// Contents of `_comptoir/consent.json`, when the build published one.
    pub consent: Option<Vec<u8>>,
}

/// Why a build's stores could not be loaded: every problem found, each naming its
/// file.
#[derive(Debug, thiserror::Error)]
#[error("the deployed stores could not be loaded:\n{}", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct CatalogError {
    /// One line per problem.
    pub problems: Vec<String>,
}

/// Every store of one deployment.
#[derive(Debug, Default)]
pub struct Catalog {
    stores: BTreeMap<String, Arc<Store>>,
}

impl Catalog {
    /// Parses every store's files, checking that each pair comes from the same build
    /// and layout version. Returns all problems at once.
    pub fn from_sources(sources: &[StoreSource]) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();
        let mut stores = BTreeMap::new();
        for source in sources {
            match parse_store(source) {
                Ok(store) => {
                    if stores.contains_key(&store.book.store) {
                        problems.push(format!(
                            "{}: store `{}` is published twice",
                            source.origin, store.book.store
                        ));
                    } else {
                        stores.insert(store.book.store.clone(), Arc::new(store));
                    }
                }
                Err(mut found) => problems.append(&mut found),
            }
        }
        if problems.is_empty() {
            Ok(Catalog { stores })
        } else {
            Err(CatalogError { problems })
        }
    }

    /// A catalog of already parsed stores, for tests and hosts that build price books
    /// in memory.
    pub fn from_stores(stores: Vec<Store>) -> Catalog {
        let stores = stores
            .into_iter()
            .map(|store| (store.book.store.clone(), Arc::new(store)))
            .collect();
        Catalog { stores }
    }

    /// Returns the store with this id.
    pub fn store(&self, id: &str) -> Option<&Arc<Store>> {
        self.stores.get(id)
    }

    /// Returns every store, by id.
    pub fn stores(&self) -> impl Iterator<Item = &Arc<Store>> {
        self.stores.values()
    }

    /// Whether any store sells `sku`: stock is shared by all stores of a shop.
    pub fn knows_sku(&self, sku: &str) -> bool {
        self.stores
            .values()
            .any(|store| store.book.items.contains_key(sku))
    }

    /// Whether any store accepts writes from `origin`.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.stores.values().any(|store| store.allows_origin(origin))
    }

    /// Returns the consent policies of the stores that published one.
    pub fn consent_policies(&self) -> impl Iterator<Item = &Arc<ConsentPolicy>> {
        self.stores.values().filter_map(|store| store.consent.as_ref())
    }

    /// Returns the default locale of the first store, for messages that belong to no store.
    pub fn default_locale(&self) -> Option<&Locale> {
        self.stores.values().find_map(|store| store.default_locale())
    }
}

/// Returns the part files a price book's index lists, for a host to read before calling
/// [`Catalog::from_sources`]. Files outside the parts folder are left out, and an
/// index that does not parse lists none: the parse reports both.
pub fn price_book_part_files(index: &[u8]) -> Vec<String> {
    serde_json::from_slice::<PriceBookIndex>(index)
        .map(|index| {
            index
                .parts
                .into_iter()
                .filter(|part| part.has_valid_file())
                .map(|part| part.file)
                .collect()
        })
        .unwrap_or_default()
}

/// Parses the price book's index and its parts into one book.
fn parse_price_book(source: &StoreSource, book_file: &str) -> Result<PriceBook, String> {
    let index: PriceBookIndex = serde_json::from_slice(&source.price_book)
        .map_err(|error| format!("{book_file}:{}:{}: {error}", error.line(), error.column()))?;
    // A book of another layout is reported once, as the manifest's is, without
    // reading its parts.
    if index.format != PRICE_BOOK_FORMAT {
        let header = PriceBookIndex {
            parts: Vec::new(),
            ..index
        };
        return PriceBook::assemble(header, Vec::new()).map_err(|error| format!("{book_file}: {error}"));
    }
    let read: HashMap<&str, &[u8]> = source
        .price_book_parts
        .iter()
        .map(|(file, bytes)| (file.as_str(), bytes.as_slice()))
        .collect();
    let mut parts = Vec::with_capacity(index.parts.len());
    for part in &index.parts {
        let part_file = format!("{}/{}", source.origin, part.file);
        if !part.has_valid_file() {
            return Err(format!(
                "{book_file}: part `{}` is not a file of `{}`: rebuild the shop",
                part.file,
                commerce::pricebook::PRICE_BOOK_PARTS_DIR
            ));
        }
        let Some(bytes) = read.get(part.file.as_str()) else {
            return Err(format!(
                "{part_file}: missing, though the price book lists it: publish the whole build"
            ));
        };
        // The prices the edge charges: a part changed after the build is refused,
        // whatever it contains.
        if !part.matches(bytes) {
            return Err(format!(
                "{part_file}: the contents do not match the file name, so the part was changed after the build: publish the whole build again"
            ));
        }
        let items: BTreeMap<String, PriceBookItem> = serde_json::from_slice(bytes).map_err(|error| {
            format!(
                "{part_file}:{}:{}: {error}: publish the whole build again",
                error.line(),
                error.column()
            )
        })?;
        parts.push(items);
    }
    PriceBook::assemble(index, parts)
        .map_err(|error| format!("{book_file}: {error}: publish the whole build again"))
}

fn parse_store(source: &StoreSource) -> Result<Store, Vec<String>> {
    let book_file = format!("{}/{PRICE_BOOK_PATH}", source.origin);
    let manifest_file = format!("{}/{STORE_MANIFEST_PATH}", source.origin);
    let book = parse_price_book(source, &book_file);
    let manifest: Result<StoreManifest, String> = serde_json::from_slice(&source.manifest)
        .map_err(|error| format!("{manifest_file}:{}:{}: {error}", error.line(), error.column()));
    let (book, manifest) = match (book, manifest) {
        (Ok(book), Ok(manifest)) => (book, manifest),
        (book, manifest) => return Err(book.err().into_iter().chain(manifest.err()).collect()),
    };

    let mut problems = Vec::new();
    for (file, format) in [(&book_file, book.format), (&manifest_file, manifest.format)] {
        if format != PRICE_BOOK_FORMAT {
            problems.push(format!(
                "{file}: layout version {format} is not supported (expected {PRICE_BOOK_FORMAT}): rebuild the shop with the same Comptoir version as the edge"
            ));
        }
    }
    if book.build_id != manifest.build_id {
        problems.push(format!(
            "{manifest_file}: build `{}` does not match the price book's build `{}`: both files must come from the same build",
            manifest.build_id, book.build_id
        ));
    }
    if book.store != manifest.store {
        problems.push(format!(
            "{manifest_file}: store `{}` does not match the price book's store `{}`",
            manifest.store, book.store
        ));
    }
    if manifest.locales.is_empty() || manifest.currencies.is_empty() {
        problems.push(format!(
            "{manifest_file}: a store needs at least one locale and one currency"
        ));
    }
    let statuses = StatusMachine::new(&manifest.custom_statuses).map_err(|found| {
        found
            .into_iter()
            .map(|problem| format!("{manifest_file}: {problem}"))
            .collect::<Vec<_>>()
    });
    let emails = if source.emails.is_empty() {
        None
    } else {
        match EmailTemplates::from_files(source.emails.iter().cloned()) {
            Ok(templates) => Some(templates),
            Err(error) => {
                problems.push(format!("{}/{PUBLISHED_DIR}: {error}", source.origin));
                None
            }
        }
    };
    let consent = source.consent.as_ref().and_then(|bytes| {
        let file = format!("{}/{CONSENT_POLICY_PATH}", source.origin);
        match parse_policy(bytes, &file) {
            Ok(policy) if policy.store != manifest.store => {
                problems.push(format!(
                    "{file}: store `{}` does not match the manifest's store `{}`",
                    policy.store, manifest.store
                ));
                None
            }
            Ok(policy) => Some(Arc::new(policy)),
            Err(mut found) => {
                problems.append(&mut found);
                None
            }
        }
    });
    match statuses {
        Ok(statuses) if problems.is_empty() => Ok(Store {
            book,
            manifest,
            statuses,
            emails,
            consent,
        }),
        Ok(_) => Err(problems),
        Err(mut found) => {
            problems.append(&mut found);
            Err(problems)
        }
    }
}

/// Consent policies by (store, policy hash).
type PolicyRegistry = HashMap<(String, String), Arc<ConsentPolicy>>;

/// The catalog in use, swapped atomically when a new build lands. Requests that
/// already hold the previous catalog finish with it.
///
/// The handle also keeps every consent policy of every catalog it served, so a
/// visitor holding a page of a previous build can still record a choice.
#[derive(Debug, Default)]
pub struct CatalogHandle {
    current: RwLock<Arc<Catalog>>,
    policies: RwLock<PolicyRegistry>,
}

impl CatalogHandle {
    /// A handle serving `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        let handle = CatalogHandle::default();
        handle.replace(catalog);
        handle
    }

    /// The catalog in use.
    pub fn current(&self) -> Arc<Catalog> {
        // A poisoned lock still holds a whole `Arc`: the writer only assigns it.
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Serves `catalog` from now on.
    pub fn replace(&self, catalog: Catalog) {
        let published: Vec<Arc<ConsentPolicy>> = catalog.consent_policies().cloned().collect();
        {
            // The registry only grows, so a poisoned lock still holds usable entries.
            let mut policies = match self.policies.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            for policy in published {
                policies
                    .entry((policy.store.clone(), policy.policy_hash.clone()))
                    .or_insert(policy);
            }
        }
        let catalog = Arc::new(catalog);
        match self.current.write() {
            Ok(mut guard) => *guard = catalog,
            Err(poisoned) => *poisoned.into_inner() = catalog,
        }
    }

    /// A consent policy of `store` that a catalog served since this handle was made.
    pub fn seen_policy(&self, store: &str, policy_hash: &str) -> Option<Arc<ConsentPolicy>> {
        let policies = match self.policies.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        policies.get(&(store.to_owned(), policy_hash.to_owned())).cloned()
    }
}

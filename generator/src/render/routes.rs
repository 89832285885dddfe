//! The URL scheme of a store: which path each page has in each locale and
//! currency. Paths start with `/` and are relative to the store's `base_url`;
//! page paths end with `/` and are written as `<path>index.html`.

use commerce::catalogue::text_for;
use commerce::{Catalogue, Currency, Locale};

/// The path segments that name sections, in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// Product pages: `produits` / `products`.
    pub products: &'static str,
    /// Category pages: `rayons` / `categories`.
    pub categories: &'static str,
    /// The cart: `panier` / `cart`.
    pub cart: &'static str,
    /// The checkout: `commande` / `checkout`.
    pub checkout: &'static str,
    /// The generated privacy policy: `politique-de-confidentialite` / `privacy-policy`.
    pub privacy: &'static str,
    /// The generated record of processing activities: `registre-des-traitements` /
    /// `record-of-processing`.
    pub processing_record: &'static str,
    /// The page where visitors ask for their data or its erasure: `mes-donnees` / `my-data`.
    pub data_requests: &'static str,
}

/// Returns the section words of a locale: French for French locales, English otherwise.
pub fn words(locale: &Locale) -> Words {
    if locale.is_french() {
        Words {
            products: "produits",
            categories: "rayons",
            cart: "panier",
            checkout: "commande",
            privacy: "politique-de-confidentialite",
            processing_record: "registre-des-traitements",
            data_requests: "mes-donnees",
        }
    } else {
        Words {
            products: "products",
            categories: "categories",
            cart: "cart",
            checkout: "checkout",
            privacy: "privacy-policy",
            processing_record: "record-of-processing",
            data_requests: "my-data",
        }
    }
}

/// A page of a store, independent of locale and currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// The locale's home.
    Home,
    /// One page of a category listing; `page` counts from 1.
    Category {
        /// Index in `Catalogue::categories`.
        index: usize,
        /// Page number, from 1.
        page: usize,
    },
    /// A product; the index in `Catalogue::products`.
    Product(usize),
    /// A content page; the index in `Catalogue::pages`.
    Content(usize),
    /// The cart shell.
    Cart,
    /// The checkout shell.
    Checkout,
    /// The privacy policy generated from `[consent]`.
    Privacy,
    /// The record of processing activities generated from `[consent]`.
    ProcessingRecord,
    /// The "my data" page: the visitor asks for an export or an erasure of their
    /// data, then confirms it from the emailed link.
    DataRequests,
    /// `/<locale>/404.html`.
    NotFound,
    /// `/404.html`, in the default locale and currency.
    RootNotFound,
    /// `/`, which links to every locale.
    Root,
}

impl PageKind {
    /// Returns the `page.kind` value templates see.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Category { .. } => "category",
            PageKind::Product(_) => "product",
            PageKind::Content(_) => "page",
            PageKind::Cart => "cart",
            PageKind::Checkout => "checkout",
            PageKind::Privacy => "privacy",
            PageKind::ProcessingRecord => "processing_record",
            PageKind::DataRequests => "data_requests",
            PageKind::NotFound | PageKind::RootNotFound => "not_found",
            PageKind::Root => "root",
        }
    }

    /// Whether the page exists in every currency; 404 pages and `/` exist once.
    pub fn per_currency(self) -> bool {
        !matches!(self, PageKind::NotFound | PageKind::RootNotFound | PageKind::Root)
    }

    /// Whether search engines should index the page (it goes in the sitemap). The
    /// record of processing activities is published for transparency, not search.
    pub fn indexable(self) -> bool {
        matches!(
            self,
            PageKind::Home
                | PageKind::Category { .. }
                | PageKind::Product(_)
                | PageKind::Content(_)
                | PageKind::Privacy
        )
    }
}

/// Paths of every page of one store.
#[derive(Debug, Clone)]
pub struct Routes {
    /// The store's locales, the default first.
    pub locales: Vec<Locale>,
    /// The store's currencies, the default first.
    pub currencies: Vec<Currency>,
    /// Section words per locale.
    pub words: Vec<Words>,
    /// `/fr/` or `/fr/eur/`, per locale then currency.
    prefixes: Vec<Vec<String>>,
    /// Category path below the categories section per locale then category, made of
    /// the slugs of the category and its ancestors: `cuisine/tasses`.
    category_paths: Vec<Vec<String>>,
    content_locale: Locale,
}

impl Routes {
    /// Computes the prefixes and category paths of a store.
    pub fn new(
        locales: Vec<Locale>,
        currencies: Vec<Currency>,
        catalogue: &Catalogue,
        content_locale: &Locale,
    ) -> Routes {
        let words = locales.iter().map(words).collect();
        let prefixes = locales
            .iter()
            .map(|locale| {
                currencies
                    .iter()
                    .enumerate()
                    .map(|(index, currency)| {
                        if index == 0 {
                            format!("/{locale}/")
                        } else {
                            format!("/{locale}/{}/", currency.code().to_ascii_lowercase())
                        }
                    })
                    .collect()
            })
            .collect();
        let category_paths = locales
            .iter()
            .map(|locale| category_paths(catalogue, locale, content_locale))
            .collect();
        Routes {
            locales,
            currencies,
            words,
            prefixes,
            category_paths,
            content_locale: content_locale.clone(),
        }
    }

    /// `/fr/` for the default currency, `/fr/eur/` for another.
    pub fn prefix(&self, locale: usize, currency: usize) -> &str {
        &self.prefixes[locale][currency]
    }

    /// Returns the path of `kind` in a locale and currency.
    pub fn path(&self, catalogue: &Catalogue, kind: PageKind, locale: usize, currency: usize) -> String {
        let prefix = self.prefix(locale, currency);
        let words = self.words[locale];
        let locale_tag = &self.locales[locale];
        match kind {
            PageKind::Home => prefix.to_owned(),
            PageKind::Category { index, page } => {
                let base = format!(
                    "{prefix}{}/{}/",
                    words.categories, self.category_paths[locale][index]
                );
                if page <= 1 {
                    base
                } else {
                    format!("{base}page/{page}/")
                }
            }
            PageKind::Product(index) => {
                let text = text_for(&catalogue.products[index].texts, locale_tag, &self.content_locale);
                format!("{prefix}{}/{}/", words.products, text.slug)
            }
            PageKind::Content(index) => {
                let text = text_for(&catalogue.pages[index].texts, locale_tag, &self.content_locale);
                format!("{prefix}{}/", text.slug)
            }
            PageKind::Cart => format!("{prefix}{}/", words.cart),
            PageKind::Checkout => format!("{prefix}{}/", words.checkout),
            PageKind::Privacy => format!("{prefix}{}/", words.privacy),
            PageKind::ProcessingRecord => format!("{prefix}{}/", words.processing_record),
            PageKind::DataRequests => format!("{prefix}{}/", words.data_requests),
            PageKind::NotFound => format!("/{locale_tag}/404.html"),
            PageKind::RootNotFound => "/404.html".to_owned(),
            PageKind::Root => "/".to_owned(),
        }
    }

    /// Returns the file a page path is written to, inside the store: `fr/produits/x/index.html`.
    pub fn file_of(path: &str) -> String {
        let trimmed = path.trim_start_matches('/');
        if path.ends_with('/') {
            format!("{trimmed}index.html")
        } else {
            trimmed.to_owned()
        }
    }
}

/// Computes the slug path of every category in `locale`, in catalogue order.
fn category_paths(catalogue: &Catalogue, locale: &Locale, content_locale: &Locale) -> Vec<String> {
    let mut paths: Vec<String> = Vec::with_capacity(catalogue.categories.len());
    // Categories are sorted by id, so a parent comes before its children and its
    // path is already known.
    for category in &catalogue.categories {
        let slug = &text_for(&category.texts, locale, content_locale).slug;
        let parent_path = category
            .parent
            .as_deref()
            .and_then(|parent| {
                catalogue
                    .categories
                    .binary_search_by(|c| c.id.as_str().cmp(parent))
                    .ok()
            })
            .and_then(|index| paths.get(index));
        paths.push(match parent_path {
            Some(parent) => format!("{parent}/{slug}"),
            None => slug.clone(),
        });
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_paths() {
        assert_eq!(Routes::file_of("/fr/produits/x/"), "fr/produits/x/index.html");
        assert_eq!(Routes::file_of("/"), "index.html");
        assert_eq!(Routes::file_of("/404.html"), "404.html");
    }

    #[test]
    fn section_words() {
        let fr = Locale::parse("fr-CH").expect("locale");
        let en = Locale::parse("en").expect("locale");
        assert_eq!(words(&fr).products, "produits");
        assert_eq!(words(&en).checkout, "checkout");
        assert_eq!(words(&fr).privacy, "politique-de-confidentialite");
        assert_eq!(words(&en).processing_record, "record-of-processing");
        assert_eq!(words(&fr).data_requests, "mes-donnees");
        assert_eq!(words(&en).data_requests, "my-data");
    }
}

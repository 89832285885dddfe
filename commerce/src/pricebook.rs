//! The price book: what one build of one store sells, at which price, with which
//! VAT and stock policy. The generator publishes it in `public/<store>/_comptoir/`;
//! the edge of the same deployment prices every cart from it and never from a
//! figure a client sends.
//!
//! It is published in parts: `pricebook.json` ([`PriceBookIndex`]) contains the
//! header and names the files holding the items, a few thousand skus each and
//! named after their contents. An edit of one product rewrites the index and one
//! part, not the whole catalogue, and no file outgrows a CDN's size limit.
//!
//! Beside it, [`StoreManifest`] (`_comptoir/store.json`) carries the store settings
//! the edge needs: shipping and payment methods, order statuses, the shop's legal
//! identity for emails.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::StockPolicy;
use crate::locale::Locale;
use crate::money::Currency;
use crate::settings::{Address, CustomStatus, LocalizedText, PaymentKind, TaxDisplay};
use crate::tax::TaxRate;

/// Version of the price book's JSON layout; the edge rejects others.
pub const PRICE_BOOK_FORMAT: u32 = 2;

/// Where the price book is published inside a store's output.
pub const PRICE_BOOK_PATH: &str = "_comptoir/pricebook.json";

/// The folder of the price book's parts inside a store's output.
pub const PRICE_BOOK_PARTS_DIR: &str = "_comptoir/pricebook/";

/// Where the store manifest is published inside a store's output.
pub const STORE_MANIFEST_PATH: &str = "_comptoir/store.json";

/// Every sellable sku of one store in one build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceBook {
    /// Layout version, [`PRICE_BOOK_FORMAT`].
    pub format: u32,
    /// Id of the build that wrote it: a hash of its inputs.
    pub build_id: String,
    /// Store id.
    pub store: String,
    /// Whether the amounts include VAT (the store's price list).
    pub prices_include_tax: bool,
    /// True when the shop charges no VAT (art. 293 B du CGI): every rate is 0.
    pub vat_exempt: bool,
    /// Currencies sold, the default first.
    pub currencies: Vec<Currency>,
    /// Skus and what the edge needs to price them.
    pub items: BTreeMap<String, PriceBookItem>,
}

/// The published price book: the header of a [`PriceBook`] and the list of the
/// files containing its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceBookIndex {
    /// Layout version, [`PRICE_BOOK_FORMAT`].
    pub format: u32,
    /// Id of the build that wrote it.
    pub build_id: String,
    /// Store id.
    pub store: String,
    /// Whether the amounts include VAT.
    pub prices_include_tax: bool,
    /// True when the shop charges no VAT.
    pub vat_exempt: bool,
    /// Currencies sold, the default first.
    pub currencies: Vec<Currency>,
    /// The parts, in sku order. Absent from the one-file price books of layout 1,
    /// so that an edge reading one reports the layout rather than a missing field.
    #[serde(default)]
    pub parts: Vec<PriceBookPart>,
}

/// One file of a price book's items: a JSON object of [`PriceBookItem`]s by sku.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceBookPart {
    /// The part's first sku, so a reader can tell which part contains a sku.
    pub first: String,
    /// Path of the file from the store's folder, inside [`PRICE_BOOK_PARTS_DIR`].
    pub file: String,
}

/// Returns the XXH3 sum of a part's bytes, which names its file.
pub fn part_sum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Returns the path, from the store's folder, of the part whose bytes have `sum`.
pub fn part_file(sum: u64) -> String {
    format!("{PRICE_BOOK_PARTS_DIR}{sum:016x}.json")
}

impl PriceBookPart {
    /// Returns whether `bytes` are the part's: its file is named after their sum,
    /// so a part edited or replaced after the build does not match.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.file == part_file(part_sum(bytes))
    }

    /// Returns whether `file` is a plain `.json` file name inside
    /// [`PRICE_BOOK_PARTS_DIR`], so a reader never opens a file outside that folder.
    pub fn has_valid_file(&self) -> bool {
        self.file
            .strip_prefix(PRICE_BOOK_PARTS_DIR)
            .and_then(|name| name.strip_suffix(".json"))
            .is_some_and(|stem| {
                !stem.is_empty()
                    && stem
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
            })
    }
}

/// Why the parts of a price book do not make one: each variant names the part by
/// its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceBookPartError {
    /// The index lists a file name outside the parts folder.
    #[error("`{file}` is not a file of `{PRICE_BOOK_PARTS_DIR}`")]
    BadFile {
        /// The name as listed.
        file: String,
    },
    /// A part does not start with the sku the index gives: it belongs to another build.
    #[error(
        "`{file}` starts with sku `{found}`, not `{expected}` as the index says: the part comes from another build"
    )]
    WrongFirst {
        /// The part's file.
        file: String,
        /// The sku the index gives.
        expected: String,
        /// The sku the part starts with, empty for an empty part.
        found: String,
    },
    /// A part's skus do not all come after the previous part's.
    #[error("`{file}` repeats or reorders sku `{sku}` of an earlier part")]
    OutOfOrder {
        /// The part's file.
        file: String,
        /// The first sku out of place.
        sku: String,
    },
    /// The number of parts read differs from the index's.
    #[error("{found} parts were read, the index lists {expected}")]
    Count {
        /// Parts the index lists.
        expected: usize,
        /// Parts read.
        found: usize,
    },
}

impl PriceBook {
    /// Joins an index and its parts' items, given in the index's order. Every part
    /// must start with the sku the index gives and come after the one before, so
    /// a part of another build is rejected rather than mixed in.
    pub fn assemble(
        index: PriceBookIndex,
        parts: Vec<BTreeMap<String, PriceBookItem>>,
    ) -> Result<PriceBook, PriceBookPartError> {
        if parts.len() != index.parts.len() {
            return Err(PriceBookPartError::Count {
                expected: index.parts.len(),
                found: parts.len(),
            });
        }
        // The parts are checked to follow each other, so their items arrive sorted
        // and the map is built in one pass: `BTreeMap::append` would rebuild it
        // for every part.
        let mut items: Vec<(String, PriceBookItem)> =
            Vec::with_capacity(parts.iter().map(BTreeMap::len).sum());
        for (part, part_items) in index.parts.iter().zip(parts) {
            if !part.has_valid_file() {
                return Err(PriceBookPartError::BadFile {
                    file: part.file.clone(),
                });
            }
            let found = part_items.keys().next().cloned().unwrap_or_default();
            if found != part.first {
                return Err(PriceBookPartError::WrongFirst {
                    file: part.file.clone(),
                    expected: part.first.clone(),
                    found,
                });
            }
            if let Some((last, _)) = items.last()
                && found <= *last
            {
                return Err(PriceBookPartError::OutOfOrder {
                    file: part.file.clone(),
                    sku: found,
                });
            }
            items.extend(part_items);
        }
        let items: BTreeMap<String, PriceBookItem> = items.into_iter().collect();
        Ok(PriceBook {
            format: index.format,
            build_id: index.build_id,
            store: index.store,
            prices_include_tax: index.prices_include_tax,
            vat_exempt: index.vat_exempt,
            currencies: index.currencies,
            items,
        })
    }

    /// Splits the book into an index and parts of at most `per_part` skus, each
    /// named after the JSON serde writes for it: for tests and tools that publish
    /// a book built in memory. Returns the index and each part's bytes.
    pub fn split(&self, per_part: usize) -> serde_json::Result<(PriceBookIndex, Vec<Vec<u8>>)> {
        let per_part = per_part.max(1);
        let mut parts: Vec<BTreeMap<String, PriceBookItem>> = Vec::new();
        for (position, (sku, item)) in self.items.iter().enumerate() {
            if position % per_part == 0 {
                parts.push(BTreeMap::new());
            }
            if let Some(part) = parts.last_mut() {
                part.insert(sku.clone(), item.clone());
            }
        }
        let mut listed = Vec::with_capacity(parts.len());
        let mut files = Vec::with_capacity(parts.len());
        for part in &parts {
            let bytes = serde_json::to_vec(part)?;
            listed.push(PriceBookPart {
                first: part.keys().next().cloned().unwrap_or_default(),
                file: part_file(part_sum(&bytes)),
            });
            files.push(bytes);
        }
        let index = PriceBookIndex {
            format: self.format,
            build_id: self.build_id.clone(),
            store: self.store.clone(),
            prices_include_tax: self.prices_include_tax,
            vat_exempt: self.vat_exempt,
            currencies: self.currencies.clone(),
            parts: listed,
        };
        Ok((index, files))
    }
}

/// One sellable sku.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceBookItem {
    /// The product's sku (the same as the item's for a product without variants).
    pub product: String,
    /// Title per locale, variant options included, for cart lines and emails.
    pub titles: BTreeMap<Locale, String>,
    /// Unit price per currency, in minor units, counted as `prices_include_tax` says.
    pub prices: BTreeMap<Currency, i64>,
    /// Tax class.
    pub tax_class: String,
    /// VAT rate of the class in the store's country.
    pub tax_rate: TaxRate,
    /// Stock policy.
    pub stock: StockPolicy,
    /// Delay in days for backorders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backorder_days: Option<u32>,
    /// Weight in grams, for weight-band shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Product page path per locale in the default currency.
    #[serde(default)]
    pub urls: BTreeMap<Locale, String>,
    /// First image, for cart lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// The store settings the edge needs, published beside the price book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreManifest {
    /// Layout version, [`PRICE_BOOK_FORMAT`].
    pub format: u32,
    /// Id of the build that wrote it.
    pub build_id: String,
    /// Store id.
    pub store: String,
    /// Store name.
    pub name: String,
    /// Public URL.
    pub base_url: String,
    /// Origins allowed to write to the edge: the base URL's and any extra ones.
    pub allowed_origins: Vec<String>,
    /// Locales, the default first.
    pub locales: Vec<Locale>,
    /// Currencies, the default first.
    pub currencies: Vec<Currency>,
    /// TTC or HT display.
    pub tax_display: TaxDisplay,
    /// Country whose VAT applies.
    pub country: String,
    /// The shop's legal identity, for emails and invoices.
    pub shop: ShopIdentity,
    /// Shipping methods offered, in order.
    pub shipping_methods: Vec<ShippingOffer>,
    /// Payment methods offered, in order.
    pub payment_methods: Vec<PaymentOffer>,
    /// Order statuses added to the standard ones.
    pub custom_statuses: Vec<CustomStatus>,
    /// Prefix of order numbers.
    pub order_number_prefix: String,
    /// Paths of the cart, checkout and home pages per locale, for links in emails.
    pub pages: BTreeMap<Locale, StorePages>,
    /// Retention periods and request deadlines of the shop (`[privacy]`). Absent
    /// from manifests of older builds, which then get the French defaults.
    #[serde(default)]
    pub privacy: crate::retention::PrivacySettings,
}

/// The shop's legal identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopIdentity {
    /// Registered name.
    pub legal_name: String,
    /// Legal form and capital.
    pub legal_form: String,
    /// SIRET.
    pub siret: String,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Registered address.
    pub address: Address,
    /// Contact and sender email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// No VAT charged (art. 293 B du CGI).
    pub vat_exempt: bool,
}

/// A shipping method with its prices resolved in each of the store's currencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingOffer {
    /// Id from `[shipping]`.
    pub id: String,
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// Detail shown under the name.
    pub description: Option<LocalizedText>,
    /// Countries delivered.
    pub countries: Vec<String>,
    /// Price rule with amounts in minor units per currency.
    pub rate: ShippingOfferRate,
}

/// A shipping price rule with amounts per currency, in minor units, tax included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShippingOfferRate {
    /// One price, free from `free_above`.
    Flat {
        /// Price per currency.
        price: BTreeMap<Currency, i64>,
        /// Items total from which shipping is free, per currency.
        free_above: Option<BTreeMap<Currency, i64>>,
    },
    /// Weight bands.
    Weight {
        /// (up to grams, price per currency), by increasing weight.
        bands: Vec<(u32, BTreeMap<Currency, i64>)>,
        /// Items total from which shipping is free, per currency.
        free_above: Option<BTreeMap<Currency, i64>>,
    },
    /// Collected in store.
    Pickup {
        /// Where.
        address: String,
    },
}

/// A payment method offered by a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentOffer {
    /// Id from `[payment]`.
    pub id: String,
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// How the customer pays.
    pub kind: PaymentKind,
}

/// Page paths of one locale, in the default currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorePages {
    /// Home.
    pub home: String,
    /// Cart.
    pub cart: String,
    /// Checkout.
    pub checkout: String,
    /// The "my data" page, where visitors ask for an export or an erasure and
    /// confirm it. Empty in manifests of older builds, which had no such page.
    #[serde(default)]
    pub data_requests: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(product: &str) -> PriceBookItem {
        PriceBookItem {
            product: product.to_owned(),
            titles: BTreeMap::new(),
            prices: BTreeMap::new(),
            tax_class: "standard".to_owned(),
            tax_rate: TaxRate(2000),
            stock: StockPolicy::Track,
            backorder_days: None,
            weight: None,
            urls: BTreeMap::new(),
            image: None,
        }
    }

    fn book(skus: &[&str]) -> PriceBook {
        PriceBook {
            format: PRICE_BOOK_FORMAT,
            build_id: "b1".to_owned(),
            store: "fr".to_owned(),
            prices_include_tax: true,
            vat_exempt: false,
            currencies: Vec::new(),
            items: skus.iter().map(|sku| ((*sku).to_owned(), item(sku))).collect(),
        }
    }

    /// Splits `book` and parses the parts back, as a reader gets them.
    fn split(book: &PriceBook, per_part: usize) -> (PriceBookIndex, Vec<BTreeMap<String, PriceBookItem>>) {
        let (index, files) = book.split(per_part).expect("serializable");
        for (part, bytes) in index.parts.iter().zip(&files) {
            assert!(part.matches(bytes), "{} is named after its bytes", part.file);
        }
        let parts = files
            .iter()
            .map(|bytes| serde_json::from_slice(bytes).expect("a part"))
            .collect();
        (index, parts)
    }

    #[test]
    fn split_then_assemble_gives_the_book_back() {
        let original = book(&["A", "B", "C", "D", "E"]);
        let (index, parts) = split(&original, 2);
        assert_eq!(parts.len(), 3);
        let firsts: Vec<&str> = index.parts.iter().map(|part| part.first.as_str()).collect();
        assert_eq!(firsts, ["A", "C", "E"]);
        assert!(index.parts[1].has_valid_file(), "{}", index.parts[1].file);
        assert_eq!(PriceBook::assemble(index, parts), Ok(original));
    }

    #[test]
    fn edited_part_no_longer_matches() {
        let (index, files) = book(&["A", "B"]).split(2).expect("serializable");
        let edited = String::from_utf8(files[0].clone())
            .expect("UTF-8")
            .replace("\"standard\"", "\"reduced\"");
        assert!(index.parts[0].matches(&files[0]));
        assert!(!index.parts[0].matches(edited.as_bytes()));
    }

    #[test]
    fn empty_book_has_no_part() {
        let (index, parts) = split(&book(&[]), 2);
        assert!(index.parts.is_empty());
        assert_eq!(PriceBook::assemble(index, parts), Ok(book(&[])));
    }

    #[test]
    fn part_of_other_build_rejected() {
        let (index, mut parts) = split(&book(&["A", "B", "C", "D"]), 2);
        parts[1] = book(&["B2", "D"]).items;
        let file = index.parts[1].file.clone();
        let error = PriceBook::assemble(index, parts).expect_err("wrong first sku");
        assert_eq!(
            error,
            PriceBookPartError::WrongFirst {
                file,
                expected: "C".to_owned(),
                found: "B2".to_owned(),
            }
        );
    }

    #[test]
    fn overlapping_parts_rejected() {
        let (mut index, mut parts) = split(&book(&["A", "B", "C", "D"]), 2);
        parts[1] = book(&["B", "D"]).items;
        index.parts[1].first = "B".to_owned();
        assert!(matches!(
            PriceBook::assemble(index, parts),
            Err(PriceBookPartError::OutOfOrder { sku, .. }) if sku == "B"
        ));
    }

    #[test]
    fn missing_part_rejected() {
        let (index, mut parts) = split(&book(&["A", "B", "C"]), 2);
        parts.pop();
        assert_eq!(
            PriceBook::assemble(index, parts),
            Err(PriceBookPartError::Count {
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn part_files_stay_in_their_folder() {
        let part = |file: &str| PriceBookPart {
            first: "A".to_owned(),
            file: file.to_owned(),
        };
        assert!(part("_comptoir/pricebook/0f3a9c.json").has_valid_file());
        for bad in [
            "_comptoir/pricebook/../store.json",
            "_comptoir/pricebook/a/b.json",
            "_comptoir/pricebook/.json",
            "_comptoir/store.json",
            "/etc/passwd",
            "_comptoir/pricebook/x.txt",
        ] {
            assert!(!part(bad).has_valid_file(), "{bad} accepted");
        }
        let (mut index, parts) = split(&book(&["A"]), 1);
        index.parts[0].file = "_comptoir/pricebook/../../x.json".to_owned();
        assert!(matches!(
            PriceBook::assemble(index, parts),
            Err(PriceBookPartError::BadFile { .. })
        ));
    }
}

//! Data one store needs before any page is rendered: the price of every sku in
//! every currency of the store, the products listed under each category, and the
//! store's routes. Computed once per store and shared by reference by every page.

use commerce::pricing::{PriceError, resolve_price};
use commerce::settings::{Store, TaxDisplay};
use commerce::tax::{TaxRate, split_gross, split_net};
use commerce::{Catalogue, Money, Product, StockPolicy};
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::LoadedShop;
use crate::msg;
use crate::render::consent::StoreConsent;
use crate::render::context::child_lists;
use crate::render::routes::Routes;

/// The price of one sellable sku in each currency of the store.
#[derive(Debug, Clone)]
pub struct SkuPrice {
    /// Index of the variant in `Product::variants`; `None` for the product's own sku.
    pub variant: Option<usize>,
    /// Amount per store currency in minor units, counted as the store's price list
    /// counts tax; `None` where the sku has no price.
    pub list: Vec<Option<i64>>,
}

/// The prices of one product in one store.
#[derive(Debug, Clone)]
pub struct ProductPrices {
    /// VAT rate of the product's class in the store's country (0 when VAT-exempt).
    pub tax_rate: TaxRate,
    /// One entry per sellable sku, in the order of `Product::sellable_skus`.
    pub skus: Vec<SkuPrice>,
}

/// The data [`StoreData::prepare`] can take from a previous render of the same
/// store when some products changed without changing their categories.
#[derive(Debug)]
pub struct Reuse<'c> {
    /// The prices of that render.
    pub prices: Vec<ProductPrices>,
    /// Its listings.
    pub listings: Vec<Vec<u32>>,
    /// The catalogue indices of the changed products.
    pub changed: &'c [usize],
}

/// One store, ready to render.
#[derive(Debug)]
pub struct StoreData<'a> {
    /// The shop the store belongs to.
    pub shop: &'a LoadedShop,
    /// The store's settings.
    pub store: &'a Store,
    /// Paths of every page.
    pub routes: Routes,
    /// Prices per product, in catalogue order.
    pub prices: Vec<ProductPrices>,
    /// Products listed under each category (its own and its sub-categories'), in
    /// catalogue order, per category in catalogue order.
    pub listings: Vec<Vec<u32>>,
    /// Sub-categories of each category, by weight then id.
    pub children: Vec<Vec<usize>>,
    /// Whether the amounts of the store's price list include VAT.
    pub list_includes_tax: bool,
    /// The consent policy and texts, when the shop declares `[consent]`; set once
    /// the store's theme is known, by [`StoreConsent::prepare`].
    pub consent: Option<StoreConsent>,
}

impl<'a> StoreData<'a> {
    /// Prices the catalogue for `store`. Problems that stop the build come back as
    /// errors; skus without a price in some currency are warnings, and are sold
    /// nowhere the price is missing.
    ///
    /// With `reuse`, only the products changed since a previous render of the same
    /// store are priced again, and the warnings are theirs.
    pub fn prepare(
        shop: &'a LoadedShop,
        position: usize,
        warnings: &mut Diagnostics,
        reuse: Option<Reuse<'_>>,
    ) -> Result<StoreData<'a>, Diagnostics> {
        let store = &shop.settings.stores[position];
        let settings = &shop.settings;
        let routes = Routes::new(
            store.locales.get_ref().clone(),
            store.currencies.get_ref().clone(),
            &shop.catalogue,
            &settings.shop.content_locale,
        );
        let list_includes_tax = settings.price_list(store.price_list.get_ref()).includes_tax;

        let mut errors = Diagnostics::new();
        let (reused_prices, reused_listings, changed) = match reuse {
            Some(reuse) if reuse.prices.len() == shop.catalogue.products.len() => {
                (Some(reuse.prices), Some(reuse.listings), reuse.changed)
            }
            _ => (None, None, &[][..]),
        };
        let prices = match reused_prices {
            Some(mut prices) => {
                for index in changed {
                    let (product_prices, product_errors, product_warnings) =
                        price_product(shop, store, &shop.catalogue.products[*index], &routes);
                    prices[*index] = product_prices;
                    errors.0.extend(product_errors);
                    warnings.0.extend(product_warnings);
                }
                prices
            }
            None => {
                let results: Vec<(ProductPrices, Vec<Diagnostic>, Vec<Diagnostic>)> = shop
                    .catalogue
                    .products
                    .par_iter()
                    .map(|product| price_product(shop, store, product, &routes))
                    .collect();
                let mut prices = Vec::with_capacity(results.len());
                for (product_prices, product_errors, product_warnings) in results {
                    prices.push(product_prices);
                    errors.0.extend(product_errors);
                    warnings.0.extend(product_warnings);
                }
                prices
            }
        };

        let listings = reused_listings.unwrap_or_else(|| listings(&shop.catalogue));
        let children = child_lists(&shop.catalogue);
        errors.into_result(StoreData {
            shop,
            store,
            routes,
            prices,
            listings,
            children,
            list_includes_tax,
            consent: None,
        })
    }

    /// Returns the catalogue.
    pub fn catalogue(&self) -> &'a Catalogue {
        &self.shop.catalogue
    }

    /// Holds the iframes of a body for consent ([`StoreConsent::hold_embeds`]);
    /// without `[consent]` the body is returned as it is.
    pub fn hold_embeds<'h>(&self, locale: usize, html: &'h str) -> std::borrow::Cow<'h, str> {
        match &self.consent {
            Some(consent) => consent.hold_embeds(locale, html),
            None => std::borrow::Cow::Borrowed(html),
        }
    }

    /// Returns the store id.
    pub fn id(&self) -> &'a str {
        self.store.id.get_ref()
    }

    /// The amount shown to visitors for a list amount: TTC or HT as the store's
    /// `tax_display` sets, converted when the price list counts tax the other way.
    pub fn display_amount(&self, list_amount: i64, rate: TaxRate) -> i64 {
        if self.shop.settings.shop.vat_exempt {
            return list_amount;
        }
        match (self.list_includes_tax, self.store.tax_display) {
            (true, TaxDisplay::Excl) => split_gross(list_amount, rate).net,
            (false, TaxDisplay::Incl) => split_net(list_amount, rate).gross,
            _ => list_amount,
        }
    }

    /// The amount with VAT included, for product feeds (Google requires prices with
    /// VAT in the European Union and Switzerland).
    pub fn gross_amount(&self, list_amount: i64, rate: TaxRate) -> i64 {
        if self.list_includes_tax || self.shop.settings.shop.vat_exempt {
            list_amount
        } else {
            split_net(list_amount, rate).gross
        }
    }

    /// The displayed price of each sellable sku of a product in a currency, with the
    /// sku's position; skus without a price are left out.
    pub fn displayed_prices(
        &self,
        product: usize,
        currency: usize,
    ) -> impl Iterator<Item = (usize, Money)> + '_ {
        let prices = &self.prices[product];
        let code = self.routes.currencies[currency];
        prices.skus.iter().enumerate().filter_map(move |(index, sku)| {
            let amount = sku.list[currency]?;
            Some((
                index,
                Money::new(self.display_amount(amount, prices.tax_rate), code),
            ))
        })
    }

    /// The lowest displayed price of a product in a currency, and whether its skus
    /// have different prices (the price then reads "from …").
    pub fn lowest_price(&self, product: usize, currency: usize) -> Option<(Money, bool)> {
        let mut lowest: Option<Money> = None;
        let mut varies = false;
        for (_, money) in self.displayed_prices(product, currency) {
            match lowest {
                Some(current) if current.amount != money.amount => {
                    varies = true;
                    if money.amount < current.amount {
                        lowest = Some(money);
                    }
                }
                Some(_) => {}
                None => lowest = Some(money),
            }
        }
        lowest.map(|money| (money, varies))
    }
}

fn price_product(
    shop: &LoadedShop,
    store: &Store,
    product: &Product,
    routes: &Routes,
) -> (ProductPrices, Vec<Diagnostic>, Vec<Diagnostic>) {
    let settings = &shop.settings;
    let store_id = store.id.get_ref();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let tax_rate = if settings.shop.vat_exempt {
        TaxRate::ZERO
    } else {
        match settings.tax.rate(store.country.get_ref(), &product.tax_class) {
            Some(rate) => rate,
            None => {
                errors.push(source_diagnostic(
                    &product.source,
                    msg!(
                        "render-tax-rate-missing",
                        store = store_id,
                        country = store.country.get_ref(),
                        class = &product.tax_class,
                        sku = &product.sku
                    ),
                ));
                TaxRate::ZERO
            }
        }
    };

    let variants: Vec<Option<usize>> = if product.variants.is_empty() {
        vec![None]
    } else {
        (0..product.variants.len()).map(Some).collect()
    };
    let skus = variants
        .into_iter()
        .map(|variant| {
            let list = routes
                .currencies
                .iter()
                .map(|currency| {
                    let variant_ref = variant.map(|index| &product.variants[index]);
                    let sku = variant_ref.map_or(&product.sku, |variant| &variant.sku);
                    match resolve_price(
                        settings,
                        store.price_list.get_ref(),
                        *currency,
                        product,
                        variant_ref,
                        tax_rate,
                    ) {
                        Ok(money) => Some(money.amount),
                        Err(error @ PriceError::Missing { .. }) => {
                            warnings.push(source_diagnostic(
                                &product.source,
                                msg!(
                                    "render-price-missing",
                                    store = store_id,
                                    sku = sku,
                                    currency = currency,
                                    error = error
                                ),
                            ));
                            None
                        }
                        Err(error) => {
                            errors.push(source_diagnostic(
                                &product.source,
                                msg!("render-price-failed", store = store_id, sku = sku, error = error),
                            ));
                            None
                        }
                    }
                })
                .collect();
            SkuPrice { variant, list }
        })
        .collect();
    (ProductPrices { tax_rate, skus }, errors, warnings)
}

/// The products of each category, its sub-categories' included.
fn listings(catalogue: &Catalogue) -> Vec<Vec<u32>> {
    let mut listings: Vec<Vec<u32>> = vec![Vec::new(); catalogue.categories.len()];
    let index_of = |id: &str| {
        catalogue
            .categories
            .binary_search_by(|category| category.id.as_str().cmp(id))
            .ok()
    };
    for (product_index, product) in catalogue.products.iter().enumerate() {
        let product_index = product_index as u32;
        for id in &product.categories {
            let mut current = index_of(id);
            // Walking up the parents adds the product to every ancestor; products
            // are visited in order, so a repeat is always the last entry.
            while let Some(index) = current {
                if listings[index].last() != Some(&product_index) {
                    listings[index].push(product_index);
                }
                current = catalogue.categories[index].parent.as_deref().and_then(index_of);
            }
        }
    }
    // A product in two sibling categories is pushed to their parent twice, with
    // other products possibly in between; sorting restores catalogue order.
    for listing in &mut listings {
        listing.sort_unstable();
        listing.dedup();
    }
    listings
}

/// A diagnostic at a catalogue entry's source, which is a file
/// (`content/products/x.md`) or a CSV row (`content/catalog/x.csv:12`).
pub fn source_diagnostic(source: &str, message: crate::messages::Message) -> Diagnostic {
    if let Some((file, line)) = source.rsplit_once(':')
        && let Ok(line) = line.parse::<usize>()
    {
        return Diagnostic::at(file, line, 1, message);
    }
    Diagnostic::file(source, message)
}

/// The availability a stock policy shows before the cart script asks the edge
/// for live stock.
pub fn availability(stock: StockPolicy) -> &'static str {
    match stock {
        StockPolicy::Track | StockPolicy::Untracked => "in_stock",
        StockPolicy::Backorder => "backorder",
        StockPolicy::Negative => "made_to_order",
    }
}

/// The stock policy as written in files.
pub fn stock_name(stock: StockPolicy) -> &'static str {
    match stock {
        StockPolicy::Track => "track",
        StockPolicy::Untracked => "untracked",
        StockPolicy::Backorder => "backorder",
        StockPolicy::Negative => "negative",
    }
}

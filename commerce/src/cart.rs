//! Cart repricing. A cart stores only (sku, quantity) lines, so every read and every
//! checkout recomputes unit prices, VAT, totals and availability from the price book
//! and the stock levels the caller passes in.
//!
//! VAT is computed per line (rounded half up to the minor unit) and then summed, so
//! the sum of the lines' net amounts plus the sum of their taxes is the gross total
//! to the cent.

use crate::catalogue::StockPolicy;
use crate::money::Currency;
use crate::pricebook::{PriceBook, PriceBookItem};
use crate::shipping::split_shipping;
use crate::tax::{TaxRate, TaxSplit, split_gross, split_net};

/// Largest quantity of one sku in a cart. Far above what a small shop sells in one
/// order, and small enough that `unit price × quantity` cannot overflow for any
/// price a price book can hold below 10^14 minor units.
pub const MAX_LINE_QUANTITY: u32 = 9_999;

/// Largest number of distinct skus in a cart.
pub const MAX_CART_LINES: usize = 100;

/// A line as stored: what the visitor asked for, never a price they sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    /// The sku.
    pub sku: String,
    /// Requested quantity, 1 to [`MAX_LINE_QUANTITY`].
    pub quantity: u32,
    /// Unit price (minor units, counted as the price book counts) shown to the visitor
    /// when the line was added or last acknowledged; `None` when unknown.
    pub seen_unit_price: Option<i64>,
}

/// Units of a sku that can be ordered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Any quantity: the stock is untracked, or allowed to go negative.
    Unlimited,
    /// Up to this many units from stock; beyond that, on backorder.
    Backorder {
        /// Units in stock (0 or more).
        in_stock: u32,
    },
    /// Up to this many units, and no more.
    Limited(u32),
}

/// Computes what can be ordered of an item with `on_hand` units in stock (the
/// database's figure, possibly negative).
pub fn availability(item: &PriceBookItem, on_hand: i64) -> Availability {
    let in_stock = u32::try_from(on_hand.max(0)).unwrap_or(u32::MAX);
    match item.stock {
        StockPolicy::Untracked | StockPolicy::Negative => Availability::Unlimited,
        StockPolicy::Backorder => Availability::Backorder { in_stock },
        StockPolicy::Track => Availability::Limited(in_stock),
    }
}

/// Units of a line shipped later because the stock does not cover them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backorder {
    /// Units beyond the stock.
    pub quantity: u32,
    /// Delay announced for them, in days, when the price book gives one.
    pub days: Option<u32>,
}

/// A change in the cart that the visitor must see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartWarning {
    /// The unit price changed since the visitor last saw it.
    PriceChanged {
        /// The sku.
        sku: String,
        /// The unit price they saw.
        previous: i64,
        /// The unit price now.
        current: i64,
    },
    /// Fewer units are available than requested; the line was reduced.
    QuantityReduced {
        /// The sku.
        sku: String,
        /// Units requested.
        requested: u32,
        /// Units kept.
        available: u32,
    },
    /// Nothing is left in stock; the line was removed.
    OutOfStock {
        /// The sku.
        sku: String,
    },
    /// The store no longer sells the sku in the cart's currency; the line was removed.
    NoLongerSold {
        /// The sku.
        sku: String,
    },
}

impl CartWarning {
    /// The sku the warning is about.
    pub fn sku(&self) -> &str {
        match self {
            CartWarning::PriceChanged { sku, .. }
            | CartWarning::QuantityReduced { sku, .. }
            | CartWarning::OutOfStock { sku }
            | CartWarning::NoLongerSold { sku } => sku,
        }
    }
}

/// A repriced line.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedLine<'book> {
    /// The sku.
    pub sku: String,
    /// Its price-book entry, for titles, urls and images.
    pub item: &'book PriceBookItem,
    /// Quantity after any reduction to what is available.
    pub quantity: u32,
    /// Unit price in minor units, counted as the price book counts (TTC or HT).
    pub unit_price: i64,
    /// VAT rate applied.
    pub tax_rate: TaxRate,
    /// `unit_price × quantity`, counted as the price book counts.
    pub line_total: i64,
    /// The line total split into net, tax and gross.
    pub split: TaxSplit,
    /// Units on backorder, when the stock does not cover the line.
    pub backorder: Option<Backorder>,
    /// Weight of the line in grams (0 when the sku has no weight).
    pub weight: u64,
}

/// A cart repriced from a price book.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedCart<'book> {
    /// The cart's currency.
    pub currency: Currency,
    /// Whether unit prices and line totals include VAT.
    pub prices_include_tax: bool,
    /// Whether the shop charges no VAT.
    pub vat_exempt: bool,
    /// Lines still orderable, in the cart's order.
    pub lines: Vec<PricedLine<'book>>,
    /// What changed since the visitor last saw the cart.
    pub warnings: Vec<CartWarning>,
    /// Sum of the lines' splits.
    pub items: TaxSplit,
    /// Sum of the line totals, counted as the price book counts.
    pub subtotal: i64,
    /// Total weight in grams.
    pub weight: u64,
}

/// Why a cart could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    /// An amount went beyond what an `i64` of minor units holds.
    #[error("the total of sku `{sku}` overflows: the price or quantity is too large")]
    Overflow {
        /// The sku whose line overflowed.
        sku: String,
    },
}

/// Reprices `lines` from `book` in `currency`. `on_hand` returns the stock level of
/// a sku (0 when the database has none). Lines the book no longer prices in
/// `currency`, or with nothing left in stock, are dropped with a warning; lines
/// above the available stock are reduced with a warning.
pub fn price_cart<'book>(
    book: &'book PriceBook,
    currency: Currency,
    lines: &[CartLine],
    on_hand: impl Fn(&str) -> i64,
) -> Result<PricedCart<'book>, CartError> {
    let mut cart = PricedCart {
        currency,
        prices_include_tax: book.prices_include_tax,
        vat_exempt: book.vat_exempt,
        lines: Vec::with_capacity(lines.len()),
        warnings: Vec::new(),
        items: TaxSplit {
            net: 0,
            tax: 0,
            gross: 0,
        },
        subtotal: 0,
        weight: 0,
    };

    for line in lines {
        let Some((item, unit_price)) = book
            .items
            .get(&line.sku)
            .and_then(|item| item.prices.get(&currency).map(|price| (item, *price)))
        else {
            cart.warnings.push(CartWarning::NoLongerSold {
                sku: line.sku.clone(),
            });
            continue;
        };

        let (quantity, backorder) = match availability(item, on_hand(&line.sku)) {
            Availability::Unlimited => (line.quantity, None),
            Availability::Backorder { in_stock } => {
                let beyond = line.quantity.saturating_sub(in_stock);
                let backorder = (beyond > 0).then_some(Backorder {
                    quantity: beyond,
                    days: item.backorder_days,
                });
                (line.quantity, backorder)
            }
            Availability::Limited(0) => {
                cart.warnings.push(CartWarning::OutOfStock {
                    sku: line.sku.clone(),
                });
                continue;
            }
            Availability::Limited(available) if available < line.quantity => {
                cart.warnings.push(CartWarning::QuantityReduced {
                    sku: line.sku.clone(),
                    requested: line.quantity,
                    available,
                });
                (available, None)
            }
            Availability::Limited(_) => (line.quantity, None),
        };

        if let Some(previous) = line.seen_unit_price.filter(|seen| *seen != unit_price) {
            cart.warnings.push(CartWarning::PriceChanged {
                sku: line.sku.clone(),
                previous,
                current: unit_price,
            });
        }

        let priced = price_line(book, item, &line.sku, unit_price, quantity, backorder)?;
        cart.add(priced)?;
    }
    Ok(cart)
}

fn price_line<'book>(
    book: &PriceBook,
    item: &'book PriceBookItem,
    sku: &str,
    unit_price: i64,
    quantity: u32,
    backorder: Option<Backorder>,
) -> Result<PricedLine<'book>, CartError> {
    let overflow = || CartError::Overflow { sku: sku.to_owned() };
    let tax_rate = if book.vat_exempt {
        TaxRate::ZERO
    } else {
        item.tax_rate
    };
    let line_total = unit_price.checked_mul(i64::from(quantity)).ok_or_else(overflow)?;
    let split = if book.prices_include_tax {
        split_gross(line_total, tax_rate)
    } else {
        split_net(line_total, tax_rate)
    };
    Ok(PricedLine {
        sku: sku.to_owned(),
        item,
        quantity,
        unit_price,
        tax_rate,
        line_total,
        split,
        backorder,
        weight: u64::from(item.weight.unwrap_or(0)) * u64::from(quantity),
    })
}

impl<'book> PricedCart<'book> {
    fn add(&mut self, line: PricedLine<'book>) -> Result<(), CartError> {
        let overflow = || CartError::Overflow {
            sku: line.sku.clone(),
        };
        self.items = TaxSplit {
            net: self.items.net.checked_add(line.split.net).ok_or_else(overflow)?,
            tax: self.items.tax.checked_add(line.split.tax).ok_or_else(overflow)?,
            gross: self
                .items
                .gross
                .checked_add(line.split.gross)
                .ok_or_else(overflow)?,
        };
        self.subtotal = self.subtotal.checked_add(line.line_total).ok_or_else(overflow)?;
        self.weight = self.weight.saturating_add(line.weight);
        self.lines.push(line);
        Ok(())
    }

    /// Whether the cart has nothing to order.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Computes the totals with a shipping price (tax included) or without shipping. The
    /// shipping VAT follows the goods: it is split across the lines' rates in
    /// proportion to their gross amounts.
    pub fn totals(&self, shipping_gross: Option<i64>) -> Totals {
        let shipping = shipping_gross.map(|gross| {
            let shares: Vec<(TaxRate, i64)> = self
                .lines
                .iter()
                .map(|line| (line.tax_rate, line.split.gross))
                .collect();
            split_shipping(gross, &shares, self.vat_exempt)
        });
        let shipping_split = shipping.unwrap_or(TaxSplit {
            net: 0,
            tax: 0,
            gross: 0,
        });
        Totals {
            items: self.items,
            shipping,
            tax_total: self.items.tax + shipping_split.tax,
            total_excl_tax: self.items.net + shipping_split.net,
            total: self.items.gross + shipping_split.gross,
        }
    }
}

/// What an order or a cart costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// The items: sums of the lines' net, tax and gross.
    pub items: TaxSplit,
    /// Shipping, when a method was chosen.
    pub shipping: Option<TaxSplit>,
    /// All VAT: the items' plus the shipping's.
    pub tax_total: i64,
    /// Everything without VAT (HT).
    pub total_excl_tax: i64,
    /// Everything with VAT (TTC); always `total_excl_tax + tax_total`.
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::locale::Locale;

    fn item(price: i64, rate: u32, stock: StockPolicy) -> PriceBookItem {
        PriceBookItem {
            product: "P".into(),
            titles: BTreeMap::from([(Locale::parse("fr").expect("locale"), "Tasse".to_owned())]),
            prices: BTreeMap::from([(Currency::EUR, price)]),
            tax_class: "standard".into(),
            tax_rate: TaxRate(rate),
            stock,
            backorder_days: Some(15),
            weight: Some(350),
            urls: BTreeMap::new(),
            image: None,
        }
    }

    fn book(include_tax: bool) -> PriceBook {
        PriceBook {
            format: 1,
            build_id: "b1".into(),
            store: "fr".into(),
            prices_include_tax: include_tax,
            vat_exempt: false,
            currencies: vec![Currency::EUR],
            items: BTreeMap::from([
                ("TASSE".to_owned(), item(2490, 2000, StockPolicy::Track)),
                ("LIVRE".to_owned(), item(1999, 550, StockPolicy::Untracked)),
                ("BOL".to_owned(), item(1250, 2000, StockPolicy::Backorder)),
            ]),
        }
    }

    fn line(sku: &str, quantity: u32, seen: Option<i64>) -> CartLine {
        CartLine {
            sku: sku.into(),
            quantity,
            seen_unit_price: seen,
        }
    }

    #[test]
    fn prices_lines_with_tax_included() {
        let book = book(true);
        let cart = price_cart(
            &book,
            Currency::EUR,
            &[line("TASSE", 2, Some(2490)), line("LIVRE", 1, None)],
            |_| 10,
        )
        .expect("priced");
        assert_eq!(cart.lines.len(), 2);
        assert_eq!(cart.lines[0].line_total, 4980);
        assert_eq!(cart.lines[0].split, split_gross(4980, TaxRate(2000)));
        assert_eq!(cart.subtotal, 4980 + 1999);
        assert_eq!(cart.items.gross, 6979);
        assert_eq!(cart.items.net + cart.items.tax, cart.items.gross);
        assert!(cart.warnings.is_empty());
    }

    #[test]
    fn prices_lines_without_tax() {
        let book = book(false);
        let cart = price_cart(&book, Currency::EUR, &[line("TASSE", 1, None)], |_| 1).expect("priced");
        assert_eq!(cart.items.net, 2490);
        assert_eq!(cart.items.tax, 498);
        assert_eq!(cart.items.gross, 2988);
        assert_eq!(cart.subtotal, 2490);
    }

    #[test]
    fn reduces_tracked_quantity_to_stock() {
        let book = book(true);
        let cart = price_cart(&book, Currency::EUR, &[line("TASSE", 5, None)], |_| 3).expect("priced");
        assert_eq!(cart.lines[0].quantity, 3);
        assert_eq!(
            cart.warnings,
            vec![CartWarning::QuantityReduced {
                sku: "TASSE".into(),
                requested: 5,
                available: 3
            }]
        );
    }

    #[test]
    fn drops_out_of_stock_and_unsold_lines() {
        let book = book(true);
        let cart = price_cart(
            &book,
            Currency::EUR,
            &[line("TASSE", 1, None), line("GONE", 1, None)],
            |_| -2,
        )
        .expect("priced");
        assert!(cart.is_empty());
        assert_eq!(
            cart.warnings,
            vec![
                CartWarning::OutOfStock { sku: "TASSE".into() },
                CartWarning::NoLongerSold { sku: "GONE".into() }
            ]
        );
    }

    #[test]
    fn other_currency_is_not_sold() {
        let book = book(true);
        let chf = Currency::parse("CHF").expect("known");
        let cart = price_cart(&book, chf, &[line("LIVRE", 1, None)], |_| 0).expect("priced");
        assert!(cart.is_empty());
        assert_eq!(
            cart.warnings,
            vec![CartWarning::NoLongerSold { sku: "LIVRE".into() }]
        );
    }

    #[test]
    fn backorder_beyond_stock_keeps_quantity() {
        let book = book(true);
        let cart = price_cart(&book, Currency::EUR, &[line("BOL", 5, None)], |_| 2).expect("priced");
        assert_eq!(cart.lines[0].quantity, 5);
        assert_eq!(
            cart.lines[0].backorder,
            Some(Backorder {
                quantity: 3,
                days: Some(15)
            })
        );
        assert!(cart.warnings.is_empty());
    }

    #[test]
    fn warns_on_price_change() {
        let book = book(true);
        let cart = price_cart(&book, Currency::EUR, &[line("TASSE", 1, Some(2290))], |_| 5).expect("priced");
        assert_eq!(
            cart.warnings,
            vec![CartWarning::PriceChanged {
                sku: "TASSE".into(),
                previous: 2290,
                current: 2490
            }]
        );
        assert_eq!(cart.lines[0].unit_price, 2490);
    }

    #[test]
    fn totals_add_shipping_at_goods_rates() {
        let book = book(true);
        let cart = price_cart(
            &book,
            Currency::EUR,
            &[line("TASSE", 1, None), line("LIVRE", 1, None)],
            |_| 5,
        )
        .expect("priced");
        let totals = cart.totals(Some(490));
        let shipping = totals.shipping.expect("shipping");
        assert_eq!(shipping.gross, 490);
        assert_eq!(shipping.net + shipping.tax, 490);
        assert_eq!(totals.total, 2490 + 1999 + 490);
        assert_eq!(totals.total_excl_tax + totals.tax_total, totals.total);
        assert_eq!(totals.tax_total, cart.items.tax + shipping.tax);
    }

    #[test]
    fn weight_sums_lines() {
        let book = book(true);
        let cart = price_cart(&book, Currency::EUR, &[line("TASSE", 3, None)], |_| 5).expect("priced");
        assert_eq!(cart.weight, 1050);
    }

    /// A small deterministic generator (64-bit LCG, Knuth's constants), so the
    /// property test needs no dependency and replays identically.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % below
        }
    }

    #[test]
    fn totals_add_up_for_random_carts() {
        let rates = [0, 210, 550, 1000, 2000, 850];
        let mut random = Lcg(42);
        for round in 0..2_000 {
            let include_tax = random.next(2) == 0;
            let mut book = book(include_tax);
            book.items.clear();
            let mut lines = Vec::new();
            for index in 0..=random.next(8) {
                let sku = format!("SKU{index}");
                let price = i64::try_from(random.next(100_000)).unwrap_or(0);
                let rate = rates[usize::try_from(random.next(rates.len() as u64)).unwrap_or(0)];
                book.items
                    .insert(sku.clone(), item(price, rate, StockPolicy::Untracked));
                let quantity = u32::try_from(random.next(50) + 1).unwrap_or(1);
                lines.push(line(&sku, quantity, None));
            }
            let cart = price_cart(&book, Currency::EUR, &lines, |_| 0).expect("priced");
            let shipping = i64::try_from(random.next(2_000)).unwrap_or(0);
            let totals = cart.totals(Some(shipping));

            let net: i64 = cart.lines.iter().map(|line| line.split.net).sum();
            let tax: i64 = cart.lines.iter().map(|line| line.split.tax).sum();
            let gross: i64 = cart.lines.iter().map(|line| line.split.gross).sum();
            assert_eq!(net, cart.items.net, "round {round}");
            assert_eq!(tax, cart.items.tax, "round {round}");
            assert_eq!(gross, cart.items.gross, "round {round}");
            assert_eq!(cart.items.net + cart.items.tax, cart.items.gross, "round {round}");
            for line in &cart.lines {
                assert_eq!(line.split.net + line.split.tax, line.split.gross, "round {round}");
            }
            let expected_subtotal = if include_tax {
                cart.items.gross
            } else {
                cart.items.net
            };
            assert_eq!(cart.subtotal, expected_subtotal, "round {round}");
            let shipping_split = totals.shipping.expect("shipping");
            assert_eq!(shipping_split.gross, shipping, "round {round}");
            assert_eq!(
                totals.total_excl_tax + totals.tax_total,
                totals.total,
                "round {round}"
            );
            assert_eq!(totals.total, cart.items.gross + shipping, "round {round}");
            assert_eq!(
                totals.tax_total,
                cart.items.tax + shipping_split.tax,
                "round {round}"
            );
        }
    }
}

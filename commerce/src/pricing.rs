//! Price resolution: the amount a store charges for a sku in a currency.
//!
//! The rule, in order, for a store's price list `L` and currency `C`, run first on a
//! variant's own prices, then on its product's:
//! 1. an explicit `C` amount in `L`, or in the lists `L` falls back to, converted
//!    between TTC and HT when the fallback list counts tax the other way;
//! 2. otherwise the same search in the shop currency, converted to `C` with
//!    `[currencies.C]`'s rate and rounding rule.
//!
//! So, within one set of prices, an explicit amount in a currency wins over a
//! converted one; and a variant that sets a price of its own is priced from it
//! before anything its product sets (a product's CHF amount never overrides a
//! variant's own EUR price).

use rust_decimal::Decimal;

use crate::catalogue::{PriceTable, Product, Variant};
use crate::money::{Currency, Money, round_half_up};
use crate::settings::{Rounding, Settings};
use crate::tax::{TaxRate, split_gross, split_net};

/// Why no price could be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// Neither the list nor its fallbacks carry an amount.
    #[error(
        "sku `{sku}` has no price in price list `{list}`: add `price`, or `[prices.{list}]` with an amount in {currency}, or give `[price_lists.{list}]` a `fallback`"
    )]
    Missing {
        /// The sku.
        sku: String,
        /// The price list searched.
        list: String,
        /// The currency searched.
        currency: Currency,
    },
    /// The currency has no conversion rule.
    #[error("no rate for {currency}: add `[currencies.{currency}]` with a `rate` to site.toml")]
    NoRate {
        /// The currency.
        currency: Currency,
    },
    /// A fallback chain loops.
    #[error("price list `{list}` falls back to itself through its fallbacks: break the loop")]
    FallbackLoop {
        /// The list where the loop was found.
        list: String,
    },
    /// An amount overflowed.
    #[error("the price of sku `{sku}` is too large once converted")]
    Overflow {
        /// The sku.
        sku: String,
    },
}

/// Resolves the price of a product (or one of its variants) for a price list and
/// currency. `rate` is the VAT rate, needed when a fallback list counts tax the
/// other way. The result counts tax as `list` does (see [`Settings::price_list`]).
pub fn resolve_price(
    settings: &Settings,
    list: &str,
    currency: Currency,
    product: &Product,
    variant: Option<&Variant>,
    rate: TaxRate,
) -> Result<Money, PriceError> {
    let sku = variant.map_or(product.sku.as_str(), |variant| variant.sku.as_str());
    let tables: Vec<&PriceTable> = match variant {
        Some(variant) => vec![&variant.prices, &product.prices],
        None => vec![&product.prices],
    };
    for table in tables {
        if let Some(money) = price_from_table(settings, list, currency, table, rate, sku)? {
            return Ok(money);
        }
    }
    Err(PriceError::Missing {
        sku: sku.to_owned(),
        list: list.to_owned(),
        currency,
    })
}

/// Runs the two steps of the rule on one set of prices.
fn price_from_table(
    settings: &Settings,
    list: &str,
    currency: Currency,
    table: &PriceTable,
    rate: TaxRate,
    sku: &str,
) -> Result<Option<Money>, PriceError> {
    if let Some(money) = explicit_in_chain(settings, list, currency, table, rate)? {
        return Ok(Some(money));
    }
    let shop_currency = settings.shop.currency;
    if currency == shop_currency {
        return Ok(None);
    }
    let Some(base) = explicit_in_chain(settings, list, shop_currency, table, rate)? else {
        return Ok(None);
    };
    let rule = settings
        .currencies
        .get(currency.code())
        .ok_or(PriceError::NoRate { currency })?;
    convert(base, currency, rule.rate.0, rule.rounding)
        .map(Some)
        .ok_or_else(|| PriceError::Overflow { sku: sku.to_owned() })
}

/// Searches `list` and its fallbacks for an explicit amount in `currency`.
fn explicit_in_chain(
    settings: &Settings,
    list: &str,
    currency: Currency,
    table: &PriceTable,
    rate: TaxRate,
) -> Result<Option<Money>, PriceError> {
    let wanted_includes_tax = settings.price_list(list).includes_tax;
    let mut current = list.to_owned();
    let mut visited = vec![current.clone()];
    loop {
        let found = table.get(&current).and_then(|amounts| amounts.get(&currency));
        if let Some(money) = found {
            let found_includes_tax = settings.price_list(&current).includes_tax;
            let amount = match (found_includes_tax, wanted_includes_tax) {
                (true, false) => split_gross(money.amount, rate).net,
                (false, true) => split_net(money.amount, rate).gross,
                _ => money.amount,
            };
            return Ok(Some(Money::new(amount, currency)));
        }
        match settings.price_list(&current).fallback {
            Some(next) if visited.contains(&next) => {
                return Err(PriceError::FallbackLoop { list: next });
            }
            Some(next) => {
                visited.push(next.clone());
                current = next;
            }
            None => return Ok(None),
        }
    }
}

/// Converts an amount into `currency` at `rate` (units of `currency` per unit of the
/// amount's currency), then applies the rounding rule.
pub fn convert(amount: Money, currency: Currency, rate: Decimal, rounding: Rounding) -> Option<Money> {
    let converted = amount.to_decimal().checked_mul(rate)?;
    let rounded = apply_rounding(converted, currency, rounding);
    Money::from_decimal_rounded(rounded, currency)
}

/// Applies a rounding rule to a major-unit amount.
pub fn apply_rounding(value: Decimal, currency: Currency, rounding: Rounding) -> Decimal {
    let exponent = currency.exponent();
    match rounding {
        Rounding::Minor => round_half_up(value, exponent),
        Rounding::Nickel if exponent >= 2 => round_half_up(value * Decimal::from(20), 0) / Decimal::from(20),
        Rounding::Whole | Rounding::Nickel => round_half_up(value, 0),
        Rounding::Ninety | Rounding::NinetyNine if exponent >= 2 => {
            let ending = if rounding == Rounding::Ninety {
                Decimal::new(90, 2)
            } else {
                Decimal::new(99, 2)
            };
            let candidate = value.floor() + ending;
            if candidate >= value {
                candidate
            } else {
                candidate + Decimal::ONE
            }
        }
        Rounding::Ninety | Rounding::NinetyNine => value.ceil(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::catalogue::StockPolicy;
    use crate::sorted_vec_map::SortedVecMap;

    const SETTINGS: &str = r#"
[shop]
legal_name = "Test SARL"
legal_form = "SARL"
siret = "12345678900012"
email = "a@b.fr"
address = { street = "1 rue", postal_code = "75001", city = "Paris", country = "FR" }

[price_lists.retail]
[price_lists.pro]
includes_tax = false
fallback = "retail"

[currencies.CHF]
rate = "0.95"
rounding = "0.90"

[[stores]]
id = "fr"
name = "Test"
base_url = "https://test.fr"
locales = ["fr"]
currencies = ["EUR", "CHF"]
tax_display = "incl"
country = "FR"
"#;

    fn settings() -> Settings {
        Settings::parse(SETTINGS).expect("valid settings")
    }

    fn chf() -> Currency {
        Currency::parse("CHF").expect("known")
    }

    /// Builds a price table from `(list, currency, amount)` entries.
    fn price_table(prices: &[(&str, &str, i64)]) -> PriceTable {
        let mut table = PriceTable::new();
        for (list, currency, amount) in prices {
            let currency = Currency::parse(currency).expect("known");
            let money = Money::new(*amount, currency);
            match table.get_mut(*list) {
                Some(amounts) => {
                    amounts.insert(currency, money);
                }
                None => {
                    table.insert((*list).to_owned(), SortedVecMap::from([(currency, money)]));
                }
            }
        }
        table
    }

    fn product(prices: &[(&str, &str, i64)]) -> Product {
        let table = price_table(prices);
        Product {
            sku: "P1".into(),
            source: "test".into(),
            texts: SortedVecMap::new(),
            prices: table,
            tax_class: "standard".into(),
            categories: vec![],
            images: vec![],
            stock: StockPolicy::Track,
            backorder_days: None,
            weight: None,
            options: vec![],
            variants: vec![],
            extra: serde_json::Map::new(),
        }
    }

    #[test]
    fn explicit_price_wins() {
        let product = product(&[("retail", "EUR", 2490), ("retail", "CHF", 2700)]);
        let price = resolve_price(&settings(), "retail", chf(), &product, None, TaxRate(2000));
        assert_eq!(price, Ok(Money::new(2700, chf())));
    }

    #[test]
    fn converts_with_rounding_rule() {
        // 24,90 € × 0.95 = 23.655 CHF, up to the next .90: 23.90 CHF.
        let product = product(&[("retail", "EUR", 2490)]);
        let price = resolve_price(&settings(), "retail", chf(), &product, None, TaxRate(2000));
        assert_eq!(price, Ok(Money::new(2390, chf())));
    }

    #[test]
    fn fallback_list_converts_ttc_to_ht() {
        // pro counts HT and falls back to retail (TTC): 24,00 € TTC is 20,00 € HT.
        let product = product(&[("retail", "EUR", 2400)]);
        let price = resolve_price(&settings(), "pro", Currency::EUR, &product, None, TaxRate(2000));
        assert_eq!(price, Ok(Money::new(2000, Currency::EUR)));
    }

    #[test]
    fn missing_price_is_an_error() {
        let product = product(&[]);
        let error = resolve_price(
            &settings(),
            "retail",
            Currency::EUR,
            &product,
            None,
            TaxRate(2000),
        )
        .expect_err("no price");
        assert!(
            error
                .to_string()
                .contains("sku `P1` has no price in price list `retail`"),
            "{error}"
        );
    }

    #[test]
    fn variant_prices_come_before_product_prices() {
        let mut product = product(&[("retail", "EUR", 2490), ("pro", "EUR", 1800)]);
        let variant_prices = price_table(&[("retail", "EUR", 2690)]);
        let variant = Variant {
            sku: "P1-B".into(),
            options: SortedVecMap::new(),
            titles: SortedVecMap::new(),
            prices: variant_prices,
            stock: StockPolicy::Track,
            weight: None,
        };
        product.variants.push(variant.clone());
        let settings = settings();
        let retail = resolve_price(
            &settings,
            "retail",
            Currency::EUR,
            &product,
            Some(&variant),
            TaxRate(2000),
        );
        assert_eq!(retail, Ok(Money::new(2690, Currency::EUR)));
        let pro = resolve_price(
            &settings,
            "pro",
            Currency::EUR,
            &product,
            Some(&variant),
            TaxRate(2000),
        );
        // The variant's own retail price (26,90 € TTC) wins over the product's pro
        // price: 26,90 / 1.2 = 22,4166… → 22,42 € HT.
        assert_eq!(pro, Ok(Money::new(2242, Currency::EUR)));
        // A variant without prices of its own takes the product's pro price.
        let plain = Variant {
            prices: PriceTable::new(),
            ..variant
        };
        let pro = resolve_price(
            &settings,
            "pro",
            Currency::EUR,
            &product,
            Some(&plain),
            TaxRate(2000),
        );
        assert_eq!(pro, Ok(Money::new(1800, Currency::EUR)));
    }

    #[test]
    fn variant_own_price_beats_product_currency() {
        // The product sets 27,00 CHF; the variant sets only its own 30,00 €, so its
        // CHF price is converted from 30,00 € (× 0.95 = 28.50 → 28.90), not 27,00.
        let product = product(&[("retail", "EUR", 2490), ("retail", "CHF", 2700)]);
        let variant_prices = price_table(&[("retail", "EUR", 3000)]);
        let variant = Variant {
            sku: "P1-N".into(),
            options: SortedVecMap::new(),
            titles: SortedVecMap::new(),
            prices: variant_prices,
            stock: StockPolicy::Track,
            weight: None,
        };
        let price = resolve_price(
            &settings(),
            "retail",
            chf(),
            &product,
            Some(&variant),
            TaxRate(2000),
        );
        assert_eq!(price, Ok(Money::new(2890, chf())));
    }

    #[test]
    fn rounding_rules() {
        let chf = chf();
        let value = |text: &str| Decimal::from_str(text).expect("decimal");
        assert_eq!(
            apply_rounding(value("23.655"), chf, Rounding::Minor),
            value("23.66")
        );
        assert_eq!(
            apply_rounding(value("23.62"), chf, Rounding::Nickel),
            value("23.60")
        );
        assert_eq!(
            apply_rounding(value("23.63"), chf, Rounding::Nickel),
            value("23.65")
        );
        assert_eq!(apply_rounding(value("23.5"), chf, Rounding::Whole), value("24"));
        assert_eq!(
            apply_rounding(value("23.91"), chf, Rounding::Ninety),
            value("24.90")
        );
        assert_eq!(
            apply_rounding(value("23.90"), chf, Rounding::Ninety),
            value("23.90")
        );
        assert_eq!(
            apply_rounding(value("23.10"), chf, Rounding::NinetyNine),
            value("23.99")
        );
    }
}

//! Shipping quotes: the price of a store's shipping method for a cart, and the VAT
//! inside it.
//!
//! Shipping prices in the store manifest include VAT. Following the French rule that
//! delivery costs take the VAT rate of the goods delivered, the VAT of a shipping
//! price is split across the cart's rates in proportion to each rate's share of the
//! items' gross amount.

use crate::money::Currency;
use crate::pricebook::{ShippingOffer, ShippingOfferRate};
use crate::tax::{TaxRate, TaxSplit, split_gross};

/// Why a shipping method cannot carry a cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShippingError {
    /// The method does not deliver to the country.
    #[error("shipping method `{method}` does not deliver to {country}")]
    CountryNotServed {
        /// The method's id.
        method: String,
        /// The destination country.
        country: String,
    },
    /// The method has no price in the currency.
    #[error("shipping method `{method}` has no price in {currency}")]
    NoPrice {
        /// The method's id.
        method: String,
        /// The cart's currency.
        currency: Currency,
    },
    /// The cart weighs more than the heaviest band.
    #[error("shipping method `{method}` carries at most {max_grams} g; the cart weighs {weight_grams} g")]
    TooHeavy {
        /// The method's id.
        method: String,
        /// The heaviest band's upper bound in grams.
        max_grams: u32,
        /// The cart's weight in grams.
        weight_grams: u64,
    },
}

/// Whether `offer` delivers to `country`. An offer that lists no country delivers
/// to the store's own country only. A pickup offer accepts any address, because
/// the customer collects the parcel.
pub fn ships_to(offer: &ShippingOffer, country: &str, store_country: &str) -> bool {
    if matches!(offer.rate, ShippingOfferRate::Pickup { .. }) {
        return true;
    }
    if offer.countries.is_empty() {
        return country == store_country;
    }
    offer.countries.iter().any(|served| served == country)
}

/// The cart's parcel: the inputs of a shipping rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parcel<'a> {
    /// Currency of the cart.
    pub currency: Currency,
    /// Items' total, tax included, in minor units: compared with `free_above`.
    pub items_gross: i64,
    /// Weight in grams.
    pub weight_grams: u64,
    /// Destination country (ISO 3166-1 alpha-2).
    pub country: &'a str,
    /// Country of the store, served by offers that list no country.
    pub store_country: &'a str,
}

/// Computes the shipping price, tax included, in minor units.
pub fn quote(offer: &ShippingOffer, parcel: &Parcel<'_>) -> Result<i64, ShippingError> {
    if !ships_to(offer, parcel.country, parcel.store_country) {
        return Err(ShippingError::CountryNotServed {
            method: offer.id.clone(),
            country: parcel.country.to_owned(),
        });
    }
    let no_price = || ShippingError::NoPrice {
        method: offer.id.clone(),
        currency: parcel.currency,
    };
    let free = |free_above: &Option<std::collections::BTreeMap<Currency, i64>>| {
        free_above
            .as_ref()
            .and_then(|thresholds| thresholds.get(&parcel.currency))
            .is_some_and(|threshold| parcel.items_gross >= *threshold)
    };

    match &offer.rate {
        ShippingOfferRate::Pickup { .. } => Ok(0),
        ShippingOfferRate::Flat { price, free_above } => {
            if free(free_above) {
                return Ok(0);
            }
            price.get(&parcel.currency).copied().ok_or_else(no_price)
        }
        ShippingOfferRate::Weight { bands, free_above } => {
            if free(free_above) {
                return Ok(0);
            }
            let band = bands
                .iter()
                .find(|(up_to, _)| parcel.weight_grams <= u64::from(*up_to))
                .ok_or_else(|| ShippingError::TooHeavy {
                    method: offer.id.clone(),
                    max_grams: bands.iter().map(|(up_to, _)| *up_to).max().unwrap_or(0),
                    weight_grams: parcel.weight_grams,
                })?;
            band.1.get(&parcel.currency).copied().ok_or_else(no_price)
        }
    }
}

/// Splits a shipping price (tax included) into net and VAT. `shares` are the
/// lines' (rate, gross amount); see [`shipping_parts`] for how the price is divided
/// between the rates.
pub fn split_shipping(gross: i64, shares: &[(TaxRate, i64)], vat_exempt: bool) -> TaxSplit {
    let tax: i64 = shipping_parts(gross, shares, vat_exempt)
        .iter()
        .map(|(_, part)| part.tax)
        .sum();
    TaxSplit {
        net: gross - tax,
        tax,
        gross,
    }
}

/// Divides a shipping price (tax included) between the VAT rates of the goods, in
/// proportion to each rate's gross amount. The largest-remainder method makes the
/// parts add up to the price exactly, and each part's VAT is rounded half up. With no goods (or goods
/// worth nothing) the highest rate present takes the whole price, or no rate when the
/// cart is empty. Invoices list these parts as the shipping's VAT lines.
pub fn shipping_parts(gross: i64, shares: &[(TaxRate, i64)], vat_exempt: bool) -> Vec<(TaxRate, TaxSplit)> {
    if vat_exempt || gross == 0 {
        return vec![(TaxRate::ZERO, split_gross(gross, TaxRate::ZERO))];
    }

    let mut by_rate: Vec<(TaxRate, i64)> = Vec::new();
    for (rate, amount) in shares {
        match by_rate.iter_mut().find(|(known, _)| known == rate) {
            Some((_, total)) => *total += amount,
            None => by_rate.push((*rate, *amount)),
        }
    }
    let goods: i64 = by_rate.iter().map(|(_, amount)| *amount).sum();
    if goods <= 0 {
        let highest = by_rate
            .iter()
            .map(|(rate, _)| *rate)
            .max()
            .unwrap_or(TaxRate::ZERO);
        return vec![(highest, split_gross(gross, highest))];
    }

    let mut parts: Vec<(TaxRate, i64, i128)> = by_rate
        .iter()
        .map(|(rate, amount)| {
            let exact = i128::from(gross) * i128::from(*amount);
            let part = exact / i128::from(goods);
            let remainder = exact % i128::from(goods);
            (*rate, i64::try_from(part).unwrap_or(0), remainder)
        })
        .collect();
    let mut left = gross - parts.iter().map(|(_, part, _)| *part).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].2.cmp(&parts[*a].2));
    for index in order {
        if left == 0 {
            break;
        }
        parts[index].1 += 1;
        left -= 1;
    }

    parts
        .into_iter()
        .map(|(rate, part, _)| (rate, split_gross(part, rate)))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::settings::LocalizedText;

    fn offer(rate: ShippingOfferRate, countries: &[&str]) -> ShippingOffer {
        ShippingOffer {
            id: "colissimo".into(),
            label: LocalizedText::Same("Colissimo".into()),
            description: None,
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            rate,
        }
    }

    fn eur(amount: i64) -> BTreeMap<Currency, i64> {
        BTreeMap::from([(Currency::EUR, amount)])
    }

    fn parcel(items_gross: i64, weight_grams: u64, country: &str) -> Parcel<'_> {
        Parcel {
            currency: Currency::EUR,
            items_gross,
            weight_grams,
            country,
            store_country: "FR",
        }
    }

    #[test]
    fn flat_rate_is_free_above_threshold() {
        let flat = offer(
            ShippingOfferRate::Flat {
                price: eur(490),
                free_above: Some(eur(6000)),
            },
            &[],
        );
        assert_eq!(quote(&flat, &parcel(5999, 0, "FR")), Ok(490));
        assert_eq!(quote(&flat, &parcel(6000, 0, "FR")), Ok(0));
    }

    #[test]
    fn empty_country_list_means_store_country() {
        let flat = offer(
            ShippingOfferRate::Flat {
                price: eur(490),
                free_above: None,
            },
            &[],
        );
        assert_eq!(
            quote(&flat, &parcel(100, 0, "BE")),
            Err(ShippingError::CountryNotServed {
                method: "colissimo".into(),
                country: "BE".into()
            })
        );
        let listed = offer(
            ShippingOfferRate::Flat {
                price: eur(990),
                free_above: None,
            },
            &["BE", "FR"],
        );
        assert_eq!(quote(&listed, &parcel(100, 0, "BE")), Ok(990));
    }

    #[test]
    fn weight_bands_pick_first_that_fits() {
        let bands = offer(
            ShippingOfferRate::Weight {
                bands: vec![(500, eur(500)), (2000, eur(900))],
                free_above: None,
            },
            &["FR"],
        );
        assert_eq!(quote(&bands, &parcel(100, 500, "FR")), Ok(500));
        assert_eq!(quote(&bands, &parcel(100, 501, "FR")), Ok(900));
        assert_eq!(
            quote(&bands, &parcel(100, 2001, "FR")),
            Err(ShippingError::TooHeavy {
                method: "colissimo".into(),
                max_grams: 2000,
                weight_grams: 2001
            })
        );
    }

    #[test]
    fn missing_currency_is_an_error() {
        let flat = offer(
            ShippingOfferRate::Flat {
                price: eur(490),
                free_above: None,
            },
            &[],
        );
        let chf = Currency::parse("CHF").expect("known");
        let swiss = Parcel {
            currency: chf,
            ..parcel(100, 0, "FR")
        };
        assert_eq!(
            quote(&flat, &swiss),
            Err(ShippingError::NoPrice {
                method: "colissimo".into(),
                currency: chf
            })
        );
    }

    #[test]
    fn pickup_is_free_everywhere() {
        let pickup = offer(
            ShippingOfferRate::Pickup {
                address: "Atelier".into(),
            },
            &[],
        );
        assert_eq!(quote(&pickup, &parcel(100, 99_999, "JP")), Ok(0));
    }

    #[test]
    fn shipping_tax_follows_goods_rates() {
        // 4,90 € split 50/50 between 20 % and 5,5 %: 2,45 € each.
        let split = split_shipping(490, &[(TaxRate(2000), 1000), (TaxRate(550), 1000)], false);
        let expected_tax = split_gross(245, TaxRate(2000)).tax + split_gross(245, TaxRate(550)).tax;
        assert_eq!(split.tax, expected_tax);
        assert_eq!(split.net + split.tax, 490);
    }

    #[test]
    fn shipping_split_adds_up_for_odd_shares() {
        for gross in [1, 7, 490, 1299] {
            let split = split_shipping(
                gross,
                &[(TaxRate(2000), 333), (TaxRate(550), 333), (TaxRate(1000), 334)],
                false,
            );
            assert_eq!(split.net + split.tax, gross);
        }
        assert_eq!(split_shipping(490, &[(TaxRate(2000), 100)], true).tax, 0);
        assert_eq!(split_shipping(600, &[], false).tax, 0);
        assert_eq!(split_shipping(600, &[(TaxRate(2000), 0)], false).tax, 100);
    }
}

//! VAT: rates per tax class and country, and the split of an amount into net and tax.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::locale::Locale;
use crate::money::round_half_up;

/// A VAT rate in hundredths of a percent: 2000 is 20 %, 550 is 5,5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaxRate(pub u32);

impl TaxRate {
    /// No VAT, as for a micro business under art. 293 B of the CGI.
    pub const ZERO: TaxRate = TaxRate(0);

    /// Parses a percentage such as `20`, `5.5` or `2,1` (at most two decimals).
    pub fn parse_percent(text: &str) -> Result<Self, String> {
        let normalized = text.trim().replace(',', ".");
        let invalid = || format!("invalid VAT rate `{text}`: write a percentage such as `20` or `5.5`");
        let decimal = Decimal::from_str(&normalized).map_err(|_| invalid())?;
        if decimal.is_sign_negative() || decimal > Decimal::from(100) || decimal.normalize().scale() > 2 {
            return Err(invalid());
        }
        let hundredths = decimal * Decimal::from(100);
        u32::try_from(hundredths.trunc().mantissa() / 10_i128.pow(hundredths.trunc().scale()))
            .map(TaxRate)
            .map_err(|_| invalid())
    }

    /// The rate as a fraction: 0.2 for 20 %.
    pub fn as_fraction(&self) -> Decimal {
        Decimal::new(i64::from(self.0), 4)
    }

    /// Formats for a reader: `5,5 %` in French, `5.5%` in English.
    pub fn format(&self, locale: &Locale) -> String {
        let percent = Decimal::new(i64::from(self.0), 2).normalize().to_string();
        if locale.is_french() {
            format!("{}\u{A0}%", percent.replace('.', ","))
        } else {
            format!("{percent}%")
        }
    }
}

impl fmt::Display for TaxRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", Decimal::new(i64::from(self.0), 2).normalize())
    }
}

/// The French rates: standard 20 %, intermediate 10 %, reduced 5,5 %, super-reduced 2,1 %.
pub fn french_defaults() -> Vec<(&'static str, TaxRate)> {
    vec![
        ("standard", TaxRate(2000)),
        ("intermediate", TaxRate(1000)),
        ("reduced", TaxRate(550)),
        ("super_reduced", TaxRate(210)),
        ("zero", TaxRate(0)),
    ]
}

/// An amount split into its net part and its tax, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxSplit {
    /// Amount without tax (HT).
    pub net: i64,
    /// The tax.
    pub tax: i64,
    /// Amount with tax (TTC); always `net + tax`.
    pub gross: i64,
}

/// Splits a tax-inclusive amount: the tax is rounded half up to the minor unit and
/// the net is what remains, so net + tax is the gross to the cent.
pub fn split_gross(gross: i64, rate: TaxRate) -> TaxSplit {
    let gross_decimal = Decimal::from(gross);
    let net = gross_decimal / (Decimal::ONE + rate.as_fraction());
    let tax = round_half_up(gross_decimal - net, 0);
    let tax = i64::try_from(tax.mantissa() / 10_i128.pow(tax.scale())).unwrap_or(0);
    TaxSplit {
        net: gross - tax,
        tax,
        gross,
    }
}

/// Adds tax to a net amount: the tax is rounded half up to the minor unit.
pub fn split_net(net: i64, rate: TaxRate) -> TaxSplit {
    let tax = round_half_up(Decimal::from(net) * rate.as_fraction(), 0);
    let tax = i64::try_from(tax.mantissa() / 10_i128.pow(tax.scale())).unwrap_or(0);
    TaxSplit {
        net,
        tax,
        gross: net + tax,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_french_rates() {
        assert_eq!(TaxRate::parse_percent("20"), Ok(TaxRate(2000)));
        assert_eq!(TaxRate::parse_percent("5.5"), Ok(TaxRate(550)));
        assert_eq!(TaxRate::parse_percent("2,1"), Ok(TaxRate(210)));
        assert!(TaxRate::parse_percent("-1").is_err());
        assert!(TaxRate::parse_percent("5.555").is_err());
        assert!(TaxRate::parse_percent("101").is_err());
    }

    #[test]
    fn formats_rates() {
        let fr = Locale::parse("fr").expect("locale");
        let en = Locale::parse("en").expect("locale");
        assert_eq!(TaxRate(550).format(&fr), "5,5\u{A0}%");
        assert_eq!(TaxRate(2000).format(&en), "20%");
    }

    #[test]
    fn gross_split_adds_up() {
        // 24,90 € TTC at 20 %: 20,75 € HT + 4,15 € VAT.
        assert_eq!(
            split_gross(2490, TaxRate(2000)),
            TaxSplit {
                net: 2075,
                tax: 415,
                gross: 2490
            }
        );
        for gross in [1, 99, 1999, 12345, 999_999] {
            for rate in [2000, 1000, 550, 210, 0] {
                let split = split_gross(gross, TaxRate(rate));
                assert_eq!(split.net + split.tax, gross);
            }
        }
    }

    #[test]
    fn net_split_rounds_half_up() {
        // 10,25 € HT at 20 %: 2,05 € of VAT exactly; 0,03 € at 5,5 %: 0,00165 → 0,00.
        assert_eq!(
            split_net(1025, TaxRate(2000)),
            TaxSplit {
                net: 1025,
                tax: 205,
                gross: 1230
            }
        );
        assert_eq!(split_net(3, TaxRate(550)).tax, 0);
        assert_eq!(split_net(10, TaxRate(550)).tax, 1);
    }
}

//! Money: integer minor units with an ISO 4217 currency, exact decimal parsing,
//! explicit rounding and formatting for French and English readers.
//!
//! No floating point is used on an amount. A price written as a TOML float is turned
//! back into the shortest decimal that reads as the same float (`24.9` stays `24.9`),
//! then parsed exactly.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::locale::Locale;

/// An ISO 4217 currency that Comptoir knows the minor unit of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// Currencies Comptoir can price in, with the number of decimals of their minor unit
/// (ISO 4217) and the symbol readers expect.
const CURRENCIES: &[(&str, u8, &str)] = &[
    ("EUR", 2, "€"),
    ("CHF", 2, "CHF"),
    ("USD", 2, "$"),
    ("GBP", 2, "£"),
    ("CAD", 2, "CA$"),
    ("AUD", 2, "A$"),
    ("JPY", 0, "¥"),
    ("KRW", 0, "₩"),
    ("CNY", 2, "CN¥"),
    ("SEK", 2, "SEK"),
    ("NOK", 2, "NOK"),
    ("DKK", 2, "DKK"),
    ("PLN", 2, "PLN"),
    ("CZK", 2, "CZK"),
    ("HUF", 2, "HUF"),
    ("RON", 2, "RON"),
    ("ISK", 0, "ISK"),
    ("MAD", 2, "MAD"),
    ("TND", 3, "TND"),
    ("XOF", 0, "F CFA"),
    ("XPF", 0, "F CFP"),
];

impl Currency {
    /// The euro, the shop currency unless `[shop] currency` says otherwise.
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        exponent: 2,
    };

    /// Looks up an ISO 4217 code such as `EUR`.
    pub fn parse(code: &str) -> Result<Self, String> {
        CURRENCIES
            .iter()
            .find(|(known, _, _)| *known == code)
            .map(|(known, exponent, _)| {
                let bytes = known.as_bytes();
                Currency {
                    code: [bytes[0], bytes[1], bytes[2]],
                    exponent: *exponent,
                }
            })
            .ok_or_else(|| {
                let known: Vec<&str> = CURRENCIES.iter().map(|(code, _, _)| *code).collect();
                format!("unknown currency `{code}`: expected one of {}", known.join(", "))
            })
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The bytes come from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of decimals of the minor unit: 2 for EUR, 0 for JPY.
    pub fn exponent(&self) -> u32 {
        u32::from(self.exponent)
    }

    fn symbol(&self) -> &'static str {
        CURRENCIES
            .iter()
            .find(|(code, _, _)| code.as_bytes() == self.code)
            .map_or("", |(_, _, symbol)| symbol)
    }

    /// Whether the symbol is a sign (`€`, `$`) rather than letters (`CHF`).
    fn symbol_is_sign(&self) -> bool {
        !self.symbol().chars().all(|c| c.is_ascii_uppercase() || c == ' ')
    }
}

impl TryFrom<String> for Currency {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = String;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::parse(code)
    }
}

/// An amount in integer minor units (cents for EUR) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Minor units: 12990 is 129,90 € in EUR.
    pub amount: i64,
    /// The currency of `amount`.
    pub currency: Currency,
}

/// Why a decimal price could not become minor units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The text is not a decimal number.
    #[error("`{value}` is not a decimal amount: write it like `24.90`")]
    NotADecimal {
        /// The text as read.
        value: String,
    },
    /// More decimals than the currency's minor unit.
    #[error(
        "`{value}` has more decimals than {currency} allows ({exponent}): round it to {exponent} decimals"
    )]
    TooManyDecimals {
        /// The text as read.
        value: String,
        /// The currency it was read in.
        currency: Currency,
        /// The decimals the currency has.
        exponent: u32,
    },
    /// Below zero.
    #[error("`{value}` is negative: a price must be 0 or more")]
    Negative {
        /// The text as read.
        value: String,
    },
    /// Too large to count in minor units.
    #[error("`{value}` is too large")]
    TooLarge {
        /// The text as read.
        value: String,
    },
}

impl Money {
    /// Builds an amount from minor units.
    pub const fn new(amount: i64, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Money { amount: 0, currency }
    }

    /// Parses a decimal price such as `24.90` or `24,90` exactly. The amount may not
    /// be negative nor carry more decimals than the currency.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, AmountError> {
        let trimmed = text.trim();
        let normalized = trimmed.replace(',', ".");
        let decimal = Decimal::from_str(&normalized).map_err(|_| AmountError::NotADecimal {
            value: trimmed.to_owned(),
        })?;
        Self::from_decimal_exact(decimal, trimmed, currency)
    }

    /// Reads a price written as a TOML or JSON float through the shortest decimal
    /// that denotes the same float, so `24.9` is exactly 2490 cents.
    pub fn parse_float(value: f64, currency: Currency) -> Result<Self, AmountError> {
        let text = format!("{value}");
        if !value.is_finite() {
            return Err(AmountError::NotADecimal { value: text });
        }
        Self::parse_decimal(&text, currency)
    }

    fn from_decimal_exact(decimal: Decimal, text: &str, currency: Currency) -> Result<Self, AmountError> {
        if decimal.is_sign_negative() && !decimal.is_zero() {
            return Err(AmountError::Negative {
                value: text.to_owned(),
            });
        }
        let exponent = currency.exponent();
        if decimal.normalize().scale() > exponent {
            return Err(AmountError::TooManyDecimals {
                value: text.to_owned(),
                currency,
                exponent,
            });
        }
        let minor = decimal * Decimal::from(10_i64.pow(exponent));
        let amount =
            i64::try_from(minor.trunc().mantissa() / 10_i128.pow(minor.trunc().scale())).map_err(|_| {
                AmountError::TooLarge {
                    value: text.to_owned(),
                }
            })?;
        Ok(Money { amount, currency })
    }

    /// Converts a decimal amount (for example the result of a currency conversion)
    /// to minor units, rounding half away from zero: 927.675 EUR is 927.68.
    pub fn from_decimal_rounded(decimal: Decimal, currency: Currency) -> Option<Self> {
        let rounded = round_half_up(decimal, currency.exponent());
        let minor = rounded * Decimal::from(10_i64.pow(currency.exponent()));
        i64::try_from(minor.trunc().mantissa() / 10_i128.pow(minor.trunc().scale()))
            .ok()
            .map(|amount| Money { amount, currency })
    }

    /// The amount as a decimal in major units (129.90).
    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.amount, self.currency.exponent())
    }

    /// The amount in major units with a dot, as feeds and schema.org expect: `129.90`.
    pub fn to_plain_string(&self) -> String {
        format!("{:.*}", self.currency.exponent() as usize, self.to_decimal())
    }

    /// Adds two amounts of the same currency; `None` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        self.amount
            .checked_add(other.amount)
            .map(|amount| Money { amount, ..self })
    }

    /// Multiplies by a quantity; `None` on overflow.
    pub fn checked_mul(self, quantity: i64) -> Option<Money> {
        self.amount
            .checked_mul(quantity)
            .map(|amount| Money { amount, ..self })
    }

    /// Formats for a reader of `locale`: `1 234,50 €` in French (narrow no-break space
    /// between thousands, no-break space before the symbol), `€1,234.50` in English,
    /// `CHF 1,234.50` for a currency written with letters.
    pub fn format(&self, locale: &Locale) -> String {
        let exponent = self.currency.exponent() as usize;
        let magnitude = self.amount.unsigned_abs();
        let divisor = 10_u64.pow(exponent as u32);
        let (units, fraction) = (magnitude / divisor, magnitude % divisor);
        let sign = if self.amount < 0 { "-" } else { "" };
        let symbol = self.currency.symbol();

        if locale.is_french() {
            let mut number = group_thousands(units, '\u{202F}');
            if exponent > 0 {
                number.push(',');
                number.push_str(&format!("{fraction:0exponent$}"));
            }
            format!("{sign}{number}\u{A0}{symbol}")
        } else {
            let mut number = group_thousands(units, ',');
            if exponent > 0 {
                number.push('.');
                number.push_str(&format!("{fraction:0exponent$}"));
            }
            if self.currency.symbol_is_sign() {
                format!("{sign}{symbol}{number}")
            } else {
                format!("{sign}{symbol}\u{A0}{number}")
            }
        }
    }
}

/// Rounds to `decimals` places, half away from zero (the usual commercial rule).
pub fn round_half_up(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

fn group_thousands(mut units: u64, separator: char) -> String {
    let mut groups = Vec::new();
    loop {
        groups.push(units % 1000);
        units /= 1000;
        if units == 0 {
            break;
        }
    }
    let mut text = String::new();
    for (index, group) in groups.iter().rev().enumerate() {
        if index == 0 {
            text.push_str(&group.to_string());
        } else {
            text.push(separator);
            text.push_str(&format!("{group:03}"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Locale {
        Locale::parse("fr").expect("valid locale")
    }

    fn en() -> Locale {
        Locale::parse("en").expect("valid locale")
    }

    fn currency(code: &str) -> Currency {
        Currency::parse(code).expect("known currency")
    }

    #[test]
    fn formats_euros_in_french_and_english() {
        let amount = Money::new(123_450, Currency::EUR);
        assert_eq!(amount.format(&fr()), "1\u{202F}234,50\u{A0}€");
        assert_eq!(amount.format(&en()), "€1,234.50");
    }

    #[test]
    fn formats_small_and_negative_amounts() {
        assert_eq!(Money::new(5, Currency::EUR).format(&fr()), "0,05\u{A0}€");
        assert_eq!(Money::new(-12_990, Currency::EUR).format(&en()), "-€129.90");
        assert_eq!(
            Money::new(100_000_000, Currency::EUR).format(&en()),
            "€1,000,000.00"
        );
    }

    #[test]
    fn formats_swiss_francs_with_letters() {
        let amount = Money::new(123_450, currency("CHF"));
        assert_eq!(amount.format(&fr()), "1\u{202F}234,50\u{A0}CHF");
        assert_eq!(amount.format(&en()), "CHF\u{A0}1,234.50");
    }

    #[test]
    fn formats_yen_without_decimals() {
        let amount = Money::new(1235, currency("JPY"));
        assert_eq!(amount.format(&fr()), "1\u{202F}235\u{A0}¥");
        assert_eq!(amount.format(&en()), "¥1,235");
    }

    #[test]
    fn parses_decimal_text_exactly() {
        assert_eq!(
            Money::parse_decimal("24.90", Currency::EUR),
            Ok(Money::new(2490, Currency::EUR))
        );
        assert_eq!(
            Money::parse_decimal("24,9", Currency::EUR),
            Ok(Money::new(2490, Currency::EUR))
        );
        assert_eq!(
            Money::parse_decimal("1500", currency("JPY")),
            Ok(Money::new(1500, currency("JPY")))
        );
    }

    #[test]
    fn parses_floats_without_binary_error() {
        // 0.1 + 0.2 style floats: 19.99 is not representable, yet must be 1999 cents.
        assert_eq!(
            Money::parse_float(19.99, Currency::EUR),
            Ok(Money::new(1999, Currency::EUR))
        );
        assert_eq!(
            Money::parse_float(0.07, Currency::EUR),
            Ok(Money::new(7, Currency::EUR))
        );
    }

    #[test]
    fn rejects_extra_decimals_and_negatives() {
        assert!(matches!(
            Money::parse_decimal("24.905", Currency::EUR),
            Err(AmountError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Money::parse_decimal("12.5", currency("JPY")),
            Err(AmountError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Money::parse_decimal("-1", Currency::EUR),
            Err(AmountError::Negative { .. })
        ));
        assert!(matches!(
            Money::parse_decimal("abc", Currency::EUR),
            Err(AmountError::NotADecimal { .. })
        ));
    }

    #[test]
    fn rounds_half_up_on_decimals() {
        let value = Decimal::from_str("927.675").expect("decimal");
        assert_eq!(
            Money::from_decimal_rounded(value, Currency::EUR),
            Some(Money::new(92_768, Currency::EUR))
        );
        let value = Decimal::from_str("927.674").expect("decimal");
        assert_eq!(
            Money::from_decimal_rounded(value, Currency::EUR),
            Some(Money::new(92_767, Currency::EUR))
        );
        let value = Decimal::from_str("0.005").expect("decimal");
        assert_eq!(
            Money::from_decimal_rounded(value, Currency::EUR),
            Some(Money::new(1, Currency::EUR))
        );
    }

    #[test]
    fn plain_string_for_feeds() {
        assert_eq!(Money::new(12990, Currency::EUR).to_plain_string(), "129.90");
        assert_eq!(Money::new(1500, currency("JPY")).to_plain_string(), "1500");
    }

    #[test]
    fn rejects_unknown_currency() {
        let error = Currency::parse("EUX").expect_err("unknown");
        assert!(error.contains("unknown currency `EUX`"), "{error}");
    }
}

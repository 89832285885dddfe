//! Locales: the language tags a store is rendered in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language tag such as `fr`, `en` or `fr-CH`: a two- or three-letter lowercase
/// language, optionally followed by `-` and a two-letter uppercase region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locale(String);

impl Locale {
    /// Parses a tag, returning why it is invalid otherwise.
    pub fn parse(tag: &str) -> Result<Self, String> {
        let (language, region) = match tag.split_once('-') {
            Some((language, region)) => (language, Some(region)),
            None => (tag, None),
        };
        let language_ok =
            (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
        let region_ok =
            region.is_none_or(|region| region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase()));
        if language_ok && region_ok {
            Ok(Locale(tag.to_owned()))
        } else {
            Err(format!(
                "invalid locale `{tag}`: expected a lowercase language code such as `fr` or `en`, optionally with a region such as `fr-CH`"
            ))
        }
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language part of the tag (`fr` for `fr-CH`).
    pub fn language(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// Whether numbers and prices follow French conventions (decimal comma, narrow
    /// no-break space between thousands, currency after the amount). Every other
    /// language uses English conventions.
    pub fn is_french(&self) -> bool {
        self.language() == "fr"
    }
}

impl TryFrom<String> for Locale {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Locale::parse(&value)
    }
}

impl From<Locale> for String {
    fn from(locale: Locale) -> Self {
        locale.0
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_language_and_region() {
        assert_eq!(
            Locale::parse("fr").map(|l| l.language().to_owned()),
            Ok("fr".into())
        );
        assert_eq!(
            Locale::parse("fr-CH").map(|l| l.language().to_owned()),
            Ok("fr".into())
        );
    }

    #[test]
    fn rejects_malformed_tags() {
        for tag in ["", "F", "FR", "fr_CH", "fr-ch", "french"] {
            assert!(Locale::parse(tag).is_err(), "{tag} should be rejected");
        }
    }
}

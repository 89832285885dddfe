//! Messages a visitor or merchant reads in API responses and plain-text emails, in
//! French or English, from `edge/i18n/{en,fr}.ftl` compiled into the binary.
//!
//! The language of a response comes from the cart or request (`locale`), else from
//! `Accept-Language`, else from the default locale of the first store. Locales in
//! other languages read English.

use std::borrow::Cow;
use std::sync::OnceLock;

use commerce::Locale;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

const EN_FTL: &str = include_str!("../i18n/en.ftl");
const FR_FTL: &str = include_str!("../i18n/fr.ftl");

/// A language the edge writes messages in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// The language for a store locale: French for `fr` and `fr-XX`, else English.
    pub fn of(locale: &Locale) -> Lang {
        if locale.language() == "fr" {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// The locale whose number and money formats go with this language.
    pub fn locale(self) -> Locale {
        let tag = match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        };
        Locale::parse(tag).unwrap_or_else(|_| unreachable!("`en` and `fr` are valid locales"))
    }

    /// Picks the first French or English language of an `Accept-Language` header,
    /// by decreasing quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(u16, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let quality = pieces
                    .find_map(|piece| piece.trim().strip_prefix("q="))
                    .map_or(1000, |q| (q.trim().parse::<f32>().unwrap_or(0.0) * 1000.0) as u16);
                let language = tag.split('-').next()?.to_ascii_lowercase();
                let lang = match language.as_str() {
                    "fr" => Lang::Fr,
                    "en" => Lang::En,
                    _ => return None,
                };
                (quality > 0).then_some((quality, lang))
            })
            .collect();
        // A stable sort keeps the header's order among equal qualities.
        ranked.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
        ranked.first().map(|(_, lang)| *lang)
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
        static FR: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
        match self {
            Lang::En => EN.get_or_init(|| make_bundle("en", EN_FTL)),
            Lang::Fr => FR.get_or_init(|| make_bundle("fr", FR_FTL)),
        }
    }
}

fn make_bundle(tag: &str, source: &str) -> FluentBundle<FluentResource> {
    let language: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // Isolation marks would end up inside JSON strings and emails.
    bundle.set_use_isolating(false);
    // The files are compiled in and checked by the tests below, so a syntax error can
    // only come from an edit that those tests catch.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource);
    let _ignored_duplicates = bundle.add_resource(resource);
    bundle
}

/// A value passed to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text, inserted as it is.
    Text(String),
    /// A number, so Fluent can choose plural forms.
    Number(i64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Number(value)
    }
}

impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Arg::Number(i64::from(value))
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// Renders message `id` in `lang` with named arguments. A message missing in `lang`
/// falls back to English, then to the id itself, so a response always has text.
pub fn message(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    render(lang, id, args)
        .or_else(|| render(Lang::En, id, args))
        .unwrap_or_else(|| id.to_owned())
}

fn render(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    let bundle = lang.bundle();
    let pattern = bundle.get_message(id)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::String(Cow::Owned(text.clone())),
            Arg::Number(number) => FluentValue::from(*number),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Message ids: lines that start with an identifier followed by ` =`. Parsing the
    /// resource first makes a syntax error fail here too.
    fn ids(source: &str) -> BTreeSet<String> {
        let parsed = FluentResource::try_new(source.to_owned());
        assert!(parsed.is_ok(), "the file has Fluent syntax errors");
        source
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn both_languages_have_same_ids() {
        let english = ids(EN_FTL);
        let french = ids(FR_FTL);
        assert!(english.len() > 50, "{} messages", english.len());
        assert_eq!(
            english.difference(&french).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in fr.ftl"
        );
        assert_eq!(
            french.difference(&english).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in en.ftl"
        );
    }

    #[test]
    fn messages_render_with_arguments() {
        let args = [("title", Arg::from("Tasse")), ("available", Arg::from(2_i64))];
        assert_eq!(
            message(Lang::En, "error-out-of-stock", &args),
            "Not enough stock for “Tasse”: 2 left."
        );
        assert_eq!(
            message(Lang::Fr, "error-out-of-stock", &args),
            "Stock insuffisant pour « Tasse » : il en reste 2."
        );
    }

    #[test]
    fn backorder_message_chooses_variant() {
        let later = [("quantity", Arg::from(3_i64)), ("days", Arg::from(0_i64))];
        assert_eq!(
            message(Lang::En, "line-backorder", &later),
            "3 to be shipped later, when back in stock."
        );
        let delay = [("quantity", Arg::from(3_i64)), ("days", Arg::from(15_i64))];
        assert_eq!(
            message(Lang::Fr, "line-backorder", &delay),
            "3 à expédier sous 15 jours."
        );
    }

    #[test]
    fn missing_id_falls_back_to_id() {
        assert_eq!(message(Lang::Fr, "no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(
            Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("de, en;q=0.5, fr;q=0.7"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de, es"), None);
        assert_eq!(Lang::from_accept_language("fr;q=0, en"), Some(Lang::En));
    }
}

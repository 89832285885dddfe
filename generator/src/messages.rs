//! Messages a merchant reads on the command line, in French or English.
//!
//! Every message is a Fluent id with named arguments; the texts live in
//! `generator/i18n/{en,fr}/*.ftl`, compiled into the binary. The language comes from
//! `--lang`, else `LANG` / `LC_ALL` / `LC_MESSAGES`, else English.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The message files of one language, one per area of the command so that each
/// area's messages can be edited on their own.
macro_rules! ftl_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../i18n/", $lang, "/cli.ftl")),
            include_str!(concat!("../i18n/", $lang, "/load.ftl")),
            include_str!(concat!("../i18n/", $lang, "/render.ftl")),
            include_str!(concat!("../i18n/", $lang, "/serve.ftl")),
            include_str!(concat!("../i18n/", $lang, "/deploy.ftl")),
            include_str!(concat!("../i18n/", $lang, "/privacy.ftl")),
        ]
    };
}

const EN_FTL: [&str; 6] = ftl_files!("en");
const FR_FTL: [&str; 6] = ftl_files!("fr");

/// A language the command line speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Picks the language from a tag such as `fr`, `fr_FR.UTF-8` or `en-GB`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let language = tag
            .split(['_', '-', '.'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match language.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from `LC_ALL`, `LC_MESSAGES` then `LANG`, as gettext does.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::from_tag(&value))
            .unwrap_or_default()
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

fn make_bundle(tag: &str, sources: [&str; 6]) -> FluentBundle<FluentResource> {
    let language: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // Isolation marks around arguments would end up in terminals and test snapshots.
    bundle.set_use_isolating(false);
    // The files are compiled in and checked by `every_message_parses`, so a broken
    // entry can only come from a bad edit caught by that test.
    for source in sources {
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource);
        let _ignored_duplicates = bundle.add_resource(resource);
    }
    bundle
}

/// A message id and its arguments, rendered in a language when printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Fluent message id, such as `content-unknown-key`.
    pub id: &'static str,
    /// Named arguments, in the order given.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    /// A message without arguments.
    pub fn new(id: &'static str) -> Self {
        Message { id, args: Vec::new() }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// The message in `lang`. An id missing from the language falls back to English,
    /// then to the id itself with its arguments, so nothing is ever lost.
    pub fn render(&self, lang: Lang) -> String {
        render_with(lang.bundle(), self)
            .or_else(|| render_with(Lang::En.bundle(), self))
            .unwrap_or_else(|| {
                let args: Vec<String> = self
                    .args
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                format!("{} ({})", self.id, args.join(", "))
            })
    }
}

fn render_with(bundle: &FluentBundle<FluentResource>, message: &Message) -> Option<String> {
    let pattern = bundle.get_message(message.id)?.value()?;
    let mut args = FluentArgs::new();
    for (name, value) in &message.args {
        // Numbers stay numbers so that Fluent can pick plural forms.
        let value: FluentValue = match value.parse::<i64>() {
            Ok(number) => FluentValue::from(number),
            Err(_) => FluentValue::String(Cow::Owned(value.clone())),
        };
        args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

impl fmt::Display for Message {
    /// English, for logs and tests; the command line renders in the chosen language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Builds a [`Message`]: `msg!("content-unknown-key", key = name, file = path)`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Message::new($id)$(.arg(stringify!($name), $value))*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_parses() {
        for (name, sources) in [("en", EN_FTL), ("fr", FR_FTL)] {
            for source in sources {
                if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
                    panic!("a file of i18n/{name}/ has syntax errors: {errors:?}");
                }
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_ids() {
        let ids = |sources: [&str; 6]| -> Vec<String> {
            let mut ids: Vec<String> = sources
                .iter()
                .flat_map(|source| source.lines())
                .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(
            ids(EN_FTL),
            ids(FR_FTL),
            "i18n/en/ and i18n/fr/ must define the same messages"
        );
    }

    #[test]
    fn picks_language_from_tags() {
        assert_eq!(Lang::from_tag("fr_FR.UTF-8"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de_DE"), None);
        assert_eq!(Lang::from_tag("C"), None);
    }

    #[test]
    fn renders_both_languages() {
        let message = msg!("build-done", pages = 3, millis = 12);
        assert_eq!(message.render(Lang::En), "Built 3 pages in 12 ms.");
        assert_eq!(message.render(Lang::Fr), "3 pages générées en 12 ms.");
    }

    #[test]
    fn unknown_id_keeps_its_arguments() {
        let message = msg!("no-such-message", value = "x");
        assert_eq!(message.render(Lang::Fr), "no-such-message (value=x)");
    }
}

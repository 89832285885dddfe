//! Messages for a value of the wrong type: the key, the value as written, what was
//! expected in plain words and a corrected line.
//!
//! The corrected line must itself be valid. Quoting a number is the fix for a key
//! that takes free text, but not for one that takes a word of a fixed set, such as
//! a stock policy or a tax display: `stock = "3"` would be rejected in turn. Such a
//! key gets the list of its words instead. The words come from the rules the
//! caller gives, for keys checked after serde, and from serde itself for enums.

use std::ops::Range;

use crate::messages::Message;
use crate::msg;

use super::backquoted;

/// A rule for a key that serde reads as any text but the loader checks afterwards,
/// so that a value of the wrong type gets a valid example.
#[derive(Debug, Clone)]
pub(crate) struct ValueRule {
    /// Key path, with `*` for any one key: `variants.stock`, `payment.*.provider`.
    pub keys: &'static str,
    /// The values the check accepts.
    pub accepts: Accepts,
}

/// The texts a key accepts.
#[derive(Debug, Clone)]
pub(crate) enum Accepts {
    /// One of these words.
    Words(Vec<String>),
    /// A language tag, such as `fr` or `fr-CH`.
    Locale,
    /// An ISO 3166-1 alpha-2 country code in capitals, such as `FR`.
    Country,
}

impl Accepts {
    /// Words of a comma-separated list, such as `StockPolicy::NAMES`.
    pub fn words(list: &str) -> Self {
        Accepts::Words(list.split(',').map(|word| word.trim().to_owned()).collect())
    }
}

/// A value that serde rejected.
pub(super) struct Rejected<'a> {
    /// serde's message.
    pub message: &'a str,
    /// Key path, without the elements of arrays of tables.
    pub keys: &'a [String],
    /// The key's whole value as written.
    pub whole: &'a str,
    /// The part of `whole` that serde rejected: all of it, or one element of a list.
    pub part: Range<usize>,
}

impl Rejected<'_> {
    /// Writes the line `name = value`, with the rejected part of the value replaced
    /// by `fixed`.
    fn line_with(&self, fixed: &str) -> String {
        let name = self.keys.last().map_or("", String::as_str);
        let start = &self.whole[..self.part.start];
        let end = &self.whole[self.part.end..];
        format!("{name} = {start}{fixed}{end}")
    }

    fn written(&self) -> &str {
        self.whole[self.part.clone()].trim()
    }
}

/// Words serde's `invalid type: …, expected …`, `invalid value: …, expected …` and
/// `invalid length …, expected …`, and toml's messages for an enum or an untagged
/// enum given a value of the wrong type. `probe` returns serde's message when it
/// rejects the key's value with its rejected part replaced by the given text, so
/// the suggested value is never one serde would reject. `None` for other messages.
pub(super) fn wrong_type_message(
    rejected: &Rejected<'_>,
    rules: &[ValueRule],
    probe: &dyn Fn(&str) -> Option<String>,
) -> Option<Message> {
    if rejected.keys.is_empty() {
        return None;
    }
    let (kind, expected) = expected_of(rejected.message)?;
    let key = rejected.keys.join(".");
    let value = shorten(rejected.written());

    match kind {
        "table" | "other" => Some(msg!(
            "toml-wrong-type-detail",
            key = key,
            name = rejected.keys.last().cloned().unwrap_or_default(),
            value = value,
            expected = kind,
            detail = expected
        )),
        "text" => Some(text_message(rejected, rules, probe, key, value)),
        _ => Some(msg!(
            "toml-wrong-type",
            key = key,
            value = value,
            expected = kind,
            example = rejected.line_with(&example(kind, rejected.written()))
        )),
    }
}

/// Names the kind of value serde expected, with its own words for the detail.
fn expected_of(message: &str) -> Option<(&'static str, &str)> {
    let message = message.trim();
    // toml's message for an enum (`tax_display = 3`), which it reads from a string.
    if message == "wanted string or table" {
        return Some(("text", "a string"));
    }
    if let Some(name) = message.strip_prefix("data did not match any variant of untagged enum ") {
        return match name {
            // `RawAmount` and `PriceMap` of the settings, read from a number or text.
            "Written" | "PriceMap" => Some(("amount", message)),
            "LocalizedText" => Some(("text", message)),
            _ => None,
        };
    }
    let is_type_error = message.starts_with("invalid type:")
        || message.starts_with("invalid value:")
        || message.starts_with("invalid length");
    if !is_type_error {
        return None;
    }
    let (_, expected) = message.rsplit_once(", expected ")?;
    // The tag of an internally tagged enum, such as `kind` of a shipping method.
    if expected.trim() == "variant identifier" {
        return Some(("text", expected));
    }
    Some((expected_kind(expected), expected))
}

/// Words a value that must be text: a quoted copy of the value when that is valid,
/// else the words the key accepts, or an example of them.
fn text_message(
    rejected: &Rejected<'_>,
    rules: &[ValueRule],
    probe: &dyn Fn(&str) -> Option<String>,
    key: String,
    value: String,
) -> Message {
    let written = bare_text(rejected.written());
    let wrong_type = |example: String| {
        msg!(
            "toml-wrong-type",
            key = &key,
            value = &value,
            expected = "text",
            example = example
        )
    };

    let accepts = rule_for(rules, rejected.keys).or_else(|| {
        // An empty text is no enum variant, so serde's error lists the variants.
        probe("\"\"").and_then(|message| words_in(&message).map(Accepts::Words))
    });
    match accepts {
        Some(Accepts::Words(words)) if words.contains(&written) => {
            wrong_type(rejected.line_with(&quote(&written)))
        }
        Some(Accepts::Words(words)) => {
            let example = unused_example(rejected.whole, words.iter().map(String::as_str));
            msg!(
                "toml-wrong-type-choice",
                key = &key,
                value = &value,
                valid = words.join(", "),
                example = rejected.line_with(&quote(example))
            )
        }
        Some(Accepts::Locale) => {
            let example = unused_example(rejected.whole, ["fr", "en"]);
            wrong_type(rejected.line_with(&quote(example)))
        }
        Some(Accepts::Country) => {
            let example = unused_example(rejected.whole, ["FR", "BE"]);
            wrong_type(rejected.line_with(&quote(example)))
        }
        None => {
            let copy = example("text", rejected.written());
            match probe(&copy) {
                // A text that serde checks, such as a locale. Its error message
                // states what the text must be.
                Some(detail) => msg!(
                    "toml-wrong-type-detail",
                    key = &key,
                    name = rejected.keys.last().cloned().unwrap_or_default(),
                    value = &value,
                    expected = "other",
                    detail = detail
                ),
                None => wrong_type(rejected.line_with(&copy)),
            }
        }
    }
}

/// Finds the first of `rules` whose key path matches `keys`.
fn rule_for(rules: &[ValueRule], keys: &[String]) -> Option<Accepts> {
    rules
        .iter()
        .find(|rule| {
            let pattern: Vec<&str> = rule.keys.split('.').collect();
            pattern.len() == keys.len()
                && pattern
                    .iter()
                    .zip(keys)
                    .all(|(expected, key)| *expected == "*" || expected == key)
        })
        .map(|rule| rule.accepts.clone())
}

/// Extracts the words a serde message lists: ``unknown variant ``, expected one of
/// `a`, `b` ``, ``… expected `a` or `b` `` and `… expected one of A, B`.
fn words_in(message: &str) -> Option<Vec<String>> {
    if message.starts_with("unknown variant") {
        let words: Vec<String> = backquoted(message).into_iter().skip(1).collect();
        return (!words.is_empty()).then_some(words);
    }
    let (_, list) = message.split_once("expected one of ")?;
    let words: Vec<String> = list
        .split(',')
        .map(|word| word.trim().trim_matches('`').to_owned())
        .filter(|word| !word.is_empty())
        .collect();
    (!words.is_empty()).then_some(words)
}

/// Picks the first of `examples` that `whole` does not already contain in quotes,
/// so that a corrected list does not repeat a value. All being there, it picks the
/// first one.
fn unused_example<'a>(whole: &str, examples: impl IntoIterator<Item = &'a str>) -> &'a str {
    let examples: Vec<&str> = examples.into_iter().collect();
    examples
        .iter()
        .find(|example| !whole.contains(&quote(example)))
        .or(examples.first())
        .copied()
        .unwrap_or_default()
}

/// Writes `text` as a TOML basic string.
fn quote(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// Strips a value's quotes, and the brackets of a list of one value: `["track"]`
/// gives `track`.
fn bare_text(value: &str) -> String {
    let mut text = value.trim();
    if let Some(inner) = text.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
        text = inner.trim().trim_end_matches(',').trim();
    }
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|rest| rest.strip_suffix(quote)) {
            text = inner;
            break;
        }
    }
    text.trim().to_owned()
}

/// Names what a value should have been, from the `expected …` part of a serde message.
fn expected_kind(expected: &str) -> &'static str {
    let expected = expected.trim();
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "unsigned",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "integer",
        "f32" | "f64" => "number",
        "a boolean" => "boolean",
        "a string" | "a borrowed string" | "a character" | "a char" => "text",
        _ if expected.starts_with("a sequence") || expected.starts_with("a tuple") => "list",
        _ if expected.starts_with("a map") || expected.starts_with("struct ") => "table",
        _ => "other",
    }
}

/// Builds a corrected value of `kind`, from what was written when it can be:
/// `"12"` becomes `12`, `-5` becomes `5`, `"tasse"` becomes `["tasse"]`.
fn example(kind: &str, value: &str) -> String {
    let unquoted = value
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\'')));
    let inner = unquoted.unwrap_or(value).trim();
    match kind {
        "unsigned" => {
            let digits = inner.trim_start_matches(['-', '+']).replace([' ', '_'], "");
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                digits
            } else {
                "12".to_owned()
            }
        }
        "integer" => {
            let digits = inner.replace([' ', '_'], "");
            if digits.trim_start_matches('-').parse::<u64>().is_ok() {
                digits
            } else {
                "12".to_owned()
            }
        }
        "number" => {
            let number = inner.replace(',', ".").replace(' ', "");
            if number.parse::<f64>().is_ok() {
                number
            } else {
                "12.5".to_owned()
            }
        }
        "amount" => {
            // A price is exact decimal text. A list of one price is unwrapped.
            let number = bare_text(value).replace(',', ".").replace(' ', "");
            if number.parse::<rust_decimal::Decimal>().is_ok() {
                quote(&number)
            } else {
                "\"24.90\"".to_owned()
            }
        }
        "boolean" => match inner.to_lowercase().as_str() {
            "false" | "non" | "no" | "0" => "false".to_owned(),
            _ => "true".to_owned(),
        },
        "list" if unquoted.is_some() => format!("[{value}]"),
        "list" => "[\"a\", \"b\"]".to_owned(),
        _ => quote(inner),
    }
}

/// Shortens a value for a message: at most 60 characters, on one line.
fn shorten(value: &str) -> String {
    const SHOWN: usize = 60;
    let one_line = value.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= SHOWN {
        one_line
    } else {
        let start: String = one_line.chars().take(SHOWN).collect();
        format!("{start}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(path: &str) -> Vec<String> {
        path.split('.').map(str::to_owned).collect()
    }

    /// Words `message` for `path = whole`, with serde accepting every probe.
    fn worded(message: &str, path: &str, whole: &str, rules: &[ValueRule]) -> Message {
        let keys = keys(path);
        let rejected = Rejected {
            message,
            keys: &keys,
            whole,
            part: 0..whole.len(),
        };
        wrong_type_message(&rejected, rules, &|_| None).expect("a type error")
    }

    fn stock_rule() -> Vec<ValueRule> {
        vec![ValueRule {
            keys: "stock",
            accepts: Accepts::words("track, untracked, backorder, negative"),
        }]
    }

    #[test]
    fn type_error_names_key_value_and_fix() {
        let message = worded(
            "invalid type: string \"12\", expected usize",
            "build.products_per_page",
            "\"12\"",
            &[],
        );
        assert_eq!(message.id, "toml-wrong-type");
        assert_eq!(message.args[0], ("key", "build.products_per_page".to_owned()));
        assert_eq!(message.args[1], ("value", "\"12\"".to_owned()));
        assert_eq!(message.args[2], ("expected", "unsigned".to_owned()));
        assert_eq!(message.args[3], ("example", "products_per_page = 12".to_owned()));

        let keys = keys("a");
        let rejected = Rejected {
            message: "too few unicode value digits",
            keys: &keys,
            whole: "\"\\x\"",
            part: 0..4,
        };
        assert!(wrong_type_message(&rejected, &[], &|_| None).is_none());
    }

    #[test]
    fn free_text_keeps_the_quoted_copy() {
        let message = worded(
            "invalid type: integer `3`, expected a string",
            "title",
            "3",
            &stock_rule(),
        );
        assert_eq!(message.id, "toml-wrong-type");
        assert_eq!(message.args[3], ("example", "title = \"3\"".to_owned()));
    }

    #[test]
    fn fixed_words_are_named() {
        let message = worded(
            "invalid type: integer `3`, expected a string",
            "stock",
            "3",
            &stock_rule(),
        );
        assert_eq!(message.id, "toml-wrong-type-choice");
        assert_eq!(
            message.args,
            [
                ("key", "stock".to_owned()),
                ("value", "3".to_owned()),
                ("valid", "track, untracked, backorder, negative".to_owned()),
                ("example", "stock = \"track\"".to_owned()),
            ]
        );

        // A valid word in a list of one: quoting it is the fix.
        let message = worded(
            "invalid type: sequence, expected a string",
            "stock",
            "[\"backorder\"]",
            &stock_rule(),
        );
        assert_eq!(message.id, "toml-wrong-type");
        assert_eq!(message.args[3], ("example", "stock = \"backorder\"".to_owned()));
    }

    #[test]
    fn enum_words_come_from_serde() {
        let keys = keys("currencies.CHF.rounding");
        let probe = |text: &str| -> Option<String> {
            let valid = ["\"minor\"", "\"0.05\"", "\"whole\"", "\"0.90\"", "\"0.99\""];
            (!valid.contains(&text)).then(|| {
                format!(
                    "unknown variant `{}`, expected one of `minor`, `0.05`, `whole`, `0.90`, `0.99`",
                    text.trim_matches('"')
                )
            })
        };
        let word = |whole: &str| {
            let rejected = Rejected {
                message: "wanted string or table",
                keys: &keys,
                whole,
                part: 0..whole.len(),
            };
            wrong_type_message(&rejected, &[], &probe).expect("a type error")
        };

        // `0.05` written as a number: quoting it is valid.
        let message = word("0.05");
        assert_eq!(message.id, "toml-wrong-type");
        assert_eq!(message.args[3], ("example", "rounding = \"0.05\"".to_owned()));

        let message = word("5");
        assert_eq!(message.id, "toml-wrong-type-choice");
        assert_eq!(
            message.args[2],
            ("valid", "minor, 0.05, whole, 0.90, 0.99".to_owned())
        );
        assert_eq!(message.args[3], ("example", "rounding = \"minor\"".to_owned()));
    }

    #[test]
    fn list_element_is_fixed_in_its_list() {
        let keys = keys("stores.currencies");
        let probe = |text: &str| -> Option<String> {
            (text != "\"EUR\"" && text != "\"CHF\"").then(|| {
                format!(
                    "unknown currency `{}`: expected one of EUR, CHF",
                    text.trim_matches('"')
                )
            })
        };
        let rejected = Rejected {
            message: "invalid type: integer `3`, expected a string",
            keys: &keys,
            whole: "[\"EUR\", 3]",
            part: 8..9,
        };
        let message = wrong_type_message(&rejected, &[], &probe).expect("a type error");
        assert_eq!(message.id, "toml-wrong-type-choice");
        assert_eq!(message.args[1], ("value", "3".to_owned()));
        assert_eq!(
            message.args[3],
            ("example", "currencies = [\"EUR\", \"CHF\"]".to_owned())
        );
    }

    #[test]
    fn codes_get_a_valid_example() {
        let rules = [
            ValueRule {
                keys: "shop.content_locale",
                accepts: Accepts::Locale,
            },
            ValueRule {
                keys: "stores.country",
                accepts: Accepts::Country,
            },
        ];
        let message = worded(
            "invalid type: integer `3`, expected a string",
            "shop.content_locale",
            "3",
            &rules,
        );
        assert_eq!(message.args[3], ("example", "content_locale = \"fr\"".to_owned()));
        let message = worded(
            "invalid type: integer `3`, expected a string",
            "stores.country",
            "3",
            &rules,
        );
        assert_eq!(message.args[3], ("example", "country = \"FR\"".to_owned()));
    }

    #[test]
    fn rejected_copy_is_not_suggested() {
        let keys = keys("shop.content_locale");
        let probe = |_: &str| Some("invalid locale `3`: expected a language code".to_owned());
        let rejected = Rejected {
            message: "invalid type: integer `3`, expected a string",
            keys: &keys,
            whole: "3",
            part: 0..1,
        };
        let message = wrong_type_message(&rejected, &[], &probe).expect("a type error");
        assert_eq!(message.id, "toml-wrong-type-detail");
        assert_eq!(
            message.args[4],
            (
                "detail",
                "invalid locale `3`: expected a language code".to_owned()
            )
        );
    }

    #[test]
    fn amounts_of_the_wrong_type() {
        let untagged = "data did not match any variant of untagged enum Written";
        let message = worded(untagged, "price", "true", &[]);
        assert_eq!(message.id, "toml-wrong-type");
        assert_eq!(message.args[2], ("expected", "amount".to_owned()));
        assert_eq!(message.args[3], ("example", "price = \"24.90\"".to_owned()));
        let message = worded(untagged, "price", "[24.90]", &[]);
        assert_eq!(message.args[3], ("example", "price = \"24.90\"".to_owned()));
        let message = worded(untagged, "price", "[\"12,5\"]", &[]);
        assert_eq!(message.args[3], ("example", "price = \"12.5\"".to_owned()));
    }

    #[test]
    fn expected_kinds_and_examples() {
        assert_eq!(expected_kind("u32"), "unsigned");
        assert_eq!(expected_kind("i64"), "integer");
        assert_eq!(expected_kind("a sequence"), "list");
        assert_eq!(expected_kind("a string"), "text");
        assert_eq!(expected_kind("a boolean"), "boolean");
        assert_eq!(expected_kind("struct Address"), "table");
        assert_eq!(expected_kind("a locale tag"), "other");
        assert_eq!(example("unsigned", "-5"), "5");
        assert_eq!(example("number", "\"12,5\""), "12.5");
        assert_eq!(example("list", "\"table/assiettes\""), "[\"table/assiettes\"]");
        assert_eq!(example("text", "12"), "\"12\"");
        assert_eq!(example("boolean", "\"non\""), "false");
        assert_eq!(bare_text(" [ 'track', ] "), "track");
        assert_eq!(
            words_in("unknown variant ``, expected `incl` or `excl`"),
            Some(vec!["incl".to_owned(), "excl".to_owned()])
        );
        assert_eq!(words_in("`` is not a decimal number"), None);
    }
}

//! TOML helpers shared by `site.toml` and front matter: turning a toml error into a
//! localized message at its line and column, finding the span of a key path, and
//! splitting front matter from a Markdown body.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::messages::Message;
use crate::msg;

/// Which file a toml error comes from, so the message names the right fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TomlFile {
    /// `site.toml`.
    Settings,
    /// The front matter of a Markdown file.
    FrontMatter,
}

/// Words a toml error in the merchant's language. serde's standard messages
/// (`unknown field`, `missing field`, `unknown variant`) get their own message with
/// the key and the valid keys; anything else keeps toml's English detail behind a
/// localized prefix.
pub(crate) fn toml_error_message(file: TomlFile, error: &toml::de::Error) -> Message {
    let detail = error.message().trim().replace('\n', " ");
    let quoted = backquoted(&detail);
    let first = quoted.first().cloned().unwrap_or_default();
    let valid = if detail.contains("there are no fields") {
        "—".to_owned()
    } else {
        quoted.iter().skip(1).cloned().collect::<Vec<_>>().join(", ")
    };

    match file {
        TomlFile::Settings if detail.starts_with("unknown field") => {
            msg!("settings-unknown-key", key = first, valid = valid)
        }
        TomlFile::Settings if detail.starts_with("missing field") => {
            msg!("settings-missing-key", key = first)
        }
        TomlFile::Settings if detail.starts_with("unknown variant") => {
            msg!("settings-unknown-value", value = first, valid = valid)
        }
        TomlFile::Settings => msg!("settings-invalid", detail = detail),
        TomlFile::FrontMatter if detail.starts_with("unknown field") => {
            msg!("front-matter-unknown-key", key = first, valid = valid)
        }
        TomlFile::FrontMatter if detail.starts_with("missing field") => {
            msg!("front-matter-missing-key", key = first)
        }
        TomlFile::FrontMatter if detail.starts_with("unknown variant") => {
            msg!("front-matter-unknown-value", value = first, valid = valid)
        }
        TomlFile::FrontMatter => msg!("front-matter-invalid", detail = detail),
    }
}

/// The `…` quoted words of a serde message, in order.
fn backquoted(text: &str) -> Vec<String> {
    text.split('`')
        .enumerate()
        .filter(|(index, _)| index % 2 == 1)
        .map(|(_, word)| word.to_owned())
        .collect()
}

/// The span of the deepest key of `path` that the document contains, such as the
/// `CHF` of `[currencies.CHF]` for `["currencies", "CHF", "rate"]` when `rate` was
/// not written. Arrays of tables are searched in their first element only.
pub(crate) fn key_span(table: &DeTable<'_>, path: &[String]) -> Option<Range<usize>> {
    let mut current = table;
    let mut found = None;
    for key in path {
        let Some((spanned_key, value)) = current.get_key_value(key.as_str()) else {
            return found;
        };
        found = Some(spanned_key.span());
        current = match value.get_ref() {
            DeValue::Table(table) => table,
            DeValue::Array(array) => match array.first().map(|item| item.get_ref()) {
                Some(DeValue::Table(table)) => table,
                _ => return found,
            },
            _ => return found,
        };
    }
    found
}

/// Front matter and body of a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrontMatter<'a> {
    /// The TOML between the `+++` lines.
    pub toml: &'a str,
    /// Byte offset of `toml` in the file, to shift its spans.
    pub offset: usize,
    /// Everything after the closing `+++` line.
    pub body: &'a str,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrontMatterError {
    /// The first line is not `+++`.
    Missing,
    /// No `+++` line closes the front matter opened on line 1.
    Unclosed,
}

/// Splits `+++` front matter from the body. A UTF-8 byte order mark and Windows line
/// endings are accepted, since Windows editors write them.
pub(crate) fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, FrontMatterError> {
    let start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |index| index + 1);
    if rest[..first_line_end].trim_end() != "+++" {
        return Err(FrontMatterError::Missing);
    }

    let toml_start = start + first_line_end;
    let mut line_start = toml_start;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |index| line_start + index + 1);
        if text[line_start..line_end].trim_end() == "+++" {
            return Ok(FrontMatter {
                toml: &text[toml_start..line_start],
                offset: toml_start,
                body: &text[line_end..],
            });
        }
        line_start = line_end;
    }
    Err(FrontMatterError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_offset_and_body() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let split = split_front_matter(text).expect("front matter");
        assert_eq!(split.toml, "title = \"A\"\n");
        assert_eq!(split.offset, 4);
        assert_eq!(split.body, "Body\n");
    }

    #[test]
    fn front_matter_with_bom_and_crlf() {
        let text = "\u{FEFF}+++\r\ntitle = \"A\"\r\n+++\r\nBody";
        let split = split_front_matter(text).expect("front matter");
        assert_eq!(split.toml, "title = \"A\"\r\n");
        assert_eq!(split.offset, 3 + 5);
        assert_eq!(split.body, "Body");
    }

    #[test]
    fn front_matter_at_end_of_file() {
        let split = split_front_matter("+++\na = 1\n+++").expect("front matter");
        assert_eq!(split.toml, "a = 1\n");
        assert_eq!(split.body, "");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(split_front_matter("title = 1\n"), Err(FrontMatterError::Missing));
        assert_eq!(split_front_matter(""), Err(FrontMatterError::Missing));
        assert_eq!(
            split_front_matter("+++\ntitle = 1\nBody\n"),
            Err(FrontMatterError::Unclosed)
        );
    }

    #[test]
    fn toml_error_span_is_inside_front_matter() {
        let text = "+++\ntitle = \"A\"\nprix = 3\n+++\n";
        let split = split_front_matter(text).expect("front matter");
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Page {
            title: String,
        }
        let error = toml::from_str::<Page>(split.toml).expect_err("unknown key");
        let span = error.span().expect("span");
        let (line, column) = crate::diagnostics::line_column(text, split.offset + span.start);
        assert_eq!((line, column), (3, 1));
        let message = toml_error_message(TomlFile::FrontMatter, &error);
        assert_eq!(message.id, "front-matter-unknown-key");
        assert_eq!(message.args[0], ("key", "prix".to_owned()));
        assert_eq!(message.args[1], ("valid", "title".to_owned()));
    }

    #[test]
    fn key_span_finds_deepest_written_key() {
        let text = "[currencies.CHF]\nrounding = \"0.05\"\n";
        let table = DeTable::parse(text).expect("toml");
        let path: Vec<String> = ["currencies", "CHF", "rate"].map(str::to_owned).to_vec();
        let span = key_span(table.get_ref(), &path).expect("span");
        assert_eq!(&text[span], "CHF");
    }
}

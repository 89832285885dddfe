//! TOML helpers shared by `site.toml` and front matter: turning a toml error into a
//! localized message at its line and column, finding the span of a key path, and
//! splitting front matter from a Markdown body.

use std::ops::Range;

use serde::de::DeserializeOwned;
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
/// localized prefix. Type errors are better worded by [`deserialize_all`], which
/// knows the key and the value.
pub(crate) fn toml_error_message(file: TomlFile, error: &toml::de::Error) -> Message {
    serde_message(file, error.message())
}

fn serde_message(file: TomlFile, message: &str) -> Message {
    let detail = message.trim().replace('\n', " ");
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

/// A problem found by [`deserialize_all`], at a byte range of the parsed text when
/// one is known.
pub(crate) type TomlProblem = (Option<Range<usize>>, Message);

/// Deserializes `text`, which must be valid TOML with `document` as its parse. When
/// serde fails, it stops at the first error, so every key of `document` is then
/// checked on its own (see [`probe_keys`]) to report every unknown key and every
/// value of the wrong type at once. Problems come in text order.
pub(crate) fn deserialize_all<T: DeserializeOwned>(
    file: TomlFile,
    text: &str,
    document: &DeTable<'_>,
) -> Result<T, Vec<TomlProblem>> {
    let error = match toml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut problems = vec![first_error(file, text, document, &error)];
    probe_keys::<T>(file, text, document, &mut problems);

    // The first error is usually found again by its key's probe.
    let mut seen = Vec::new();
    problems.retain(|(span, _)| {
        let start = span.as_ref().map(|span| span.start);
        let new = !seen.contains(&start);
        seen.push(start);
        new
    });
    problems.sort_by_key(|(span, _)| span.as_ref().map_or(0, |span| span.start));
    Err(problems)
}

/// Deserializes `text` once the keys blamed by `problems` (from [`deserialize_all`])
/// are blanked out, so that checks needing typed values can still run. A key missing
/// after that takes the value of a blamed key of a close name (`legal_nam` for
/// `legal_name`), written in its place. Blanking keeps every other byte offset, so
/// spans found in the result point into `text`. Returns the value and the blanked
/// ranges, or `None` when the text cannot be repaired this way.
pub(crate) fn deserialize_repaired<T: DeserializeOwned>(
    text: &str,
    document: &DeTable<'_>,
    problems: &[TomlProblem],
) -> Option<(T, Vec<Range<usize>>)> {
    let mut leaves = Vec::new();
    collect_leaves(document, &mut leaves);
    let mut blamed = Vec::new();
    for (span, _) in problems {
        let span = span.clone()?;
        let leaf = leaves
            .iter()
            .find(|(_, key, value)| *key == span || value.contains(&span.start))?;
        blamed.push(leaf.clone());
    }

    let mut bytes = text.as_bytes().to_vec();
    for (_, key, value) in &blamed {
        blank(&mut bytes, key.start..value.end);
    }
    let mut used = vec![false; blamed.len()];
    // Each round fills in one missing key, so the bound is the number of blamed keys.
    for _ in 0..=blamed.len() {
        let repaired = String::from_utf8(bytes.clone()).ok()?;
        let error = match toml::from_str::<T>(&repaired) {
            Ok(value) => {
                let ranges = blamed
                    .iter()
                    .map(|(_, key, value)| key.start..value.end)
                    .collect();
                return Some((value, ranges));
            }
            Err(error) => error,
        };
        if !error.message().starts_with("missing field") {
            return None;
        }
        let missing = backquoted(error.message()).into_iter().next()?;
        let index =
            (0..blamed.len()).find(|index| !used[*index] && close_names(&blamed[*index].0, &missing))?;
        used[index] = true;
        let (_, key, value) = &blamed[index];
        let line = format!("{missing}={}", text.get(value.clone())?);
        if line.len() > value.end - key.start {
            return None;
        }
        bytes[key.start..key.start + line.len()].copy_from_slice(line.as_bytes());
    }
    None
}

/// Adds `(key, key span, value span)` for every value of `table` that is not a table
/// or an array of tables.
fn collect_leaves(table: &DeTable<'_>, leaves: &mut Vec<(String, Range<usize>, Range<usize>)>) {
    for (key, value) in table.iter() {
        match value.get_ref() {
            DeValue::Table(inner) if !inner.is_empty() => collect_leaves(inner, leaves),
            DeValue::Array(items)
                if items
                    .iter()
                    .any(|item| matches!(item.get_ref(), DeValue::Table(_))) =>
            {
                for item in items {
                    if let DeValue::Table(inner) = item.get_ref() {
                        collect_leaves(inner, leaves);
                    }
                }
            }
            _ => leaves.push((key.get_ref().to_string(), key.span(), value.span())),
        }
    }
}

/// Replaces `range` with spaces, keeping line breaks so lines keep their numbers.
fn blank(bytes: &mut [u8], range: Range<usize>) {
    for byte in &mut bytes[range] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// Tells whether two keys differ by at most two letters (added, removed or replaced), as
/// a typo does.
fn close_names(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let replace = previous[j] + usize::from(ca != cb);
            current.push(replace.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()] <= 2
}

/// Words the error serde stopped at, with its key and value when it is a type error
/// on a value of `document`.
fn first_error(file: TomlFile, text: &str, document: &DeTable<'_>, error: &toml::de::Error) -> TomlProblem {
    let mut span = error.span();
    // Where a struct is flattened into another, toml points at the table rather
    // than at the unknown key.
    if error.message().starts_with("unknown field")
        && let Some(table_span) = span.clone()
        && let Some(mut path) = key_path_at(document, table_span.start)
    {
        path.extend(backquoted(error.message()).into_iter().next());
        if let Some(key) = key_span(document, &path)
            && text.get(key.clone()) == path.last().map(String::as_str)
        {
            span = Some(key);
        }
    }
    let message = span
        .clone()
        .and_then(|span| {
            let path = key_path_at(document, span.start)?;
            let value = text.get(span)?;
            type_error_message(error.message(), &path, value)
        })
        .unwrap_or_else(|| serde_message(file, error.message()));
    (span, message)
}

/// A step of a key path: a key, or an element of an array of tables.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Element,
}

/// Deserializes, for each key of `document`, a document holding only that key under
/// its tables. It keeps the errors that concern that key: an unknown key, reported at
/// the key and once for a whole unknown table, or a value serde rejects, reported at
/// the value. Errors that only come from leaving the other keys out, such as a
/// missing key, are dropped.
fn probe_keys<T: DeserializeOwned>(
    file: TomlFile,
    text: &str,
    document: &DeTable<'_>,
    problems: &mut Vec<TomlProblem>,
) {
    let mut path = Vec::new();
    let mut key_spans = Vec::new();
    probe_table::<T>(file, text, document, &mut path, &mut key_spans, problems);
}

fn probe_table<T: DeserializeOwned>(
    file: TomlFile,
    text: &str,
    table: &DeTable<'_>,
    path: &mut Vec<Step>,
    key_spans: &mut Vec<Range<usize>>,
    problems: &mut Vec<TomlProblem>,
) {
    for (key, value) in table.iter() {
        path.push(Step::Key(key.get_ref().to_string()));
        key_spans.push(key.span());
        match value.get_ref() {
            DeValue::Table(inner) if !inner.is_empty() => {
                probe_table::<T>(file, text, inner, path, key_spans, problems);
            }
            DeValue::Array(items)
                if !items.is_empty()
                    && items
                        .iter()
                        .all(|item| matches!(item.get_ref(), DeValue::Table(_))) =>
            {
                for item in items {
                    if let DeValue::Table(inner) = item.get_ref() {
                        path.push(Step::Element);
                        probe_table::<T>(file, text, inner, path, key_spans, problems);
                        path.pop();
                    }
                }
            }
            DeValue::Table(_) => probe_value::<T>(file, path, key_spans, "{}", None, problems),
            _ => {
                let span = value.span();
                if let Some(source) = text.get(span.clone()) {
                    probe_value::<T>(file, path, key_spans, source, Some(span.start), problems);
                }
            }
        }
        path.pop();
        key_spans.pop();
    }
}

/// Probes `path = source`, where `source` is the value's text and `value_start` its
/// offset in the file (`None` for an empty table, which has no value text).
fn probe_value<T: DeserializeOwned>(
    file: TomlFile,
    path: &[Step],
    key_spans: &[Range<usize>],
    source: &str,
    value_start: Option<usize>,
    problems: &mut Vec<TomlProblem>,
) {
    let (probe, probe_value_start) = probe_document(path, source);
    let Err(error) = toml::from_str::<T>(&probe) else {
        return;
    };
    let message = error.message();
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|step| match step {
            Step::Key(key) => Some(key.as_str()),
            Step::Element => None,
        })
        .collect();

    if message.starts_with("unknown field") {
        // Blame the outermost key with that name, so that the keys of an unknown
        // table are not reported one by one.
        let unknown = backquoted(message).into_iter().next().unwrap_or_default();
        if let Some(depth) = keys.iter().position(|key| *key == unknown) {
            problems.push((Some(key_spans[depth].clone()), serde_message(file, message)));
        }
        return;
    }
    let Some(value_start) = value_start else {
        return;
    };
    let Some(span) = error.span() else {
        return;
    };
    let within = probe_value_start..probe_value_start + source.len();
    if !within.contains(&span.start) || message.starts_with("missing field") {
        return;
    }
    let start = value_start + (span.start - probe_value_start);
    let end = value_start + (span.end.min(within.end) - probe_value_start);
    let path: Vec<String> = keys.iter().map(|key| (*key).to_owned()).collect();
    let worded = type_error_message(message, &path, source).unwrap_or_else(|| serde_message(file, message));
    problems.push((Some(start..end), worded));
}

/// Writes a TOML document that sets only `path = source`, with the offset of `source` in
/// it. Arrays of tables become `[[…]]` headers, so nested values keep their place.
fn probe_document(path: &[Step], source: &str) -> (String, usize) {
    let mut document = String::new();
    let mut prefix: Vec<String> = Vec::new();
    let Some((Step::Key(last), tables)) = path.split_last() else {
        return (document, 0);
    };
    let mut after_element = false;
    for (index, step) in tables.iter().enumerate() {
        match step {
            Step::Key(key) => {
                prefix.push(quote_key(key));
                after_element = false;
                if matches!(tables.get(index + 1), Some(Step::Element)) {
                    document.push_str(&format!("[[{}]]\n", prefix.join(".")));
                }
            }
            Step::Element => after_element = true,
        }
    }
    if !prefix.is_empty() && !after_element {
        document.push_str(&format!("[{}]\n", prefix.join(".")));
    }
    document.push_str(&quote_key(last));
    document.push_str(" = ");
    let start = document.len();
    document.push_str(source);
    document.push('\n');
    (document, start)
}

/// Quotes a key as TOML writes it: bare when it can be, else a basic string.
fn quote_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        let escaped: String = key.chars().flat_map(char::escape_default).collect();
        format!("\"{escaped}\"")
    }
}

/// Finds the keys leading to the deepest value of `table` whose text contains `offset`.
fn key_path_at(table: &DeTable<'_>, offset: usize) -> Option<Vec<String>> {
    for (key, value) in table.iter() {
        let mut path = vec![key.get_ref().to_string()];
        let inner = match value.get_ref() {
            DeValue::Table(inner) => key_path_at(inner, offset),
            DeValue::Array(items) => items.iter().find_map(|item| match item.get_ref() {
                DeValue::Table(inner) => key_path_at(inner, offset),
                _ => None,
            }),
            _ => None,
        };
        if let Some(inner) = inner {
            path.extend(inner);
            return Some(path);
        }
        if value.span().contains(&offset) {
            return Some(path);
        }
    }
    None
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

/// Words serde's `invalid type: …, expected …`, `invalid value: …, expected …` and
/// `invalid length …, expected …` with the key, the value as written, what was
/// expected in plain words and a corrected line. `None` for other messages.
fn type_error_message(message: &str, path: &[String], value: &str) -> Option<Message> {
    let message = message.trim();
    let is_type_error = message.starts_with("invalid type:")
        || message.starts_with("invalid value:")
        || message.starts_with("invalid length");
    if !is_type_error || path.is_empty() {
        return None;
    }
    let (_, expected) = message.rsplit_once(", expected ")?;
    let kind = expected_kind(expected);
    let key = path.join(".");
    let name = path.last().cloned().unwrap_or_default();
    let shown = shorten(value.trim());
    if kind == "table" || kind == "other" {
        return Some(msg!(
            "toml-wrong-type-detail",
            key = key,
            name = name,
            value = shown,
            expected = kind,
            detail = expected
        ));
    }
    Some(msg!(
        "toml-wrong-type",
        key = key,
        value = shown,
        expected = kind,
        example = format!("{name} = {}", example(kind, value.trim()))
    ))
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
        "boolean" => match inner.to_lowercase().as_str() {
            "false" | "non" | "no" | "0" => "false".to_owned(),
            _ => "true".to_owned(),
        },
        "list" if unquoted.is_some() => format!("[{value}]"),
        "list" => "[\"a\", \"b\"]".to_owned(),
        _ => {
            let escaped = inner.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{escaped}\"")
        }
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

    #[test]
    fn type_error_names_key_value_and_fix() {
        let path = ["build".to_owned(), "products_per_page".to_owned()];
        let message = type_error_message("invalid type: string \"12\", expected usize", &path, "\"12\"")
            .expect("a type error");
        assert_eq!(message.id, "toml-wrong-type");
        assert_eq!(message.args[0], ("key", "build.products_per_page".to_owned()));
        assert_eq!(message.args[1], ("value", "\"12\"".to_owned()));
        assert_eq!(message.args[2], ("expected", "unsigned".to_owned()));
        assert_eq!(message.args[3], ("example", "products_per_page = 12".to_owned()));
        assert!(type_error_message("too few unicode value digits", &path, "\"\\x\"").is_none());
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
    }

    #[test]
    fn probe_document_keeps_arrays_of_tables() {
        let path = [
            Step::Key("menu".to_owned()),
            Step::Element,
            Step::Key("children".to_owned()),
            Step::Element,
            Step::Key("page".to_owned()),
        ];
        let (document, start) = probe_document(&path, "12");
        assert_eq!(document, "[[menu]]\n[[menu.children]]\npage = 12\n");
        assert_eq!(&document[start..start + 2], "12");

        let path = [
            Step::Key("currencies".to_owned()),
            Step::Key("C H".to_owned()),
            Step::Key("rate".to_owned()),
        ];
        let (document, _) = probe_document(&path, "1");
        assert_eq!(document, "[currencies.\"C H\"]\nrate = 1\n");
    }

    #[test]
    fn deserialize_all_reports_every_unknown_key() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Inner {
            count: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Outer {
            name: String,
            inner: Vec<Inner>,
        }
        let text = "nam = \"a\"\nname = 1\n[[inner]]\ncount = \"3\"\ncont = 3\n[other]\na = 1\nb = 2\n";
        let document = DeTable::parse(text).expect("toml");
        let problems =
            deserialize_all::<Outer>(TomlFile::Settings, text, document.get_ref()).expect_err("invalid");
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|(span, message)| (&text[span.clone().expect("span")], message.id))
            .collect();
        assert_eq!(
            found,
            [
                ("nam", "settings-unknown-key"),
                ("1", "toml-wrong-type"),
                ("\"3\"", "toml-wrong-type"),
                ("cont", "settings-unknown-key"),
                ("other", "settings-unknown-key"),
            ]
        );
    }

    #[test]
    fn close_names_allow_two_typos() {
        assert!(close_names("legal_nam", "legal_name"));
        assert!(close_names("emial", "email"));
        assert!(!close_names("phone", "email"));
    }

    #[test]
    fn repair_keeps_offsets_and_moves_typo_value() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Shop {
            legal_name: String,
            email: serde_spanned::Spanned<String>,
        }
        let text = "legal_nam = \"Brume\"\nemail = \"contact\"\n";
        let document = DeTable::parse(text).expect("toml");
        let problems =
            deserialize_all::<Shop>(TomlFile::Settings, text, document.get_ref()).expect_err("typo");
        let (shop, blanked) =
            deserialize_repaired::<Shop>(text, document.get_ref(), &problems).expect("repaired");
        assert_eq!(shop.legal_name, "Brume");
        assert_eq!(&text[shop.email.span()], "\"contact\"");
        assert_eq!(blanked, vec![std::ops::Range { start: 0, end: 19 }]);
    }
}

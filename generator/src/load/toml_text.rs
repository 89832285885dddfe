//! TOML helpers shared by `site.toml` and front matter: turning a toml error into a
//! localized message at its line and column, finding the span of a key path, and
//! splitting front matter from a Markdown body.

mod syntax;
mod wrong_type;

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use crate::messages::Message;
use crate::msg;

pub(crate) use syntax::syntax_problems;
pub(crate) use wrong_type::{Accepts, ValueRule};
use wrong_type::{Rejected, wrong_type_message};

/// Which file a toml error comes from, so the message names the right fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TomlFile {
    /// `site.toml`.
    Settings,
    /// The front matter of a Markdown file.
    FrontMatter,
}

/// Words a toml or serde message in the merchant's language. serde's standard
/// messages (`unknown field`, `missing field`, `unknown variant`) get their own
/// message with the key and the valid keys. Anything else keeps toml's English
/// detail behind a localized prefix. [`deserialize_all`] words type errors better,
/// with the key and the value.
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

/// A problem found by probing one key: its span, serde's message and its wording.
type Probed = (Option<Range<usize>>, String, Message);

/// Deserializes `text`, which must be valid TOML with `document` as its parse. When
/// serde fails, it stops at the first error, so every key of `document` is then
/// checked on its own (see [`probe_keys`]) to report every unknown key and every
/// value of the wrong type at once. `rules` tell what some text keys accept, so that
/// a value of the wrong type gets a valid example. Problems come in text order.
pub(crate) fn deserialize_all<T: DeserializeOwned>(
    file: TomlFile,
    text: &str,
    document: &DeTable<'_>,
    rules: &[ValueRule],
) -> Result<T, Vec<TomlProblem>> {
    let error = match toml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut probed = Vec::new();
    probe_keys::<T>(file, text, document, rules, &mut probed);

    // The first error is usually found again by its key's probe: at the same place,
    // or, for the tag of an enum, at its value where toml blamed the table.
    let first_start = error.span().map(|span| span.start);
    let found_again = probed
        .iter()
        .any(|(span, raw, _)| span.as_ref().map(|span| span.start) == first_start || raw == error.message());
    if !found_again {
        let (span, message) = first_error::<T>(file, text, document, &error, rules);
        probed.push((span, error.message().to_owned(), message));
    }

    // The keys of an unknown table all blame the table's key.
    let mut seen = Vec::new();
    let mut problems: Vec<TomlProblem> = probed
        .into_iter()
        .filter_map(|(span, _, message)| {
            let start = span.as_ref().map(|span| span.start);
            if seen.contains(&start) {
                return None;
            }
            seen.push(start);
            Some((span, message))
        })
        .collect();
    problems.sort_by_key(|(span, _)| span.as_ref().map_or(0, |span| span.start));
    Err(problems)
}

/// A value read by [`deserialize_repaired`], with what was changed to read it.
pub(crate) struct Repaired<T> {
    /// The value.
    pub value: T,
    /// The text it was read from.
    pub text: String,
    /// For each problem given, in order: the key it blames as written, the range
    /// from that key to the end of its value, and whether the range now contains
    /// the value under the key's correct name. Any other blamed range is blank.
    pub blamed: Vec<(String, Range<usize>, bool)>,
}

impl<T> Repaired<T> {
    /// Returns the repaired text with the blank range of blamed key `index` set to
    /// `key = value`. Offsets after that range move.
    pub fn with_value(&self, index: usize, value: &str) -> Option<String> {
        let (key, range, moved) = self.blamed.get(index)?;
        if *moved {
            return None;
        }
        let start = self.text.get(..range.start)?;
        let end = self.text.get(range.end..)?;
        Some(format!("{start}{key} = {value}{end}"))
    }
}

/// Deserializes `text` once the keys blamed by `problems` (from [`deserialize_all`])
/// are blanked out, so that checks needing typed values can still run. A key missing
/// after that takes the value of a blamed key of a close name (`legal_nam` for
/// `legal_name`), written in its place. Blanking keeps every other byte offset, so
/// spans found in the result point into `text`. Returns `None` when the text cannot
/// be repaired this way.
pub(crate) fn deserialize_repaired<T: DeserializeOwned>(
    text: &str,
    document: &DeTable<'_>,
    problems: &[TomlProblem],
) -> Option<Repaired<T>> {
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
                let blamed = blamed
                    .iter()
                    .zip(&used)
                    .map(|((_, key, value), moved)| {
                        let written = text.get(key.clone()).unwrap_or_default().to_owned();
                        (written, key.start..value.end, *moved)
                    })
                    .collect();
                return Some(Repaired {
                    value,
                    text: repaired,
                    blamed,
                });
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
fn first_error<T: DeserializeOwned>(
    file: TomlFile,
    text: &str,
    document: &DeTable<'_>,
    error: &toml::de::Error,
    rules: &[ValueRule],
) -> TomlProblem {
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
    // Where a struct is flattened into another (`[shipping.*]`, `[payment.*]`), toml
    // also points at the table for a value of the wrong type, such as the `kind` of
    // a shipping method. The value serde names is then looked for in the table.
    if let Some(table_span) = span.clone()
        && value_at(document, text, table_span.start).is_none()
        && let Some((path, value)) = named_value(document, text, table_span.start, error.message())
    {
        // A probe of the key alone would fail on the keys of the table it leaves
        // out, so the value is replaced in the whole text.
        let probe = |replacement: &str| -> Option<String> {
            let changed = format!("{}{replacement}{}", &text[..value.start], &text[value.end..]);
            match toml::from_str::<T>(&changed) {
                Err(found)
                    if found.span().map(|span| span.start) == Some(table_span.start)
                        && !found.message().starts_with("missing field") =>
                {
                    Some(found.message().trim().to_owned())
                }
                _ => None,
            }
        };
        let whole = &text[value.clone()];
        let message = word_rejection(error.message(), &path, whole, 0..whole.len(), rules, &probe)
            .unwrap_or_else(|| serde_message(file, error.message()));
        return (Some(value), message);
    }

    let message = span
        .clone()
        .and_then(|span| {
            let (path, whole) = value_at(document, text, span.start)?;
            let whole_text = text.get(whole.clone())?;
            let part = span.start - whole.start..span.end.min(whole.end) - whole.start;
            let probe = key_probe::<T>(&path, whole_text, part.clone());
            word_rejection(error.message(), &path, whole_text, part, rules, &probe)
        })
        .unwrap_or_else(|| serde_message(file, error.message()));
    (span, message)
}

/// Words a value of `path` that serde rejected, where `whole` is the value as
/// written and `part` the rejected part of it. `probe` returns serde's message for
/// the value with its rejected part replaced. `None` when the message is no type
/// error.
fn word_rejection(
    message: &str,
    path: &[Step],
    whole: &str,
    part: Range<usize>,
    rules: &[ValueRule],
    probe: &dyn Fn(&str) -> Option<String>,
) -> Option<Message> {
    let keys = keys_of(path);
    let rejected = Rejected {
        message,
        keys: &keys,
        whole,
        part,
    };
    wrong_type_message(&rejected, rules, probe)
}

/// Builds a probe for [`word_rejection`]: serde's message for a document that sets
/// only `path`, to `whole` with its `part` replaced, unless that only lacks other
/// keys.
fn key_probe<T: DeserializeOwned>(
    path: &[Step],
    whole: &str,
    part: Range<usize>,
) -> impl Fn(&str) -> Option<String> {
    move |replacement: &str| {
        let source = format!("{}{replacement}{}", &whole[..part.start], &whole[part.end..]);
        let (document, _) = probe_document(path, &source);
        match toml::from_str::<T>(&document) {
            Ok(_) => None,
            Err(error) if error.message().starts_with("missing field") => None,
            Err(error) => Some(error.message().trim().to_owned()),
        }
    }
}

/// Finds the value that serde's `message` names among the values of the table at
/// `offset`, when exactly one of them matches: the `3` of ``invalid type: integer
/// `3` ``, the `x` of `string "x"` or of ``unknown variant `x` ``. Returns its path
/// and span.
fn named_value(
    document: &DeTable<'_>,
    text: &str,
    offset: usize,
    message: &str,
) -> Option<(Vec<Step>, Range<usize>)> {
    let keys = key_path_at(document, offset)?;
    let mut table = document;
    for key in &keys {
        match table.get(key.as_str())?.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => return None,
        }
    }

    let (is_text, named) = if message.starts_with("unknown variant") {
        (true, backquoted(message).into_iter().next()?)
    } else if let Some(rest) = message.strip_prefix("invalid type: string \"") {
        (true, rest.split_once("\", expected")?.0.to_owned())
    } else if message.starts_with("invalid type: ") {
        (false, backquoted(message).into_iter().next()?)
    } else {
        return None;
    };
    let mut found = table.iter().filter(|(_, value)| match value.get_ref() {
        DeValue::String(written) => is_text && *written == named,
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) => {
            !is_text && text.get(value.span()) == Some(named.as_str())
        }
        _ => false,
    });
    let (key, value) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let mut path: Vec<Step> = keys.into_iter().map(Step::Key).collect();
    path.push(Step::Key(key.get_ref().to_string()));
    Some((path, value.span()))
}

/// Returns the keys of a path, without the elements of arrays of tables.
fn keys_of(path: &[Step]) -> Vec<String> {
    path.iter()
        .filter_map(|step| match step {
            Step::Key(key) => Some(key.clone()),
            Step::Element => None,
        })
        .collect()
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
    rules: &[ValueRule],
    problems: &mut Vec<Probed>,
) {
    let mut probe = Probe {
        file,
        text,
        rules,
        path: Vec::new(),
        key_spans: Vec::new(),
        problems,
    };
    probe.table::<T>(document);
}

/// The state of [`probe_keys`] while it walks the document.
struct Probe<'a> {
    file: TomlFile,
    text: &'a str,
    rules: &'a [ValueRule],
    /// Path of the key being probed.
    path: Vec<Step>,
    /// Span of each key of `path`.
    key_spans: Vec<Range<usize>>,
    problems: &'a mut Vec<Probed>,
}

impl Probe<'_> {
    /// Probes every value of `table`, and of the tables under it.
    fn table<T: DeserializeOwned>(&mut self, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            self.path.push(Step::Key(key.get_ref().to_string()));
            self.key_spans.push(key.span());
            match value.get_ref() {
                DeValue::Table(inner) if !inner.is_empty() => {
                    self.table::<T>(inner);
                }
                DeValue::Array(items)
                    if !items.is_empty()
                        && items
                            .iter()
                            .all(|item| matches!(item.get_ref(), DeValue::Table(_))) =>
                {
                    for item in items {
                        if let DeValue::Table(inner) = item.get_ref() {
                            self.path.push(Step::Element);
                            self.table::<T>(inner);
                            self.path.pop();
                        }
                    }
                }
                DeValue::Table(_) => self.value::<T>("{}", None),
                _ => {
                    let span = value.span();
                    if let Some(source) = self.text.get(span.clone()) {
                        self.value::<T>(source, Some(span.start));
                    }
                }
            }
            self.path.pop();
            self.key_spans.pop();
        }
    }

    /// Probes `path = source`, where `source` is the value's text and `value_start` its
    /// offset in the file (`None` for an empty table, which has no value text).
    fn value<T: DeserializeOwned>(&mut self, source: &str, value_start: Option<usize>) {
        let (probe, probe_value_start) = probe_document(&self.path, source);
        let Err(error) = toml::from_str::<T>(&probe) else {
            return;
        };
        let message = error.message();
        let keys = keys_of(&self.path);

        if message.starts_with("unknown field") {
            // Blame the outermost key with that name, so that the keys of an unknown
            // table are not reported one by one.
            let unknown = backquoted(message).into_iter().next().unwrap_or_default();
            if let Some(depth) = keys.iter().position(|key| *key == unknown) {
                let span = self.key_spans[depth].clone();
                let worded = serde_message(self.file, message);
                self.problems.push((Some(span), message.to_owned(), worded));
            }
            return;
        }
        let Some(value_start) = value_start else {
            return;
        };
        let within = probe_value_start..probe_value_start + source.len();
        // For the tag of an enum, such as `kind` of a shipping method, toml blames the
        // table. The probe contains this key only, so its value is at fault.
        let span =
            if message.starts_with("unknown variant") || message.ends_with("expected variant identifier") {
                Some(within.clone())
            } else {
                error.span()
            };
        let Some(span) = span else {
            return;
        };
        if !within.contains(&span.start) || message.starts_with("missing field") {
            return;
        }
        let part = span.start - probe_value_start..span.end.min(within.end) - probe_value_start;
        let at = value_start + part.start..value_start + part.end;
        let probe = key_probe::<T>(&self.path, source, part.clone());
        let worded = word_rejection(message, &self.path, source, part, self.rules, &probe)
            .unwrap_or_else(|| serde_message(self.file, message));
        self.problems.push((Some(at), message.to_owned(), worded));
    }
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

/// Finds the path to the deepest value of `table` whose text contains `offset`, and
/// that value's span. A table under a `[header]` is no value, since it has no text
/// of its own to correct.
fn value_at(table: &DeTable<'_>, text: &str, offset: usize) -> Option<(Vec<Step>, Range<usize>)> {
    for (key, value) in table.iter() {
        let inner = match value.get_ref() {
            DeValue::Table(inner) => value_at(inner, text, offset),
            DeValue::Array(items) => items.iter().find_map(|item| match item.get_ref() {
                DeValue::Table(inner) => value_at(inner, text, offset).map(|(mut path, span)| {
                    path.insert(0, Step::Element);
                    (path, span)
                }),
                _ => None,
            }),
            _ => None,
        };
        let key = Step::Key(key.get_ref().to_string());
        if let Some((mut path, span)) = inner {
            path.insert(0, key);
            return Some((path, span));
        }
        let span = value.span();
        let header_table = matches!(value.get_ref(), DeValue::Table(_))
            && !text.get(span.clone()).is_some_and(|value| value.starts_with('{'));
        if span.contains(&offset) && !header_table {
            return Some((vec![key], span));
        }
    }
    None
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
        let message = serde_message(TomlFile::FrontMatter, error.message());
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
            deserialize_all::<Outer>(TomlFile::Settings, text, document.get_ref(), &[]).expect_err("invalid");
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
            deserialize_all::<Shop>(TomlFile::Settings, text, document.get_ref(), &[]).expect_err("typo");
        let repaired = deserialize_repaired::<Shop>(text, document.get_ref(), &problems).expect("repaired");
        assert_eq!(repaired.value.legal_name, "Brume");
        assert_eq!(&text[repaired.value.email.span()], "\"contact\"");
        assert_eq!(repaired.blamed, vec![("legal_nam".to_owned(), 0..19, true)]);
        assert_eq!(repaired.with_value(0, "\"x\""), None);
    }
}

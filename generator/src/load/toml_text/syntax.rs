//! Syntax errors of a TOML text, one per mistake.
//!
//! toml's recoverable parser goes on after an error, but it cannot tell what the
//! writer meant. A list whose `]` is missing takes in every line after it, and each
//! of those lines is then reported. Here each broken statement gives one problem:
//! the statement is blanked out and the text parsed again, so a mistake in another
//! statement is still reported with the same line numbers.

use std::ops::Range;

use toml::de::DeTable;

use super::{TomlFile, TomlProblem, serde_message};
use crate::msg;

/// An error of toml's recoverable parser, at a byte span of the whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SyntaxError {
    span: Range<usize>,
    message: String,
}

/// Finds the syntax errors of `text`, one for each broken statement, in text order.
pub(crate) fn syntax_problems(file: TomlFile, text: &str) -> Vec<TomlProblem> {
    let lines = Lines::new(text);
    let mut work = text.to_owned();
    let mut problems = Vec::new();
    // Each round blanks at least the line of the first error, so the number of lines
    // bounds the rounds.
    for _ in 0..=lines.count() {
        let errors = parse_errors(&work, 0..work.len());
        let Some(first) = errors.first() else {
            break;
        };
        let first_line = lines.index_of(first.span.start);
        let start = statement_start(&work, &lines, first_line);

        if let Some((problem, last_line)) = unclosed_bracket(&work, &lines, start, first_line, &errors) {
            problems.push(problem);
            work = blank_lines(&work, &lines, start..last_line + 1);
            continue;
        }
        if let Some(problem) = unclosed_multiline_text(&work, &lines, start, first) {
            problems.push(problem);
            // The rest of the text is inside the string as far as toml can tell.
            break;
        }

        problems.push((Some(first.span.clone()), serde_message(file, &first.message)));
        let end = statement_end(&work, &lines, start, first_line, &errors);
        work = blank_lines(&work, &lines, start..end);
    }
    problems
}

/// Parses `text[range]` and returns its errors at spans of `text`, in text order.
fn parse_errors(text: &str, range: Range<usize>) -> Vec<SyntaxError> {
    let (_, errors) = DeTable::parse_recoverable(&text[range.clone()]);
    let mut errors: Vec<SyntaxError> = errors
        .iter()
        .map(|error| {
            let span = error.span().unwrap_or(0..0);
            SyntaxError {
                span: range.start + span.start..range.start + span.end,
                message: error.message().to_owned(),
            }
        })
        .collect();
    errors.sort_by_key(|error| error.span.start);
    errors
}

/// Finds the line where the statement containing `line` starts: the last line at or
/// before it such that the text before that line parses without error. A list or
/// a text written over several lines thus starts on the line of its key.
fn statement_start(text: &str, lines: &Lines, line: usize) -> usize {
    (0..=line)
        .rev()
        .find(|&start| DeTable::parse(&text[..lines.start(start)]).is_ok())
        .unwrap_or(0)
}

/// Finds the line after the broken statement that starts at `start` and has its
/// first error on `first_line`. It is the first line such that, with the statement
/// blanked up to it, the parser finds no error that it did not find before. Lines
/// that only failed because they followed the mistake are thus part of the statement.
fn statement_end(
    text: &str,
    lines: &Lines,
    start: usize,
    first_line: usize,
    errors: &[SyntaxError],
) -> usize {
    (first_line + 1..=lines.count())
        .find(|&end| {
            let blanked = blank_lines(text, lines, start..end);
            parse_errors(&blanked, 0..blanked.len())
                .iter()
                .all(|error| errors.contains(error))
        })
        .unwrap_or(lines.count())
}

/// Recognizes a list or inline table whose closing bracket is missing, the mistake
/// that makes toml report every following line. `errors` must then report a bracket
/// left open. The statement starting at `start` is cut after each line from
/// `first_line` back to `start`. Its bracket is unclosed when the cut statement only
/// lacks closing brackets and adding them there makes every line up to `first_line`
/// parse. Returns the problem, at the place where the brackets belong, and the last
/// line of the statement.
fn unclosed_bracket(
    text: &str,
    lines: &Lines,
    start: usize,
    first_line: usize,
    errors: &[SyntaxError],
) -> Option<(TomlProblem, usize)> {
    // A list closed further down, with a mistake inside, is not unclosed even when
    // a bracket added early would make the lines parse.
    if !errors.iter().any(|error| is_unclosed_bracket(&error.message)) {
        return None;
    }
    let statement_start = lines.start(start);
    for last_line in (start..=first_line).rev() {
        let errors = parse_errors(text, statement_start..lines.start(last_line + 1));
        let Some((closers, kind)) = missing_closers(&errors) else {
            continue;
        };
        let at = errors[0].span.start;
        let repaired = format!(
            "{}{closers}{}",
            &text[statement_start..at],
            &text[at..lines.start(first_line + 1)]
        );
        if DeTable::parse(&repaired).is_ok() {
            let key = statement_key(&text[statement_start..]);
            let message = msg!("toml-unclosed", kind = kind, key = key, closer = closers);
            return Some(((Some(at..at), message), last_line));
        }
    }
    None
}

/// Returns the brackets that close every list and inline table left open, innermost
/// first, and whether the outermost is an `array` or a `table`, when all `errors` are
/// unclosed brackets at one place.
fn missing_closers(errors: &[SyntaxError]) -> Option<(String, &'static str)> {
    let at = errors.first()?.span.start;
    let mut closers = String::new();
    let mut kind = "array";
    for error in errors {
        if error.span.start != at {
            return None;
        }
        if !is_unclosed_bracket(&error.message) {
            return None;
        }
        if error.message.starts_with("unclosed array,") {
            closers.push(']');
            kind = "array";
        } else {
            closers.push('}');
            kind = "table";
        }
    }
    Some((closers, kind))
}

/// Tells whether a parser message reports a list or an inline table left open.
/// "unclosed array table" is a `[[header` instead, hence the comma.
fn is_unclosed_bracket(message: &str) -> bool {
    message.starts_with("unclosed array,") || message.starts_with("unclosed inline table,")
}

/// Recognizes a multi-line string whose closing quotes are missing: toml then reads
/// the rest of the text as the string and reports its end. Returns the problem at
/// the opening quotes.
fn unclosed_multiline_text(
    text: &str,
    lines: &Lines,
    start: usize,
    first: &SyntaxError,
) -> Option<TomlProblem> {
    let closer = if first.message.starts_with("invalid multi-line basic string") {
        "\"\"\""
    } else if first.message.starts_with("invalid multi-line literal string") {
        "'''"
    } else {
        return None;
    };
    if first.span.start < text.trim_end().len() {
        return None;
    }
    let line = &text[lines.start(start)..lines.start(start + 1)];
    let opening = lines.start(start) + line.find(closer)?;
    let key = statement_key(line);
    let message = msg!("toml-unclosed", kind = "text", key = key, closer = closer);
    Some((Some(opening..opening + closer.len()), message))
}

/// Returns the key of a statement as written before its `=`, such as `prices.pro`.
fn statement_key(statement: &str) -> String {
    let line = statement.lines().next().unwrap_or_default();
    line.split_once('=')
        .map_or(line, |(key, _)| key)
        .trim()
        .to_owned()
}

/// Returns `text` with the lines in `range` replaced by spaces, byte for byte, so
/// that offsets and line numbers stay the same.
fn blank_lines(text: &str, lines: &Lines, range: Range<usize>) -> String {
    let (from, to) = (lines.start(range.start), lines.start(range.end));
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..from]);
    for character in text[from..to].chars() {
        if character == '\n' || character == '\r' {
            blanked.push(character);
        } else {
            blanked.extend(std::iter::repeat_n(' ', character.len_utf8()));
        }
    }
    blanked.push_str(&text[to..]);
    blanked
}

/// Byte offsets of the line starts of a text.
struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .filter(|start| *start < text.len())
            .collect();
        Lines {
            starts,
            len: text.len(),
        }
    }

    /// Returns the number of lines. A final line break starts no line.
    fn count(&self) -> usize {
        self.starts.len()
    }

    /// Returns the offset where line `index` (0-based) starts, or the end of the text
    /// for the line after the last.
    fn start(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.len)
    }

    /// Returns the line that contains `offset`. The end of the text is on the last
    /// line.
    fn index_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists the problems of `text` as (1-based line, message id, first argument).
    fn found(text: &str) -> Vec<(usize, &'static str, String)> {
        syntax_problems(TomlFile::FrontMatter, text)
            .into_iter()
            .map(|(span, message)| {
                let offset = span.expect("a span").start;
                let line = text[..offset].matches('\n').count() + 1;
                let first = message
                    .args
                    .first()
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default();
                (line, message.id, first)
            })
            .collect()
    }

    #[test]
    fn missing_bracket_is_one_problem() {
        let text = "sku = \"A\"\ncategories = [\"cuisine\"\nstock = \"track\"\n\n[prices.pro]\nEUR = \"1\"\n";
        let problems = syntax_problems(TomlFile::FrontMatter, text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (span, message) = &problems[0];
        // Right after `"cuisine"`, where the `]` belongs.
        let after_value = text.find("\"cuisine\"").expect("value") + "\"cuisine\"".len();
        assert_eq!(span.clone().expect("span").start, after_value);
        assert_eq!(message.id, "toml-unclosed");
        assert_eq!(
            message.args,
            [
                ("kind", "array".to_owned()),
                ("key", "categories".to_owned()),
                ("closer", "]".to_owned()),
            ]
        );
    }

    #[test]
    fn missing_brace_and_nested_brackets() {
        let text = "[[variants]]\noptions = { couleur = \"bleu\"\nprice = \"2\"\n";
        assert_eq!(found(text), [(2, "toml-unclosed", "table".to_owned())]);

        let text = "o = { a = [\"x\", { b = 1\nc = 2\n";
        let problems = syntax_problems(TomlFile::FrontMatter, text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].1.args[2], ("closer", "}]}".to_owned()));
    }

    #[test]
    fn missing_bracket_after_several_lines() {
        let text = "categories = [\n  \"a\",\n  \"b\"\nstock = \"track\"\n";
        assert_eq!(found(text), [(3, "toml-unclosed", "array".to_owned())]);
    }

    #[test]
    fn missing_bracket_on_last_line() {
        assert_eq!(
            found("sku = \"A\"\ncategories = [\"a\"\n"),
            [(2, "toml-unclosed", "array".to_owned())]
        );
    }

    #[test]
    fn error_inside_closed_list_is_one_problem() {
        // The list is closed on line 4, so its `[` is not at fault, and the lines
        // after the broken element are not reported.
        let text =
            "bands = [\n  { up_to = 500, price = \"5\" },\n  { up_to = 2000 price = \"8\" },\n]\nx = 1\n";
        let problems = found(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 3);
        assert_eq!(problems[0].1, "front-matter-invalid");
    }

    #[test]
    fn missing_comma_in_closed_inline_table() {
        // Closing the table after `a = 1` would make the lines parse, but the table
        // is closed on line 4: the comma is what is missing.
        let problems = found("x = {\n  a = 1\n  b = 2\n}\ny = 1\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].0, problems[0].1), (3, "front-matter-invalid"));
    }

    #[test]
    fn stray_equals_sign_is_one_problem() {
        let problems = found("sku = \"A\"\nweight = = 350\nstock = \"track\"\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
    }

    #[test]
    fn independent_mistakes_are_each_reported() {
        // Adjacent lines, and a duplicate key that needs the lines before it.
        let text = "sku = \"A\"\nweight = = 350\npublished = yes\ntitle = \"T\"\nsku = \"B\"\n";
        let lines: Vec<usize> = found(text).into_iter().map(|(line, _, _)| line).collect();
        assert_eq!(lines, [2, 3, 5]);

        // A missing `]` and, further down, a mistake of its own.
        let text = "categories = [\"a\"\nstock = \"track\"\nweight = = 3\n";
        let problems = found(text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!((problems[0].0, problems[0].1), (1, "toml-unclosed"));
        assert_eq!((problems[1].0, problems[1].1), (3, "front-matter-invalid"));
    }

    #[test]
    fn unclosed_multiline_text_is_reported_at_its_quotes() {
        let text = "sku = \"A\"\ndescription = \"\"\"Une tasse\nfaite main.\nstock = \"track\"\n";
        let problems = syntax_problems(TomlFile::FrontMatter, text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (span, message) = &problems[0];
        assert_eq!(&text[span.clone().expect("span")], "\"\"\"");
        assert_eq!(message.args[0], ("kind", "text".to_owned()));
        assert_eq!(message.args[1], ("key", "description".to_owned()));
    }

    #[test]
    fn unclosed_header_keeps_toml_detail() {
        let problems = found("[prices.pro\nEUR = \"1\"\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].1, "front-matter-invalid");
    }

    #[test]
    fn blanking_keeps_offsets_of_multibyte_text() {
        let text = "a = \"été\"\nb = 1\n";
        let lines = Lines::new(text);
        let blanked = blank_lines(text, &lines, 0..1);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(&blanked[blanked.find('b').expect("b")..], "b = 1\n");
        assert_eq!(lines.count(), 2);
        assert_eq!(lines.index_of(text.len()), 1);
    }
}

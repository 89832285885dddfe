//! Problems found in a shop, each with the file, line and column it comes from and
//! the fix. A build collects every problem before it stops, and prints them as one
//! numbered list.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::messages::{Lang, Message};

/// One problem in the shop's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File at fault, relative to the shop root when inside it.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong, with the value at fault and how to fix it.
    pub message: Message,
}

impl Diagnostic {
    /// A problem with a whole file.
    pub fn file(file: impl Into<PathBuf>, message: Message) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message,
        }
    }

    /// A problem at a line and column of a file.
    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize, message: Message) -> Self {
        Diagnostic {
            file: file.into(),
            line: Some(line),
            column: Some(column),
            message,
        }
    }

    /// A problem at a byte offset of `text`, the contents of `file`.
    pub fn at_offset(file: impl Into<PathBuf>, text: &str, offset: usize, message: Message) -> Self {
        let (line, column) = line_column(text, offset);
        Diagnostic::at(file, line, column, message)
    }

    /// Where the problem is, as `file:line:column`.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            (Some(line), None) => format!("{file}:{line}"),
            _ => file.to_string(),
        }
    }
}

impl Diagnostic {
    /// `file:line:column: message` in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        format!("{}: {}", self.location(), self.message.render(lang))
    }
}

impl fmt::Display for Diagnostic {
    /// English, for logs and tests.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Converts a byte offset into a 1-based line and column (in characters).
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Every problem found, in the order of the files they were found in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sorts by file, line and column so the list reads in file order whatever the
    /// order of parallel loading.
    pub fn sort(&mut self) {
        self.0
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }

    /// `Ok(value)` when no problem was found, the problems otherwise.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            self.sort();
            Err(self)
        }
    }

    /// Makes `path` relative to `root` for display, when it is inside it.
    pub fn relative(root: &Path, path: &Path) -> PathBuf {
        path.strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

impl Diagnostics {
    /// One numbered line per problem, in `lang`: `1. content/x.md:3:9: …`.
    pub fn render(&self, lang: Lang) -> String {
        let mut text = String::new();
        for (index, diagnostic) in self.0.iter().enumerate() {
            text.push_str(&format!("{}. {}\n", index + 1, diagnostic.render(lang)));
        }
        text
    }
}

impl fmt::Display for Diagnostics {
    /// The numbered list in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // `=` after the two-byte `é` is the 4th character of line 2.
        assert_eq!(line_column(text, 10), (2, 4));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn list_is_numbered_in_file_order() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::at(
            "b.md",
            2,
            1,
            crate::msg!("build-done", pages = 2, millis = 1),
        ));
        diagnostics.push(Diagnostic::at(
            "a.md",
            9,
            3,
            crate::msg!("build-done", pages = 1, millis = 1),
        ));
        let error = diagnostics.into_result(()).expect_err("two problems");
        assert_eq!(
            error.to_string(),
            "1. a.md:9:3: Built 1 pages in 1 ms.\n2. b.md:2:1: Built 2 pages in 1 ms.\n"
        );
        assert!(
            error
                .render(Lang::Fr)
                .starts_with("1. a.md:9:3: 1 pages générées")
        );
    }
}

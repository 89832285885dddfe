//! Where a value was written: the file relative to the shop root, and the line and
//! column when known. Loading records locations while it parses, because the checks
//! that span several files run after the texts are gone.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::{Diagnostic, line_column};
use crate::messages::Message;

/// A place in a shop file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Location {
    /// File relative to the shop root. Serialized as a string, so a path that is
    /// not UTF-8 fails to serialize; each deserialized location gets its own `Arc`.
    #[serde(
        serialize_with = "serialize_arc_path",
        deserialize_with = "deserialize_arc_path"
    )]
    pub file: Arc<Path>,
    /// 1-based line (a row number in a CSV file), when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl Location {
    /// The whole file.
    pub fn file(file: &Arc<Path>) -> Self {
        Location {
            file: Arc::clone(file),
            line: None,
            column: None,
        }
    }

    /// A line and column of the file.
    pub fn at(file: &Arc<Path>, line: usize, column: usize) -> Self {
        Location {
            file: Arc::clone(file),
            line: Some(line),
            column: Some(column),
        }
    }

    /// A problem at this place.
    pub fn diagnostic(&self, message: Message) -> Diagnostic {
        Diagnostic {
            file: self.file.to_path_buf(),
            line: self.line,
            column: self.column,
            message,
        }
    }

    /// `file:line` for naming this place inside another message.
    pub fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
}

fn serialize_arc_path<S: Serializer>(path: &Arc<Path>, serializer: S) -> Result<S::Ok, S::Error> {
    Path::serialize(path, serializer)
}

fn deserialize_arc_path<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<Path>, D::Error> {
    PathBuf::deserialize(deserializer).map(Arc::from)
}

/// A text being parsed, possibly a part of its file (front matter), so spans found
/// in the part become locations in the whole file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceText<'a> {
    /// File relative to the shop root.
    pub file: &'a Arc<Path>,
    /// The whole file.
    pub text: &'a str,
    /// Byte offset in `text` where the parsed part starts.
    pub offset: usize,
}

impl SourceText<'_> {
    /// The location of a byte span of the parsed part; an empty span at 0 (the
    /// span serde gives a value it did not read from the text) is the whole file.
    pub fn locate(&self, span: Range<usize>) -> Location {
        if span == (0..0) && self.offset == 0 {
            return Location::file(self.file);
        }
        let (line, column) = line_column(self.text, self.offset + span.start);
        Location::at(self.file, line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_shift_by_offset() {
        let file: Arc<Path> = Arc::from(Path::new("content/a.md"));
        let text = "+++\ntitle = \"A\"\nsku = 1\n+++\n";
        let part = SourceText {
            file: &file,
            text,
            offset: 4,
        };
        // `sku` starts at byte 12 of the front matter, line 3 of the file.
        assert_eq!(part.locate(12..15), Location::at(&file, 3, 1));
        assert_eq!(part.locate(0..0), Location::at(&file, 2, 1));
    }

    #[test]
    fn location_round_trips_through_json() {
        let file: Arc<Path> = Arc::from(Path::new("content/products/a.md"));
        for location in [Location::at(&file, 3, 7), Location::file(&file)] {
            let json = serde_json::to_string(&location).expect("serialize");
            let back: Location = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, location);
        }
        let json = serde_json::to_string(&Location::at(&file, 3, 7)).expect("serialize");
        assert_eq!(json, r#"{"file":"content/products/a.md","line":3,"column":7}"#);
    }
}

//! Where rendered files go. Rendering writes through [`OutputSink`], so the same
//! renderer fills a staging folder for `build`, memory for tests, and only the
//! changed files for `serve`.

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

/// Receives rendered files. `path` is relative to the output root and starts with the
/// store id: `fr/fr/produits/tasse/index.html`. Implementations must accept calls
/// from several threads at once.
pub trait OutputSink: Sync {
    /// Stores one file. Writing the same path twice in one build is a bug of the
    /// caller, which checks for path conflicts first.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Keeps files in memory, for tests.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        MemorySink::default()
    }

    /// The files written so far, by path.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl OutputSink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(path.to_owned(), bytes.to_vec());
        Ok(())
    }
}

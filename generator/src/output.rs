//! Where rendered files go. Rendering writes through [`OutputSink`], so the same
//! renderer fills a staging folder for `build`, memory for tests, and only the
//! changed files for `serve`.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Receives rendered files. `path` is relative to the output root and starts with the
/// store id: `fr/fr/produits/tasse/index.html`. Implementations must accept calls
/// from several threads at once.
pub trait OutputSink: Sync {
    /// Stores one file. Writing the same path twice in one build is a bug of the
    /// caller, which checks for path conflicts first.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Keeps the file the previous build wrote at `path`, in place of writing it
    /// again, and returns whether it did. The renderer calls it for a page whose
    /// inputs did not change; on `Ok(false)` it renders the page and calls
    /// [`OutputSink::write`]. Sinks that start from nothing keep nothing.
    fn keep(&self, path: &str) -> io::Result<bool> {
        checked_relative_path(path)?;
        Ok(false)
    }

    /// Stores one file given as an owned buffer, such as the price book of a large
    /// catalogue. Sinks that keep the bytes take the buffer without a copy, and this
    /// default calls [`OutputSink::write`].
    fn write_owned(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.write(path, &bytes)
    }

    /// Stores one file given in parts, for files too large to build in memory at
    /// once, such as the product feed of a large catalogue. This default joins the
    /// parts and calls [`OutputSink::write`]; sinks that write to disk stream them.
    fn write_parts(&self, path: &str, parts: &mut dyn Iterator<Item = Vec<u8>>) -> io::Result<()> {
        let bytes: Vec<u8> = parts.flatten().collect();
        self.write(path, &bytes)
    }

    /// Notes that the previous build's file at `path` is not part of this output
    /// any more, such as a price book part whose contents changed and so its name.
    /// A render of part of the output calls it for the files it replaces. Sinks
    /// that delete every previous file not written or kept again ignore it.
    fn retire(&self, path: &str) -> io::Result<()> {
        checked_relative_path(path)?;
        Ok(())
    }

    /// Returns the bytes the output contains at `path` from the previous build, so a
    /// large file whose layout the renderer recorded can be rewritten in part (a
    /// feed, the price book). Sinks that start from nothing return `None`.
    fn previous(&self, path: &str) -> io::Result<Option<Vec<u8>>> {
        checked_relative_path(path)?;
        Ok(None)
    }
}

/// Writes `parts` to a new file at `full`, creating its folder, and returns the size.
pub fn stream_to_file(full: &Path, parts: &mut dyn Iterator<Item = Vec<u8>>) -> io::Result<u64> {
    if let Some(parent) = full.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = io::BufWriter::new(fs::File::create(full)?);
    let mut size = 0;
    for part in parts {
        io::Write::write_all(&mut file, &part)?;
        size += part.len() as u64;
    }
    io::Write::flush(&mut file)?;
    Ok(size)
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

/// Writes files under a folder, creating sub-folders as needed; `build` points it at
/// its staging folder. It counts the files written, for the progress bar, and keeps
/// every I/O failure with its path, so the build can tell a disk problem (exit code
/// 2) from a shop problem (exit code 1) whatever the renderer does with the error.
#[derive(Debug)]
pub struct DirSink {
    root: PathBuf,
    written: Arc<AtomicUsize>,
    failures: Mutex<Vec<WriteFailure>>,
    sizes: Mutex<HashMap<String, u64>>,
}

/// A file the sink could not write.
#[derive(Debug)]
pub struct WriteFailure {
    /// The full path of the file.
    pub path: PathBuf,
    /// The error.
    pub error: io::Error,
}

impl DirSink {
    /// A sink writing under `root`, which must exist.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirSink {
            root: root.into(),
            written: Arc::new(AtomicUsize::new(0)),
            failures: Mutex::new(Vec::new()),
            sizes: Mutex::new(HashMap::new()),
        }
    }

    /// Returns the size of every file written, by path, and clears that record.
    pub fn take_sizes(&self) -> HashMap<String, u64> {
        std::mem::take(&mut *self.sizes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Returns the number of files written so far, shared so that another thread can watch
    /// it grow.
    pub fn counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.written)
    }

    /// Returns the failures recorded since the sink was created, first one first.
    pub fn take_failures(&self) -> Vec<WriteFailure> {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *failures)
    }

    fn write_file(&self, path: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let full = self.root.join(checked_relative_path(path)?);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|error| with_path(&full, error))?;
        }
        fs::write(&full, bytes).map_err(|error| with_path(&full, error))?;
        Ok(full)
    }
}

impl DirSink {
    fn record(&self, path: &str, result: io::Result<u64>) -> io::Result<()> {
        match result {
            Ok(size) => {
                self.written.fetch_add(1, Ordering::Relaxed);
                self.sizes
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(path.to_owned(), size);
                Ok(())
            }
            Err(error) => {
                let failure = WriteFailure {
                    path: self.root.join(path),
                    error: io::Error::new(error.kind(), error.to_string()),
                };
                self.failures
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(failure);
                Err(error)
            }
        }
    }
}

impl OutputSink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let result = self.write_file(path, bytes).map(|_| bytes.len() as u64);
        self.record(path, result)
    }

    fn write_parts(&self, path: &str, parts: &mut dyn Iterator<Item = Vec<u8>>) -> io::Result<()> {
        let result = checked_relative_path(path).and_then(|relative| {
            let full = self.root.join(relative);
            stream_to_file(&full, parts).map_err(|error| with_path(&full, error))
        });
        self.record(path, result)
    }
}

/// Counts files and throws them away, for `comptoir check`.
#[derive(Debug, Default)]
pub struct DiscardSink {
    written: AtomicUsize,
}

impl DiscardSink {
    /// Creates an empty sink.
    pub fn new() -> Self {
        DiscardSink::default()
    }

    /// Returns the number of files received.
    pub fn files(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }
}

impl OutputSink for DiscardSink {
    fn write(&self, path: &str, _bytes: &[u8]) -> io::Result<()> {
        checked_relative_path(path)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Returns whether `path` (from the output's root) is a file the edge watches to
/// notice a new build: one directly in a store's `_comptoir/` folder, such as the
/// price book's index. Writers move those last, so the edge finds the parts and
/// templates they name already in place.
pub fn announces_build(path: &str) -> bool {
    let mut segments = path.split('/');
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next()),
        (Some(_), Some("_comptoir"), Some(_), None)
    )
}

/// Checks that a sink path stays inside the output root: relative, with no `..`,
/// `.` or empty segment. A slug that escaped would otherwise overwrite files outside
/// `public/`.
pub fn checked_relative_path(path: &str) -> io::Result<&Path> {
    let inside = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if inside && Path::new(path).is_relative() {
        Ok(Path::new(path))
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("output path `{path}` is not a relative path inside the output folder"),
        ))
    }
}

fn with_path(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announces_build_only_for_edge_files() {
        for path in [
            "fr/_comptoir/pricebook.json",
            "fr/_comptoir/store.json",
            "ch/_comptoir/consent.json",
        ] {
            assert!(announces_build(path), "{path}");
        }
        for path in [
            "fr/_comptoir/pricebook/0f3a.json",
            "fr/_comptoir/emails/order_confirmation.txt",
            "fr/index.html",
            "_comptoir/pricebook.json",
            "fr/fr/_comptoir/store.json",
        ] {
            assert!(!announces_build(path), "{path}");
        }
    }

    #[test]
    fn dir_sink_writes_nested_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sink = DirSink::new(dir.path());
        sink.write("fr/fr/index.html", b"<p>bonjour</p>").expect("write");
        assert_eq!(
            fs::read(dir.path().join("fr/fr/index.html")).expect("read back"),
            b"<p>bonjour</p>"
        );
        assert_eq!(sink.counter().load(Ordering::Relaxed), 1);
        assert!(sink.take_failures().is_empty());
    }

    #[test]
    fn dir_sink_rejects_escaping_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sink = DirSink::new(dir.path().join("out"));
        for path in ["../x.html", "/etc/x", "fr//x", "fr/./x", ""] {
            let error = sink.write(path, b"x").expect_err(path);
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{path}");
        }
        assert_eq!(sink.take_failures().len(), 5);
        assert!(!dir.path().join("x.html").exists());
    }

    #[test]
    fn discard_sink_counts_only() {
        let sink = DiscardSink::new();
        sink.write("fr/index.html", b"x").expect("write");
        sink.write("fr/404.html", b"y").expect("write");
        assert_eq!(sink.files(), 2);
    }
}

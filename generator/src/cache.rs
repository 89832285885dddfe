//! The build cache of incremental builds, in `<shop>/.comptoir/cache/pages.txt`, and
//! the sink that updates an output folder in place.
//!
//! The cache lists every file the last full build wrote: its output path, its size,
//! and for pages the fingerprint of the page's inputs (see
//! [`crate::render::PageFingerprints`]). The next build renders again only the pages
//! whose fingerprint changed, and [`UpdateSink`] writes only the files whose bytes
//! changed.
//!
//! A failed update leaves the output as it was, as a failed full build does. Changed
//! files are staged in a folder beside the output. Only once loading, rendering and
//! staging all succeeded are they renamed into place and the files no longer
//! produced deleted. The cache is deleted before that step and written again after
//! it, so a build interrupted while renaming leaves no cache and the next build is a
//! full one.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, BufRead, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use xxhash_rust::xxh3::Xxh3;

use crate::output::{OutputSink, WriteFailure, announces_build, checked_relative_path, stream_to_file};
use crate::render::{Fingerprint, PageFingerprints};

/// The cache file, relative to the shop's root.
pub const CACHE_FILE: &str = ".comptoir/cache/pages.txt";

/// First line of the cache file; a file with another first line is ignored.
const HEADER: &str = "comptoir page cache 3";

/// The files of the last build: every file's size, and the pages' fingerprints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCache {
    /// The build id of the build that wrote the files.
    pub build_id: String,
    /// Fingerprint of each page, by output path.
    pub fingerprints: PageFingerprints,
    /// Size in bytes of every file written, by output path.
    pub sizes: HashMap<String, u64>,
}

impl PageCache {
    /// Reads the cache of the shop in `root` for a build into `output`. Returns
    /// `None`, so that the build starts from nothing, when the file is missing,
    /// unreadable, written by another version of `comptoir`, written for another
    /// output folder, or malformed in any line.
    pub fn read(root: &Path, output: &Path) -> Option<PageCache> {
        let path = root.join(CACHE_FILE);
        let file = match fs::File::open(&path) {
            Ok(file) => file,
            Err(error) => {
                if error.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(path = %path.display(), %error, "could not read the build cache; building every page");
                }
                return None;
            }
        };
        match parse(io::BufReader::new(file), output) {
            Ok(cache) => cache,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "the build cache is unreadable; building every page");
                None
            }
        }
    }

    /// Returns the build id the cache of the shop in `root` names for a build into
    /// `output`, reading only the start and the end of the file: a file cut short
    /// lacks its last line. Other damage is found only by [`PageCache::read`].
    pub fn build_id_of(root: &Path, output: &Path) -> Option<String> {
        let mut file = fs::File::open(root.join(CACHE_FILE)).ok()?;
        let length = file.metadata().ok()?.len();
        let mut tail = Vec::with_capacity(64);
        file.seek(io::SeekFrom::Start(length.saturating_sub(64))).ok()?;
        io::Read::read_to_end(&mut file, &mut tail).ok()?;
        let last = tail.strip_suffix(b"\n")?.rsplit(|byte| *byte == b'\n').next()?;
        let (count, sum) = std::str::from_utf8(last.strip_prefix(b"end ")?)
            .ok()?
            .split_once(' ')?;
        if count.is_empty() || !count.bytes().all(|byte| byte.is_ascii_digit()) || sum.len() != 16 {
            return None;
        }

        file.seek(io::SeekFrom::Start(0)).ok()?;
        let mut lines = io::BufReader::new(file).lines();
        let mut next = || lines.next()?.ok();
        if next()? != HEADER || next()?.strip_prefix("version ")? != env!("CARGO_PKG_VERSION") {
            return None;
        }
        if next()?.strip_prefix("output ")? != output_key(output) {
            return None;
        }
        next()?.strip_prefix("build ").map(str::to_owned)
    }

    /// Returns whether every file of the cache is in `output` at the size recorded,
    /// the check [`OutputSink::keep`] makes page by page.
    pub fn matches_output(&self, output: &Path) -> bool {
        use rayon::prelude::*;
        self.sizes.par_iter().all(|(path, size)| {
            checked_relative_path(path).is_ok_and(|relative| {
                fs::metadata(output.join(relative))
                    .is_ok_and(|metadata| metadata.is_file() && metadata.len() == *size)
            })
        })
    }

    /// Writes the cache of the shop in `root` for `output`, through a temporary file
    /// renamed into place, so that a reader never sees half a cache.
    pub fn write(&self, root: &Path, output: &Path) -> io::Result<()> {
        let path = root.join(CACHE_FILE);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let temporary = path.with_extension("txt.tmp");
        let mut out = BufWriter::new(fs::File::create(&temporary)?);
        writeln!(out, "{HEADER}")?;
        writeln!(out, "version {}", env!("CARGO_PKG_VERSION"))?;
        writeln!(out, "output {}", output_key(output))?;
        writeln!(out, "build {}", self.build_id)?;
        let mut paths: Vec<&String> = self.sizes.keys().collect();
        paths.sort_unstable();
        let mut sum = Xxh3::new();
        for path in paths {
            let fingerprint = self
                .fingerprints
                .get(path)
                .map_or_else(|| "-".to_owned(), hex::encode);
            let line = format!("{fingerprint} {} {path}\n", self.sizes[path]);
            sum.update(line.as_bytes());
            out.write_all(line.as_bytes())?;
        }
        // The last line counts the entries and sums their bytes, so a file cut short,
        // as a crash before the bytes reach the disk can leave it, or damaged, is
        // detected: no `fsync` is needed.
        writeln!(out, "end {} {:016x}", self.sizes.len(), sum.digest())?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        fs::rename(&temporary, &path)
    }

    /// Deletes the cache of the shop in `root`; a missing cache is not an error.
    pub fn delete(root: &Path) -> io::Result<()> {
        match fs::remove_file(root.join(CACHE_FILE)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// Returns the output folder as the cache names it: absolute, symbolic links resolved.
pub(crate) fn output_key(output: &Path) -> String {
    output
        .canonicalize()
        .unwrap_or_else(|_| output.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn invalid(line: usize, what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("line {line}: {what}"))
}

/// Parses a cache file. `Ok(None)` is a valid cache of another version or output.
fn parse(reader: impl BufRead, output: &Path) -> io::Result<Option<PageCache>> {
    let mut lines = reader.lines();
    let mut next = |expected: &str| -> io::Result<String> {
        lines
            .next()
            .transpose()?
            .ok_or_else(|| invalid(0, &format!("missing `{expected}` line")))
    };
    if next("header")? != HEADER {
        return Err(invalid(1, "unknown header"));
    }
    let version = next("version")?;
    if version.strip_prefix("version ") != Some(env!("CARGO_PKG_VERSION")) {
        return Ok(None);
    }
    let written_for = next("output")?;
    if written_for.strip_prefix("output ") != Some(output_key(output).as_str()) {
        return Ok(None);
    }

    let build_id = next("build")?
        .strip_prefix("build ")
        .ok_or_else(|| invalid(4, "missing `build` line"))?
        .to_owned();

    let mut cache = PageCache {
        build_id,
        ..PageCache::default()
    };
    let mut ended = false;
    let mut sum = Xxh3::new();
    for (index, line) in lines.enumerate() {
        let number = index + 5;
        let line = line?;
        if ended {
            return Err(invalid(number, "text after the `end` line"));
        }
        if let Some(end) = line.strip_prefix("end ") {
            if Some((cache.sizes.len().to_string(), format!("{:016x}", sum.digest())))
                != end
                    .split_once(' ')
                    .map(|(count, sum)| (count.to_owned(), sum.to_owned()))
            {
                return Err(invalid(number, "wrong number or sum of entries"));
            }
            ended = true;
            continue;
        }
        sum.update(line.as_bytes());
        sum.update(b"\n");
        let mut fields = line.splitn(3, ' ');
        let (Some(fingerprint), Some(size), Some(path)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(invalid(number, "expected `<fingerprint> <size> <path>`"));
        };
        let size: u64 = size.parse().map_err(|_| invalid(number, "invalid size"))?;
        checked_relative_path(path).map_err(|_| invalid(number, "invalid path"))?;
        if fingerprint != "-" {
            let mut bytes: Fingerprint = [0; 16];
            hex::decode_to_slice(fingerprint, &mut bytes)
                .map_err(|_| invalid(number, "invalid fingerprint"))?;
            cache.fingerprints.0.insert(path.to_owned(), bytes);
        }
        cache.sizes.insert(path.to_owned(), size);
    }
    if ended {
        Ok(Some(cache))
    } else {
        Err(invalid(0, "missing `end` line"))
    }
}

/// Updates an existing output folder: keeps the files whose bytes did not change,
/// stages the others in a folder beside it, and, in [`UpdateSink::apply`], renames
/// them into place and deletes the files the build no longer produces.
#[derive(Debug)]
pub struct UpdateSink {
    output: PathBuf,
    staging: PathBuf,
    previous: HashMap<String, u64>,
    state: Mutex<UpdateState>,
    done: Arc<AtomicUsize>,
    failures: Mutex<Vec<WriteFailure>>,
}

#[derive(Debug, Default)]
struct UpdateState {
    /// Size of every file of this build, kept or written.
    produced: HashMap<String, u64>,
    /// Files staged because their bytes changed.
    changed: Vec<String>,
}

/// Size from which [`UpdateSink::apply`] leaves the freeing of a replaced file to
/// the deletion of the staging folder.
const LARGE_FILE: u64 = 1 << 20;

/// Counts of the files [`UpdateSink::apply`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateSummary {
    /// Files written because they are new or their bytes changed.
    pub written: usize,
    /// Files deleted because the build no longer produces them.
    pub deleted: usize,
}

impl UpdateSink {
    /// Creates a sink updating `output`, staging changed files under `staging` (an
    /// empty folder on the same file system). `previous` lists the files of the last
    /// build and their sizes.
    pub fn new(output: &Path, staging: &Path, previous: HashMap<String, u64>) -> UpdateSink {
        UpdateSink {
            output: output.to_path_buf(),
            staging: staging.to_path_buf(),
            previous,
            state: Mutex::new(UpdateState::default()),
            done: Arc::new(AtomicUsize::new(0)),
            failures: Mutex::new(Vec::new()),
        }
    }

    /// Returns the number of files kept or written so far, for the progress bar.
    pub fn counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.done)
    }

    /// Returns the failures recorded since the sink was created, first one first.
    pub fn take_failures(&self) -> Vec<WriteFailure> {
        std::mem::take(
            &mut *self
                .failures
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// Returns the size of every file of this build, by output path.
    pub fn produced(&self) -> HashMap<String, u64> {
        self.lock().produced.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, UpdateState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Returns whether the file at `path` in the output already has these bytes. It
    /// is read in chunks: a feed of 10,000 products is 16 MB, and a buffer of that
    /// size is zeroed page by page by the kernel before it is used.
    fn unchanged(&self, path: &Path, bytes: &[u8]) -> bool {
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_file() && metadata.len() == bytes.len() as u64 => {
                same_as_file(path, bytes).unwrap_or(false)
            }
            _ => false,
        }
    }

    fn stage(&self, path: &str, bytes: &[u8]) -> io::Result<bool> {
        let relative = checked_relative_path(path)?;
        if self.unchanged(&self.output.join(relative), bytes) {
            return Ok(false);
        }
        let staged = self.staging.join(relative);
        if let Some(parent) = staged.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&staged, bytes)?;
        Ok(true)
    }

    /// Streams `parts` into the staging folder, then keeps the staged file only
    /// when it differs from the output's.
    fn stage_parts(&self, path: &str, parts: &mut dyn Iterator<Item = Vec<u8>>) -> io::Result<(bool, u64)> {
        let relative = checked_relative_path(path)?;
        let staged = self.staging.join(relative);
        let size = stream_to_file(&staged, parts)?;
        if same_bytes(&staged, &self.output.join(relative))? {
            fs::remove_file(&staged)?;
            return Ok((false, size));
        }
        Ok((true, size))
    }

    fn record(&self, path: &str, result: io::Result<(bool, u64)>) -> io::Result<()> {
        match result {
            Ok((changed, size)) => {
                let mut state = self.lock();
                state.produced.insert(path.to_owned(), size);
                if changed {
                    state.changed.push(path.to_owned());
                }
                drop(state);
                self.done.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(error) => {
                let failure = WriteFailure {
                    path: self.output.join(path),
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

    /// Moves the staged files into the output and deletes the files of the last
    /// build that this one did not produce, with the folders left empty.
    pub fn apply(self) -> io::Result<UpdateSummary> {
        let state = self
            .state
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut changed = state.changed;
        // Stable: the files the edge watches move last, the others keep their order.
        changed.sort_by_key(|path| announces_build(path));
        for (position, path) in changed.iter().enumerate() {
            let target = self.output.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|error| with_path(&target, error))?;
            }
            // Renaming over a large file frees its blocks there and then, tens of
            // milliseconds for a feed of 100,000 products. A second link in the
            // staging folder leaves that to the code that deletes the staging folder.
            if fs::metadata(&target).is_ok_and(|metadata| metadata.len() >= LARGE_FILE) {
                let _kept = fs::hard_link(&target, self.staging.join(format!(".replaced-{position}")));
            }
            fs::rename(self.staging.join(path), &target).map_err(|error| with_path(&target, error))?;
        }

        let produced: HashSet<&String> = state.produced.keys().collect();
        let mut deleted = 0;
        for path in self.previous.keys().filter(|path| !produced.contains(path)) {
            let target = self.output.join(path);
            match fs::remove_file(&target) {
                Ok(()) => {
                    deleted += 1;
                    remove_empty_parents(&self.output, &target);
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(with_path(&target, error)),
            }
        }
        Ok(UpdateSummary {
            written: changed.len(),
            deleted,
        })
    }
}

impl OutputSink for UpdateSink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let result = self
            .stage(path, bytes)
            .map(|changed| (changed, bytes.len() as u64));
        self.record(path, result)
    }

    fn write_parts(&self, path: &str, parts: &mut dyn Iterator<Item = Vec<u8>>) -> io::Result<()> {
        let result = self.stage_parts(path, parts);
        self.record(path, result)
    }

    fn previous(&self, path: &str) -> io::Result<Option<Vec<u8>>> {
        let relative = checked_relative_path(path)?;
        match fs::read(self.output.join(relative)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Keeps the file when the output still has it at the size the last build
    /// wrote, so a deleted file or one edited to another size is written again.
    /// NOTE: an edit by hand that keeps the size goes unnoticed until the page's
    /// inputs change; files no build produced are left as they are.
    fn keep(&self, path: &str) -> io::Result<bool> {
        let relative = checked_relative_path(path)?;
        let Some(size) = self.previous.get(path) else {
            return Ok(false);
        };
        let current = match fs::metadata(self.output.join(relative)) {
            Ok(metadata) if metadata.is_file() => metadata.len(),
            _ => return Ok(false),
        };
        if current != *size {
            return Ok(false);
        }
        self.lock().produced.insert(path.to_owned(), current);
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }
}

/// Returns whether the file at `path` contains exactly `bytes`.
fn same_as_file(path: &Path, mut bytes: &[u8]) -> io::Result<bool> {
    let mut file = io::BufReader::with_capacity(1 << 16, fs::File::open(path)?);
    loop {
        let chunk = file.fill_buf()?;
        if chunk.is_empty() {
            return Ok(bytes.is_empty());
        }
        let length = chunk.len().min(bytes.len());
        if length == 0 || chunk[..length] != bytes[..length] {
            return Ok(false);
        }
        bytes = &bytes[length..];
        file.consume(length);
    }
}

/// Returns whether two files have the same bytes. A missing `second` differs.
fn same_bytes(first: &Path, second: &Path) -> io::Result<bool> {
    let (Ok(first_meta), Ok(second_meta)) = (fs::metadata(first), fs::metadata(second)) else {
        return Ok(false);
    };
    if !second_meta.is_file() || first_meta.len() != second_meta.len() {
        return Ok(false);
    }
    let mut first = io::BufReader::with_capacity(1 << 16, fs::File::open(first)?);
    let mut second = io::BufReader::with_capacity(1 << 16, fs::File::open(second)?);
    loop {
        let (a, b) = (first.fill_buf()?, second.fill_buf()?);
        if a.is_empty() || b.is_empty() {
            return Ok(a.is_empty() && b.is_empty());
        }
        let length = a.len().min(b.len());
        if a[..length] != b[..length] {
            return Ok(false);
        }
        first.consume(length);
        second.consume(length);
    }
}

fn with_path(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Removes the folders between `file` and `output` that a deletion left empty.
fn remove_empty_parents(output: &Path, file: &Path) {
    let mut folder = file.parent();
    while let Some(dir) = folder {
        // `remove_dir` fails on a folder that still contains files, which ends the climb.
        if dir == output || !dir.starts_with(output) || fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> PageCache {
        let mut cache = PageCache {
            build_id: "0123456789ab".to_owned(),
            ..PageCache::default()
        };
        cache.fingerprints.0.insert("fr/index.html".to_owned(), [7; 16]);
        cache.sizes.insert("fr/index.html".to_owned(), 12);
        cache.sizes.insert("fr/robots.txt".to_owned(), 3);
        cache
    }

    #[test]
    fn same_as_file_compares_every_byte() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("feed.xml");
        let bytes: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
        fs::write(&path, &bytes).expect("write");
        assert!(same_as_file(&path, &bytes).expect("read"));
        let mut changed = bytes.clone();
        changed[150_000] ^= 1;
        assert!(!same_as_file(&path, &changed).expect("read"));
        assert!(!same_as_file(&path, &bytes[..199_999]).expect("read"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(!same_as_file(&path, &longer).expect("read"));
    }

    #[test]
    fn cache_round_trips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        fs::create_dir_all(&output).expect("output");
        cache().write(dir.path(), &output).expect("write");
        assert_eq!(PageCache::read(dir.path(), &output), Some(cache()));
    }

    #[test]
    fn cache_of_other_output_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        cache()
            .write(dir.path(), &dir.path().join("public"))
            .expect("write");
        assert_eq!(PageCache::read(dir.path(), &dir.path().join("elsewhere")), None);
    }

    #[test]
    fn malformed_cache_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        cache().write(dir.path(), &output).expect("write");
        let path = dir.path().join(CACHE_FILE);
        let text = fs::read_to_string(&path).expect("read");
        for broken in [
            text.replace(" 12 ", " twelve "),
            text.replace("fr/index.html", "../index.html"),
            text.replacen("07", "zz", 1),
            format!("{text}truncated\n"),
            text.replace("end 2", "end 3"),
            text[..text.len() - 8].to_owned(),
            "not a cache\n".to_owned(),
            String::new(),
        ] {
            fs::write(&path, &broken).expect("write");
            assert_eq!(PageCache::read(dir.path(), &output), None, "{broken}");
        }
    }

    #[test]
    fn update_writes_only_changed_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        let staging = dir.path().join("staging");
        fs::create_dir_all(output.join("fr/gone")).expect("output");
        fs::create_dir_all(&staging).expect("staging");
        for (path, text) in [
            ("fr/same.html", "same"),
            ("fr/old.html", "old"),
            ("fr/gone/x.html", "x"),
        ] {
            fs::write(output.join(path), text).expect("write");
        }
        let previous = HashMap::from([
            ("fr/same.html".to_owned(), 4),
            ("fr/old.html".to_owned(), 3),
            ("fr/gone/x.html".to_owned(), 1),
        ]);

        let sink = UpdateSink::new(&output, &staging, previous);
        sink.write("fr/same.html", b"same").expect("write");
        sink.write("fr/old.html", b"new!").expect("write");
        sink.write("fr/added.html", b"added").expect("write");
        // Staged only: the output is untouched until `apply`.
        assert_eq!(
            fs::read_to_string(output.join("fr/old.html")).expect("old"),
            "old"
        );
        let summary = sink.apply().expect("apply");

        assert_eq!(
            summary,
            UpdateSummary {
                written: 2,
                deleted: 1
            }
        );
        assert_eq!(
            fs::read_to_string(output.join("fr/old.html")).expect("old"),
            "new!"
        );
        assert_eq!(
            fs::read_to_string(output.join("fr/added.html")).expect("added"),
            "added"
        );
        assert!(!output.join("fr/gone").exists());
    }

    #[test]
    fn keep_requires_the_previous_size() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        fs::create_dir_all(output.join("fr")).expect("output");
        fs::write(output.join("fr/a.html"), "aaaa").expect("write");
        fs::write(output.join("fr/b.html"), "edited by hand").expect("write");
        let previous = HashMap::from([("fr/a.html".to_owned(), 4), ("fr/b.html".to_owned(), 4)]);
        let sink = UpdateSink::new(&output, dir.path(), previous);
        assert!(sink.keep("fr/a.html").expect("keep"));
        assert!(!sink.keep("fr/b.html").expect("keep"));
        assert!(!sink.keep("fr/missing.html").expect("keep"));
        assert_eq!(sink.produced().len(), 1);
    }
}

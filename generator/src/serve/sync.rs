//! Rebuilds for `serve`: render into memory, then write to `public/` only the files
//! whose bytes changed and delete the files the build no longer produces. A failed
//! rebuild writes nothing, so the server keeps serving the last good build.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::build::{build_id, timed};
use crate::cli::CommandError;
use crate::load::{self, LoadedShop};
use crate::output::{OutputSink, announces_build, checked_relative_path};
use crate::render::{self, PageFingerprints, RenderMemo, RenderOptions, RenderReport};
use crate::serve::changes::Rebuild;

/// XXH3-128 of a file's bytes. The index only has to find the files whose bytes
/// changed, and `serve` hashes every file it renders, so a fast non-cryptographic
/// hash is the right one.
type FileDigest = u128;

fn digest(bytes: &[u8]) -> FileDigest {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The digest of every file in the output folder, by path relative to it with `/`
/// separators: what is on disk, so a rebuild can tell which files changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputIndex(BTreeMap<String, FileDigest>);

impl OutputIndex {
    /// Hashes every file under `output`; a missing folder is an empty index.
    pub fn scan(output: &Path) -> Result<OutputIndex, CommandError> {
        let mut files = BTreeMap::new();
        if !output.exists() {
            return Ok(OutputIndex(files));
        }
        for entry in walkdir::WalkDir::new(output) {
            let entry = entry.map_err(|error| {
                let path = error.path().unwrap_or(output).to_path_buf();
                CommandError::io("io-read-failed", &path, &io::Error::other(error))
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let bytes = fs::read(entry.path())
                .map_err(|error| CommandError::io("io-read-failed", entry.path(), &error))?;
            let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
            let name: Vec<String> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.insert(name.join("/"), digest(&bytes));
        }
        Ok(OutputIndex(files))
    }

    /// Returns the top-level folders, which are the store ids of the last build.
    pub fn stores(&self) -> Vec<String> {
        let mut stores: Vec<String> = self
            .0
            .keys()
            .filter_map(|path| path.split_once('/').map(|(store, _)| store.to_owned()))
            .collect();
        stores.dedup();
        stores
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the output folder contains no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Keeps the digest of every file rendered and the bytes of those that differ from
/// the index, so that memory grows with the size of a change, not of the shop.
#[derive(Debug)]
pub struct ChangeSink<'a> {
    previous: &'a OutputIndex,
    rendered: Mutex<Rendered>,
}

#[derive(Debug, Default)]
struct Rendered {
    digests: BTreeMap<String, FileDigest>,
    changed: BTreeMap<String, Vec<u8>>,
    /// Files of the previous output that the render replaced under another name.
    retired: Vec<String>,
}

impl<'a> ChangeSink<'a> {
    /// Creates a sink comparing against `previous`.
    pub fn new(previous: &'a OutputIndex) -> Self {
        ChangeSink {
            previous,
            rendered: Mutex::new(Rendered::default()),
        }
    }

    /// Returns the files to write and delete to turn the previous output into this one.
    pub fn into_changes(self) -> OutputChanges {
        let rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let deleted = self
            .previous
            .0
            .keys()
            .filter(|path| !rendered.digests.contains_key(*path))
            .cloned()
            .collect();
        OutputChanges {
            index: OutputIndex(rendered.digests),
            changed: rendered.changed,
            deleted,
        }
    }
}

impl ChangeSink<'_> {
    /// Records a file, keeping `bytes()` only when its digest differs from the
    /// index's.
    fn record(&self, path: &str, file_digest: FileDigest, bytes: impl FnOnce() -> Vec<u8>) {
        let unchanged = self.previous.0.get(path) == Some(&file_digest);
        let mut rendered = self
            .rendered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        rendered.digests.insert(path.to_owned(), file_digest);
        if !unchanged {
            rendered.changed.insert(path.to_owned(), bytes());
        }
    }
}

impl OutputSink for ChangeSink<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        checked_relative_path(path)?;
        self.record(path, digest(bytes), || bytes.to_vec());
        Ok(())
    }

    fn write_owned(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        checked_relative_path(path)?;
        self.record(path, digest(&bytes), || bytes);
        Ok(())
    }

    /// Keeps the file when the index has it: the index is what is on disk.
    fn keep(&self, path: &str) -> io::Result<bool> {
        checked_relative_path(path)?;
        let Some(file_digest) = self.previous.0.get(path) else {
            return Ok(false);
        };
        let mut rendered = self
            .rendered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        rendered.digests.insert(path.to_owned(), *file_digest);
        Ok(true)
    }

    fn retire(&self, path: &str) -> io::Result<()> {
        checked_relative_path(path)?;
        self.rendered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retired
            .push(path.to_owned());
        Ok(())
    }
}

impl ChangeSink<'_> {
    /// Returns the digest of every file rendered, the bytes of those that changed,
    /// and the files of the previous output it retired: for a render of part of the
    /// output, which deletes only those.
    fn into_rendered(self) -> Rendered {
        self.rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The difference between the output on disk and a new render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputChanges {
    /// The index once the changes are applied.
    pub index: OutputIndex,
    /// New or modified files and their bytes.
    pub changed: BTreeMap<String, Vec<u8>>,
    /// Files to delete.
    pub deleted: Vec<String>,
}

impl OutputChanges {
    /// Writes the changed files into `output` and deletes the others, removing the
    /// folders left empty. Each file is written to a temporary name and renamed,
    /// so a request never reads half a file.
    pub fn apply(&self, output: &Path) -> Result<(), CommandError> {
        let (announcing, others): (Vec<_>, Vec<_>) =
            self.changed.iter().partition(|(path, _)| announces_build(path));
        for (path, bytes) in others.into_iter().chain(announcing) {
            let target = output.join(path);
            write_replacing(&target, bytes)
                .map_err(|error| CommandError::io("io-write-failed", &target, &error))?;
        }
        for path in &self.deleted {
            let target = output.join(path);
            match fs::remove_file(&target) {
                Ok(()) => remove_empty_parents(output, &target),
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(CommandError::io("io-delete-failed", &target, &error)),
            }
        }
        Ok(())
    }
}

/// Returns the id of a build that follows build `previous` after edits of `paths`: a
/// digest of both, since hashing every input again would cost more than the
/// rebuild.
fn next_build_id(previous: &str, paths: &[PathBuf]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    for path in paths {
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        match fs::read(path) {
            Ok(bytes) => hasher.update(&bytes),
            Err(_) => hasher.update(b"unreadable"),
        }
    }
    hex::encode(&hasher.finalize()[..6])
}

fn write_replacing(target: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut temporary = target.as_os_str().to_owned();
    temporary.push(".comptoir-tmp");
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, target)
}

/// Removes the folders between `file` and `output` that the deletion left empty.
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

/// The result of one rebuild.
#[derive(Debug, Clone)]
pub struct RebuildSummary {
    /// The new build id.
    pub build_id: String,
    /// Pages, products and files per store.
    pub report: RenderReport,
    /// Files written because their bytes changed.
    pub written: usize,
    /// Files deleted because the build no longer produces them.
    pub deleted: usize,
    /// Time taken.
    pub elapsed: Duration,
    /// Whether only the pages of some edited products were rendered, the sitemaps
    /// and feeds being left for [`Rebuilder::finish`].
    pub partial: bool,
}

/// The state kept between rebuilds: the loaded shop, reused when only theme files
/// change, the index of the output folder, and the fingerprint of every page, so
/// that a rebuild renders only the pages whose inputs changed.
pub struct Rebuilder {
    root: PathBuf,
    output: PathBuf,
    shop: Option<LoadedShop>,
    index: OutputIndex,
    fingerprints: PageFingerprints,
    /// The results of the last render, for a rebuild of a few products.
    memo: RenderMemo,
    /// The id of the last build.
    build_id: String,
    /// Whether the sitemaps and feeds still describe the catalogue before the last
    /// rebuild of a few products: [`Rebuilder::finish`] writes them.
    listings_stale: bool,
    /// The input record of the last `comptoir build` as seen after this
    /// rebuilder's last look: a build rewrites it whenever it changes the output.
    build_mark: Option<BuildMark>,
}

/// Size, modification time and inode of a file, which change when it is rewritten.
type BuildMark = (u64, Option<std::time::SystemTime>, u64);

/// Returns the mark of the input record that every `comptoir build` of the shop
/// in `root` writes or deletes when it changes the output.
fn build_mark(root: &Path) -> Option<BuildMark> {
    use std::os::unix::fs::MetadataExt;
    let metadata = fs::metadata(root.join(crate::inputs::INPUTS_FILE)).ok()?;
    Some((metadata.len(), metadata.modified().ok(), metadata.ino()))
}

impl std::fmt::Debug for Rebuilder {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Rebuilder")
            .field("root", &self.root)
            .field("output", &self.output)
            .field("build_id", &self.build_id)
            .field("files", &self.index.len())
            .field("listings_stale", &self.listings_stale)
            .finish_non_exhaustive()
    }
}

impl Rebuilder {
    /// Creates a rebuilder for the shop in `root` writing to `output`, indexing
    /// what `output` already contains.
    pub fn new(root: PathBuf, output: PathBuf) -> Result<Rebuilder, CommandError> {
        let index = OutputIndex::scan(&output)?;
        let mark = build_mark(&root);
        Ok(Rebuilder {
            root,
            output,
            shop: None,
            index,
            fingerprints: PageFingerprints::default(),
            memo: RenderMemo::default(),
            build_id: String::new(),
            listings_stale: false,
            build_mark: mark,
        })
    }

    /// Drops the index, memo and pending sitemaps and feeds when a `comptoir build`
    /// ran since the last rebuild, because the build replaced the files they
    /// describe. The next rebuild then compares the whole shop with the output
    /// again. The caller holds the build lock.
    fn follow_builds(&mut self) {
        let mark = build_mark(&self.root);
        if mark == self.build_mark {
            return;
        }
        tracing::debug!("a build changed the output; indexing it again");
        self.build_mark = mark;
        self.index = OutputIndex::scan(&self.output).unwrap_or_default();
        self.fingerprints = PageFingerprints::default();
        self.memo = RenderMemo::default();
        self.listings_stale = false;
    }

    /// Returns the store ids of the shop last loaded, or else the store folders of the
    /// output.
    pub fn store_ids(&self) -> Vec<String> {
        match &self.shop {
            Some(shop) => shop
                .settings
                .stores
                .iter()
                .map(|store| store.id.get_ref().clone())
                .collect(),
            None => self.index.stores(),
        }
    }

    /// Renders the shop again after changes to `paths` and updates the output
    /// folder. Nothing is written unless loading and rendering both succeed.
    ///
    /// Every change may be an edit of a product's files (its own and its
    /// translations) that keeps its sku, categories and variants. Then only those
    /// files are read again, and only the pages showing the product are rendered,
    /// with each store's price book; a product whose slug changed loses its pages at
    /// the old address. The sitemaps
    /// and feeds wait for [`Rebuilder::finish`], so the browser can reload first. Any
    /// other change loads and renders the whole shop, keeping the pages whose inputs
    /// did not change.
    pub fn rebuild(&mut self, plan: Rebuild, paths: &[PathBuf]) -> Result<RebuildSummary, CommandError> {
        let started = Instant::now();
        // Held until the files are written, so no build changes the output between
        // the comparison with the index and the writes.
        let _lock = crate::build::wait_for_builds(&self.root);
        self.follow_builds();
        let rebuilt = self.rebuild_locked(plan, paths, started);
        // A full rebuild records the inputs as a build does: that mark is its own.
        self.build_mark = build_mark(&self.root);
        rebuilt
    }

    /// Runs [`Rebuilder::rebuild`] once the build lock is held.
    fn rebuild_locked(
        &mut self,
        plan: Rebuild,
        paths: &[PathBuf],
        started: Instant,
    ) -> Result<RebuildSummary, CommandError> {
        tracing::debug!(
            paths = paths.len(),
            partial_allowed = self.memo.allows_partial(),
            "rebuild requested"
        );
        if plan == Rebuild::Reload
            && !paths.is_empty()
            && self.memo.allows_partial()
            && let Some(shop) = self.shop.as_mut()
            && let Some(replaced) = load::patch_products(shop, paths, true)
        {
            let changed: Vec<usize> = replaced.iter().map(|replaced| replaced.index).collect();
            // A product with a new slug leaves its pages at the old address behind.
            let moved_from: Vec<String> = replaced
                .iter()
                .filter(|replaced| replaced.moved(&shop.catalogue))
                .flat_map(|replaced| render::product_files(shop, &replaced.old))
                .collect();
            match self.rebuild_products(&changed, &moved_from, paths, started) {
                Ok(Some(summary)) => return Ok(summary),
                // The patched shop is what a load would give: render it all.
                Ok(None) => return self.rebuild_all(Rebuild::RenderOnly, started),
                Err(error) => {
                    // The full rebuild below reports the problem with its context.
                    tracing::debug!(
                        ?error,
                        "the rebuild of changed products failed; rebuilding everything"
                    );
                    self.shop = None;
                }
            }
        }
        self.rebuild_all(plan, started)
    }

    /// Returns whether the sitemaps and feeds wait for [`Rebuilder::finish`].
    pub fn listings_stale(&self) -> bool {
        self.listings_stale
    }

    /// Writes the sitemaps and feeds that the last rebuild of a few products left
    /// out; does nothing after any other rebuild. Returns the number of files
    /// written.
    pub fn finish(&mut self) -> Result<usize, CommandError> {
        let _lock = crate::build::wait_for_builds(&self.root);
        self.follow_builds();
        if !self.listings_stale {
            return Ok(0);
        }
        let Some(shop) = self.shop.as_ref() else {
            return Ok(0);
        };
        // Tried once: after a failure, the next rebuild renders everything, and
        // trying again every moment would reload the browser in a loop.
        self.listings_stale = false;
        let sink = ChangeSink::new(&self.index);
        let options = RenderOptions {
            build_id: self.build_id.clone(),
            stores: Vec::new(),
        };
        let rendered = timed("render listings", || {
            render::render_listings(shop, &options, &sink, &mut self.memo)
        });
        if let Err(error) = rendered {
            self.memo = RenderMemo::default();
            return Err(error.into());
        }
        let Rendered {
            digests,
            changed,
            retired,
        } = sink.into_rendered();
        let stale = self.stale(&digests, retired);
        if !changed.is_empty() || !stale.is_empty() {
            self.forget_build_caches();
        }
        self.write_partial(digests, &changed)?;
        self.delete_partial(&stale)?;
        Ok(changed.len())
    }

    /// Renders the pages of the products at `changed`, already replaced in the shop,
    /// and deletes the files in `moved_from` that this render did not write again.
    fn rebuild_products(
        &mut self,
        changed: &[usize],
        moved_from: &[String],
        paths: &[PathBuf],
        started: Instant,
    ) -> Result<Option<RebuildSummary>, CommandError> {
        let Some(shop) = self.shop.as_ref() else {
            return Ok(None);
        };
        let build_id = next_build_id(&self.build_id, paths);
        let options = RenderOptions {
            build_id: build_id.clone(),
            stores: Vec::new(),
        };
        let sink = ChangeSink::new(&self.index);
        let rendered = timed("render products", || {
            render::render_products(shop, &options, &sink, &mut self.memo, changed)
        })?;
        let render::Rendered::Done(report, fingerprints) = rendered else {
            return Ok(None);
        };
        let Rendered {
            digests,
            changed: written,
            mut retired,
        } = sink.into_rendered();
        retired.extend_from_slice(moved_from);
        let stale = self.stale(&digests, retired);
        if !written.is_empty() || !stale.is_empty() {
            self.forget_build_caches();
        }
        self.write_partial(digests, &written)?;
        self.delete_partial(&stale)?;
        self.fingerprints.0.extend(fingerprints.0);
        self.build_id = build_id.clone();
        self.listings_stale = true;
        Ok(Some(RebuildSummary {
            build_id,
            report,
            written: written.len(),
            deleted: stale.len(),
            elapsed: started.elapsed(),
            partial: true,
        }))
    }

    /// Returns the files of `candidates` that the output has and a partial render
    /// with these `digests` did not write again: the files to delete after it.
    fn stale(&self, digests: &BTreeMap<String, FileDigest>, mut candidates: Vec<String>) -> Vec<String> {
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|path| !digests.contains_key(path) && self.index.0.contains_key(path));
        candidates
    }

    /// Deletes the caches a `comptoir build` left: they would describe an output
    /// that `serve` is about to change, and the next build would keep pages that
    /// `serve` changed. The caller holds the build lock.
    fn forget_build_caches(&self) {
        let deleted = crate::cache::PageCache::delete(&self.root)
            .and_then(|()| crate::state::BuildState::delete(&self.root));
        if let Err(error) = deleted {
            tracing::warn!(%error, "could not delete the build cache");
        }
    }

    /// Writes the files of a partial render and records them in the index. The
    /// caller holds the build lock.
    fn write_partial(
        &mut self,
        digests: BTreeMap<String, FileDigest>,
        changed: &BTreeMap<String, Vec<u8>>,
    ) -> Result<(), CommandError> {
        let (announcing, others): (Vec<_>, Vec<_>) =
            changed.iter().partition(|(path, _)| announces_build(path));
        for (path, bytes) in others.into_iter().chain(announcing) {
            let target = self.output.join(path);
            if let Err(error) = write_replacing(&target, bytes) {
                // Part of the changes may be on disk: index what is really there, and
                // let the next rebuild render everything.
                self.index = OutputIndex::scan(&self.output).unwrap_or_default();
                self.fingerprints = PageFingerprints::default();
                self.memo = RenderMemo::default();
                return Err(CommandError::io("io-write-failed", &target, &error));
            }
        }
        self.index.0.extend(digests);
        Ok(())
    }

    /// Deletes files of the output that a partial render no longer produces. The
    /// caller holds the build lock.
    fn delete_partial(&mut self, paths: &[String]) -> Result<(), CommandError> {
        for path in paths {
            let target = self.output.join(path);
            match fs::remove_file(&target) {
                Ok(()) => remove_empty_parents(&self.output, &target),
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => {
                    self.index = OutputIndex::scan(&self.output).unwrap_or_default();
                    self.fingerprints = PageFingerprints::default();
                    self.memo = RenderMemo::default();
                    return Err(CommandError::io("io-delete-failed", &target, &error));
                }
            }
            self.index.0.remove(path);
            self.fingerprints.0.remove(path);
        }
        Ok(())
    }

    fn rebuild_all(&mut self, plan: Rebuild, started: Instant) -> Result<RebuildSummary, CommandError> {
        // A full rebuild writes the sitemaps and feeds itself; if it fails, the next
        // one will. Either way nothing waits for `finish`.
        self.listings_stale = false;
        // A failed load leaves no shop, so the next rebuild loads again whatever
        // changed.
        let shop = match self.shop.take() {
            Some(shop) if plan == Rebuild::RenderOnly => shop,
            _ => timed("load", || load::load_shop(&self.root))?,
        };
        let shop = &*self.shop.insert(shop);

        let build_id = timed("fingerprint", || build_id(&self.root, &shop.settings))?;

        // NOTE: the sink keeps the bytes of every changed file until the render ends,
        // so the first rebuild into an empty `public/` holds the whole site in memory.
        let sink = ChangeSink::new(&self.index);
        let options = RenderOptions {
            build_id: build_id.clone(),
            stores: Vec::new(),
        };
        let (report, fingerprints) = timed("render", || {
            render::render_shop_memo(shop, &options, &sink, &self.fingerprints, &mut self.memo)
        })?;
        let changes = sink.into_changes();
        if !changes.changed.is_empty() || !changes.deleted.is_empty() {
            self.forget_build_caches();
        }
        let applied = timed("write", || changes.apply(&self.output));
        if let Err(error) = applied {
            // Part of the changes may be on disk: index what is really there.
            self.index = OutputIndex::scan(&self.output).unwrap_or_default();
            self.fingerprints = PageFingerprints::default();
            return Err(error);
        }
        self.index = changes.index;
        self.fingerprints = fingerprints;
        self.build_id.clone_from(&build_id);
        self.listings_stale = false;

        Ok(RebuildSummary {
            build_id,
            report,
            written: changes.changed.len(),
            deleted: changes.deleted.len(),
            elapsed: started.elapsed(),
            partial: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create parent");
        fs::write(path, text).expect("write");
    }

    #[test]
    fn only_changed_files_are_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        write(&output.join("fr/index.html"), "same");
        write(&output.join("fr/a/index.html"), "old");
        write(&output.join("fr/gone/deep/index.html"), "gone");
        let index = OutputIndex::scan(&output).expect("scan");
        assert_eq!(index.len(), 3);
        assert_eq!(index.stores(), vec!["fr"]);

        let sink = ChangeSink::new(&index);
        sink.write("fr/index.html", b"same").expect("write");
        sink.write("fr/a/index.html", b"new").expect("write");
        sink.write("ch/index.html", b"added").expect("write");
        let changes = sink.into_changes();

        assert_eq!(
            changes.changed.keys().collect::<Vec<_>>(),
            vec!["ch/index.html", "fr/a/index.html"]
        );
        assert_eq!(changes.deleted, vec!["fr/gone/deep/index.html"]);

        changes.apply(&output).expect("apply");
        assert_eq!(
            fs::read_to_string(output.join("fr/a/index.html")).expect("a"),
            "new"
        );
        assert_eq!(
            fs::read_to_string(output.join("ch/index.html")).expect("ch"),
            "added"
        );
        assert!(!output.join("fr/gone").exists());
        assert!(output.join("fr").exists());
        assert_eq!(OutputIndex::scan(&output).expect("rescan"), changes.index);
    }

    #[test]
    fn unchanged_render_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        write(&output.join("fr/index.html"), "same");
        let index = OutputIndex::scan(&output).expect("scan");

        let sink = ChangeSink::new(&index);
        sink.write("fr/index.html", b"same").expect("write");
        let changes = sink.into_changes();

        assert!(changes.changed.is_empty());
        assert!(changes.deleted.is_empty());
        assert_eq!(changes.index, index);
    }

    #[test]
    fn missing_output_is_an_empty_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = OutputIndex::scan(&dir.path().join("public")).expect("scan");
        assert!(index.is_empty());
    }
}

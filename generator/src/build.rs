//! `comptoir build` and `comptoir check`: load the shop, render it, and for a build
//! swap the result in place of the output folder only when everything succeeded.
//!
//! A first build renders into a staging folder next to the output
//! (`public.tmp-<random>`) and swaps it in, so a failed build leaves the previous
//! `public/` as it was and deletes the staging folder. A later build of every store
//! reads the build cache ([`crate::cache`]), renders only the pages whose inputs
//! changed, stages only the files whose bytes changed, and moves them into place
//! once everything succeeded.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use commerce::Settings;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::cache::{PageCache, UpdateSink};
use crate::cli::CommandError;
use crate::diagnostics::Diagnostics;
use crate::inputs::{InputChanges, InputDigests, Record, now_nanos};
use crate::load::{self, LoadedShop, walk_failed};
use crate::messages::Lang;
use crate::msg;
use crate::output::{DirSink, DiscardSink};
use crate::progress::{self, Progress};
use crate::render::{self, PageFingerprints, RenderMemo, RenderOptions, RenderReport, Rendered};
use crate::state::{BuildState, PageEntry};

/// Options of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Folder holding `site.toml`.
    pub root: PathBuf,
    /// Output folder, replaced as a whole by a build of every store.
    pub output: PathBuf,
    /// Only these stores, each replacing its own `output/<id>/`; all when empty.
    pub stores: Vec<String>,
    /// Language of the progress bar.
    pub lang: Lang,
}

/// The result of a successful build.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// The build id published in the price book.
    pub build_id: String,
    /// Pages, products and files per store.
    pub report: RenderReport,
    /// Time from start to swap.
    pub elapsed: Duration,
    /// Pages kept from the previous build because their inputs did not change;
    /// 0 for a full build.
    pub pages_kept: usize,
    /// Files written because they are new or their bytes changed; every file for a
    /// full build.
    pub files_written: usize,
    /// Whether the build started from the previous build's cache and rendered only
    /// the pages whose inputs changed.
    pub incremental: bool,
    /// Whether only some products' files changed and the build rendered what shows
    /// them without loading the rest of the shop ([`patch_build`]).
    pub patched: bool,
}

/// Builds the shop into `options.output`: load → fingerprint → render → write → swap.
/// With a build cache for this output, only what changed is rendered and written.
/// When only some products' files changed, and in ways no other page sees, the
/// build starts from the state the last build left ([`crate::state`]) and renders
/// those products' pages alone ([`patch_build`]).
pub fn build(options: &BuildOptions) -> Result<BuildSummary, CommandError> {
    let started = Instant::now();
    require_site_toml(&options.root)?;
    check_output_is_safe(&options.root, &options.output)?;
    let _lock = lock_shop(&options.root, options.lang)?;

    let mut scan = None;
    if options.stores.is_empty() && options.output.is_dir() {
        match timed("patch", || patch_build(options, started))? {
            Patched::Done(summary) => return Ok(summary),
            Patched::NotPossible(scanned) => scan = scanned,
        }
    }

    let shop = timed("load", || progress::load_shop(&options.root, options.lang))?;
    check_store_filter(&shop, &options.stores)?;

    let scan = match scan {
        Some(scan) => scan,
        None => timed("fingerprint", || scan_inputs(&shop.root, &shop.settings))?,
    };
    let build_id = scan.build_id.clone();
    let render_options = RenderOptions {
        build_id: build_id.clone(),
        stores: options.stores.clone(),
    };

    // The cache describes a build of every store. A build of some stores leaves it
    // out of date, so that build deletes it and the next build is a full one.
    let previous = if options.stores.is_empty() && options.output.is_dir() {
        timed("read cache", || {
            read_page_cache(&options.root, &options.output, &scan)
        })
    } else {
        None
    };
    let incremental = previous.is_some();
    let mut memo = RenderMemo::for_build();
    let (report, fingerprints, produced, pages_kept, files_written) = match previous {
        Some(previous) => update(&shop, options, &render_options, previous, &mut memo)?,
        None => full_build(&shop, options, &render_options, &mut memo)?,
    };

    if options.stores.is_empty() {
        let cache = PageCache {
            build_id: build_id.clone(),
            fingerprints,
            sizes: produced,
        };
        let written = timed("write cache", || {
            cache.write(&options.root, &options.output)?;
            let Some(memo) = memo.state() else {
                return BuildState::delete(&options.root);
            };
            BuildState::write_full(
                &options.root,
                &options.output,
                &build_id,
                &shop.catalogue,
                memo,
                report.stores.clone(),
            )?;
            scan.record(&options.root, InputsRead::All)
        });
        if let Err(error) = written {
            tracing::warn!(%error, "could not write the build cache; the next build renders every page");
        }
    } else if let Err(error) =
        PageCache::delete(&options.root).and_then(|()| BuildState::delete(&options.root))
    {
        tracing::warn!(%error, "could not delete the build cache");
    }

    Ok(BuildSummary {
        build_id,
        report,
        elapsed: started.elapsed(),
        pages_kept,
        files_written,
        incremental,
        patched: false,
    })
}

/// The result of rendering and writing: the report, the page fingerprints, the
/// size of every file produced, the pages kept and the files written.
type Written = (RenderReport, PageFingerprints, HashMap<String, u64>, usize, usize);

/// Renders every page into a staging folder and swaps it in place of the output.
fn full_build(
    shop: &LoadedShop,
    options: &BuildOptions,
    render_options: &RenderOptions,
    memo: &mut RenderMemo,
) -> Result<Written, CommandError> {
    let staging = Staging::create(&options.output)?;
    let sink = DirSink::new(staging.path());
    let rendered = timed("render", || {
        let progress = Progress::files_written(sink.counter(), options.lang);
        let rendered =
            render::render_shop_memo(shop, render_options, &sink, &PageFingerprints::default(), memo);
        progress.finish();
        rendered
    });

    // The sink writes while the renderer runs. This step turns the failures it
    // recorded into one I/O error, checked before the renderer's diagnostics because a
    // full disk also makes the renderer report problems that are not in the shop.
    timed("write", || check_written(&sink))?;
    let (report, fingerprints) = rendered?;

    timed("swap", || staging.swap(&options.stores))?;
    let produced = sink.take_sizes();
    let written = produced.len();
    Ok((report, fingerprints, produced, 0, written))
}

/// Renders the pages whose fingerprint differs from `previous`, stages the files
/// whose bytes changed, then moves them into the output and deletes the files no
/// longer produced. Until that last step the output is untouched.
fn update(
    shop: &LoadedShop,
    options: &BuildOptions,
    render_options: &RenderOptions,
    previous: PageCache,
    memo: &mut RenderMemo,
) -> Result<Written, CommandError> {
    let staging = Staging::create(&options.output)?;
    let sink = UpdateSink::new(&options.output, staging.path(), previous.sizes);
    let rendered = timed("render", || {
        let progress = Progress::files_written(sink.counter(), options.lang);
        let rendered = render::render_shop_memo(shop, render_options, &sink, &previous.fingerprints, memo);
        progress.finish();
        rendered
    });
    if let Some(failure) = sink.take_failures().into_iter().next() {
        return Err(CommandError::io("io-write-failed", &failure.path, &failure.error));
    }
    let (report, fingerprints) = rendered?;

    // From here on the output changes: without a cache, a build interrupted now is
    // followed by a full build.
    delete_caches(&options.root)?;
    let produced = sink.produced();
    let pages: usize = report.stores.iter().map(|store| store.pages).sum();
    let summary = timed("apply", || sink.apply())
        .map_err(|error| CommandError::io("io-write-failed", &options.output, &error))?;
    let pages_kept = pages.saturating_sub(count_rendered(&fingerprints, &previous.fingerprints));
    tracing::debug!(
        pages_kept,
        written = summary.written,
        deleted = summary.deleted,
        "output updated"
    );
    // Dropping the staging folder deletes what is left of it: the folders the
    // moved files were in.
    drop(staging);
    Ok((report, fingerprints, produced, pages_kept, summary.written))
}

/// Deletes the page cache and the build state before the output changes, so that a
/// build interrupted while it moves files is followed by a full one.
fn delete_caches(root: &Path) -> Result<(), CommandError> {
    PageCache::delete(root).map_err(|error| {
        CommandError::io("io-delete-failed", &root.join(crate::cache::CACHE_FILE), &error)
    })?;
    BuildState::delete(root)
        .map_err(|error| CommandError::io("io-delete-failed", &root.join(crate::state::STATE_FILE), &error))
}

/// The lock file that lets one build of a shop run at a time, relative to its root.
pub const LOCK_FILE: &str = ".comptoir/cache/build.lock";

/// Waits until no other build of the shop in `root` runs, and returns the lock
/// that keeps others waiting until it is dropped. Two builds at once would swap
/// outputs and caches under each other; the second one now starts from the first
/// one's result. The system releases the lock of a build that is killed.
fn lock_shop(root: &Path, lang: Lang) -> Result<fs::File, CommandError> {
    let path = root.join(LOCK_FILE);
    let file = open_lock(&path).map_err(|error| CommandError::io("io-write-failed", &path, &error))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("{}", msg!("build-waiting").render(lang));
            file.lock()
                .map_err(|error| CommandError::io("io-write-failed", &path, &error))?;
        }
        // A file system without locks: the build runs unguarded, as before.
        Err(fs::TryLockError::Error(error)) => tracing::debug!(%error, "could not lock the shop"),
    }
    Ok(file)
}

fn open_lock(path: &Path) -> std::io::Result<fs::File> {
    path.parent().map_or(Ok(()), fs::create_dir_all)?;
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// Waits until no build of the shop in `root` runs and returns the lock, for
/// `serve`, which writes into the same output between builds. `None` when the
/// lock cannot be taken; then `serve` writes unguarded.
pub(crate) fn wait_for_builds(root: &Path) -> Option<fs::File> {
    let file = open_lock(&root.join(LOCK_FILE))
        .inspect_err(|error| tracing::debug!(%error, "could not open the build lock"))
        .ok()?;
    if file.try_lock().is_err() {
        tracing::debug!("waiting for a build of this shop to end");
        file.lock()
            .inspect_err(|error| tracing::debug!(%error, "could not lock the shop"))
            .ok()?;
    }
    Some(file)
}

/// The outcome of [`patch_build`].
enum Patched {
    /// The build is done.
    Done(BuildSummary),
    /// The changes need the whole shop loaded; the inputs were scanned if they
    /// could be, which the full build reuses.
    NotPossible(Option<InputScan>),
}

/// Builds the shop when only the Markdown files of some products changed since
/// the last build, and in ways no other product or page sees (see
/// [`load::patch_products`]): the catalogue comes from the build state without
/// parsing the other files, and only those products' pages, the listing pages and
/// home page that show them, their items in the feeds and the price book are
/// rendered. The output then has the bytes a full build would give it.
///
/// Returns [`Patched::NotPossible`] when another input changed, when the state,
/// page cache and input record are not all of the last build, or when the
/// edited products show on every page; nothing is written then.
fn patch_build(options: &BuildOptions, started: Instant) -> Result<Patched, CommandError> {
    let root = &options.root;
    let Ok(settings) = load::load_settings(root) else {
        return Ok(Patched::NotPossible(None));
    };
    let scan = timed("fingerprint", || scan_inputs(root, &settings))?;
    let not_possible = |scan: InputScan, why: &str| {
        tracing::debug!(why, "building from the whole shop");
        Ok(Patched::NotPossible(Some(scan)))
    };

    let changes = scan.changes();
    let products_only = changes
        .changed
        .iter()
        .all(|name| name.starts_with("content/products/") && name.ends_with(".md"));
    if changes.removed || !products_only {
        return not_possible(scan, "files other than products' changed");
    }
    let Some(previous_id) = scan.previous_build_id().map(str::to_owned) else {
        return not_possible(scan, "no record of the last build's inputs");
    };
    let Some(state) = BuildState::read(root, &options.output).filter(|state| state.build_id == previous_id)
    else {
        return not_possible(scan, "no build state of the last build");
    };
    if PageCache::build_id_of(root, &options.output).as_deref() != Some(state.pages_base()) {
        return not_possible(scan, "no page cache of the last build");
    }
    let Some(catalogue) = timed("read state", || state.catalogue(root)) else {
        return not_possible(scan, "no catalogue in the build state");
    };

    let mut shop = LoadedShop {
        root: root.clone(),
        settings,
        catalogue,
    };
    // With nothing to render, the build checks the output instead, as a build from
    // the page cache does: a file deleted or edited by hand is written again.
    if changes.changed.is_empty() {
        let matches = timed("check output", || {
            PageCache::read(root, &options.output)
                .is_some_and(|mut cache| state.complete(&mut cache) && cache.matches_output(&options.output))
        });
        if !matches {
            return not_possible(scan, "the output differs from the last build's");
        }
    }

    // Relative to the shop's root, which may itself be relative to this folder.
    let paths: Vec<PathBuf> = changes.changed.iter().map(PathBuf::from).collect();
    let replaced = if paths.is_empty() {
        Vec::new()
    } else {
        match load::patch_products(&mut shop, &paths, true) {
            Some(replaced) => replaced,
            None => return not_possible(scan, "an edit reaches other pages, or has problems"),
        }
    };
    let changed: Vec<usize> = replaced.iter().map(|replaced| replaced.index).collect();
    // The pages at the old address of a product that moved are deleted, unless
    // another edited product now has that address.
    let moved_from: HashMap<String, u64> = replaced
        .iter()
        .filter(|replaced| replaced.moved(&shop.catalogue))
        .flat_map(|replaced| render::product_files(&shop, &replaced.old))
        .map(|file| (file, 0))
        .collect();
    let moved = !moved_from.is_empty();
    drop(replaced);

    let render_options = RenderOptions {
        build_id: scan.build_id.clone(),
        stores: Vec::new(),
    };
    let mut memo = RenderMemo::from_state(state.memo.clone());
    let staging = Staging::create(&options.output)?;
    // The sink deletes the files of its previous build that this one does not
    // write or keep: here, those of the old addresses and the price book parts
    // that changed.
    let mut previous = moved_from;
    previous.extend(state.memo.price_book_parts(&shop.settings.stores));
    let sink = UpdateSink::new(&options.output, staging.path(), previous.clone());
    let rendered = timed("render", || {
        render::render_patch(&shop, &render_options, &sink, &mut memo, &changed, moved)
    })?;
    let (report, fingerprints) = match rendered {
        Rendered::Done(report, fingerprints) => (report, fingerprints),
        Rendered::NeedsFull => return not_possible(scan, "the edited products show on every page"),
    };
    if let Some(failure) = sink.take_failures().into_iter().next() {
        return Err(CommandError::io("io-write-failed", &failure.path, &failure.error));
    }
    let Some(memo) = memo.state() else {
        return not_possible(scan, "the render left no state");
    };

    let rendered_pages = fingerprints.len();
    let produced = sink.produced();
    // The staging folder holds the replaced files; deleting it frees their blocks,
    // which runs beside the writing of the caches.
    let mut cleanup = None;
    let written = if changed.is_empty() {
        0
    } else {
        // Without the input record no cache is trusted: a build interrupted while it
        // moves files is followed by a full one.
        InputDigests::delete(root).map_err(|error| {
            CommandError::io("io-delete-failed", &root.join(crate::inputs::INPUTS_FILE), &error)
        })?;
        let summary = timed("apply", || sink.apply())
            .map_err(|error| CommandError::io("io-write-failed", &options.output, &error))?;
        cleanup = Some(std::thread::spawn(move || drop(staging)));
        summary.written
    };

    let report = RenderReport {
        stores: state.reports.clone(),
        warnings: report.warnings,
    };
    let written_caches = timed("write cache", || {
        if !changed.is_empty() {
            let mut entries: Vec<PageEntry> = previous
                .keys()
                .filter(|file| !produced.contains_key(*file))
                .map(|file| PageEntry {
                    path: file.clone(),
                    fingerprint: None,
                    size: None,
                })
                .collect();
            let mut fingerprints = fingerprints.0;
            entries.extend(produced.into_iter().map(|(path, size)| PageEntry {
                fingerprint: fingerprints.remove(&path),
                path,
                size: Some(size),
            }));
            state.write_patch(root, &scan.build_id, &shop.catalogue, &changed, memo, entries)?;
        }
        scan.record(root, InputsRead::Changed)
    });
    if let Err(error) = written_caches {
        tracing::warn!(%error, "could not write the build cache; the next build renders every page");
    }
    if let Some(cleanup) = cleanup
        && cleanup.join().is_err()
    {
        tracing::warn!("could not delete the staging folder");
    }

    let pages_total: usize = report.stores.iter().map(|store| store.pages).sum();
    tracing::debug!(
        pages_kept = pages_total - rendered_pages,
        written,
        "output updated"
    );
    Ok(Patched::Done(BuildSummary {
        build_id: scan.build_id,
        report,
        elapsed: started.elapsed(),
        pages_kept: pages_total.saturating_sub(rendered_pages),
        files_written: written,
        incremental: true,
        patched: true,
    }))
}

/// Reads the page cache of the last build into `output`, completed by the build
/// state. It is trusted only when it describes the build whose inputs were
/// recorded last, which the inputs' build id tells: `serve` and an interrupted
/// build leave another one.
fn read_page_cache(root: &Path, output: &Path, scan: &InputScan) -> Option<PageCache> {
    let mut cache = PageCache::read(root, output)?;
    if let Some(state) = BuildState::read(root, output) {
        state.complete(&mut cache);
    }
    (Some(cache.build_id.as_str()) == scan.previous_build_id()).then_some(cache)
}

/// Counts the pages of `current` whose fingerprint is not the one in `previous`.
fn count_rendered(current: &PageFingerprints, previous: &PageFingerprints) -> usize {
    current
        .0
        .iter()
        .filter(|(path, fingerprint)| previous.get(path) != Some(*fingerprint))
        .count()
}

/// The result of `comptoir check` on a shop without problems.
#[derive(Debug, Clone)]
pub struct CheckSummary {
    /// Pages, products and files per store, as a build would write them.
    pub report: RenderReport,
    /// Files the build would write.
    pub files: usize,
}

/// Loads and renders the shop in `root` into a sink that keeps nothing.
pub fn check(root: &Path) -> Result<CheckSummary, CommandError> {
    require_site_toml(root)?;

    let shop = timed("load", || load::load_shop(root))?;

    let sink = DiscardSink::new();
    let render_options = RenderOptions {
        build_id: "check".to_owned(),
        stores: Vec::new(),
    };
    let report = timed("render", || render::render_shop(&shop, &render_options, &sink))?;

    Ok(CheckSummary {
        report,
        files: sink.files(),
    })
}

/// Renders one line per store: its pages, products and files, in `lang`.
pub fn store_lines(report: &RenderReport, lang: Lang) -> Vec<String> {
    report
        .stores
        .iter()
        .map(|store| {
            msg!(
                "build-store",
                store = &store.store,
                pages = store.pages,
                products = store.products,
                files = store.files
            )
            .render(lang)
        })
        .collect()
}

/// Runs one step of the build and logs its duration at debug level.
pub fn timed<T>(step: &'static str, run: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = run();
    tracing::debug!(
        step,
        millis = started.elapsed().as_millis(),
        resident_mib = resident_mib(),
        "build step done"
    );
    result
}

/// Returns the process's resident memory in MiB, for the debug log of each step,
/// or `None` where `/proc` is missing.
pub(crate) fn resident_mib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Fails with a usage error when `root` has no `site.toml`, which most often means
/// the command ran in the wrong folder.
pub fn require_site_toml(root: &Path) -> Result<(), CommandError> {
    let site = root.join("site.toml");
    if site.is_file() {
        Ok(())
    } else {
        Err(CommandError::Usage(msg!(
            "cli-no-site-toml",
            path = site.display()
        )))
    }
}

fn check_store_filter(shop: &LoadedShop, stores: &[String]) -> Result<(), CommandError> {
    let known: Vec<&str> = shop
        .settings
        .stores
        .iter()
        .map(|store| store.id.get_ref().as_str())
        .collect();
    match stores.iter().find(|id| !known.contains(&id.as_str())) {
        Some(unknown) => Err(CommandError::Usage(msg!(
            "build-unknown-store",
            store = unknown,
            stores = known.join(", ")
        ))),
        None => Ok(()),
    }
}

/// Rejects an output folder that contains the shop itself, because the swap deletes the
/// previous output: `--output .` would otherwise delete the merchant's files.
fn check_output_is_safe(root: &Path, output: &Path) -> Result<(), CommandError> {
    let root = resolved(root);
    let output_resolved = resolved(output);
    if root.starts_with(&output_resolved) || output.join("site.toml").exists() {
        return Err(CommandError::Usage(msg!(
            "build-output-unsafe",
            path = output.display()
        )));
    }
    Ok(())
}

/// Resolves `path` to an absolute path with symbolic links resolved, as far as the
/// path exists.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(path) = path.canonicalize() {
        return path;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            resolved(parent).join(name)
        }
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

fn check_written(sink: &DirSink) -> Result<(), CommandError> {
    match sink.take_failures().into_iter().next() {
        Some(failure) => Err(CommandError::io("io-write-failed", &failure.path, &failure.error)),
        None => Ok(()),
    }
}

/// The folders and files of a shop that a build reads, relative to its root. Themes
/// are added per store.
const INPUTS: [&str; 6] = ["site.toml", "content", "templates", "styles", "scripts", "static"];

/// Computes the build id: the first 12 hex digits of a SHA-256 over the relative
/// path, size and digest of every input file, in path order, and over the version of
/// `comptoir`, whose built-in themes are inputs too. The same inputs give the same
/// id on any machine. The digests of files unchanged since the last build come from
/// the shop's cache folder ([`InputDigests`]), which this records again.
pub fn build_id(root: &Path, settings: &Settings) -> Result<String, CommandError> {
    let scan = scan_inputs(root, settings)?;
    if let Err(error) = scan.record(root, InputsRead::All) {
        tracing::warn!(%error, "could not record the digests of the inputs; the next build reads them all again");
    }
    Ok(scan.build_id)
}

/// The input files of a shop, listed and digested, and the record of the last
/// successful build they are compared with.
#[derive(Debug)]
pub struct InputScan {
    /// The build id of these inputs ([`build_id`]).
    pub build_id: String,
    files: Vec<(String, Record)>,
    previous: InputDigests,
    taken: i128,
}

impl InputScan {
    /// Returns the files that changed since the recorded build.
    pub fn changes(&self) -> InputChanges {
        self.previous
            .changes(self.files.iter().map(|(name, record)| (name.as_str(), *record)))
    }

    /// Returns the build id of the recorded inputs.
    pub fn previous_build_id(&self) -> Option<&str> {
        self.previous.build_id()
    }

    /// Records these digests in the shop's cache folder, once the build of these
    /// inputs succeeded.
    ///
    /// A file may have been edited between this scan and the build's read of it,
    /// and then the output shows bytes other than the ones recorded. Such a file,
    /// whose size or time changed since the scan, is left out of the record, so the
    /// next build reads it again. `read` names the files the build read.
    pub fn record(&self, root: &Path, read: InputsRead) -> std::io::Result<()> {
        let settled: Vec<bool> = self
            .files
            .par_iter()
            .map(|(name, record)| {
                let unread = read == InputsRead::Changed && self.previous.has(name, record);
                unread || fs::metadata(root.join(name)).is_ok_and(|metadata| record.matches(&metadata))
            })
            .collect();
        let named = self
            .files
            .iter()
            .zip(settled)
            .filter(|(_, settled)| *settled)
            .map(|((name, record), _)| (name.as_str(), *record));
        InputDigests::write(root, self.taken, &self.build_id, named)
    }
}

/// The input files a build read after [`scan_inputs`], for [`InputScan::record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputsRead {
    /// Every file: a full load.
    All,
    /// Only the files that changed since the recorded build: the short path.
    Changed,
}

/// Lists and digests the input files of the shop in `root`: the files unchanged
/// since the recorded build keep their recorded digest; the others are read in
/// parallel.
pub fn scan_inputs(root: &Path, settings: &Settings) -> Result<InputScan, CommandError> {
    let taken = now_nanos();
    let themes: BTreeSet<String> = settings
        .stores
        .iter()
        .map(|store| format!("themes/{}", store.theme.get_ref()))
        .collect();
    let inputs = INPUTS.iter().map(|input| input.to_string()).chain(themes);
    let mut diagnostics = Diagnostics::new();
    let mut files = Vec::new();
    for input in inputs {
        list_tree(root, &root.join(input), &mut files, &mut diagnostics);
    }
    if let Err(diagnostics) = diagnostics.into_result(()) {
        return Err(CommandError::Shop(diagnostics));
    }

    tracing::debug!(
        files = files.len(),
        millis = (now_nanos() - taken) / 1_000_000,
        "inputs listed"
    );
    let previous = InputDigests::read(root);
    tracing::debug!(millis = (now_nanos() - taken) / 1_000_000, "input record read");
    let records: Vec<Record> = files
        .par_iter()
        .map(|(name, path, metadata)| {
            previous
                .record(name, path, metadata)
                .map_err(|error| CommandError::io("io-read-failed", path, &error))
        })
        .collect::<Result<_, _>>()?;

    let mut hasher = Sha256::new();
    hasher.update(concat!("comptoir ", env!("CARGO_PKG_VERSION"), "\0"));
    for ((name, _, _), record) in files.iter().zip(&records) {
        // The name ends with a zero byte and the size comes before the digest, so no
        // two different trees feed the same bytes to the hash.
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(record.size.to_le_bytes());
        hasher.update(record.digest);
    }
    let digest = hasher.finalize();
    Ok(InputScan {
        build_id: hex::encode(&digest[..6]),
        files: files
            .into_iter()
            .zip(records)
            .map(|((name, _, _), record)| (name, record))
            .collect(),
        previous,
        taken,
    })
}

/// An input file: its name relative to the shop's root, its path and metadata.
type InputFile = (String, PathBuf, fs::Metadata);

fn list_tree(root: &Path, path: &Path, files: &mut Vec<InputFile>, diagnostics: &mut Diagnostics) {
    if path.symlink_metadata().is_err() {
        return;
    }
    let mut entries = Vec::new();
    let mut problems = Diagnostics::new();
    plan_tree(root, path, 0, &mut entries, &mut problems);
    // The planned folders are walked in parallel; joined in plan order, the files
    // come in the order of one walk of the whole tree.
    let walked: Vec<(Vec<InputFile>, Diagnostics)> = entries
        .into_par_iter()
        .map(|entry| match entry {
            Listed::File(file) => (vec![file], Diagnostics::new()),
            Listed::Folder(folder) => {
                let mut files = Vec::new();
                let mut diagnostics = Diagnostics::new();
                let walk = walkdir::WalkDir::new(&folder)
                    .follow_links(true)
                    .sort_by_file_name();
                for entry in walk {
                    list_entry(root, &folder, entry, &mut files, &mut diagnostics);
                }
                (files, diagnostics)
            }
        })
        .collect();
    let mut listed = Vec::new();
    for (part, part_problems) in walked {
        listed.extend(part);
        problems.extend(part_problems);
    }
    if problems.is_empty() {
        files.extend(listed);
        return;
    }
    // A walk that starts below a link loop finds the loop one turn later and names
    // it from there: one walk of the whole tree reports it as the merchant sees it.
    let walk = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name();
    for entry in walk {
        list_entry(root, path, entry, files, diagnostics);
    }
}

/// Folder levels below an input folder that are listed one by one before the
/// folders below them are walked in parallel. A large catalogue keeps its products
/// in folders such as `content/products/000/`, two levels down.
const SPLIT_DEPTH: usize = 2;

/// An entry of [`plan_tree`]: a file, or a folder to walk whole.
enum Listed {
    File(InputFile),
    Folder(PathBuf),
}

/// Lists `path` and, down to [`SPLIT_DEPTH`], its folders, in the order of a walk
/// sorted by file name; deeper folders are left for one walk each.
fn plan_tree(
    root: &Path,
    path: &Path,
    depth: usize,
    entries: &mut Vec<Listed>,
    diagnostics: &mut Diagnostics,
) {
    let walk = walkdir::WalkDir::new(path)
        .follow_links(true)
        .max_depth(1)
        .sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(walk_failed(root, path, &error));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            if entry.depth() == 0 {
                continue;
            }
            if depth + 1 < SPLIT_DEPTH {
                plan_tree(root, entry.path(), depth + 1, entries, diagnostics);
            } else {
                entries.push(Listed::Folder(entry.into_path()));
            }
            continue;
        }
        let mut files = Vec::with_capacity(1);
        list_entry(root, path, Ok(entry), &mut files, diagnostics);
        entries.extend(files.into_iter().map(Listed::File));
    }
}

/// Adds a walked entry to `files` when it is a file, with its name relative to
/// `root` and its metadata; a failure becomes a problem about `folder`.
fn list_entry(
    root: &Path,
    folder: &Path,
    entry: walkdir::Result<walkdir::DirEntry>,
    files: &mut Vec<InputFile>,
    diagnostics: &mut Diagnostics,
) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(error) => {
            diagnostics.push(walk_failed(root, folder, &error));
            return;
        }
    };
    if !entry.file_type().is_file() {
        return;
    }
    let metadata = match entry.metadata() {
        Ok(metadata) => metadata,
        Err(error) => {
            diagnostics.push(walk_failed(root, folder, &error));
            return;
        }
    };
    let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
    let name: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    files.push((name.join("/"), entry.into_path(), metadata));
}

/// A staging folder next to the output, deleted when dropped unless swapped in.
#[derive(Debug)]
pub struct Staging {
    dir: TempDir,
    output: PathBuf,
}

impl Staging {
    /// Creates `<output>.tmp-<random>` beside `output`, creating the parent folder if
    /// needed. Being on the same file system as the output lets the swap rename.
    pub fn create(output: &Path) -> Result<Staging, CommandError> {
        let Some(name) = output.file_name() else {
            return Err(CommandError::Usage(msg!(
                "build-output-unsafe",
                path = output.display()
            )));
        };
        let parent = match output.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent).map_err(|error| CommandError::io("io-create-failed", parent, &error))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{}.tmp-", name.to_string_lossy()))
            .tempdir_in(parent)
            .map_err(|error| CommandError::io("io-create-failed", parent, &error))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
        })
    }

    /// Returns the staging folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Puts the staged files in place: the whole output folder when `stores` is
    /// empty, else only `output/<id>/` for each store in `stores`, leaving the
    /// other stores' folders as they were.
    pub fn swap(self, stores: &[String]) -> Result<(), CommandError> {
        let suffix = self
            .path()
            .file_name()
            .map(|name| {
                name.to_string_lossy()
                    .rsplit(".tmp-")
                    .next()
                    .unwrap_or("")
                    .to_owned()
            })
            .unwrap_or_default();
        let aside_name = |target: &Path| {
            let name = target.file_name().map(|name| name.to_string_lossy().into_owned());
            target.with_file_name(format!("{}.old-{suffix}", name.unwrap_or_default()))
        };

        if stores.is_empty() {
            replace_dir(self.dir.path(), &self.output, &aside_name(&self.output))?;
            // The staging folder is now the output: the guard must not delete it.
            let _output = self.dir.keep();
            return Ok(());
        }

        fs::create_dir_all(&self.output)
            .map_err(|error| CommandError::io("io-create-failed", &self.output, &error))?;
        for store in stores {
            let staged = self.dir.path().join(store);
            if staged.exists() {
                let target = self.output.join(store);
                replace_dir(&staged, &target, &aside_name(&target))?;
            }
        }
        // Dropping `self.dir` deletes what is left of the staging folder.
        Ok(())
    }
}

/// Replaces `target` with `new`: renames `target` to `aside`, renames `new` to
/// `target`, then deletes `aside`.
///
/// Each rename is atomic on one file system (POSIX `rename(2)`), but the pair is
/// not: between the two, `target` does not exist, so a server reading it may respond
/// 404 for a moment. If the process dies there, the previous build is still whole in
/// `aside` (`public.old-<random>`). If the second rename fails, the first is undone.
/// Failing to delete `aside` only leaves that folder behind, with a warning.
fn replace_dir(new: &Path, target: &Path, aside: &Path) -> Result<(), CommandError> {
    let had_target = target.symlink_metadata().is_ok();
    if had_target {
        fs::rename(target, aside).map_err(|error| CommandError::io("io-rename-failed", target, &error))?;
    }

    if let Err(error) = fs::rename(new, target) {
        if had_target && let Err(restore_error) = fs::rename(aside, target) {
            tracing::error!(
                aside = %aside.display(),
                target = %target.display(),
                error = %restore_error,
                "could not put the previous build back; rename the aside folder by hand"
            );
        }
        return Err(CommandError::io("io-rename-failed", target, &error));
    }

    if had_target && let Err(error) = fs::remove_dir_all(aside) {
        tracing::warn!(path = %aside.display(), %error, "could not delete the previous build");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create parent");
        fs::write(path, text).expect("write");
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn swap_replaces_the_whole_output() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        write(&output.join("fr/old.html"), "old");

        let staging = Staging::create(&output).expect("staging");
        assert!(
            staging
                .path()
                .file_name()
                .expect("name")
                .to_string_lossy()
                .starts_with("public.tmp-")
        );
        write(&staging.path().join("fr/index.html"), "new");
        staging.swap(&[]).expect("swap");

        assert_eq!(
            fs::read_to_string(output.join("fr/index.html")).expect("new file"),
            "new"
        );
        assert!(!output.join("fr/old.html").exists());
        assert_eq!(entries(dir.path()), vec!["public"]);
    }

    #[test]
    fn swap_creates_a_missing_output() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("site/public");
        let staging = Staging::create(&output).expect("staging");
        write(&staging.path().join("fr/index.html"), "new");
        staging.swap(&[]).expect("swap");
        assert_eq!(
            fs::read_to_string(output.join("fr/index.html")).expect("new file"),
            "new"
        );
        assert_eq!(entries(&dir.path().join("site")), vec!["public"]);
    }

    #[test]
    fn dropped_staging_leaves_output_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        write(&output.join("fr/index.html"), "previous");

        let staging = Staging::create(&output).expect("staging");
        write(&staging.path().join("fr/index.html"), "half-written");
        drop(staging);

        assert_eq!(
            fs::read_to_string(output.join("fr/index.html")).expect("old file"),
            "previous"
        );
        assert_eq!(entries(dir.path()), vec!["public"]);
    }

    #[test]
    fn store_swap_keeps_other_stores() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        write(&output.join("fr/index.html"), "old fr");
        write(&output.join("ch/index.html"), "old ch");

        let staging = Staging::create(&output).expect("staging");
        write(&staging.path().join("fr/index.html"), "new fr");
        staging.swap(&["fr".to_owned()]).expect("swap");

        assert_eq!(
            fs::read_to_string(output.join("fr/index.html")).expect("fr"),
            "new fr"
        );
        assert_eq!(
            fs::read_to_string(output.join("ch/index.html")).expect("ch"),
            "old ch"
        );
        assert_eq!(entries(&output), vec!["ch", "fr"]);
        assert_eq!(entries(dir.path()), vec!["public"]);
    }

    #[test]
    fn output_holding_the_shop_is_rejected() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(&dir.path().join("site.toml"), "");
        for output in [dir.path().to_path_buf(), dir.path().join("..")] {
            let error = check_output_is_safe(dir.path(), &output).expect_err("unsafe output");
            assert!(matches!(error, CommandError::Usage(ref m) if m.id == "build-output-unsafe"));
        }
        assert!(check_output_is_safe(dir.path(), &dir.path().join("public")).is_ok());
    }

    fn settings(theme: &str) -> Settings {
        let text = format!(
            r#"
[shop]
legal_name = "Atelier"
legal_form = "SARL"
siret = "12345678900012"
email = "a@b.fr"
address = {{ street = "1 rue", postal_code = "69001", city = "Lyon", country = "FR" }}

[[stores]]
id = "fr"
name = "Atelier"
base_url = "https://a.test"
locales = ["fr"]
currencies = ["EUR"]
tax_display = "incl"
country = "FR"
theme = "{theme}"
"#
        );
        Settings::parse(&text).expect("valid settings")
    }

    #[test]
    fn build_id_depends_on_inputs_only() {
        let first = tempfile::tempdir().expect("temp dir");
        let second = tempfile::tempdir().expect("temp dir");
        for dir in [first.path(), second.path()] {
            write(&dir.join("site.toml"), "x");
            write(&dir.join("content/products/a.md"), "a");
            write(&dir.join("themes/maison/templates/base.html"), "base");
            write(&dir.join("public/fr/index.html"), "ignored output");
        }
        write(&second.path().join("public/fr/other.html"), "more output");
        write(&second.path().join("themes/unused/x.css"), "unused theme");
        let settings = settings("maison");

        let id = build_id(first.path(), &settings).expect("id");
        assert_eq!(id.len(), 12);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(build_id(second.path(), &settings).expect("id"), id);

        write(
            &second.path().join("themes/maison/templates/base.html"),
            "changed",
        );
        assert_ne!(build_id(second.path(), &settings).expect("id"), id);
    }

    #[test]
    fn build_id_sees_renamed_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(&dir.path().join("content/pages/a.md"), "same");
        let settings = settings("comptoir");
        let before = build_id(dir.path(), &settings).expect("id");
        fs::rename(
            dir.path().join("content/pages/a.md"),
            dir.path().join("content/pages/b.md"),
        )
        .expect("rename");
        assert_ne!(build_id(dir.path(), &settings).expect("id"), before);
    }
}

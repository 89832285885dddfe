//! Reading shop files: one helper adds the path to any I/O error, and the walk of
//! `content/` sorts what it finds into products, categories, pages and CSV files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;

/// Reads a UTF-8 file; the error names the file relative to `root`.
pub(crate) fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    std::fs::read_to_string(path).map_err(|error| read_failed(root, path, &error))
}

/// Reads a file as bytes; the error names the file relative to `root`.
pub(crate) fn read_bytes(root: &Path, path: &Path) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|error| read_failed(root, path, &error))
}

/// Builds the diagnostic for an entry that a walk following symbolic links could not
/// read: a link to a folder that contains it (which would make the walk endless), a link
/// whose target is missing or unreadable, or any other unreadable entry. `folder` is
/// the walk's start, named when walkdir gives no path.
pub(crate) fn walk_failed(root: &Path, folder: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(folder);
    let relative = Diagnostics::relative(root, path);
    let message = if let Some(ancestor) = error.loop_ancestor() {
        msg!(
            "io-link-loop",
            path = relative.display(),
            target = Diagnostics::relative(root, ancestor).display()
        )
    } else if is_symlink(path) {
        let cause = error
            .io_error()
            .map_or_else(|| error.to_string(), ToString::to_string);
        msg!("io-link-broken", path = relative.display(), error = cause)
    } else {
        let cause = error
            .io_error()
            .map_or_else(|| error.to_string(), ToString::to_string);
        msg!("io-read-failed", path = relative.display(), error = cause)
    };
    Diagnostic::file(relative, message)
}

fn is_symlink(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|metadata| metadata.file_type().is_symlink())
}

fn read_failed(root: &Path, path: &Path, error: &std::io::Error) -> Diagnostic {
    let relative = Diagnostics::relative(root, path);
    Diagnostic::file(
        relative.clone(),
        msg!("io-read-failed", path = relative.display(), error = error),
    )
}

/// What a file under `content/` is, from its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub(crate) enum ContentKind {
    /// `content/products/**/*.md`.
    Product,
    /// `content/categories/**/*.md`.
    Category,
    /// `content/pages/*.md`.
    Page,
}

impl ContentKind {
    /// Returns the folder of this kind under `content/`.
    pub fn folder(self) -> &'static str {
        match self {
            ContentKind::Product => "products",
            ContentKind::Category => "categories",
            ContentKind::Page => "pages",
        }
    }

    /// Returns the path, relative to the shop root, of the Markdown file of this kind
    /// whose path under the kind's folder without `.md` is `id`.
    pub fn path(self, id: &str) -> PathBuf {
        PathBuf::from(format!("content/{}/{id}.md", self.folder()))
    }
}

/// Collects the files, relative to the shop root, that `problems` concern. A file
/// that failed to load has problems of its own, so a reference to what it contains
/// is not reported again as missing: one mistake then gives one problem.
pub(crate) fn files_with_problems(problems: &[Diagnostic]) -> HashSet<PathBuf> {
    problems.iter().map(|problem| problem.file.clone()).collect()
}

/// A Markdown file found under `content/`.
#[derive(Debug, Clone)]
pub(crate) struct ContentFile {
    /// Kind, from the folder.
    pub kind: ContentKind,
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the shop root, for messages.
    pub relative: Arc<Path>,
    /// Path under the kind's folder without `.md`: `cuisine/tasses` for
    /// `content/categories/cuisine/tasses.md`, `tasse.en` for a translation.
    pub stem: String,
}

/// The files of `content/`, in path order.
#[derive(Debug, Default)]
pub(crate) struct ContentFiles {
    /// Markdown files of products, categories and pages.
    pub markdown: Vec<ContentFile>,
    /// `content/catalog/*.csv`, absolute paths.
    pub csv: Vec<PathBuf>,
}

/// Lists `content/`, following symbolic links like the build id and the static file
/// copy do. Hidden files (`.DS_Store`, editor backups) are skipped. A Markdown or CSV
/// file where the shop format expects none is reported, so a file put in the wrong
/// folder is not silently left out. A link loop or a broken link is reported too.
pub(crate) fn walk_content(root: &Path, diagnostics: &mut Diagnostics) -> ContentFiles {
    let content = root.join("content");
    let mut files = ContentFiles::default();
    if !content.is_dir() {
        return files;
    }
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !entry.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(walk_failed(root, &content, &error));
                continue;
            }
        };
        if entry.file_type().is_file() {
            classify(root, &content, entry.path(), &mut files, diagnostics);
        }
    }
    files
}

/// Classifies one Markdown file of `content/` the way [`walk_content`] does; `None`
/// for a file the walk would not list as Markdown content (CSV, misplaced, other).
pub(crate) fn content_file(root: &Path, path: &Path) -> Option<ContentFile> {
    let mut files = ContentFiles::default();
    let mut diagnostics = Diagnostics::new();
    classify(root, &root.join("content"), path, &mut files, &mut diagnostics);
    files.markdown.pop().filter(|_| diagnostics.is_empty())
}

fn classify(
    root: &Path,
    content: &Path,
    path: &Path,
    files: &mut ContentFiles,
    diagnostics: &mut Diagnostics,
) {
    let relative: Arc<Path> = Arc::from(Diagnostics::relative(root, path));
    let Ok(inside) = path.strip_prefix(content) else {
        return;
    };
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut parts = inside.iter();
    let folder = parts.next().and_then(|part| part.to_str()).unwrap_or("");
    let rest: PathBuf = parts.collect();
    let depth = rest.components().count();
    let stem = rest
        .with_extension("")
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/");

    let kind = match (folder, extension) {
        ("products", "md") => Some(ContentKind::Product),
        ("categories", "md") => Some(ContentKind::Category),
        ("pages", "md") if depth == 1 => Some(ContentKind::Page),
        ("catalog", "csv") if depth == 1 => {
            files.csv.push(path.to_path_buf());
            return;
        }
        (_, "md" | "csv") => {
            diagnostics.push(Diagnostic::file(
                relative.to_path_buf(),
                msg!("content-unexpected-file", path = relative.display()),
            ));
            return;
        }
        // Images or notes beside the content are not the loader's business.
        _ => None,
    };
    if let Some(kind) = kind {
        files.markdown.push(ContentFile {
            kind,
            path: path.to_path_buf(),
            relative,
            stem,
        });
    }
}

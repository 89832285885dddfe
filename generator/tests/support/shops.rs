//! Copies of the fixture shops for tests that edit their inputs, and the edits.

use std::fs;
use std::path::{Path, PathBuf};

/// Returns the path of a fixture shop under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// Copies every folder and file under `source` into `target`.
pub fn copy_tree(source: &Path, target: &Path) {
    for entry in walkdir::WalkDir::new(source) {
        let entry = entry.expect("readable fixture");
        let relative = entry.path().strip_prefix(source).expect("inside the fixture");
        let destination = target.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&destination).expect("create folder");
        } else {
            fs::copy(entry.path(), &destination).expect("copy file");
        }
    }
}

/// Copies the minimal fixture into a temporary folder, and removes the build id
/// from its templates when `hide_build_id`. The build id changes with every input,
/// so a page that prints it is rendered again on any edit, which would hide a
/// missing dependency.
pub fn minimal_shop(hide_build_id: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("minimal"), dir.path());
    if hide_build_id {
        let base = dir.path().join("themes/plain/templates/base.html");
        let text = fs::read_to_string(&base).expect("base.html");
        let without: String = text
            .lines()
            .filter(|line| !line.contains("build_id"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_ne!(without, text, "base.html should print the build id");
        fs::write(&base, without).expect("write base.html");
    }
    dir
}

/// Replaces the first `from` in the file at `path` with `to`.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert!(text.contains(from), "{} lacks `{from}`", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

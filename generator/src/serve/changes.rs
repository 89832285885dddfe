//! Classification of file events into kinds of change, and the rebuild each needs.
//! The watcher reports paths, and this module turns them into a few kinds of change
//! before anything decides what to rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path};

/// One kind of change to the shop's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// `site.toml`, or a theme's `theme.toml`.
    Settings,
    /// A file under `content/`.
    Content,
    /// A template or a theme's string file (`i18n/`), which only templates read.
    Template,
    /// A file under `styles/`.
    Style,
    /// A file under `scripts/`.
    Script,
    /// A file under `static/`.
    Static,
}

/// The work to redo after a batch of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuild {
    /// Load the shop again, then render.
    Reload,
    /// Render again from the shop already loaded: only theme files changed.
    RenderOnly,
}

/// The kinds of change in one batch of events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet(BTreeSet<Change>);

impl ChangeSet {
    /// Classifies every path of a batch, relative to `root` or absolute; paths that
    /// no build reads (the output, `.git/`, editor backups) are left out.
    pub fn from_paths<'a>(root: &Path, paths: impl IntoIterator<Item = &'a Path>) -> ChangeSet {
        ChangeSet(
            paths
                .into_iter()
                .filter_map(|path| classify(root, path))
                .collect(),
        )
    }

    /// Whether no event in the batch concerns the shop.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the batch contains this kind of change.
    pub fn contains(&self, change: Change) -> bool {
        self.0.contains(&change)
    }

    /// Returns the work to redo, or `None` when nothing the build reads changed. Settings and
    /// content are read by the loader. So are static files, because the loader
    /// checks that the images products name exist under `static/`. Templates,
    /// styles and scripts are read by the renderer only.
    pub fn rebuild(&self) -> Option<Rebuild> {
        let needs_reload = [Change::Settings, Change::Content, Change::Static]
            .iter()
            .any(|change| self.0.contains(change));
        match (self.is_empty(), needs_reload) {
            (true, _) => None,
            (false, true) => Some(Rebuild::Reload),
            (false, false) => Some(Rebuild::RenderOnly),
        }
    }
}

/// Classifies a modified `path` as a kind of change, or `None` when no build reads it.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<&str> = relative
        .components()
        .map(|part| match part {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<&str>>>()?;
    let (file_name, folders) = parts.split_last()?;
    if is_editor_file(file_name) || folders.iter().any(|folder| folder.starts_with('.')) {
        return None;
    }

    match (folders, *file_name) {
        ([], "site.toml") => Some(Change::Settings),
        // A whole folder created, moved or deleted at once.
        ([], folder) => classify_folder(folder, false),
        (["themes"], _theme) => Some(Change::Settings),
        (["themes", _theme], "theme.toml") => Some(Change::Settings),
        (["themes", _theme], folder) => classify_folder(folder, true),
        (["themes", _theme, kind, ..], _) => classify_folder(kind, true),
        ([kind, ..], _) => classify_folder(kind, false),
    }
}

fn classify_folder(folder: &str, in_theme: bool) -> Option<Change> {
    match folder {
        "content" if !in_theme => Some(Change::Content),
        "templates" => Some(Change::Template),
        "i18n" if in_theme => Some(Change::Template),
        "styles" => Some(Change::Style),
        "scripts" => Some(Change::Script),
        "static" => Some(Change::Static),
        _ => None,
    }
}

/// Hidden files, and the backup and swap files editors write next to the file being
/// edited (`x.md~`, `.x.md.swp`, Emacs `.#x.md`, Vim's `4913` probe).
fn is_editor_file(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_shop_files() {
        let root = Path::new("/shop");
        let cases = [
            ("/shop/site.toml", Some(Change::Settings)),
            ("/shop/content/products/tasses/tasse.md", Some(Change::Content)),
            ("/shop/content/catalog/extra.csv", Some(Change::Content)),
            ("/shop/templates/product.html", Some(Change::Template)),
            ("/shop/styles/main.css", Some(Change::Style)),
            ("/shop/scripts/cart.js", Some(Change::Script)),
            ("/shop/static/images/tasse.jpg", Some(Change::Static)),
            ("/shop/themes/comptoir/theme.toml", Some(Change::Settings)),
            (
                "/shop/themes/comptoir/templates/partials/card.html",
                Some(Change::Template),
            ),
            ("/shop/themes/comptoir/i18n/fr.ftl", Some(Change::Template)),
            ("/shop/themes/comptoir/styles/main.css", Some(Change::Style)),
            ("/shop/themes/comptoir/scripts/cart.js", Some(Change::Script)),
            ("/shop/themes/comptoir/static/fonts/a.woff2", Some(Change::Static)),
            ("content/pages/cgv.md", Some(Change::Content)),
            ("/shop/content", Some(Change::Content)),
            ("/shop/themes/comptoir", Some(Change::Settings)),
            ("/shop/themes/comptoir/templates", Some(Change::Template)),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(root, Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn ignores_files_no_build_reads() {
        let root = Path::new("/shop");
        for path in [
            "/shop/public/fr/index.html",
            "/shop/public.tmp-abc/fr/index.html",
            "/shop/.git/index",
            "/shop/README.md",
            "/shop/content/products/.tasse.md.swp",
            "/shop/content/products/tasse.md~",
            "/shop/content/products/4913",
            "/shop/content/.hidden/x.md",
            "/shop/themes/comptoir/content/x.md",
            "/shop/themes/comptoir/README.md",
            "/shop/site.toml/../x",
            "/shop/public",
            "/shop",
        ] {
            assert_eq!(classify(root, Path::new(path)), None, "{path}");
        }
    }

    #[test]
    fn content_changes_reload_the_shop() {
        let root = Path::new("/shop");
        let changes = ChangeSet::from_paths(
            root,
            [
                Path::new("/shop/templates/base.html"),
                Path::new("/shop/content/products/a.md"),
            ],
        );
        assert!(changes.contains(Change::Content));
        assert!(changes.contains(Change::Template));
        assert_eq!(changes.rebuild(), Some(Rebuild::Reload));
    }

    #[test]
    fn theme_changes_render_only() {
        let root = Path::new("/shop");
        let changes = ChangeSet::from_paths(
            root,
            [
                Path::new("/shop/themes/comptoir/styles/main.css"),
                Path::new("/shop/templates/base.html"),
                Path::new("/shop/scripts/cart.js"),
            ],
        );
        assert_eq!(changes.rebuild(), Some(Rebuild::RenderOnly));
    }

    #[test]
    fn static_and_settings_changes_reload() {
        let root = Path::new("/shop");
        for path in [
            "/shop/static/images/a.jpg",
            "/shop/site.toml",
            "/shop/themes/x/theme.toml",
        ] {
            let changes = ChangeSet::from_paths(root, [Path::new(path)]);
            assert_eq!(changes.rebuild(), Some(Rebuild::Reload), "{path}");
        }
    }

    #[test]
    fn unrelated_changes_rebuild_nothing() {
        let root = Path::new("/shop");
        let changes = ChangeSet::from_paths(root, [Path::new("/shop/public/fr/index.html")]);
        assert!(changes.is_empty());
        assert_eq!(changes.rebuild(), None);
    }
}

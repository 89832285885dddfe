//! The split of a store's build between static assets and R2.
//!
//! Cloudflare limits the number of static asset files per Worker version. When a
//! build has more, whole folders move to R2, largest first, until the files left
//! fit. Moving folders rather than single files keeps the Worker's rule short: a
//! request path under one of the moved folders is read from R2.

use std::collections::BTreeMap;

use commerce::settings::R2Use;

/// Top-level folders that always stay static assets: the Worker reads `_comptoir/`
/// through the assets binding, and `assets/` contains the small shared CSS and
/// JavaScript every page loads.
const PINNED_FOLDERS: [&str; 2] = ["_comptoir", "assets"];

/// The split of a store's files between static assets and R2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Number of files that stay static assets.
    pub static_files: usize,
    /// Folders moved to R2, such as `fr/produits/`, each with its file count, in
    /// the order they were chosen.
    pub r2_folders: Vec<(String, usize)>,
}

impl Split {
    /// Returns whether any file goes to R2.
    pub fn uses_r2(&self) -> bool {
        !self.r2_folders.is_empty()
    }

    /// Returns the number of files that go to R2.
    pub fn r2_files(&self) -> usize {
        self.r2_folders.iter().map(|(_, count)| count).sum()
    }

    /// Returns the R2 folder that contains `path`, if any.
    pub fn r2_folder_of(&self, path: &str) -> Option<&str> {
        self.r2_folders
            .iter()
            .map(|(folder, _)| folder.as_str())
            .find(|folder| path.starts_with(folder))
    }
}

/// The reason a store's files cannot be split to fit the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The build is over the limit and `r2 = "never"` forbids moving files.
    R2Forbidden {
        /// Files in the build.
        files: usize,
    },
    /// Even with every movable folder in R2, the files left are over the limit.
    TooManyPinned {
        /// Files that must stay static assets.
        pinned: usize,
    },
}

/// Splits `paths` (relative, `/`-separated) so that at most `limit` stay static
/// assets, following `mode`.
pub fn split(paths: &[String], limit: usize, mode: R2Use) -> Result<Split, SplitError> {
    let total = paths.len();
    let mut folders: BTreeMap<&str, usize> = BTreeMap::new();
    for path in paths {
        if let Some(folder) = movable_folder(path) {
            *folders.entry(folder).or_default() += 1;
        }
    }

    let over = total > limit;
    let move_all = match mode {
        R2Use::Never if over => return Err(SplitError::R2Forbidden { files: total }),
        R2Use::Never => return Ok(all_static(total)),
        R2Use::Auto if !over => return Ok(all_static(total)),
        R2Use::Auto => false,
        R2Use::Always => true,
    };

    // Largest folders first, so that as few folders as possible move; ties by
    // name, so the same build always splits the same way.
    let mut by_size: Vec<(&str, usize)> = folders.into_iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));

    let mut static_files = total;
    let mut r2_folders = Vec::new();
    for (folder, count) in by_size {
        if !move_all && static_files <= limit {
            break;
        }
        static_files -= count;
        r2_folders.push((folder.to_owned(), count));
    }
    if static_files > limit {
        return Err(SplitError::TooManyPinned { pinned: static_files });
    }
    Ok(Split {
        static_files,
        r2_folders,
    })
}

fn all_static(total: usize) -> Split {
    Split {
        static_files: total,
        r2_folders: Vec::new(),
    }
}

// NOTE: Cloudflare also rejects a static asset over 25 MiB. The product feed,
// `feeds/<locale>-<currency>.xml`, passes that size at about 16,000 products of
// the synthetic catalogue (165 MB at 100,000). It is one folder deep, so it
// cannot move to R2 here, and such a shop cannot deploy its feed to a Worker yet.

/// Returns the folder of two levels (`fr/produits/`) that `path` can move to R2
/// with, or `None` for files that stay static: those of `_comptoir/` and
/// `assets/`, and those less than two folders deep, such as `index.html`,
/// `robots.txt` and each locale's `404.html`, which the Worker serves for
/// missing pages.
fn movable_folder(path: &str) -> Option<&str> {
    let mut segments = path.splitn(3, '/');
    let first = segments.next()?;
    let second = segments.next()?;
    segments.next()?;
    // The Worker reads the folders as one comma-separated variable.
    if PINNED_FOLDERS.contains(&first) || first.contains(',') || second.contains(',') {
        return None;
    }
    Some(&path[..first.len() + second.len() + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|path| (*path).to_owned()).collect()
    }

    fn demo() -> Vec<String> {
        paths(&[
            "404.html",
            "index.html",
            "_comptoir/pricebook.json",
            "_comptoir/emails/partials/footer.html",
            "assets/main.css",
            "fr/index.html",
            "fr/404.html",
            "fr/produits/bol/index.html",
            "fr/produits/tasse/index.html",
            "fr/produits/plat/index.html",
            "en/products/bowl/index.html",
            "en/products/cup/index.html",
            "images/produits/bol.jpg",
        ])
    }

    #[test]
    fn under_limit_stays_static() {
        let split = split(&demo(), 13, R2Use::Auto).expect("fits");
        assert_eq!(split.static_files, 13);
        assert!(!split.uses_r2());
    }

    #[test]
    fn over_limit_moves_largest_folders_first() {
        let split = split(&demo(), 10, R2Use::Auto).expect("fits after moving");
        assert_eq!(split.r2_folders, vec![("fr/produits/".to_owned(), 3)]);
        assert_eq!(split.static_files, 10);

        let split = super::split(&demo(), 8, R2Use::Auto).expect("fits after moving");
        assert_eq!(
            split.r2_folders,
            vec![("fr/produits/".to_owned(), 3), ("en/products/".to_owned(), 2)]
        );
        assert_eq!(split.static_files, 8);
        assert_eq!(split.r2_files(), 5);
        assert_eq!(
            split.r2_folder_of("en/products/cup/index.html"),
            Some("en/products/")
        );
        assert_eq!(split.r2_folder_of("en/index.html"), None);
    }

    #[test]
    fn always_moves_every_movable_folder() {
        let split = split(&demo(), 100, R2Use::Always).expect("always");
        assert_eq!(split.r2_files(), 6);
        assert_eq!(split.static_files, 7);
    }

    #[test]
    fn never_rejects_builds_over_limit() {
        assert_eq!(
            split(&demo(), 5, R2Use::Never),
            Err(SplitError::R2Forbidden { files: 13 })
        );
        assert!(!split(&demo(), 13, R2Use::Never).expect("fits").uses_r2());
    }

    #[test]
    fn pinned_files_over_limit_fail() {
        assert_eq!(
            split(&demo(), 6, R2Use::Auto),
            Err(SplitError::TooManyPinned { pinned: 7 })
        );
    }

    #[test]
    fn shared_and_shallow_files_are_not_movable() {
        assert_eq!(movable_folder("_comptoir/emails/partials/footer.html"), None);
        assert_eq!(movable_folder("assets/fonts/a.woff2"), None);
        assert_eq!(movable_folder("fr/404.html"), None);
        assert_eq!(movable_folder("robots.txt"), None);
        assert_eq!(movable_folder("fr/eur/produits/bol/index.html"), Some("fr/eur/"));
    }
}

//! `comptoir new`: a working shop to start from, in French or English: one store on
//! the built-in `comptoir` theme, two products in one category, the CGV and the
//! mentions légales with placeholders to fill, and a `.gitignore` for the output.
//!
//! The files live under `generator/scaffold/<lang>/` and are compiled in.

use std::fs;
use std::path::Path;

use crate::cli::CommandError;
use crate::messages::Lang;
use crate::msg;

/// Placeholder for the shop name in `site.toml`, quotes included, replaced by a
/// TOML string.
const NAME_PLACEHOLDER: &str = "\"{{name}}\"";

macro_rules! scaffold_files {
    ($lang:literal: $($target:literal => $source:literal),* $(,)?) => {
        &[$(($target, include_str!(concat!("../scaffold/", $lang, "/", $source)))),*]
    };
}

const FRENCH: &[(&str, &str)] = scaffold_files!("fr":
    "site.toml" => "site.toml",
    ".gitignore" => "gitignore",
    "content/categories/cuisine.md" => "content/categories/cuisine.md",
    "content/products/tasse.md" => "content/products/tasse.md",
    "content/products/theiere.md" => "content/products/theiere.md",
    "content/pages/cgv.md" => "content/pages/cgv.md",
    "content/pages/mentions-legales.md" => "content/pages/mentions-legales.md",
);

const ENGLISH: &[(&str, &str)] = scaffold_files!("en":
    "site.toml" => "site.toml",
    ".gitignore" => "gitignore",
    "content/categories/kitchen.md" => "content/categories/kitchen.md",
    "content/products/cup.md" => "content/products/cup.md",
    "content/products/teapot.md" => "content/products/teapot.md",
    "content/pages/cgv.md" => "content/pages/cgv.md",
    "content/pages/mentions-legales.md" => "content/pages/mentions-legales.md",
);

/// Returns the files of a new shop in `lang`, by path relative to its folder, with `name` as
/// the shop and store name.
pub fn files(lang: Lang, name: &str) -> Vec<(&'static str, String)> {
    let quoted_name = toml::Value::String(name.to_owned()).to_string();
    let sources = match lang {
        Lang::Fr => FRENCH,
        Lang::En => ENGLISH,
    };
    sources
        .iter()
        .map(|(path, text)| (*path, text.replace(NAME_PLACEHOLDER, &quoted_name)))
        .collect()
}

/// Creates a new shop in `dir`, which must be missing or empty. When a file cannot
/// be written, everything written so far is removed, so a retry starts clean.
pub fn create(dir: &Path, lang: Lang) -> Result<(), CommandError> {
    let existed = dir.exists();
    if existed {
        let mut entries =
            fs::read_dir(dir).map_err(|error| CommandError::io("io-read-failed", dir, &error))?;
        if entries.next().is_some() {
            return Err(CommandError::Usage(msg!("new-not-empty", path = dir.display())));
        }
    }

    let name = shop_name(dir, lang);
    if let Err(error) = write_files(dir, &files(lang, &name)) {
        remove_written(dir, existed);
        return Err(error);
    }
    Ok(())
}

fn write_files(dir: &Path, files: &[(&str, String)]) -> Result<(), CommandError> {
    for (relative, text) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|error| CommandError::io("io-create-failed", parent, &error))?;
        }
        fs::write(&path, text).map_err(|error| CommandError::io("io-write-failed", &path, &error))?;
    }
    Ok(())
}

/// Removes what a failed `create` wrote: the folder itself if it created it, else
/// its contents, which were empty before.
fn remove_written(dir: &Path, existed: bool) {
    let result = if existed {
        fs::read_dir(dir).and_then(|entries| {
            entries.into_iter().try_for_each(|entry| {
                let path = entry?.path();
                if path.is_dir() {
                    fs::remove_dir_all(path)
                } else {
                    fs::remove_file(path)
                }
            })
        })
    } else {
        fs::remove_dir_all(dir)
    };
    if let Err(error) = result {
        tracing::warn!(path = %dir.display(), %error, "could not remove a partly created shop");
    }
}

/// Picks the shop name written in `site.toml`: the folder name, or a generic name when the
/// folder has none (such as `.`).
fn shop_name(dir: &Path, lang: Lang) -> String {
    let folder = dir
        .canonicalize()
        .ok()
        .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|name| name.to_string_lossy().into_owned()));
    match (folder, lang) {
        (Some(name), _) if !name.trim().is_empty() => name,
        (_, Lang::Fr) => "Ma boutique".to_owned(),
        (_, Lang::En) => "My shop".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    #[test]
    fn both_languages_parse_as_settings() {
        for lang in [Lang::Fr, Lang::En] {
            let files = files(lang, "L'atelier \"Sauge\"");
            let (_, site) = files
                .iter()
                .find(|(path, _)| *path == "site.toml")
                .expect("site.toml");
            let settings = commerce::Settings::parse(site).expect("valid site.toml");
            assert_eq!(settings.shop.legal_name, "L'atelier \"Sauge\"");
            assert_eq!(settings.stores.len(), 1);
            assert_eq!(settings.stores[0].theme.get_ref(), "comptoir");
            assert_eq!(settings.validate(), Vec::new(), "{lang:?}");
        }
    }

    #[test]
    fn creates_into_a_missing_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shop = dir.path().join("boutique");
        create(&shop, Lang::Fr).expect("create");
        assert!(shop.join("site.toml").is_file());
        assert!(shop.join("content/pages/cgv.md").is_file());
        assert!(shop.join("content/pages/mentions-legales.md").is_file());
        let ignore = fs::read_to_string(shop.join(".gitignore")).expect(".gitignore");
        assert!(ignore.lines().any(|line| line == "/public/"), "{ignore}");
    }

    #[test]
    fn rejects_a_folder_with_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("notes.txt"), "keep me").expect("write");
        let error = create(dir.path(), Lang::En).expect_err("not empty");
        assert!(matches!(error, CommandError::Usage(ref message) if message.id == "new-not-empty"));
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).expect("untouched"),
            "keep me"
        );
        assert!(!dir.path().join("site.toml").exists());
    }

    #[test]
    fn accepts_an_empty_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        create(dir.path(), Lang::En).expect("create");
        assert!(dir.path().join("content/products/cup.md").is_file());
    }

    #[test]
    fn failed_write_removes_partial_files() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let shop = dir.path().join("shop");
        // A file where `content/` should go makes the second step fail.
        let mut files = files(Lang::En, "x");
        files.insert(1, ("content", "blocking file".to_owned()));
        fs::create_dir(&shop)?;
        let result = write_files(&shop, &files);
        assert!(result.is_err());
        remove_written(&shop, true);
        assert_eq!(fs::read_dir(&shop)?.count(), 0);
        Ok(())
    }
}

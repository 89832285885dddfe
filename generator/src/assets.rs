//! A theme's assets: `styles/main.css` bundled and minified by lightningcss,
//! `scripts/*.js` copied, both under content-hashed names in `/assets/`, and
//! `static/` copied as it is. Built once per theme and written into every store
//! that uses it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lightningcss::bundler::{Bundler, ResolveResult, SourceProvider};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions};
use lightningcss::targets::{Browsers, Targets};
use sha2::{Digest, Sha256};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;
use crate::theme::{DEFAULT_BROWSERS, EMAIL_STRINGS, EMAIL_TEMPLATES, ThemeFiles};

/// Number of hex digits of the content hash in asset names: 48 bits, so two
/// versions of a file collide with a chance of about one in 2^48.
const HASH_DIGITS: usize = 12;

/// Folder inside a store where email templates and strings are published for the edge.
pub const EMAILS_DIR: &str = "_comptoir/emails";

/// One file to write into each store, at `path` relative to the store's root.
#[derive(Debug, Clone)]
pub struct AssetFile {
    /// Path inside the store, without a leading `/`: `assets/main.1a2b3c4d5e6f.css`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// The theme or shop file it comes from, for conflict messages.
    pub source: PathBuf,
}

/// The assets of one theme and the URL of each by the name templates use.
#[derive(Debug, Clone, Default)]
pub struct ThemeAssets {
    /// URL path by name: `main.css` → `/assets/main.1a2b3c4d5e6f.css`,
    /// `cart.js` → `/assets/cart.….js`, `images/logo.svg` → `/images/logo.svg`.
    pub urls: HashMap<String, String>,
    /// Files to write.
    pub files: Vec<AssetFile>,
}

/// Builds the CSS, scripts and static files of a theme. Every problem is reported
/// together; a CSS error names the file, line and column.
pub fn build_assets(files: &ThemeFiles, browsers: Option<&str>) -> Result<ThemeAssets, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut assets = ThemeAssets::default();

    if files.get("styles/main.css").is_some() {
        match compile_css(files, browsers) {
            Ok(css) => assets.add_hashed("main.css", css.into_bytes(), files.folder.join("styles/main.css")),
            Err(errors) => diagnostics.extend(errors),
        }
    }

    for (name, file) in files.under("scripts") {
        if name.ends_with(".js") && !name.contains('/') {
            assets.add_hashed(name, file.bytes.to_vec(), file.source.clone());
        }
    }

    // The edge renders order emails from these files, published beside the price
    // book: `templates/emails/**` and `i18n/emails.<locale>.ftl`.
    for (name, file) in files.under("templates") {
        if let Some(rest) = name.strip_prefix(EMAIL_TEMPLATES)
            && (rest.ends_with(".txt") || rest.ends_with(".html"))
        {
            assets.files.push(AssetFile {
                path: format!("{EMAILS_DIR}/{rest}"),
                bytes: file.bytes.to_vec(),
                source: file.source.clone(),
            });
        }
    }
    for (name, file) in files.under("i18n") {
        if name.starts_with(EMAIL_STRINGS) && name.ends_with(".ftl") && !name.contains('/') {
            assets.files.push(AssetFile {
                path: format!("{EMAILS_DIR}/{name}"),
                bytes: file.bytes.to_vec(),
                source: file.source.clone(),
            });
        }
    }

    for (name, file) in files.under("static") {
        assets.urls.insert(name.to_owned(), format!("/{name}"));
        assets.files.push(AssetFile {
            path: name.to_owned(),
            bytes: file.bytes.to_vec(),
            source: file.source.clone(),
        });
    }

    diagnostics.into_result(assets)
}

impl ThemeAssets {
    fn add_hashed(&mut self, name: &str, bytes: Vec<u8>, source: PathBuf) {
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
        let hash = content_hash(&bytes);
        let path = format!("assets/{stem}.{hash}.{extension}");
        self.urls.insert(name.to_owned(), format!("/{path}"));
        self.files.push(AssetFile { path, bytes, source });
    }
}

/// Returns the first hex digits of the SHA-256 of `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(bytes));
    digest[..HASH_DIGITS].to_owned()
}

/// Serves the theme's files (overrides applied) to the lightningcss bundler, so
/// built-in themes bundle from memory exactly like themes on disk.
struct ThemeSource<'a> {
    files: &'a ThemeFiles,
    texts: BTreeMap<String, &'a str>,
}

#[derive(Debug, thiserror::Error)]
enum SourceError {
    #[error("`{0}` is not in the theme's styles/ folder")]
    NotFound(String),
}

impl SourceProvider for ThemeSource<'_> {
    type Error = SourceError;

    fn read<'a>(&'a self, file: &Path) -> Result<&'a str, Self::Error> {
        let key = virtual_key(file);
        self.texts.get(&key).copied().ok_or(SourceError::NotFound(key))
    }

    fn resolve(&self, specifier: &str, originating_file: &Path) -> Result<ResolveResult, Self::Error> {
        if specifier.starts_with("http://")
            || specifier.starts_with("https://")
            || specifier.starts_with("//")
        {
            return Ok(ResolveResult::External(specifier.to_owned()));
        }
        let base = originating_file.parent().unwrap_or(Path::new(""));
        let joined = normalize(&base.join(specifier));
        if self.files.get(&joined).is_some() {
            Ok(ResolveResult::File(PathBuf::from(joined)))
        } else {
            Err(SourceError::NotFound(joined))
        }
    }
}

/// Turns a path inside the theme into the key of its file map (`styles/base.css`).
fn virtual_key(path: &Path) -> String {
    normalize(path)
}

/// Resolves `.` and `..` in a relative path without touching the disk.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn compile_css(files: &ThemeFiles, browsers: Option<&str>) -> Result<String, Diagnostics> {
    let source_of = |name: &str| {
        files
            .get(&virtual_key(Path::new(name)))
            .map_or_else(|| files.folder.join(name), |file| file.source.clone())
    };
    let mut texts = BTreeMap::new();
    let mut diagnostics = Diagnostics::new();
    for (name, file) in files.under("styles") {
        match file.text() {
            Ok(text) => {
                texts.insert(format!("styles/{name}"), text);
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }

    let query = browsers.unwrap_or(DEFAULT_BROWSERS);
    let targets = match browser_targets(query) {
        Ok(browsers) => Targets::from(browsers),
        Err(error) => {
            return Err(Diagnostic::file(
                files.folder.join("theme.toml"),
                msg!("render-browsers-invalid", query = query, error = error),
            )
            .into());
        }
    };

    let provider = ThemeSource { files, texts };
    let options = ParserOptions {
        filename: "styles/main.css".to_owned(),
        ..ParserOptions::default()
    };
    let mut bundler = Bundler::new(&provider, None, options);
    let css_error = |message: String, location: Option<&lightningcss::error::ErrorLocation>| match location {
        Some(location) => Diagnostic::at(
            source_of(&location.filename),
            location.line as usize + 1,
            location.column as usize,
            msg!("render-css-invalid", error = message),
        ),
        None => Diagnostic::file(
            source_of("styles/main.css"),
            msg!("render-css-invalid", error = message),
        ),
    };

    let mut stylesheet = bundler
        .bundle(Path::new("styles/main.css"))
        .map_err(|error| css_error(error.kind.to_string(), error.loc.as_ref()))?;
    stylesheet
        .minify(MinifyOptions {
            targets,
            ..MinifyOptions::default()
        })
        .map_err(|error| css_error(error.kind.to_string(), error.loc.as_ref()))?;
    let printed = stylesheet
        .to_css(PrinterOptions {
            minify: true,
            targets,
            ..PrinterOptions::default()
        })
        .map_err(|error| css_error(error.kind.to_string(), error.loc.as_ref()))?;
    Ok(printed.code)
}

/// Resolves a browserslist query once per query: resolving reads the bundled
/// caniuse data, which takes a few milliseconds.
fn browser_targets(query: &str) -> Result<Option<Browsers>, String> {
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<String, Result<Option<Browsers>, String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(query.to_owned())
        .or_insert_with(|| {
            let queries: Vec<&str> = query.split(',').map(str::trim).collect();
            Browsers::from_browserslist(queries).map_err(|error| error.to_string())
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::theme::ThemeFile;

    fn files(entries: &[(&str, &str)]) -> ThemeFiles {
        ThemeFiles {
            name: "test".into(),
            folder: PathBuf::from("themes/test"),
            builtin: false,
            files: entries
                .iter()
                .map(|(path, text)| {
                    (
                        (*path).to_owned(),
                        ThemeFile {
                            bytes: Cow::Owned(text.as_bytes().to_vec()),
                            source: PathBuf::from("themes/test").join(path),
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn bundles_imports_and_hashes() {
        let theme = files(&[
            (
                "styles/main.css",
                "@import \"parts/base.css\";\n.b { color: #ff0000; }\n",
            ),
            ("styles/parts/base.css", ".a {\n  margin: 0px 0px 0px 0px;\n}\n"),
            ("scripts/cart.js", "console.log(1);\n"),
            ("static/images/logo.svg", "<svg/>"),
        ]);
        let assets = build_assets(&theme, None).expect("valid");
        let css_url = &assets.urls["main.css"];
        assert!(
            css_url.starts_with("/assets/main.") && css_url.ends_with(".css"),
            "{css_url}"
        );
        let css = assets
            .files
            .iter()
            .find(|file| format!("/{}", file.path) == *css_url)
            .expect("css written");
        assert_eq!(String::from_utf8_lossy(&css.bytes), ".a{margin:0}.b{color:red}");
        let hash = content_hash(b"console.log(1);\n");
        assert_eq!(assets.urls["cart.js"], format!("/assets/cart.{hash}.js"));
        assert_eq!(assets.urls["images/logo.svg"], "/images/logo.svg");
    }

    #[test]
    fn css_error_names_imported_file_and_line() {
        let theme = files(&[
            ("styles/main.css", "@import \"base.css\";\n"),
            (
                "styles/base.css",
                ".a { color: red; }\n\n.b { color: red;; }\n.c { @@@ }\n",
            ),
        ]);
        let errors = build_assets(&theme, None).expect_err("bad CSS");
        assert_eq!(errors.0[0].file, PathBuf::from("themes/test/styles/base.css"));
        assert_eq!(errors.0[0].line, Some(4));
    }

    #[test]
    fn missing_import_is_an_error() {
        let theme = files(&[("styles/main.css", "@import \"nope.css\";\n")]);
        let errors = build_assets(&theme, None).expect_err("missing import");
        assert!(errors.0[0].to_string().contains("nope.css"), "{}", errors.0[0]);
    }

    #[test]
    fn bad_browser_query_is_an_error() {
        let theme = files(&[("styles/main.css", "a{color:red}")]);
        let errors = build_assets(&theme, Some("no such browser 12")).expect_err("bad query");
        assert_eq!(errors.0[0].file, PathBuf::from("themes/test/theme.toml"));
    }
}

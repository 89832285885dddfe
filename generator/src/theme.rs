//! Themes: the files of a store's theme with the shop's overrides laid over them,
//! the settings the theme declares, its templates compiled once, and its strings.
//!
//! A theme comes from `<shop>/themes/<name>/` when that folder exists, else from the
//! themes built into the binary (the repository's `themes/` folder), so a new shop
//! works without copying a theme. The shop's `templates/`, `styles/`, `scripts/` and
//! `static/` folders then replace any theme file at the same relative path.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use tera::Tera;
use unic_langid::LanguageIdentifier;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::walk_failed;
use crate::msg;

/// The repository's `themes/` folder, compiled into the binary.
// NOTE: include_dir does not tell Cargo about the embedded files on stable Rust, so
// an edit under `themes/` reaches the binary only when the generator crate is
// rebuilt for another reason (or after `touch generator/src/theme.rs`).
static BUILTIN_THEMES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../themes");

/// The shop folders whose files replace the theme's files at the same path.
pub const OVERRIDE_FOLDERS: [&str; 4] = ["templates", "styles", "scripts", "static"];

/// Folder of `templates/` holding the email templates the edge renders.
pub const EMAIL_TEMPLATES: &str = "emails/";

/// Prefix of the `i18n/` files holding the emails' strings: `emails.fr.ftl`.
pub const EMAIL_STRINGS: &str = "emails.";

/// Browsers the CSS is compiled for when `theme.toml` names none.
pub const DEFAULT_BROWSERS: &str = "last 2 versions, > 0.5%, not dead";

/// Names of the themes built into the binary, sorted.
pub fn builtin_theme_names() -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_THEMES
        .dirs()
        .filter(|dir| dir.get_file(dir.path().join("theme.toml")).is_some())
        .filter_map(|dir| dir.path().file_name()?.to_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// One file of a theme after the shop's overrides.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Contents; borrowed from the binary for built-in themes.
    pub bytes: Cow<'static, [u8]>,
    /// Path of the file it comes from, relative to the shop root, for messages:
    /// `themes/plain/templates/base.html`, or `templates/base.html` for an override.
    pub source: PathBuf,
}

impl ThemeFile {
    /// Returns the contents as UTF-8 text, or a diagnostic naming the file.
    pub fn text(&self) -> Result<&str, Diagnostic> {
        std::str::from_utf8(&self.bytes)
            .map_err(|error| Diagnostic::file(&self.source, msg!("render-file-not-utf8", error = error)))
    }
}

/// The `[settings.<name>]` table of `theme.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSetting {
    /// Value used when a store sets none; its type is the setting's type.
    pub default: toml::Value,
    /// Description of what the setting changes, for merchants.
    #[serde(default)]
    pub description: Option<String>,
}

/// `theme.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeManifest {
    /// Display name.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub description: Option<String>,
    /// Browserslist query the CSS is compiled for, [`DEFAULT_BROWSERS`] when absent.
    #[serde(default)]
    pub browsers: Option<String>,
    /// Settings a store may set in `[stores.theme_settings]`.
    #[serde(default)]
    pub settings: BTreeMap<String, ThemeSetting>,
}

/// A theme's files, keyed by their path inside the theme (`templates/base.html`).
#[derive(Debug, Clone)]
pub struct ThemeFiles {
    /// Folder name of the theme under `themes/`.
    pub name: String,
    /// Path of the theme itself, for messages: `themes/<name>`.
    pub folder: PathBuf,
    /// Whether the theme comes from the binary rather than the shop.
    pub builtin: bool,
    /// Files by relative path, shop overrides applied.
    pub files: BTreeMap<String, ThemeFile>,
}

impl ThemeFiles {
    /// Returns the file at `path` inside the theme.
    pub fn get(&self, path: &str) -> Option<&ThemeFile> {
        self.files.get(path)
    }

    /// Files under `folder/` (such as `templates`), with their path below it.
    pub fn under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = (&'a str, &'a ThemeFile)> + 'a {
        self.files.iter().filter_map(move |(path, file)| {
            let rest = path.strip_prefix(folder)?.strip_prefix('/')?;
            Some((rest, file))
        })
    }
}

/// Reads theme `name` for the shop in `root`: from `root/themes/<name>/`, else from
/// the built-in themes, then lays the shop's override folders over it. Returns
/// `Ok(None)` when no theme of that name exists.
pub fn read_theme_files(root: &Path, name: &str) -> Result<Option<ThemeFiles>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let folder = PathBuf::from("themes").join(name);
    let shop_theme = root.join(&folder);
    let mut files = BTreeMap::new();

    let builtin = if shop_theme.is_dir() {
        read_folder(root, &shop_theme, "", &mut files, &mut diagnostics);
        false
    } else if let Some(dir) = valid_theme_name(name)
        .then(|| BUILTIN_THEMES.get_dir(name))
        .flatten()
    {
        collect_builtin(dir, &folder, &mut files);
        true
    } else {
        return diagnostics.into_result(None);
    };

    for override_folder in OVERRIDE_FOLDERS {
        let path = root.join(override_folder);
        if path.is_dir() {
            read_folder(root, &path, override_folder, &mut files, &mut diagnostics);
        }
    }

    diagnostics.into_result(Some(ThemeFiles {
        name: name.to_owned(),
        folder,
        builtin,
        files,
    }))
}

/// Checks that `name` is a plain folder name, so it cannot reach outside `themes/`.
fn valid_theme_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

fn collect_builtin(dir: &'static Dir<'static>, folder: &Path, files: &mut BTreeMap<String, ThemeFile>) {
    for entry in dir.entries() {
        if let Some(sub) = entry.as_dir() {
            collect_builtin(sub, folder, files);
        } else if let Some(file) = entry.as_file() {
            // Paths inside the embedded tree start with the theme's own folder name.
            let relative: PathBuf = file.path().components().skip(1).collect();
            let Some(key) = relative.to_str().map(|path| path.replace('\\', "/")) else {
                continue;
            };
            files.insert(
                key,
                ThemeFile {
                    bytes: Cow::Borrowed(file.contents()),
                    source: folder.join(&relative),
                },
            );
        }
    }
}

fn read_folder(
    root: &Path,
    folder: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, ThemeFile>,
    diagnostics: &mut Diagnostics,
) {
    // Links are followed like in `content/` and in the build id, so a shop may link
    // `static/images` to a folder kept elsewhere.
    for entry in walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(walk_failed(root, folder, &error));
                continue;
            }
        };
        if !entry.file_type().is_file() || is_hidden(entry.path(), folder) {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(folder) else {
            continue;
        };
        let Some(relative) = relative.to_str().map(|path| path.replace('\\', "/")) else {
            continue;
        };
        let key = if prefix.is_empty() {
            relative
        } else {
            format!("{prefix}/{relative}")
        };
        let source = Diagnostics::relative(root, entry.path());
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                files.insert(
                    key,
                    ThemeFile {
                        bytes: Cow::Owned(bytes),
                        source,
                    },
                );
            }
            Err(error) => diagnostics.push(Diagnostic::file(
                source,
                msg!("render-file-unreadable", error = error),
            )),
        }
    }
}

/// Dot files (`.DS_Store`, editor swap files) are never part of a theme.
fn is_hidden(path: &Path, base: &Path) -> bool {
    path.strip_prefix(base)
        .map(|relative| {
            relative.components().any(|component| {
                component
                    .as_os_str()
                    .to_str()
                    .is_some_and(|name| name.starts_with('.'))
            })
        })
        .unwrap_or(false)
}

/// Parses `theme.toml`, reporting syntax errors and unknown keys with their line.
pub fn parse_manifest(files: &ThemeFiles) -> Result<ThemeManifest, Diagnostics> {
    let Some(file) = files.get("theme.toml") else {
        return Err(Diagnostic::file(
            files.folder.join("theme.toml"),
            msg!("render-theme-toml-missing", theme = &files.name),
        )
        .into());
    };
    let text = file.text()?;
    toml::from_str(text).map_err(|error| {
        let message = msg!("render-theme-toml-invalid", error = error.message());
        match error.span() {
            Some(span) => Diagnostic::at_offset(&file.source, text, span.start, message).into(),
            None => Diagnostic::file(&file.source, message).into(),
        }
    })
}

/// Checks a store's `theme_settings` against the settings the theme declares and
/// returns the values templates see as `theme`: every declared setting, the store's
/// value or the default. `site` is the text of `site.toml`, used to point at the
/// offending key; `store_offset` is where the store's table starts in it.
pub fn resolve_settings(
    manifest: &ThemeManifest,
    theme_name: &str,
    store_id: &str,
    values: &toml::Table,
    site: &str,
    store_offset: usize,
) -> Result<serde_json::Map<String, serde_json::Value>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut resolved = serde_json::Map::new();
    let known: Vec<&str> = manifest.settings.keys().map(String::as_str).collect();
    let known = if known.is_empty() {
        "(none)".to_owned()
    } else {
        known.join(", ")
    };

    for (key, value) in values {
        let diagnostic = |message| setting_diagnostic(site, store_offset, key, message);
        match manifest.settings.get(key) {
            None => diagnostics.push(diagnostic(msg!(
                "render-theme-setting-unknown",
                store = store_id,
                key = key,
                theme = theme_name,
                known = &known
            ))),
            Some(setting) if setting.default.type_str() != value.type_str() => {
                diagnostics.push(diagnostic(msg!(
                    "render-theme-setting-type",
                    store = store_id,
                    key = key,
                    expected = setting.default.type_str(),
                    found = value.type_str()
                )))
            }
            Some(_) => {}
        }
    }

    for (key, setting) in &manifest.settings {
        let value = values.get(key).unwrap_or(&setting.default);
        resolved.insert(key.clone(), toml_to_json(value));
    }
    diagnostics.into_result(resolved)
}

/// Points at `key` inside the store's `theme_settings`, or at the store when the key
/// cannot be found (an inline table split oddly, for example).
fn setting_diagnostic(
    site: &str,
    store_offset: usize,
    key: &str,
    message: crate::messages::Message,
) -> Diagnostic {
    let after_store = site.get(store_offset..).unwrap_or("");
    let offset = after_store
        .find("theme_settings")
        .and_then(|start| {
            let from = start + "theme_settings".len();
            after_store[from..]
                .match_indices(key)
                .find(|(index, _)| {
                    let before = after_store[..from + index].chars().next_back();
                    let after = after_store[from + index + key.len()..].chars().next();
                    !before.is_some_and(is_key_char) && !after.is_some_and(is_key_char)
                })
                .map(|(index, _)| store_offset + from + index)
        })
        .unwrap_or(store_offset);
    Diagnostic::at_offset("site.toml", site, offset, message)
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(text) => serde_json::Value::String(text.clone()),
        toml::Value::Integer(number) => serde_json::Value::from(*number),
        toml::Value::Float(number) => serde_json::Value::from(*number),
        toml::Value::Boolean(flag) => serde_json::Value::Bool(*flag),
        toml::Value::Datetime(datetime) => serde_json::Value::String(datetime.to_string()),
        toml::Value::Array(items) => serde_json::Value::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => serde_json::Value::Object(
            table
                .iter()
                .map(|(key, value)| (key.clone(), toml_to_json(value)))
                .collect(),
        ),
    }
}

/// Compiles every `templates/**` file into one Tera instance. Every template with a
/// syntax error is reported, each with its file, line and column.
pub fn compile_templates(files: &ThemeFiles) -> Result<Tera, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut sources: Vec<(String, &str)> = Vec::new();
    let mut by_name: HashMap<String, &ThemeFile> = HashMap::new();

    for (name, file) in files.under("templates") {
        // Email templates are published for the edge, which renders them with its
        // own layouts; they are not pages.
        if name.starts_with(EMAIL_TEMPLATES) {
            continue;
        }
        match file.text() {
            Ok(text) => {
                // Parsing each template on its own finds every syntax error, where
                // `add_raw_templates` stops at the first one.
                if let Err(error) = tera::Template::new(name, None, text) {
                    diagnostics.push(template_diagnostic(file, &error));
                    continue;
                }
                sources.push((name.to_owned(), text));
                by_name.insert(name.to_owned(), file);
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }

    let mut tera = Tera::default();
    // Pages are HTML; XML and text files are written by the renderer, not by themes.
    tera.autoescape_on(vec![".html", ".htm"]);
    tera.set_escape_fn(escape_html);
    if let Err(error) = tera.add_raw_templates(sources) {
        // Syntax is checked above, so this is an inheritance problem: a missing
        // parent, a loop of `extends`, or a macro file that is not one.
        let file = match error.kind {
            tera::ErrorKind::MissingParent { ref current, .. } => by_name.get(current).copied(),
            tera::ErrorKind::CircularExtend { ref tpl, .. } => by_name.get(tpl).copied(),
            _ => None,
        };
        let source = file.map_or_else(|| files.folder.join("templates"), |file| file.source.clone());
        diagnostics.push(Diagnostic::file(
            source,
            msg!("render-template-invalid", error = error_chain(&error)),
        ));
        return Err(diagnostics);
    }
    // `get_env` would let a template read the build machine's environment, secrets
    // included; no theme needs it.
    tera.register_function("get_env", |_: &HashMap<String, tera::Value>| {
        Err(tera::Error::msg("get_env is disabled in Comptoir themes"))
    });
    Ok(tera)
}

/// Escapes text for HTML content and quoted attributes. Tera's default also
/// escapes `/`, which turns every URL path into `&#x2F;fr&#x2F;…`: valid, but
/// unreadable in the page source and useless for safety inside quoted attributes.
fn escape_html(input: &str) -> String {
    // Most template values (names, prices, URLs) contain nothing to escape: then
    // one copy is all the work. Otherwise the runs between escapable bytes are
    // copied whole. The five escapable characters are ASCII, so a byte index
    // found by searching the bytes is always on a UTF-8 boundary.
    let bytes = input.as_bytes();
    let Some(first) = bytes.iter().position(|byte| html_entity(*byte).is_some()) else {
        return input.to_owned();
    };
    let mut escaped = String::with_capacity(input.len() + input.len() / 8 + 8);
    let mut copied = 0;
    for (index, byte) in bytes.iter().enumerate().skip(first) {
        if let Some(entity) = html_entity(*byte) {
            escaped.push_str(&input[copied..index]);
            escaped.push_str(entity);
            copied = index + 1;
        }
    }
    escaped.push_str(&input[copied..]);
    escaped
}

/// Returns the entity [`escape_html`] writes for a byte, or `None` when the byte stays.
fn html_entity(byte: u8) -> Option<&'static str> {
    match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        _ => None,
    }
}

fn template_diagnostic(file: &ThemeFile, error: &tera::Error) -> Diagnostic {
    let chain = error_chain(error);
    let message = msg!("render-template-syntax", error = pest_summary(&chain));
    match pest_position(&chain) {
        Some((line, column)) => Diagnostic::at(&file.source, line, column, message),
        None => Diagnostic::file(&file.source, message),
    }
}

/// Extracts the line and column of a Tera syntax error, which Tera only gives as text
/// (` --> 3:9`).
fn pest_position(text: &str) -> Option<(usize, usize)> {
    let start = text.find("--> ")? + 4;
    let rest = &text[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':'))?;
    let (line, column) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Extracts the useful line of a Tera syntax error: the `= expected …` part, without the
/// source excerpt, which the location already points at.
fn pest_summary(text: &str) -> String {
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix("= "))
        .map_or_else(
            || text.lines().last().unwrap_or(text).trim().to_owned(),
            str::to_owned,
        )
}

/// Joins the messages of an error and its causes with `: `.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A theme's Fluent strings: one resource per `i18n/<tag>.ftl` file.
#[derive(Debug, Default)]
pub struct ThemeStrings {
    resources: BTreeMap<String, Arc<FluentResource>>,
}

impl ThemeStrings {
    /// Parses every `i18n/*.ftl` file, reporting each syntax error with its line.
    pub fn parse(files: &ThemeFiles) -> Result<ThemeStrings, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut resources = BTreeMap::new();
        for (name, file) in files.under("i18n") {
            let Some(tag) = name.strip_suffix(".ftl") else {
                continue;
            };
            if tag.starts_with(EMAIL_STRINGS) {
                continue;
            }
            let text = match file.text() {
                Ok(text) => text,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            match FluentResource::try_new(text.to_owned()) {
                Ok(resource) => {
                    resources.insert(tag.to_owned(), Arc::new(resource));
                }
                Err((_, errors)) => {
                    for error in errors {
                        // Fluent points at the character it could not take, which is
                        // often the line break or the end of the file after the
                        // broken line; the end of that line is where to look.
                        let start = error.pos.start.min(text.len());
                        let at_space = text[start..].chars().next().is_none_or(char::is_whitespace);
                        let offset = if at_space {
                            text[..start].trim_end().len()
                        } else {
                            start
                        };
                        diagnostics.push(Diagnostic::at_offset(
                            &file.source,
                            text,
                            offset,
                            msg!("render-ftl-syntax", error = error),
                        ));
                    }
                }
            }
        }
        diagnostics.into_result(ThemeStrings { resources })
    }

    /// Builds the strings a page in `locale` reads: the locale's file (`fr-CH.ftl`), its
    /// language's (`fr.ftl`), then English, then French.
    pub fn translator(&self, locale: &str) -> Translator {
        let language = locale.split('-').next().unwrap_or(locale);
        let mut tags: Vec<&str> = Vec::new();
        for tag in [locale, language, "en", "fr"] {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let bundles = tags
            .into_iter()
            .filter_map(|tag| {
                let resource = self.resources.get(tag)?;
                let language: LanguageIdentifier = tag.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![language]);
                // Isolation marks would end up inside attributes and JSON strings.
                bundle.set_use_isolating(false);
                // Each bundle contains one resource, so no id can be defined twice.
                let _no_duplicates = bundle.add_resource(Arc::clone(resource));
                Some(bundle)
            })
            .collect();
        Translator { bundles }
    }
}

/// Looks up theme strings for one locale, with its fallbacks.
pub struct Translator {
    bundles: Vec<FluentBundle<Arc<FluentResource>>>,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translator")
            .field("bundles", &self.bundles.len())
            .finish()
    }
}

impl Translator {
    /// The string `key` with `args`, from the first bundle that has it; the key
    /// itself when none has, so a missing string shows on the page instead of
    /// failing the build.
    pub fn translate(&self, key: &str, args: &FluentArgs) -> String {
        for bundle in &self.bundles {
            let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(args), &mut errors);
            return text.into_owned();
        }
        key.to_owned()
    }
}

/// Turns Tera function arguments into Fluent arguments: numbers stay numbers, so
/// Fluent can pick plural forms.
pub fn fluent_args<'a>(args: impl Iterator<Item = (&'a String, &'a tera::Value)>) -> FluentArgs<'a> {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            tera::Value::Number(number) => number
                .as_f64()
                .map_or_else(|| FluentValue::from(number.to_string()), FluentValue::from),
            tera::Value::String(text) => FluentValue::from(text.as_str()),
            tera::Value::Bool(flag) => FluentValue::from(flag.to_string()),
            tera::Value::Null => FluentValue::None,
            other => FluentValue::from(other.to_string()),
        };
        fluent.set(name.as_str(), value);
    }
    fluent
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn syntax_errors_name_file_and_line() {
        let theme = files(&[
            ("templates/a.html", "ok {{ lang }}"),
            ("templates/b.html", "line one\n{{ lang }\n"),
            ("templates/c.html", "{% if %}"),
        ]);
        let errors = compile_templates(&theme).expect_err("two broken templates");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.0[0].location(), "themes/test/templates/b.html:2:9");
        assert!(errors.0[0].to_string().contains("expected"), "{}", errors.0[0]);
        assert_eq!(errors.0[1].file, PathBuf::from("themes/test/templates/c.html"));
    }

    #[test]
    fn missing_parent_names_child() {
        let theme = files(&[("templates/a.html", "{% extends \"nope.html\" %}")]);
        let errors = compile_templates(&theme).expect_err("missing parent");
        assert_eq!(errors.0[0].file, PathBuf::from("themes/test/templates/a.html"));
        assert!(errors.0[0].to_string().contains("nope.html"), "{}", errors.0[0]);
    }

    #[test]
    fn manifest_rejects_unknown_keys() {
        let theme = files(&[(
            "theme.toml",
            "name = \"T\"\n[settings.accent]\ndefault = 1\ncolour = 2\n",
        )]);
        let errors = parse_manifest(&theme).expect_err("unknown key");
        assert_eq!(errors.0[0].line, Some(4));
        assert!(errors.0[0].to_string().contains("colour"), "{}", errors.0[0]);
    }

    #[test]
    fn settings_defaults_and_errors() {
        let theme = files(&[(
            "theme.toml",
            "name = \"T\"\n[settings.accent]\ndefault = \"#000\"\n[settings.count]\ndefault = 4\n",
        )]);
        let manifest = parse_manifest(&theme).expect("valid");
        let site =
            "[[stores]]\nid = \"fr\"\ntheme_settings = { accent = \"#fff\", count = \"x\", colour = 1 }\n";
        let values: toml::Table =
            toml::from_str("accent = \"#fff\"\ncount = \"x\"\ncolour = 1").expect("toml");
        let errors = resolve_settings(&manifest, "t", "fr", &values, site, 0).expect_err("two errors");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.0[0].location(), "site.toml:3:37");
        assert!(errors.0[0].to_string().contains("`count`"), "{}", errors.0[0]);
        assert_eq!(errors.0[1].location(), "site.toml:3:50");
        assert!(errors.0[1].to_string().contains("`colour`"), "{}", errors.0[1]);

        let values: toml::Table = toml::from_str("accent = \"#fff\"").expect("toml");
        let resolved = resolve_settings(&manifest, "t", "fr", &values, site, 0).expect("valid");
        assert_eq!(resolved["accent"], "#fff");
        assert_eq!(resolved["count"], 4);
    }

    #[test]
    fn strings_fall_back_to_english_then_key() {
        let theme = files(&[
            ("i18n/en.ftl", "hello = Hello { $name }\nonly-en = Only\n"),
            ("i18n/fr.ftl", "hello = Bonjour { $name }\n"),
        ]);
        let strings = ThemeStrings::parse(&theme).expect("valid");
        let name = tera::Value::from("Ana");
        let key = "name".to_owned();
        let args = fluent_args([(&key, &name)].into_iter());
        let fr = strings.translator("fr-CH");
        assert_eq!(fr.translate("hello", &args), "Bonjour Ana");
        assert_eq!(fr.translate("only-en", &args), "Only");
        assert_eq!(fr.translate("missing", &args), "missing");
        assert_eq!(strings.translator("de").translate("hello", &args), "Hello Ana");
    }

    #[test]
    fn ftl_errors_name_line() {
        let theme = files(&[("i18n/fr.ftl", "ok = oui\nbroken = { \n")]);
        let errors = ThemeStrings::parse(&theme).expect_err("broken");
        assert_eq!(errors.0[0].line, Some(2));
    }

    #[test]
    fn comptoir_is_built_in() {
        assert!(builtin_theme_names().contains(&"comptoir".to_owned()));
    }

    /// Escapes char by char, as `escape_html` did before its fast path: the reference.
    fn escape_html_by_char(input: &str) -> String {
        let mut escaped = String::new();
        for c in input.chars() {
            match c {
                '&' => escaped.push_str("&amp;"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '"' => escaped.push_str("&quot;"),
                '\'' => escaped.push_str("&#x27;"),
                c => escaped.push(c),
            }
        }
        escaped
    }

    #[test]
    fn escape_html_matches_char_escape() {
        let cases = [
            "",
            "Tasse en grès",
            "/fr/produits/tasse-gres/",
            "&",
            "<<>>",
            "Thé & \"tasses\" <b>l'été</b>",
            "&amp; stays escaped twice",
            "é&é<é>é\"é'é",
            "🍵&🍵",
            "ends with <",
            "> starts with",
        ];
        for case in cases {
            assert_eq!(escape_html(case), escape_html_by_char(case), "input {case:?}");
        }
        assert_eq!(escape_html("a<b"), "a&lt;b");
        assert_eq!(escape_html("l'été"), "l&#x27;été");
    }
}

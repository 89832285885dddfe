//! Order emails rendered from the theme's email templates in the customer's language.
//!
//! The templates and strings arrive as text, path → content, because on the Worker
//! they are static assets of the deployment. The build publishes them, per store, as:
//!
//! | published file (`public/<store>/_comptoir/emails/…`) | source in the theme (a shop file at the same path wins) | required |
//! |---|---|---|
//! | `order_confirmation.subject.txt` | `templates/emails/order_confirmation.subject.txt` | yes |
//! | `order_confirmation.txt` | `templates/emails/order_confirmation.txt` | yes |
//! | `order_confirmation.html` | `templates/emails/order_confirmation.html` | no: without it the email is plain text |
//! | `status_changed.subject.txt` | `templates/emails/status_changed.subject.txt` | yes |
//! | `status_changed.txt` | `templates/emails/status_changed.txt` | yes |
//! | `status_changed.html` | `templates/emails/status_changed.html` | no |
//! | `data_request_confirm.*`, `data_request_report.*`, `inactive_warning.*` | `templates/emails/…` (subject, text, HTML) | no: without them these emails are plain localized text |
//! | any other `*.txt`, `*.html`, sub-folders included | `templates/emails/**` | layouts and partials the templates `extends` or `include` |
//! | `emails.<locale>.ftl` | `i18n/emails.<locale>.ftl` | at least one; `en` and `fr` are the fallbacks |
//!
//! [`EmailTemplates::from_files`] takes the paths relative to that folder, exactly as
//! in the first column (without the `public/<store>/_comptoir/emails/` prefix); other
//! file types are ignored.
//!
//! Templates are Tera. `.html` templates are HTML-escaped, `.txt` ones are not. They
//! read the [`EmailContext`] (see [`crate::mail::context`]) and the strings through
//! `t(key="…", name=value…)`: the Fluent message `key` of `emails.<lang>.ftl`, then of
//! the language without its region, then English, then French. The subject is one
//! line: its whitespace is collapsed. The plain-text body loses trailing spaces and
//! runs of blank lines, so templates can put block tags on lines of their own.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use tera::{Context, Tera, Value};
use unic_langid::LanguageIdentifier;

use crate::mail::{Email, EmailContext};

/// Where the build publishes the email templates, under `public/<store>/`.
pub const PUBLISHED_DIR: &str = "_comptoir/emails";

/// The email kinds the edge sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailKind {
    /// Sent when an order is placed.
    OrderConfirmation,
    /// Sent when the merchant moves an order to a status that notifies the customer.
    StatusChanged,
    /// Sent when someone requests an export or an erasure of their data: the
    /// confirmation link.
    DataRequestConfirm,
    /// Sent when an erasure is applied or deferred: what was deleted, what is kept,
    /// on which legal ground and until when.
    DataRequestReport,
    /// Sent before an inactive person's data is anonymised.
    InactiveWarning,
}

impl EmailKind {
    /// Every kind.
    pub const ALL: [EmailKind; 5] = [
        EmailKind::OrderConfirmation,
        EmailKind::StatusChanged,
        EmailKind::DataRequestConfirm,
        EmailKind::DataRequestReport,
        EmailKind::InactiveWarning,
    ];

    /// The kinds whose subject and text templates a theme must publish. Themes
    /// written before the personal-data emails existed lack them, and those emails
    /// are then sent as plain localized text.
    pub const REQUIRED: [EmailKind; 2] = [EmailKind::OrderConfirmation, EmailKind::StatusChanged];

    /// Base name of the kind's templates: `order_confirmation`, `status_changed`,
    /// `data_request_confirm`, `data_request_report`, `inactive_warning`.
    pub fn name(self) -> &'static str {
        match self {
            EmailKind::OrderConfirmation => "order_confirmation",
            EmailKind::StatusChanged => "status_changed",
            EmailKind::DataRequestConfirm => "data_request_confirm",
            EmailKind::DataRequestReport => "data_request_report",
            EmailKind::InactiveWarning => "inactive_warning",
        }
    }

    /// The subject template.
    pub fn subject_template(self) -> String {
        format!("{}.subject.txt", self.name())
    }

    /// The plain-text template.
    pub fn text_template(self) -> String {
        format!("{}.txt", self.name())
    }

    /// The HTML template, optional.
    pub fn html_template(self) -> String {
        format!("{}.html", self.name())
    }
}

/// An email rendered, before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// Subject, one line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body, when the theme has an HTML template for the kind.
    pub html: Option<String>,
}

impl RenderedEmail {
    /// Addresses the email. `from` is usually [`crate::mail::context::sender`] of the
    /// store name and the shop's email.
    pub fn into_email(self, from: String, to: String) -> Email {
        Email {
            from,
            to,
            subject: self.subject,
            text: self.text,
            html: self.html,
        }
    }
}

/// One problem in the email templates or strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateProblem {
    /// A required template is absent.
    MissingTemplate {
        /// Published path, such as `status_changed.txt`.
        path: String,
    },
    /// No `emails.<locale>.ftl` file at all.
    NoStrings,
    /// A `.ftl` file not named `emails.<locale>.ftl`.
    StringsFileName {
        /// Published path.
        path: String,
    },
    /// A template does not parse.
    Syntax {
        /// Published path.
        path: String,
        /// Tera's message, with the line and column.
        message: String,
    },
    /// A Fluent file does not parse.
    Strings {
        /// Published path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Fluent's message.
        message: String,
    },
    /// A file or folder could not be read.
    Unreadable {
        /// Path on disk.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// The templates parse one by one but not together: an `extends` or `include`
    /// names a template that does not exist, for instance.
    Links {
        /// Tera's message.
        message: String,
    },
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateProblem::MissingTemplate { path } => write!(
                f,
                "missing email template `{path}`: add `templates/emails/{path}` to the theme or the shop (the build publishes it to `public/<store>/{PUBLISHED_DIR}/{path}`)"
            ),
            TemplateProblem::NoStrings => write!(
                f,
                "no email strings: add `i18n/emails.fr.ftl` and `i18n/emails.en.ftl` to the theme (the build publishes them to `public/<store>/{PUBLISHED_DIR}/`)"
            ),
            TemplateProblem::StringsFileName { path } => write!(
                f,
                "`{path}`: email strings must be named `emails.<locale>.ftl`, such as `emails.fr.ftl`"
            ),
            TemplateProblem::Syntax { path, message } => write!(f, "{path}: {message}"),
            TemplateProblem::Strings {
                path,
                line,
                column,
                message,
            } => write!(f, "{path}:{line}:{column}: {message}"),
            TemplateProblem::Unreadable { path, message } => write!(f, "cannot read {path}: {message}"),
            TemplateProblem::Links { message } => write!(f, "{message}"),
        }
    }
}

/// Why email templates could not be loaded or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The templates or strings are missing or invalid; every problem is listed.
    #[error("{}", list_problems(.0))]
    Load(Vec<TemplateProblem>),
    /// Rendering failed: an unknown variable, a missing string…
    #[error("rendering the email template `{template}` failed: {message}")]
    Render {
        /// Published path of the template.
        template: String,
        /// What failed, with Tera's explanation.
        message: String,
    },
}

fn list_problems(problems: &[TemplateProblem]) -> String {
    match problems {
        [single] => single.to_string(),
        problems => {
            let mut text = format!("{} problems in the email templates:", problems.len());
            for (index, problem) in problems.iter().enumerate() {
                text.push_str(&format!("\n  {}. {problem}", index + 1));
            }
            text
        }
    }
}

/// The email templates and strings of one store, ready to render in any of the
/// languages it has strings for.
pub struct EmailTemplates {
    /// One Tera instance per language with strings, its `t()` bound to that language.
    by_language: BTreeMap<String, Tera>,
}

impl fmt::Debug for EmailTemplates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailTemplates")
            .field("languages", &self.by_language.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl EmailTemplates {
    /// Loads templates and strings from `(published path, content)` pairs; see the
    /// module documentation for the paths. Reports every problem at once.
    pub fn from_files<I, P, T>(files: I) -> Result<Self, TemplateError>
    where
        I: IntoIterator<Item = (P, T)>,
        P: Into<String>,
        T: Into<String>,
    {
        let mut problems = Vec::new();
        let mut templates: Vec<(String, String)> = Vec::new();
        let mut resources: BTreeMap<String, FluentResource> = BTreeMap::new();
        let mut strings_files = 0;

        let mut files: Vec<(String, String)> = files
            .into_iter()
            .map(|(path, text)| (normalize_path(&path.into()), text.into()))
            .collect();
        files.sort();
        for (path, text) in files {
            if path.ends_with(".ftl") {
                match strings_language(&path) {
                    Some(language) => match parse_strings(&path, text) {
                        Ok(resource) => {
                            strings_files += 1;
                            resources.insert(language, resource);
                        }
                        Err(errors) => {
                            strings_files += 1;
                            problems.extend(errors);
                        }
                    },
                    None => problems.push(TemplateProblem::StringsFileName { path }),
                }
            } else if path.ends_with(".txt") || path.ends_with(".html") {
                if let Err(error) = tera::Template::new(&path, None, &text) {
                    problems.push(TemplateProblem::Syntax {
                        path: path.clone(),
                        message: error_chain(&error),
                    });
                }
                templates.push((path, text));
            }
        }

        for kind in EmailKind::REQUIRED {
            for path in [kind.subject_template(), kind.text_template()] {
                if !templates.iter().any(|(name, _)| *name == path) {
                    problems.push(TemplateProblem::MissingTemplate { path });
                }
            }
        }
        if strings_files == 0 {
            problems.push(TemplateProblem::NoStrings);
        }
        if !problems.is_empty() {
            return Err(TemplateError::Load(problems));
        }

        let bundles = build_bundles(resources);
        let mut by_language = BTreeMap::new();
        for language in bundles.keys() {
            let mut tera = Tera::default();
            tera.autoescape_on(vec![".html"]);
            tera.set_escape_fn(escape_html);
            tera.add_raw_templates(templates.clone()).map_err(|error| {
                TemplateError::Load(vec![TemplateProblem::Links {
                    message: error_chain(&error),
                }])
            })?;
            tera.register_function("t", Translate::new(language, &bundles));
            tera.register_filter("title", title_case);
            by_language.insert(language.clone(), tera);
        }
        Ok(EmailTemplates { by_language })
    }

    /// Loads the published folder `dir` (`public/<store>/_comptoir/emails`).
    #[cfg(feature = "native")]
    pub fn from_dir(dir: &std::path::Path) -> Result<Self, TemplateError> {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        read_dir_into(dir, dir, &mut files, &mut problems);
        if !problems.is_empty() {
            return Err(TemplateError::Load(problems));
        }
        Self::from_files(files)
    }

    /// Languages with strings, such as `en`, `fr`.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.by_language.keys().map(String::as_str)
    }

    /// Renders `kind` for `context` in the first language with strings among
    /// `context.lang`, its language without region, English and French (else the
    /// first language loaded).
    pub fn render(&self, kind: EmailKind, context: &EmailContext) -> Result<RenderedEmail, TemplateError> {
        self.render_context(kind, &context.lang, context)
    }

    /// Checks whether the templates include `kind`'s subject and text templates,
    /// which the personal-data kinds may lack (see [`EmailKind::REQUIRED`]).
    pub fn has(&self, kind: EmailKind) -> bool {
        self.by_language.values().next().is_some_and(|tera| {
            let names: Vec<&str> = tera.get_template_names().collect();
            names.contains(&kind.subject_template().as_str())
                && names.contains(&kind.text_template().as_str())
        })
    }

    /// Renders `kind` from any serializable context, in `lang` as
    /// [`EmailTemplates::render`] chooses it. The personal-data emails use it: their
    /// context has no order.
    pub fn render_context<C: serde::Serialize>(
        &self,
        kind: EmailKind,
        lang: &str,
        context: &C,
    ) -> Result<RenderedEmail, TemplateError> {
        let tera = language_chain(lang)
            .iter()
            .find_map(|language| self.by_language.get(language))
            .or_else(|| self.by_language.values().next())
            .ok_or_else(|| TemplateError::Load(vec![TemplateProblem::NoStrings]))?;
        let tera_context = Context::from_serialize(context).map_err(|error| TemplateError::Render {
            template: kind.text_template(),
            message: error_chain(&error),
        })?;

        let subject = render_one(tera, &kind.subject_template(), &tera_context)?;
        let text = render_one(tera, &kind.text_template(), &tera_context)?;
        let html_template = kind.html_template();
        let html = if tera.get_template_names().any(|name| name == html_template) {
            Some(render_one(tera, &html_template, &tera_context)?)
        } else {
            None
        };
        Ok(RenderedEmail {
            subject: collapse_whitespace(&subject),
            text: tidy_text(&text),
            html,
        })
    }
}

/// Escapes the five characters that matter in HTML text and quoted attributes.
/// Tera's default also escapes `/`, which turns every link into `https:&#x2F;&#x2F;…`:
/// valid, but unreadable in the source that some mail clients show.
fn escape_html(input: &str) -> String {
    let mut escaped = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Applies Tera's `title` filter without regular expressions. The Worker's regex
/// engine only matches ASCII word characters, and this keeps `{{ "élan" | title }}`
/// the same (`Élan`) on both hosts. Each run of letters, digits, `_` and `'` gets
/// its first character uppercased and the rest lowercased.
fn title_case(value: &Value, _: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    let text = tera::from_value::<String>(value.clone())
        .map_err(|_| tera::Error::msg("the `title` filter expects a string"))?;
    let mut titled = String::with_capacity(text.len());
    let mut in_word = false;
    for c in text.chars() {
        let word_char = c.is_alphanumeric() || c == '_' || c == '\'';
        if word_char && !in_word {
            titled.extend(c.to_uppercase());
        } else if word_char {
            titled.extend(c.to_lowercase());
        } else {
            titled.push(c);
        }
        in_word = word_char;
    }
    Ok(Value::String(titled))
}

fn render_one(tera: &Tera, template: &str, context: &Context) -> Result<String, TemplateError> {
    tera.render(template, context)
        .map_err(|error| TemplateError::Render {
            template: template.to_owned(),
            message: error_chain(&error),
        })
}

fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.trim_start_matches("./").trim_start_matches('/').to_owned()
}

/// Returns the locale of `emails.<locale>.ftl`, when it is a valid tag.
fn strings_language(path: &str) -> Option<String> {
    let tag = path.strip_prefix("emails.")?.strip_suffix(".ftl")?;
    commerce::Locale::parse(tag)
        .ok()
        .map(|locale| locale.as_str().to_owned())
}

fn parse_strings(path: &str, text: String) -> Result<FluentResource, Vec<TemplateProblem>> {
    // Positions are taken from a copy: the resource owns the text it parsed.
    let source = text.clone();
    FluentResource::try_new(text).map_err(|(_, errors)| {
        errors
            .into_iter()
            .map(|error| {
                let (line, column) = line_column(&source, error.pos.start);
                TemplateProblem::Strings {
                    path: path.to_owned(),
                    line,
                    column,
                    message: error.to_string(),
                }
            })
            .collect()
    })
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    (line, column)
}

type Bundle = FluentBundle<FluentResource>;

fn build_bundles(resources: BTreeMap<String, FluentResource>) -> BTreeMap<String, Arc<Bundle>> {
    resources
        .into_iter()
        .map(|(language, resource)| {
            let identifier: LanguageIdentifier = language.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![identifier]);
            // Unicode isolation marks around arguments would land in subjects and
            // plain-text bodies, where mail clients show them as stray characters.
            bundle.set_use_isolating(false);
            // The resource is the only one of its bundle, so no id can clash.
            let _no_overrides = bundle.add_resource(resource);
            (language, Arc::new(bundle))
        })
        .collect()
}

/// `fr-CH` → `fr-CH`, `fr`, `en`, `fr`, without repeats.
fn language_chain(tag: &str) -> Vec<String> {
    let language = tag.split('-').next().unwrap_or(tag);
    let mut chain: Vec<String> = Vec::new();
    for candidate in [tag, language, "en", "fr"] {
        if !chain.iter().any(|known| known == candidate) {
            chain.push(candidate.to_owned());
        }
    }
    chain
}

/// The `t()` function of one language: the bundles of its fallback chain.
struct Translate {
    chain: Vec<(String, Arc<Bundle>)>,
}

impl Translate {
    fn new(language: &str, bundles: &BTreeMap<String, Arc<Bundle>>) -> Self {
        let chain = language_chain(language)
            .into_iter()
            .filter_map(|candidate| {
                bundles
                    .get(&candidate)
                    .map(|bundle| (candidate, Arc::clone(bundle)))
            })
            .collect();
        Translate { chain }
    }
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args.get("key").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg("t() needs a string `key` argument, such as t(key=\"order-confirmation-title\")")
        })?;
        let fluent_args = fluent_arguments(key, args)?;

        for (language, bundle) in &self.chain {
            let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if let Some(error) = errors.first() {
                return Err(tera::Error::msg(format!(
                    "t(key=\"{key}\") in emails.{language}.ftl: {error}; pass every variable the string uses, such as t(key=\"{key}\", number=order.number)"
                )));
            }
            return Ok(Value::String(text.into_owned()));
        }

        let files: Vec<String> = self
            .chain
            .iter()
            .map(|(language, _)| format!("emails.{language}.ftl"))
            .collect();
        Err(tera::Error::msg(format!(
            "no string `{key}` in {}: add `{key} = …` to the theme's i18n/emails.<locale>.ftl",
            files.join(", ")
        )))
    }
}

fn fluent_arguments<'a>(key: &str, args: &'a HashMap<String, Value>) -> tera::Result<FluentArgs<'a>> {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            _ if name == "key" => continue,
            Value::Null => continue,
            Value::String(text) => FluentValue::from(text.as_str()),
            Value::Bool(flag) => FluentValue::from(flag.to_string()),
            Value::Number(number) => match number.as_i64() {
                Some(integer) => FluentValue::from(integer),
                None => FluentValue::from(number.as_f64().unwrap_or_default()),
            },
            Value::Array(_) | Value::Object(_) => {
                return Err(tera::Error::msg(format!(
                    "t(key=\"{key}\"): the argument `{name}` is a list or an object; pass a string or a number"
                )));
            }
        };
        fluent_args.set(name.as_str(), value);
    }
    Ok(fluent_args)
}

/// Joins Tera's error and its causes: the outer message names the template, and the
/// causes describe what failed and where.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts.join(": ")
}

/// Joins the lines of a subject. Only ASCII whitespace collapses: the no-break spaces
/// of French typography stay.
fn collapse_whitespace(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn tidy_text(text: &str) -> String {
    let mut tidy = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        tidy.push_str(line);
        tidy.push('\n');
    }
    tidy
}

#[cfg(feature = "native")]
fn read_dir_into(
    root: &std::path::Path,
    dir: &std::path::Path,
    files: &mut Vec<(String, String)>,
    problems: &mut Vec<TemplateProblem>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(TemplateProblem::Unreadable {
                path: dir.display().to_string(),
                message: error.to_string(),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_dir_into(root, &path, files, problems);
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((relative, text)),
            Err(error) => problems.push(TemplateProblem::Unreadable {
                path: path.display().to_string(),
                message: error.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_filter_handles_accents() {
        let titled =
            title_case(&Value::from("élan D'ÉTÉ, café_noir"), &Default::default()).expect("a string");
        assert_eq!(titled, Value::from("Élan D'été, Café_noir"));
    }

    #[test]
    fn templates_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<EmailTemplates>();
    }

    #[test]
    fn chain_falls_back_to_english_then_french() {
        assert_eq!(language_chain("fr-CH"), ["fr-CH", "fr", "en"]);
        assert_eq!(language_chain("de"), ["de", "en", "fr"]);
        assert_eq!(language_chain("en"), ["en", "fr"]);
    }

    #[test]
    fn text_tidied() {
        assert_eq!(tidy_text("\nA  \n\n\n\nB\n\n"), "A\n\nB\n");
        assert_eq!(collapse_whitespace("  Commande\n n° 1 "), "Commande n° 1");
    }

    #[test]
    fn line_and_column_of_offset() {
        assert_eq!(line_column("ab\ncdé\nf", 7), (2, 4));
        assert_eq!(line_column("abc", 0), (1, 1));
    }
}

//! The command line: arguments parsed with clap, help texts and usage errors in the
//! merchant's language, and the error type every command returns.
//!
//! clap's derive attributes hold no help text. [`parse`] picks the language first,
//! then fills every `about` and argument help from the Fluent files, so
//! `comptoir --lang fr build --help` is French from top to bottom.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::diagnostics::Diagnostics;
use crate::messages::{Lang, Message};
use crate::msg;

/// The `comptoir` command.
#[derive(Debug, Parser)]
#[command(name = "comptoir", version)]
pub struct Cli {
    /// Language of messages, and of the shop that `new` creates.
    #[arg(long, global = true, value_name = "LANG", value_parser = ["fr", "en"])]
    pub lang: Option<String>,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every store into the output folder.
    Build(BuildArgs),
    /// Check the shop without writing anything.
    Check(CheckArgs),
    /// Build, serve every store locally and rebuild on change.
    Serve(ServeArgs),
    /// Create a new shop.
    New(NewArgs),
    /// Set stock levels from a CSV file.
    ImportStock(ImportStockArgs),
    /// Prepare the Cloudflare Worker configuration of every store.
    Deploy(DeployArgs),
    /// List the personal-data requests of the shop.
    Requests(RequestsArgs),
    /// Apply the retention periods of `[privacy]` to the shop's database.
    Purge(PurgeArgs),
}

/// Arguments of `comptoir build`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// Folder holding `site.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Output folder; `<root>/public` when absent.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Only these stores; every store when absent.
    #[arg(long = "store", value_name = "ID")]
    pub stores: Vec<String>,
}

/// Arguments of `comptoir check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Folder holding `site.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

/// Arguments of `comptoir serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Folder holding `site.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Port of the first store; store i listens on port + i, and 0 picks free ports.
    #[arg(long, value_name = "N", default_value_t = 8080)]
    pub port: u16,
}

/// Arguments of `comptoir new`.
#[derive(Debug, Clone, clap::Args)]
pub struct NewArgs {
    /// Folder to create; it must be missing or empty.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `comptoir import-stock`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportStockArgs {
    /// Folder holding `site.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// CSV file with the columns `sku,quantity`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Arguments of `comptoir deploy`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// Write the configurations; the only mode for now.
    #[arg(long, required = true)]
    pub prepare: bool,
    /// Folder holding `site.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The build folder; `<root>/public` when absent.
    #[arg(long, value_name = "DIR")]
    pub public: Option<PathBuf>,
    /// Folder of the configurations; `<root>/deploy` when absent.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Only these stores; every store when absent.
    #[arg(long = "store", value_name = "ID")]
    pub stores: Vec<String>,
    /// D1 database id, in place of `[deploy] d1_id`.
    #[arg(long, value_name = "ID")]
    pub d1_id: Option<String>,
    /// Maximum number of static asset files per Worker, in place of the plan's.
    #[arg(long, value_name = "N")]
    pub max_asset_files: Option<usize>,
    /// When pages go to R2, in place of `[deploy] r2`.
    #[arg(long, value_name = "WHEN", value_parser = ["auto", "always", "never"])]
    pub r2: Option<String>,
    /// Comptoir's source folder, holding worker/build/ and edge/migrations/.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
}

/// Arguments of `comptoir requests`.
#[derive(Debug, Clone, clap::Args)]
pub struct RequestsArgs {
    /// Folder holding `site.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The SQLite database; `<root>/.comptoir/edge.sqlite3` when absent.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Also list closed requests.
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The date to count days left from; now when absent.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

/// Arguments of `comptoir purge`.
#[derive(Debug, Clone, clap::Args)]
pub struct PurgeArgs {
    /// Folder holding `site.toml` and the build in `public/`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The SQLite database; `<root>/.comptoir/edge.sqlite3` when absent.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Count what is due without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// The date to apply the periods at; now when absent.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

/// Why a command failed, which decides the exit code.
#[derive(Debug)]
pub enum CommandError {
    /// The shop has problems: exit code 1.
    Shop(Diagnostics),
    /// Wrong usage, or a file or network operation failed: exit code 2. The message
    /// names the path or address involved.
    Usage(Message),
}

impl CommandError {
    /// Builds an I/O failure on `path`, with a message id such as `io-write-failed` whose
    /// arguments are `path` and `error`.
    pub fn io(id: &'static str, path: &std::path::Path, error: &std::io::Error) -> Self {
        CommandError::Usage(Message::new(id).arg("path", path.display()).arg("error", error))
    }

    /// Returns the process exit code: 1 for shop problems, 2 for usage and I/O errors.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CommandError::Shop(_) => ExitCode::from(1),
            CommandError::Usage(_) => ExitCode::from(2),
        }
    }

    /// Renders the text printed on standard error, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            CommandError::Shop(diagnostics) => {
                let heading = msg!("cli-problems-found", count = diagnostics.len()).render(lang);
                format!("{heading}\n{}", diagnostics.render(lang))
            }
            CommandError::Usage(message) => format!("{}\n", message.render(lang)),
        }
    }
}

impl From<Diagnostics> for CommandError {
    fn from(diagnostics: Diagnostics) -> Self {
        CommandError::Shop(diagnostics)
    }
}

/// Picks the language for messages: `--lang` (or `--lang=`) when given, else the
/// environment, else English. Read before clap parses, because the help texts clap
/// prints depend on it.
pub fn lang_from_args(args: &[OsString]) -> Lang {
    let mut words = args.iter().skip(1).filter_map(|arg| arg.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(lang) = value.and_then(Lang::from_tag) {
            return lang;
        }
    }
    Lang::from_env()
}

/// The outcome of [`parse`].
#[derive(Debug)]
pub enum Parsed {
    /// A command to run.
    Run(Cli),
    /// Help or version text to print on standard output, then exit 0.
    Print(String),
    /// A usage error, already rendered in the language: print on standard error,
    /// then exit 2.
    Error(String),
}

/// Parses `args` (the program name first) with help texts and errors in `lang`.
pub fn parse(args: Vec<OsString>, lang: Lang) -> Parsed {
    let mut command = localized_command(lang);
    let matches = match command.try_get_matches_from_mut(args) {
        Ok(matches) => matches,
        Err(error) => return parsed_error(&mut command, &error, lang),
    };
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => Parsed::Run(cli),
        Err(error) => parsed_error(&mut command, &error, lang),
    }
}

fn parsed_error(command: &mut clap::Command, error: &clap::Error, lang: Lang) -> Parsed {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let mut text = error.render().to_string();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Parsed::Print(text)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            Parsed::Error(command.render_help().to_string())
        }
        _ => Parsed::Error(format!(
            "{}\n{}\n",
            usage_error_message(error).render(lang),
            msg!("cli-try-help").render(lang)
        )),
    }
}

/// Converts a clap error into a Fluent message, from the context clap attaches to it.
fn usage_error_message(error: &clap::Error) -> Message {
    let context = |kind: ContextKind| error.get(kind).map(context_text).unwrap_or_default();
    let argument = context(ContextKind::InvalidArg);
    match error.kind() {
        ErrorKind::UnknownArgument => msg!("cli-unknown-argument", argument = argument),
        ErrorKind::InvalidSubcommand => msg!(
            "cli-unknown-command",
            command = context(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => msg!("cli-missing-argument", argument = argument),
        ErrorKind::InvalidValue if error.get(ContextKind::ValidValue).is_some() => msg!(
            "cli-invalid-choice",
            argument = argument,
            value = context(ContextKind::InvalidValue),
            valid = context(ContextKind::ValidValue)
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => msg!(
            "cli-invalid-value",
            argument = argument,
            value = context(ContextKind::InvalidValue)
        ),
        ErrorKind::ArgumentConflict => msg!(
            "cli-argument-conflict",
            argument = argument,
            other = context(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues => {
            msg!("cli-argument-repeated", argument = argument)
        }
        // The remaining kinds cannot come from the arguments declared above. If a
        // future argument triggers one, the message still names the kind.
        _ => msg!("cli-usage-error", error = error.kind()),
    }
}

fn context_text(value: &ContextValue) -> String {
    match value {
        ContextValue::String(text) => text.clone(),
        ContextValue::Strings(texts) => texts.join(", "),
        ContextValue::StyledStr(text) => text.to_string(),
        ContextValue::StyledStrs(texts) => texts
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        ContextValue::Number(number) => number.to_string(),
        ContextValue::Bool(flag) => flag.to_string(),
        ContextValue::None => String::new(),
        _ => String::new(),
    }
}

/// Builds the clap command with every help text, heading and built-in flag in `lang`.
pub fn localized_command(lang: Lang) -> clap::Command {
    let text = |id: &'static str| Message::new(id).render(lang);
    let options = text("cli-heading-options");

    let mut command = Cli::command()
        .about(text("cli-about"))
        .long_about(text("cli-long-about"))
        .help_template(help_template(lang))
        .subcommand_help_heading(text("cli-heading-commands"))
        .subcommand_value_name(text("cli-value-command"))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .global(true)
                .action(ArgAction::Help)
                .help(text("cli-arg-help"))
                .help_heading(options.clone()),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(text("cli-arg-version"))
                .help_heading(options.clone()),
        )
        // clap's "[possible values]" and "[default]" notes are English only, so the
        // help texts state the values and defaults themselves.
        .mut_arg("lang", |arg| {
            arg.help(text("cli-arg-lang"))
                .help_heading(options.clone())
                .hide_possible_values(true)
        });

    for texts in SUBCOMMAND_TEXTS {
        command = command.mut_subcommand(texts.name, |mut subcommand| {
            subcommand = subcommand
                .about(text(texts.about))
                .long_about(text(texts.long_about))
                .help_template(help_template(lang))
                .disable_help_flag(true);
            for (arg, help) in texts.args {
                let heading = if *arg == "dir" || *arg == "file" {
                    text("cli-heading-arguments")
                } else {
                    options.clone()
                };
                subcommand = subcommand.mut_arg(*arg, |a| {
                    let a = a.help(text(help)).help_heading(heading);
                    // clap rejects hiding the default of a flag, which takes no value.
                    if a.get_action().takes_values() {
                        a.hide_default_value(true)
                    } else {
                        a
                    }
                });
            }
            subcommand
        });
    }
    command
}

/// The message ids of a subcommand's help texts.
struct SubcommandTexts {
    name: &'static str,
    about: &'static str,
    long_about: &'static str,
    /// Argument ids (clap's, from the field names) and their help message ids.
    args: &'static [(&'static str, &'static str)],
}

const SUBCOMMAND_TEXTS: [SubcommandTexts; 8] = [
    SubcommandTexts {
        name: "build",
        about: "cli-build-about",
        long_about: "cli-build-long-about",
        args: &[
            ("root", "cli-arg-root"),
            ("output", "cli-arg-output"),
            ("stores", "cli-arg-store"),
        ],
    },
    SubcommandTexts {
        name: "check",
        about: "cli-check-about",
        long_about: "cli-check-long-about",
        args: &[("root", "cli-arg-root")],
    },
    SubcommandTexts {
        name: "serve",
        about: "cli-serve-about",
        long_about: "cli-serve-long-about",
        args: &[("root", "cli-arg-root"), ("port", "cli-arg-port")],
    },
    SubcommandTexts {
        name: "new",
        about: "cli-new-about",
        long_about: "cli-new-long-about",
        args: &[("dir", "cli-arg-dir")],
    },
    SubcommandTexts {
        name: "import-stock",
        about: "cli-import-stock-about",
        long_about: "cli-import-stock-long-about",
        args: &[("root", "cli-arg-root"), ("file", "cli-arg-stock-file")],
    },
    SubcommandTexts {
        name: "deploy",
        about: "cli-deploy-about",
        long_about: "cli-deploy-long-about",
        args: &[
            ("prepare", "cli-arg-prepare"),
            ("root", "cli-arg-root"),
            ("public", "cli-arg-public"),
            ("output", "cli-arg-deploy-output"),
            ("stores", "cli-arg-deploy-store"),
            ("d1_id", "cli-arg-d1-id"),
            ("max_asset_files", "cli-arg-max-asset-files"),
            ("r2", "cli-arg-r2"),
            ("source", "cli-arg-source"),
        ],
    },
    SubcommandTexts {
        name: "requests",
        about: "cli-requests-about",
        long_about: "cli-requests-long-about",
        args: &[
            ("root", "cli-arg-root"),
            ("db", "cli-arg-db"),
            ("all", "cli-arg-all"),
            ("json", "cli-arg-json"),
            ("now", "cli-arg-requests-now"),
        ],
    },
    SubcommandTexts {
        name: "purge",
        about: "cli-purge-about",
        long_about: "cli-purge-long-about",
        args: &[
            ("root", "cli-arg-root"),
            ("db", "cli-arg-db"),
            ("dry_run", "cli-arg-dry-run"),
            ("now", "cli-arg-purge-now"),
        ],
    },
];

/// Returns clap's help layout with the word "Usage" in `lang`. clap fills in the rest.
fn help_template(lang: Lang) -> String {
    let usage = Message::new("cli-heading-usage").render(lang);
    format!("{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn lang_flag_wins_in_both_forms() {
        assert_eq!(
            lang_from_args(&args(&["comptoir", "--lang", "fr", "build"])),
            Lang::Fr
        );
        assert_eq!(
            lang_from_args(&args(&["comptoir", "build", "--lang=fr"])),
            Lang::Fr
        );
        assert_eq!(
            lang_from_args(&args(&["comptoir", "new", "x", "--lang", "en"])),
            Lang::En
        );
    }

    #[test]
    fn command_definition_is_consistent() {
        localized_command(Lang::En).debug_assert();
        localized_command(Lang::Fr).debug_assert();
    }

    #[test]
    fn help_is_translated() {
        let Parsed::Print(help) = parse(args(&["comptoir", "build", "--help"]), Lang::Fr) else {
            panic!("--help prints the help");
        };
        assert!(help.contains("Utilisation :"), "{help}");
        assert!(help.contains("Dossier qui contient `site.toml`"), "{help}");
        assert!(!help.contains("Usage:"), "{help}");
    }

    #[test]
    fn unknown_argument_is_translated() {
        let Parsed::Error(text) = parse(args(&["comptoir", "build", "--colour"]), Lang::Fr) else {
            panic!("an unknown argument is an error");
        };
        assert!(text.starts_with("Argument inconnu : --colour."), "{text}");
    }

    #[test]
    fn parses_build_arguments() {
        let Parsed::Run(cli) = parse(
            args(&[
                "comptoir", "build", "--root", "shop", "--store", "fr", "--store", "ch",
            ]),
            Lang::En,
        ) else {
            panic!("valid arguments parse");
        };
        let Command::Build(build) = cli.command else {
            panic!("the build command");
        };
        assert_eq!(build.root, PathBuf::from("shop"));
        assert_eq!(build.stores, vec!["fr".to_owned(), "ch".to_owned()]);
        assert_eq!(build.output, None);
    }
}

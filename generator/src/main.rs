//! The `comptoir` command: parse the command line, run one command, print its result
//! in the merchant's language and exit with 0 (success), 1 (problems in the shop) or
//! 2 (usage or I/O error).

use std::ffi::OsString;
use std::process::ExitCode;

use generator::build::{self, BuildOptions, store_lines};
use generator::cli::{
    self, BuildArgs, CheckArgs, Command, CommandError, DeployArgs, ImportStockArgs, NewArgs, Parsed,
    PurgeArgs, RequestsArgs, ServeArgs,
};
use generator::data_requests::{self, Listing, PurgeOptions, RequestsOptions};
use generator::deploy::{self, PrepareOptions};
use generator::edge_host;
use generator::messages::Lang;
use generator::msg;
use generator::scaffold;
use generator::serve::{self, ServeOptions};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = cli::lang_from_args(&args);
    let cli = match cli::parse(args, lang) {
        Parsed::Run(cli) => cli,
        Parsed::Print(text) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Parsed::Error(text) => {
            eprint!("{text}");
            return ExitCode::from(2);
        }
    };

    init_tracing();

    let result = match cli.command {
        Command::Build(args) => run_build(args, lang),
        Command::Check(args) => run_check(&args, lang),
        Command::Serve(args) => run_serve(args, lang),
        Command::New(args) => run_new(&args, lang),
        Command::ImportStock(args) => run_import_stock(&args, lang),
        Command::Deploy(args) => run_deploy(args, lang),
        Command::Requests(args) => run_requests(args, lang),
        Command::Purge(args) => run_purge(args, lang),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{}", error.render(lang));
            error.exit_code()
        }
    }
}

/// Logs go to standard error, filtered by `RUST_LOG`; only warnings and errors show
/// by default, so the command prints nothing but its own messages.
fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only help on a terminal; in a log file they are noise.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn run_build(args: BuildArgs, lang: Lang) -> Result<(), CommandError> {
    let output = args.output.unwrap_or_else(|| args.root.join("public"));
    let options = BuildOptions {
        root: args.root,
        output,
        stores: args.stores,
        lang,
    };

    let summary = build::build(&options)?;

    println!("{}", msg!("build-id", id = &summary.build_id).render(lang));
    for line in store_lines(&summary.report, lang) {
        println!("{line}");
    }
    let pages: usize = summary.report.stores.iter().map(|store| store.pages).sum();
    println!(
        "{}",
        msg!("build-written", path = options.output.display()).render(lang)
    );
    println!(
        "{}",
        msg!("build-done", pages = pages, millis = summary.elapsed.as_millis()).render(lang)
    );
    // A full build renders and writes everything, so only an incremental build prints
    // how much of the previous build it kept.
    if summary.incremental {
        let rendered = pages.saturating_sub(summary.pages_kept);
        println!(
            "{}",
            msg!(
                "build-incremental",
                rendered = rendered,
                kept = summary.pages_kept,
                files = summary.files_written
            )
            .render(lang)
        );
    }
    Ok(())
}

fn run_check(args: &CheckArgs, lang: Lang) -> Result<(), CommandError> {
    let summary = build::check(&args.root)?;
    let pages: usize = summary.report.stores.iter().map(|store| store.pages).sum();
    println!(
        "{}",
        msg!("check-ok", pages = pages, files = summary.files).render(lang)
    );
    Ok(())
}

fn run_serve(args: ServeArgs, lang: Lang) -> Result<(), CommandError> {
    let options = ServeOptions {
        root: args.root,
        port: args.port,
        lang,
    };
    let api = edge_host::api_factory(&options.root, lang);
    serve::serve(&options, Some(api))
}

fn run_new(args: &NewArgs, lang: Lang) -> Result<(), CommandError> {
    scaffold::create(&args.dir, lang)?;
    println!("{}", msg!("new-done", path = args.dir.display()).render(lang));
    Ok(())
}

fn run_import_stock(args: &ImportStockArgs, lang: Lang) -> Result<(), CommandError> {
    let count = edge_host::import_stock(&args.root, &args.file, lang)?;
    println!("{}", msg!("edge-stock-imported", count = count).render(lang));
    Ok(())
}

fn run_deploy(args: DeployArgs, lang: Lang) -> Result<(), CommandError> {
    let r2 = match args.r2.as_deref() {
        Some("always") => Some(commerce::settings::R2Use::Always),
        Some("never") => Some(commerce::settings::R2Use::Never),
        Some(_) => Some(commerce::settings::R2Use::Auto),
        None => None,
    };
    let options = PrepareOptions {
        public: args.public.unwrap_or_else(|| args.root.join("public")),
        output: args.output.unwrap_or_else(|| args.root.join("deploy")),
        root: args.root,
        stores: args.stores,
        d1_id: args.d1_id,
        max_asset_files: args.max_asset_files,
        r2,
        source: args.source.unwrap_or_else(|| deploy::DEFAULT_SOURCE.into()),
    };
    let summary = deploy::prepare(&options)?;
    for line in deploy::summary_lines(&summary, lang) {
        println!("{line}");
    }
    Ok(())
}

fn run_requests(args: RequestsArgs, lang: Lang) -> Result<(), CommandError> {
    let now = match &args.now {
        Some(text) => data_requests::parse_date(text)?,
        None => unix_now(),
    };
    let options = RequestsOptions {
        database: data_requests::database_path(&args.root, args.db),
        root: args.root,
        all: args.all,
        now,
    };
    let listing = data_requests::list_requests(&options)?;
    if args.json {
        print!("{}", data_requests::listing_json(&listing));
        // The note goes to standard error so that standard output stays valid JSON.
        if let Listing::NoDatabase(path) = &listing {
            eprintln!(
                "{}",
                msg!("requests-no-database", path = path.display()).render(lang)
            );
        }
    } else {
        print!("{}", data_requests::listing_text(&listing, lang));
    }
    Ok(())
}

fn run_purge(args: PurgeArgs, lang: Lang) -> Result<(), CommandError> {
    let now = match &args.now {
        Some(text) => data_requests::parse_date(text)?,
        None => unix_now(),
    };
    // A real purge at a future date would delete what the law still requires
    // (an invoice archived until next year); only a dry run may look ahead.
    if now > unix_now() && !args.dry_run {
        let value = args.now.clone().unwrap_or_default();
        return Err(CommandError::Usage(msg!("purge-future-date", value = value)));
    }
    let paths = edge_host::EdgePaths::for_shop(&args.root);
    let options = PurgeOptions {
        public: args.root.join("public"),
        database: data_requests::database_path(&args.root, args.db),
        outbox: paths.outbox,
        dry_run: args.dry_run,
        now,
    };
    let summary = data_requests::purge(&options)?;
    for line in data_requests::purge_lines(&summary, lang) {
        println!("{line}");
    }
    Ok(())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}

//! The `comptoir` command: parse the command line, run one command, print its result
//! in the merchant's language and exit with 0 (success), 1 (problems in the shop) or
//! 2 (usage or I/O error).

use std::ffi::OsString;
use std::process::ExitCode;

use generator::build::{self, BuildOptions, store_lines};
use generator::cli::{
    self, BuildArgs, CheckArgs, Command, CommandError, ImportStockArgs, NewArgs, Parsed, ServeArgs,
};
use generator::edge_host;
use generator::messages::Lang;
use generator::msg;
use generator::scaffold;
use generator::serve::{self, ServeOptions};
use tracing_subscriber::EnvFilter;

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
    let count = edge_host::import_stock(&args.root, &args.file)?;
    println!("{}", msg!("edge-stock-imported", count = count).render(lang));
    Ok(())
}

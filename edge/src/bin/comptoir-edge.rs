//! `comptoir-edge`: the edge API alone on 127.0.0.1, for HTTP-level tests and the
//! crash test. `comptoir serve` mounts the same router beside the static pages.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use edge::native::{NativeHost, NativeOptions, config_from_env};
use tracing_subscriber::EnvFilter;

/// Serves the cart, checkout, order and admin API on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(version)]
struct Arguments {
    /// The build's public folder: one sub-folder per store with its `_comptoir/` files.
    #[arg(long)]
    public: PathBuf,
    /// The SQLite database file, created if missing.
    #[arg(long)]
    db: PathBuf,
    /// TCP port on 127.0.0.1; 0 picks a free one, printed on startup.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Folder where emails are written as `.eml` files.
    #[arg(long, default_value = ".comptoir/outbox")]
    outbox: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        // Colour codes only help on a terminal; in a log file they are noise.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let arguments = Arguments::parse();
    match run(arguments).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("comptoir-edge: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(arguments: Arguments) -> Result<(), String> {
    let config = config_from_env().map_err(|error| error.to_string())?;
    let host = NativeHost::open(NativeOptions {
        public_dir: arguments.public,
        database: arguments.db.clone(),
        outbox: arguments.outbox,
        config,
    })
    .map_err(|error| error.to_string())?;
    host.spawn_background_tasks();

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, arguments.port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    // Tests read this line to find the port chosen with `--port 0`.
    println!("listening on http://{bound}");
    tracing::info!(%bound, database = %arguments.db.display(), "edge API started");

    // The connection's address becomes the `ClientIp` that consent records truncate.
    axum::serve(
        listener,
        host.router().into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|error| format!("the server stopped: {error}"))?;
    tracing::info!("edge API stopped");
    Ok(())
}

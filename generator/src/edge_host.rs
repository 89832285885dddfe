//! The edge embedded in the `comptoir` command: `serve` mounts its API next to the
//! pages, on a SQLite database in the shop's `.comptoir/` folder, and
//! `import-stock` sets stock levels from a CSV file.
//!
//! Files under `<shop>/.comptoir/`:
//! - `edge.sqlite3`: carts, orders, stock, customers;
//! - `outbox/`: one `.eml` file per email sent (unless SMTP is configured).
//!
//! When the database does not exist yet and the shop has a `stock.csv` file at its
//! root, `serve` creates the database and imports that file, so a fresh clone of a
//! shop can sell its tracked products at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use edge::native::{self, NativeHost, NativeOptions};
use edge::stock_import::{self, StockCsvError, StockCsvProblemKind};

use crate::cli::CommandError;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::messages::{Lang, Message};
use crate::msg;
use crate::progress::{Progress, StockCounts};
use crate::serve::{ApiError, ApiFactory};

/// Folder of the edge's files inside the shop.
pub const DATA_DIR: &str = ".comptoir";
/// The database file inside [`DATA_DIR`].
pub const DATABASE_FILE: &str = "edge.sqlite3";
/// The outbox folder inside [`DATA_DIR`].
pub const OUTBOX_DIR: &str = "outbox";
/// The stock file imported into a new database.
pub const INITIAL_STOCK_FILE: &str = "stock.csv";

/// Paths of the edge's files for the shop in `root`.
#[derive(Debug, Clone)]
pub struct EdgePaths {
    /// The SQLite database.
    pub database: PathBuf,
    /// The outbox folder.
    pub outbox: PathBuf,
    /// The stock file imported into a new database.
    pub initial_stock: PathBuf,
}

impl EdgePaths {
    /// The paths for the shop in `root`.
    pub fn for_shop(root: &Path) -> Self {
        let data = root.join(DATA_DIR);
        EdgePaths {
            database: data.join(DATABASE_FILE),
            outbox: data.join(OUTBOX_DIR),
            initial_stock: root.join(INITIAL_STOCK_FILE),
        }
    }
}

/// Makes the factory `serve` calls after its first build: it opens the edge on the
/// build's output, seeds stock into a new database, starts the edge's background
/// tasks and returns its router.
pub fn api_factory(root: &Path, lang: Lang) -> ApiFactory {
    let paths = EdgePaths::for_shop(root);
    Box::new(move |public: &Path| {
        let mut config = native::config_from_env().map_err(|error| ApiError::Config(edge_failed(&error)))?;
        // The pages come from 127.0.0.1 ports here, not from the stores' addresses.
        config.allow_loopback_origins = true;
        let data_dir = paths.database.parent().map(Path::to_path_buf).unwrap_or_default();
        std::fs::create_dir_all(&data_dir)
            .map_err(|error| ApiError::Open(CommandError::io("io-write-failed", &data_dir, &error)))?;
        let new_database = !paths.database.exists();
        let host = NativeHost::open(NativeOptions {
            public_dir: public.to_path_buf(),
            database: paths.database.clone(),
            outbox: paths.outbox.clone(),
            config,
        })
        .map_err(|error| ApiError::Open(edge_failed(&error)))?
        // Looking costs a few `stat` calls per store.
        .with_reload_interval(std::time::Duration::from_millis(100));

        if new_database && paths.initial_stock.is_file() {
            let count =
                import_into(&host, &paths.initial_stock, &StockCounts::default()).map_err(ApiError::Open)?;
            println!(
                "{}",
                msg!(
                    "edge-stock-seeded",
                    count = count,
                    path = paths.initial_stock.display()
                )
                .render(lang)
            );
        }
        println!(
            "{}",
            msg!(
                "edge-ready",
                database = paths.database.display(),
                outbox = paths.outbox.display()
            )
            .render(lang)
        );
        host.spawn_background_tasks();
        Ok(host.router())
    })
}

/// Sets stock levels from `file` into the shop's database, after checking every row
/// against the skus of the last build in `<root>/public`. Nothing is written unless
/// the whole file is valid. Returns the number of levels set. A long import shows a
/// progress bar in `lang` on a terminal.
pub fn import_stock(root: &Path, file: &Path, lang: Lang) -> Result<usize, CommandError> {
    let paths = EdgePaths::for_shop(root);
    let data_dir = paths.database.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::create_dir_all(&data_dir)
        .map_err(|error| CommandError::io("io-write-failed", &data_dir, &error))?;
    let host = NativeHost::open(NativeOptions {
        public_dir: root.join("public"),
        database: paths.database,
        outbox: paths.outbox,
        config: native::config_from_env().map_err(|error| edge_failed(&error))?,
    })
    .map_err(|error| edge_failed(&error))?;
    // A multi-thread runtime, because `import_into` blocks in place on it.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|error| CommandError::Usage(msg!("serve-runtime-failed", error = error)))?;
    let counts = Arc::new(StockCounts::default());
    let progress = {
        let counts = Arc::clone(&counts);
        Progress::start(move || counts.label(lang))
    };
    let imported = runtime.block_on(async { import_into(&host, file, &counts) });
    progress.finish();
    imported
}

fn import_into(host: &NativeHost, file: &Path, counts: &StockCounts) -> Result<usize, CommandError> {
    let bytes = std::fs::read(file).map_err(|error| CommandError::io("io-read-failed", file, &error))?;
    let catalog = host.state().catalog();
    let levels = stock_import::parse_stock_csv_counted(
        &file.display().to_string(),
        &bytes,
        &catalog,
        &counts.rows_read,
    )
    .map_err(|error| CommandError::Shop(stock_diagnostics(file, &error)))?;
    let count = levels.len();
    counts.levels_to_write.store(count, Ordering::Relaxed);
    let state = host.state().clone();
    let now = state.now();
    // The storage is async; `serve` calls this inside its runtime and
    // `import_stock` inside its own, so block in place on the current one.
    let result = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current()
            .block_on(async { stock_import::import_stock(state.storage(), levels, now).await })
    });
    result.map_err(|error| edge_failed(&error))?;
    Ok(count)
}

/// Converts the stock file's problems into numbered diagnostics in the merchant's
/// language.
fn stock_diagnostics(file: &Path, error: &StockCsvError) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for problem in &error.problems {
        let message = match &problem.kind {
            StockCsvProblemKind::MissingColumn { column } => msg!("stock-missing-column", column = column),
            StockCsvProblemKind::Malformed { reason } => msg!("stock-malformed", reason = reason),
            StockCsvProblemKind::EmptySku => msg!("stock-empty-sku"),
            StockCsvProblemKind::UnknownSku { sku } => msg!("stock-unknown-sku", sku = sku),
            StockCsvProblemKind::InvalidQuantity { value } => msg!(
                "stock-invalid-quantity",
                value = value,
                max = stock_import::MAX_STOCK
            ),
            StockCsvProblemKind::DuplicateSku { sku, first_line } => {
                msg!("stock-duplicate-sku", sku = sku, first = first_line)
            }
        };
        diagnostics.push(Diagnostic {
            file: file.to_path_buf(),
            line: usize::try_from(problem.line).ok(),
            column: None,
            message,
        });
    }
    diagnostics
}

fn edge_failed(error: &dyn std::fmt::Display) -> CommandError {
    CommandError::Usage(Message::new("edge-open-failed").arg("error", error))
}

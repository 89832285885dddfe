//! Stock levels from a CSV file with the columns `sku,quantity` (header required,
//! columns in any order, other columns ignored), for `comptoir stock import`.
//!
//! The separator is `,`, or `;` when the header line contains `;` and no `,`: the
//! French versions of Excel save CSV files that way. LF and CRLF line endings are
//! both read, and line numbers count physical lines of the file.
//!
//! Every bad row is reported with its line, column and value, and nothing is
//! written unless the whole file is valid.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::catalog::Catalog;
use crate::storage::{StockLevel, Storage, StorageResult};

/// Largest stock level a file may set.
pub const MAX_STOCK: i64 = 1_000_000_000;

/// What is wrong with one row or with the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockCsvProblemKind {
    /// The header lacks a required column.
    MissingColumn {
        /// `sku` or `quantity`.
        column: &'static str,
    },
    /// The row could not be read as CSV (unbalanced quotes, invalid UTF-8…).
    Malformed {
        /// The CSV reader's explanation.
        reason: String,
    },
    /// The sku cell is empty.
    EmptySku,
    /// No store of the deployed build sells the sku.
    UnknownSku {
        /// The sku as written.
        sku: String,
    },
    /// The quantity is not a whole number from 0 to [`MAX_STOCK`].
    InvalidQuantity {
        /// The cell as written.
        value: String,
    },
    /// The sku appeared on an earlier line.
    DuplicateSku {
        /// The sku.
        sku: String,
        /// Line of its first appearance.
        first_line: u64,
    },
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCsvProblem {
    /// 1-based line in the file.
    pub line: u64,
    /// What is wrong.
    pub kind: StockCsvProblemKind,
}

impl fmt::Display for StockCsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line;
        match &self.kind {
            StockCsvProblemKind::MissingColumn { column } => write!(
                f,
                "line {line}: the header has no `{column}` column: the first line must name the columns, such as `sku,quantity`"
            ),
            StockCsvProblemKind::Malformed { reason } => write!(f, "line {line}: unreadable row: {reason}"),
            StockCsvProblemKind::EmptySku => write!(f, "line {line}, column `sku`: the sku is empty"),
            StockCsvProblemKind::UnknownSku { sku } => write!(
                f,
                "line {line}, column `sku`: `{sku}` is not sold by any store of the deployed build: check the spelling or build the shop first"
            ),
            StockCsvProblemKind::InvalidQuantity { value } => write!(
                f,
                "line {line}, column `quantity`: `{value}` is not a whole number from 0 to {MAX_STOCK}"
            ),
            StockCsvProblemKind::DuplicateSku { sku, first_line } => write!(
                f,
                "line {line}, column `sku`: `{sku}` already appears on line {first_line}: keep one line per sku"
            ),
        }
    }
}

/// Every problem of a stock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCsvError {
    /// The file, as the caller names it.
    pub file: String,
    /// The problems, in file order.
    pub problems: Vec<StockCsvProblem>,
}

impl fmt::Display for StockCsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} problem(s), nothing was imported:",
            self.file,
            self.problems.len()
        )?;
        for problem in &self.problems {
            write!(f, "\n  {}: {problem}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for StockCsvError {}

/// Parses a stock file into (sku, quantity) pairs, checking each sku against the
/// deployed stores. `file` names the file in the error.
pub fn parse_stock_csv(
    file: &str,
    bytes: &[u8],
    catalog: &Catalog,
) -> Result<Vec<(String, i64)>, StockCsvError> {
    parse_stock_csv_counted(file, bytes, catalog, &AtomicUsize::new(0))
}

/// Parses a stock file as [`parse_stock_csv`] does, adding one to `rows_read` for
/// each row read after the header, so that another thread can show progress.
pub fn parse_stock_csv_counted(
    file: &str,
    bytes: &[u8],
    catalog: &Catalog,
    rows_read: &AtomicUsize,
) -> Result<Vec<(String, i64)>, StockCsvError> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(bytes))
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);

    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            problems.push(StockCsvProblem {
                line: 1,
                kind: StockCsvProblemKind::Malformed {
                    reason: error.to_string(),
                },
            });
            return Err(StockCsvError {
                file: file.to_owned(),
                problems,
            });
        }
    };
    let column = |name: &'static str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
    };
    let (sku_column, quantity_column) = match (column("sku"), column("quantity")) {
        (Some(sku), Some(quantity)) => (sku, quantity),
        (sku, quantity) => {
            for (found, name) in [(sku, "sku"), (quantity, "quantity")] {
                if found.is_none() {
                    problems.push(StockCsvProblem {
                        line: 1,
                        kind: StockCsvProblemKind::MissingColumn { column: name },
                    });
                }
            }
            return Err(StockCsvError {
                file: file.to_owned(),
                problems,
            });
        }
    };

    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        rows_read.fetch_add(1, Ordering::Relaxed);
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |position| line_at(bytes, position));
                problems.push(StockCsvProblem {
                    line,
                    kind: StockCsvProblemKind::Malformed {
                        reason: error.to_string(),
                    },
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |position| line_at(bytes, position));
        let sku = record.get(sku_column).unwrap_or("");
        let quantity = record.get(quantity_column).unwrap_or("");
        let mut row_ok = true;

        if sku.is_empty() {
            problems.push(StockCsvProblem {
                line,
                kind: StockCsvProblemKind::EmptySku,
            });
            row_ok = false;
        } else if !catalog.knows_sku(sku) {
            problems.push(StockCsvProblem {
                line,
                kind: StockCsvProblemKind::UnknownSku { sku: sku.to_owned() },
            });
            row_ok = false;
        } else if let Some(first_line) = seen.get(sku) {
            problems.push(StockCsvProblem {
                line,
                kind: StockCsvProblemKind::DuplicateSku {
                    sku: sku.to_owned(),
                    first_line: *first_line,
                },
            });
            row_ok = false;
        }
        let parsed = quantity
            .parse::<i64>()
            .ok()
            .filter(|value| (0..=MAX_STOCK).contains(value));
        if parsed.is_none() {
            problems.push(StockCsvProblem {
                line,
                kind: StockCsvProblemKind::InvalidQuantity {
                    value: quantity.to_owned(),
                },
            });
        }
        if let (true, Some(quantity)) = (row_ok, parsed) {
            seen.insert(sku.to_owned(), line);
            rows.push((sku.to_owned(), quantity));
        }
    }

    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(StockCsvError {
            file: file.to_owned(),
            problems,
        })
    }
}

/// The separator of a stock file: `;` when its header line has a `;` and no `,`,
/// else `,`.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&byte| byte == b'\n').next().unwrap_or_default();
    if header.contains(&b';') && !header.contains(&b',') {
        b';'
    } else {
        b','
    }
}

/// The 1-based line on which the record at `position` starts. The csv crate's own
/// `Position::line` counts one line too few after each CRLF ending, because the
/// record ends at the `\r` and its `\n` is only read with the next record, so the
/// line is counted here from the byte offset instead, skipping the line endings
/// (and blank lines) that the position may still point at.
fn line_at(bytes: &[u8], position: &csv::Position) -> u64 {
    let mut start = usize::try_from(position.byte())
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while let Some(b'\r' | b'\n') = bytes.get(start) {
        start += 1;
    }
    let newlines = bytes[..start].iter().filter(|&&byte| byte == b'\n').count();
    u64::try_from(newlines).map_or(u64::MAX, |count| count + 1)
}

/// Writes parsed stock levels, all or nothing, recording a movement for each change.
pub async fn import_stock(
    storage: &dyn Storage,
    levels: Vec<(String, i64)>,
    now: i64,
) -> StorageResult<Vec<StockLevel>> {
    storage.set_stock(levels, now).await
}

//! The stock CSV import: every bad row reported, nothing written unless all are
//! valid.

mod common;

use common::*;
use edge::stock_import::{StockCsvProblemKind, import_stock, parse_stock_csv};
use edge::storage::Storage;

#[test]
fn valid_file_parses() {
    let csv = "sku,quantity\nTASSE,12\n BOL , 0\nCH-ONLY,3\n";
    let rows = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect("valid");
    assert_eq!(
        rows,
        vec![
            ("TASSE".to_owned(), 12),
            ("BOL".to_owned(), 0),
            ("CH-ONLY".to_owned(), 3)
        ]
    );
    // Columns in another order, extra columns ignored.
    let csv = "note,quantity,sku\nx,5,LIVRE\n";
    let rows = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect("valid");
    assert_eq!(rows, vec![("LIVRE".to_owned(), 5)]);
}

#[test]
fn every_bad_row_reported() {
    let csv = "sku,quantity\nTASSE,12\nNOPE,1\n,4\nBOL,-3\nLIVRE,2.5\nTASSE,1\nAFFICHE,\n";
    let error = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect_err("invalid");
    let kinds: Vec<(u64, StockCsvProblemKind)> = error
        .problems
        .iter()
        .map(|problem| (problem.line, problem.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (3, StockCsvProblemKind::UnknownSku { sku: "NOPE".into() }),
            (4, StockCsvProblemKind::EmptySku),
            (5, StockCsvProblemKind::InvalidQuantity { value: "-3".into() }),
            (6, StockCsvProblemKind::InvalidQuantity { value: "2.5".into() }),
            (
                7,
                StockCsvProblemKind::DuplicateSku {
                    sku: "TASSE".into(),
                    first_line: 2
                }
            ),
            (8, StockCsvProblemKind::InvalidQuantity { value: String::new() }),
        ]
    );
    let text = error.to_string();
    assert!(
        text.starts_with("stock.csv: 6 problem(s), nothing was imported:"),
        "{text}"
    );
    assert!(
        text.contains(
            "stock.csv: line 3, column `sku`: `NOPE` is not sold by any store of the deployed build"
        ),
        "{text}"
    );
}

#[test]
fn missing_columns_reported() {
    let error = parse_stock_csv("stock.csv", b"reference,stock\nTASSE,1\n", &catalog()).expect_err("invalid");
    assert_eq!(
        error
            .problems
            .iter()
            .map(|problem| problem.kind.clone())
            .collect::<Vec<_>>(),
        vec![
            StockCsvProblemKind::MissingColumn { column: "sku" },
            StockCsvProblemKind::MissingColumn { column: "quantity" },
        ]
    );
}

#[tokio::test]
async fn import_writes_levels() {
    let edge = edge();
    let rows = parse_stock_csv("stock.csv", b"sku,quantity\nTASSE,7\nBOL,2\n", &catalog()).expect("valid");
    let written = import_stock(edge.storage.as_ref(), rows, START)
        .await
        .expect("import");
    assert_eq!(written.len(), 2);
    let levels = edge
        .storage
        .stock_levels(vec!["TASSE".into(), "BOL".into()])
        .await
        .expect("levels");
    assert_eq!(levels.get("TASSE"), Some(&7));
    assert_eq!(levels.get("BOL"), Some(&2));
}

#[test]
fn crlf_lines_numbered_like_lf() {
    let csv = "sku,quantity\r\nTASSE,3\r\nTASSE,4\r\n";
    let error = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect_err("duplicate");
    assert_eq!(error.problems.len(), 1, "{error}");
    assert_eq!(error.problems[0].line, 3);
    assert_eq!(
        error.problems[0].kind,
        StockCsvProblemKind::DuplicateSku {
            sku: "TASSE".into(),
            first_line: 2
        }
    );
    assert_eq!(
        error.to_string(),
        "stock.csv: 1 problem(s), nothing was imported:\n  stock.csv: line 3, column `sku`: `TASSE` already appears on line 2: keep one line per sku"
    );

    // A blank line in between still counts.
    let csv = "sku,quantity\r\nTASSE,3\r\n\r\nNOPE,1\r\n";
    let error = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect_err("unknown sku");
    assert_eq!(error.problems[0].line, 4);
}

#[test]
fn semicolon_separator_sniffed() {
    let csv = "sku;quantity\r\nTASSE;12\r\nBOL;0\r\n";
    let rows = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect("valid");
    assert_eq!(rows, vec![("TASSE".to_owned(), 12), ("BOL".to_owned(), 0)]);

    let csv = "sku;quantity\nTASSE;12\nNOPE;1\n";
    let error = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect_err("unknown sku");
    assert_eq!(error.problems[0].line, 3);

    // A header with both separators keeps the comma: `;` is then part of a name.
    let csv = "sku,quantity;note\nTASSE,12\n";
    let error = parse_stock_csv("stock.csv", csv.as_bytes(), &catalog()).expect_err("no quantity column");
    assert_eq!(
        error.problems[0].kind,
        StockCsvProblemKind::MissingColumn { column: "quantity" }
    );
}

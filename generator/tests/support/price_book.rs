//! Reads a published price book back into one `commerce::PriceBook`, joining the
//! index and its parts as the edge does.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use commerce::PriceBook;
use commerce::pricebook::{PRICE_BOOK_PATH, PriceBookIndex, PriceBookItem};

/// Joins the price book whose files `read` returns, by path from the store's folder.
pub fn assemble(read: impl Fn(&str) -> Vec<u8>) -> PriceBook {
    let index: PriceBookIndex = serde_json::from_slice(&read(PRICE_BOOK_PATH)).expect("a price book index");
    let parts: Vec<BTreeMap<String, PriceBookItem>> = index
        .parts
        .iter()
        .map(|part| {
            let bytes = read(&part.file);
            assert!(part.matches(&bytes), "{} is named after its contents", part.file);
            serde_json::from_slice(&bytes).expect("a price book part")
        })
        .collect();
    PriceBook::assemble(index, parts).expect("parts of one price book")
}

/// Reads the price book of the store published in `store`.
pub fn read(store: &Path) -> PriceBook {
    assemble(|path| {
        let file = store.join(path);
        std::fs::read(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()))
    })
}

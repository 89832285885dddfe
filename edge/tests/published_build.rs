//! Reading a build's published files on the native host: the price book's index
//! and its parts, and the errors a build published in part gives.

mod common;

use std::path::Path;

use common::*;
use edge::native::read_catalog;

/// Publishes the French store in `public/fr` and returns that folder.
fn publish(public: &Path) -> std::path::PathBuf {
    let store = public.join("fr");
    publish_price_book(&store, &price_book_fr());
    std::fs::write(
        store.join(commerce::pricebook::STORE_MANIFEST_PATH),
        serde_json::to_vec(&manifest_fr()).expect("json"),
    )
    .expect("manifest");
    store
}

fn index(store: &Path) -> serde_json::Value {
    let bytes = std::fs::read(store.join(commerce::pricebook::PRICE_BOOK_PATH)).expect("index");
    serde_json::from_slice(&bytes).expect("index json")
}

fn error_of(public: &Path) -> String {
    read_catalog(public).expect_err("a broken build").to_string()
}

#[test]
fn parts_join_into_whole_book() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = publish(dir.path());
    let parts = index(&store)["parts"].as_array().expect("parts").len();
    assert!(parts > 1, "the fixture should span parts, got {parts}");

    let catalog = read_catalog(dir.path()).expect("catalog");
    let book = &catalog.store("fr").expect("store fr").book;
    assert_eq!(book, &price_book_fr());
}

#[test]
fn missing_part_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = publish(dir.path());
    let file = index(&store)["parts"][1]["file"]
        .as_str()
        .expect("file")
        .to_owned();
    std::fs::remove_file(store.join(&file)).expect("remove part");

    let error = error_of(dir.path());
    assert!(error.contains(&file), "{error}");
    assert!(error.contains("publish the whole build"), "{error}");
}

#[test]
fn part_of_other_build_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = publish(dir.path());
    let listed = index(&store);
    let first = listed["parts"][0]["file"].as_str().expect("file");
    let second = listed["parts"][1]["file"].as_str().expect("file");
    std::fs::copy(store.join(second), store.join(first)).expect("copy part");

    let error = error_of(dir.path());
    assert!(error.contains("do not match the file name"), "{error}");
    assert!(error.contains(first), "{error}");
}

#[test]
fn part_edited_by_hand_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = publish(dir.path());
    let file = index(&store)["parts"][0]["file"]
        .as_str()
        .expect("file")
        .to_owned();
    let text = std::fs::read_to_string(store.join(&file)).expect("part");
    // Same length, another price: only the sum in the file name differs.
    let edited = text.replacen("\"EUR\":3000", "\"EUR\":1000", 1);
    assert_ne!(edited, text, "the first part sells AFFICHE at 30.00");
    std::fs::write(store.join(&file), edited).expect("edit part");

    let error = error_of(dir.path());
    assert!(error.contains("do not match the file name"), "{error}");
    assert!(error.contains(&file), "{error}");
}

#[test]
fn part_outside_folder_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = publish(dir.path());
    let mut listed = index(&store);
    listed["parts"][0]["file"] = serde_json::json!("_comptoir/pricebook/../store.json");
    std::fs::write(
        store.join(commerce::pricebook::PRICE_BOOK_PATH),
        serde_json::to_vec(&listed).expect("json"),
    )
    .expect("index");

    let error = error_of(dir.path());
    assert!(
        error.contains("is not a file of `_comptoir/pricebook/`"),
        "{error}"
    );
}

#[test]
fn one_file_price_book_asks_rebuild() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = publish(dir.path());
    // The layout before parts: the items inside `pricebook.json`.
    let mut old = serde_json::to_value(price_book_fr()).expect("json");
    old["format"] = serde_json::json!(1);
    std::fs::write(
        store.join(commerce::pricebook::PRICE_BOOK_PATH),
        serde_json::to_vec(&old).expect("json"),
    )
    .expect("index");

    let error = error_of(dir.path());
    assert!(error.contains("layout version 1 is not supported"), "{error}");
    assert!(error.contains("rebuild the shop"), "{error}");
}

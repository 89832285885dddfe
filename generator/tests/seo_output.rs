//! Pins the exact bytes of the files a build writes after the pages: sitemaps,
//! `robots.txt`, product feeds, price books and store manifests. The snapshots hold
//! a SHA-256 digest and a length per file, so a rewrite of the code that writes them
//! must keep every byte, including key order, escapes and line breaks.

#[path = "support/price_book.rs"]
mod price_book;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use generator::load::load_shop;
use generator::output::MemorySink;
use generator::render::{RenderOptions, render_shop};
use sha2::{Digest, Sha256};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

type Files = BTreeMap<String, Vec<u8>>;

fn render(root: &Path) -> Files {
    let shop = load_shop(root).unwrap_or_else(|errors| panic!("the shop should load:\n{errors}"));
    let sink = MemorySink::new();
    let options = RenderOptions {
        build_id: "test-build".to_owned(),
        stores: Vec::new(),
    };
    render_shop(&shop, &options, &sink).unwrap_or_else(|errors| panic!("render failed:\n{errors}"));
    sink.into_files()
}

/// Returns whether `path` (`<store>/…`) is one of the files written after the pages.
fn is_pinned(path: &str) -> bool {
    let Some((_, inside)) = path.split_once('/') else {
        return false;
    };
    inside == "robots.txt"
        || (inside.starts_with("sitemap") && inside.ends_with(".xml"))
        || inside.starts_with("feeds/")
        || inside == "_comptoir/pricebook.json"
        || inside.starts_with("_comptoir/pricebook/")
        || inside == "_comptoir/store.json"
}

/// Lists each pinned file on one line: path, length in bytes and SHA-256 of the bytes.
fn digests(files: &Files) -> String {
    let mut out = String::new();
    for (path, bytes) in files.iter().filter(|(path, _)| is_pinned(path)) {
        let digest = hex::encode(Sha256::digest(bytes));
        let _infallible = writeln!(out, "{path} {} {digest}", bytes.len());
    }
    out
}

/// A copy of a fixture in a temporary folder.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let source = fixture(name);
    let target = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("readable fixture");
        let relative = entry.path().strip_prefix(&source).expect("inside the fixture");
        let destination = target.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&destination).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &destination).expect("copy file");
        }
    }
    target
}

/// Quotes a CSV field.
fn csv_field(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// Builds a CSV catalogue of `count` products for the byte pins. Texts and option
/// values contain every character the XML and JSON writers escape or drop, and
/// non-ASCII letters. The rows mix long bodies cut into excerpts, variants, prices
/// missing in some lists, and products with and without images and descriptions.
/// The rows are a pure function of `count`.
fn tricky_catalogue(count: usize) -> String {
    let names = [
        "Bol & soucoupe",
        "Tasse <grès> \"brute\"",
        "L'assiette d'été",
        "Théière\u{1}\u{7} à froid\ttressée",
        "Cruche 🍵 — 1½ l",
        "Plat </script> & <!-- -->",
        "Pichet \u{FFFE}noir\u{FFFF}",
        "Carafe \\ « guillemets »",
    ];
    let mut out = String::from(
        "sku,parent_sku,title,title.en,description,body,price,price.pro.EUR,tax_class,stock,weight,categories,images,option.taille\n",
    );
    for index in 0..count {
        let name = names[index % names.len()];
        let sku = format!("GEN-{index:04}");
        let title = format!("{name} n°{index}");
        let title_en = if index % 3 == 0 {
            String::new()
        } else {
            format!("{name} no. {index} (en)")
        };
        let description = if index % 5 == 0 {
            format!("Description courte & <précise> de « {name} ».")
        } else {
            String::new()
        };
        // Every fourth body is longer than the feed's excerpt of 1,000 characters.
        let repeat = if index % 4 == 0 { 60 } else { 3 };
        let body = format!("**{name}** : une pièce <em>tournée</em> & cuite. ").repeat(repeat);
        let price = format!("{}.{:02}", 5 + index % 90, (index * 7) % 100);
        let pro = if index % 2 == 0 {
            format!("{}.50", 3 + index % 40)
        } else {
            String::new()
        };
        let stock = ["track", "negative", "backorder", "untracked"][index % 4];
        let categories = ["cuisine", "the", "cuisine/tasses", "cuisine|the"][index % 4];
        let images = if index % 3 == 1 { "/images/tasse.svg" } else { "" };
        let row = [
            csv_field(&sku),
            String::new(),
            csv_field(&title),
            csv_field(&title_en),
            csv_field(&description),
            csv_field(&body),
            price,
            pro,
            "standard".to_owned(),
            stock.to_owned(),
            format!("{}", 100 + index),
            csv_field(categories),
            images.to_owned(),
            String::new(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
        if index % 3 == 2 {
            for (size, extra) in [("S", "0.00"), ("XL", "4.00")] {
                let variant = [
                    csv_field(&format!("{sku}-{size}")),
                    csv_field(&sku),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    extra.to_owned(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    csv_field(&format!("{size} & <plus>")),
                ];
                out.push_str(&variant.join(","));
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn minimal_fixture_outputs() {
    insta::assert_snapshot!(digests(&render(&fixture("minimal"))));
}

#[test]
fn tricky_catalogue_outputs() {
    let shop = copy_fixture("minimal");
    std::fs::write(
        shop.path().join("content/catalog/generated.csv"),
        tricky_catalogue(240),
    )
    .expect("write the catalogue");
    let files = render(shop.path());

    // The digests pin the bytes, and these checks show what the bytes must contain.
    let feed = std::str::from_utf8(&files["fr/feeds/fr-eur.xml"]).expect("UTF-8 feed");
    assert!(
        feed.contains("<g:title>Tasse &lt;grès&gt; &quot;brute&quot; n°1</g:title>"),
        "escaped title"
    );
    assert!(!feed.contains('\u{1}'), "control characters are dropped");
    let book = price_book::assemble(|path| files[&format!("ch/{path}")].clone());
    assert!(!book.items.is_empty(), "a price book with items");

    insta::assert_snapshot!(digests(&files));
}

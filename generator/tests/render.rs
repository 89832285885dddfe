//! Rendering the minimal fixture shop through the `plain` test theme, which prints
//! its context: snapshots of page fragments, SEO files and the price book, and the
//! errors a broken theme or a path conflict produce.

#[path = "support/price_book.rs"]
mod price_book;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::load::{LoadedShop, load_shop};
use generator::output::MemorySink;
use generator::render::{RenderOptions, RenderReport, render_shop};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn load(root: &Path) -> LoadedShop {
    load_shop(root).unwrap_or_else(|errors| panic!("the fixture should load:\n{errors}"))
}

fn options() -> RenderOptions {
    RenderOptions {
        build_id: "test-build".to_owned(),
        stores: Vec::new(),
    }
}

type Files = BTreeMap<String, Vec<u8>>;

fn render(root: &Path) -> (RenderReport, Files) {
    let shop = load(root);
    let sink = MemorySink::new();
    let report =
        render_shop(&shop, &options(), &sink).unwrap_or_else(|errors| panic!("render failed:\n{errors}"));
    (report, sink.into_files())
}

fn render_errors(root: &Path) -> String {
    let shop = load(root);
    let sink = MemorySink::new();
    match render_shop(&shop, &options(), &sink) {
        Ok(_) => panic!("the render should fail"),
        Err(errors) => errors.to_string(),
    }
}

fn minimal() -> &'static Files {
    static FILES: std::sync::OnceLock<Files> = std::sync::OnceLock::new();
    FILES.get_or_init(|| render(&fixture("minimal")).1)
}

fn text<'a>(files: &'a Files, path: &str) -> &'a str {
    let bytes = files.get(path).unwrap_or_else(|| {
        let known: Vec<&String> = files.keys().collect();
        panic!("no file {path}; files: {known:#?}")
    });
    std::str::from_utf8(bytes).expect("UTF-8 output")
}

/// The part of `html` from `start` to the end of `end`.
fn section<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in:\n{html}"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"))
        + from
        + end.len();
    &html[from..to]
}

/// A copy of a fixture in a temporary folder, to break on purpose.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let source = fixture(name);
    let target = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("readable fixture");
        let relative = entry.path().strip_prefix(&source).expect("inside the fixture");
        let destination = target.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&destination).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &destination).expect("copy file");
        }
    }
    target
}

fn write(root: &Path, path: &str, contents: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("a parent")).expect("create folder");
    std::fs::write(full, contents).expect("write file");
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let full = root.join(path);
    let before = std::fs::read_to_string(&full).expect("readable");
    assert!(before.contains(from), "{path} does not contain `{from}`");
    std::fs::write(full, before.replacen(from, to, 1)).expect("write file");
}

const TASSE_FR: &str = "fr/fr/produits/tasse-en-gres-emaille/index.html";
const TASSE_EN: &str = "fr/en/products/stoneware-mug/index.html";
const TASSE_CH: &str = "ch/fr/produits/tasse-en-gres-emaille/index.html";
const TASSE_CH_EUR: &str = "ch/fr/eur/produits/tasse-en-gres-emaille/index.html";

#[test]
fn report_counts_pages_and_files() {
    let (report, files) = render(&fixture("minimal"));
    let fr = &report.stores[0];
    assert_eq!(fr.store, "fr");
    assert_eq!(fr.products, 6);
    // Per locale: home, 3 category pages, 6 products, 2 content pages, cart,
    // checkout, the privacy policy, the record of processing activities, the
    // "my data" page and a 404; then `/` and `/404.html`.
    assert_eq!(fr.pages, 2 * 18 + 2);
    let written = files.keys().filter(|path| path.starts_with("fr/")).count();
    assert_eq!(fr.files, written);
    let ch = &report.stores[1];
    // One locale, two currencies: 17 pages each (the "my data" page included),
    // one 404, `/` and `/404.html`.
    assert_eq!(ch.pages, 2 * 17 + 1 + 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn product_head_and_json_ld() {
    let html = text(minimal(), TASSE_FR);
    insta::assert_snapshot!(section(html, "<head>", "</head>"));
}

#[test]
fn product_prices_ttc_ht_and_chf() {
    let mut out = String::new();
    for path in [TASSE_FR, TASSE_EN, TASSE_CH, TASSE_CH_EUR] {
        let html = text(minimal(), path);
        out.push_str(&format!("== {path}\n"));
        out.push_str(section(html, "<p id=\"price\">", "</p>"));
        out.push('\n');
        out.push_str(section(html, "<ul id=\"variants\">", "</ul>"));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn product_facts_and_body() {
    let html = text(minimal(), TASSE_FR);
    insta::assert_snapshot!(section(html, "<main>", "</main>"));
}

#[test]
fn switcher_links_follow_slugs_and_currencies() {
    let mut out = String::new();
    for path in [
        TASSE_FR,
        TASSE_EN,
        TASSE_CH_EUR,
        "fr/en/categories/kitchen/tasses/index.html",
    ] {
        let html = text(minimal(), path);
        out.push_str(&format!("== {path}\n"));
        out.push_str(section(html, "<nav id=\"locales\">", "</nav>"));
        out.push('\n');
        out.push_str(section(html, "<nav id=\"currencies\">", "</nav>"));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn non_default_currency_points_canonical_to_default() {
    let html = text(minimal(), TASSE_CH_EUR);
    assert!(
        html.contains(
            "<link rel=\"canonical\" href=\"https://ch.atelier-brume.test/fr/produits/tasse-en-gres-emaille/\">"
        ),
        "{html}"
    );
}

#[test]
fn non_default_currency_hreflang_points_to_default() {
    // A second locale in the store with two currencies, so each page has two alternates.
    let shop = copy_fixture("minimal");
    edit(
        shop.path(),
        "site.toml",
        "locales = [\"fr\"]",
        "locales = [\"fr\", \"en\"]",
    );
    let (_, files) = render(shop.path());
    let html = text(&files, TASSE_CH_EUR);

    // hreflang agrees with the canonical link: every locale's default-currency page.
    assert!(
        html.contains(
            "<link rel=\"alternate\" hreflang=\"fr\" \
             href=\"https://ch.atelier-brume.test/fr/produits/tasse-en-gres-emaille/\">"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<link rel=\"alternate\" hreflang=\"en\" href=\"https://ch.atelier-brume.test/en/products/stoneware-mug/\">"
        ),
        "{html}"
    );
    assert!(
        !html.contains("hreflang=\"en\" href=\"https://ch.atelier-brume.test/en/eur/"),
        "{html}"
    );

    // The locale switcher keeps the visitor in euros.
    assert!(
        html.contains("<a href=\"/en/eur/products/stoneware-mug/\" hreflang=\"en\">English</a>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"/fr/eur/produits/tasse-en-gres-emaille/\" hreflang=\"fr\" aria-current=\"true\">"
        ),
        "{html}"
    );
}

#[test]
fn menu_breadcrumbs_and_footer() {
    let html = text(minimal(), "fr/fr/rayons/cuisine/tasses/index.html");
    let mut out = String::new();
    out.push_str(section(html, "<nav id=\"menu\">", "</nav>"));
    out.push('\n');
    out.push_str(section(html, "<nav id=\"categories\">", "</nav>"));
    out.push('\n');
    out.push_str(section(html, "<ol id=\"breadcrumbs\">", "</ol>"));
    out.push('\n');
    out.push_str(section(html, "<footer>", "</footer>"));
    insta::assert_snapshot!(out);
}

#[test]
fn category_paginator_and_sub_category_products() {
    let shop = copy_fixture("minimal");
    let site = std::fs::read_to_string(shop.path().join("site.toml")).expect("readable");
    write(
        shop.path(),
        "site.toml",
        &format!("{site}\n[build]\nproducts_per_page = 2\n"),
    );
    let (_, files) = render(shop.path());
    let mut out = String::new();
    for path in [
        "fr/fr/rayons/cuisine/index.html",
        "fr/fr/rayons/cuisine/page/2/index.html",
    ] {
        let html = text(&files, path);
        out.push_str(&format!("== {path}\n"));
        out.push_str(section(html, "<ul id=\"products\">", "</nav>"));
        out.push('\n');
    }
    assert!(!files.contains_key("fr/fr/rayons/cuisine/page/3/index.html"));
    insta::assert_snapshot!(out);
}

#[test]
fn checkout_lists_methods_and_countries() {
    let html = text(minimal(), "ch/fr/commande/index.html");
    insta::assert_snapshot!(section(html, "<main>", "</main>"));
}

#[test]
fn root_and_not_found_pages() {
    let files = minimal();
    let mut out = String::new();
    for path in ["fr/index.html", "fr/404.html", "fr/en/404.html"] {
        out.push_str(&format!("== {path}\n"));
        let html = text(files, path);
        let start = if path.ends_with("index.html") {
            "<head>"
        } else {
            "<main>"
        };
        let end = if path.ends_with("index.html") {
            "</ul>"
        } else {
            "</main>"
        };
        out.push_str(section(html, start, end));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn sitemap_with_hreflang() {
    insta::assert_snapshot!(text(minimal(), "fr/sitemap.xml"));
}

#[test]
fn robots_txt() {
    insta::assert_snapshot!(format!(
        "{}\n----\n{}",
        text(minimal(), "fr/robots.txt"),
        text(minimal(), "ch/robots.txt")
    ));
}

#[test]
fn merchant_feeds() {
    insta::assert_snapshot!(format!(
        "{}\n----\n{}",
        text(minimal(), "fr/feeds/en-eur.xml"),
        text(minimal(), "ch/feeds/fr-chf.xml")
    ));
}

#[test]
fn price_books_and_manifest() {
    let pretty = |path: &str| {
        let value: serde_json::Value = serde_json::from_str(text(minimal(), path)).expect("valid JSON");
        serde_json::to_string_pretty(&value).expect("serializable")
    };
    // The index and parts joined as the edge joins them.
    let book_of = |store: &str| {
        price_book::assemble(|path| text(minimal(), &format!("{store}/{path}")).as_bytes().to_vec())
    };
    let pretty_book = |store: &str| {
        let value = serde_json::to_value(book_of(store)).expect("serializable");
        serde_json::to_string_pretty(&value).expect("serializable")
    };
    for store in ["fr", "ch"] {
        // Each part contains the bytes serde writes for its items, which the generator
        // writes from borrowed data without building them.
        let index: commerce::pricebook::PriceBookIndex =
            serde_json::from_str(text(minimal(), &format!("{store}/_comptoir/pricebook.json")))
                .expect("an index");
        assert!(!index.parts.is_empty(), "{store} has parts");
        for part in &index.parts {
            let bytes = text(minimal(), &format!("{store}/{}", part.file));
            let items: BTreeMap<String, commerce::pricebook::PriceBookItem> =
                serde_json::from_str(bytes).expect("a part");
            assert_eq!(serde_json::to_string(&items).expect("serializable"), bytes);
        }
        // The edge reads these files with the commerce crate's types.
        let book = book_of(store);
        assert_eq!(book.store, store);
        assert_eq!(book.build_id, "test-build");
        let manifest: commerce::pricebook::StoreManifest =
            serde_json::from_str(text(minimal(), &format!("{store}/_comptoir/store.json")))
                .expect("a manifest");
        assert_eq!(manifest.store, store);
    }
    insta::assert_snapshot!("price_book_ch", pretty_book("ch"));
    insta::assert_snapshot!("price_book_fr", pretty_book("fr"));
    insta::assert_snapshot!("store_manifest_ch", pretty("ch/_comptoir/store.json"));
}

#[test]
fn assets_are_hashed_and_static_copied() {
    let files = minimal();
    let css: Vec<&String> = files
        .keys()
        .filter(|path| path.starts_with("fr/assets/main.") && path.ends_with(".css"))
        .collect();
    assert_eq!(css.len(), 1, "{css:?}");
    let css_text = text(files, css[0]);
    // `@import` is bundled and the result minified; lightningcss also widens
    // `system-ui` into a font stack for the targeted browsers.
    assert!(
        css_text.starts_with("body{margin:0;font-family:system-ui,"),
        "{css_text}"
    );
    assert!(
        css_text.ends_with("}.card{color:var(--accent,#123456);display:flex}"),
        "{css_text}"
    );
    let html = text(files, TASSE_FR);
    assert!(
        html.contains(&format!("href=\"/{}\"", css[0].trim_start_matches("fr/"))),
        "{html}"
    );
    assert!(
        files
            .keys()
            .any(|path| path.starts_with("fr/assets/cart.") && path.ends_with(".js"))
    );
    assert!(files.contains_key("fr/favicon.svg"));
    assert!(files.contains_key("fr/images/tasse.svg"));
    assert!(files.contains_key("ch/images/tasse.svg"));
}

#[cfg(unix)]
#[test]
fn symlinked_static_folder_is_copied() {
    let shop = copy_fixture("minimal");
    let images = shop.path().join("static/images");
    let kept_elsewhere = shop.path().join("shared-images");
    std::fs::rename(&images, &kept_elsewhere).expect("move images");
    std::os::unix::fs::symlink(&kept_elsewhere, &images).expect("link images");

    let (_, files) = render(shop.path());

    assert_eq!(
        files.get("fr/images/tasse.svg"),
        minimal().get("fr/images/tasse.svg")
    );
    assert!(files.contains_key("ch/images/tasse.svg"));
}

#[test]
fn page_slug_on_section_folder_is_a_conflict() {
    let shop = copy_fixture("minimal");
    write(
        shop.path(),
        "content/pages/produits.md",
        "+++\ntitle = \"Nos produits\"\nslug = \"produits\"\n+++\nTout.\n",
    );
    let errors = render_errors(shop.path());
    assert_eq!(
        errors,
        "1. content/pages/produits.md: two outputs of store `fr` have the same path /fr/produits/index.html: \
         the folder of the product pages and content/pages/produits.md. Change the slug of one of them\n\
         2. content/pages/produits.md: two outputs of store `ch` have the same path /fr/produits/index.html: \
         the folder of the product pages and content/pages/produits.md. Change the slug of one of them\n"
    );
}

#[test]
fn page_slug_on_currency_home_is_a_conflict() {
    let shop = copy_fixture("minimal");
    write(
        shop.path(),
        "content/pages/euros.md",
        "+++\ntitle = \"Euros\"\nslug = \"eur\"\n+++\n",
    );
    let errors = render_errors(shop.path());
    assert_eq!(
        errors,
        "1. content/pages/euros.md: two outputs of store `ch` have the same path /fr/eur/index.html: \
         content/pages/euros.md and the built-in home page. Change the slug of one of them\n"
    );
}

#[test]
fn unknown_theme_setting_is_an_error() {
    let shop = copy_fixture("minimal");
    edit(
        shop.path(),
        "site.toml",
        "theme = \"plain\"\n",
        "theme = \"plain\"\ntheme_settings = { accent = \"#fff\", colour = \"red\" }\n",
    );
    let errors = render_errors(shop.path());
    assert_eq!(
        errors,
        "1. site.toml:44:37: store `fr` sets `colour` in theme_settings, but theme `plain` has no such \
         setting. Settings of this theme: accent, per_row\n"
    );
}

#[test]
fn theme_setting_values_reach_templates() {
    let shop = copy_fixture("minimal");
    edit(
        shop.path(),
        "site.toml",
        "theme = \"plain\"\n",
        "theme = \"plain\"\ntheme_settings = { accent = \"#fff\" }\n",
    );
    let (_, files) = render(shop.path());
    assert!(text(&files, "fr/fr/index.html").contains("theme: #fff 3\n"));
    assert!(text(&files, "ch/fr/index.html").contains("theme: #123456 3\n"));
}

#[test]
fn shop_template_overrides_theme() {
    let shop = copy_fixture("minimal");
    write(
        shop.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Perdu ! {{ page.title }}</p>{% endblock content %}",
    );
    write(shop.path(), "static/favicon.svg", "<svg>shop</svg>");
    let (_, files) = render(shop.path());
    assert!(text(&files, "fr/404.html").contains("<main><p>Perdu ! Page introuvable</p>"));
    assert!(text(&files, "fr/en/404.html").contains("<main><p>Perdu ! Page not found</p>"));
    assert_eq!(text(&files, "fr/favicon.svg"), "<svg>shop</svg>");
    // Templates the shop does not override still come from the theme.
    assert!(text(&files, "fr/fr/index.html").contains("<ul id=\"featured\">"));
}

#[test]
fn css_error_names_file_and_line() {
    let shop = copy_fixture("minimal");
    write(
        shop.path(),
        "styles/parts/base.css",
        "body {\n  margin: 0;\n}\n\n..bad { color: red; }\n",
    );
    let errors = render_errors(shop.path());
    assert!(errors.starts_with("1. styles/parts/base.css:5:"), "{errors}");
    assert!(errors.contains("CSS error"), "{errors}");
}

#[test]
fn template_syntax_error_names_file_and_line() {
    let shop = copy_fixture("minimal");
    write(
        shop.path(),
        "templates/cart.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title }\n{% endblock content %}\n",
    );
    let errors = render_errors(shop.path());
    assert!(errors.starts_with("1. templates/cart.html:3:"), "{errors}");
    assert!(errors.contains("template syntax error"), "{errors}");
}

#[test]
fn render_error_is_reported_once_per_template() {
    let shop = copy_fixture("minimal");
    write(
        shop.path(),
        "templates/product.html",
        "{% extends \"base.html\" %}{% block content %}{{ product.nope.deeper }}{% endblock content %}",
    );
    let errors = render_errors(shop.path());
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.starts_with("1. templates/product.html: rendering product.html failed for /"),
        "{errors}"
    );
    assert!(errors.contains("other pages with the same error"), "{errors}");
}

#[test]
fn missing_theme_is_an_error() {
    let shop = copy_fixture("minimal");
    edit(
        shop.path(),
        "site.toml",
        "theme = \"plain\"\n",
        "theme = \"nope\"\n",
    );
    let errors = render_errors(shop.path());
    assert!(
        errors.starts_with("1. site.toml:43:9: store `fr` uses theme `nope`, which does not exist"),
        "{errors}"
    );
    assert!(errors.contains("Built-in themes: "), "{errors}");
}

#[test]
fn builtin_comptoir_theme_renders_the_fixture() {
    let shop = copy_fixture("minimal");
    std::fs::remove_dir_all(shop.path().join("themes")).expect("remove the test theme");
    let site = std::fs::read_to_string(shop.path().join("site.toml")).expect("readable");
    std::fs::write(
        shop.path().join("site.toml"),
        site.replace("theme = \"plain\"", "theme = \"comptoir\""),
    )
    .expect("write");
    let (report, files) = render(shop.path());
    assert_eq!(report.stores.len(), 2);
    let html = text(&files, TASSE_FR);
    assert!(html.contains("Tasse en grès émaillé"), "{html}");
    assert!(html.contains("24,90\u{a0}€"), "{html}");
    let checkout = text(&files, "ch/fr/commande/index.html");
    assert!(checkout.contains("Colissimo"), "{checkout}");
}

#[test]
fn shared_theme_error_reported_once() {
    let shop = copy_fixture("minimal");
    // Both stores of the minimal shop use the `plain` theme.
    write(
        shop.path(),
        "content/pages/nope.md",
        "+++\ntitle = \"Nope\"\ntemplate = \"nope.html\"\n+++\n",
    );
    let errors = render_errors(shop.path());
    let lines: Vec<&str> = errors.lines().filter(|line| line.contains("nope")).collect();
    assert_eq!(lines.len(), 1, "{errors}");
}

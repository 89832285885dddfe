//! Loading fixture shops: the minimal shop loads cleanly, broken shops report every
//! problem with its file, line and column.

use std::path::PathBuf;

use commerce::{Currency, Locale, Money, StockPolicy};
use generator::load::{LoadedShop, load_shop};
use generator::messages::Lang;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn minimal() -> LoadedShop {
    match load_shop(&fixture("minimal")) {
        Ok(shop) => shop,
        Err(problems) => panic!("the minimal shop should load:\n{problems}"),
    }
}

fn locale(tag: &str) -> Locale {
    Locale::parse(tag).expect("valid locale")
}

fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::EUR)
}

#[test]
fn minimal_counts() {
    let shop = minimal();
    let catalogue = &shop.catalogue;
    let skus: Vec<&str> = catalogue.products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(
        skus,
        [
            "BOL-GRES",
            "CARTE-CADEAU",
            "PLAT-GRES",
            "TASSE-GRES",
            "THE-VERT",
            "THEIERE-FONTE"
        ]
    );
    let categories: Vec<&str> = catalogue.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(categories, ["cuisine", "cuisine/tasses", "the"]);
    let pages: Vec<&str> = catalogue.pages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(pages, ["cgv", "mentions-legales"]);
    assert_eq!(shop.settings.stores.len(), 2);
}

#[test]
fn minimal_prices_in_minor_units() {
    let shop = minimal();
    let tasse = shop.catalogue.product("TASSE-GRES").expect("tasse");
    assert_eq!(tasse.prices["retail"][&Currency::EUR], eur(2490));
    assert_eq!(tasse.prices["pro"][&Currency::EUR], eur(1800));
    let blue = &tasse.variants[0];
    assert_eq!(blue.sku, "TASSE-GRES-BLEU");
    assert_eq!(blue.prices["retail"][&Currency::EUR], eur(2690));
    assert_eq!(blue.prices["pro"][&Currency::EUR], eur(1900));

    // `price = 59.90` is a TOML float, read exactly.
    let theiere = shop.catalogue.product("THEIERE-FONTE").expect("théière");
    assert_eq!(theiere.prices["retail"][&Currency::EUR], eur(5990));
    let chf = Currency::parse("CHF").expect("CHF");
    assert_eq!(theiere.prices["retail"][&chf], Money::new(6200, chf));

    let carte = shop.catalogue.product("CARTE-CADEAU").expect("carte");
    assert_eq!(carte.prices["retail"][&Currency::EUR], eur(3000));

    let bol = shop.catalogue.product("BOL-GRES").expect("bol");
    assert_eq!(bol.prices["retail"][&Currency::EUR], eur(1990));
    assert_eq!(bol.prices["pro"][&Currency::EUR], eur(1450));
}

#[test]
fn minimal_variants_and_stock() {
    let shop = minimal();
    let tasse = shop.catalogue.product("TASSE-GRES").expect("tasse");
    assert_eq!(tasse.options.len(), 1);
    assert_eq!(tasse.options[0].name, "couleur");
    assert_eq!(tasse.options[0].values, ["bleu", "sable"]);
    assert_eq!(tasse.sellable_skus(), ["TASSE-GRES-BLEU", "TASSE-GRES-SABLE"]);
    assert_eq!(tasse.variants[0].stock, StockPolicy::Backorder);
    assert_eq!(tasse.variants[0].weight, Some(360));
    // A variant without its own policy or weight takes the product's.
    assert_eq!(tasse.variants[1].stock, StockPolicy::Track);
    assert_eq!(tasse.variants[1].weight, Some(350));
    assert_eq!(tasse.extra["atelier"], "Limoges");

    let theiere = shop.catalogue.product("THEIERE-FONTE").expect("théière");
    assert_eq!(theiere.stock, StockPolicy::Backorder);
    assert_eq!(theiere.backorder_days, Some(15));
    assert_eq!(
        shop.catalogue.product("THE-VERT").expect("thé").tax_class,
        "reduced"
    );

    // CSV: a variant row becomes a variant, its option column an option.
    let plat = shop.catalogue.product("PLAT-GRES").expect("plat");
    assert_eq!(plat.stock, StockPolicy::Negative);
    assert_eq!(plat.variants.len(), 1);
    assert_eq!(plat.variants[0].sku, "PLAT-GRES-L");
    assert_eq!(plat.variants[0].stock, StockPolicy::Negative);
    assert_eq!(plat.variants[0].weight, Some(1100));
    assert_eq!(plat.variants[0].options["taille"], "L");
    assert_eq!(plat.options[0].values, ["L"]);
    assert_eq!(plat.variants[0].prices["retail"][&Currency::EUR], eur(4200));
    assert_eq!(plat.source, "content/catalog/extra.csv:3");
}

#[test]
fn minimal_translations_and_slugs() {
    let shop = minimal();
    let (fr, en) = (locale("fr"), locale("en"));
    let tasse = shop.catalogue.product("TASSE-GRES").expect("tasse");
    assert_eq!(tasse.texts[&fr].title, "Tasse en grès émaillé");
    assert_eq!(tasse.texts[&fr].slug, "tasse-en-gres-emaille");
    assert_eq!(
        tasse.texts[&fr].body_html,
        "<p>Chaque tasse est <strong>unique</strong> : l'émail coule différemment à chaque cuisson.</p>\n"
    );
    assert_eq!(tasse.texts[&en].title, "Glazed stoneware mug");
    assert_eq!(tasse.texts[&en].slug, "stoneware-mug");
    assert_eq!(
        tasse.texts[&en].description.as_deref(),
        Some("A hand-thrown mug.")
    );
    assert!(
        !shop
            .catalogue
            .product("THE-VERT")
            .expect("thé")
            .texts
            .contains_key(&en)
    );

    let bol = shop.catalogue.product("BOL-GRES").expect("bol");
    assert_eq!(bol.texts[&en].title, "Stoneware bowl");
    assert_eq!(bol.texts[&en].slug, "stoneware-bowl");

    let cuisine = shop.catalogue.category("cuisine").expect("cuisine");
    assert_eq!(cuisine.texts[&en].title, "Kitchen");
    assert_eq!(cuisine.texts[&en].slug, "kitchen");
    let cgv = shop.catalogue.page("cgv").expect("cgv");
    assert_eq!(cgv.texts[&fr].slug, "cgv");
    assert!(cgv.texts[&fr].body_html.contains("<table>"));
    assert_eq!(cgv.template, "page.html");
}

#[test]
fn minimal_nested_categories() {
    let shop = minimal();
    let tasses = shop.catalogue.category("cuisine/tasses").expect("tasses");
    assert_eq!(tasses.parent.as_deref(), Some("cuisine"));
    assert_eq!(tasses.image.as_deref(), Some("/images/tasse.svg"));
    assert_eq!(shop.catalogue.category("cuisine").expect("cuisine").parent, None);
    assert_eq!(shop.catalogue.category("the").expect("thé").weight, 2);
    let tasse = shop.catalogue.product("TASSE-GRES").expect("tasse");
    assert_eq!(tasse.categories, ["cuisine/tasses"]);
}

fn problems(name: &str) -> generator::diagnostics::Diagnostics {
    match load_shop(&fixture(name)) {
        Ok(_) => panic!("the {name} shop should not load"),
        Err(problems) => problems,
    }
}

#[test]
fn broken_settings_syntax_messages() {
    let problems = problems("broken-settings-syntax");
    insta::assert_snapshot!("settings_syntax_en", problems.render(Lang::En));
    insta::assert_snapshot!("settings_syntax_fr", problems.render(Lang::Fr));
}

#[test]
fn broken_settings_messages() {
    let problems = problems("broken-settings");
    insta::assert_snapshot!("settings_en", problems.render(Lang::En));
    insta::assert_snapshot!("settings_fr", problems.render(Lang::Fr));
}

#[test]
fn broken_content_messages() {
    let problems = problems("broken-content");
    insta::assert_snapshot!("content_en", problems.render(Lang::En));
    insta::assert_snapshot!("content_fr", problems.render(Lang::Fr));
}

#[test]
fn broken_csv_messages() {
    let problems = problems("broken-csv");
    insta::assert_snapshot!("csv_en", problems.render(Lang::En));
    insta::assert_snapshot!("csv_fr", problems.render(Lang::Fr));
}

#[test]
fn broken_content_reports_all_problems_together() {
    let problems = problems("broken-content");
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    for expected in [
        "front-matter-unknown-key",
        "amount-too-many-decimals",
        "product-unknown-category",
        "sku-duplicate",
        "slug-duplicate",
        "translation-without-base",
        "translation-fact",
        "front-matter-unclosed",
    ] {
        assert!(ids.contains(&expected), "{expected} missing from:\n{problems}");
    }
    // The too-many-decimals price is not reported a second time as a missing price.
    assert!(!ids.contains(&"price-missing"), "{problems}");
}

#[test]
fn broken_settings_still_checks_content() {
    let problems = problems("broken-settings");
    let files: Vec<String> = problems.0.iter().map(|p| p.file.display().to_string()).collect();
    assert!(files.contains(&"site.toml".to_owned()));
    assert!(files.contains(&"content/products/tasse.md".to_owned()));
}

#[test]
fn duplicate_sku_names_both_files() {
    let problems = problems("broken-content");
    let duplicate = problems
        .0
        .iter()
        .find(|problem| problem.message.id == "sku-duplicate")
        .expect("a duplicate sku");
    assert_eq!(duplicate.location(), "content/products/tasse.md:2:7");
    assert_eq!(
        duplicate.message.args,
        [
            ("sku", "TASSE".to_owned()),
            ("other", "content/products/tasse-copie.md:2".to_owned())
        ]
    );
}

/// Loads a generated catalogue of 300,000 CSV rows and prints the time. Ignored by
/// default because it writes about 20 MB; run it in release mode:
/// `cargo test --release -p comptoir --test load -- --ignored --nocapture`.
#[test]
#[ignore]
fn large_csv_catalogue() {
    let shop = large_csv_shop(300_000, None);
    let started = std::time::Instant::now();
    let loaded = load_shop(shop.path()).unwrap_or_else(|problems| panic!("{}", problems.render(Lang::En)));
    let elapsed = started.elapsed();
    println!("loaded 300000 rows in {} ms", elapsed.as_millis());
    assert_eq!(loaded.catalogue.products.len(), 200_000);
}

#[test]
fn large_csv_reports_every_bad_row() {
    let rows = 30_000;
    let shop = large_csv_shop(rows, Some(7_001));
    let problems = load_shop(shop.path()).expect_err("the bad prices fail the load");
    let text = problems.render(Lang::En);
    // Every third row is a variant row, which has no price.
    let bad: Vec<usize> = (0..rows)
        .filter(|index| index % 7_001 == 7_000 && index % 3 != 2)
        .collect();
    assert_eq!(problems.len(), bad.len(), "{text}");
    for index in bad {
        // Row 1 is the header, so product `index` is on row `index + 2`; the price
        // is the sixth column.
        let place = format!("content/catalog/catalogue.csv:{}:6: `price`: `douze`", index + 2);
        assert!(text.contains(&place), "no {place:?} in:\n{text}");
    }
}

/// Creates a shop whose only catalogue is a generated CSV file of `rows` rows, a
/// third of them variants. With `bad_every`, every product row whose index modulo
/// it is `bad_every - 1` has the price `douze`.
fn large_csv_shop(rows: usize, bad_every: Option<usize>) -> tempfile::TempDir {
    let shop = tempfile::tempdir().expect("temp dir");
    let site = std::fs::read_to_string(fixture("broken-csv").join("site.toml")).expect("site.toml");
    std::fs::write(shop.path().join("site.toml"), site).expect("write site.toml");
    let catalog = shop.path().join("content/catalog");
    std::fs::create_dir_all(&catalog).expect("catalog folder");
    std::fs::create_dir_all(shop.path().join("content/categories")).expect("categories folder");
    std::fs::write(
        shop.path().join("content/categories/cuisine.md"),
        "+++\ntitle = \"Cuisine\"\n+++\n",
    )
    .expect("category");

    let mut csv = String::from(
        "sku,parent_sku,title,title.en,description,price,price.pro.EUR,stock,weight,categories,option.taille\n",
    );
    for index in 0..rows {
        if index % 3 == 2 {
            let parent = index - 1;
            csv.push_str(&format!("SKU-{index},SKU-{parent},,,,,,,,,L\n"));
        } else {
            let price = if bad_every.is_some_and(|every| index % every == every - 1) {
                "douze".to_owned()
            } else {
                format!("{}.90", index % 200 + 1)
            };
            csv.push_str(&format!(
                "SKU-{index},,Produit numéro {index},Product number {index},Une description,{price},{}.00,track,350,cuisine,\n",
                index % 150 + 1
            ));
        }
    }
    std::fs::write(catalog.join("catalogue.csv"), csv).expect("write csv");
    shop
}

/// Copies the `minimal` fixture into a temporary folder, to break one file of it.
fn minimal_copy() -> tempfile::TempDir {
    let shop = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("minimal"), shop.path());
    shop
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn problems_in(root: &std::path::Path) -> generator::diagnostics::Diagnostics {
    match load_shop(root) {
        Ok(_) => panic!("the shop in {} should not load", root.display()),
        Err(problems) => problems,
    }
}

#[test]
fn failed_base_hides_translation_error() {
    let shop = minimal_copy();
    let base = shop.path().join("content/products/tasses/tasse-gres.md");
    let text = std::fs::read_to_string(&base).expect("read base");
    // A key typo makes the base file fail, while its `.en.md` translation exists.
    std::fs::write(&base, text.replacen("title =", "titel =", 1)).expect("write base");

    let problems = problems_in(shop.path());
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    assert!(ids.contains(&"front-matter-unknown-key"), "{problems}");
    assert!(!ids.contains(&"translation-without-base"), "{problems}");
}

#[test]
fn yaml_front_matter_gets_toml_hint() {
    let shop = minimal_copy();
    let base = shop.path().join("content/products/tasses/tasse-gres.md");
    std::fs::write(&base, "---\ntitle: Tasse\nsku: TASSE-GRES\n---\nUne tasse.\n").expect("write base");

    let problems = problems_in(shop.path());
    let rendered = problems.render(Lang::En);
    assert_eq!(
        rendered,
        "1. content/products/tasses/tasse-gres.md:1:1: front matter in YAML (`---` lines): Comptoir reads \
         TOML between `+++` lines. Replace both `---` lines with `+++` and write each field as TOML, for \
         example `title = \"Mug\"` instead of `title: Mug`.\n"
    );
}

/// A shop with the site.toml of `broken-csv`, a `cuisine` category and `csv` as its
/// only catalogue file, `content/catalog/catalogue.csv`.
fn csv_shop(csv: &[u8]) -> tempfile::TempDir {
    let shop = tempfile::tempdir().expect("temp dir");
    let site = std::fs::read_to_string(fixture("broken-csv").join("site.toml")).expect("site.toml");
    std::fs::write(shop.path().join("site.toml"), site).expect("write site.toml");
    let catalog = shop.path().join("content/catalog");
    std::fs::create_dir_all(&catalog).expect("catalog folder");
    std::fs::create_dir_all(shop.path().join("content/categories")).expect("categories folder");
    std::fs::write(
        shop.path().join("content/categories/cuisine.md"),
        "+++\ntitle = \"Cuisine\"\n+++\n",
    )
    .expect("category");
    std::fs::write(catalog.join("catalogue.csv"), csv).expect("write csv");
    shop
}

#[test]
fn csv_semicolons_and_bom() {
    let csv = "\u{FEFF}sku;parent_sku;title;price;categories;option.taille\n\
               PLAT;;Plat en grès;\"39,90\";cuisine;\n\
               PLAT-L;PLAT;;;;L\n";
    let shop = csv_shop(csv.as_bytes());
    let loaded = load_shop(shop.path()).unwrap_or_else(|problems| panic!("{}", problems.render(Lang::En)));
    let plat = loaded.catalogue.product("PLAT").expect("plat");
    assert_eq!(plat.prices["retail"][&Currency::EUR], eur(3990));
    assert_eq!(plat.variants.len(), 1);
    assert_eq!(plat.variants[0].sku, "PLAT-L");
    assert_eq!(plat.variants[0].options["taille"], "L");
}

#[test]
fn csv_latin1_single_error() {
    // "Plat en grès" in Latin-1: `è` is the single byte 0xE8.
    let mut csv = b"sku,parent_sku,title,price,categories,option.taille\n".to_vec();
    csv.extend_from_slice(b"PLAT,,Plat en gr\xE8s,39.90,cuisine,\n");
    csv.extend_from_slice(b"PLAT-L,PLAT,,,,L\n");
    csv.extend_from_slice(b"BOL,,Bol en gr\xE8s,19.90,cuisine,\n");
    let shop = csv_shop(&csv);
    let problems = match load_shop(shop.path()) {
        Ok(_) => panic!("a Latin-1 CSV should not load"),
        Err(problems) => problems,
    };
    assert_eq!(problems.0.len(), 1, "{problems}");
    insta::assert_snapshot!("csv_latin1_en", problems.render(Lang::En));
    insta::assert_snapshot!("csv_latin1_fr", problems.render(Lang::Fr));
}

/// Replaces `from` by `to` in the copied shop's `site.toml`.
fn edit_site(shop: &std::path::Path, from: &str, to: &str) {
    let path = shop.join("site.toml");
    let text = std::fs::read_to_string(&path).expect("read site.toml");
    assert!(text.contains(from), "`{from}` not in site.toml");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write site.toml");
}

#[test]
fn invalid_rate_reported_once() {
    let shop = minimal_copy();
    edit_site(shop.path(), "standard = \"8.1\"", "standard = \"180\"");

    let problems = problems_in(shop.path());
    assert_eq!(problems.len(), 1, "{problems}");
    assert_eq!(problems.0[0].file, PathBuf::from("site.toml"), "{problems}");
}

#[test]
fn invalid_country_reported_once() {
    let shop = minimal_copy();
    edit_site(shop.path(), "country = \"CH\"", "country = \"Suisse\"");

    let problems = problems_in(shop.path());
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    assert!(!ids.contains(&"product-unknown-tax-class"), "{problems}");
    assert!(
        problems
            .0
            .iter()
            .all(|problem| problem.file == std::path::Path::new("site.toml")),
        "{problems}"
    );
}

/// Writes `files` (path, text) into a new shop folder.
fn shop_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let shop = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = shop.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(path, text).expect("write");
    }
    shop
}

const TYPO_SETTINGS: &str = r#"[shop]
legal_nam = "Atelier Brume SARL"
legal_form = "SARL"
siret = "123 456 789 00007"
email = "contact@atelier-brume.test"
vat_exempt = "oui"
host = "OVH"
address = { street = "12 rue des Potiers", postal_code = "69001", city = "Lyon", country = "FR" }

[[stores]]
id = "fr"
name = "Atelier Brume"
base_url = "https://atelier-brume.test"
locales = "fr"
currencies = ["EUR"]
tax_dispaly = "incl"
country = "FR"

[shiping.colissimo]
label = "Colissimo"

[build]
products_per_page = "12"
"#;

#[test]
fn settings_reports_every_typo() {
    let shop = shop_with(&[("site.toml", TYPO_SETTINGS)]);
    let problems = match load_shop(shop.path()) {
        Ok(_) => panic!("the shop should not load"),
        Err(problems) => problems,
    };
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    assert_eq!(
        ids,
        [
            "settings-unknown-key",
            "toml-wrong-type",
            "toml-wrong-type-detail",
            "toml-wrong-type",
            "settings-unknown-key",
            "settings-unknown-key",
            "toml-wrong-type",
        ],
        "{problems}"
    );
    insta::assert_snapshot!("settings_typos_en", problems.render(Lang::En));
    insta::assert_snapshot!("settings_typos_fr", problems.render(Lang::Fr));
}

const TYPO_PRODUCT: &str = r#"+++
sku = "PLAT"
title = "Plat"
price = 39.90
categories = "table/assiettes"
weight = -5
titre_en = "Dish"
stok = "track"
+++
"#;

#[test]
fn front_matter_reports_every_typo() {
    let site = std::fs::read_to_string(fixture("broken-csv").join("site.toml")).expect("site.toml");
    let shop = shop_with(&[("site.toml", &site), ("content/products/plat.md", TYPO_PRODUCT)]);
    let problems = match load_shop(shop.path()) {
        Ok(_) => panic!("the shop should not load"),
        Err(problems) => problems,
    };
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    assert_eq!(
        ids,
        [
            "toml-wrong-type",
            "toml-wrong-type",
            "front-matter-unknown-key",
            "front-matter-unknown-key",
        ],
        "{problems}"
    );
    insta::assert_snapshot!("front_matter_typos_en", problems.render(Lang::En));
    insta::assert_snapshot!("front_matter_typos_fr", problems.render(Lang::Fr));
}

#[test]
fn single_typo_in_full_settings() {
    // Every other key of the minimal site.toml is probed too: none may be reported.
    let shop = minimal_copy();
    edit_site(
        shop.path(),
        "[shipping.colissimo]\n",
        "[shipping.colissimo]\nlabell = \"x\"\n",
    );

    let problems = problems_in(shop.path());
    let found: Vec<(String, &str)> = problems
        .0
        .iter()
        .map(|problem| (problem.location(), problem.message.id))
        .collect();
    assert_eq!(
        found,
        [("site.toml:77:1".to_owned(), "settings-unknown-key")],
        "{problems}"
    );
}

#[test]
fn settings_typo_keeps_other_checks() {
    // A typo in `legal_name` must not hide the SIRET and email checks.
    let site = std::fs::read_to_string(fixture("broken-csv").join("site.toml")).expect("site.toml");
    let site = site
        .replacen("legal_name =", "legal_nam =", 1)
        .replacen("siret = \"123 456 789 00007\"", "siret = \"123\"", 1)
        .replacen("email = \"contact@atelier-brume.test\"", "email = \"contact\"", 1);
    let shop = shop_with(&[("site.toml", &site)]);
    let problems = problems_in(shop.path());
    let found: Vec<(String, &str)> = problems
        .0
        .iter()
        .map(|problem| (problem.location(), problem.message.id))
        .collect();
    assert_eq!(
        found,
        [
            ("site.toml:2:1".to_owned(), "settings-unknown-key"),
            ("site.toml:4:9".to_owned(), "settings-invalid-siret"),
            ("site.toml:5:9".to_owned(), "settings-invalid-email"),
        ],
        "{problems}"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_product_is_loaded() {
    let shop = minimal_copy();
    let product = shop.path().join("content/products/the-vert.md");
    let kept_elsewhere = shop.path().join("the-vert.md");
    std::fs::rename(&product, &kept_elsewhere).expect("move product");
    std::os::unix::fs::symlink(&kept_elsewhere, &product).expect("link product");

    let loaded = load_shop(shop.path()).unwrap_or_else(|errors| panic!("should load:\n{errors}"));

    assert_eq!(
        loaded.catalogue.products.len(),
        minimal().catalogue.products.len()
    );
}

#[cfg(unix)]
#[test]
fn content_link_loop_is_reported() {
    let shop = minimal_copy();
    let products = shop.path().join("content/products");
    std::os::unix::fs::symlink(&products, products.join("loop")).expect("link folder");

    let problems = problems_in(shop.path());

    assert_eq!(
        problems.to_string(),
        "1. content/products/loop: `content/products/loop` is a symbolic link to `content/products`, \
         a folder that contains it, so following it never ends. Remove the link or point it outside \
         `content/products`.\n"
    );
}

#[cfg(unix)]
#[test]
fn broken_content_link_is_reported() {
    let shop = minimal_copy();
    let link = shop.path().join("content/products/gone.md");
    std::os::unix::fs::symlink(shop.path().join("missing.md"), &link).expect("link file");

    let problems = problems_in(shop.path()).to_string();

    assert!(
        problems.starts_with(
            "1. content/products/gone.md: cannot follow the symbolic link `content/products/gone.md`: "
        ),
        "{problems}"
    );
    assert_eq!(problems.lines().count(), 1, "{problems}");
}

#[test]
fn privacy_below_legal_floor_names_the_line() {
    let shop = minimal_copy();
    let site = shop.path().join("site.toml");
    let mut text = std::fs::read_to_string(&site).expect("site.toml");
    text.push_str("\n[privacy]\ninvoice_years = 5\n");
    std::fs::write(&site, &text).expect("write site.toml");
    let line = text.lines().count();

    let problems = problems_in(shop.path());
    assert_eq!(problems.len(), 1, "{problems}");
    let english = problems.render(Lang::En);
    assert!(
        english.contains(&format!("site.toml:{line}:")),
        "the line of invoice_years ({line}): {english}"
    );
    assert!(
        english.contains("L123-22") && english.contains("invoice_years = 10"),
        "{english}"
    );
    let french = problems.render(Lang::Fr);
    assert!(french.contains("se conservent 10 ans"), "{french}");
}

/// Replaces `from` by `to` in a file of the copied shop.
fn edit_file(shop: &std::path::Path, file: &str, from: &str, to: &str) {
    let path = shop.join(file);
    let text = std::fs::read_to_string(&path).expect("read file");
    assert!(text.contains(from), "`{from}` not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write file");
}

/// Lists the problems as (location, message id), in order.
fn located_ids(problems: &generator::diagnostics::Diagnostics) -> Vec<(String, &'static str)> {
    problems
        .0
        .iter()
        .map(|problem| (problem.location(), problem.message.id))
        .collect()
}

#[test]
fn broken_category_reported_once() {
    // Products, CSV rows, a sub-category and two menu entries refer to `cuisine`.
    let shop = minimal_copy();
    edit_file(
        shop.path(),
        "content/categories/cuisine.md",
        "title = \"Cuisine\"",
        "title = = \"Cuisine\"",
    );

    let problems = problems_in(shop.path());
    assert_eq!(
        located_ids(&problems),
        [(
            "content/categories/cuisine.md:2:9".to_owned(),
            "front-matter-invalid"
        )],
        "{problems}"
    );
}

#[test]
fn broken_product_in_menu_reported_once() {
    // The menu links to THEIERE-FONTE. Its file is broken after the sku, then on
    // the sku's own line.
    for (from, to, at) in [
        (
            "weight = 1200",
            "weight = = 1200",
            "content/products/theiere.md:8:10",
        ),
        (
            "sku = \"THEIERE-FONTE\"",
            "sku = = \"THEIERE-FONTE\"",
            "content/products/theiere.md:2:7",
        ),
    ] {
        let shop = minimal_copy();
        edit_file(shop.path(), "content/products/theiere.md", from, to);

        let problems = problems_in(shop.path());
        assert_eq!(
            located_ids(&problems),
            [(at.to_owned(), "front-matter-invalid")],
            "{problems}"
        );
    }
}

#[test]
fn menu_typo_kept_beside_broken_product() {
    // The broken file's sku is readable and is not the one the menu names.
    let shop = minimal_copy();
    edit_file(
        shop.path(),
        "content/products/theiere.md",
        "weight = 1200",
        "weight = = 1200",
    );
    edit_site(
        shop.path(),
        "product = \"THEIERE-FONTE\"",
        "product = \"THEIERE-FONTES\"",
    );

    let problems = problems_in(shop.path());
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    assert_eq!(
        ids,
        ["front-matter-invalid", "menu-unknown-product"],
        "{problems}"
    );
}

#[test]
fn settings_syntax_mistakes_reported_once_each() {
    // A list without its `]` would make every following line a problem. The stray
    // `=` further down is a mistake of its own.
    let shop = minimal_copy();
    edit_site(
        shop.path(),
        "locales = [\"fr\", \"en\"]",
        "locales = [\"fr\", \"en\"",
    );
    edit_site(shop.path(), "label = \"Colissimo\"", "label = = \"Colissimo\"");

    let problems = problems_in(shop.path());
    assert_eq!(
        located_ids(&problems),
        [
            ("site.toml:38:22".to_owned(), "toml-unclosed"),
            ("site.toml:77:9".to_owned(), "settings-invalid"),
        ],
        "{problems}"
    );
    insta::assert_snapshot!("settings_syntax_mistakes_en", problems.render(Lang::En));
    insta::assert_snapshot!("settings_syntax_mistakes_fr", problems.render(Lang::Fr));
}

#[test]
fn settings_wrong_types_name_valid_values() {
    let shop = minimal_copy();
    for (from, to) in [
        // Words of an enum: serde lists them.
        ("tax_display = \"excl\"", "tax_display = true"),
        // Quoting `0.05` is valid, so it stays the suggestion.
        ("rounding = \"0.05\"", "rounding = 0.05"),
        ("legal_basis = \"consent\"", "legal_basis = 3"),
        // Words and codes checked after serde.
        ("preset = \"youtube\"", "preset = 3"),
        ("currencies = [\"CHF\", \"EUR\"]", "currencies = [\"CHF\", 3]"),
        ("country = \"CH\"", "country = 41"),
        // Free text: quoting is the fix.
        ("label = \"Colissimo\"", "label = 3"),
    ] {
        edit_site(shop.path(), from, to);
    }

    let problems = problems_in(shop.path());
    assert_eq!(problems.len(), 7, "{problems}");
    insta::assert_snapshot!("settings_wrong_types_en", problems.render(Lang::En));
    insta::assert_snapshot!("settings_wrong_types_fr", problems.render(Lang::Fr));
}

#[test]
fn enum_tag_of_wrong_type_names_its_words() {
    // toml blames the whole `[shipping.colissimo]` table for its `kind`.
    let shop = minimal_copy();
    edit_site(shop.path(), "kind = \"weight\"", "kind = 3");

    let problems = problems_in(shop.path());
    assert_eq!(problems.len(), 1, "{problems}");
    let problem = &problems.0[0];
    assert_eq!(problem.location(), "site.toml:80:8");
    assert_eq!(problem.message.id, "toml-wrong-type-choice");
    assert_eq!(
        problem.message.args[2],
        ("valid", "flat, weight, pickup".to_owned())
    );
}

#[test]
fn defaults_of_wrong_values_raise_no_problems() {
    // With `preset` and `exempt` left out, a service would need a name and the
    // exempt purpose's tracker would need consent. The SIRET is wrong on its own.
    let shop = minimal_copy();
    edit_site(shop.path(), "preset = \"youtube\"", "preset = 3");
    edit_site(shop.path(), "exempt = true", "exempt = \"oui\"");
    edit_site(shop.path(), "siret = \"123 456 789 00007\"", "siret = \"123\"");

    let problems = problems_in(shop.path());
    let ids: Vec<&str> = problems.0.iter().map(|problem| problem.message.id).collect();
    assert_eq!(
        ids,
        [
            "settings-invalid-siret",
            "toml-wrong-type",
            "toml-wrong-type-choice"
        ],
        "{problems}"
    );
}

#[test]
fn broken_settings_keep_content_language() {
    // An English catalogue: with the default French, its `.fr.md` translation and
    // `title.fr` column would be reported too.
    let site = std::fs::read_to_string(fixture("broken-csv").join("site.toml"))
        .expect("site.toml")
        .replacen("[shop]\n", "[shop]\ncontent_locale = \"en\"\n", 1)
        .replacen(
            "legal_form = \"SARL au capital de 8 000 €\"",
            "legal_form = \"SARL",
            1,
        );
    let shop = shop_with(&[
        ("site.toml", &site),
        (
            "content/products/mug.md",
            "+++\nsku = \"MUG\"\ntitle = \"Mug\"\nprice = \"3.00\"\n+++\n",
        ),
        ("content/products/mug.fr.md", "+++\ntitle = \"Tasse\"\n+++\n"),
        (
            "content/catalog/bols.csv",
            "sku,title,title.fr,price\nBOWL,Bowl,Bol,4.00\n",
        ),
    ]);

    let problems = problems_in(shop.path());
    assert_eq!(
        located_ids(&problems),
        [("site.toml:4:19".to_owned(), "settings-invalid")],
        "{problems}"
    );
}

//! Consent from `[consent]` to the output. The `plain` test theme prints the
//! `consent` context and the inert scripts; the tests also cover embeds replaced by
//! placeholders, the published `consent.json` and its hash, the generated privacy
//! documents, and the errors of broken declarations and undeclared services.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use commerce::consent::{CONSENT_POLICY_PATH, ConsentPolicy};
use generator::load::{LoadedShop, load_shop};
use generator::messages::Lang;
use generator::output::MemorySink;
use generator::render::{RenderOptions, render_shop};

type Files = BTreeMap<String, Vec<u8>>;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn load(root: &Path) -> LoadedShop {
    load_shop(root).unwrap_or_else(|errors| panic!("the shop should load:\n{errors}"))
}

fn render(root: &Path) -> Files {
    let shop = load(root);
    let sink = MemorySink::new();
    let options = RenderOptions {
        build_id: "test-build".to_owned(),
        stores: Vec::new(),
    };
    render_shop(&shop, &options, &sink).unwrap_or_else(|errors| panic!("render failed:\n{errors}"));
    sink.into_files()
}

fn minimal() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| render(&fixture("minimal")))
}

fn text<'a>(files: &'a Files, path: &str) -> &'a str {
    let bytes = files.get(path).unwrap_or_else(|| {
        let known: Vec<&String> = files.keys().collect();
        panic!("no file {path}; files: {known:#?}")
    });
    std::str::from_utf8(bytes).expect("UTF-8 output")
}

/// Returns the part of `html` from `start` to the end of `end`.
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

fn policy(files: &Files, store: &str) -> ConsentPolicy {
    let path = format!("{store}/{CONSENT_POLICY_PATH}");
    serde_json::from_str(text(files, &path)).expect("consent.json reads as a ConsentPolicy")
}

/// A copy of a fixture in a temporary folder, to change on purpose.
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

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let full = root.join(path);
    let before = std::fs::read_to_string(&full).expect("readable");
    assert!(before.contains(from), "{path} does not contain `{from}`");
    std::fs::write(full, before.replacen(from, to, 1)).expect("write file");
}

const THEIERE_FR: &str = "fr/fr/produits/theiere-en-fonte/index.html";
const PRIVACY_FR: &str = "fr/fr/politique-de-confidentialite/index.html";
const PRIVACY_EN: &str = "fr/en/privacy-policy/index.html";
const RECORD_FR: &str = "fr/fr/registre-des-traitements/index.html";
const RECORD_EN: &str = "fr/en/record-of-processing/index.html";

#[test]
fn context_and_inert_scripts() {
    let html = text(minimal(), "fr/en/index.html");
    insta::assert_snapshot!(section(html, "<div id=\"consent\"", "</div>"));
}

#[test]
fn scripts_never_run_before_consent() {
    let html = text(minimal(), "fr/fr/index.html");
    let consent = section(html, "<div id=\"consent\"", "</div>");
    for (index, _) in consent.match_indices("<script") {
        let tag = &consent[index..index + consent[index..].find('>').expect("a closed tag")];
        assert!(tag.starts_with("<script type=\"text/plain\""), "{tag}");
        assert!(!tag.contains(" src="), "{tag}");
    }
    assert_eq!(consent.matches("data-service=\"ga4\"").count(), 2);
    assert_eq!(consent.matches("data-service=\"matomo\"").count(), 1);
}

#[test]
fn embed_becomes_a_placeholder() {
    let fr = text(minimal(), THEIERE_FR);
    assert!(!fr.contains("<iframe"), "{fr}");
    insta::assert_snapshot!(section(fr, "<div class=\"consent-embed\"", "</div>"));
    let en = text(minimal(), "fr/en/products/theiere-en-fonte/index.html");
    // The English placeholder uses the theme's `consent-embed-accept` and the
    // built-in texts for the strings the theme lacks.
    assert!(en.contains(">Accept YouTube</button>"), "{en}");
    assert!(
        en.contains("This content is hosted by YouTube (Google Ireland Limited)"),
        "{en}"
    );
}

#[test]
fn policy_is_published_with_a_valid_hash() {
    let fr = policy(minimal(), "fr");
    assert_eq!(fr.store, "fr");
    assert_eq!(fr.policy_version, "2026-01-15");
    assert_eq!(fr.retention_days, 182);
    assert!(fr.hash_is_valid());
    let ids: Vec<&str> = fr.declaration.purposes.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["necessary", "audience", "emailing", "media", "statistics"]);
    let locales: Vec<&str> = fr.texts.keys().map(|locale| locale.as_str()).collect();
    assert_eq!(locales, ["en", "fr"]);
    let french = &fr.texts[&commerce::Locale::parse("fr").expect("locale")];
    assert_eq!(french["consent-accept-all"], "Tout accepter");
    assert_eq!(
        french["consent-panel-text"],
        "Atelier Brume garde votre choix 6 mois."
    );
    assert_eq!(french["purpose.media.label"], "Vidéos");
    assert_eq!(
        french["service.ga4.retention"],
        "Cookies : 13 mois ; données de visite : 14 mois"
    );

    // Every page of the store names the policy it shows.
    let page = text(minimal(), THEIERE_FR);
    assert!(
        page.contains(&format!("data-policy-hash=\"{}\"", fr.policy_hash)),
        "{page}"
    );

    // The Swiss store has one locale and its own name, so its own texts and hash.
    let ch = policy(minimal(), "ch");
    assert!(ch.hash_is_valid());
    assert_eq!(ch.texts.len(), 1);
    assert_ne!(ch.policy_hash, fr.policy_hash);
}

#[test]
fn policy_json_declaration() {
    let fr = policy(minimal(), "fr");
    insta::assert_json_snapshot!(fr.declaration);
}

#[test]
fn hash_follows_the_banner_texts() {
    let before = policy(minimal(), "fr").policy_hash;
    let rebuilt = render(&fixture("minimal"));
    assert_eq!(
        policy(&rebuilt, "fr").policy_hash,
        before,
        "the same build gives the same hash"
    );

    let shop = copy_fixture("minimal");
    edit(
        shop.path(),
        "themes/plain/i18n/fr.ftl",
        "consent-accept-all = Tout accepter",
        "consent-accept-all = J'accepte tout",
    );
    let changed = policy(&render(shop.path()), "fr");
    assert!(changed.hash_is_valid());
    assert_ne!(changed.policy_hash, before);
}

#[test]
fn without_consent_nothing_is_generated() {
    let shop = copy_fixture("minimal");
    let site = std::fs::read_to_string(shop.path().join("site.toml")).expect("readable");
    let start = site.find("\n# Consent:").expect("the fixture's consent section");
    std::fs::write(shop.path().join("site.toml"), &site[..start]).expect("write");
    edit(
        shop.path(),
        "content/products/theiere.md",
        "data-service=\"youtube\" ",
        "",
    );
    let files = render(shop.path());
    assert!(!files.contains_key(&format!("fr/{CONSENT_POLICY_PATH}")));
    assert!(!files.contains_key(PRIVACY_FR));
    assert!(!files.contains_key(RECORD_EN));
    assert!(!text(&files, "fr/fr/index.html").contains("id=\"consent\""));
}

#[test]
fn documents_list_every_service_and_purpose() {
    let shop = load(&fixture("minimal"));
    let consent = shop
        .settings
        .consent
        .as_ref()
        .expect("the fixture declares consent");
    let declaration = consent.declaration(&shop.settings.shop.legal_name);
    for (path, locale) in [
        (PRIVACY_FR, "fr"),
        (RECORD_FR, "fr"),
        (PRIVACY_EN, "en"),
        (RECORD_EN, "en"),
    ] {
        let locale = commerce::Locale::parse(locale).expect("locale");
        let html = text(minimal(), path);
        for service in &declaration.services {
            assert!(
                html.contains(&format!("service {}: {}", service.id, service.name)),
                "{path}: {}",
                service.id
            );
        }
        for purpose in &declaration.purposes {
            // Tera escapes `'` in text.
            let label = purpose.label.get(&locale, &locale).replace('\'', "&#x27;");
            assert!(
                html.contains(&format!("purpose {}: {label}", purpose.id)),
                "{path}: {}",
                purpose.id
            );
        }
        for processing in [
            "orders",
            "accounts",
            "cart",
            "consent",
            "audience",
            "statistics",
            "media",
            "emailing",
        ] {
            assert!(
                html.contains(&format!("processing {processing}: ")),
                "{path}: {processing}"
            );
        }
        for right in [
            "access",
            "rectification",
            "erasure",
            "portability",
            "objection",
            "withdrawal",
            "complaint",
        ] {
            assert!(html.contains(&format!("right {right}: ")), "{path}: {right}");
        }
    }
    assert!(text(minimal(), RECORD_FR).contains("data-noindex=\"true\""));
    assert!(text(minimal(), PRIVACY_FR).contains("data-noindex=\"false\""));
    let sitemap = text(minimal(), "fr/sitemap.xml");
    assert!(sitemap.contains("/fr/politique-de-confidentialite/"), "{sitemap}");
    assert!(!sitemap.contains("registre-des-traitements"), "{sitemap}");
}

#[test]
fn privacy_policy_document() {
    let html = text(minimal(), PRIVACY_FR);
    insta::assert_snapshot!(section(html, "<article id=\"privacy\"", "</article>"));
}

#[test]
fn processing_record_document() {
    let html = text(minimal(), RECORD_EN);
    insta::assert_snapshot!(section(html, "<article id=\"privacy\"", "</article>"));
}

#[test]
fn documents_follow_locale_and_currency() {
    // The Swiss store's second currency has its own copy, linked from its pages.
    let html = text(minimal(), "ch/fr/eur/index.html");
    assert!(
        html.contains("links: /fr/eur/politique-de-confidentialite/ /fr/eur/registre-des-traitements/"),
        "{html}"
    );
    assert!(minimal().contains_key("ch/fr/eur/politique-de-confidentialite/index.html"));
}

#[test]
fn page_on_the_privacy_path_is_a_conflict() {
    let shop = copy_fixture("minimal");
    std::fs::write(
        shop.path().join("content/pages/confidentialite.md"),
        "+++\ntitle = \"Confidentialité\"\nslug = \"politique-de-confidentialite\"\n+++\nTexte.\n",
    )
    .expect("write page");
    let loaded = load(shop.path());
    let sink = MemorySink::new();
    let errors = render_shop(&loaded, &RenderOptions::default(), &sink).expect_err("a path conflict");
    assert_eq!(
        errors.to_string(),
        "1. content/pages/confidentialite.md: two outputs of store `fr` have the same path \
         /fr/politique-de-confidentialite/index.html: content/pages/confidentialite.md and the built-in \
         privacy page. Change the slug of one of them\n\
         2. content/pages/confidentialite.md: two outputs of store `ch` have the same path \
         /fr/politique-de-confidentialite/index.html: content/pages/confidentialite.md and the built-in \
         privacy page. Change the slug of one of them\n"
    );
}

fn problems(name: &str) -> generator::diagnostics::Diagnostics {
    match load_shop(&fixture(name)) {
        Ok(_) => panic!("{name} should fail to load"),
        Err(problems) => problems,
    }
}

#[test]
fn broken_declaration_messages() {
    let problems = problems("broken-consent");
    insta::assert_snapshot!("broken_consent_en", problems.render(Lang::En));
    insta::assert_snapshot!("broken_consent_fr", problems.render(Lang::Fr));
}

#[test]
fn undeclared_service_in_bodies() {
    let problems = problems("broken-consent-content");
    insta::assert_snapshot!("broken_consent_content_en", problems.render(Lang::En));
    insta::assert_snapshot!("broken_consent_content_fr", problems.render(Lang::Fr));
}

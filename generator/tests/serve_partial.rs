//! Rebuilds of `serve` after edits of one product. When the edit keeps the
//! product's sku, categories and variants, only its files are read again and only
//! the pages showing the product are rendered; a new slug also deletes the pages at
//! the old address. The sitemaps and feeds follow
//! in `finish`. Either way, the output must then equal a full build of the edited
//! shop, except for the build id.
//!
//! The shop is a copy of the minimal fixture whose `plain` theme no longer prints the
//! build id: a theme that prints it gets full rebuilds only.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use generator::build::{BuildOptions, build};
use generator::messages::Lang;
use generator::serve::changes::Rebuild;
use generator::serve::sync::{RebuildSummary, Rebuilder};

#[path = "support/shops.rs"]
mod shops;

use shops::{copy_tree, edit, minimal_shop};

fn shop(hide_build_id: bool) -> tempfile::TempDir {
    minimal_shop(hide_build_id)
}

/// Reads every file under `dir`, by path relative to it, with `build_id` replaced
/// by a placeholder: a rebuild of a few products does not hash every input again,
/// so its id differs from a full build's.
fn tree(dir: &Path, build_id: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("readable output");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("inside the output");
            let bytes = fs::read(entry.path()).expect("read output");
            let text = String::from_utf8_lossy(&bytes).replace(build_id, "BUILD");
            files.insert(relative.to_string_lossy().into_owned(), text);
        }
    }
    files
}

/// Asserts that `root/public`, written by the rebuilder, equals a full build of a
/// copy of `root`'s inputs, naming the first differing file.
fn assert_same_as_full_build(root: &Path, build_id: &str) {
    let copy = tempfile::tempdir().expect("temp dir");
    for name in ["site.toml", "content", "static", "themes"] {
        let source = root.join(name);
        if source.is_dir() {
            copy_tree(&source, &copy.path().join(name));
        } else if source.is_file() {
            fs::copy(&source, copy.path().join(name)).expect("copy");
        }
    }
    let options = BuildOptions {
        root: copy.path().to_path_buf(),
        output: copy.path().join("public"),
        stores: Vec::new(),
        lang: Lang::En,
    };
    let full = build(&options).unwrap_or_else(|error| panic!("build failed: {error:?}"));
    let expected = tree(&copy.path().join("public"), &full.build_id);
    let served = tree(&root.join("public"), build_id);
    let expected_paths: Vec<&String> = expected.keys().collect();
    let served_paths: Vec<&String> = served.keys().collect();
    assert_eq!(served_paths, expected_paths, "the rebuilds wrote other files");
    for (path, text) in &expected {
        assert!(
            served[path] == *text,
            "{path} differs from a full build:\n--- served\n{}\n--- full\n{text}",
            served[path]
        );
    }
}

fn started(root: &Path) -> (Rebuilder, RebuildSummary) {
    let mut rebuilder = Rebuilder::new(root.to_path_buf(), root.join("public")).expect("rebuilder");
    let first = rebuilder
        .rebuild(Rebuild::Reload, &[])
        .unwrap_or_else(|error| panic!("first build failed: {error:?}"));
    assert!(!first.partial);
    (rebuilder, first)
}

/// Rebuilds after an edit of the file `relative` to the shop's root.
fn rebuild_after(rebuilder: &mut Rebuilder, root: &Path, relative: &str) -> RebuildSummary {
    rebuilder
        .rebuild(Rebuild::Reload, &[root.join(relative)])
        .unwrap_or_else(|error| panic!("rebuild after editing {relative} failed: {error:?}"))
}

const TEAPOT: &str = "content/products/theiere.md";
const TEAPOT_PAGE: &str = "public/fr/fr/produits/theiere-en-fonte/index.html";
const TEA: &str = "content/products/the-vert.md";
const TEA_PAGE: &str = "public/fr/fr/produits/the-vert-sencha/index.html";

#[test]
fn product_edit_renders_its_pages_then_listings() {
    let shop = shop(true);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);
    let feed = root.join("public/fr/feeds/fr-eur.xml");
    let feed_before = fs::read(&feed).expect("feed");

    // Title, price and body change. The slug, made from the title until now, is
    // written out so that it stays; sku, categories and variants stay too.
    edit(
        &root.join(TEA),
        "title = \"Thé vert sencha\"",
        "title = \"Thé vert sencha de printemps\"\nslug = \"the-vert-sencha\"",
    );
    edit(&root.join(TEA), "price = \"8.50\"", "price = \"9.20\"");
    let text = fs::read_to_string(root.join(TEA)).expect("tea");
    fs::write(root.join(TEA), format!("{text}Récolté en avril.\n")).expect("write");
    let summary = rebuild_after(&mut rebuilder, root, TEA);
    assert!(summary.partial, "an edit of one product renders only its pages");
    // The price book part holding the tea, in each of the two stores that sell it,
    // is replaced by one named after its new contents.
    assert_eq!(summary.deleted, 2);
    let page = fs::read_to_string(root.join(TEA_PAGE)).expect("tea page");
    assert!(
        page.contains("de printemps"),
        "the product page shows the new title"
    );
    assert!(
        page.contains("Récolté en avril"),
        "the product page shows the new body"
    );
    assert!(
        page.contains("9,20"),
        "the product page shows the new price:\n{page}"
    );
    let listing = fs::read_to_string(root.join("public/fr/fr/rayons/le-the/index.html")).expect("listing");
    assert!(
        listing.contains("de printemps"),
        "the category page shows the new title"
    );
    // The feeds are written by `finish`, after the browser reloads.
    assert_eq!(
        fs::read(&feed).expect("feed"),
        feed_before,
        "feeds wait for finish"
    );
    let finished = rebuilder.finish().expect("finish");
    assert!(finished > 0, "the feeds are written");
    assert_ne!(fs::read(&feed).expect("feed"), feed_before);
    assert_eq!(rebuilder.finish().expect("second finish"), 0);
    assert_same_as_full_build(root, &summary.build_id);

    // A price change of a product named in the menu leaves the menu as it was.
    edit(&root.join(TEAPOT), "price = 59.90", "price = 64.50");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(summary.partial);
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);
}

#[test]
fn new_slug_moves_the_pages_on_the_short_path() {
    let shop = shop(true);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);
    let sitemap = root.join("public/fr/sitemap.xml");

    // A new title without an explicit slug gives a new slug.
    edit(
        &root.join(TEA),
        "title = \"Thé vert sencha\"",
        "title = \"Thé vert de printemps\"",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEA);
    assert!(summary.partial, "a product that moves renders only its pages");
    assert!(summary.deleted > 0, "the page at the old address is deleted");
    assert!(!root.join(TEA_PAGE).exists());
    assert!(
        root.join("public/fr/fr/produits/the-vert-de-printemps/index.html")
            .exists()
    );
    let listing = fs::read_to_string(root.join("public/fr/fr/rayons/le-the/index.html")).expect("listing");
    assert!(
        listing.contains("the-vert-de-printemps"),
        "the category page links to the new address"
    );
    assert!(
        fs::read_to_string(&sitemap)
            .expect("sitemap")
            .contains("the-vert-sencha"),
        "the sitemaps wait for finish"
    );
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);

    // Back to the old address, written out.
    edit(
        &root.join(TEA),
        "title = \"Thé vert de printemps\"",
        "title = \"Thé vert sencha\"\nslug = \"the-vert-sencha\"",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEA);
    assert!(summary.partial);
    assert!(root.join(TEA_PAGE).exists());
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);

    // Another product's slug is refused on the short path; the full load reports it.
    edit(
        &root.join(TEA),
        "slug = \"the-vert-sencha\"",
        "slug = \"theiere-en-fonte\"",
    );
    let error = rebuilder
        .rebuild(Rebuild::Reload, &[root.join(TEA)])
        .expect_err("two products cannot share an address");
    assert!(
        format!("{error:?}").contains("theiere-en-fonte"),
        "the error names the slug: {error:?}"
    );
    edit(
        &root.join(TEA),
        "slug = \"theiere-en-fonte\"",
        "slug = \"the-vert-sencha\"",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEA);
    assert_same_as_full_build(root, &summary.build_id);
}

#[test]
fn menu_title_or_category_edit_rebuilds_everything() {
    let shop = shop(true);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);

    // This product is named in the menu, which every page shows.
    edit(
        &root.join(TEAPOT),
        "title = \"Théière en fonte\"",
        "title = \"Théière noire\"",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(!summary.partial, "every page shows the menu");
    assert!(summary.deleted > 0, "the old page is deleted");
    assert!(!root.join(TEAPOT_PAGE).exists());
    assert_same_as_full_build(root, &summary.build_id);

    // The menu shows this product's title: every page changes.
    edit(
        &root.join(TEAPOT),
        "title = \"Théière noire\"",
        "title = \"Théière noire\"\nslug = \"theiere-noire\"",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(
        summary.partial,
        "writing out the slug it had changes nothing else"
    );
    rebuilder.finish().expect("finish");
    edit(
        &root.join(TEAPOT),
        "title = \"Théière noire\"",
        "title = \"Théière grise\"",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(!summary.partial, "the menu shows the new title");
    assert_same_as_full_build(root, &summary.build_id);

    edit(
        &root.join(TEAPOT),
        "categories = [\"the\"]",
        "categories = [\"cuisine\"]",
    );
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(!summary.partial, "a new category needs a full rebuild");
    assert_same_as_full_build(root, &summary.build_id);
}

#[test]
fn translated_product_short_and_build_id_themes_rebuild_everything() {
    let shop = shop(true);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);
    // This product has an English translation file, which its texts merge: an
    // edit of either file reads both again.
    let cup = root.join("content/products/tasses/tasse-gres.md");
    let text = fs::read_to_string(&cup).expect("cup");
    fs::write(&cup, format!("{text}\nUne phrase de plus.\n")).expect("write");
    let summary = rebuilder.rebuild(Rebuild::Reload, &[cup]).expect("rebuild");
    assert!(summary.partial);
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);
    let english = root.join("content/products/tasses/tasse-gres.en.md");
    edit(&english, "A hand-thrown mug.", "A mug thrown by hand.");
    let summary = rebuilder.rebuild(Rebuild::Reload, &[english]).expect("rebuild");
    assert!(summary.partial);
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);
    // A new English address moves the English pages only.
    let english = root.join("content/products/tasses/tasse-gres.en.md");
    edit(&english, "slug = \"stoneware-mug\"", "slug = \"glazed-mug\"");
    let summary = rebuilder.rebuild(Rebuild::Reload, &[english]).expect("rebuild");
    assert!(summary.partial);
    assert!(
        summary.deleted > 0,
        "the English page at the old address is deleted"
    );
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);

    // A theme that prints the build id on every page gets full rebuilds.
    let shop = self::shop(false);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);
    edit(&root.join(TEAPOT), "price = 59.90", "price = 64.50");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(!summary.partial, "pages printing the build id are all rendered");
}

#[test]
fn broken_edit_keeps_the_last_build_then_recovers() {
    let shop = shop(true);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);
    let before = fs::read(root.join(TEAPOT_PAGE)).expect("page");

    edit(&root.join(TEAPOT), "price = 59.90", "price = \"cinquante\"");
    let error = rebuilder
        .rebuild(Rebuild::Reload, &[root.join(TEAPOT)])
        .expect_err("a bad price fails the rebuild");
    let text = error.render(Lang::En);
    assert!(text.contains("content/products/theiere.md"), "{text}");
    assert_eq!(fs::read(root.join(TEAPOT_PAGE)).expect("page"), before);

    edit(&root.join(TEAPOT), "price = \"cinquante\"", "price = 61.00");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(!summary.partial, "after a failure the shop is loaded again");
    // Now that the shop is loaded, the next edit takes the short way again.
    edit(&root.join(TEAPOT), "price = 61.00", "price = 62.00");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(summary.partial);
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);
}

/// Builds the shop once, then rebuilds it after a price edit of one product, which
/// takes the short way and leaves the sitemaps and feeds to `finish`.
fn after_partial_rebuild(root: &Path) -> Rebuilder {
    let (mut rebuilder, _) = started(root);
    edit(&root.join(TEA), "price = \"8.50\"", "price = \"9.20\"");
    let summary = rebuild_after(&mut rebuilder, root, TEA);
    assert!(summary.partial, "a price edit renders only the product's pages");
    assert!(rebuilder.listings_stale(), "the feeds wait for finish");
    rebuilder
}

// `serve` calls `finish` while `listings_stale()` is true and reloads every open
// page when it fails: a flag that outlives a failed rebuild reloads in a loop.
#[test]
fn template_error_clears_pending_finish() {
    let shop = shop(true);
    let root = shop.path();
    let mut rebuilder = after_partial_rebuild(root);

    let template = root.join("themes/plain/templates/product.html");
    let text = fs::read_to_string(&template).expect("product.html");
    fs::write(&template, format!("{text}{{% if %}}\n")).expect("write product.html");
    rebuilder
        .rebuild(Rebuild::RenderOnly, &[])
        .expect_err("a template syntax error fails the rebuild");

    assert!(
        !rebuilder.listings_stale(),
        "nothing waits for finish after a failure"
    );
    let finished = rebuilder.finish();
    assert!(finished.is_ok(), "finish has nothing to do: {finished:?}");
}

#[test]
fn content_error_clears_pending_finish() {
    let shop = shop(true);
    let root = shop.path();
    let mut rebuilder = after_partial_rebuild(root);

    edit(&root.join(TEAPOT), "price = 59.90", "price = \"cinquante\"");
    rebuilder
        .rebuild(Rebuild::Reload, &[root.join(TEAPOT)])
        .expect_err("a bad price fails the rebuild");

    assert!(
        !rebuilder.listings_stale(),
        "nothing waits for finish after a failure"
    );
}

#[test]
fn serve_writes_make_the_next_build_load_everything() {
    let shop = shop(true);
    let root = shop.path();
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        stores: Vec::new(),
        lang: Lang::En,
    };
    build(&options).expect("first build");
    let cache = root.join(generator::cache::CACHE_FILE);
    assert!(cache.is_file());

    // `serve` over the build's output: a first rebuild that writes nothing keeps the
    // build's caches; an edit written into `public/` deletes them.
    let (mut rebuilder, _) = started(root);
    assert!(cache.is_file(), "nothing was written, the caches still hold");
    edit(&root.join(TEAPOT), "price = 59.90", "price = 64.50");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(summary.partial);
    assert!(!cache.exists());
    assert!(!root.join(generator::state::STATE_FILE).exists());

    // A build while `serve` runs writes the caches again; the next edit `serve`
    // writes deletes them again. The build changed the output behind `serve`, which
    // then compares the whole shop with the output again.
    build(&options).expect("build while serve runs");
    assert!(cache.is_file());
    edit(&root.join(TEAPOT), "price = 64.50", "price = 66.50");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    assert!(!summary.partial, "serve renders everything after a build");
    assert!(!cache.exists(), "every write of serve deletes the caches");
    assert!(!root.join(generator::state::STATE_FILE).exists());
    drop(rebuilder);
    edit(&root.join(TEAPOT), "price = 66.50", "price = 64.50");

    // The edit is undone while `serve` is stopped: the next build must not keep
    // the pages `serve` wrote for the other price.
    edit(&root.join(TEAPOT), "price = 64.50", "price = 59.90");
    let summary = build(&options).expect("build after serve");
    assert!(!summary.patched);
    assert!(!summary.incremental);
    assert_same_as_full_build(root, &summary.build_id);
}

#[test]
fn build_between_rebuilds_is_followed() {
    let shop = shop(true);
    let root = shop.path();
    let (mut rebuilder, _) = started(root);
    edit(&root.join(TEAPOT), "price = 59.90", "price = 64.50");
    assert!(rebuild_after(&mut rebuilder, root, TEAPOT).partial);

    // A build of another edit replaces the price book part and the feeds that
    // `serve` wrote, before `serve` writes the feeds of its own edit.
    edit(&root.join(TEA), "price = \"8.50\"", "price = \"9.10\"");
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        stores: Vec::new(),
        lang: Lang::En,
    };
    build(&options).expect("build while serve runs");
    assert_eq!(
        rebuilder.finish().expect("finish"),
        0,
        "the build wrote the feeds"
    );

    edit(&root.join(TEAPOT), "price = 64.50", "price = 66.50");
    let summary = rebuild_after(&mut rebuilder, root, TEAPOT);
    rebuilder.finish().expect("finish");
    assert_same_as_full_build(root, &summary.build_id);
}

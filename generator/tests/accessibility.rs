//! Audits the demo shop's pages in both themes with axe-core in Debian's Chromium,
//! against the WCAG 2.0 and 2.1 rules of levels A and AA (contrast included). The
//! pages are served by the real `comptoir serve`, and each is audited as a first
//! visitor sees it: with the consent banner open.
//!
//! axe-core comes from npm (`tools/a11y`, installed by `scripts/install-test-deps`).

#[path = "support/browser.rs"]
mod harness;

use std::fs;
use std::path::Path;

use anyhow::{Context, ensure};
use fantoccini::Client;
use harness::{Browser, ServedShop, copy_shop, require_program};

const ADMIN_TOKEN: &str = "accessibility-test-admin-token";

/// Pages of each kind, in the `fr` store (theme comptoir) and the `ch` store
/// (theme atelier), as (store, path).
const PAGES: &[(&str, &str)] = &[
    ("fr", "/fr/"),
    ("fr", "/en/"),
    ("fr", "/fr/rayons/la-table/"),
    ("fr", "/fr/produits/assiette-plate-en-gres/"),
    ("fr", "/fr/panier/"),
    ("fr", "/fr/commande/"),
    ("fr", "/fr/cgv/"),
    ("fr", "/fr/politique-de-confidentialite/"),
    ("fr", "/fr/registre-des-traitements/"),
    ("fr", "/fr/mes-donnees/"),
    ("fr", "/404.html"),
    ("pro", "/fr/"),
    ("ch", "/fr/"),
    ("ch", "/fr/rayons/la-table/"),
    ("ch", "/en/products/stoneware-dinner-plate/"),
    ("ch", "/fr/eur/commande/"),
    ("ch", "/en/my-data/"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_pages_pass_axe_wcag_aa() {
    let chromedriver = require_program("chromedriver");
    let chromium = require_program("chromium");
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate has a parent folder");
    let axe = repository.join("tools/a11y/node_modules/axe-core/axe.min.js");
    assert!(
        axe.is_file(),
        "{} is missing: run `scripts/install-test-deps`",
        axe.display()
    );
    let temp = tempfile::Builder::new()
        .prefix("comptoir-accessibility-")
        .tempdir()
        .expect("create a temporary folder");

    if let Err(error) = run(temp.path(), repository, &axe, &chromedriver, &chromium).await {
        let kept = temp.keep();
        panic!("{error:#}\nThe test's files are in {}", kept.display());
    }
}

async fn run(
    dir: &Path,
    repository: &Path,
    axe: &Path,
    chromedriver: &Path,
    chromium: &Path,
) -> anyhow::Result<()> {
    let shop_root = dir.join("shop");
    copy_shop(repository, &shop_root)?;
    let served = ServedShop::start(
        Path::new(env!("CARGO_BIN_EXE_comptoir")),
        &shop_root,
        ADMIN_TOKEN,
        &dir.join("serve.stderr.log"),
    )?;
    let axe_source = fs::read_to_string(axe).with_context(|| format!("failed to read {}", axe.display()))?;

    let mut browser =
        Browser::start_driver(chromedriver, &dir.join("chromedriver.log"), &dir.join("profile"))?;
    let client = browser.open_session(chromium).await?;
    let outcome = audit_pages(&client, &served, &shop_root.join("public"), &axe_source).await;
    browser.close_session(client).await?;
    outcome
}

async fn audit_pages(
    client: &Client,
    served: &ServedShop,
    public: &Path,
    axe_source: &str,
) -> anyhow::Result<()> {
    let mut failures = Vec::new();
    for (store, path) in PAGES {
        // A path that was not built would show the 404 page and audit the wrong thing.
        let file = public.join(store).join(path.trim_start_matches('/'));
        let file = if path.ends_with('/') {
            file.join("index.html")
        } else {
            file
        };
        ensure!(file.is_file(), "{} was not built", file.display());

        let url = format!("{}{path}", served.store_url(store)?);
        client
            .goto(&url)
            .await
            .with_context(|| format!("failed to open {url}"))?;
        client
            .execute(axe_source, vec![])
            .await
            .context("failed to load axe-core")?;
        let report = client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })
                  .then((result) => done(result.violations.map((v) => ({
                    id: v.id,
                    help: v.help,
                    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
                  }))))
                  .catch((error) => done([{ id: "axe-error", help: String(error), nodes: [] }]));"#,
                vec![],
            )
            .await
            .with_context(|| format!("axe-core failed on {url}"))?;
        let violations = report.as_array().cloned().unwrap_or_default();
        for violation in violations {
            failures.push(format!("{url}: {violation}"));
        }
    }
    ensure!(
        failures.is_empty(),
        "{} WCAG A/AA violations:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

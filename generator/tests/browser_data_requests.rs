//! A personal-data export in headless Chromium on the demo shop: a customer
//! orders through the API, asks for a copy of their data on the `fr` store's "my
//! data" page, follows the confirmation link of the email the outbox receives,
//! confirms, and downloads the JSON export, which must contain the order. The
//! link then works no more, and the JSON download works once. The shop runs under
//! the real `comptoir serve`, pages and API on the same origin.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/install-test-deps`);
//! without them the test fails, it is not skipped.
#![cfg(unix)]

#[path = "support/browser.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use harness::{Browser, ServedShop, copy_shop, require_program, wait_until};

/// The admin token `serve` gets; the test itself needs no administration.
const ADMIN_TOKEN: &str = "browser-data-requests-admin-token";
/// The maximum time for one step in the page: a script's request to the API and
/// its rendering, or an email reaching the outbox.
const STEP: Duration = Duration::from_secs(10);
/// The "my data" page of the `fr` store in French.
const DATA_PAGE: &str = "/fr/mes-donnees/";

const CUSTOMER_EMAIL: &str = "lea.dubois@example.org";
const CUSTOMER_NAME: &str = "Léa Dubois";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_downloads_data_export() {
    let chromedriver = require_program("chromedriver");
    let chromium = require_program("chromium");
    let temp = tempfile::Builder::new()
        .prefix("comptoir-browser-data-")
        .tempdir()
        .expect("create a temporary folder");

    let started = Instant::now();
    let outcome = run(temp.path(), &chromedriver, &chromium).await;
    eprintln!(
        "data request browser test ran in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    if let Err(error) = outcome {
        let kept = temp.keep();
        panic!(
            "{error:#}\nThe test's files (shop copy, server and ChromeDriver logs, screenshot) are in {}",
            kept.display()
        );
    }
}

/// Serves a copy of the demo shop, opens Chromium and runs the visit. On failure,
/// saves a screenshot of the page into `dir`.
async fn run(dir: &Path, chromedriver: &Path, chromium: &Path) -> anyhow::Result<()> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("the generator crate has no parent folder")?;
    let shop_root = dir.join("shop");
    copy_shop(repository, &shop_root)?;
    let served = ServedShop::start(
        Path::new(env!("CARGO_BIN_EXE_comptoir")),
        &shop_root,
        ADMIN_TOKEN,
        &dir.join("serve.stderr.log"),
    )?;
    let store = served.store_url("fr")?.to_owned();

    let mut browser =
        Browser::start_driver(chromedriver, &dir.join("chromedriver.log"), &dir.join("profile"))?;
    let client = browser.open_session(chromium).await?;

    let outbox = shop_root.join(".comptoir/outbox");
    let visit = visit(&client, &store, &outbox).await;
    let outcome = match visit {
        Ok(()) => Ok(()),
        Err(error) => {
            let screenshot = dir.join("failure.png");
            match client.screenshot().await {
                Ok(png) => match fs::write(&screenshot, png) {
                    Ok(()) => eprintln!("screenshot of the failing page: {}", screenshot.display()),
                    Err(write_error) => eprintln!("no screenshot: {write_error}"),
                },
                Err(screenshot_error) => eprintln!("no screenshot: {screenshot_error}"),
            }
            Err(error)
        }
    };

    let closed = browser.close_session(client).await;
    drop(browser);
    drop(served);
    outcome?;
    closed
}

async fn visit(client: &Client, store: &str, outbox: &Path) -> anyhow::Result<()> {
    let page = format!("{store}{DATA_PAGE}");
    client
        .goto(&page)
        .await
        .with_context(|| format!("failed to open {page}"))?;
    refuse_optional_cookies(client).await?;

    let order_number = place_order(client).await?;
    request_export(client).await?;

    let link = confirmation_link(outbox).await?;
    let path = link
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .with_context(|| format!("the confirmation link {link:?} has no path"))?;
    ensure!(
        path.starts_with(DATA_PAGE) && path.contains("#token="),
        "the confirmation link {link:?} does not open {DATA_PAGE} with a token in its fragment"
    );
    let url = format!("{store}{path}");
    client
        .goto(&url)
        .await
        .with_context(|| format!("failed to open the confirmation link {url}"))?;
    refuse_optional_cookies(client).await?;

    let json_url = confirm_export(client).await?;
    check_export(client, &json_url, &order_number).await?;
    check_link_used(client, &url).await
}

/// Closes the consent banner, when the page shows one, by refusing optional cookies.
/// The banner is a modal dialog, so it would take every click.
async fn refuse_optional_cookies(client: &Client) -> anyhow::Result<()> {
    let banners = client.find_all(Locator::Css("#consent-banner")).await?;
    let Some(banner) = banners.first() else {
        return Ok(());
    };
    if !banner.is_displayed().await? {
        return Ok(());
    }
    click(client, r#"#consent-banner [data-consent="reject-all"]"#).await?;
    wait_until("the consent banner to close", STEP, || async {
        Ok((!banner.is_displayed().await?).then_some(()))
    })
    .await
}

/// Orders a rolling pin by bank transfer through the API, from the page so that
/// the browser sends the store's `Origin`. Returns the order number.
async fn place_order(client: &Client) -> anyhow::Result<String> {
    let script = r#"
        const [email, name, done] = arguments;
        const post = async (path, body) => {
          const response = await fetch(path, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify(body),
          });
          const text = await response.text();
          if (!response.ok) throw new Error(`${path} returned ${response.status}: ${text}`);
          return JSON.parse(text);
        };
        (async () => {
          const cart = await post("/api/carts", { store: "fr", currency: "EUR", locale: "fr" });
          await post(`/api/carts/${cart.id}/lines`, { sku: "ROULEAU-PATISSERIE", quantity: 1 });
          const order = await post("/api/checkout", {
            cart_id: cart.id,
            customer: { email, name },
            billing_address: { name, street: "3 quai de la Fosse", postal_code: "44000", city: "Nantes", country: "FR" },
            shipping_method: "colissimo",
            payment_method: "virement",
          });
          return { number: order.number };
        })().then((value) => done(value), (error) => done({ error: String(error) }));
    "#;
    let result = client
        .execute_async(script, vec![CUSTOMER_EMAIL.into(), CUSTOMER_NAME.into()])
        .await
        .context("failed to run the order script")?;
    if let Some(error) = result.get("error").and_then(|value| value.as_str()) {
        bail!("the order through the API failed: {error}");
    }
    let number = result
        .get("number")
        .and_then(|value| value.as_str())
        .with_context(|| format!("the checkout returned no order number: {result}"))?;
    Ok(number.to_owned())
}

/// Fills in the request form for an export and sends it.
async fn request_export(client: &Client) -> anyhow::Result<()> {
    let form = find(client, "[data-request-form]").await?;
    ensure!(
        form.is_displayed().await?,
        "the request form is hidden on a page opened without a token"
    );
    ensure!(
        !find(client, "[data-confirm-section]")
            .await?
            .is_displayed()
            .await?,
        "the confirm button shows on a page opened without a token"
    );
    click(client, "#data-request-export").await?;
    find(client, "#email").await?.send_keys(CUSTOMER_EMAIL).await?;
    click(client, "[data-request-submit]").await?;

    wait_until("the request to be acknowledged", STEP, || async {
        let error = find(client, "[data-request-error]").await?;
        if error.is_displayed().await? {
            bail!("the request form shows an error: {:?}", error.text().await?);
        }
        let sent = find(client, "[data-request-sent]").await?;
        Ok(sent.is_displayed().await?.then_some(()))
    })
    .await
}

/// Waits for the confirmation email sent to the customer and returns its link.
async fn confirmation_link(outbox: &Path) -> anyhow::Result<String> {
    let text = wait_until(
        &format!("a confirmation email to {CUSTOMER_EMAIL} in {}", outbox.display()),
        STEP,
        || async {
            for path in emails_in(outbox)? {
                let bytes = fs::read(&path).with_context(|| format!("failed to read {}", path.display()))?;
                let Ok(mail) = mailparse::parse_mail(&bytes) else {
                    continue;
                };
                let to = mail
                    .headers
                    .iter()
                    .find(|header| header.get_key_ref().eq_ignore_ascii_case("To"));
                let to_customer = to.is_some_and(|header| header.get_value().contains(CUSTOMER_EMAIL));
                let Some(text) = plain_text(&mail) else {
                    continue;
                };
                if to_customer && text.contains("#token=") {
                    return Ok(Some(text));
                }
            }
            Ok(None)
        },
    )
    .await?;
    text.split_whitespace()
        .map(|word| word.trim_matches(['<', '>', '(', ')', '"', '.', ',', '\u{2068}', '\u{2069}']))
        .find(|word| word.contains("#token="))
        .map(str::to_owned)
        .with_context(|| format!("the confirmation email gives no `#token=` link:\n{text}"))
}

/// Confirms the request from the emailed link; returns the JSON download URL.
async fn confirm_export(client: &Client) -> anyhow::Result<String> {
    wait_until("the confirm button", STEP, || async {
        let button = find(client, "[data-confirm-button]").await?;
        Ok(button.is_displayed().await?.then_some(()))
    })
    .await?;
    ensure!(
        !find(client, "[data-request-section]")
            .await?
            .is_displayed()
            .await?,
        "the request form shows on a page opened from the confirmation link"
    );
    click(client, "[data-confirm-button]").await?;

    wait_until("the export's download links", STEP, || async {
        let error = find(client, "[data-confirm-error]").await?;
        if error.is_displayed().await? {
            bail!("the confirmation shows an error: {:?}", error.text().await?);
        }
        let result = find(client, "[data-export-result]").await?;
        Ok(result.is_displayed().await?.then_some(()))
    })
    .await?;
    let current = client.current_url().await?;
    ensure!(
        current
            .fragment()
            .is_none_or(|fragment| !fragment.contains("token=")),
        "the used token stays in the address bar: {current}"
    );
    find(client, r#"a[data-download="json"]"#)
        .await?
        .prop("href")
        .await?
        .filter(|href| !href.is_empty())
        .context("the JSON download link has no address")
}

/// Downloads the JSON export twice from the page: the first time it must hold the
/// customer's email and order, the second time the edge must refuse it.
async fn check_export(client: &Client, json_url: &str, order_number: &str) -> anyhow::Result<()> {
    let script = r#"
        const [url, done] = arguments;
        fetch(url, { headers: { Accept: "application/json" } })
          .then(async (response) => done({ status: response.status, body: await response.text() }),
                (error) => done({ status: 0, body: String(error) }));
    "#;
    let first = client.execute_async(script, vec![json_url.into()]).await?;
    let status = first
        .get("status")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let body = first
        .get("body")
        .and_then(|value| value.as_str())
        .unwrap_or_default();
    ensure!(status == 200, "the JSON export returned {status}: {body}");
    let export: serde_json::Value =
        serde_json::from_str(body).with_context(|| format!("the JSON export is not JSON: {body}"))?;
    ensure!(
        body.contains(CUSTOMER_EMAIL),
        "the JSON export does not contain the customer's email:\n{export:#}"
    );
    ensure!(
        body.contains(&format!("\"{order_number}\"")),
        "the JSON export does not contain the order {order_number}:\n{export:#}"
    );
    ensure!(
        body.contains("ROULEAU-PATISSERIE"),
        "the JSON export does not contain the ordered sku:\n{export:#}"
    );

    let second = client.execute_async(script, vec![json_url.into()]).await?;
    let status = second
        .get("status")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    ensure!(
        status == 410,
        "a second download of the JSON export returned {status}, expected 410"
    );
    Ok(())
}

/// Opens the confirmation link again: confirming must fail, and the page must
/// offer a new request.
async fn check_link_used(client: &Client, url: &str) -> anyhow::Result<()> {
    client
        .goto(url)
        .await
        .with_context(|| format!("failed to open {url} again"))?;
    // The fragment alone changed, so Chromium keeps the page: reload it.
    client.refresh().await.context("failed to reload the page")?;
    wait_until("the confirm button", STEP, || async {
        let button = find(client, "[data-confirm-button]").await?;
        Ok(button.is_displayed().await?.then_some(()))
    })
    .await?;
    click(client, "[data-confirm-button]").await?;
    wait_until("the used-link error and a new request form", STEP, || async {
        let error = find(client, "[data-confirm-error]").await?;
        let form = find(client, "[data-request-form]").await?;
        Ok((error.is_displayed().await? && form.is_displayed().await?).then_some(()))
    })
    .await?;
    ensure!(
        !find(client, "[data-export-result]").await?.is_displayed().await?,
        "a used confirmation link gave download links again"
    );
    Ok(())
}

fn emails_in(outbox: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !outbox.exists() {
        return Ok(Vec::new());
    }
    let mut emails = Vec::new();
    for entry in fs::read_dir(outbox).with_context(|| format!("failed to list {}", outbox.display()))? {
        let path = entry
            .with_context(|| format!("failed to list {}", outbox.display()))?
            .path();
        if path.extension().is_some_and(|extension| extension == "eml") {
            emails.push(path);
        }
    }
    emails.sort();
    Ok(emails)
}

fn plain_text(mail: &mailparse::ParsedMail<'_>) -> Option<String> {
    if mail.ctype.mimetype == "text/plain" {
        return mail.get_body().ok();
    }
    mail.subparts.iter().find_map(plain_text)
}

async fn find(client: &Client, css: &str) -> anyhow::Result<Element> {
    client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no element matches {css}"))
}

async fn click(client: &Client, css: &str) -> anyhow::Result<()> {
    find(client, css)
        .await?
        .click()
        .await
        .with_context(|| format!("failed to click {css}"))?;
    Ok(())
}

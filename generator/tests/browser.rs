//! The cart and checkout of the demo shop in headless Chromium, driven through
//! ChromeDriver: a visitor of the `fr` store adds two products (one of them a chosen
//! variant), checks the cart, sees the total with shipping in the checkout summary,
//! orders by bank transfer and gets the confirmation; the confirmation email lands
//! in the outbox, and its order link shows the order. The shop runs under the real
//! `comptoir serve`, pages and API on the same origin.
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
use harness::{Browser, ServedShop, copy_shop, parse_euros, require_program, wait_until};

/// The admin token `serve` gets; the test itself needs no administration.
const ADMIN_TOKEN: &str = "browser-test-admin-token";
/// The maximum time for one step in the page: a script's request to the API and
/// its rendering.
const STEP: Duration = Duration::from_secs(10);

/// A product as the visitor picks it.
struct Pick<'a> {
    /// Path of its page in the `fr` store.
    path: &'a str,
    /// Title on its page and in the cart.
    title: &'a str,
    /// The variant to choose: its sku and the option value its title shows.
    variant: Option<(&'a str, &'a str)>,
    /// Its price in cents, shown on its page once the variant is chosen, and its
    /// line total in the cart for a quantity of 1.
    price_cents: i64,
}

/// Rolling pin: untracked stock, so it sells whatever stock the database contains.
const ROLLING_PIN: Pick<'static> = Pick {
    path: "/fr/produits/rouleau-a-patisserie-en-hetre/",
    title: "Rouleau à pâtisserie en hêtre",
    variant: None,
    price_cents: 2400,
};

/// Beech spoon in 30 cm, which is not the variant checked by default and costs
/// more than the 25 cm one. Untracked stock too.
const SPOON_30_CM: Pick<'static> = Pick {
    path: "/fr/produits/cuillere-en-hetre/",
    title: "Cuillère en hêtre",
    variant: Some(("CUILLERE-HETRE-30", "30 cm")),
    price_cents: 1100,
};

/// Colissimo's flat price in `site.toml`, charged below 80 € of goods.
const COLISSIMO_CENTS: i64 = 690;

/// The label of the `pending` status in French, shown by the order link.
const PENDING_LABEL: &str = "En attente";

const CUSTOMER_EMAIL: &str = "camille.martin@example.org";
const CUSTOMER_NAME: &str = "Camille Martin";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_orders_by_bank_transfer() {
    let chromedriver = require_program("chromedriver");
    let chromium = require_program("chromium");
    let temp = tempfile::Builder::new()
        .prefix("comptoir-browser-")
        .tempdir()
        .expect("create a temporary folder");

    let started = Instant::now();
    let outcome = run(temp.path(), &chromedriver, &chromium).await;
    eprintln!("browser test ran in {:.1} s", started.elapsed().as_secs_f64());

    if let Err(error) = outcome {
        // Keep the shop copy, the logs and the screenshot for debugging.
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
    let iban = bank_transfer_iban(&shop_root.join("site.toml"))?;

    // Phase times go to standard error, which the test harness shows on failure.
    let started = Instant::now();
    let served = ServedShop::start(
        Path::new(env!("CARGO_BIN_EXE_comptoir")),
        &shop_root,
        ADMIN_TOKEN,
        &dir.join("serve.stderr.log"),
    )?;
    let store = served.store_url("fr")?.to_owned();
    eprintln!(
        "`comptoir serve` ready after {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut browser =
        Browser::start_driver(chromedriver, &dir.join("chromedriver.log"), &dir.join("profile"))?;
    let client = browser.open_session(chromium).await?;
    eprintln!("Chromium ready after {:.1} s", started.elapsed().as_secs_f64());

    let visit = async {
        let order_number = visit(&client, &store, &iban).await?;
        let order_link = check_email(&shop_root.join(".comptoir/outbox"), &order_number, &iban).await?;
        check_order_link(&client, &store, &order_link, &order_number).await
    }
    .await;
    eprintln!("visit ended after {:.1} s", started.elapsed().as_secs_f64());
    let outcome = match visit {
        Ok(()) => Ok(()),
        Err(error) => {
            let screenshot = dir.join("failure.png");
            match save_screenshot(&client, &screenshot).await {
                Ok(()) => eprintln!("screenshot of the failing page: {}", screenshot.display()),
                Err(screenshot_error) => eprintln!("no screenshot: {screenshot_error:#}"),
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

/// Reads the IBAN of the `virement` payment method from `site.toml`.
fn bank_transfer_iban(site: &Path) -> anyhow::Result<String> {
    let text = fs::read_to_string(site).with_context(|| format!("failed to read {}", site.display()))?;
    let settings: toml::Table =
        toml::from_str(&text).with_context(|| format!("failed to parse {}", site.display()))?;
    settings
        .get("payment")
        .and_then(|payment| payment.get("virement"))
        .and_then(|method| method.get("iban"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{} has no `payment.virement.iban`", site.display()))
}

async fn save_screenshot(client: &Client, path: &Path) -> anyhow::Result<()> {
    let png = client.screenshot().await.context("failed to take a screenshot")?;
    fs::write(path, png).with_context(|| format!("failed to write {}", path.display()))
}

/// Walks the visitor's path from the product pages to the confirmation. Returns
/// the order number shown.
async fn visit(client: &Client, store: &str, iban: &str) -> anyhow::Result<String> {
    add_to_cart(client, store, &ROLLING_PIN, 1).await?;
    add_to_cart(client, store, &SPOON_30_CM, 2).await?;

    // The confirmation under the "add to cart" button links to the cart.
    click(client, "[data-cart-status] a").await?;
    refuse_optional_cookies(client).await?;
    let goods = check_cart(client).await?;

    click(client, ".cart-summary a.button-primary").await?;
    refuse_optional_cookies(client).await?;
    fill_checkout(client).await?;
    check_summary_with_shipping(client, goods).await?;
    click(client, "[data-checkout-submit]").await?;
    check_confirmation(client, goods + COLISSIMO_CENTS, iban).await
}

/// Opens the product's page, chooses its variant and adds one to the cart.
/// `count` is the number of items in the cart afterwards.
async fn add_to_cart(client: &Client, store: &str, pick: &Pick<'_>, count: usize) -> anyhow::Result<()> {
    let url = format!("{store}{}", pick.path);
    client
        .goto(&url)
        .await
        .with_context(|| format!("failed to open {url}"))?;
    refuse_optional_cookies(client).await?;
    let title = text(client, "h1").await?;
    ensure!(
        title == pick.title,
        "{url} shows the title {title:?}, expected {:?}",
        pick.title
    );

    if let Some((sku, _)) = pick.variant {
        let radio = find(client, &format!(r#"input[name="sku"][value="{sku}"]"#)).await?;
        let id = radio
            .attr("id")
            .await?
            .with_context(|| format!("the radio of {sku} has no id"))?;
        click(client, &format!(r#"label[for="{id}"]"#)).await?;
        ensure!(
            radio.is_selected().await?,
            "clicking the label of {sku} did not select it"
        );
        let shown = parse_euros(&text(client, "[data-price] .price-amount").await?)?;
        ensure!(
            shown == pick.price_cents,
            "after choosing {sku}, the page shows a price of {shown} cents, expected {}",
            pick.price_cents
        );
    }

    click(client, "[data-add-button]").await?;
    wait_until(
        &format!("{} to be added to the cart", pick.title),
        STEP,
        || async {
            let status = find(client, "[data-cart-status]").await?;
            let class = status.attr("class").await?.unwrap_or_default();
            if class.contains("is-error") {
                bail!("adding {} failed: {:?}", pick.title, status.text().await?);
            }
            Ok(class.contains("is-success").then_some(()))
        },
    )
    .await?;

    let badge = text(client, "[data-cart-count]").await?;
    ensure!(
        badge == count.to_string(),
        "the cart link shows {badge:?} items, expected {count}"
    );
    Ok(())
}

/// Closes the consent banner, when the page shows one, by refusing optional cookies
/// as a visitor may. The banner is a modal dialog, so it would take every click.
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

/// Checks the cart page: one line per product with its title and price, and a
/// total equal to the sum of the line totals. Returns that total in cents.
async fn check_cart(client: &Client) -> anyhow::Result<i64> {
    let rows = wait_until("the two lines of the cart", STEP, || async {
        let rows = client.find_all(Locator::Css("[data-cart-lines] > tr")).await?;
        Ok((rows.len() == 2).then_some(rows))
    })
    .await?;

    // (title, line total in cents) of each line, in the order shown.
    let mut lines = Vec::new();
    for row in &rows {
        let title = row
            .find(Locator::Css(r#".cart-line-title [data-line="title"]"#))
            .await?
            .text()
            .await?;
        let line_total = row
            .find(Locator::Css(r#"[data-line="line_total"]"#))
            .await?
            .text()
            .await?;
        lines.push((title, parse_euros(&line_total)?));
    }

    for pick in [&ROLLING_PIN, &SPOON_30_CM] {
        let (title, line_total) = lines
            .iter()
            .find(|(title, _)| title.contains(pick.title))
            .with_context(|| format!("no cart line is titled {:?}; the lines are {lines:?}", pick.title))?;
        if let Some((sku, label)) = pick.variant {
            ensure!(
                title.contains(label),
                "the line of {sku} is titled {title:?}, without its variant {label:?}"
            );
        }
        ensure!(
            *line_total == pick.price_cents,
            "the line {title:?} totals {line_total} cents, expected {}",
            pick.price_cents
        );
    }

    let sum: i64 = lines.iter().map(|(_, line_total)| line_total).sum();
    let total = parse_euros(&text(client, r#"[data-total="total"]"#).await?)?;
    ensure!(
        total == sum,
        "the cart's total is {total} cents, but its lines sum to {sum}"
    );
    Ok(total)
}

/// Fills in the customer, the billing address, Colissimo and bank transfer.
async fn fill_checkout(client: &Client) -> anyhow::Result<()> {
    wait_until("the checkout form", STEP, || async {
        let form = find(client, "[data-checkout-form]").await?;
        Ok(form.is_displayed().await?.then_some(()))
    })
    .await?;

    let fields = [
        ("customer.email", CUSTOMER_EMAIL),
        ("customer.name", CUSTOMER_NAME),
        ("billing_address.street", "12 rue des Olivettes"),
        ("billing_address.postal_code", "44000"),
        ("billing_address.city", "Nantes"),
    ];
    for (name, value) in fields {
        find(client, &format!(r#"[name="{name}"]"#))
            .await?
            .send_keys(value)
            .await?;
    }
    let country = find(client, r#"[name="billing_address.country"]"#).await?;
    let country = country.prop("value").await?.unwrap_or_default();
    ensure!(
        country == "FR",
        "the billing country defaults to {country:?}, expected FR"
    );

    // No card provider runs under `comptoir serve`, so the first method that is not
    // a card comes preselected: bank transfer, listed after the card in `site.toml`.
    ensure!(
        !find(client, "#payment-carte").await?.is_selected().await?,
        "the card payment is preselected, though it needs a payment provider"
    );
    ensure!(
        find(client, "#payment-virement").await?.is_selected().await?,
        "bank transfer, the first payment method that is not a card, is not preselected"
    );

    for (id, name) in [
        ("shipping-colissimo", "shipping_method"),
        ("payment-virement", "payment_method"),
    ] {
        click(client, &format!(r#"label[for="{id}"]"#)).await?;
        let chosen = find(client, &format!("#{id}")).await?;
        ensure!(
            chosen.is_selected().await?,
            "clicking the label of {id} did not select it as {name}"
        );
    }
    Ok(())
}

/// Waits for the checkout summary to quote Colissimo and checks that its total
/// includes it, as the visitor must see before ordering.
async fn check_summary_with_shipping(client: &Client, goods: i64) -> anyhow::Result<()> {
    let expected_total = goods + COLISSIMO_CENTS;
    let summary = ".checkout-summary";
    let shipping = wait_until("the summary to show the shipping price", STEP, || async {
        let row = find(client, &format!(r#"{summary} [data-total-row="shipping"]"#)).await?;
        if !row.is_displayed().await? {
            return Ok(None);
        }
        let shown = text(client, &format!(r#"{summary} [data-total="shipping"]"#)).await?;
        Ok((!shown.is_empty()).then_some(shown))
    })
    .await?;
    let shipping = parse_euros(&shipping)?;
    ensure!(
        shipping == COLISSIMO_CENTS,
        "the summary shows shipping of {shipping} cents, expected {COLISSIMO_CENTS} (Colissimo)"
    );

    let total = parse_euros(&text(client, &format!(r#"{summary} [data-total="total"]"#)).await?)?;
    ensure!(
        total == expected_total,
        "the summary shows a total of {total} cents before ordering, expected {expected_total} \
         ({goods} of goods and {COLISSIMO_CENTS} of Colissimo)"
    );
    Ok(())
}

/// Waits for the confirmation and checks its order number, total and bank-transfer
/// details. Returns the order number.
async fn check_confirmation(client: &Client, expected_total: i64, iban: &str) -> anyhow::Result<String> {
    wait_until("the order confirmation", STEP, || async {
        let error = find(client, "[data-checkout-error]").await?;
        if error.is_displayed().await? {
            bail!("the checkout failed: {:?}", error.text().await?);
        }
        let confirmation = find(client, "[data-confirmation]").await?;
        Ok(confirmation.is_displayed().await?.then_some(()))
    })
    .await?;

    let number = text(client, "[data-confirmation] .lead [data-order-number]").await?;
    ensure!(
        number.starts_with("AS-") && number.len() > "AS-".len(),
        "the confirmation shows the order number {number:?}, expected `AS-` and a number (`[orders] number_prefix`)"
    );
    let total = parse_euros(&text(client, "[data-confirmation] [data-order-total]").await?)?;
    ensure!(
        total == expected_total,
        "the confirmation shows a total of {total} cents, expected {expected_total} (goods and Colissimo)"
    );

    let instructions = find(client, "[data-payment-instructions]").await?;
    ensure!(
        instructions.is_displayed().await?,
        "the confirmation shows no payment instructions"
    );
    let instructions = instructions.text().await?;
    ensure!(
        without_spaces(&instructions).contains(&without_spaces(iban)),
        "the payment instructions do not show the IBAN {iban}:\n{instructions}"
    );
    ensure!(
        instructions.contains(&number),
        "the payment instructions do not give the order number {number} as the reference:\n{instructions}"
    );
    Ok(number)
}

/// Waits for the confirmation email of `order_number` in the outbox and checks its
/// recipient, subject and bank-transfer details. Returns the order link it gives.
async fn check_email(outbox: &Path, order_number: &str, iban: &str) -> anyhow::Result<String> {
    let path = wait_until(
        &format!("an email naming {order_number} in {}", outbox.display()),
        STEP,
        || async {
            Ok(emails_in(outbox)?.into_iter().find(|path| {
                fs::read(path).is_ok_and(|bytes| {
                    mailparse::parse_mail(&bytes)
                        .is_ok_and(|mail| header(&mail, "Subject").contains(order_number))
                })
            }))
        },
    )
    .await?;

    let bytes = fs::read(&path).with_context(|| format!("failed to read {}", path.display()))?;
    let mail =
        mailparse::parse_mail(&bytes).with_context(|| format!("{} is not an email", path.display()))?;
    let to = header(&mail, "To");
    ensure!(
        to.contains(CUSTOMER_EMAIL),
        "{} is sent to {to:?}, expected {CUSTOMER_EMAIL}",
        path.display()
    );

    let text = plain_text(&mail).with_context(|| format!("{} has no text/plain part", path.display()))?;
    ensure!(
        text.contains(order_number),
        "the text of {} does not name {order_number}:\n{text}",
        path.display()
    );
    ensure!(
        without_spaces(&text).contains(&without_spaces(iban)),
        "the text of {} does not give the IBAN {iban}:\n{text}",
        path.display()
    );
    order_link(&text).with_context(|| {
        format!(
            "the text of {} gives no order link (`…?order=…&token=…`):\n{text}",
            path.display()
        )
    })
}

/// Finds the order link, `<base_url>/<locale>/<checkout>/?order=…&token=…`, in an
/// email's text.
fn order_link(text: &str) -> Option<String> {
    text.split_whitespace()
        // Punctuation around the link, and Fluent's isolation marks around a placeable.
        .map(|word| word.trim_matches(['<', '>', '(', ')', '"', '.', ',', '\u{2068}', '\u{2069}']))
        .find(|word| word.contains("?order=") && word.contains("token="))
        .map(str::to_owned)
}

/// Opens the email's order link on the served store and checks that the page
/// shows the order's number and its status instead of an empty cart.
async fn check_order_link(
    client: &Client,
    store: &str,
    link: &str,
    order_number: &str,
) -> anyhow::Result<()> {
    // The link starts with the store's `base_url`; the same path is served locally.
    let path = link
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .with_context(|| format!("the order link {link:?} has no path"))?;
    let url = format!("{store}{path}");
    client
        .goto(&url)
        .await
        .with_context(|| format!("failed to open the order link {url}"))?;
    refuse_optional_cookies(client).await?;

    wait_until("the order from the order link", STEP, || async {
        let error = find(client, "[data-cart-error]").await?;
        if error.is_displayed().await? {
            bail!("the order link shows an error: {:?}", error.text().await?);
        }
        let empty = find(client, "[data-cart-empty]").await?;
        if empty.is_displayed().await? {
            bail!("the order link shows an empty cart instead of the order");
        }
        let confirmation = find(client, "[data-confirmation]").await?;
        Ok(confirmation.is_displayed().await?.then_some(()))
    })
    .await?;

    let number = text(client, "[data-confirmation] .lead [data-order-number]").await?;
    ensure!(
        number == order_number,
        "the order link shows the order number {number:?}, expected {order_number:?}"
    );
    let status = text(client, "[data-confirmation] [data-order-status]").await?;
    ensure!(
        status == PENDING_LABEL,
        "the order link shows the status {status:?}, expected {PENDING_LABEL:?}"
    );
    let lines = client
        .find_all(Locator::Css("[data-confirmation] [data-order-lines] > li"))
        .await?;
    ensure!(
        lines.len() == 2,
        "the order link shows {} order lines, expected 2",
        lines.len()
    );
    let instructions = find(client, "[data-confirmation] [data-payment-instructions]").await?;
    ensure!(
        instructions.is_displayed().await?,
        "the order link of a pending bank-transfer order shows no payment instructions"
    );
    Ok(())
}

fn emails_in(outbox: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !outbox.exists() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(outbox).with_context(|| format!("failed to list {}", outbox.display()))?;
    let mut emails = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("failed to list {}", outbox.display()))?
            .path();
        if path.extension().is_some_and(|extension| extension == "eml") {
            emails.push(path);
        }
    }
    Ok(emails)
}

fn header(mail: &mailparse::ParsedMail<'_>, name: &str) -> String {
    mail.headers
        .iter()
        .find(|header| header.get_key_ref().eq_ignore_ascii_case(name))
        .map(|header| header.get_value())
        .unwrap_or_default()
}

/// Returns the decoded text of the first `text/plain` part.
fn plain_text(mail: &mailparse::ParsedMail<'_>) -> Option<String> {
    if mail.ctype.mimetype == "text/plain" {
        return mail.get_body().ok();
    }
    mail.subparts.iter().find_map(plain_text)
}

fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn find(client: &Client, css: &str) -> anyhow::Result<Element> {
    match client.find(Locator::Css(css)).await {
        Ok(element) => Ok(element),
        Err(error) => {
            let page = current_url(client).await;
            Err(anyhow::Error::new(error).context(format!("no element matches `{css}` on {page}")))
        }
    }
}

async fn text(client: &Client, css: &str) -> anyhow::Result<String> {
    Ok(find(client, css).await?.text().await?)
}

async fn click(client: &Client, css: &str) -> anyhow::Result<()> {
    match find(client, css).await?.click().await {
        Ok(()) => Ok(()),
        Err(error) => {
            let page = current_url(client).await;
            Err(anyhow::Error::new(error).context(format!("failed to click `{css}` on {page}")))
        }
    }
}

async fn current_url(client: &Client) -> String {
    client.current_url().await.map_or_else(
        |error| format!("an unknown page ({error})"),
        |url| url.to_string(),
    )
}

//! The consent banner, the preferences panel and script gating of the demo shop in
//! headless Chromium, driven through ChromeDriver against the real `comptoir serve`.
//!
//! The demo declaration's services load tags from hosts this machine cannot reach.
//! So the test's copy of `site.toml` replaces every script service's tag with an
//! inline script that only raises flags (`window.__ran_<purpose>`,
//! `window.__ran[<service>]`). That script also sets a cookie the service then
//! declares (`__test_<service>_a`, declared as `__test_<service>_*`). Activation is read
//! from those flags, from `script[data-activated]` and from `document.cookie`.
//!
//! Every record the page sends to `POST /api/consents` is logged in
//! `sessionStorage` by a fetch wrapper the test adds to its copy of the shop
//! (`templates/partials/script-data.html`), because a page can be watched only
//! after it has loaded. When the edge answers the admin export
//! (`GET /api/admin/consents`), its records are compared with that log.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/install-test-deps`);
//! without them the test fails, it is not skipped.
#![cfg(unix)]

#[path = "support/browser.rs"]
mod harness;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use harness::{Browser, ServedShop, copy_shop, require_program, wait_until};
use serde_json::Value;

const ADMIN_TOKEN: &str = "browser-consent-admin-token";
/// The maximum time for one step in the page: a script's work and a request to
/// the edge.
const STEP: Duration = Duration::from_secs(10);
/// How long the test watches for a request that must not be sent.
const QUIET: Duration = Duration::from_millis(1500);
/// The `sessionStorage` key of the fetch wrapper's log.
const POST_LOG: &str = "__consent_posts";

/// The script services of the test's declaration, by the purpose they serve.
struct Declared {
    /// Services whose only purpose is `statistics`.
    statistics: Vec<String>,
    /// Services that serve `marketing` (alone or with another purpose).
    marketing: Vec<String>,
    /// Services whose purposes are all exempt from consent: they run before any
    /// choice and after a refusal, until the visitor objects.
    exempt: Vec<String>,
    /// Purposes exempt from consent (the demo's Matomo audience measurement).
    exempt_purposes: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_banner_gates_scripts() {
    let chromedriver = require_program("chromedriver");
    let chromium = require_program("chromium");
    let temp = tempfile::Builder::new()
        .prefix("comptoir-browser-consent-")
        .tempdir()
        .expect("create a temporary folder");

    let started = Instant::now();
    let outcome = run(temp.path(), &chromedriver, &chromium).await;
    eprintln!(
        "consent browser test ran in {:.1} s",
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

async fn run(dir: &Path, chromedriver: &Path, chromium: &Path) -> anyhow::Result<()> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("the generator crate has no parent folder")?;
    let shop_root = dir.join("shop");
    copy_shop(repository, &shop_root)?;
    let declared = replace_service_tags(&shop_root.join("site.toml"))?;
    add_post_log(&shop_root)?;
    let embed_page = make_embeds_local(&shop_root.join("content/pages"))?;

    let served = ServedShop::start(
        Path::new(env!("CARGO_BIN_EXE_comptoir")),
        &shop_root,
        ADMIN_TOKEN,
        &dir.join("serve.stderr.log"),
    )?;
    let fr = served.store_url("fr")?.to_owned();
    let ch = served.store_url("ch")?.to_owned();

    let mut browser =
        Browser::start_driver(chromedriver, &dir.join("chromedriver.log"), &dir.join("profile"))?;
    let client = browser.open_session(chromium).await?;

    let outcome = steps(&client, &fr, &ch, &declared, &embed_page).await;
    if outcome.is_err() {
        let screenshot = dir.join("failure.png");
        match client.screenshot().await {
            Ok(png) => {
                fs::write(&screenshot, png)?;
                eprintln!("screenshot of the failing page: {}", screenshot.display());
            }
            Err(error) => eprintln!("no screenshot: {error}"),
        }
    }
    browser.close_session(client).await?;
    outcome
}

async fn steps(
    client: &Client,
    fr: &str,
    ch: &str,
    declared: &Declared,
    embed_page: &str,
) -> anyhow::Result<()> {
    // Every record the edge accepted, in order, across the steps.
    let mut accepted = Vec::new();

    first_visit_runs_nothing(client, &format!("{ch}/fr/"), declared)
        .await
        .context("step: first visit (atelier theme)")?;
    close_button_refuses(client, declared)
        .await
        .context("step: × closes the banner (atelier theme)")?;
    accepted.extend(forget_visitor(client).await?);

    first_visit_runs_nothing(client, &format!("{fr}/fr/"), declared)
        .await
        .context("step: first visit (comptoir theme)")?;
    reject_all_holds_across_pages(client, fr, declared)
        .await
        .context("step: « Tout refuser »")?;
    accepted.extend(forget_visitor(client).await?);

    one_purpose_runs_only_its_scripts(client, fr, declared)
        .await
        .context("step: accept statistics only")?;
    withdrawal_stops_scripts(client, declared)
        .await
        .context("step: withdraw statistics")?;
    cleared_cookie_asks_again(client, fr, declared)
        .await
        .context("step: consent cookie cleared")?;
    accepted.extend(forget_visitor(client).await?);

    embed_waits_for_its_service(client, &format!("{fr}/fr/{embed_page}/"), declared)
        .await
        .context("step: embed placeholder")?;
    accepted.extend(forget_visitor(client).await?);

    accept_all_grants_asked_purposes(client, fr, declared)
        .await
        .context("step: « Tout accepter »")?;
    accepted.extend(forget_visitor(client).await?);

    objection_stops_exempt_scripts(client, fr, declared)
        .await
        .context("step: object to the exempt purpose")?;
    accepted.extend(forget_visitor(client).await?);

    compare_with_admin_export(client, &accepted)
        .await
        .context("step: the edge's proof log")
}

// ---- The shop copy ------------------------------------------------------------

/// Replaces the tag of every script service of `site.toml` with an inline script
/// that raises flags and sets a cookie the service declares, and turns Google
/// Consent Mode on.
fn replace_service_tags(site_toml: &Path) -> anyhow::Result<Declared> {
    let text =
        fs::read_to_string(site_toml).with_context(|| format!("cannot read {}", site_toml.display()))?;
    let mut settings: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", site_toml.display()))?;
    let consent = settings
        .get_mut("consent")
        .and_then(toml::Value::as_table_mut)
        .context("the demo shop's site.toml has no [consent] table")?;
    consent.insert("google_consent_mode".to_owned(), toml::Value::Boolean(true));
    let exempt_purposes: Vec<String> = consent
        .get("purposes")
        .and_then(toml::Value::as_table)
        .context("the demo shop's [consent] declares no purposes")?
        .iter()
        .filter(|(_, purpose)| purpose.get("exempt").and_then(toml::Value::as_bool) == Some(true))
        .map(|(id, _)| id.clone())
        .collect();
    let services = consent
        .get_mut("services")
        .and_then(toml::Value::as_table_mut)
        .context("the demo shop's [consent] declares no services")?;

    let mut declared = Declared {
        statistics: Vec::new(),
        marketing: Vec::new(),
        exempt: Vec::new(),
        exempt_purposes: exempt_purposes.clone(),
    };
    for (id, service) in services.iter_mut() {
        let service = service
            .as_table_mut()
            .with_context(|| format!("[consent.services.{id}] is not a table"))?;
        let preset = service.get("preset").and_then(toml::Value::as_str);
        let has_script = service.contains_key("script")
            || matches!(preset, Some("google-analytics-4" | "matomo" | "meta-pixel"));
        if !has_script {
            continue;
        }
        let purposes: Vec<String> = service
            .get("purposes")
            .and_then(toml::Value::as_array)
            .with_context(|| format!("[consent.services.{id}] has no purposes"))?
            .iter()
            .filter_map(|purpose| purpose.as_str().map(str::to_owned))
            .collect();
        let flags: String = purposes
            .iter()
            .map(|purpose| format!("window.__ran_{purpose} = true;"))
            .collect();
        let script = format!(
            "<script>window.__ran = window.__ran || {{}}; window.__ran[\"{id}\"] = true; {flags} \
             document.cookie = \"__test_{id}_a=1; path=/\";</script>"
        );
        service.insert("script".to_owned(), toml::Value::String(script));
        service.insert(
            "cookies".to_owned(),
            toml::Value::Array(vec![toml::Value::String(format!("__test_{id}_*"))]),
        );
        if purposes.iter().all(|purpose| exempt_purposes.contains(purpose)) {
            declared.exempt.push(id.clone());
        }
        if purposes == ["statistics"] {
            declared.statistics.push(id.clone());
        }
        if purposes.iter().any(|purpose| purpose == "marketing") {
            declared.marketing.push(id.clone());
        }
    }
    ensure!(
        !declared.statistics.is_empty() && !declared.marketing.is_empty(),
        "the demo declaration needs a statistics-only script service and a marketing one; found {:?} and {:?}",
        declared.statistics,
        declared.marketing
    );
    ensure!(
        !declared.exempt.is_empty(),
        "the demo declaration needs a script service whose purposes are all exempt; exempt purposes: {:?}",
        declared.exempt_purposes
    );

    let written = toml::to_string(&settings).context("cannot write the test's site.toml")?;
    fs::write(site_toml, written).with_context(|| format!("cannot write {}", site_toml.display()))?;
    Ok(declared)
}

/// Overrides the cart's data partial in the shop copy with the theme's own plus a
/// fetch wrapper that logs every consent POST and its status in `sessionStorage`.
fn add_post_log(shop_root: &Path) -> anyhow::Result<()> {
    let theme_partial = shop_root.join("themes/comptoir/templates/partials/script-data.html");
    let original = fs::read_to_string(&theme_partial)
        .with_context(|| format!("cannot read {}", theme_partial.display()))?;
    let wrapper = format!(
        r##"
<script>
(() => {{
  const original = window.fetch;
  const log = () => JSON.parse(sessionStorage.getItem("{POST_LOG}") || "[]");
  window.fetch = function (input, init) {{
    const url = String((input && input.url) || input);
    const response = original.apply(this, arguments);
    if (!url.endsWith("/api/consents") || !init || init.method !== "POST") return response;
    const entries = log();
    const index = entries.length;
    entries.push({{ body: JSON.parse(init.body), status: null }});
    sessionStorage.setItem("{POST_LOG}", JSON.stringify(entries));
    const settle = (status) => {{
      const current = log();
      if (current[index]) current[index].status = status;
      sessionStorage.setItem("{POST_LOG}", JSON.stringify(current));
    }};
    response.then((answer) => settle(answer.status), () => settle(0));
    return response;
  }};
}})();
</script>
"##
    );
    let partials = shop_root.join("templates/partials");
    fs::create_dir_all(&partials).with_context(|| format!("cannot create {}", partials.display()))?;
    let path = partials.join("script-data.html");
    fs::write(&path, format!("{original}{wrapper}"))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Points every embed of the content pages at `about:blank`, so accepting one
/// loads nothing from the network. Returns the file name (without `.md`) of the
/// French page that contains an embed.
fn make_embeds_local(pages: &Path) -> anyhow::Result<String> {
    let mut french_page = None;
    let entries = fs::read_dir(pages).with_context(|| format!("cannot list {}", pages.display()))?;
    for entry in entries {
        let path = entry?.path();
        let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if !text.contains("data-service=") {
            continue;
        }
        let rewritten: Vec<String> = text
            .lines()
            .map(|line| {
                let Some(start) = line.find(" src=\"").filter(|_| line.contains("data-service=")) else {
                    return line.to_owned();
                };
                let value = start + " src=\"".len();
                let end = line[value..].find('"').map_or(line.len(), |end| value + end);
                format!("{}about:blank{}", &line[..value], &line[end..])
            })
            .collect();
        fs::write(&path, rewritten.join("\n") + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        if let Some(stem) = name.strip_suffix(".md").filter(|stem| !stem.contains('.')) {
            french_page = Some(stem.to_owned());
        }
    }
    french_page.context("no French content page of the demo shop embeds a service")
}

// ---- Reading the page -----------------------------------------------------------

/// What the page shows and ran, read in one script.
const READ_STATE: &str = r##"
const banner = document.getElementById("consent-banner");
const panel = document.getElementById("consent-panel");
const active = document.activeElement;
return {
  ready: !!window.comptoirConsent,
  ran: Object.keys(window.__ran || {}).sort(),
  statistics: !!window.__ran_statistics,
  marketing: !!window.__ran_marketing,
  activated: [...document.querySelectorAll("script[data-activated]")].map((s) => s.dataset.service).sort(),
  inert: document.querySelectorAll('script[type="text/plain"][data-purpose]').length,
  cookies: document.cookie.split(";").map((c) => c.trim().split("=")[0]).filter(Boolean).sort(),
  banner: !!banner && !banner.hidden,
  panel: !!panel && !panel.hidden,
  focus: active && active.closest("#consent-banner") ? "banner"
    : active && active.closest("#consent-panel") ? "panel"
    : active ? active.tagName.toLowerCase() : null,
  choice: window.comptoirConsent ? window.comptoirConsent.choice : null,
  posts: JSON.parse(sessionStorage.getItem("__consent_posts") || "[]"),
};
"##;

#[derive(Debug)]
struct PageState {
    ran: Vec<String>,
    statistics: bool,
    marketing: bool,
    activated: Vec<String>,
    inert: u64,
    cookies: Vec<String>,
    banner: bool,
    panel: bool,
    focus: Option<String>,
    choice: Value,
    posts: Vec<Value>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn state(client: &Client) -> anyhow::Result<PageState> {
    let value = client.execute(READ_STATE, Vec::new()).await?;
    Ok(PageState {
        ran: strings(&value["ran"]),
        statistics: value["statistics"].as_bool().unwrap_or(false),
        marketing: value["marketing"].as_bool().unwrap_or(false),
        activated: strings(&value["activated"]),
        inert: value["inert"].as_u64().unwrap_or(0),
        cookies: strings(&value["cookies"]),
        banner: value["banner"].as_bool().unwrap_or(false),
        panel: value["panel"].as_bool().unwrap_or(false),
        focus: value["focus"].as_str().map(str::to_owned),
        choice: value["choice"].clone(),
        posts: value["posts"].as_array().cloned().unwrap_or_default(),
    })
}

/// Opens `url` and waits until the consent script has run.
async fn open(client: &Client, url: &str) -> anyhow::Result<PageState> {
    client
        .goto(url)
        .await
        .with_context(|| format!("cannot open {url}"))?;
    wait_for_script(client, url).await
}

async fn wait_for_script(client: &Client, url: &str) -> anyhow::Result<PageState> {
    wait_until(&format!("the consent script on {url}"), STEP, || async {
        let ready = client
            .execute(
                "return !!window.comptoirConsent && document.readyState === 'complete';",
                Vec::new(),
            )
            .await?;
        if ready.as_bool() == Some(true) {
            Ok(Some(state(client).await?))
        } else {
            Ok(None)
        }
    })
    .await
}

/// Forgets every cookie, the stored data and the POST log, as a new visitor
/// would arrive. Returns the logged POSTs the edge accepted.
async fn forget_visitor(client: &Client) -> anyhow::Result<Vec<Value>> {
    let posts = state(client).await?.posts;
    client
        .delete_all_cookies()
        .await
        .context("cannot delete the cookies")?;
    client
        .execute(
            &format!("sessionStorage.removeItem('{POST_LOG}'); localStorage.clear();"),
            Vec::new(),
        )
        .await?;
    Ok(posts.into_iter().filter(|post| post["status"] == 201).collect())
}

async fn click(client: &Client, selector: &str) -> anyhow::Result<()> {
    client
        .find(Locator::Css(selector))
        .await
        .with_context(|| format!("no element matches {selector}"))?
        .click()
        .await
        .with_context(|| format!("cannot click {selector}"))
}

/// Sends keys to the focused element, as a keyboard user would.
async fn press(client: &Client, keys: &str) -> anyhow::Result<()> {
    client
        .active_element()
        .await?
        .send_keys(keys)
        .await
        .context("cannot send keys")
}

/// Checks that only the services exempt from consent ran.
fn ensure_nothing_ran(page: &PageState, declared: &Declared) -> anyhow::Result<()> {
    ensure!(
        page.ran == declared.exempt,
        "ran {:?}, expected only the exempt services {:?}",
        page.ran,
        declared.exempt
    );
    ensure!(!page.statistics, "a statistics script ran without consent");
    ensure!(!page.marketing, "a marketing script ran without consent");
    ensure!(
        page.activated.iter().all(|id| declared.exempt.contains(id)),
        "scripts that need consent were activated: {:?}",
        page.activated
    );
    for id in declared.statistics.iter().chain(&declared.marketing) {
        let cookie = format!("__test_{id}_a");
        ensure!(
            !page.cookies.contains(&cookie),
            "cookie {cookie} exists: {:?}",
            page.cookies
        );
    }
    Ok(())
}

/// Waits until the POST log contains `count` records, all answered.
async fn wait_for_posts(client: &Client, count: usize) -> anyhow::Result<Vec<Value>> {
    wait_until(&format!("{count} consent POSTs answered"), STEP, || async {
        let page = state(client).await?;
        let answered = page.posts.iter().all(|post| !post["status"].is_null());
        Ok((page.posts.len() == count && answered).then_some(page.posts))
    })
    .await
}

// ---- Steps ------------------------------------------------------------------------

async fn first_visit_runs_nothing(client: &Client, url: &str, declared: &Declared) -> anyhow::Result<()> {
    client.goto(url).await?;
    forget_visitor(client).await?;
    let page = open(client, url).await?;

    ensure!(page.banner, "the banner is hidden on a first visit");
    ensure!(!page.panel, "the preferences panel is open on a first visit");
    ensure!(
        page.focus.as_deref() == Some("banner"),
        "the focus is on {:?}, not in the banner",
        page.focus
    );
    ensure!(
        page.choice.is_null(),
        "a choice exists before any: {}",
        page.choice
    );
    ensure!(
        page.inert >= 2,
        "the page holds {} inert scripts, expected every script service's",
        page.inert
    );
    ensure_nothing_ran(&page, declared)?;
    ensure!(
        !page.cookies.iter().any(|name| name == "comptoir_consent"),
        "the consent cookie was written before any choice: {:?}",
        page.cookies
    );

    consent_mode_defaults_first(client).await?;
    first_layer_buttons_alike(client).await?;
    tab_cycles_in_banner(client).await?;

    // Nothing was recorded for a visitor who has not chosen.
    tokio::time::sleep(QUIET).await;
    let page = state(client).await?;
    ensure!(
        page.posts.is_empty(),
        "consent was sent before any choice: {:?}",
        page.posts
    );
    Ok(())
}

/// `dataLayer[0]` is the Consent Mode default, every signal denied, set by the
/// first script of the document.
async fn consent_mode_defaults_first(client: &Client) -> anyhow::Result<()> {
    let value = client
        .execute(
            r##"
const first = window.dataLayer && window.dataLayer[0];
const firstScript = document.scripts[0];
return {
  entry: first ? Array.from(first) : null,
  firstScriptInHead: !!firstScript && firstScript.parentElement === document.head,
  firstScriptText: firstScript ? firstScript.text : null,
  firstScriptIndex: firstScript
    ? [...document.head.children].indexOf(firstScript) : -1,
  scriptsBefore: firstScript
    ? [...document.head.children].slice(0, [...document.head.children].indexOf(firstScript))
        .filter((element) => element.tagName === "SCRIPT" || element.tagName === "LINK" && element.rel === "preload").length
    : -1,
};
"##,
            Vec::new(),
        )
        .await?;
    let entry = &value["entry"];
    ensure!(
        entry[0] == "consent" && entry[1] == "default",
        "dataLayer[0] is {entry}, not the consent default"
    );
    for signal in [
        "ad_storage",
        "analytics_storage",
        "ad_user_data",
        "ad_personalization",
    ] {
        ensure!(
            entry[2][signal] == "denied",
            "dataLayer[0] sets {signal} to {}",
            entry[2][signal]
        );
    }
    ensure!(
        entry[2]["wait_for_update"].is_number(),
        "dataLayer[0] has no wait_for_update: {entry}"
    );
    ensure!(
        value["firstScriptInHead"] == true,
        "the first script is not in <head>: {value}"
    );
    let text = value["firstScriptText"].as_str().unwrap_or_default();
    ensure!(
        text.contains("\"consent\",\"default\""),
        "the document's first script is not the Consent Mode default: {text:?}"
    );
    Ok(())
}

/// « Tout accepter », « Tout refuser » and « Personnaliser » have the same size
/// and style.
async fn first_layer_buttons_alike(client: &Client) -> anyhow::Result<()> {
    let value = client
        .execute(
            r##"
return [...document.querySelectorAll("#consent-banner .consent-actions button")].map((button) => {
  const box = button.getBoundingClientRect();
  const style = getComputedStyle(button);
  return {
    text: button.textContent.trim(),
    width: Math.round(box.width),
    height: Math.round(box.height),
    look: [style.backgroundColor, style.color, style.borderTopColor, style.borderTopWidth,
           style.fontSize, style.fontWeight].join(" "),
  };
});
"##,
            Vec::new(),
        )
        .await?;
    let buttons = value.as_array().context("the banner's buttons were not read")?;
    let texts: Vec<&str> = buttons
        .iter()
        .filter_map(|button| button["text"].as_str())
        .collect();
    ensure!(
        texts == ["Tout accepter", "Tout refuser", "Personnaliser"],
        "the banner's buttons are {texts:?}"
    );
    for button in &buttons[1..] {
        for property in ["width", "height", "look"] {
            ensure!(
                button[property] == buttons[0][property],
                "{:?} differs from {:?} in {property}: {} against {}",
                button["text"],
                buttons[0]["text"],
                button[property],
                buttons[0][property]
            );
        }
    }
    Ok(())
}

/// Tab from the banner's last control goes back to its first, Shift+Tab the
/// other way round: the keyboard never leaves the dialog.
async fn tab_cycles_in_banner(client: &Client) -> anyhow::Result<()> {
    let focused_label = r##"
const active = document.activeElement;
return active ? (active.closest("#consent-banner") ? "in:" : "out:") + (active.textContent.trim() || active.getAttribute("aria-label")) : null;
"##;
    client
        .execute(
            "document.querySelector('#consent-banner .consent-policy a').focus();",
            Vec::new(),
        )
        .await?;
    press(client, &Key::Tab.to_string()).await?;
    let after_last = client.execute(focused_label, Vec::new()).await?;
    ensure!(
        after_last
            .as_str()
            .is_some_and(|label| label.starts_with("in:") && label.contains("×")),
        "Tab from the policy link went to {after_last}, not to the banner's close button"
    );
    press(client, &format!("{}{}", Key::Shift, Key::Tab)).await?;
    let back = client.execute(focused_label, Vec::new()).await?;
    ensure!(
        back.as_str()
            .is_some_and(|label| label.starts_with("in:") && label.contains("Politique")),
        "Shift+Tab from the close button went to {back}, not to the policy link"
    );
    Ok(())
}

async fn reject_all_holds_across_pages(client: &Client, fr: &str, declared: &Declared) -> anyhow::Result<()> {
    let home = format!("{fr}/fr/");
    client.goto(&home).await?;
    forget_visitor(client).await?;
    open(client, &home).await?;
    click(client, r##"#consent-banner [data-consent="reject-all"]"##).await?;

    let page = state(client).await?;
    ensure!(!page.banner, "the banner is still shown after « Tout refuser »");
    ensure!(
        page.choice["p"]["statistics"] == 0,
        "statistics not refused: {}",
        page.choice
    );
    ensure!(
        page.choice["p"]["marketing"] == 0,
        "marketing not refused: {}",
        page.choice
    );
    ensure_nothing_ran(&page, declared)?;

    let posts = wait_for_posts(client, 1).await?;
    let body = &posts[0]["body"];
    ensure!(
        body["action"] == "reject_all",
        "the refusal was sent as {}",
        body["action"]
    );
    ensure!(
        body["ui_source"] == "banner",
        "the refusal came from {}",
        body["ui_source"]
    );
    ensure!(
        body["purposes"]["statistics"] == false,
        "sent purposes: {}",
        body["purposes"]
    );

    // A second page: the choice is kept, the banner stays closed, nothing runs.
    let cart_url = client
        .find(Locator::Css("a.cart-link"))
        .await?
        .attr("href")
        .await?
        .context("the cart link has no href")?;
    let page = open(client, &format!("{fr}{cart_url}")).await?;
    ensure!(
        !page.banner,
        "the banner shows again on a second page after a refusal"
    );
    ensure_nothing_ran(&page, declared)?;
    ensure!(
        page.posts.len() == 1,
        "a second page sent consent again: {:?}",
        page.posts
    );
    Ok(())
}

async fn one_purpose_runs_only_its_scripts(
    client: &Client,
    fr: &str,
    declared: &Declared,
) -> anyhow::Result<()> {
    let home = format!("{fr}/fr/");
    client.goto(&home).await?;
    forget_visitor(client).await?;
    open(client, &home).await?;

    click(client, r##"#consent-banner [data-consent="open"]"##).await?;
    let page = state(client).await?;
    ensure!(
        page.panel && !page.banner,
        "« Personnaliser » did not open the panel alone"
    );
    ensure!(
        page.focus.as_deref() == Some("panel"),
        "the focus is on {:?}, not in the panel",
        page.focus
    );
    let necessary = client.find(Locator::Css("#consent-switch-necessary")).await?;
    ensure!(
        necessary.is_selected().await? && !necessary.is_enabled().await?,
        "the necessary purpose is not shown as always on"
    );

    // The label toggles its real checkbox.
    click(client, r##"label[for="consent-switch-statistics"]"##).await?;
    click(client, r##"#consent-panel [data-consent="save"]"##).await?;

    let page = wait_until("the statistics scripts to run", STEP, || async {
        let page = state(client).await?;
        Ok(page.statistics.then_some(page))
    })
    .await?;
    ensure!(!page.panel && !page.banner, "a dialog is still open after saving");
    ensure!(
        !page.marketing,
        "a marketing script ran with statistics alone granted"
    );
    let mut expected: Vec<String> = declared
        .statistics
        .iter()
        .chain(&declared.exempt)
        .cloned()
        .collect();
    expected.sort();
    ensure!(
        page.ran == expected,
        "ran {:?}, expected the statistics and exempt services {expected:?}",
        page.ran
    );
    for id in &declared.statistics {
        ensure!(
            page.activated.contains(id),
            "{id} was not marked activated: {:?}",
            page.activated
        );
        let cookie = format!("__test_{id}_a");
        ensure!(
            page.cookies.contains(&cookie),
            "{cookie} was not set: {:?}",
            page.cookies
        );
    }
    for id in &declared.marketing {
        ensure!(
            !page.activated.contains(id),
            "{id} was activated: {:?}",
            page.activated
        );
    }

    let update = client
        .execute(
            r##"return window.dataLayer.map((entry) => Array.from(entry))
                 .filter((entry) => entry[0] === "consent" && entry[1] === "update").pop() || null;"##,
            Vec::new(),
        )
        .await?;
    ensure!(
        update[2]["analytics_storage"] == "granted",
        "Consent Mode update: {update}"
    );
    ensure!(
        update[2]["ad_storage"] == "denied",
        "Consent Mode update: {update}"
    );

    let posts = wait_for_posts(client, 1).await?;
    let body = &posts[0]["body"];
    ensure!(
        body["action"] == "custom",
        "the choice was sent as {}",
        body["action"]
    );
    ensure!(
        body["ui_source"] == "preferences",
        "the choice came from {}",
        body["ui_source"]
    );
    ensure!(
        body["purposes"]["statistics"] == true && body["purposes"]["marketing"] == false,
        "sent purposes: {}",
        body["purposes"]
    );

    // The next page applies the stored choice without asking.
    let home_again = open(client, &home).await?;
    ensure!(!home_again.banner, "the banner shows again after a choice");
    ensure!(
        home_again.statistics && !home_again.marketing,
        "the stored choice was not applied: {home_again:?}"
    );
    Ok(())
}

async fn withdrawal_stops_scripts(client: &Client, declared: &Declared) -> anyhow::Result<()> {
    // Continues from the previous step: statistics granted.
    let page = state(client).await?;
    ensure!(page.statistics, "statistics did not run before the withdrawal");
    let consent_id = page.choice["id"].clone();
    let edge_answered = page.posts.first().is_some_and(|post| post["status"] == 201);
    ensure!(
        !edge_answered || consent_id.is_string(),
        "the edge took the choice but the cookie has no consent id: {}",
        page.choice
    );

    // The footer link opens the panel with the current choice; Escape closes it
    // and the focus goes back to the link.
    let footer_link = r##".site-footer [data-consent="open"]"##;
    client
        .execute(
            &format!("document.querySelector('{footer_link}').focus();"),
            Vec::new(),
        )
        .await?;
    press(client, &Key::Enter.to_string()).await?;
    let page = state(client).await?;
    ensure!(page.panel, "the footer link did not open the panel");
    ensure!(
        page.focus.as_deref() == Some("panel"),
        "the focus is on {:?}, not in the panel",
        page.focus
    );
    let statistics = client.find(Locator::Css("#consent-switch-statistics")).await?;
    ensure!(
        statistics.is_selected().await?,
        "the panel does not show statistics as granted"
    );
    press(client, &Key::Escape.to_string()).await?;
    let back = client
        .execute(
            &format!("return document.activeElement === document.querySelector('{footer_link}');"),
            Vec::new(),
        )
        .await?;
    ensure!(!state(client).await?.panel, "Escape did not close the panel");
    ensure!(
        back == true,
        "the focus did not go back to the footer link after Escape"
    );

    // Withdraw: turn statistics off and save; the page reloads.
    client
        .execute("window.__before_withdrawal = true;", Vec::new())
        .await?;
    click(client, footer_link).await?;
    click(client, r##"label[for="consent-switch-statistics"]"##).await?;
    click(client, r##"#consent-panel [data-consent="save"]"##).await?;
    wait_until("the page to reload after the withdrawal", STEP, || async {
        let reloaded = client
            .execute(
                "return !window.__before_withdrawal && !!window.comptoirConsent && document.readyState === 'complete';",
                Vec::new(),
            )
            .await?;
        Ok((reloaded == true).then_some(()))
    })
    .await?;

    let page = state(client).await?;
    ensure!(
        !page.banner,
        "the banner shows after a withdrawal, which is a choice"
    );
    ensure_nothing_ran(&page, declared)?;
    ensure!(
        page.cookies.iter().any(|name| name == "comptoir_consent"),
        "the withdrawal deleted the consent cookie: {:?}",
        page.cookies
    );
    ensure!(
        page.choice["p"]["statistics"] == 0,
        "the stored choice still grants statistics: {}",
        page.choice
    );

    let posts = wait_for_posts(client, 2).await?;
    let body = &posts[1]["body"];
    ensure!(
        body["action"] == "withdraw",
        "the withdrawal was sent as {}",
        body["action"]
    );
    ensure!(
        body["ui_source"] == "preferences",
        "the withdrawal came from {}",
        body["ui_source"]
    );
    ensure!(
        body["purposes"]["statistics"] == false,
        "sent purposes: {}",
        body["purposes"]
    );
    if edge_answered {
        ensure!(
            body["consent_id"] == consent_id,
            "the withdrawal names consent id {}, the cookie held {consent_id}",
            body["consent_id"]
        );
    }

    // The panel shows the choice as it is now.
    client
        .execute("window.comptoirConsent.open();", Vec::new())
        .await?;
    let statistics = client.find(Locator::Css("#consent-switch-statistics")).await?;
    ensure!(
        !statistics.is_selected().await?,
        "the panel still shows statistics as granted"
    );
    click(client, r##"#consent-panel [data-consent="close-panel"]"##).await?;
    ensure!(
        !state(client).await?.panel,
        "the close button did not close the panel"
    );
    Ok(())
}

/// Deleting the consent cookie brings the banner back, and nothing is sent until
/// the visitor chooses again; Escape then counts as a refusal.
async fn cleared_cookie_asks_again(client: &Client, fr: &str, declared: &Declared) -> anyhow::Result<()> {
    let home = format!("{fr}/fr/");
    let sent = state(client).await?.posts.len();
    client
        .execute(
            "document.cookie = 'comptoir_consent=; path=/; max-age=0';",
            Vec::new(),
        )
        .await?;
    let page = open(client, &home).await?;
    ensure!(
        page.banner,
        "the banner did not come back without the consent cookie"
    );
    ensure!(
        page.focus.as_deref() == Some("banner"),
        "the focus is on {:?}, not in the banner",
        page.focus
    );
    ensure!(
        page.choice.is_null(),
        "a choice exists without the cookie: {}",
        page.choice
    );
    ensure_nothing_ran(&page, declared)?;

    tokio::time::sleep(QUIET).await;
    let page = state(client).await?;
    ensure!(
        page.posts.len() == sent,
        "consent was sent for a choice the visitor did not make: {:?}",
        &page.posts[sent..]
    );

    press(client, &Key::Escape.to_string()).await?;
    let page = state(client).await?;
    ensure!(!page.banner, "Escape did not close the banner");
    ensure!(
        page.choice["p"]["statistics"] == 0 && page.choice["p"]["marketing"] == 0,
        "Escape did not refuse every purpose: {}",
        page.choice
    );
    let posts = wait_for_posts(client, sent + 1).await?;
    ensure!(
        posts[sent]["body"]["action"] == "reject_all",
        "Escape was sent as {}",
        posts[sent]["body"]["action"]
    );
    Ok(())
}

/// Checks that the × of the first layer refuses every purpose.
async fn close_button_refuses(client: &Client, declared: &Declared) -> anyhow::Result<()> {
    click(client, r##"#consent-banner [data-consent="close-banner"]"##).await?;
    let page = state(client).await?;
    ensure!(!page.banner, "× did not close the banner");
    ensure!(
        page.choice["p"]["statistics"] == 0 && page.choice["p"]["marketing"] == 0,
        "× did not refuse every purpose: {}",
        page.choice
    );
    ensure_nothing_ran(&page, declared)?;
    let posts = wait_for_posts(client, 1).await?;
    ensure!(
        posts[0]["body"]["action"] == "reject_all",
        "× was sent as {}",
        posts[0]["body"]["action"]
    );
    Ok(())
}

/// Compares what the pages sent and the edge accepted with the edge's proof log,
/// when the edge has its admin export.
async fn compare_with_admin_export(client: &Client, accepted: &[Value]) -> anyhow::Result<()> {
    let answer = client
        .execute_async(
            &format!(
                r##"const done = arguments[arguments.length - 1];
fetch("/api/admin/consents", {{ headers: {{ Authorization: "Bearer {ADMIN_TOKEN}" }} }})
  .then(async (response) => done({{ status: response.status, body: await response.text() }}))
  .catch((error) => done({{ status: 0, body: String(error) }}));"##
            ),
            Vec::new(),
        )
        .await?;
    if answer["status"] == 404 {
        eprintln!("the edge has no GET /api/admin/consents: checked the pages' own log of POSTs only");
        return Ok(());
    }
    ensure!(
        answer["status"] == 200,
        "GET /api/admin/consents answered {answer}"
    );
    let export: Value = serde_json::from_str(answer["body"].as_str().unwrap_or_default())
        .context("the admin export is not JSON")?;
    let records = export
        .as_array()
        .or_else(|| export.get("records").and_then(Value::as_array))
        .or_else(|| export.get("consents").and_then(Value::as_array))
        .with_context(|| format!("the admin export holds no list of records: {export}"))?;
    let exported: Vec<&Value> = records.iter().map(|record| &record["action"]).collect();
    let sent: Vec<&Value> = accepted.iter().map(|post| &post["body"]["action"]).collect();
    ensure!(
        exported == sent,
        "the edge stored the actions {exported:?}, the pages had the edge accept {sent:?}"
    );
    if let Some(valid) = export.get("chain_valid") {
        ensure!(valid == true, "the edge's proof chain is not valid: {export}");
    }
    Ok(())
}

/// Checks that an embed stays a placeholder until its service is accepted from
/// the placeholder itself, and then becomes the iframe it stands for.
async fn embed_waits_for_its_service(client: &Client, url: &str, declared: &Declared) -> anyhow::Result<()> {
    client.goto(url).await?;
    forget_visitor(client).await?;
    open(client, url).await?;
    click(client, r##"#consent-banner [data-consent="reject-all"]"##).await?;

    let embed = client
        .execute(
            r##"const embed = document.querySelector(".consent-embed[data-service]");
return {
  placeholder: !!embed,
  service: embed && embed.dataset.service,
  iframes: document.querySelectorAll("main iframe").length,
};"##,
            Vec::new(),
        )
        .await?;
    ensure!(embed["placeholder"] == true, "{url} shows no embed placeholder");
    ensure!(
        embed["iframes"] == 0,
        "{url} loads an iframe before consent: {embed}"
    );
    let service = embed["service"]
        .as_str()
        .context("the placeholder names no service")?
        .to_owned();

    click(client, ".consent-embed-accept").await?;
    let iframe = wait_until("the embed's iframe", STEP, || async {
        let iframe = client
            .execute(
                r##"const iframe = document.querySelector("main iframe[data-activated]");
return iframe ? { src: iframe.getAttribute("src"), title: iframe.getAttribute("title"),
                  service: iframe.dataset.service } : null;"##,
                Vec::new(),
            )
            .await?;
        Ok((!iframe.is_null()).then_some(iframe))
    })
    .await?;
    ensure!(
        iframe["src"] == "about:blank",
        "the iframe's src is {}",
        iframe["src"]
    );
    ensure!(
        iframe["title"].as_str().is_some_and(|title| !title.is_empty()),
        "the iframe lost its title: {iframe}"
    );
    ensure!(
        iframe["service"] == service.as_str(),
        "the iframe belongs to {}",
        iframe["service"]
    );

    let page = state(client).await?;
    ensure!(
        page.choice["s"][&service] == 1,
        "the choice does not grant {service}: {}",
        page.choice
    );
    ensure!(
        !page.statistics && !page.marketing,
        "accepting {service} ran other scripts: {page:?}"
    );
    ensure_nothing_ran(&page, declared)?;
    let posts = wait_for_posts(client, 2).await?;
    let body = &posts[1]["body"];
    ensure!(
        body["action"] == "custom",
        "accepting the embed was sent as {}",
        body["action"]
    );
    ensure!(
        body["vendors"][&service] == true,
        "sent services: {}",
        body["vendors"]
    );
    Ok(())
}

/// Returns the last record of the edge's admin export.
async fn last_exported_record(client: &Client) -> anyhow::Result<Value> {
    let answer = client
        .execute_async(
            &format!(
                r##"const done = arguments[arguments.length - 1];
fetch("/api/admin/consents", {{ headers: {{ Authorization: "Bearer {ADMIN_TOKEN}" }} }})
  .then(async (response) => done({{ status: response.status, body: await response.text() }}))
  .catch((error) => done({{ status: 0, body: String(error) }}));"##
            ),
            Vec::new(),
        )
        .await?;
    ensure!(
        answer["status"] == 200,
        "GET /api/admin/consents answered {answer}"
    );
    let export: Value = serde_json::from_str(answer["body"].as_str().unwrap_or_default())
        .context("the admin export is not JSON")?;
    export["records"]
        .as_array()
        .and_then(|records| records.last())
        .cloned()
        .with_context(|| format!("the admin export holds no record: {export}"))
}

/// Checks that « Tout accepter » runs every script, is sent as `accept_all`, and
/// that the edge grants what the banner asks about and nothing asked elsewhere.
async fn accept_all_grants_asked_purposes(
    client: &Client,
    fr: &str,
    declared: &Declared,
) -> anyhow::Result<()> {
    let home = format!("{fr}/fr/");
    client.goto(&home).await?;
    forget_visitor(client).await?;
    open(client, &home).await?;
    click(client, r##"#consent-banner [data-consent="accept-all"]"##).await?;

    let page = wait_until("the statistics and marketing scripts to run", STEP, || async {
        let page = state(client).await?;
        Ok((page.statistics && page.marketing).then_some(page))
    })
    .await?;
    for id in declared
        .statistics
        .iter()
        .chain(&declared.marketing)
        .chain(&declared.exempt)
    {
        ensure!(page.ran.contains(id), "{id} did not run: {:?}", page.ran);
    }
    let granted = ["statistics", "marketing"]
        .into_iter()
        .chain(declared.exempt_purposes.iter().map(String::as_str));
    for purpose in granted {
        ensure!(
            page.choice["p"][purpose] == 1,
            "the stored choice does not grant {purpose}: {}",
            page.choice
        );
    }

    let posts = wait_for_posts(client, 1).await?;
    let body = &posts[0]["body"];
    ensure!(
        body["action"] == "accept_all",
        "« Tout accepter » was sent as {}",
        body["action"]
    );
    ensure!(
        body["purposes"].get("emailing").is_none(),
        "the banner sent emailing, which it does not ask about: {}",
        body["purposes"]
    );

    let record = last_exported_record(client).await?;
    ensure!(record["action"] == "accept_all", "the edge stored {record}");
    ensure!(
        record["purposes"]["statistics"] == true && record["purposes"]["marketing"] == true,
        "the edge did not grant the asked purposes: {}",
        record["purposes"]
    );
    ensure!(
        record["purposes"]["emailing"] == false,
        "the edge granted emailing for « Tout accepter »: {}",
        record["purposes"]
    );
    Ok(())
}

/// Checks that the exempt purpose runs before any choice, that its switch in the
/// panel is on and can be turned off, and that turning it off stops its scripts
/// and is stored as `false` on the edge.
async fn objection_stops_exempt_scripts(
    client: &Client,
    fr: &str,
    declared: &Declared,
) -> anyhow::Result<()> {
    let home = format!("{fr}/fr/");
    client.goto(&home).await?;
    forget_visitor(client).await?;
    let page = open(client, &home).await?;
    ensure!(
        page.ran == declared.exempt,
        "ran {:?} before any choice, expected the exempt services {:?}",
        page.ran,
        declared.exempt
    );

    click(client, r##"#consent-banner [data-consent="open"]"##).await?;
    for purpose in &declared.exempt_purposes {
        let switch = client
            .find(Locator::Css(&format!("#consent-switch-{purpose}")))
            .await
            .with_context(|| format!("the panel has no switch for the exempt purpose {purpose}"))?;
        ensure!(
            switch.is_selected().await? && switch.is_enabled().await?,
            "the exempt purpose {purpose} is not shown on by default with a switch the visitor can turn off"
        );
        click(client, &format!(r##"label[for="consent-switch-{purpose}"]"##)).await?;
    }
    client
        .execute("window.__before_objection = true;", Vec::new())
        .await?;
    click(client, r##"#consent-panel [data-consent="save"]"##).await?;
    // The exempt scripts were running, so the page reloads to stop them.
    wait_until("the page to reload after the objection", STEP, || async {
        let reloaded = client
            .execute(
                "return !window.__before_objection && !!window.comptoirConsent && document.readyState === 'complete';",
                Vec::new(),
            )
            .await?;
        Ok((reloaded == true).then_some(()))
    })
    .await?;

    let page = state(client).await?;
    ensure!(page.ran.is_empty(), "ran {:?} after the objection", page.ran);
    for id in &declared.exempt {
        let cookie = format!("__test_{id}_a");
        ensure!(
            !page.cookies.contains(&cookie),
            "the objection left {cookie}: {:?}",
            page.cookies
        );
    }
    for purpose in &declared.exempt_purposes {
        ensure!(
            page.choice["p"][purpose] == 0,
            "the stored choice does not refuse {purpose}: {}",
            page.choice
        );
    }

    let posts = wait_for_posts(client, 1).await?;
    let body = &posts[0]["body"];
    ensure!(
        body["action"] == "withdraw",
        "the objection was sent as {}",
        body["action"]
    );
    for purpose in &declared.exempt_purposes {
        ensure!(
            body["purposes"][purpose] == false,
            "sent purposes: {}",
            body["purposes"]
        );
    }

    // The next page runs none of the exempt scripts either.
    let page = open(client, &home).await?;
    ensure!(!page.banner, "the banner shows again after the objection");
    ensure!(page.ran.is_empty(), "ran {:?} on the next page", page.ran);
    for purpose in &declared.exempt_purposes {
        let flag = client
            .execute(&format!("return !!window.__ran_{purpose};"), Vec::new())
            .await?;
        ensure!(flag == false, "the {purpose} script ran on the next page");
    }

    let record = last_exported_record(client).await?;
    for purpose in &declared.exempt_purposes {
        ensure!(
            record["purposes"][purpose] == false,
            "the edge did not store the objection to {purpose}: {record}"
        );
    }
    for id in &declared.exempt {
        ensure!(
            record["services"][id] == false,
            "the edge still grants {id}: {record}"
        );
    }
    Ok(())
}

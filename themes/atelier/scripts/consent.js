// The consent banner, the preferences panel and the gate in front of every script
// and embed that needs consent. The banner and panel are rendered in the page
// (`#consent-banner`, `#consent-panel`), and this script decides whether to show
// them. It keeps the choice in the `comptoir_consent` cookie, runs the inert
// scripts (`<script type="text/plain" data-purpose="…">`) whose purposes are all
// granted, and sends every choice to the edge (`POST /api/consents`) as proof.
// No dependency; every string comes from the page, in the visitor's language.
(() => {
  "use strict";

  const configElement = document.getElementById("comptoir-consent");
  const banner = document.getElementById("consent-banner");
  const panel = document.getElementById("consent-panel");
  if (!configElement || !banner || !panel) return;
  let config;
  try {
    config = JSON.parse(configElement.textContent);
  } catch {
    return;
  }

  const COOKIE = "comptoir_consent";
  const PENDING = "comptoir:consent:pending";
  const policyVersion = banner.dataset.policyVersion;
  const policyHash = banner.dataset.policyHash;
  // `necessary` is built in and required even when the page does not list it.
  config.purposes.necessary = { exempt: true, required: true };
  const purposeIds = Object.keys(config.purposes);
  const serviceIds = Object.keys(config.services);
  const exempt = (id) => !!(config.purposes[id] || {}).exempt;
  const required = (id) => !!(config.purposes[id] || {}).required;
  // Every purpose but `necessary` is asked about, recorded and sent to the edge.
  // Exempt ones are granted until the visitor objects to them.
  const askedPurposes = purposeIds.filter((id) => !required(id));
  // A service whose purposes are all required always runs, so it is not asked.
  const askedServices = serviceIds.filter((id) => !config.services[id].purposes.every(required));
  // The banner shows only when something needs consent, not for exempt purposes.
  const needsConsent = askedPurposes.some((id) => !exempt(id));

  // ---- The stored choice ----------------------------------------------------

  function readCookie() {
    for (const part of document.cookie.split(";")) {
      const index = part.indexOf("=");
      if (part.slice(0, index).trim() !== COOKIE) continue;
      try {
        const value = JSON.parse(decodeURIComponent(part.slice(index + 1).trim()));
        return value && typeof value === "object" ? value : null;
      } catch {
        return null;
      }
    }
    return null;
  }

  // A choice counts only for the policy this page shows, and until it expires.
  const isCurrent = (stored) =>
    !!stored && stored.h === policyHash && Number(stored.exp) * 1000 > Date.now() && !!stored.p;

  const storedChoice = readCookie();
  let choice = isCurrent(storedChoice) ? storedChoice : null;

  function writeCookie(value) {
    const maxAge = config.retention_days * 86400;
    const secure = location.protocol === "https:" ? ";Secure" : "";
    document.cookie = `${COOKIE}=${encodeURIComponent(JSON.stringify(value))};path=/;max-age=${maxAge};SameSite=Lax${secure}`;
  }

  // A purpose the stored choice does not name is granted only when it is exempt.
  function purposeGranted(id, current = choice) {
    if (!config.purposes[id]) return false;
    if (required(id)) return true;
    const stored = current ? current.p[id] : undefined;
    return stored === undefined ? exempt(id) : stored === 1;
  }

  // A service runs when the visitor kept it on and granted every purpose it serves.
  function serviceGranted(id, current = choice) {
    const service = config.services[id];
    if (!service) return false;
    const kept = !current || !current.s || !(id in current.s) || current.s[id] === 1;
    return kept && service.purposes.every((purpose) => purposeGranted(purpose, current));
  }

  // ---- Running what the choice allows -----------------------------------------

  function allowed(element) {
    const purposes = (element.dataset.purpose || "").split(/\s+/).filter(Boolean);
    const service = element.dataset.service;
    return purposes.every((id) => purposeGranted(id)) && (!service || serviceGranted(service));
  }

  function activateScripts() {
    for (const inert of document.querySelectorAll('script[type="text/plain"][data-purpose]')) {
      if (!allowed(inert)) continue;
      const script = document.createElement("script");
      for (const { name, value } of inert.attributes) {
        if (name === "type") continue;
        let restored = name;
        if (name === "data-src") restored = "src";
        if (name === "data-type") restored = "type";
        script.setAttribute(restored, value);
      }
      // Scripts added by a script run as soon as they load: keep the page's order
      // unless the original asked for `async`.
      if (!inert.hasAttribute("async")) script.async = false;
      script.text = inert.text;
      script.dataset.activated = "true";
      inert.replaceWith(script);
    }
  }

  // An embed placeholder carries the iframe's attributes as `data-<name>`; once
  // its service is granted it becomes that iframe again.
  function activateEmbeds() {
    for (const embed of document.querySelectorAll(".consent-embed[data-service]")) {
      if (!serviceGranted(embed.dataset.service)) continue;
      const iframe = document.createElement("iframe");
      for (const { name, value } of embed.attributes) {
        if (!name.startsWith("data-") || name === "data-service" || name === "data-purpose") continue;
        iframe.setAttribute(name.slice(5), value);
      }
      iframe.dataset.service = embed.dataset.service;
      iframe.dataset.activated = "true";
      embed.replaceWith(iframe);
    }
  }

  // Google Consent Mode v2: the page's first script set every signal to denied.
  function updateGoogleConsent() {
    if (!config.google_consent_mode || typeof window.gtag !== "function") return;
    const state = (granted) => (granted ? "granted" : "denied");
    const marketing = state(purposeGranted("marketing"));
    window.gtag("consent", "update", {
      analytics_storage: state(purposeGranted("statistics")),
      ad_storage: marketing,
      ad_user_data: marketing,
      ad_personalization: marketing,
    });
  }

  function apply() {
    updateGoogleConsent();
    activateScripts();
    activateEmbeds();
  }

  // ---- Withdrawal ---------------------------------------------------------------

  const wildcard = (pattern) =>
    new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

  // Deletes the cookies a service declares, whatever domain set them: the host
  // itself and each parent domain (a tag usually writes to the registrable one).
  // NOTE: only cookies with `path=/` that scripts can see are deleted; HttpOnly
  // cookies and those on the provider's own domain are out of a page's reach.
  function clearCookies(patterns) {
    const matchers = patterns.map(wildcard);
    const labels = location.hostname.split(".");
    const domains = [""];
    for (let i = 0; i < labels.length - 1; i += 1) domains.push(`;domain=${labels.slice(i).join(".")}`);
    for (const part of document.cookie.split(";")) {
      const name = part.split("=")[0].trim();
      if (!name || name === COOKIE || !matchers.some((matcher) => matcher.test(name))) continue;
      for (const domain of domains) {
        document.cookie = `${name}=;path=/;max-age=0${domain}`;
      }
    }
  }

  // ---- Proof on the edge ------------------------------------------------------

  function savePending(body) {
    try {
      localStorage.setItem(PENDING, JSON.stringify(body));
    } catch {
      // Storage disabled: the retry within this page is all there is.
    }
  }

  function clearPending() {
    try {
      localStorage.removeItem(PENDING);
    } catch {
      // Nothing stored.
    }
  }

  // Sends one record and resolves to the edge's response body, or null. A failure
  // never blocks the visitor, because the caller keeps the body to send it once more.
  async function post(body) {
    try {
      const response = await fetch(config.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
        keepalive: true,
      });
      if (!response.ok) return null;
      return await response.json();
    } catch {
      return null;
    }
  }

  function remember(answer) {
    if (!answer || !answer.consent_id || !choice) return;
    choice.id = answer.consent_id;
    writeCookie(choice);
  }

  async function send(body, retried) {
    const answer = await post(body);
    if (answer) {
      clearPending();
      remember(answer);
      return;
    }
    if (retried) {
      clearPending();
      return;
    }
    savePending(body);
    setTimeout(() => send(body, true), 5000);
  }

  // ---- Recording a choice -------------------------------------------------------

  function record(purposes, services, uiSource) {
    const previous = choice;
    const previousCookie = readCookie();
    const next = {
      v: policyVersion,
      h: policyHash,
      exp: Math.floor(Date.now() / 1000) + config.retention_days * 86400,
      p: {},
      s: {},
    };
    if (previousCookie && previousCookie.id) next.id = previousCookie.id;
    for (const id of askedPurposes) next.p[id] = purposes[id] ? 1 : 0;
    for (const id of askedServices) next.s[id] = services[id] ? 1 : 0;

    // Before any choice, exempt purposes are already granted and their scripts
    // running, so an objection in the first choice takes a grant back too.
    const lost = (granted, ids) => ids.filter((id) => granted(id, previous) && !granted(id, next));
    const lostPurposes = lost(purposeGranted, askedPurposes);
    const lostServices = lost(serviceGranted, askedServices);
    const withdrawing = lostPurposes.length > 0 || lostServices.length > 0;
    const gaining = askedPurposes.some((id) => !purposeGranted(id, previous) && purposeGranted(id, next));
    // A save that only takes grants back is a `withdraw`. One that also grants
    // something is a `custom`, and both clear and reload below. The edge's
    // `accept_all` grants the purposes the banner asks about, and its
    // `reject_all` refuses all but the exempt ones.
    let action = "custom";
    if (withdrawing && !gaining) action = "withdraw";
    else if (!withdrawing && askedPurposes.every((id) => next.p[id] === 1)) action = "accept_all";
    else if (!withdrawing && askedPurposes.every((id) => next.p[id] === (exempt(id) ? 1 : 0))) action = "reject_all";

    choice = next;
    writeCookie(next);
    // Every record names the whole choice, because the edge stores a non-exempt
    // purpose or a service left out of a `custom` or `withdraw` as refused.
    const flags = (ids, stored) => Object.fromEntries(ids.map((id) => [id, stored[id] === 1]));
    const body = {
      store: config.store,
      policy_version: policyVersion,
      policy_hash: policyHash,
      action,
      purposes: flags(askedPurposes, next.p),
      vendors: flags(askedServices, next.s),
      ui_source: uiSource,
      locale: config.locale,
    };
    if (next.id) body.consent_id = next.id;

    if (withdrawing) {
      clearCookies(lostServices.flatMap((id) => config.services[id].cookies || []));
      // Scripts already running stop only with the page; the record goes first.
      savePending(body);
      post(body).then((answer) => {
        if (answer) {
          clearPending();
          remember(answer);
        }
        location.reload();
      });
      return;
    }
    send(body, false);
    apply();
  }

  // Accepting grants everything asked. Refusing keeps the exempt purposes and
  // the services that serve only them, as the edge's `reject_all` does.
  const everything = (value) => [
    Object.fromEntries(askedPurposes.map((id) => [id, value || exempt(id)])),
    Object.fromEntries(askedServices.map((id) => [id, value || config.services[id].purposes.every(exempt)])),
  ];

  // ---- Dialogs ----------------------------------------------------------------

  let returnFocus = null;
  let openDialog = null;

  function focusables(dialog) {
    return [...dialog.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")].filter(
      (element) => !element.disabled && element.tabIndex >= 0 && element.getClientRects().length > 0,
    );
  }

  function show(dialog) {
    if (!openDialog) returnFocus = document.activeElement;
    if (openDialog && openDialog !== dialog) openDialog.hidden = true;
    dialog.hidden = false;
    openDialog = dialog;
    dialog.focus();
  }

  function hideAll() {
    banner.hidden = true;
    panel.hidden = true;
    openDialog = null;
    const target = returnFocus && returnFocus.isConnected ? returnFocus : null;
    returnFocus = null;
    if (target && target !== document.body) target.focus();
  }

  function fillPanel() {
    for (const input of panel.querySelectorAll("input[data-purpose-switch]")) {
      input.checked = purposeGranted(input.dataset.purposeSwitch);
    }
    for (const input of panel.querySelectorAll("input[data-service-switch]")) {
      input.checked = serviceGranted(input.dataset.serviceSwitch);
    }
  }

  function openPanel() {
    fillPanel();
    show(panel);
  }

  // Closing the panel goes back to the banner while the visitor has not chosen.
  const closePanel = () => (choice ? hideAll() : show(banner));

  function panelChoice() {
    const purposes = {};
    const services = {};
    for (const input of panel.querySelectorAll("input[data-purpose-switch]")) {
      purposes[input.dataset.purposeSwitch] = input.checked;
    }
    for (const input of panel.querySelectorAll("input[data-service-switch]")) {
      services[input.dataset.serviceSwitch] = input.checked;
    }
    return [purposes, services];
  }

  function choose(purposes, services, uiSource) {
    hideAll();
    record(purposes, services, uiSource);
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-consent]");
    if (!target) {
      const accept = event.target.closest(".consent-embed-accept[data-service]");
      if (!accept) return;
      const id = accept.dataset.service;
      const [purposes, services] = everything(false);
      for (const purpose of askedPurposes) purposes[purpose] = purposeGranted(purpose);
      for (const service of askedServices) services[service] = serviceGranted(service);
      for (const purpose of (config.services[id] || { purposes: [] }).purposes) purposes[purpose] = true;
      services[id] = true;
      if (openDialog) hideAll();
      record(purposes, services, "preferences");
      return;
    }
    const action = target.dataset.consent;
    const source = target.closest("#consent-panel") ? "preferences" : "banner";
    if (action === "open") {
      event.preventDefault();
      openPanel();
    } else if (action === "accept-all") choose(...everything(true), source);
    else if (action === "reject-all") choose(...everything(false), source);
    else if (action === "save") choose(...panelChoice(), "preferences");
    else if (action === "close-banner") choose(...everything(false), "banner");
    else if (action === "close-panel") closePanel();
  });

  // A purpose switch carries its services along; a service switch can then
  // narrow the purpose down to some of its services.
  panel.addEventListener("change", (event) => {
    const id = event.target.dataset.purposeSwitch;
    if (!id) return;
    for (const input of panel.querySelectorAll("input[data-service-switch]")) {
      const service = config.services[input.dataset.serviceSwitch];
      if (service && service.purposes.includes(id)) input.checked = event.target.checked;
    }
  });

  document.addEventListener("keydown", (event) => {
    if (!openDialog) return;
    if (event.key === "Escape") {
      event.preventDefault();
      if (openDialog === banner) choose(...everything(false), "banner");
      else closePanel();
      return;
    }
    if (event.key !== "Tab") return;
    // Tab and Shift+Tab cycle inside the open dialog.
    const items = focusables(openDialog);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === openDialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !openDialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  });

  window.comptoirConsent = {
    open: openPanel,
    get choice() {
      return choice ? JSON.parse(JSON.stringify(choice)) : null;
    },
    granted: (purpose) => purposeGranted(purpose),
  };

  // ---- Start ----------------------------------------------------------------

  // A record the edge did not take on an earlier page is sent once more.
  try {
    const pending = JSON.parse(localStorage.getItem(PENDING));
    if (pending && pending.policy_hash) send(pending, true);
  } catch {
    // Nothing pending, or storage disabled.
  }

  // Exempt scripts run before any choice; the rest wait for one.
  if (choice) updateGoogleConsent();
  activateScripts();
  activateEmbeds();
  if (!choice && needsConsent) show(banner);
})();

// The "my data" page: sends a personal-data request (export or erasure) to the
// edge, and confirms it when the page opens from the emailed link, whose token is
// in the URL fragment (`#token=…`). The token is sent only when the visitor clicks
// the confirm button, so a mail scanner that opens the link does not use it up.
// Every string comes from the page, rendered in the visitor's language.
(() => {
  "use strict";

  const root = document.querySelector("[data-data-requests]");
  const dataElement = document.getElementById("comptoir-data");
  const stringsElement = document.getElementById("data-requests-strings");
  if (!root || !dataElement || !stringsElement) return;
  let api;
  let strings;
  try {
    api = JSON.parse(dataElement.textContent).api;
    strings = JSON.parse(stringsElement.textContent);
  } catch {
    return;
  }

  // Fills `{name}` placeholders; Fluent may wrap them in isolation marks.
  const format = (text, values = {}) =>
    String(text ?? "").replace(/\u2068?\{(\w+)\}\u2069?/g, (match, name) =>
      name in values ? String(values[name]) : match);

  // An RFC 3339 time or Unix seconds, as a date and time in the page's locale.
  const formatDate = (value) => {
    const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    if (Number.isNaN(date.getTime())) return String(value ?? "");
    try {
      return new Intl.DateTimeFormat(api.locale, { dateStyle: "long", timeStyle: "short" }).format(date);
    } catch {
      return date.toISOString();
    }
  };

  class RequestError extends Error {
    constructor(message, code, field, status) {
      super(message);
      this.code = code;
      this.field = field;
      this.status = status;
    }
  }

  // POSTs JSON to the edge; returns the parsed body, or throws a RequestError
  // whose message is the edge's (already in the visitor's language) when it sent one.
  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "Accept-Language": api.locale,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      throw new RequestError(strings.failed, "network_error");
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      // An empty or non-JSON body: judged by the status below.
    }
    if (response.ok) return payload || {};
    const error = payload && payload.error;
    throw new RequestError(error && error.message ? error.message : strings.failed,
      error && error.code, error && error.field, response.status);
  }

  const showNotice = (box, text) => {
    box.textContent = text;
    box.hidden = false;
    box.focus();
  };

  // ---- Request form ----------------------------------------------------------

  let requestShown = false;

  function setUpRequest() {
    requestShown = true;
    const section = root.querySelector("[data-request-section]");
    const form = root.querySelector("[data-request-form]");
    const errorBox = root.querySelector("[data-request-error]");
    const sent = root.querySelector("[data-request-sent]");
    const submit = root.querySelector("[data-request-submit]");
    const email = form.elements.namedItem("email");
    const emailError = form.querySelector('[data-error-for="email"]');
    section.hidden = false;

    const clearErrors = () => {
      errorBox.hidden = true;
      errorBox.textContent = "";
      emailError.hidden = true;
      emailError.textContent = "";
      email.removeAttribute("aria-invalid");
      email.setAttribute("aria-describedby", "email-hint");
    };

    const showEmailError = (message) => {
      emailError.textContent = message;
      emailError.hidden = false;
      email.setAttribute("aria-invalid", "true");
      email.setAttribute("aria-describedby", "email-hint email-error");
      email.focus();
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors();
      const address = email.value.trim();
      // The edge checks the address too; this only spares a round trip.
      if (!/^[^\s@]+@[^\s@]+$/.test(address)) {
        showEmailError(strings.email_invalid);
        return;
      }
      const kind = form.elements.namedItem("kind").value || "export";
      const label = submit.textContent;
      submit.disabled = true;
      submit.textContent = strings.sending;
      try {
        await post(root.dataset.requestEndpoint, {
          store: api.store,
          kind,
          email: address,
          locale: api.locale,
        });
        form.hidden = true;
        sent.hidden = false;
        sent.focus();
      } catch (error) {
        if (error.field === "email") showEmailError(error.message);
        else showNotice(errorBox, error.status === 429 ? strings.throttled : error.message);
      } finally {
        submit.disabled = false;
        submit.textContent = label;
      }
    });
  }

  // ---- Confirmation ------------------------------------------------------------

  const item = (text) => {
    const element = document.createElement("li");
    element.textContent = text;
    return element;
  };

  const list = (title, items) => {
    const fragment = document.createDocumentFragment();
    if (items.length === 0) return fragment;
    const heading = document.createElement("h3");
    heading.textContent = title;
    const entries = document.createElement("ul");
    entries.append(...items);
    fragment.append(heading, entries);
    return fragment;
  };

  function showExport(result) {
    const box = root.querySelector("[data-export-result]");
    const download = result.download || {};
    for (const link of box.querySelectorAll("[data-download]")) {
      const url = download[link.dataset.download];
      if (url) link.href = url;
      else link.closest("li").hidden = true;
    }
    box.querySelector("[data-export-expiry]").textContent =
      result.expires_at ? format(strings.expires_at, { date: formatDate(result.expires_at) }) : "";
    box.hidden = false;
    box.focus();
  }

  function showErasure(result) {
    const box = root.querySelector("[data-erasure-result]");
    const report = result.report || {};
    const kept = report.kept || [];
    const deferred = report.deferred || [];
    const counts = report.deleted || {};
    // Counts of what this run deleted; a zero says nothing, so it is left out.
    const deleted = ["customer", "orders_deleted", "carts", "subscriptions"]
      .filter((key) => counts[key] > 0)
      .map((key) => item(format(strings[`deleted_${key}`], { count: counts[key] })));
    let summary = result.status === "deferred" ? strings.erasure_deferred : strings.erasure_done;
    if (result.status === "deferred" && report.deferred_until) {
      summary = format(strings.erasure_deferred_until, { date: formatDate(report.deferred_until) });
    }
    box.querySelector("[data-erasure-summary]").textContent = summary;

    const details = box.querySelector("[data-erasure-report]");
    details.replaceChildren();
    const ground = (name) => strings[`ground_${name}`] || name;
    details.append(
      list(strings.deleted_title, deleted),
      list(strings.kept_title, kept.map((entry) => item(format(strings.kept_item, {
        number: entry.number,
        ground: ground(entry.ground),
        date: formatDate(entry.until),
      })))),
      list(strings.deferred_title, deferred.map((entry) => item(entry.open_until
        ? format(strings.deferred_item, { number: entry.number, date: formatDate(entry.open_until) })
        : format(strings.deferred_item_open, { number: entry.number })))),
    );
    if (!details.childElementCount && result.status !== "deferred") {
      const nothing = document.createElement("p");
      nothing.textContent = strings.nothing_held;
      details.append(nothing);
    }
    box.hidden = false;
    box.focus();
  }

  function setUpConfirmation(token) {
    const section = root.querySelector("[data-confirm-section]");
    const button = root.querySelector("[data-confirm-button]");
    const errorBox = root.querySelector("[data-confirm-error]");
    section.hidden = false;

    button.addEventListener("click", async () => {
      errorBox.hidden = true;
      const label = button.textContent;
      button.disabled = true;
      button.textContent = strings.confirming;
      try {
        const result = await post(root.dataset.confirmEndpoint, { token, store: api.store });
        button.closest("p").hidden = true;
        // The token is used: drop it from the address bar and the history entry.
        history.replaceState(null, "", location.pathname + location.search);
        if (result.kind === "erasure") showErasure(result);
        else showExport(result);
      } catch (error) {
        const gone = error.code === "invalid_token" || error.status === 404 || error.status === 410;
        showNotice(errorBox, gone ? strings.token_invalid : error.message);
        button.disabled = false;
        button.textContent = label;
        // A used or expired link cannot be confirmed again: offer a new request.
        if (gone && !requestShown) {
          button.closest("p").hidden = true;
          setUpRequest();
        }
      }
    });
  }

  const tokenIn = (hash) => new URLSearchParams(hash.slice(1)).get("token");
  const token = tokenIn(location.hash);
  if (token) setUpConfirmation(token);
  else setUpRequest();

  // Opening the emailed link in a tab that already shows this page changes only
  // the fragment, which does not reload the page: reload it to show the confirmation.
  window.addEventListener("hashchange", () => {
    if (tokenIn(location.hash)) location.reload();
  });
})();

// The theme's only script: the cart, live stock, the checkout and the menu's
// disclosure buttons. It talks to the edge API (`/api/carts`, `/api/availability`,
// `/api/checkout`, `/api/orders`), keeps the cart id in localStorage per store and currency, and
// never sends or trusts a price: the edge prices every cart. Every string it shows
// comes from the page's `#comptoir-data` block, rendered in the visitor's language.
(() => {
  "use strict";

  const dataElement = document.getElementById("comptoir-data");
  if (!dataElement) return;
  let data;
  try {
    data = JSON.parse(dataElement.textContent);
  } catch {
    return;
  }
  const { api, links, strings } = data;
  const storageKey = `comptoir:cart:${api.store}:${api.currency}`;

  // ---- Strings ------------------------------------------------------------

  // Fills `{name}` placeholders. Fluent may wrap a placeholder in Unicode
  // isolation marks (U+2068 … U+2069), which are dropped with it.
  const format = (text, values = {}) =>
    String(text ?? "").replace(/\u2068?\{(\w+)\}\u2069?/g, (match, name) =>
      name in values ? String(values[name]) : match);

  const plural = (base, count) => {
    let category = "other";
    try {
      category = new Intl.PluralRules(api.locale).select(count);
    } catch {
      // An unknown locale tag: keep "other".
    }
    return strings[`${base}_${category}`] ?? strings[`${base}_other`];
  };

  // A money object from the edge carries `formatted` in the request's locale.
  const money = (value) => (value && value.formatted) || "";

  // A whole number of at least `min`, or null.
  const parseQuantity = (text, min) => {
    const trimmed = String(text ?? "").trim();
    if (!/^\d{1,6}$/.test(trimmed)) return null;
    const quantity = Number(trimmed);
    return quantity >= min ? quantity : null;
  };

  const newKey = () => {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  };

  // ---- Saved cart -----------------------------------------------------------

  // When localStorage is disabled or full, the cart lives as long as the page.
  let memory = null;
  const saved = {
    get() {
      try {
        return JSON.parse(localStorage.getItem(storageKey)) ?? memory;
      } catch {
        return memory;
      }
    },
    set(value) {
      memory = value;
      try {
        localStorage.setItem(storageKey, JSON.stringify(value));
      } catch {
        // Kept in memory only.
      }
    },
    clear() {
      memory = null;
      try {
        localStorage.removeItem(storageKey);
      } catch {
        // Nothing stored.
      }
    },
  };

  const itemCount = (cart) => (cart.lines || []).reduce((sum, line) => sum + line.quantity, 0);

  const remember = (cart) => {
    saved.set({ id: cart.id, count: itemCount(cart) });
    updateCount();
  };

  function updateCount() {
    const count = (saved.get() || {}).count || 0;
    for (const badge of document.querySelectorAll("[data-cart-count]")) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
      const link = badge.closest("a");
      if (!link) continue;
      if (count > 0) link.setAttribute("aria-label", format(plural("cart_link", count), { count }));
      else link.removeAttribute("aria-label");
    }
  }

  // ---- Edge API -------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, code, field, status) {
      super(message);
      this.code = code;
      this.field = field;
      this.status = status;
    }
  }

  async function request(method, path, body, idempotencyKey) {
    const headers = { Accept: "application/json", "Accept-Language": api.locale };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;

    let response;
    try {
      response = await fetch(api.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      throw new ApiError(strings.network_error, "network_error");
    }

    let payload = null;
    try {
      payload = await response.json();
    } catch {
      // Not JSON: a proxy or CDN page, handled below.
    }
    if (response.ok && payload) return payload;

    const error = payload && payload.error;
    if (error && error.message) throw new ApiError(error.message, error.code, error.field, response.status);
    // A gateway error without the edge's JSON means the edge is down or unreachable.
    const unreachable = [502, 503, 504].includes(response.status);
    throw new ApiError(unreachable ? strings.network_error : strings.server_error, "unexpected_response", undefined, response.status);
  }

  const cartPath = (id) => `/carts/${encodeURIComponent(id)}`;

  // A 404 without a field means the cart itself is gone (expired or deleted).
  const cartGone = (error) => error.status === 404 && !error.field;

  async function createCart() {
    const cart = await request("POST", "/carts", {
      store: api.store,
      currency: api.currency,
      locale: api.locale,
    }, newKey());
    remember(cart);
    return cart;
  }

  async function addLine(sku, quantity) {
    const current = saved.get();
    const id = current && current.id ? current.id : (await createCart()).id;
    const body = { sku, quantity };
    try {
      const cart = await request("POST", `${cartPath(id)}/lines`, body);
      remember(cart);
      return cart;
    } catch (error) {
      if (!cartGone(error)) throw error;
      const fresh = await createCart();
      const cart = await request("POST", `${cartPath(fresh.id)}/lines`, body);
      remember(cart);
      return cart;
    }
  }

  // ---- Shared rendering -----------------------------------------------------

  function showStatus(element, message, kind, link) {
    if (!element) return;
    element.textContent = message;
    element.classList.toggle("is-error", kind === "error");
    element.classList.toggle("is-success", kind === "success");
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      element.append(" ", anchor);
    }
  }

  function fillLine(row, line, index) {
    for (const title of row.querySelectorAll('[data-line="title"]')) title.textContent = line.title;
    for (const field of ["unit_price", "line_total"]) {
      const cell = row.querySelector(`[data-line="${field}"]`);
      if (cell) cell.textContent = money(line[field]);
    }
    const quantityText = row.querySelector('[data-line="quantity-text"]');
    if (quantityText) quantityText.textContent = String(line.quantity);
    const backorder = row.querySelector('[data-line="backorder"]');
    if (backorder) {
      backorder.textContent = (line.backorder && line.backorder.message) || "";
      backorder.hidden = !backorder.textContent;
    }

    const link = row.querySelector('[data-line="link"]');
    if (link && line.url) link.href = line.url;
    else if (link) link.replaceWith(...link.childNodes);

    const input = row.querySelector('[data-line="quantity"]');
    if (input) {
      input.id = `cart-quantity-${index}`;
      input.value = String(line.quantity);
      input.dataset.sku = line.sku;
      input.dataset.previous = String(line.quantity);
      const label = row.querySelector('[data-line="quantity-label"]');
      if (label) {
        label.htmlFor = input.id;
        label.textContent = format(strings.line_quantity_label, { title: line.title });
      }
    }
    const remove = row.querySelector('[data-line="remove"]');
    if (remove) {
      remove.dataset.sku = line.sku;
      remove.dataset.title = line.title;
    }
  }

  function renderCart(root, cart) {
    const empty = !cart || !(cart.lines || []).length;
    const emptyView = root.querySelector("[data-cart-empty]");
    const contents = root.querySelector("[data-cart-contents]");
    if (emptyView) emptyView.hidden = !empty;
    if (contents) contents.hidden = empty;
    if (empty) return;

    const list = root.querySelector("[data-cart-lines]");
    const template = root.querySelector("template[data-cart-line-template]");
    if (list && template) {
      list.replaceChildren();
      cart.lines.forEach((line, index) => {
        const fragment = template.content.cloneNode(true);
        fillLine(fragment, line, index);
        list.append(fragment);
      });
    }

    const warnings = root.querySelector("[data-cart-warnings]");
    if (warnings) {
      warnings.replaceChildren(...(cart.warnings || []).map((warning) => {
        const item = document.createElement("li");
        item.textContent = typeof warning === "string" ? warning : warning.message;
        return item;
      }));
      warnings.hidden = !warnings.children.length;
    }

    fillTotals(root, cart, false);
  }

  // The checkout page contains two sets of totals, the cart's and the order's in
  // the confirmation. `inConfirmation` picks one of them.
  const totalsElements = (root, selector, inConfirmation) => Array.from(root.querySelectorAll(selector))
    .filter((element) => Boolean(element.closest("[data-confirmation]")) === inConfirmation);

  // Fills the totals from a cart or an order, which name their totals alike.
  function fillTotals(root, source, inConfirmation) {
    for (const total of totalsElements(root, "[data-total]", inConfirmation)) {
      let value = source[total.dataset.total];
      // Shipping is `{method, label, amount…}`, the other totals are money objects.
      if (value && value.amount && typeof value.amount === "object") value = value.amount;
      total.textContent = value && value.amount === 0 ? strings.shipping_free : money(value);
    }
    for (const row of totalsElements(root, '[data-total-row="shipping"]', inConfirmation)) {
      row.hidden = !source.shipping;
    }
  }

  function showCartError(root, message) {
    const box = root.querySelector("[data-cart-error]");
    if (box) {
      box.textContent = message;
      box.hidden = !message;
    }
  }

  // Loads the saved cart and renders it. Returns the cart, or null when there
  // is none or it cannot be loaded (the error is then shown).
  async function loadCart(root) {
    const current = saved.get();
    if (!current || !current.id) {
      renderCart(root, null);
      return null;
    }
    const loading = root.querySelector("[data-cart-loading]");
    if (loading) loading.hidden = false;
    try {
      const cart = await request("GET", cartPath(current.id));
      if (cart.checked_out) {
        // The cart became an order: the next visit starts a new one.
        saved.clear();
        updateCount();
        renderCart(root, null);
        return null;
      }
      remember(cart);
      renderCart(root, cart);
      return cart;
    } catch (error) {
      if (cartGone(error)) {
        saved.clear();
        updateCount();
        renderCart(root, null);
        showCartError(root, strings.cart_expired);
      } else {
        showCartError(root, error.message);
      }
      return null;
    } finally {
      if (loading) loading.hidden = true;
    }
  }

  // ---- Menu -----------------------------------------------------------------

  // Turns each parent of the nested-list menu into a link plus a disclosure
  // button; without this script the sub-lists simply stay visible.
  function enhanceMenu(nav) {
    let counter = 0;
    for (const item of nav.querySelectorAll(".has-children")) {
      const link = item.querySelector(":scope > a");
      const list = item.querySelector(":scope > ul");
      if (!link || !list) continue;
      counter += 1;
      list.id = list.id || `submenu-${counter}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "submenu-toggle";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", list.id);
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = format(strings.submenu, { label: link.textContent.trim() });
      button.append(label);
      link.after(button);
    }

    const closeAll = (except) => {
      for (const toggle of nav.querySelectorAll('.submenu-toggle[aria-expanded="true"]')) {
        if (except && toggle.parentElement.contains(except)) continue;
        toggle.setAttribute("aria-expanded", "false");
      }
    };

    nav.addEventListener("click", (event) => {
      const button = event.target.closest(".submenu-toggle");
      if (!button) return;
      const open = button.getAttribute("aria-expanded") !== "true";
      closeAll(button);
      button.setAttribute("aria-expanded", String(open));
    });
    nav.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      const open = event.target.closest(".has-children");
      const button = open && open.querySelector(':scope > .submenu-toggle[aria-expanded="true"]');
      const target = button || (open && open.parentElement.closest(".has-children")
        ?.querySelector(':scope > .submenu-toggle[aria-expanded="true"]'));
      if (!target) return;
      target.setAttribute("aria-expanded", "false");
      target.focus();
    });
    nav.addEventListener("focusout", (event) => {
      if (!nav.contains(event.relatedTarget)) closeAll();
    });
    document.addEventListener("click", (event) => {
      if (!nav.contains(event.target)) closeAll();
    });
    nav.dataset.enhanced = "";
  }

  // ---- Product page ---------------------------------------------------------

  function availabilityText(info, backorderDays) {
    if (info.available === false) return strings.stock_out;
    if (typeof info.quantity === "number" && info.quantity > 0) {
      return data.show_stock_count ? format(strings.stock_count, { count: info.quantity }) : strings.stock_in;
    }
    if (info.backorder) {
      const days = typeof info.backorder === "number" ? info.backorder : backorderDays;
      return days > 0 ? format(strings.stock_backorder_days, { days }) : strings.stock_backorder;
    }
    return strings.stock_in;
  }

  function initProductPage(form) {
    const status = form.querySelector("[data-cart-status]");
    const button = form.querySelector("[data-add-button]");
    const quantityInput = form.elements.namedItem("quantity");
    const priceAmount = document.querySelector("[data-price] .price-amount");
    const product = form.closest("[data-product]");
    const backorderDays = Number(product && product.dataset.backorderDays) || 0;
    const live = new Map();

    const selectedSku = () => {
      const input = form.querySelector('input[name="sku"]:checked, input[name="sku"][type="hidden"]');
      return input ? input.value : null;
    };
    const refreshButton = () => {
      const info = live.get(selectedSku());
      button.disabled = Boolean(info && info.available === false);
    };

    form.addEventListener("change", (event) => {
      if (event.target.name !== "sku") return;
      if (priceAmount && event.target.dataset.priceText) priceAmount.textContent = event.target.dataset.priceText;
      refreshButton();
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const quantity = parseQuantity(quantityInput.value, 1);
      if (quantity === null) {
        quantityInput.setAttribute("aria-invalid", "true");
        showStatus(status, strings.quantity_invalid, "error");
        quantityInput.focus();
        return;
      }
      quantityInput.removeAttribute("aria-invalid");
      button.disabled = true;
      showStatus(status, strings.adding);
      try {
        await addLine(selectedSku(), quantity);
        showStatus(status, strings.added, "success", { href: links.cart, text: strings.view_cart });
      } catch (error) {
        showStatus(status, error.message, "error");
      } finally {
        button.disabled = false;
        refreshButton();
      }
    });

    const targets = Array.from(document.querySelectorAll("[data-availability]"));
    const skus = [...new Set(targets.map((target) => target.dataset.availability))];
    if (!skus.length) return;
    const query = `store=${encodeURIComponent(api.store)}&skus=${skus.map(encodeURIComponent).join(",")}`;
    request("GET", `/availability?${query}`).then((result) => {
      for (const target of targets) {
        const info = result[target.dataset.availability];
        if (!info) continue;
        live.set(target.dataset.availability, info);
        target.textContent = availabilityText(info, backorderDays);
      }
      refreshButton();
    }, () => {
      // The page keeps the availability written at build time and shows a note
      // that live stock could not be checked.
      showStatus(status, strings.stock_unknown);
    });
  }

  // ---- Cart page ------------------------------------------------------------

  async function initCartPage(root) {
    const status = root.querySelector("[data-cart-status]");

    // The product form without this script, or an "add to cart" link, arrives
    // here as ?sku=…&quantity=…: add the line once, then drop the query.
    const params = new URLSearchParams(location.search);
    if (params.has("sku")) {
      history.replaceState(null, "", location.pathname);
      try {
        await addLine(params.get("sku"), parseQuantity(params.get("quantity") || "1", 1) || 1);
      } catch (error) {
        showCartError(root, error.message);
      }
    }
    await loadCart(root);

    const change = async (sku, quantity, message, focusSku) => {
      const current = saved.get();
      if (!current) return;
      showCartError(root, "");
      try {
        const path = `${cartPath(current.id)}/lines/${encodeURIComponent(sku)}`;
        const cart = quantity === 0
          ? await request("DELETE", path)
          : await request("PATCH", path, { quantity });
        remember(cart);
        renderCart(root, cart);
        showStatus(status, message);
        const next = root.querySelector(`[data-line="quantity"][data-sku="${CSS.escape(focusSku || "")}"]`)
          || root.querySelector('[data-line="quantity"]')
          || root.querySelector("[data-cart-empty] a");
        if (next) next.focus();
      } catch (error) {
        if (cartGone(error)) {
          saved.clear();
          updateCount();
          renderCart(root, null);
          showCartError(root, strings.cart_expired);
        } else {
          showCartError(root, error.message);
        }
      }
    };

    root.addEventListener("change", (event) => {
      const input = event.target.closest('[data-line="quantity"]');
      if (!input) return;
      const quantity = parseQuantity(input.value, 0);
      if (quantity === null) {
        input.value = input.dataset.previous;
        showCartError(root, strings.line_quantity_invalid);
        input.focus();
        return;
      }
      const title = input.closest("tr, li")?.querySelector('[data-line="title"]')?.textContent || "";
      const message = quantity === 0 ? format(strings.line_removed, { title }) : strings.cart_updated;
      change(input.dataset.sku, quantity, message, input.dataset.sku);
    });
    root.addEventListener("click", (event) => {
      const button = event.target.closest('[data-line="remove"]');
      if (!button) return;
      change(button.dataset.sku, 0, format(strings.line_removed, { title: button.dataset.title }));
    });
  }

  // ---- Checkout page --------------------------------------------------------

  // Form fields are named after the API's paths (`customer.email`,
  // `billing_address.city`…), so the body is built from the names and an error's
  // `field` points back at its input.
  function collectForm(form) {
    const body = {};
    for (const element of form.elements) {
      if (!element.name || element.matches(":disabled")) continue;
      let value;
      if (element.type === "checkbox") value = element.checked;
      else if (element.type === "radio") {
        if (!element.checked) continue;
        value = element.value;
      } else {
        value = element.value.trim();
        if (value === "") continue;
      }
      const path = element.name.split(".");
      let target = body;
      for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
      target[path[path.length - 1]] = value;
    }
    return body;
  }

  function clearFieldErrors(form) {
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const input of form.querySelectorAll('[aria-invalid="true"]')) {
      input.removeAttribute("aria-invalid");
      const describedBy = (input.getAttribute("aria-describedby") || "")
        .split(" ").filter((id) => id && id !== `${input.id}-error`).join(" ");
      if (describedBy) input.setAttribute("aria-describedby", describedBy);
      else input.removeAttribute("aria-describedby");
    }
  }

  function showCheckoutError(form, error) {
    const box = form.querySelector("[data-checkout-error]");
    const field = error.field || "";
    const candidates = field ? Array.from(form.elements).filter((element) =>
      !element.matches(":disabled") && (element.name === field || element.name.startsWith(`${field}.`))) : [];
    // In a group of radio buttons, the one at fault is the chosen one.
    const input = candidates.find((element) => element.type !== "radio" || element.checked) || candidates[0];

    box.replaceChildren();
    const summary = document.createElement("p");
    summary.textContent = strings.checkout_failed;
    const detail = document.createElement("p");
    if (input && input.id) {
      const link = document.createElement("a");
      link.href = `#${input.id}`;
      link.textContent = error.message;
      detail.append(link);
      const slot = form.querySelector(`[data-error-for="${CSS.escape(input.name)}"]`);
      if (slot) {
        slot.textContent = error.message;
        slot.hidden = false;
        if (slot.id) input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${slot.id}`.trim());
      }
      input.setAttribute("aria-invalid", "true");
    } else if (field.startsWith("lines")) {
      detail.append(error.message, " ");
      const link = document.createElement("a");
      link.href = links.cart;
      link.textContent = strings.view_cart;
      detail.append(link);
    } else {
      detail.textContent = error.message;
    }
    box.append(summary, detail);
    box.hidden = false;
    box.focus();
  }

  // The order a customer reads bank details in; keys the edge adds later come last.
  const PAYMENT_DETAIL_ORDER = ["account_holder", "payable_to", "iban", "bic", "address", "reference", "amount"];

  function paymentDetails(instructions) {
    const list = document.createElement("dl");
    const rank = (key) => {
      const index = PAYMENT_DETAIL_ORDER.indexOf(key);
      return index === -1 ? PAYMENT_DETAIL_ORDER.length : index;
    };
    const entries = Object.entries(instructions).sort(([a], [b]) => rank(a) - rank(b));
    for (const [key, value] of entries) {
      const label = strings[`payment_${key}`];
      if (!label || value === null || typeof value === "object" && !value.formatted) continue;
      const row = document.createElement("div");
      const term = document.createElement("dt");
      const description = document.createElement("dd");
      term.textContent = label;
      description.textContent = typeof value === "object" ? money(value) : String(value);
      row.append(term, description);
      list.append(row);
    }
    return list;
  }

  // Shows an order: the one just placed, or, with `tracking`, the one the order
  // link of an email opens.
  function showConfirmation(root, order, paymentMethod, tracking = false) {
    root.querySelector("[data-cart-contents]").hidden = true;
    const view = root.querySelector("[data-confirmation]");
    const box = view.querySelector("[data-payment-instructions]");
    const text = view.querySelector("[data-payment-text]");
    const details = view.querySelector("[data-payment-details]");
    const instructions = order.payment_instructions || (order.payment && order.payment.instructions);
    // Payment instructions only matter until the payment arrives.
    const pending = !order.status || order.status === "pending";

    if (tracking) {
      const title = view.querySelector("[data-confirmation-title]");
      if (title) title.textContent = strings.order_title;
      const sent = view.querySelector("[data-confirmation-email]");
      if (sent) sent.hidden = true;
    }
    const statusRow = view.querySelector("[data-order-status-row]");
    if (statusRow && order.status_label) {
      statusRow.querySelector("[data-order-status]").textContent = order.status_label;
      statusRow.hidden = false;
    }
    showOrderDetails(root, view, order);

    if (!pending) {
      box.hidden = true;
    } else if (typeof instructions === "string") {
      text.textContent = instructions;
      box.hidden = false;
    } else if (instructions && typeof instructions === "object") {
      text.textContent = instructions.text || instructions.message || "";
      details.replaceWith(paymentDetails(instructions));
      box.hidden = false;
    } else {
      // The edge gave no instructions: show the ones rendered for this method.
      const template = view.querySelector(`template[data-payment-template="${CSS.escape(paymentMethod || "")}"]`);
      if (template) {
        text.replaceWith(template.content.cloneNode(true));
        details.remove();
        box.hidden = false;
      }
    }

    const total = order.total || (order.totals && order.totals.total);
    for (const number of view.querySelectorAll("[data-order-number]")) number.textContent = order.number;
    for (const amount of view.querySelectorAll("[data-order-total]")) amount.textContent = money(total);
    view.hidden = false;
    view.focus();
  }

  // The order's lines and totals, under its number.
  function showOrderDetails(root, view, order) {
    const block = view.querySelector("[data-order-details]");
    const list = view.querySelector("[data-order-lines]");
    const template = root.querySelector("template[data-cart-line-template]");
    if (!block || !list || !template || !(order.lines || []).length) return;
    list.replaceChildren();
    order.lines.forEach((line, index) => {
      const fragment = template.content.cloneNode(true);
      fillLine(fragment, line, index);
      list.append(fragment);
    });
    fillTotals(view, order, true);
    block.hidden = false;
  }

  // Tells a visitor back from the card payment page how the payment went, above
  // the order. `outcome` is the `payment` parameter of the return URL the edge
  // gave the provider: `success` or `cancel`. The provider's webhook may arrive
  // after the visitor, so a paid order can still read `pending` here.
  function showPaymentNotice(view, order, outcome) {
    if (outcome !== "success" && outcome !== "cancel") return;
    const pending = !order.status || order.status === "pending";
    const notice = document.createElement("div");
    notice.className = outcome === "cancel" ? "notice notice-error" : "notice";
    notice.setAttribute("role", "status");
    notice.dataset.paymentNotice = outcome;
    const summary = document.createElement("p");
    notice.append(summary);

    if (outcome === "success") {
      summary.textContent = strings.payment_received;
      if (pending) {
        const detail = document.createElement("p");
        detail.textContent = strings.payment_confirming;
        notice.append(detail);
      }
    } else {
      summary.textContent = strings.payment_cancelled;
      // While the order waits for its payment, the provider's page may still be
      // open; otherwise the way back is the cart.
      const retryUrl = pending && order.payment && order.payment.redirect_url;
      const retry = retryUrl && new URL(retryUrl, location.href);
      const link = document.createElement("a");
      if (retry && (retry.protocol === "https:" || retry.protocol === "http:")) {
        link.href = retry.href;
        link.textContent = strings.payment_retry;
      } else {
        link.href = links.cart;
        link.textContent = strings.view_cart;
      }
      const action = document.createElement("p");
      action.append(link);
      notice.append(action);
    }

    const title = view.querySelector("[data-confirmation-title]");
    if (title) title.after(notice);
    else view.prepend(notice);
  }

  // Opens the order named by the order link of an email, `?order=…&token=…`, or by
  // the return URL of the card payment page, which adds `&payment=success|cancel`.
  async function trackOrder(root, orderId, token, paymentOutcome) {
    const loading = root.querySelector("[data-cart-loading]");
    if (loading) {
      loading.textContent = strings.order_loading;
      loading.hidden = false;
    }
    try {
      const query = new URLSearchParams({ token });
      const order = await request("GET", `/orders/${encodeURIComponent(orderId)}?${query}`);
      showConfirmation(root, order, order.payment && order.payment.method, true);
      showPaymentNotice(root.querySelector("[data-confirmation]"), order, paymentOutcome);
    } catch (error) {
      // The edge returns 404 for a wrong token, as for an unknown order. A 403
      // (from a proxy, say) gets the same message.
      const notFound = error.status === 404 || error.status === 403;
      showCartError(root, notFound ? strings.order_not_found : error.message);
    } finally {
      if (loading) loading.hidden = true;
    }
  }

  async function initCheckoutPage(root) {
    const params = new URLSearchParams(location.search);
    if (params.get("order") && params.get("token")) {
      await trackOrder(root, params.get("order"), params.get("token"), params.get("payment"));
      return;
    }

    const form = root.querySelector("[data-checkout-form]");
    const cart = await loadCart(root);
    if (!cart || !form) return;

    const same = form.querySelector("[data-shipping-same]");
    const section = form.querySelector("[data-shipping-address-section]");
    const address = form.querySelector("[data-shipping-address]");
    const updateShipping = () => {
      const method = form.querySelector('input[name="shipping_method"]:checked');
      const pickup = Boolean(method && method.dataset.kind === "pickup");
      if (section) section.hidden = pickup;
      if (address) {
        const hide = pickup || (same && same.checked);
        address.hidden = hide;
        address.disabled = hide;
      }
    };
    // The summary's total includes shipping, quoted by the edge for the chosen
    // method and the destination country: French law requires the full price
    // before the order is placed.
    const shippingSlot = form.querySelector('[data-error-for="shipping_method"]');
    const destination = () => {
      const shippingCountry = form.querySelector('[name="shipping_address.country"]');
      const billingCountry = form.querySelector('[name="billing_address.country"]');
      const field = shippingCountry && !shippingCountry.matches(":disabled") ? shippingCountry : billingCountry;
      return field ? field.value.trim() : "";
    };
    const unquoted = cart;
    let quoteSequence = 0;
    const quoteShipping = async () => {
      const method = form.querySelector('input[name="shipping_method"]:checked');
      const current = saved.get();
      if (!method || !current || !current.id) return;
      // Only the response to the latest change is shown.
      quoteSequence += 1;
      const sequence = quoteSequence;
      const query = new URLSearchParams({ shipping_method: method.value });
      const country = destination();
      if (country) query.set("country", country);
      try {
        const quoted = await request("GET", `${cartPath(current.id)}?${query}`);
        if (sequence !== quoteSequence) return;
        if (shippingSlot) {
          shippingSlot.hidden = true;
          shippingSlot.textContent = "";
        }
        remember(quoted);
        renderCart(root, quoted);
      } catch (error) {
        if (sequence !== quoteSequence) return;
        if (cartGone(error)) {
          saved.clear();
          updateCount();
          renderCart(root, null);
          showCartError(root, strings.cart_expired);
          return;
        }
        // The method cannot ship there. The message goes beside the methods, and
        // the summary shows the goods without a stale shipping price.
        if (shippingSlot) {
          shippingSlot.textContent = error.message;
          shippingSlot.hidden = false;
        }
        renderCart(root, { ...unquoted, shipping: undefined });
      }
    };

    form.addEventListener("change", (event) => {
      const name = event.target.name;
      if (event.target === same || name === "shipping_method") updateShipping();
      if (event.target === same || name === "shipping_method"
        || name === "billing_address.country" || name === "shipping_address.country") quoteShipping();
    });
    updateShipping();
    await quoteShipping();

    const submit = form.querySelector("[data-checkout-submit]");
    const status = form.querySelector("[data-checkout-status]");
    let lastBody = "";
    let idempotencyKey = "";

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFieldErrors(form);
      form.querySelector("[data-checkout-error]").hidden = true;

      const body = collectForm(form);
      body.cart_id = saved.get()?.id;
      // The billing address is the customer's, so it takes their name and company.
      if (body.billing_address && body.customer) {
        body.billing_address.name = body.billing_address.name || body.customer.name;
        if (body.customer.company) body.billing_address.company = body.billing_address.company || body.customer.company;
      }
      body.marketing_consent = { email: Boolean(body.marketing_consent && body.marketing_consent.email) };
      // The same order sent twice (a double click, a retry after a timeout)
      // reuses its key, so the edge creates one order. A changed form gets a new key.
      const serialized = JSON.stringify(body);
      if (serialized !== lastBody) {
        lastBody = serialized;
        idempotencyKey = newKey();
      }

      submit.disabled = true;
      showStatus(status, strings.checkout_sending);
      try {
        const order = await request("POST", "/checkout", body, idempotencyKey);
        saved.clear();
        updateCount();
        const redirectUrl = order.redirect_url || (order.payment && order.payment.redirect_url);
        const redirect = redirectUrl && new URL(redirectUrl, location.href);
        if (redirect && (redirect.protocol === "https:" || redirect.protocol === "http:")) {
          showStatus(status, strings.redirecting);
          location.assign(redirect.href);
          return;
        }
        showStatus(status, "");
        showConfirmation(root, order, body.payment_method);
      } catch (error) {
        showStatus(status, "");
        if (cartGone(error)) {
          saved.clear();
          updateCount();
        }
        showCheckoutError(form, error);
      } finally {
        submit.disabled = false;
      }
    });
  }

  // ---- Start ----------------------------------------------------------------

  updateCount();
  window.addEventListener("storage", (event) => {
    if (event.key === storageKey) updateCount();
  });
  window.addEventListener("pageshow", updateCount);

  const nav = document.querySelector("[data-menu]");
  if (nav) enhanceMenu(nav);
  const productForm = document.querySelector("[data-add-to-cart]");
  if (productForm) initProductPage(productForm);
  const cartRoot = document.querySelector("[data-cart]");
  if (cartRoot) initCartPage(cartRoot);
  const checkoutRoot = document.querySelector("[data-checkout]");
  if (checkoutRoot) initCheckoutPage(checkoutRoot);
})();

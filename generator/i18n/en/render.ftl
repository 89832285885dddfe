# render messages (en). Every id must exist in both languages.

render-file-unreadable = cannot read this file: { $error }
render-file-not-utf8 = this file is not valid UTF-8 ({ $error }): save it as UTF-8
render-theme-not-found = store `{ $store }` uses theme `{ $theme }`, which does not exist: there is no folder themes/{ $theme }/ in the shop and no built-in theme of that name. Built-in themes: { $builtin }
render-theme-toml-missing = theme `{ $theme }` has no theme.toml: add one with at least `name = "…"`
render-theme-toml-invalid = invalid theme.toml: { $error }
render-theme-setting-unknown = store `{ $store }` sets `{ $key }` in theme_settings, but theme `{ $theme }` has no such setting. Settings of this theme: { $known }
render-theme-setting-type = store `{ $store }` sets theme setting `{ $key }` to a { $found }, but the theme expects a { $expected } (the type of its default)
render-template-syntax = template syntax error: { $error }
render-template-invalid = invalid template: { $error }
render-template-missing = theme `{ $theme }` has no template `{ $template }`, which the { $page } page needs: add templates/{ $template }
render-template-failed = rendering { $template } failed for { $path } (and { $others } other pages with the same error): { $error }
render-page-template-missing = this page uses template `{ $template }`, which theme `{ $theme }` does not have: add templates/{ $template } or remove `template`
render-ftl-syntax = Fluent syntax error: { $error }
render-css-invalid = CSS error: { $error }
render-browsers-invalid = invalid browser query `{ $query }` in `browsers`: { $error }
render-path-conflict = two outputs of store `{ $store }` have the same path { $path }: { $first } and { $second }. Change the slug of one of them
render-price-missing = store `{ $store }` has no price for sku `{ $sku }` in { $currency }, so the product is shown without an order button: { $error }
render-price-failed = store `{ $store }` cannot price sku `{ $sku }`: { $error }
render-tax-rate-missing = store `{ $store }` is in { $country }, which has no VAT rate for class `{ $class }` of sku `{ $sku }`: add `{ $class }` to `[tax.rates.{ $country }]` in site.toml
render-menu-target-missing = the menu links to { $kind } `{ $target }`, which does not exist or is not published
render-shipping-price-missing = shipping method `{ $method }` has no price in { $currency } for store `{ $store }`: add `{ $currency } = "…"` or a price in { $shop_currency } to convert
render-shipping-price-invalid = shipping method `{ $method }`: invalid price { $value }: { $error }
render-write-failed = cannot write { $path }: { $error }
render-asset-unknown = unknown asset `{ $path }`: expected a file of styles/ (main.css), scripts/ or static/. Known assets: { $known }
render-store-unknown = there is no store `{ $store }` in site.toml. Stores: { $known }
render-consent-script = the script of consent service `{ $service }` cannot be held until consent ({ $error }): keep only `<script>` elements in `[consent.services.{ $service }] script`

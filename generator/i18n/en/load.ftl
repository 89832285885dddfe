# load messages (en). Every id must exist in both languages.
# Each message names the value at fault and the fix.

## Files

io-read-failed = cannot read `{ $path }`: { $error }. Check that the file exists, is readable and is UTF-8 text.
io-link-loop = `{ $path }` is a symbolic link to `{ $target }`, a folder that contains it, so following it never ends. Remove the link or point it outside `{ $target }`.
io-link-broken = cannot follow the symbolic link `{ $path }`: { $error }. Point the link to an existing, readable file or folder, or remove it.
content-unexpected-file = `{ $path }` is not where the shop format expects content: put products in content/products/, categories in content/categories/, pages directly in content/pages/ and CSV files directly in content/catalog/.

## site.toml

settings-missing = no site.toml in `{ $root }`: run the command from the shop folder, or create site.toml with a `[shop]` table and at least one `[[stores]]`.
settings-invalid = invalid site.toml: { $detail }
settings-unknown-key = unknown key `{ $key }` in site.toml: fix its spelling or remove it. Valid keys here: { $valid }.
settings-missing-key = missing key `{ $key }` in site.toml: add it to this table.
settings-unknown-value = invalid value `{ $value }` in site.toml: use one of { $valid }.
settings-invalid-siret = invalid SIRET `{ $value }`: a SIRET has 14 digits (spaces allowed), as printed on the Kbis extract.
settings-siret-checksum = SIRET `{ $value }` fails its checksum, so a digit is probably mistyped: copy it again from the Kbis extract or the INSEE directory.
settings-invalid-email = invalid email `{ $value }`: expected an address such as `contact@example.fr`.
settings-unknown-shop-price-list = `[shop] price_list = "{ $list }"` is not declared: add `[price_lists.{ $list }]` or use one of: { $valid }.
settings-unknown-fallback = price list `{ $list }` falls back to `{ $fallback }`, which is not declared: add `[price_lists.{ $fallback }]` or use one of: { $valid }.
settings-fallback-loop = price list `{ $list }` falls back to itself through its fallbacks: remove one `fallback` of the loop.
settings-unknown-currency-code = unknown currency code `{ $code }`: write an ISO 4217 code such as EUR, CHF or USD.
settings-rate-not-positive = the rate of `[currencies.{ $code }]` is { $value }: set the number of { $code } for one unit of the shop currency, greater than 0.
settings-invalid-vat-rate = invalid VAT rate `{ $value }` for class `{ $class }` in `[tax.rates.{ $country }]`: write a percentage between 0 and 100 with at most two decimals, such as `20` or `5.5`.
settings-no-store = no store is declared: add at least one `[[stores]]` table.
settings-duplicate-store-id = store id `{ $store }` is used twice: give each store its own id.
settings-invalid-store-id = invalid store id `{ $store }`: use lowercase letters, digits and `-`, such as `fr` or `pro-ch`.
settings-invalid-base-url = invalid base_url `{ $value }` for store `{ $store }`: expected an absolute URL such as `https://boutique.example`.
settings-store-without-locale = store `{ $store }` has no locale: list at least one, the default first, such as `["fr", "en"]`.
settings-store-without-currency = store `{ $store }` has no currency: list at least one, the default first, such as `["EUR"]`.
settings-store-duplicate-value = store `{ $store }` lists `{ $value }` twice in `{ $key }`: remove the repeat.
settings-currency-without-rate = store `{ $store }` sells in { $currency } but `[currencies.{ $currency }]` is missing: add it with a `rate` (units of { $currency } for one { $shop_currency }) so prices without an explicit { $currency } amount can be converted.
settings-unknown-store-price-list = store `{ $store }` uses price list `{ $list }`, which is not declared: add `[price_lists.{ $list }]` or use one of: { $valid }.
settings-invalid-country = invalid country `{ $value }`: expected an ISO 3166 code in capitals, such as `FR`.
settings-country-without-vat = store `{ $store }` is in { $country } but no VAT rate is set for it: add `[tax.rates.{ $country }]` with at least `standard`.
settings-unknown-shipping-method = store `{ $store }` offers shipping method `{ $method }`, which is not declared: add `[shipping.{ $method }]` or use one of: { $valid }.
settings-unknown-payment-method = store `{ $store }` offers payment method `{ $method }`, which is not declared: add `[payment.{ $method }]` or use one of: { $valid }.
settings-shipping-without-price = shipping method `{ $method }` has no price in { $currency }, which store `{ $store }` sells in: add a { $currency } amount, or one in the shop currency to convert.
settings-bands-not-increasing = the weight bands of shipping method `{ $method }` must grow: `up_to = { $value }` is not above the band before it.
settings-unknown-payment-provider = payment method `{ $method }` uses provider `{ $value }`, which is not supported: use `stripe`.
settings-menu-target = menu entry { $entry } must link to exactly one of `category`, `page`, `product` or `url`.
settings-menu-unknown-store = menu entry { $entry } is limited to store `{ $store }`, which is not declared: use one of: { $valid }.
settings-products-per-page-zero = `[build] products_per_page` is 0: set how many products a category page shows, such as 24.

## Consent ([consent] in site.toml)

settings-consent-empty-version = `[consent] policy_version` is empty: name this version of the policy, such as the date it takes effect: `"2026-12-01"`.
settings-consent-retention = `[consent] retention_months = { $value }` is outside 1 to 13: a cookie choice may be kept 13 months at most (the CNIL recommends 6).
settings-consent-reserved-purpose = purpose `necessary` is built in (cart, language, the consent record): remove `[consent.purposes.necessary]`, or give your purpose another id.
settings-consent-invalid-id = invalid id `{ $id }` in `[consent.{ $kind }]`: use lowercase letters, digits, `-` and `_`, starting with a letter, such as `statistics`.
settings-consent-tracker-needs-consent = purpose `{ $purpose }` has legal basis `{ $basis }` but service `{ $service }` uses trackers for it: set `legal_basis = "consent"`, or `exempt = true` if the CNIL exempts this use from consent.
settings-consent-service-without-purpose = service `{ $service }` serves no purpose: list its purposes, such as `purposes = ["statistics"]`.
settings-consent-unknown-purpose = service `{ $service }` serves purpose `{ $purpose }`, which is not declared: add `[consent.purposes.{ $purpose }]` or use one of: { $valid }.
settings-consent-unknown-preset = service `{ $service }` uses preset `{ $preset }`, which does not exist: use one of { $valid }, or remove `preset` and describe the service with `name`, `provider`, `collects`, `retention` and `script`.
settings-consent-missing-setting = service `{ $service }` (preset `{ $preset }`) needs `{ $setting }`: add it, such as `{ $setting } = "{ $example }"`.
settings-consent-invalid-setting = service `{ $service }`: invalid `{ $setting }` `{ $value }`: expected a value such as `{ $example }`.
settings-consent-unused-setting = service `{ $service }` sets `{ $setting }`, which preset `{ $preset }` does not use: remove it, or fix the preset.
settings-consent-missing-field = service `{ $service }` has no preset, so it needs `{ $field }`: add it, or use a preset.
settings-consent-invalid-url = service `{ $service }`: `privacy_url` `{ $value }` is not a web address: write a full `https://` URL.
settings-consent-script-not-inert = the script of service `{ $service }` contains `{ $element }`, which cannot be held until consent: keep only `<script>` elements and comments, since an image, a frame or text next to them would load or show before consent.
settings-consent-script-unclosed = the script of service `{ $service }` has an element or comment that is never closed: end each `<script>` with `</script>`.
settings-consent-script-missing = service `{ $service }` is of kind `script` but has no script: add `script = "<script …></script>"`, use a preset that provides one, or set `kind = "embed"` or `"none"`.
settings-consent-not-exemptable = service `{ $service }` (preset `{ $preset }`) serves purpose `{ $purpose }`, which is exempt from consent, but the CNIL does not exempt this service: put it under a purpose with `exempt = false`.

## Amounts (site.toml, front matter and CSV)

amount-not-decimal = `{ $field }`: `{ $value }` is not an amount: write it like `24.90`.
amount-too-many-decimals = `{ $field }`: `{ $value }` has more decimals than { $currency } allows ({ $decimals }): round it to { $decimals } decimals.
amount-negative = `{ $field }`: `{ $value }` is negative: a price must be 0 or more.
amount-too-large = `{ $field }`: `{ $value }` is too large to be a price: check the amount.

## Front matter

front-matter-missing = no front matter: start the file with a `+++` line, the TOML fields, then another `+++` line.
front-matter-yaml = front matter in YAML (`---` lines): Comptoir reads TOML between `+++` lines. Replace both `---` lines with `+++` and write each field as TOML, for example `title = "Mug"` instead of `title: Mug`.
front-matter-unclosed = the front matter opened on line 1 is never closed: add a `+++` line after its last field.
front-matter-invalid = invalid front matter: { $detail }
front-matter-unknown-key = unknown key `{ $key }`: fix its spelling, or move a free field under `[extra]`. Valid keys here: { $valid }.
front-matter-missing-key = missing key `{ $key }`: add it to the front matter.
front-matter-unknown-value = invalid value `{ $value }`: use one of { $valid }.
toml-wrong-type = `{ $key }` must be { $expected ->
        [unsigned] a whole number of 0 or more, without quotes
        [integer] a whole number, without quotes
        [number] a number, without quotes, with a decimal point
        [boolean] `true` or `false`, without quotes
        [list] a list, such as `["a", "b"]`
        [amount] an amount, such as `24.90`
       *[text] text in double quotes
    }, not `{ $value }`: write `{ $example }`.
toml-wrong-type-choice = `{ $key }` must be one of { $valid }, in double quotes, not `{ $value }`: write, for example, `{ $example }`.
toml-wrong-type-detail = `{ $key }` must be { $expected ->
        [table] a table, such as `{ $name } = { "{" } key = "value" { "}" }` or a `[{ $key }]` header
       *[other] { $detail }
    }, not `{ $value }`: fix this value.
toml-unclosed = { $kind ->
        [array] the list of `{ $key }` is never closed: add `{ $closer }` after its last value.
        [table] the inline table of `{ $key }` is never closed: add `{ $closer }` after its last value.
       *[text] the multi-line text of `{ $key }` is never closed: add `{ $closer }` where the text ends.
    }

## Products, categories and pages

content-invalid-sku = invalid sku `{ $value }`: use letters, digits, `-`, `_` and `.` only.
content-invalid-slug = invalid slug `{ $value }`: use lowercase letters, digits and single dashes, such as `{ $suggestion }`, or remove `slug` to make it from the title.
content-invalid-stock = `{ $field }`: `{ $value }` is not a stock policy: use one of { $valid }.
content-invalid-number = `{ $field }`: `{ $value }` is not a whole number: write a number of 0 or more without decimals, such as `350`.
content-backorder-days-without-backorder = `backorder_days` is set but the stock policy is `{ $stock }`: set `stock = "backorder"` or remove `backorder_days`.
content-image-relative = image `{ $value }` is neither a path under static/ nor a URL: start it with `/`, such as `/{ $value }`, or give a full `https://` URL.
content-image-missing = image `{ $value }` not found: expected the file `{ $path }`. Add it, or fix the path.
price-unknown-list = `{ $field }`: price list `{ $list }` is not declared: add `[price_lists.{ $list }]` to site.toml or use one of: { $valid }.
price-unknown-currency = `{ $field }`: unknown currency `{ $code }`: write an ISO 4217 code such as EUR or CHF.
price-set-twice = `{ $field }` sets a { $currency } price in list `{ $list }` that `price` already sets: keep one of them.
price-missing = sku `{ $sku }` has no price in price list `{ $list }` for { $currency }, which store `{ $store }` needs: add `price`, or `[prices.{ $list }]` with a { $currency } amount, or give `[price_lists.{ $list }]` a `fallback`.
price-overflow = the price of sku `{ $sku }` is too large once converted to { $currency }: check the amount and the rate.
sku-duplicate = sku `{ $sku }` is already used at { $other }: every product and variant needs its own sku.
slug-duplicate = { $kind ->
    [product] product
    [category] category
   *[page] page
} slug `{ $slug }` (locale { $locale }) is already used at { $other }: set a different `slug` on one of them.
option-duplicate-name = option `{ $option }` is declared twice: merge its values into one `[[options]]`.
option-without-values = option `{ $option }` has no values: list them, such as `values = ["S", "M"]`.
option-duplicate-value = option `{ $option }` lists `{ $value }` twice: remove the repeat.
option-without-variants = product `{ $sku }` declares options but no variant: add `[[variants]]` that choose from them, or remove `[[options]]`.
variant-unknown-option = variant `{ $sku }` sets option `{ $option }`, which the product does not declare: add it to `[[options]]` or use one of: { $valid }.
variant-invalid-option-value = variant `{ $sku }` sets option `{ $option }` to `{ $value }`, which is not one of its values: use one of { $valid }, or add it to the option's values.
variant-missing-option = variant `{ $sku }` does not set option `{ $option }`: every variant sets every option of its product.
variant-duplicate-options = variant `{ $sku }` has the same options as variant `{ $other }` ({ $options }): change the options of one of them.
product-unknown-category = unknown category `{ $value }`: create content/categories/{ $value }.md or use one of: { $valid }.
product-unknown-tax-class = tax class `{ $class }` has no VAT rate in { $country }, where a store sells: add `{ $class }` to `[tax.rates.{ $country }]` in site.toml or use one of: { $valid }.
category-invalid-id = the category file name `{ $value }` cannot be used in a URL: rename it to `{ $suggestion }` (lowercase letters, digits and dashes).
category-missing-parent = category `{ $id }` is inside `{ $parent }`, which has no file: create content/categories/{ $parent }.md.
menu-unknown-category = the menu links to category `{ $value }`, which is not published: use one of: { $valid }.
menu-unknown-page = the menu links to page `{ $value }`, which is not published: use one of: { $valid }.
menu-unknown-product = the menu links to product `{ $value }`, which is not published: use the sku of a published product.
content-unknown-service = `data-service="{ $service }"` names a service that site.toml does not declare: add `[consent.services.{ $service }]` (with `preset = "youtube"` for YouTube, or `name`, `provider`, `collects`, `retention`, `purposes` and `kind = "embed"` for another platform), or use one of: { $valid }.

## Translations

translation-without-base = this translation has no base file: create `{ $base }` in the content language, or rename this file after the file it translates.
translation-fact = `{ $key }` cannot be set in a translation: prices, stock, categories and other facts live in the base file. A translation holds title, description, slug, the body and variant titles.
translation-content-locale = this file translates into { $locale }, the content language: merge it into `{ $base }` and delete it.
translation-unknown-variant = no variant has sku `{ $sku }`: use one of: { $valid }.

## CSV catalogue

csv-invalid = invalid CSV at row { $row }: { $detail }
csv-empty = the CSV file is empty: add a header row such as `sku,title,price`.
csv-unknown-column = unknown column `{ $column }`: fix its name or remove it. Valid columns: { $valid }.
csv-duplicate-column = column `{ $column }` appears twice: keep one.
csv-invalid-locale = column `{ $column }`: `{ $locale }` is not a locale: use a language code such as `en` or `fr-CH`.
csv-missing-sku-column = the header has no `sku` column: add one, every row needs a sku.
csv-missing-title-column = the header has no `title` column, which product rows need: add one with each product's title in the content language.
csv-row-length = this row has { $found } cells but the header has { $expected }: check for a missing or extra comma, and quote values that contain commas.
csv-not-utf8 = column `{ $column }` is not UTF-8 text: save the file as "CSV UTF-8" in your spreadsheet.
csv-file-not-utf8 = `{ $file }` is not UTF-8 text (the spreadsheet probably saved it as Windows-1252 or Latin-1): save the file as "CSV UTF-8" in your spreadsheet and build again.
csv-missing-value = column `{ $column }` is empty: fill it in.
csv-product-option = column `{ $column }` is set on a product row: options belong to variant rows, which set `parent_sku`.
csv-variant-column = column `{ $column }` is set on a variant row: it belongs to the product row of `parent_sku`. Leave it empty here.
csv-unknown-parent = parent_sku `{ $value }` is not the sku of a product row in content/catalog/: add that product row, or fix the sku.
settings-privacy-response = `[privacy] response_months = { $value }`: a personal-data request must be answered within one month (GDPR art. 12(3)); write `response_months = 1` and use `extension_months` for complex requests.
settings-privacy-extension = `[privacy] extension_months = { $value }` is outside 0 to 2: GDPR art. 12(3) allows an extension of two months at most.
settings-privacy-invoice = `[privacy] invoice_years = { $value }` is outside { $low } to { $high }: invoices and credit notes must be kept 10 years (French Commercial Code L123-22); write `invoice_years = 10`.
settings-privacy-contract = `[privacy] contract_years = { $value }` is outside { $low } to { $high }: an electronic contract of 120 € or more must be kept 10 years (French Consumer Code L213-1); write `contract_years = 10`.
settings-privacy-withdrawal = `[privacy] withdrawal_days = { $value }` is outside { $low } to { $high }: the legal withdrawal period is 14 days at least (French Consumer Code L221-18).
settings-privacy-inactive = `[privacy] inactive_years = { $value }` is outside { $low } to { $high }: the CNIL allows marketing data to be kept 3 years at most after the last contact.
settings-privacy-hours = `[privacy] { $key } = { $value }` is outside { $low } to { $high }: choose a value in that range.
settings-privacy-threshold = `[privacy] contract_threshold = { $value }` is negative: write the amount in cents of the shop currency, such as `12000` for 120 €.

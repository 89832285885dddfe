# Comptoir theme, English strings. Every id also exists in fr.ftl.
# Strings prefixed `js-` are read by the cart script: `{ $count }`-style
# variables there receive a placeholder such as `{count}` that the script fills.

## Layout

skip-to-content = Skip to content
nav-main = Main menu
nav-cart = Cart
switch-language = Language
switch-currency = Currency
breadcrumbs = Breadcrumb
footer-information = Information
footer-legal-nav = Legal information
footer-siret = SIRET
footer-vat-number = VAT number
footer-prices-incl = Prices include VAT.
footer-prices-excl = Prices exclude VAT; VAT is added to the order.

## Home and listings

home-categories = Shop by category
home-featured = Featured
category-children = Subcategories
category-products = Products
category-empty = There are no products in this category yet.
products-count = { $count ->
    [0] no products
    [one] { $count } product
   *[other] { $count } products
}
pagination = Pagination
pagination-previous = Previous page
pagination-next = Next page
pagination-page = Page
pagination-page-of = page { $current } of { $total }

## Prices and availability

price-from = From
availability-in-stock = In stock
availability-backorder = On backorder
availability-backorder-days = { $days ->
    [one] On backorder: ships within { $days } day
   *[other] On backorder: ships within { $days } days
}
availability-made-to-order = Made to order

## Product page

product-choose-variant = Choose a variant
product-quantity = Quantity
product-add-to-cart = Add to cart
product-not-sellable = This product is not for sale at the moment.
product-variant-unavailable = Not available in this currency
product-sku = SKU
product-tax-rate = VAT rate
product-weight = Weight
product-weight-grams = { $grams } g
product-categories = Categories
product-details = Description
product-image-alt = { $title }, image { $number } of { $total }

## Cart

cart-title = Your cart
cart-needs-javascript = The cart needs JavaScript. Turn it on in your browser to order, or contact us by email.
cart-loading = Loading your cart…
cart-empty = Your cart is empty.
cart-continue = Continue shopping
cart-table-caption = Items in your cart
cart-product = Product
cart-unit-price = Unit price
cart-quantity = Quantity
cart-line-total = Total
cart-actions = Actions
cart-remove = Remove
cart-subtotal = Subtotal
cart-shipping = Shipping
cart-tax = { $display ->
    [excl] VAT
   *[incl] Including VAT
}
cart-total = Total
cart-tax-note = Prices { $mention }. Shipping is calculated at the next step.
cart-checkout = Check out

## Checkout

checkout-title = Checkout
form-required-intro = Fields marked "required" must be filled in.
form-required = (required)
form-optional = (optional)
checkout-contact = Your details
customer-email = Email address
customer-email-hint = We send the order confirmation there.
customer-name = Full name
customer-phone = Phone
customer-phone-hint = For the carrier, if needed.
customer-company = Company
customer-vat-number = EU VAT number
customer-vat-number-hint = For businesses in the European Union, for example FR12345678901.
checkout-billing-address = Billing address
checkout-shipping-address = Shipping address
checkout-shipping-same = Ship to the billing address
address-name = Recipient
address-street = Street address
address-postal-code = Postal code
address-city = City
address-country = Country
address-country-hint = Two-letter country code, for example FR.
checkout-shipping-method = Shipping method
shipping-free = Free
shipping-free-above = Free on orders over { $amount }
checkout-payment-method = Payment method
payment-kind-card = Secure payment on our payment provider's page.
payment-kind-bank_transfer = We show our bank details after you order; the order ships once the transfer arrives.
payment-kind-cheque = We show where to send the cheque after you order; the order ships once the cheque arrives.
checkout-confirm = Confirmation
checkout-marketing-email = Send me the shop's news by email (you can unsubscribe at any time).
checkout-terms-before = By placing your order, you accept our
checkout-terms-link = terms of sale
checkout-terms-after = .
checkout-terms-plain = By placing your order, you accept our terms of sale.
checkout-submit = Order with obligation to pay
checkout-summary = Order summary
checkout-shipping-note = Shipping costs are confirmed with the order.
checkout-edit-cart = Edit cart

## Confirmation

confirmation-title = Thank you, your order is placed.
confirmation-number = Order number:
confirmation-total = Total:
confirmation-email = A confirmation email is on its way.
confirmation-payment = Payment
confirmation-bank-transfer = Please make the transfer with the order number as the reference. We ship the order once it arrives.
confirmation-cheque = Please send your cheque with the order number written on the back. We ship the order once it arrives.
confirmation-home = Back to the home page
confirmation-status = Status:
confirmation-order-title = Your order
confirmation-order-lines = Items ordered
payment-account-holder = Account holder
payment-iban = IBAN
payment-bic = BIC
payment-reference = Reference
payment-amount = Amount
payment-payable-to = Payable to
payment-address = Send to

## Not found

not-found-title = Page not found
not-found-text = This page does not exist, or no longer does. Its address may have changed.
not-found-home = Back to the home page

## Cart script

js-network-error = The cart service cannot be reached. Check your connection and try again.
js-server-error = The cart service ran into a problem. Try again in a moment.
js-adding = Adding to cart…
js-added = Added to cart.
js-view-cart = View cart
js-quantity-invalid = Enter a whole number, at least 1.
js-line-quantity-invalid = Enter a whole number; 0 removes the item.
js-line-quantity-label = Quantity of { $title }
js-cart-updated = Cart updated.
js-line-removed = { $title } was removed from the cart.
js-cart-expired = Your cart had expired, so it was emptied.
js-cart-link-one = Cart, { $count } item
js-cart-link-other = Cart, { $count } items
js-stock-count = In stock: { $count }
js-stock-backorder-days = On backorder: ships within { $days } days
js-stock-out = Out of stock
js-stock-unknown = Live stock is not available at the moment.
js-submenu = { $label } submenu
js-checkout-sending = Sending your order…
js-checkout-failed = The order was not placed. Fix what is marked and try again.
js-redirecting = Taking you to the payment page…
js-order-loading = Loading the order…
js-order-not-found = This order cannot be found: the link may be incomplete. Copy the whole link from the confirmation email, or contact us.
js-payment-received = Payment received, thank you.
js-payment-confirming = The confirmation may take a few moments: the order stays pending until the payment provider confirms the payment to us.
js-payment-cancelled = Payment cancelled. Your order is recorded but not paid.
js-payment-retry = Resume the payment

## Consent banner and preferences panel
# The policy hash published in /_comptoir/consent.json covers every `consent-`
# string in every locale: keep all banner and panel text here. The only variables
# are `store` and `months` (how long a choice is kept), except in the `consent-embed-`
# strings, which also get `service` and `provider`.

consent-banner-title = Your cookie choices
consent-banner-text = We use the cookies the site needs to work: the cart, the language and the record of your choices. With your consent, we and our partners also use cookies and trackers for:
consent-banner-withdraw = Refusing changes nothing about your purchases. You can change your mind at any time with the "Manage cookies" link at the bottom of every page.
consent-accept-all = Accept all
consent-reject-all = Reject all
consent-customize = Customise
consent-policy-link = Privacy policy
consent-close-banner = Close and reject all
consent-panel-title = Cookie preferences
consent-panel-text = Choose what you accept, purpose by purpose and service by service. The necessary cookies cannot be turned off: without them, the cart and your choices do not work. Your choice is kept for { $months } months, then we ask again.
consent-close-panel = Close the preferences
consent-always-on = Always on
consent-exempt-default = On by default, and you can object to it
consent-legal-basis = Legal basis:
consent-service-switch = Allow
consent-service-collects = Data collected
consent-service-retention = Retention period
consent-service-transfers = Transfers outside the European Union
consent-service-no-transfer = None
consent-service-cookies = Cookies set
consent-service-privacy = The service's privacy policy
consent-save = Save my choices
consent-embed-text = This content is hosted by { $service } ({ $provider }), which may set cookies. It shows once you accept this service.
consent-embed-accept = Accept { $service } and show
consent-embed-open = View on { $service }
consent-manage = Manage cookies

## Privacy policy and record of processing activities (generated pages)

privacy-title = Privacy policy
privacy-version = Version:
privacy-intro = This page explains what personal data we process, why, on which legal basis, how long we keep it, who we share it with, and how to exercise your rights.
privacy-controller = Data controller
privacy-representative = Representative:
privacy-processings = What we process
privacy-purpose = Purpose
privacy-legal-basis = Legal basis
privacy-data = Data processed
privacy-recipients = Recipients
privacy-transfers = Transfers outside the European Union
privacy-no-transfer = None
privacy-retention = Retention period
privacy-cookies = Cookies and trackers
privacy-cookies-intro = The necessary cookies are set without your consent: without them, the cart and your choices do not work. The others are set only with your consent, which you can withdraw at any time as easily as you gave it.
privacy-cookie-name = Cookie
privacy-cookie-service = Set by
privacy-services = Third-party services
privacy-provider = Provider
privacy-service-policy = Its privacy policy
privacy-rights = Your rights
privacy-exercise = To exercise your rights, write to us; we answer within { $delay }:
privacy-authority = You can also lodge a complaint with the
privacy-record-link = Record of processing activities
record-title = Record of processing activities
record-subjects = Data subjects
record-security = Security measures
record-services = Services used

# The "my data" page (data_requests.html). `data-requests-js-` strings are read
# by data-requests.js, which fills `{date}`-style placeholders.
footer-data-requests = My personal data
privacy-exercise-form = To get a copy of your data or have it erased, use the form of the page
data-requests-title = My personal data
data-requests-intro = Here you can get a copy of the data we hold about you, or have it erased. To check that the request comes from you, we send a confirmation link to your email address. We answer within { $delay } of your request.
data-requests-no-script = This form needs JavaScript. You can also send your request by email to
data-requests-form-title = Make a request
data-requests-kind = What do you want?
data-requests-export = A copy of my data
data-requests-export-detail = Your details, addresses, orders, carts, consents and subscriptions, as a JSON or CSV file and a readable page. Each download link works once and for { $hours ->
    [one] one hour
   *[other] { $hours } hours
}.
data-requests-erasure = Erase my data
data-requests-erasure-detail = Your account, carts, subscriptions and consents are deleted. Invoices are kept as long as the law requires, with only what they must show. An order not yet shipped, or still within its withdrawal period, is erased once it closes.
data-requests-email = Your email address
data-requests-email-hint = The address you order with. The confirmation link is valid for { $hours ->
    [one] one hour
   *[other] { $hours } hours
}.
data-requests-send = Send the request
data-requests-sent = Request received. Check your mailbox and follow the link in our email to confirm it. The link is valid for { $hours ->
    [one] one hour
   *[other] { $hours } hours
}. If no email arrives, check your spam folder.
data-requests-confirm-title = Confirm your request
data-requests-confirm-intro = You opened the link from our email. Confirm to go ahead. The link then stops working.
data-requests-confirm = Confirm my request
data-requests-export-ready = Your data is ready. Download it in the format you need:
data-requests-download-json = JSON file (for another service)
data-requests-download-csv = CSV file (for a spreadsheet)
data-requests-download-html = Readable page
data-requests-export-once = Each link works once.
data-requests-erasure-emailed = We have also emailed you this report.
data-requests-other-title = Other requests
data-requests-other = To have your data corrected, to object to a processing, or for any other question about your data, write to us at
data-requests-by-post = or by post to
data-requests-policy-link = Read our privacy policy
data-requests-js-sending = Sending…
data-requests-js-confirming = Confirming…
data-requests-js-email-invalid = Enter an email address such as name@example.com.
data-requests-js-throttled = Too many requests were sent for this address or from this connection. Try again later.
data-requests-js-token-invalid = This link has expired or was already used. Make a new request below.
data-requests-js-failed = The request could not be sent. Check your connection and try again.
data-requests-js-expires-at = The links expire on { $date }.
data-requests-js-erasure-done = Your data has been erased.
data-requests-js-erasure-deferred = You have an order still in progress, so your data will be erased once it is closed.
data-requests-js-erasure-deferred-until = You have an order still in progress, so your data will be erased after { $date }.
data-requests-js-deleted-title = Deleted
data-requests-js-deleted-customer = Your customer record: name, email, phone, company and addresses
data-requests-js-deleted-orders = Orders without an invoice, with their personal data: { $count }
data-requests-js-deleted-carts = Saved carts: { $count }
data-requests-js-deleted-subscriptions = Marketing subscriptions: { $count }
data-requests-js-kept-title = Kept, as the law requires
data-requests-js-kept-item = Order { $number }: { $ground }, until { $date }
data-requests-js-deferred-title = Waiting for these orders to close
data-requests-js-deferred-item = Order { $number }, until { $date }
data-requests-js-deferred-item-open = Order { $number }, not yet shipped
data-requests-js-nothing-held = We held no data about this address.
data-requests-js-ground-invoice = invoice (accounting records)
data-requests-js-ground-contract = electronic contract (consumer law)

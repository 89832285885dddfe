# Messages of the edge API, in English. Every id here exists in fr.ftl too.
# Error messages are keyed by the error code: `error-<code>` with `_` written `-`.

## Request format

error-invalid-json = The request body is not valid JSON (line { $line }, column { $column }).
error-invalid-field = The value of “{ $field }” has the wrong type or format.
error-missing-field = The field “{ $field }” is required.
error-invalid-query = The query parameter “{ $field }” is missing or invalid.
error-payload-too-large = The request body is larger than { $limit_kib } KiB.
error-route-not-found = There is no API endpoint at this address.
error-method-not-allowed = This endpoint does not accept this HTTP method.
error-invalid-idempotency-key = The Idempotency-Key header must be 1 to 200 visible ASCII characters.
error-idempotency-key-reused = This Idempotency-Key was already used with a different request body. Use a new key for a new request.
error-validation-failed = Some fields are invalid: see “details”.

## Origins and administration

error-origin-not-allowed = Requests from this site are not accepted by this store.
error-origin-missing = This request must come from the store's own pages.
error-admin-unauthorized = A valid administration token is required (Authorization: Bearer …).
error-admin-disabled = Administration is disabled: no administration token is configured on this server.

## Stores and carts

error-unknown-store = There is no store “{ $store }”.
error-unsupported-currency = This store does not sell in { $currency }. Accepted currencies: { $accepted }.
error-unsupported-locale = This store is not available in “{ $locale }”. Available languages: { $accepted }.
error-cart-not-found = This cart does not exist or has expired.
error-cart-checked-out = This cart has already been ordered.
error-cart-full = A cart can hold at most { $max } different products.
error-cart-empty = The cart is empty.
error-invalid-quantity = The quantity must be a whole number from { $min } to { $max }.
error-invalid-sku = The product reference is missing or too long.
error-unknown-sku = The product “{ $sku }” is not sold in this store.
error-line-not-found = The product “{ $sku }” is not in this cart.
error-out-of-stock = Not enough stock for “{ $title }”: { $available } left.
error-item-unavailable = “{ $title }” is no longer sold; it was removed from the cart.
error-price-changed = The price of “{ $title }” changed: check the cart before ordering.
error-too-many-skus = At most { $max } products can be looked up at once.

## Checkout

error-invalid-email = The email address is invalid.
error-field-required = This field is required.
error-field-too-long = This field is too long (at most { $max } characters).
error-invalid-characters = The field “{ $field }” contains a line break, a control character or a text-direction character; remove it.
error-invalid-country = “{ $country }” is not a two-letter country code such as FR.
error-unknown-shipping-method = This shipping method is not offered by the store.
error-country-not-served = This shipping method does not deliver to { $country }.
error-shipping-unavailable = This shipping method cannot carry this order.
error-unknown-payment-method = This payment method is not offered by the store.
error-payment-method-unavailable = Card payment is temporarily unavailable. Choose another payment method.
error-payment-provider-failed = Your order { $number } is recorded, but the payment page could not be opened. Try again in a moment.

## Orders and payments

error-order-not-found = This order does not exist, or the link is incomplete.
error-unknown-status = “{ $status }” is not an order status. Known statuses: { $known }.
error-transition-not-allowed = An order cannot go from “{ $from }” to “{ $to }”. Allowed next statuses: { $allowed }.
error-transition-conflict = The order changed meanwhile: reload it and try again.
error-invalid-since = “since” must be a date such as 2025-01-31 or a time such as 2025-01-31T08:00:00Z.
error-invalid-limit = “limit” must be a whole number from 1 to { $max }.
error-invalid-signature = The webhook signature is invalid.
error-invalid-webhook = The webhook body could not be read.
error-payment-provider-not-configured = No card payment provider is configured on this server.

## Consent and email marketing

error-unknown-policy = This cookie policy was not published by this store: reload the page and make your choice again.
error-unknown-purpose = The purpose “{ $purpose }” is not declared by this store.
error-unknown-service = The service “{ $service }” is not declared by this store.
error-consent-not-found = No consent choice is recorded under this id.
error-marketing-consent-unavailable = This store sends no marketing emails: untick the box to place the order.
error-unsubscribe-token-not-found = This unsubscribe link is invalid or incomplete.
unsubscribe-title = Unsubscribe
unsubscribe-confirm = Stop receiving marketing emails from { $shop }?
unsubscribe-button = Unsubscribe
unsubscribe-done = You will no longer receive marketing emails from { $shop }.
unsubscribe-invalid = This unsubscribe link is invalid or incomplete: open the whole link from the email.

## Server

error-internal-error = Something went wrong on our side. Try again in a moment.

## Cart warnings

warning-price-changed = The price of “{ $title }” changed from { $previous } to { $current }.
warning-quantity-reduced = Only { $available } of “{ $title }” left: the quantity was reduced from { $requested }.
warning-out-of-stock = “{ $title }” is out of stock and was removed from the cart.
warning-no-longer-sold = The product “{ $sku }” is no longer sold and was removed from the cart.
line-backorder =
    { $days ->
        [0] { $quantity } to be shipped later, when back in stock.
       *[other] { $quantity } to be shipped within { $days } days.
    }

## Order statuses

status-pending = Pending
status-payment_accepted = Payment accepted
status-in_preparation = In preparation
status-shipped = Shipped
status-completed = Completed
status-cancelled = Cancelled

## Plain-text emails

email-order-subject = Your order { $number } at { $shop }
email-order-body =
    Hello { $name },

    Thank you for your order { $number }, total { $total }.
    Its status: { $status }.

    { $shop }
email-status-subject = Your order { $number }: { $status }
email-status-body =
    Hello { $name },

    Your order { $number } is now: { $status }.

    { $shop }

## Personal-data requests

error-too-many-requests = Too many requests for this email address or network. Try again later.
error-invalid-token = This confirmation link is invalid, expired or already used. Make a new request from the “My data” page.
error-export-not-found = This download link is invalid or has expired. Make a new request from the “My data” page.
error-export-already-downloaded = This file was already downloaded once from this link. Make a new request from the “My data” page to get it again.
error-invalid-format = “format” must be json, csv or html.
error-data-request-not-found = There is no personal-data request with this id.
error-data-request-closed = This request is no longer open, so its deadline cannot change.
error-invalid-extension = “months” must be a whole number from 1 to { $max }, because the deadline can be extended by { $max } months at most in total.
error-invalid-request-status = “{ $status }” is not a request status. Known statuses: { $known }.

## Personal-data export (HTML page)

export-title = Your personal data
export-intro = Everything the shop holds about { $email }, as of { $date }.
export-none = Nothing.
export-yes = Yes
export-no = No
export-section-customer = Customer record
export-section-addresses = Addresses
export-section-orders = Orders
export-section-carts = Carts
export-section-consents = Consent choices
export-section-subscriptions = Email marketing subscriptions
export-section-archive = Kept for legal obligations (restricted archive)
export-field-number = Order
export-field-ground = Legal ground
export-field-kept-until = Kept until
export-ground-invoice = Invoice: accounting documents, French Commercial Code L123-22
export-ground-contract = Electronic contract of 120 € or more, French Consumer Code L213-1
export-request-status-received = waiting for confirmation
export-request-status-confirmed = confirmed
export-request-status-deferred = postponed until the orders close
export-request-status-fulfilled = done
export-request-status-expired = expired (not confirmed in time)
export-section-requests = Personal-data requests
export-order-heading = Order { $number }
export-address-billing = Billing address
export-address-delivery = Delivery address
export-kind-export = Copy of the data
export-kind-erasure = Erasure
export-field-name = Name
export-field-email = Email
export-field-phone = Phone
export-field-company = Company
export-field-vat-number = VAT number
export-field-marketing-email = Marketing emails accepted at checkout
export-field-created = Created
export-field-updated = Last change
export-field-type = Type
export-field-address = Address
export-field-orders = Orders
export-field-store = Store
export-field-placed = Placed on
export-field-status = Status
export-field-shipping = Delivery
export-field-payment = Payment
export-field-payment-reference = Payment reference
export-field-total = Total
export-field-sku = Reference
export-field-item = Item
export-field-quantity = Quantity
export-field-unit-price = Unit price
export-field-tax-rate = VAT
export-field-date = Date
export-field-note = Note
export-field-lines = Items
export-field-action = Choice
export-field-purposes = Purposes
export-field-source = Where
export-field-expires = Expires
export-field-list = List
export-field-subscribed = Subscribed
export-field-unsubscribed = Unsubscribed
export-field-kind = Request
export-field-fulfilled = Answered

## Personal-data emails (plain text, for themes without their templates)

email-privacy-confirm-subject =
    { $kind ->
        [erasure] Confirm the erasure of your data at { $store }
       *[export] Confirm your request for a copy of your data at { $store }
    }
email-privacy-confirm-body =
    Hello,

    { $kind ->
        [erasure] On { $date }, { $store } received a request to erase the personal data it holds about { $email }.
       *[export] On { $date }, { $store } received a request for a copy of the personal data it holds about { $email }.
    }

    To confirm it, open this link and press the button on the page: { $url }

    The link is valid for { $hours } hours and works once. We answer by { $deadline } at the latest.

    If you did not make this request, ignore this email. Nothing will change.

    { $store }
email-privacy-report-subject =
    { $status ->
        [deferred] Your erasure request at { $store }: postponed
       *[fulfilled] Your erasure request at { $store }: done
    }
email-privacy-report-intro =
    Hello,

    { $status ->
        [deferred] On { $date }, you confirmed the erasure of the personal data that { $store } holds about you. It cannot be applied yet.
       *[fulfilled] On { $date }, you asked { $store } to erase the personal data it holds about you. Here is what was done.
    }
email-privacy-report-deferred =
    { $count ->
        [one] This order is still open, and we need your details to deliver it and to handle a return. We apply the erasure automatically once it closes:
       *[other] These orders are still open, and we need your details to deliver them and to handle a return. We apply the erasure automatically once they close:
    }
email-privacy-report-deferred-until = order { $number }, open until { $date } (end of the withdrawal period)
email-privacy-report-deferred-unshipped = order { $number }, not shipped yet
email-privacy-report-deleted = Deleted:
email-privacy-report-kept = Kept, because the law requires it (stored apart, used only for accounting and legal claims):
email-privacy-report-kept-order =
    { $ground ->
        [contract] order { $number }: the invoice and the contract (billing and delivery details), kept until { $date } (electronic contract of 120 € or more, French Consumer Code L213-1)
       *[invoice] order { $number }: the invoice (billing details only), kept until { $date } (accounting documents, French Commercial Code L123-22)
    }
email-privacy-report-nothing = We held no personal data about this address.
email-privacy-signature =
    Any question? Write to us at { $email }.
    { $store }
email-privacy-deleted-customer = your customer record (name, email, phone, company, VAT number)
email-privacy-deleted-orders =
    { $count ->
        [one] 1 order that was never paid, with its addresses
       *[other] { $count } orders that were never paid, with their addresses
    }
email-privacy-deleted-archived =
    { $count ->
        [one] your contact details on 1 paid order (its invoice is archived, see below)
       *[other] your contact details on { $count } paid orders (their invoices are archived, see below)
    }
email-privacy-deleted-carts =
    { $count ->
        [one] 1 cart
       *[other] { $count } carts
    }
email-privacy-deleted-subscriptions =
    { $count ->
        [one] 1 email marketing subscription
       *[other] { $count } email marketing subscriptions
    }
email-privacy-deleted-unsubscribe-links =
    { $count ->
        [one] 1 unsubscribe link
       *[other] { $count } unsubscribe links
    }
email-privacy-deleted-marketing =
    { $count ->
        [one] your address at our email marketing provider (1 list)
       *[other] your address at our email marketing provider ({ $count } lists)
    }
email-privacy-inactive-subject = Your details at { $store } will be anonymised on { $date }
email-privacy-inactive-body =
    Hello,

    Your last order or contact with { $store } dates from { $last_contact }. We keep customer and subscriber details for { $years } years after the last contact.

    Without news from you, your details will be anonymised on { $date }. To keep them, place an order at { $url }, or reply to this email or write to { $email }.

    Invoices of your past orders stay archived for the period the law requires, whatever you choose.

    { $store }
email-privacy-extended-subject = Your personal-data request at { $store }: new deadline
email-privacy-extended-body =
    Hello,

    { $kind ->
        [erasure] We need more time to answer the erasure request you made on { $date }, because of its complexity or the number of requests we are handling.
       *[export] We need more time to answer the request for a copy of your data you made on { $date }, because of its complexity or the number of requests we are handling.
    }
    We will answer by { $deadline } at the latest.

    Any question? Write to us at { $email }.
    { $store }
data-request-received = If this address is right, a confirmation link is on its way to it. The link is valid for { $hours } hours.

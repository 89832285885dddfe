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

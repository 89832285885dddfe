# Email strings, English. Every id also exists in emails.fr.ftl.
# Ids start with `email-` so they never clash with the page strings of en.ftl.

## Subjects

email-order-confirmation-subject = Your order { $number } is confirmed
email-status-changed-subject = Your order { $number }: { $status }

## Common

email-greeting = Hello { $name },
email-row = { $label }: { $value }
email-order-title = Order { $number }
email-placed-on = Placed on { $date }
email-status = Status
email-view-order = View my order
email-view-order-text = Track your order: { $url }
email-contact = Any question? Write to us at { $email }.
email-signature = The { $store } team

## Order confirmation

email-order-confirmation-title = Thank you for your order!
email-order-confirmation-intro = We have received your order at { $store } and will keep you posted on its progress.
email-summary = Summary
email-column-item = Item
email-column-quantity = Qty
email-column-unit-price = Unit price
email-column-total = Total
email-line = { $quantity } × { $title } at { $unit_price }: { $total }
email-prices-incl-tax = Prices include VAT
email-prices-excl-tax = Prices exclude VAT
email-subtotal = Subtotal
email-shipping-cost = Shipping ({ $method })
email-total-excl-tax = Total excl. VAT
email-tax = VAT
email-tax-rate = VAT { $rate }
email-total-incl-tax = Total incl. VAT
email-total-to-pay = Total to pay
email-vat-exempt = VAT not applicable, art. 293 B of the French tax code (CGI)

## Payment

email-payment = Payment
email-payment-method = Payment method
email-payment-bank-transfer = To pay for your order, make a bank transfer of { $amount } to the account below, with the reference { $reference }.
email-payment-cheque = To pay for your order, send a cheque for { $amount } payable to { $payee } to the address below, with the reference { $reference } written on the back.
email-account-holder = Account holder
email-iban = IBAN
email-bic = BIC
email-reference = Reference
email-cheque-address = Address
email-payment-then-shipping = We ship your order as soon as the payment arrives.
email-payment-card-paid = Your card payment has been received.
email-payment-card-pending = Your card payment is being confirmed.

## Delivery and billing

email-shipping = Delivery
email-shipping-method = Delivery method
email-shipping-address = Delivery address
email-pickup-address = Pickup
email-line-backorder = { $quantity } of them on backorder, shipped within { $days } days
email-line-backorder-undated = { $quantity } of them on backorder, shipped later
email-billing-address = Billing address

## Consumer rights

email-withdrawal = You have 14 days from the delivery of your order to withdraw from the purchase, without giving any reason.
email-terms = Terms of sale
email-terms-text = Terms of sale: { $url }

## Status change

email-status-changed-title = Your order has a new status
email-status-changed-intro = Your order { $number } placed on { $date } is now: { $status }.
email-status-previous = Previous status
email-status-note = A message from the { $store } team

## Footer: the legal mentions

email-footer-siret = SIRET: { $siret }
email-footer-vat-number = EU VAT number: { $vat_number }
email-footer-vat-exempt = VAT not applicable, art. 293 B of the French tax code (CGI)
email-footer-reason = You receive this email because you placed an order at { $store }.

## Personal-data requests: confirmation link, erasure report, inactivity warning

email-data-request-greeting = Hello,
email-data-request-confirm-subject =
    { $kind ->
        [erasure] Confirm the erasure of your data at { $store }
       *[export] Confirm your request for a copy of your data at { $store }
    }
email-data-request-confirm-title =
    { $kind ->
        [erasure] Confirm the erasure of your data
       *[export] Confirm your request for a copy of your data
    }
email-data-request-confirm-intro =
    { $kind ->
        [erasure] On { $date }, { $store } received a request to erase the personal data it holds about { $email }.
       *[export] On { $date }, { $store } received a request for a copy of the personal data it holds about { $email }.
    }
email-data-request-confirm-action =
    { $kind ->
        [erasure] Confirm the erasure
       *[export] Confirm and download my data
    }
email-data-request-confirm-action-text = To confirm it, open this link and press the button on the page: { $url }
email-data-request-confirm-expiry = The link is valid for { $hours } hours and works once.
email-data-request-deadline = We answer by { $date } at the latest.
email-data-request-not-you = If you did not make this request, ignore this email. Nothing will change.
email-data-request-report-subject =
    { $status ->
        [deferred] Your erasure request at { $store }: postponed
       *[fulfilled] Your erasure request at { $store }: done
    }
email-data-request-report-title =
    { $status ->
        [deferred] Your erasure is postponed
       *[fulfilled] Your data has been erased
    }
email-data-request-report-intro =
    { $status ->
        [deferred] On { $date }, you confirmed the erasure of the personal data that { $store } holds about you. It cannot be applied yet.
       *[fulfilled] On { $date }, you asked { $store } to erase the personal data it holds about you. Here is what was done.
    }
email-data-request-report-deferred =
    { $count ->
        [one] This order is still open, and we need your details to deliver it and to handle a return:
       *[other] These orders are still open, and we need your details to deliver them and to handle a return:
    }
email-data-request-report-deferred-until = order { $number }, open until { $date } (end of the withdrawal period)
email-data-request-report-deferred-unshipped = order { $number }, not shipped yet
email-data-request-report-deferred-next =
    { $count ->
        [one] We apply the erasure automatically once it closes, and send you the report then.
       *[other] We apply the erasure automatically once they close, and send you the report then.
    }
email-data-request-report-deleted = Deleted:
email-data-request-report-kept = Kept, because the law requires it:
email-data-request-report-kept-order =
    { $ground ->
        [contract] order { $number }: the invoice and the contract (billing and delivery details), kept until { $date } (electronic contract of 120 € or more, French Consumer Code L213-1)
       *[invoice] order { $number }: the invoice (billing details only), kept until { $date } (accounting documents, French Commercial Code L123-22)
    }
email-data-request-report-kept-access = These records are stored apart, used only for accounting and legal claims, and deleted on those dates.
email-data-request-report-nothing = We held no personal data about this address.
email-footer-reason-data-request = You receive this email because a request about the personal data of this address was made at { $store }.

email-inactive-warning-subject = Your details at { $store } will be anonymised on { $date }
email-inactive-warning-title = We have not heard from you for a long time
email-inactive-warning-intro = Your last order or contact with { $store } dates from { $date }. We keep customer and subscriber details for { $years } years after the last contact.
email-inactive-warning-date = Without news from you, your details will be anonymised on { $date }.
email-inactive-warning-keep = To keep them, either:
email-inactive-warning-keep-order = place an order at { $url }
email-inactive-warning-keep-reply = reply to this email, or write to { $email }
email-inactive-warning-visit = Visit { $store }
email-inactive-warning-invoices = Invoices of your past orders stay archived for the period the law requires, whatever you choose.
email-footer-reason-inactive = You receive this email because you are a customer or subscriber of { $store }.

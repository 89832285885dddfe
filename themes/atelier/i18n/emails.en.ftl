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

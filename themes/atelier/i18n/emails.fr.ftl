# Email strings, French. Every id also exists in emails.en.ftl.
# Ids start with `email-` so they never clash with the page strings of fr.ftl.
# Before `:` French typography puts a no-break space (U+00A0), before `?` a narrow
# no-break space (U+202F); both are written as the characters themselves.

## Subjects

email-order-confirmation-subject = Confirmation de votre commande n° { $number }
email-status-changed-subject = Votre commande n° { $number } : { $status }

## Common

email-greeting = Bonjour { $name },
email-row = { $label } : { $value }
email-order-title = Commande n° { $number }
email-placed-on = Passée le { $date }
email-status = Statut
email-view-order = Voir ma commande
email-view-order-text = Suivre votre commande : { $url }
email-contact = Une question ? Écrivez-nous à { $email }.
email-signature = L'équipe { $store }

## Order confirmation

email-order-confirmation-title = Merci pour votre commande !
email-order-confirmation-intro = Nous avons bien reçu votre commande chez { $store } et vous tiendrons au courant de son avancement.
email-summary = Récapitulatif
email-column-item = Article
email-column-quantity = Qté
email-column-unit-price = Prix unitaire
email-column-total = Total
email-line = { $quantity } × { $title } à { $unit_price } : { $total }
email-prices-incl-tax = Prix TTC
email-prices-excl-tax = Prix HT
email-subtotal = Sous-total
email-shipping-cost = Livraison ({ $method })
email-total-excl-tax = Total HT
email-tax = TVA
email-tax-rate = TVA { $rate }
email-total-incl-tax = Total TTC
email-total-to-pay = Total à payer
email-vat-exempt = TVA non applicable, art. 293 B du CGI

## Payment

email-payment = Paiement
email-payment-method = Moyen de paiement
email-payment-bank-transfer = Pour régler votre commande, faites un virement de { $amount } sur le compte ci-dessous en indiquant la référence { $reference }.
email-payment-cheque = Pour régler votre commande, envoyez à l'adresse ci-dessous un chèque de { $amount } libellé à l'ordre suivant : { $payee }. Notez la référence { $reference } au dos.
email-account-holder = Titulaire
email-iban = IBAN
email-bic = BIC
email-reference = Référence
email-cheque-address = Adresse
email-payment-then-shipping = Nous expédions votre commande dès réception du paiement.
email-payment-card-paid = Votre paiement par carte a bien été reçu.
email-payment-card-pending = Votre paiement par carte est en cours de confirmation.

## Delivery and billing

email-shipping = Livraison
email-shipping-method = Mode de livraison
email-shipping-address = Adresse de livraison
email-pickup-address = Retrait
email-line-backorder = dont { $quantity } en réassort, expédié sous { $days } jours
email-line-backorder-undated = dont { $quantity } en réassort, expédié plus tard
email-billing-address = Adresse de facturation

## Consumer rights

email-withdrawal = Vous disposez de 14 jours à compter de la réception de votre commande pour exercer votre droit de rétractation, sans avoir à vous justifier.
email-terms = Conditions générales de vente
email-terms-text = Conditions générales de vente : { $url }

## Status change

email-status-changed-title = Votre commande a changé de statut
email-status-changed-intro = Votre commande n° { $number } passée le { $date } est maintenant : { $status }.
email-status-previous = Statut précédent
email-status-note = Un message de l'équipe { $store }

## Footer: the legal mentions

email-footer-siret = SIRET : { $siret }
email-footer-vat-number = N° TVA intracommunautaire : { $vat_number }
email-footer-vat-exempt = TVA non applicable, art. 293 B du CGI
email-footer-reason = Vous recevez cet e-mail parce que vous avez passé commande sur { $store }.

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

## Demandes sur les données personnelles : lien de confirmation, compte rendu d'effacement, avertissement d'inactivité

email-data-request-greeting = Bonjour,
email-data-request-confirm-subject =
    { $kind ->
        [erasure] Confirmez l'effacement de vos données chez { $store }
       *[export] Confirmez votre demande de copie de vos données chez { $store }
    }
email-data-request-confirm-title =
    { $kind ->
        [erasure] Confirmez l'effacement de vos données
       *[export] Confirmez votre demande de copie de vos données
    }
email-data-request-confirm-intro =
    { $kind ->
        [erasure] Le { $date }, { $store } a reçu une demande d'effacement des données personnelles détenues sur { $email }.
       *[export] Le { $date }, { $store } a reçu une demande de copie des données personnelles détenues sur { $email }.
    }
email-data-request-confirm-action =
    { $kind ->
        [erasure] Confirmer l'effacement
       *[export] Confirmer et télécharger mes données
    }
email-data-request-confirm-action-text = Pour la confirmer, ouvrez ce lien et appuyez sur le bouton de la page : { $url }
email-data-request-confirm-expiry = Le lien est valable { $hours } heures et ne sert qu'une fois.
email-data-request-deadline = Nous répondons au plus tard le { $date }.
email-data-request-not-you = Si vous n'êtes pas à l'origine de cette demande, ignorez ce message. Rien ne changera.
email-data-request-report-subject =
    { $status ->
        [deferred] Votre demande d'effacement chez { $store } : reportée
       *[fulfilled] Votre demande d'effacement chez { $store } : effectuée
    }
email-data-request-report-title =
    { $status ->
        [deferred] Votre effacement est reporté
       *[fulfilled] Vos données ont été effacées
    }
email-data-request-report-intro =
    { $status ->
        [deferred] Le { $date }, vous avez confirmé l'effacement des données personnelles détenues sur vous par { $store }. Il ne peut pas encore être appliqué.
       *[fulfilled] Le { $date }, vous avez demandé l'effacement des données personnelles détenues sur vous par { $store }. Voici ce qui a été fait.
    }
email-data-request-report-deferred =
    { $count ->
        [one] Cette commande est encore en cours, et vos coordonnées restent nécessaires pour la livrer et traiter un éventuel retour :
       *[other] Ces commandes sont encore en cours, et vos coordonnées restent nécessaires pour les livrer et traiter un éventuel retour :
    }
email-data-request-report-deferred-until = commande { $number }, en cours jusqu'au { $date } (fin du délai de rétractation)
email-data-request-report-deferred-unshipped = commande { $number }, pas encore expédiée
email-data-request-report-deferred-next =
    { $count ->
        [one] Nous appliquons l'effacement automatiquement dès sa clôture, et vous envoyons alors le compte rendu.
       *[other] Nous appliquons l'effacement automatiquement dès leur clôture, et vous envoyons alors le compte rendu.
    }
email-data-request-report-deleted = Effacé :
email-data-request-report-kept = Conservé, parce que la loi l'impose :
email-data-request-report-kept-order =
    { $ground ->
        [contract] commande { $number } : la facture et le contrat (coordonnées de facturation et de livraison), conservés jusqu'au { $date } (contrat électronique de 120 € ou plus, Code de la consommation L213-1)
       *[invoice] commande { $number } : la facture (coordonnées de facturation seulement), conservée jusqu'au { $date } (pièces comptables, Code de commerce L123-22)
    }
email-data-request-report-kept-access = Ces éléments sont archivés à part, utilisés seulement pour la comptabilité et les litiges, et supprimés à ces dates.
email-data-request-report-nothing = Nous ne détenions aucune donnée personnelle sur cette adresse.
email-footer-reason-data-request = Vous recevez ce message parce qu'une demande concernant les données personnelles de cette adresse a été faite chez { $store }.

email-inactive-warning-subject = Vos coordonnées chez { $store } seront anonymisées le { $date }
email-inactive-warning-title = Nous n'avons plus de nouvelles depuis longtemps
email-inactive-warning-intro = Votre dernière commande ou prise de contact avec { $store } date du { $date }. Nous gardons les coordonnées des clients et abonnés { $years } ans après le dernier contact.
email-inactive-warning-date = Sans nouvelles de votre part, vos coordonnées seront anonymisées le { $date }.
email-inactive-warning-keep = Pour les conserver, au choix :
email-inactive-warning-keep-order = passez une commande sur { $url }
email-inactive-warning-keep-reply = répondez à ce message, ou écrivez à { $email }
email-inactive-warning-visit = Aller sur { $store }
email-inactive-warning-invoices = Les factures de vos commandes passées restent archivées pendant la durée imposée par la loi, quel que soit votre choix.
email-footer-reason-inactive = Vous recevez ce message parce que vous avez un compte client ou un abonnement chez { $store }.

# Comptoir theme, French strings. Every id also exists in en.ftl.
# Strings prefixed `js-` are read by the cart script: `{ $count }`-style
# variables there receive a placeholder such as `{count}` that the script fills.

## Layout

skip-to-content = Aller au contenu
nav-main = Menu principal
nav-cart = Panier
switch-language = Langue
switch-currency = Devise
breadcrumbs = Fil d'Ariane
footer-information = Informations
footer-legal-nav = Informations légales
footer-siret = SIRET
footer-vat-number = TVA intracommunautaire
footer-prices-incl = Prix toutes taxes comprises (TTC).
footer-prices-excl = Prix hors taxes (HT) ; la TVA est ajoutée à la commande.

## Home and listings

home-categories = Nos rayons
home-featured = À la une
category-children = Sous-rayons
category-products = Produits
category-empty = Aucun produit dans ce rayon pour le moment.
products-count = { $count ->
    [0] aucun produit
    [one] { $count } produit
   *[other] { $count } produits
}
pagination = Pagination
pagination-previous = Page précédente
pagination-next = Page suivante
pagination-page = Page
pagination-page-of = page { $current } sur { $total }

## Prices and availability

price-from = À partir de
availability-in-stock = En stock
availability-backorder = Sur commande
availability-backorder-days = { $days ->
    [one] Sur commande : expédition sous { $days } jour
   *[other] Sur commande : expédition sous { $days } jours
}
availability-made-to-order = Fabriqué à la commande

## Product page

product-choose-variant = Choisissez une variante
product-quantity = Quantité
product-add-to-cart = Ajouter au panier
product-not-sellable = Ce produit n'est pas en vente pour le moment.
product-variant-unavailable = Indisponible dans cette devise
product-sku = Référence
product-tax-rate = Taux de TVA
product-weight = Poids
product-weight-grams = { $grams } g
product-categories = Rayons
product-details = Description
product-image-alt = { $title }, image { $number } sur { $total }

## Cart

cart-title = Votre panier
cart-needs-javascript = Le panier a besoin de JavaScript. Activez-le dans votre navigateur pour commander, ou contactez-nous par e-mail.
cart-loading = Chargement du panier…
cart-empty = Votre panier est vide.
cart-continue = Continuer mes achats
cart-table-caption = Articles de votre panier
cart-product = Produit
cart-unit-price = Prix unitaire
cart-quantity = Quantité
cart-line-total = Total
cart-actions = Actions
cart-remove = Retirer
cart-subtotal = Sous-total
cart-shipping = Livraison
cart-tax = { $display ->
    [excl] TVA
   *[incl] dont TVA
}
cart-total = Total
cart-tax-note = Prix { $mention }. Les frais de livraison sont calculés à l'étape suivante.
cart-checkout = Passer commande

## Checkout

checkout-title = Commande
form-required-intro = Les champs marqués « obligatoire » doivent être remplis.
form-required = (obligatoire)
form-optional = (facultatif)
checkout-contact = Vos coordonnées
customer-email = Adresse e-mail
customer-email-hint = Nous y envoyons la confirmation de commande.
customer-name = Nom et prénom
customer-phone = Téléphone
customer-phone-hint = Pour le transporteur, en cas de besoin.
customer-company = Entreprise
customer-vat-number = Numéro de TVA intracommunautaire
customer-vat-number-hint = Pour les entreprises de l'Union européenne, par exemple FR12345678901.
checkout-billing-address = Adresse de facturation
checkout-shipping-address = Adresse de livraison
checkout-shipping-same = Livrer à l'adresse de facturation
address-name = Destinataire
address-street = Adresse
address-postal-code = Code postal
address-city = Ville
address-country = Pays
address-country-hint = Code pays à deux lettres, par exemple FR.
checkout-shipping-method = Mode de livraison
shipping-free = Gratuit
shipping-free-above = Offert dès { $amount } d'achat
checkout-payment-method = Moyen de paiement
payment-kind-card = Paiement sécurisé sur la page de notre prestataire de paiement.
payment-kind-bank_transfer = Nous vous donnons nos coordonnées bancaires après la commande ; elle est expédiée à réception du virement.
payment-kind-cheque = Nous vous donnons l'adresse d'envoi après la commande ; elle est expédiée à réception du chèque.
checkout-confirm = Confirmation
checkout-marketing-email = Je souhaite recevoir par e-mail les nouveautés de la boutique (désinscription possible à tout moment).
checkout-terms-before = En passant commande, vous acceptez nos
checkout-terms-link = conditions générales de vente
checkout-terms-after = .
checkout-terms-plain = En passant commande, vous acceptez nos conditions générales de vente.
checkout-submit = Commander avec obligation de paiement
checkout-summary = Récapitulatif
checkout-shipping-note = Les frais de livraison sont confirmés avec la commande.
checkout-edit-cart = Modifier le panier

## Confirmation

confirmation-title = Merci, votre commande est enregistrée.
confirmation-number = Numéro de commande :
confirmation-total = Montant total :
confirmation-email = Un e-mail de confirmation vous a été envoyé.
confirmation-payment = Paiement
confirmation-bank-transfer = Merci d'effectuer le virement avec le numéro de commande en référence. Nous expédions la commande à réception.
confirmation-cheque = Merci d'envoyer votre chèque avec le numéro de commande au dos. Nous expédions la commande à réception.
confirmation-home = Retour à l'accueil
confirmation-status = Statut :
confirmation-order-title = Votre commande
confirmation-order-lines = Articles commandés
payment-account-holder = Titulaire du compte
payment-iban = IBAN
payment-bic = BIC
payment-reference = Référence à indiquer
payment-amount = Montant
payment-payable-to = Ordre
payment-address = Adresse d'envoi

## Not found

not-found-title = Page introuvable
not-found-text = Cette page n'existe pas ou plus. Elle a peut-être changé d'adresse.
not-found-home = Retour à l'accueil

## Cart script

js-network-error = Impossible de joindre le service du panier. Vérifiez votre connexion puis réessayez.
js-server-error = Le service du panier a rencontré un problème. Réessayez dans un instant.
js-adding = Ajout au panier…
js-added = Ajouté au panier.
js-view-cart = Voir le panier
js-quantity-invalid = Indiquez une quantité entière, d'au moins 1.
js-line-quantity-invalid = Indiquez une quantité entière ; 0 retire l'article.
js-line-quantity-label = Quantité de { $title }
js-cart-updated = Panier mis à jour.
js-line-removed = { $title } a été retiré du panier.
js-cart-expired = Votre panier avait expiré : il a été vidé.
js-cart-link-one = Panier, { $count } article
js-cart-link-other = Panier, { $count } articles
js-stock-count = En stock : { $count }
js-stock-backorder-days = Sur commande : expédition sous { $days } jours
js-stock-out = Épuisé
js-stock-unknown = Le stock en temps réel est indisponible pour le moment.
js-submenu = Sous-menu { $label }
js-checkout-sending = Envoi de la commande…
js-checkout-failed = La commande n'a pas été enregistrée. Corrigez ce qui est signalé puis réessayez.
js-redirecting = Redirection vers la page de paiement…
js-order-loading = Chargement de la commande…
js-order-not-found = Cette commande est introuvable : le lien est peut-être incomplet. Copiez-le en entier depuis l'e-mail de confirmation, ou contactez-nous.
js-payment-received = Paiement reçu, merci.
js-payment-confirming = La confirmation peut prendre quelques instants : la commande reste en attente jusqu'à ce que le prestataire de paiement nous confirme le paiement.
js-payment-cancelled = Paiement annulé. Votre commande est enregistrée mais n'est pas payée.
js-payment-retry = Reprendre le paiement

## Consent banner and preferences panel
# The policy hash published in /_comptoir/consent.json covers every `consent-`
# string in every locale: keep all banner and panel text here. The only variables
# are `store` and `months` (how long a choice is kept), except in the `consent-embed-`
# strings, which also get `service` and `provider`.

consent-banner-title = Vos choix sur les cookies
consent-banner-text = Nous utilisons des cookies nécessaires au fonctionnement du site : le panier, la langue et l'enregistrement de vos choix. Avec votre accord, nous et nos partenaires utilisons aussi des cookies et traceurs pour :
consent-banner-withdraw = Refuser ne change rien à vos achats. Vous pouvez changer d'avis à tout moment avec le lien « Gérer mes cookies » en bas de chaque page.
consent-accept-all = Tout accepter
consent-reject-all = Tout refuser
consent-customize = Personnaliser
consent-policy-link = Politique de confidentialité
consent-close-banner = Fermer et tout refuser
consent-panel-title = Préférences de cookies
consent-panel-text = Choisissez finalité par finalité, et service par service, ce que vous acceptez. Les cookies nécessaires ne peuvent pas être désactivés : sans eux, le panier et vos choix ne fonctionnent pas. Votre choix est conservé { $months } mois, puis nous vous le demandons à nouveau.
consent-close-panel = Fermer les préférences
consent-always-on = Toujours actif
consent-exempt-default = Activé par défaut, vous pouvez vous y opposer
consent-legal-basis = Base légale :
consent-service-switch = Autoriser
consent-service-collects = Données collectées
consent-service-retention = Durée de conservation
consent-service-transfers = Transferts hors de l'Union européenne
consent-service-no-transfer = Aucun
consent-service-cookies = Cookies déposés
consent-service-privacy = Politique de confidentialité du service
consent-save = Enregistrer mes choix
consent-embed-text = Ce contenu est hébergé par { $service } ({ $provider }), qui peut déposer des cookies. Il s'affiche si vous acceptez ce service.
consent-embed-accept = Accepter { $service } et afficher
consent-embed-open = Voir sur { $service }
consent-manage = Gérer mes cookies

## Privacy policy and record of processing activities (generated pages)

privacy-title = Politique de confidentialité
privacy-version = Version :
privacy-intro = Cette page explique quelles données personnelles nous traitons, pourquoi, sur quelle base légale, combien de temps nous les gardons, à qui nous les transmettons, et comment exercer vos droits.
privacy-controller = Responsable du traitement
privacy-representative = Représentant :
privacy-processings = Nos traitements
privacy-purpose = Finalité
privacy-legal-basis = Base légale
privacy-data = Données traitées
privacy-recipients = Destinataires
privacy-transfers = Transferts hors de l'Union européenne
privacy-no-transfer = Aucun
privacy-retention = Durée de conservation
privacy-cookies = Cookies et traceurs
privacy-cookies-intro = Les cookies nécessaires sont déposés sans votre accord : sans eux, le panier et vos choix ne fonctionnent pas. Les autres ne le sont qu'avec votre accord, que vous pouvez retirer à tout moment aussi simplement que vous l'avez donné.
privacy-cookie-name = Cookie
privacy-cookie-service = Déposé par
privacy-services = Services tiers
privacy-provider = Fournisseur
privacy-service-policy = Sa politique de confidentialité
privacy-rights = Vos droits
privacy-exercise = Pour exercer vos droits, écrivez-nous ; nous répondons dans un délai de { $delay } :
privacy-authority = Vous pouvez aussi adresser une réclamation à la
privacy-record-link = Registre des activités de traitement
record-title = Registre des activités de traitement
record-subjects = Personnes concernées
record-security = Mesures de sécurité
record-services = Services utilisés

# The "my data" page (data_requests.html). `data-requests-js-` strings are read
# by data-requests.js, which fills `{date}`-style placeholders.
footer-data-requests = Mes données personnelles
privacy-exercise-form = Pour obtenir une copie de vos données ou les faire effacer, utilisez le formulaire de la page
data-requests-title = Mes données personnelles
data-requests-intro = Vous pouvez obtenir ici une copie des données que nous détenons sur vous, ou les faire effacer. Pour vérifier que la demande vient bien de vous, nous envoyons un lien de confirmation à votre adresse e-mail. Nous répondons dans un délai de { $delay } après votre demande.
data-requests-no-script = Ce formulaire a besoin de JavaScript. Vous pouvez aussi envoyer votre demande par e-mail à
data-requests-form-title = Faire une demande
data-requests-kind = Que souhaitez-vous ?
data-requests-export = Une copie de mes données
data-requests-export-detail = Vos coordonnées, adresses, commandes, paniers, consentements et abonnements, en fichier JSON ou CSV et en page lisible. Chaque lien de téléchargement fonctionne une fois et pendant { $hours ->
    [one] une heure
   *[other] { $hours } heures
}.
data-requests-erasure = Effacer mes données
data-requests-erasure-detail = Votre compte, vos paniers, abonnements et consentements sont supprimés. Les factures sont conservées le temps exigé par la loi, avec seulement ce qu'elles doivent mentionner. Une commande pas encore expédiée, ou encore dans son délai de rétractation, est effacée une fois close.
data-requests-email = Votre adresse e-mail
data-requests-email-hint = L'adresse avec laquelle vous commandez. Le lien de confirmation est valable { $hours ->
    [one] une heure
   *[other] { $hours } heures
}.
data-requests-send = Envoyer la demande
data-requests-sent = Demande reçue. Consultez votre messagerie et suivez le lien de notre e-mail pour la confirmer. Le lien est valable { $hours ->
    [one] une heure
   *[other] { $hours } heures
}. Si aucun e-mail n'arrive, regardez dans vos indésirables.
data-requests-confirm-title = Confirmer votre demande
data-requests-confirm-intro = Vous avez ouvert le lien de notre e-mail. Confirmez pour continuer. Le lien ne fonctionnera plus ensuite.
data-requests-confirm = Confirmer ma demande
data-requests-export-ready = Vos données sont prêtes. Téléchargez-les dans le format qui vous convient :
data-requests-download-json = Fichier JSON (pour un autre service)
data-requests-download-csv = Fichier CSV (pour un tableur)
data-requests-download-html = Page lisible
data-requests-export-once = Chaque lien fonctionne une fois.
data-requests-erasure-emailed = Nous vous avons aussi envoyé ce compte rendu par e-mail.
data-requests-other-title = Autres demandes
data-requests-other = Pour faire corriger vos données, vous opposer à un traitement ou pour toute autre question sur vos données, écrivez-nous à
data-requests-by-post = ou par courrier à
data-requests-policy-link = Lire notre politique de confidentialité
data-requests-js-sending = Envoi…
data-requests-js-confirming = Confirmation…
data-requests-js-email-invalid = Saisissez une adresse e-mail, par exemple nom@exemple.fr.
data-requests-js-throttled = Trop de demandes ont été envoyées pour cette adresse ou depuis cette connexion. Réessayez plus tard.
data-requests-js-token-invalid = Ce lien a expiré ou a déjà servi. Faites une nouvelle demande ci-dessous.
data-requests-js-failed = La demande n'a pas pu être envoyée. Vérifiez votre connexion et réessayez.
data-requests-js-expires-at = Les liens expirent le { $date }.
data-requests-js-erasure-done = Vos données ont été effacées.
data-requests-js-erasure-deferred = Vous avez une commande en cours, donc vos données seront effacées une fois celle-ci close.
data-requests-js-erasure-deferred-until = Vous avez une commande en cours, donc vos données seront effacées après le { $date }.
data-requests-js-deleted-title = Supprimé
data-requests-js-deleted-customer = Votre fiche client : nom, e-mail, téléphone, société et adresses
data-requests-js-deleted-orders = Commandes sans facture, avec leurs données personnelles : { $count }
data-requests-js-deleted-carts = Paniers enregistrés : { $count }
data-requests-js-deleted-subscriptions = Abonnements marketing : { $count }
data-requests-js-kept-title = Conservé, comme la loi l'exige
data-requests-js-kept-item = Commande { $number } : { $ground }, jusqu'au { $date }
data-requests-js-deferred-title = En attente de la clôture de ces commandes
data-requests-js-deferred-item = Commande { $number }, jusqu'au { $date }
data-requests-js-deferred-item-open = Commande { $number }, pas encore expédiée
data-requests-js-nothing-held = Nous ne détenions aucune donnée sur cette adresse.
data-requests-js-ground-invoice = facture (pièces comptables)
data-requests-js-ground-contract = contrat électronique (droit de la consommation)

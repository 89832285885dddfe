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

# Messages de l'API edge, en français. Chaque identifiant existe aussi dans en.ftl.
# Les messages d'erreur ont pour identifiant le code d'erreur : `error-<code>`, `_` écrit `-`.

## Format des requêtes

error-invalid-json = Le corps de la requête n'est pas du JSON valide (ligne { $line }, colonne { $column }).
error-invalid-field = La valeur de « { $field } » n'a pas le bon type ou le bon format.
error-missing-field = Le champ « { $field } » est obligatoire.
error-invalid-query = Le paramètre d'URL « { $field } » est absent ou invalide.
error-payload-too-large = Le corps de la requête dépasse { $limit_kib } Kio.
error-route-not-found = Aucun point d'accès de l'API à cette adresse.
error-method-not-allowed = Ce point d'accès n'accepte pas cette méthode HTTP.
error-invalid-idempotency-key = L'en-tête Idempotency-Key doit compter de 1 à 200 caractères ASCII visibles.
error-idempotency-key-reused = Cette clé Idempotency-Key a déjà servi avec un autre corps de requête. Utilisez une nouvelle clé pour une nouvelle requête.
error-validation-failed = Certains champs sont invalides : voir « details ».

## Origines et administration

error-origin-not-allowed = Cette boutique n'accepte pas les requêtes venant de ce site.
error-origin-missing = Cette requête doit venir des pages de la boutique.
error-admin-unauthorized = Un jeton d'administration valide est requis (Authorization: Bearer …).
error-admin-disabled = L'administration est désactivée : aucun jeton d'administration n'est configuré sur ce serveur.

## Boutiques et paniers

error-unknown-store = La boutique « { $store } » n'existe pas.
error-unsupported-currency = Cette boutique ne vend pas en { $currency }. Devises acceptées : { $accepted }.
error-unsupported-locale = Cette boutique n'existe pas en « { $locale } ». Langues disponibles : { $accepted }.
error-cart-not-found = Ce panier n'existe pas ou a expiré.
error-cart-checked-out = Ce panier a déjà été commandé.
error-cart-full = Un panier contient au plus { $max } produits différents.
error-cart-empty = Le panier est vide.
error-invalid-quantity = La quantité doit être un nombre entier de { $min } à { $max }.
error-invalid-sku = La référence du produit est absente ou trop longue.
error-unknown-sku = Le produit « { $sku } » n'est pas vendu dans cette boutique.
error-line-not-found = Le produit « { $sku } » n'est pas dans ce panier.
error-out-of-stock = Stock insuffisant pour « { $title } » : il en reste { $available }.
error-item-unavailable = « { $title } » n'est plus vendu ; il a été retiré du panier.
error-price-changed = Le prix de « { $title } » a changé : vérifiez le panier avant de commander.
error-too-many-skus = On peut consulter au plus { $max } produits à la fois.

## Commande

error-invalid-email = L'adresse e-mail est invalide.
error-field-required = Ce champ est obligatoire.
error-field-too-long = Ce champ est trop long ({ $max } caractères au plus).
error-invalid-characters = Le champ « { $field } » contient un saut de ligne, un caractère de contrôle ou un caractère de sens d'écriture ; retirez-le.
error-invalid-country = « { $country } » n'est pas un code pays à deux lettres comme FR.
error-unknown-shipping-method = Ce mode de livraison n'est pas proposé par la boutique.
error-country-not-served = Ce mode de livraison ne livre pas en { $country }.
error-shipping-unavailable = Ce mode de livraison ne peut pas acheminer cette commande.
error-unknown-payment-method = Ce moyen de paiement n'est pas proposé par la boutique.
error-payment-method-unavailable = Le paiement par carte est momentanément indisponible. Choisissez un autre moyen de paiement.
error-payment-provider-failed = Votre commande { $number } est enregistrée, mais la page de paiement n'a pas pu s'ouvrir. Réessayez dans un instant.

## Commandes et paiements

error-order-not-found = Cette commande n'existe pas, ou le lien est incomplet.
error-unknown-status = « { $status } » n'est pas un statut de commande. Statuts connus : { $known }.
error-transition-not-allowed = Une commande ne peut pas passer de « { $from } » à « { $to } ». Statuts suivants possibles : { $allowed }.
error-transition-conflict = La commande a changé entre-temps : rechargez-la et réessayez.
error-invalid-since = « since » doit être une date comme 2025-01-31 ou un instant comme 2025-01-31T08:00:00Z.
error-invalid-limit = « limit » doit être un nombre entier de 1 à { $max }.
error-invalid-signature = La signature du webhook est invalide.
error-invalid-webhook = Le corps du webhook est illisible.
error-payment-provider-not-configured = Aucun prestataire de paiement par carte n'est configuré sur ce serveur.

## Consentement et e-mails commerciaux

error-unknown-policy = Cette politique de cookies n'a pas été publiée par cette boutique : rechargez la page et refaites votre choix.
error-unknown-purpose = La finalité « { $purpose } » n'est pas déclarée par cette boutique.
error-unknown-service = Le service « { $service } » n'est pas déclaré par cette boutique.
error-consent-not-found = Aucun choix de consentement n'est enregistré sous cet identifiant.
error-marketing-consent-unavailable = Cette boutique n'envoie pas d'e-mails commerciaux : décochez la case pour commander.
error-unsubscribe-token-not-found = Ce lien de désinscription est invalide ou incomplet.
unsubscribe-title = Désinscription
unsubscribe-confirm = Ne plus recevoir les e-mails commerciaux de { $shop } ?
unsubscribe-button = Me désinscrire
unsubscribe-done = Vous ne recevrez plus d'e-mails commerciaux de { $shop }.
unsubscribe-invalid = Ce lien de désinscription est invalide ou incomplet : ouvrez le lien entier depuis l'e-mail.

## Serveur

error-internal-error = Une erreur s'est produite de notre côté. Réessayez dans un instant.

## Avertissements du panier

warning-price-changed = Le prix de « { $title } » est passé de { $previous } à { $current }.
warning-quantity-reduced = Il ne reste que { $available } « { $title } » : la quantité passe de { $requested } à { $available }.
warning-out-of-stock = « { $title } » est épuisé et a été retiré du panier.
warning-no-longer-sold = Le produit « { $sku } » n'est plus vendu et a été retiré du panier.
line-backorder =
    { $days ->
        [0] { $quantity } à expédier plus tard, dès le retour en stock.
       *[other] { $quantity } à expédier sous { $days } jours.
    }

## Statuts de commande

status-pending = En attente
status-payment_accepted = Paiement accepté
status-in_preparation = En préparation
status-shipped = Expédiée
status-completed = Terminée
status-cancelled = Annulée

## E-mails en texte brut

email-order-subject = Votre commande { $number } chez { $shop }
email-order-body =
    Bonjour { $name },

    Merci pour votre commande { $number }, d'un total de { $total }.
    Son statut : { $status }.

    { $shop }
email-status-subject = Votre commande { $number } : { $status }
email-status-body =
    Bonjour { $name },

    Votre commande { $number } est désormais : { $status }.

    { $shop }

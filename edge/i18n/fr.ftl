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

## Demandes sur les données personnelles

error-too-many-requests = Trop de demandes pour cette adresse e-mail ou ce réseau. Réessayez plus tard.
error-invalid-token = Ce lien de confirmation est invalide, expiré ou déjà utilisé. Faites une nouvelle demande depuis la page « Mes données ».
error-export-not-found = Ce lien de téléchargement est invalide ou a expiré. Faites une nouvelle demande depuis la page « Mes données ».
error-export-already-downloaded = Ce fichier a déjà été téléchargé une fois avec ce lien. Faites une nouvelle demande depuis la page « Mes données » pour l'obtenir à nouveau.
error-invalid-format = « format » doit valoir json, csv ou html.
error-data-request-not-found = Aucune demande sur les données personnelles ne porte cet identifiant.
error-data-request-closed = Cette demande n'est plus en cours, donc son échéance ne peut plus changer.
error-invalid-extension = « months » doit être un nombre entier de 1 à { $max }, car l'échéance peut être prolongée de { $max } mois au plus au total.
error-invalid-request-status = « { $status } » n'est pas un statut de demande. Statuts connus : { $known }.

## Export des données personnelles (page HTML)

export-title = Vos données personnelles
export-intro = Tout ce que la boutique détient sur { $email }, au { $date }.
export-none = Rien.
export-yes = Oui
export-no = Non
export-section-customer = Fiche client
export-section-addresses = Adresses
export-section-orders = Commandes
export-section-carts = Paniers
export-section-consents = Choix de consentement
export-section-subscriptions = Abonnements aux e-mails commerciaux
export-section-archive = Conservé pour obligation légale (archive à accès restreint)
export-field-number = Commande
export-field-ground = Base légale
export-field-kept-until = Conservé jusqu'au
export-ground-invoice = Facture : pièces comptables, Code de commerce L123-22
export-ground-contract = Contrat électronique de 120 € ou plus, Code de la consommation L213-1
export-request-status-received = en attente de confirmation
export-request-status-confirmed = confirmée
export-request-status-deferred = reportée à la clôture des commandes
export-request-status-fulfilled = traitée
export-request-status-expired = expirée (non confirmée à temps)
export-section-requests = Demandes sur les données personnelles
export-order-heading = Commande { $number }
export-address-billing = Adresse de facturation
export-address-delivery = Adresse de livraison
export-kind-export = Copie des données
export-kind-erasure = Effacement
export-field-name = Nom
export-field-email = E-mail
export-field-phone = Téléphone
export-field-company = Société
export-field-vat-number = Numéro de TVA
export-field-marketing-email = E-mails commerciaux acceptés à la commande
export-field-created = Création
export-field-updated = Dernière modification
export-field-type = Type
export-field-address = Adresse
export-field-orders = Commandes
export-field-store = Boutique
export-field-placed = Passée le
export-field-status = Statut
export-field-shipping = Livraison
export-field-payment = Paiement
export-field-payment-reference = Référence du paiement
export-field-total = Total
export-field-sku = Référence
export-field-item = Article
export-field-quantity = Quantité
export-field-unit-price = Prix unitaire
export-field-tax-rate = TVA
export-field-date = Date
export-field-note = Note
export-field-lines = Articles
export-field-action = Choix
export-field-purposes = Finalités
export-field-source = Où
export-field-expires = Expiration
export-field-list = Liste
export-field-subscribed = Inscription
export-field-unsubscribed = Désinscription
export-field-kind = Demande
export-field-fulfilled = Réponse

## E-mails sur les données personnelles (texte brut, pour les thèmes sans leurs gabarits)

email-privacy-confirm-subject =
    { $kind ->
        [erasure] Confirmez l'effacement de vos données chez { $store }
       *[export] Confirmez votre demande de copie de vos données chez { $store }
    }
email-privacy-confirm-body =
    Bonjour,

    { $kind ->
        [erasure] Le { $date }, { $store } a reçu une demande d'effacement des données personnelles détenues sur { $email }.
       *[export] Le { $date }, { $store } a reçu une demande de copie des données personnelles détenues sur { $email }.
    }

    Pour la confirmer, ouvrez ce lien et appuyez sur le bouton de la page : { $url }

    Le lien est valable { $hours } heures et ne sert qu'une fois. Nous répondons au plus tard le { $deadline }.

    Si vous n'êtes pas à l'origine de cette demande, ignorez ce message. Rien ne changera.

    { $store }
email-privacy-report-subject =
    { $status ->
        [deferred] Votre demande d'effacement chez { $store } : reportée
       *[fulfilled] Votre demande d'effacement chez { $store } : effectuée
    }
email-privacy-report-intro =
    Bonjour,

    { $status ->
        [deferred] Le { $date }, vous avez confirmé l'effacement des données personnelles détenues sur vous par { $store }. Il ne peut pas encore être appliqué.
       *[fulfilled] Le { $date }, vous avez demandé l'effacement des données personnelles détenues sur vous par { $store }. Voici ce qui a été fait.
    }
email-privacy-report-deferred =
    { $count ->
        [one] Cette commande est encore en cours, et vos coordonnées restent nécessaires pour la livrer et traiter un éventuel retour. Nous appliquons l'effacement automatiquement dès sa clôture :
       *[other] Ces commandes sont encore en cours, et vos coordonnées restent nécessaires pour les livrer et traiter un éventuel retour. Nous appliquons l'effacement automatiquement dès leur clôture :
    }
email-privacy-report-deferred-until = commande { $number }, en cours jusqu'au { $date } (fin du délai de rétractation)
email-privacy-report-deferred-unshipped = commande { $number }, pas encore expédiée
email-privacy-report-deleted = Effacé :
email-privacy-report-kept = Conservé, parce que la loi l'impose (archivé à part, utilisé seulement pour la comptabilité et les litiges) :
email-privacy-report-kept-order =
    { $ground ->
        [contract] commande { $number } : la facture et le contrat (coordonnées de facturation et de livraison), conservés jusqu'au { $date } (contrat électronique de 120 € ou plus, Code de la consommation L213-1)
       *[invoice] commande { $number } : la facture (coordonnées de facturation seulement), conservée jusqu'au { $date } (pièces comptables, Code de commerce L123-22)
    }
email-privacy-report-nothing = Nous ne détenions aucune donnée personnelle sur cette adresse.
email-privacy-signature =
    Une question ? Écrivez-nous à { $email }.
    { $store }
email-privacy-deleted-customer = votre fiche client (nom, e-mail, téléphone, société, numéro de TVA)
email-privacy-deleted-orders =
    { $count ->
        [one] 1 commande jamais payée, avec ses adresses
       *[other] { $count } commandes jamais payées, avec leurs adresses
    }
email-privacy-deleted-archived =
    { $count ->
        [one] vos coordonnées sur 1 commande payée (sa facture est archivée, voir plus bas)
       *[other] vos coordonnées sur { $count } commandes payées (leurs factures sont archivées, voir plus bas)
    }
email-privacy-deleted-carts =
    { $count ->
        [one] 1 panier
       *[other] { $count } paniers
    }
email-privacy-deleted-subscriptions =
    { $count ->
        [one] 1 abonnement aux e-mails commerciaux
       *[other] { $count } abonnements aux e-mails commerciaux
    }
email-privacy-deleted-unsubscribe-links =
    { $count ->
        [one] 1 lien de désinscription
       *[other] { $count } liens de désinscription
    }
email-privacy-deleted-marketing =
    { $count ->
        [one] votre adresse chez notre prestataire d'e-mails commerciaux (1 liste)
       *[other] votre adresse chez notre prestataire d'e-mails commerciaux ({ $count } listes)
    }
email-privacy-inactive-subject = Vos coordonnées chez { $store } seront anonymisées le { $date }
email-privacy-inactive-body =
    Bonjour,

    Votre dernière commande ou prise de contact avec { $store } date du { $last_contact }. Nous gardons les coordonnées des clients et abonnés { $years } ans après le dernier contact.

    Sans nouvelles de votre part, vos coordonnées seront anonymisées le { $date }. Pour les conserver, passez une commande sur { $url }, ou répondez à ce message ou écrivez à { $email }.

    Les factures de vos commandes passées restent archivées pendant la durée imposée par la loi, quel que soit votre choix.

    { $store }
email-privacy-extended-subject = Votre demande sur vos données personnelles chez { $store } : nouvelle échéance
email-privacy-extended-body =
    Bonjour,

    { $kind ->
        [erasure] Il nous faut plus de temps pour répondre à la demande d'effacement faite le { $date }, en raison de sa complexité ou du nombre de demandes en cours.
       *[export] Il nous faut plus de temps pour répondre à la demande de copie de vos données faite le { $date }, en raison de sa complexité ou du nombre de demandes en cours.
    }
    Nous répondrons au plus tard le { $deadline }.

    Une question ? Écrivez-nous à { $email }.
    { $store }
data-request-received = Si cette adresse est correcte, un lien de confirmation vient d'y être envoyé. Le lien est valable { $hours } heures.

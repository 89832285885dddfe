# load messages (fr). Every id must exist in both languages.
# Each message names the value at fault and the fix.

## Files

io-read-failed = impossible de lire `{ $path }` : { $error }. Vérifiez que le fichier existe, qu'il est lisible et qu'il est en texte UTF-8.
io-link-loop = `{ $path }` est un lien symbolique vers `{ $target }`, un dossier qui le contient : le suivre ne finirait jamais. Supprimez le lien ou faites-le pointer hors de `{ $target }`.
io-link-broken = impossible de suivre le lien symbolique `{ $path }` : { $error }. Faites pointer le lien vers un fichier ou un dossier existant et lisible, ou supprimez-le.
content-unexpected-file = `{ $path }` n'est pas à un emplacement prévu pour le contenu : mettez les produits dans content/products/, les rayons dans content/categories/, les pages directement dans content/pages/ et les fichiers CSV directement dans content/catalog/.

## site.toml

settings-missing = pas de site.toml dans `{ $root }` : lancez la commande depuis le dossier de la boutique, ou créez site.toml avec une table `[shop]` et au moins un `[[stores]]`.
settings-invalid = site.toml invalide : { $detail }
settings-unknown-key = clé inconnue `{ $key }` dans site.toml : corrigez son orthographe ou supprimez-la. Clés valides ici : { $valid }.
settings-missing-key = clé `{ $key }` manquante dans site.toml : ajoutez-la à cette table.
settings-unknown-value = valeur invalide `{ $value }` dans site.toml : utilisez l'une de { $valid }.
settings-invalid-siret = SIRET invalide `{ $value }` : un SIRET compte 14 chiffres (les espaces sont acceptés), comme sur l'extrait Kbis.
settings-siret-checksum = le SIRET `{ $value }` a une clé de contrôle fausse, un chiffre est sans doute mal saisi : recopiez-le depuis l'extrait Kbis ou l'annuaire de l'INSEE.
settings-invalid-email = e-mail invalide `{ $value }` : attendu une adresse comme `contact@example.fr`.
settings-unknown-shop-price-list = `[shop] price_list = "{ $list }"` n'est pas déclarée : ajoutez `[price_lists.{ $list }]` ou utilisez l'une de : { $valid }.
settings-unknown-fallback = la liste de prix `{ $list }` se replie sur `{ $fallback }`, qui n'est pas déclarée : ajoutez `[price_lists.{ $fallback }]` ou utilisez l'une de : { $valid }.
settings-fallback-loop = la liste de prix `{ $list }` se replie sur elle-même par ses replis : supprimez un `fallback` de la boucle.
settings-unknown-currency-code = code de devise inconnu `{ $code }` : écrivez un code ISO 4217 comme EUR, CHF ou USD.
settings-rate-not-positive = le taux de `[currencies.{ $code }]` vaut { $value } : indiquez le nombre de { $code } pour une unité de la devise de la boutique, supérieur à 0.
settings-invalid-vat-rate = taux de TVA invalide `{ $value }` pour la classe `{ $class }` dans `[tax.rates.{ $country }]` : écrivez un pourcentage entre 0 et 100 avec au plus deux décimales, comme `20` ou `5.5`.
settings-no-store = aucune boutique n'est déclarée : ajoutez au moins une table `[[stores]]`.
settings-duplicate-store-id = l'identifiant de boutique `{ $store }` est utilisé deux fois : donnez à chaque boutique le sien.
settings-invalid-store-id = identifiant de boutique invalide `{ $store }` : utilisez des minuscules, des chiffres et `-`, comme `fr` ou `pro-ch`.
settings-invalid-base-url = base_url invalide `{ $value }` pour la boutique `{ $store }` : attendu une URL absolue comme `https://boutique.example`.
settings-store-without-locale = la boutique `{ $store }` n'a aucune langue : indiquez-en au moins une, la langue par défaut en premier, comme `["fr", "en"]`.
settings-store-without-currency = la boutique `{ $store }` n'a aucune devise : indiquez-en au moins une, celle par défaut en premier, comme `["EUR"]`.
settings-store-duplicate-value = la boutique `{ $store }` cite `{ $value }` deux fois dans `{ $key }` : supprimez le doublon.
settings-currency-without-rate = la boutique `{ $store }` vend en { $currency } mais `[currencies.{ $currency }]` manque : ajoutez-la avec un `rate` (nombre de { $currency } pour 1 { $shop_currency }) pour convertir les prix sans montant explicite en { $currency }.
settings-unknown-store-price-list = la boutique `{ $store }` utilise la liste de prix `{ $list }`, qui n'est pas déclarée : ajoutez `[price_lists.{ $list }]` ou utilisez l'une de : { $valid }.
settings-invalid-country = pays invalide `{ $value }` : attendu un code ISO 3166 en majuscules, comme `FR`.
settings-country-without-vat = la boutique `{ $store }` est en { $country } mais aucun taux de TVA n'y est défini : ajoutez `[tax.rates.{ $country }]` avec au moins `standard`.
settings-unknown-shipping-method = la boutique `{ $store }` propose le mode de livraison `{ $method }`, qui n'est pas déclaré : ajoutez `[shipping.{ $method }]` ou utilisez l'un de : { $valid }.
settings-unknown-payment-method = la boutique `{ $store }` propose le moyen de paiement `{ $method }`, qui n'est pas déclaré : ajoutez `[payment.{ $method }]` ou utilisez l'un de : { $valid }.
settings-shipping-without-price = le mode de livraison `{ $method }` n'a pas de prix en { $currency }, devise de la boutique `{ $store }` : ajoutez un montant en { $currency }, ou un montant dans la devise de la boutique à convertir.
settings-bands-not-increasing = les tranches de poids du mode de livraison `{ $method }` doivent croître : `up_to = { $value }` ne dépasse pas la tranche précédente.
settings-unknown-payment-provider = le moyen de paiement `{ $method }` utilise le prestataire `{ $value }`, qui n'est pas pris en charge : utilisez `stripe`.
settings-menu-target = l'entrée de menu { $entry } doit pointer vers exactement un de `category`, `page`, `product` ou `url`.
settings-menu-unknown-store = l'entrée de menu { $entry } est réservée à la boutique `{ $store }`, qui n'est pas déclarée : utilisez l'une de : { $valid }.
settings-products-per-page-zero = `[build] products_per_page` vaut 0 : indiquez combien de produits une page de rayon affiche, par exemple 24.

## Consentement ([consent] dans site.toml)

settings-consent-empty-version = `[consent] policy_version` est vide : nommez cette version de la politique, par exemple par sa date d'entrée en vigueur : `"2026-12-01"`.
settings-consent-retention = `[consent] retention_months = { $value }` n'est pas entre 1 et 13 : un choix sur les cookies se garde 13 mois au plus (la CNIL recommande 6).
settings-consent-reserved-purpose = la finalité `necessary` est intégrée (panier, langue, preuve du consentement) : supprimez `[consent.purposes.necessary]` ou donnez un autre identifiant à votre finalité.
settings-consent-invalid-id = identifiant invalide `{ $id }` dans `[consent.{ $kind }]` : utilisez des minuscules, des chiffres, `-` et `_`, en commençant par une lettre, comme `statistics`.
settings-consent-tracker-needs-consent = la finalité `{ $purpose }` a pour base légale `{ $basis }` mais le service `{ $service }` y utilise des traceurs : mettez `legal_basis = "consent"`, ou `exempt = true` si la CNIL exempte cet usage de consentement.
settings-consent-service-without-purpose = le service `{ $service }` ne sert aucune finalité : listez-les, par exemple `purposes = ["statistics"]`.
settings-consent-unknown-purpose = le service `{ $service }` sert la finalité `{ $purpose }`, qui n'est pas déclarée : ajoutez `[consent.purposes.{ $purpose }]` ou utilisez l'une de : { $valid }.
settings-consent-unknown-preset = le service `{ $service }` utilise le préréglage `{ $preset }`, qui n'existe pas : utilisez l'un de { $valid }, ou supprimez `preset` et décrivez le service avec `name`, `provider`, `collects`, `retention` et `script`.
settings-consent-missing-setting = le service `{ $service }` (préréglage `{ $preset }`) a besoin de `{ $setting }` : ajoutez-le, par exemple `{ $setting } = "{ $example }"`.
settings-consent-invalid-setting = service `{ $service }` : `{ $setting }` invalide `{ $value }` : attendu une valeur comme `{ $example }`.
settings-consent-unused-setting = le service `{ $service }` définit `{ $setting }`, que le préréglage `{ $preset }` n'utilise pas : supprimez-le ou corrigez le préréglage.
settings-consent-missing-field = le service `{ $service }` n'a pas de préréglage, il lui faut donc `{ $field }` : ajoutez-le ou utilisez un préréglage.
settings-consent-invalid-url = service `{ $service }` : `privacy_url` `{ $value }` n'est pas une adresse web : écrivez une URL complète en `https://`.
settings-consent-script-not-inert = le script du service `{ $service }` contient `{ $element }`, qui ne peut pas être retenu jusqu'au consentement : ne gardez que des éléments `<script>` et des commentaires, car une image, un cadre ou du texte à côté se chargerait ou s'afficherait avant le consentement.
settings-consent-script-unclosed = le script du service `{ $service }` contient un élément ou un commentaire jamais fermé : terminez chaque `<script>` par `</script>`.
settings-consent-script-missing = le service `{ $service }` est de type `script` mais n'a pas de script : ajoutez `script = "<script …></script>"`, utilisez un préréglage qui en fournit un, ou mettez `kind = "embed"` ou `"none"`.
settings-consent-not-exemptable = le service `{ $service }` (préréglage `{ $preset }`) sert la finalité `{ $purpose }`, exemptée de consentement, mais la CNIL n'exempte pas ce service : placez-le sous une finalité avec `exempt = false`.

## Amounts (site.toml, front matter and CSV)

amount-not-decimal = `{ $field }` : `{ $value }` n'est pas un montant : écrivez-le comme `24.90`.
amount-too-many-decimals = `{ $field }` : `{ $value }` a plus de décimales que { $currency } n'en permet ({ $decimals }) : arrondissez-le à { $decimals } décimales.
amount-negative = `{ $field }` : `{ $value }` est négatif : un prix vaut 0 ou plus.
amount-too-large = `{ $field }` : `{ $value }` est trop grand pour un prix : vérifiez le montant.

## Front matter

front-matter-missing = pas d'en-tête : commencez le fichier par une ligne `+++`, les champs TOML, puis une autre ligne `+++`.
front-matter-yaml = en-tête en YAML (lignes `---`) : Comptoir lit du TOML entre des lignes `+++`. Remplacez les deux lignes `---` par `+++` et écrivez chaque champ en TOML, par exemple `title = "Tasse"` au lieu de `title: Tasse`.
front-matter-unclosed = l'en-tête ouvert à la ligne 1 n'est jamais fermé : ajoutez une ligne `+++` après son dernier champ.
front-matter-invalid = en-tête invalide : { $detail }
front-matter-unknown-key = clé inconnue `{ $key }` : corrigez son orthographe, ou placez un champ libre sous `[extra]`. Clés valides ici : { $valid }.
front-matter-missing-key = clé `{ $key }` manquante : ajoutez-la à l'en-tête.
front-matter-unknown-value = valeur invalide `{ $value }` : utilisez l'une de { $valid }.
toml-wrong-type = `{ $key }` doit être { $expected ->
        [unsigned] un nombre entier positif, sans guillemets
        [integer] un nombre entier, sans guillemets
        [number] un nombre, sans guillemets, avec un point décimal
        [boolean] `true` ou `false`, sans guillemets
        [list] une liste, par exemple `["a", "b"]`
        [amount] un montant, par exemple `24.90`
       *[text] du texte entre guillemets
    }, pas `{ $value }` : écrivez `{ $example }`.
toml-wrong-type-choice = `{ $key }` doit être l'une des valeurs { $valid }, entre guillemets, pas `{ $value }` : écrivez par exemple `{ $example }`.
toml-wrong-type-detail = `{ $key }` doit être { $expected ->
        [table] une table, par exemple `{ $name } = { "{" } clé = "valeur" { "}" }` ou un en-tête `[{ $key }]`
       *[other] { $detail }
    }, pas `{ $value }` : corrigez cette valeur.
toml-unclosed = { $kind ->
        [array] la liste de `{ $key }` n'est jamais fermée : ajoutez `{ $closer }` après sa dernière valeur.
        [table] la table en ligne de `{ $key }` n'est jamais fermée : ajoutez `{ $closer }` après sa dernière valeur.
       *[text] le texte sur plusieurs lignes de `{ $key }` n'est jamais fermé : ajoutez `{ $closer }` là où il se termine.
    }

## Products, categories and pages

content-invalid-sku = référence (sku) invalide `{ $value }` : utilisez seulement des lettres, des chiffres, `-`, `_` et `.`.
content-invalid-slug = slug invalide `{ $value }` : utilisez des minuscules, des chiffres et des tirets simples, comme `{ $suggestion }`, ou supprimez `slug` pour le tirer du titre.
content-invalid-stock = `{ $field }` : `{ $value }` n'est pas une politique de stock : utilisez l'une de { $valid }.
content-invalid-number = `{ $field }` : `{ $value }` n'est pas un nombre entier : écrivez un nombre positif sans décimales, comme `350`.
content-backorder-days-without-backorder = `backorder_days` est renseigné mais la politique de stock est `{ $stock }` : mettez `stock = "backorder"` ou supprimez `backorder_days`.
content-image-relative = l'image `{ $value }` n'est ni un chemin sous static/ ni une URL : commencez-la par `/`, comme `/{ $value }`, ou donnez une URL complète en `https://`.
content-image-missing = image `{ $value }` introuvable : fichier attendu `{ $path }`. Ajoutez-le, ou corrigez le chemin.
price-unknown-list = `{ $field }` : la liste de prix `{ $list }` n'est pas déclarée : ajoutez `[price_lists.{ $list }]` à site.toml ou utilisez l'une de : { $valid }.
price-unknown-currency = `{ $field }` : devise inconnue `{ $code }` : écrivez un code ISO 4217 comme EUR ou CHF.
price-set-twice = `{ $field }` fixe un prix en { $currency } dans la liste `{ $list }` que `price` fixe déjà : gardez l'un des deux.
price-missing = la référence `{ $sku }` n'a pas de prix dans la liste `{ $list }` en { $currency }, nécessaire à la boutique `{ $store }` : ajoutez `price`, ou `[prices.{ $list }]` avec un montant en { $currency }, ou donnez un `fallback` à `[price_lists.{ $list }]`.
price-overflow = le prix de la référence `{ $sku }` est trop grand une fois converti en { $currency } : vérifiez le montant et le taux.
sku-duplicate = la référence `{ $sku }` est déjà utilisée en { $other } : chaque produit et chaque variante a sa propre référence.
slug-duplicate = le slug { $kind ->
    [product] de produit
    [category] de rayon
   *[page] de page
} `{ $slug }` (langue { $locale }) est déjà utilisé en { $other } : donnez un autre `slug` à l'un des deux.
option-duplicate-name = l'option `{ $option }` est déclarée deux fois : regroupez ses valeurs dans une seule `[[options]]`.
option-without-values = l'option `{ $option }` n'a aucune valeur : listez-les, comme `values = ["S", "M"]`.
option-duplicate-value = l'option `{ $option }` cite `{ $value }` deux fois : supprimez le doublon.
option-without-variants = le produit `{ $sku }` déclare des options mais aucune variante : ajoutez des `[[variants]]` qui y choisissent, ou supprimez `[[options]]`.
variant-unknown-option = la variante `{ $sku }` fixe l'option `{ $option }`, que le produit ne déclare pas : ajoutez-la à `[[options]]` ou utilisez l'une de : { $valid }.
variant-invalid-option-value = la variante `{ $sku }` donne à l'option `{ $option }` la valeur `{ $value }`, qui n'est pas l'une de ses valeurs : utilisez l'une de { $valid }, ou ajoutez-la aux valeurs de l'option.
variant-missing-option = la variante `{ $sku }` ne fixe pas l'option `{ $option }` : chaque variante fixe chaque option de son produit.
variant-duplicate-options = la variante `{ $sku }` a les mêmes options que la variante `{ $other }` ({ $options }) : changez les options de l'une des deux.
product-unknown-category = rayon inconnu `{ $value }` : créez content/categories/{ $value }.md ou utilisez l'un de : { $valid }.
product-unknown-tax-class = la classe de TVA `{ $class }` n'a pas de taux en { $country }, où une boutique vend : ajoutez `{ $class }` à `[tax.rates.{ $country }]` dans site.toml ou utilisez l'une de : { $valid }.
category-invalid-id = le nom de fichier de rayon `{ $value }` ne peut pas servir dans une URL : renommez-le `{ $suggestion }` (minuscules, chiffres et tirets).
category-missing-parent = le rayon `{ $id }` est rangé dans `{ $parent }`, qui n'a pas de fichier : créez content/categories/{ $parent }.md.
menu-unknown-category = le menu pointe vers le rayon `{ $value }`, qui n'est pas publié : utilisez l'un de : { $valid }.
menu-unknown-page = le menu pointe vers la page `{ $value }`, qui n'est pas publiée : utilisez l'une de : { $valid }.
menu-unknown-product = le menu pointe vers le produit `{ $value }`, qui n'est pas publié : utilisez la référence d'un produit publié.
content-unknown-service = `data-service="{ $service }"` désigne un service que site.toml ne déclare pas : ajoutez `[consent.services.{ $service }]` (avec `preset = "youtube"` pour YouTube, ou `name`, `provider`, `collects`, `retention`, `purposes` et `kind = "embed"` pour une autre plateforme), ou utilisez l'un de : { $valid }.

## Translations

translation-without-base = cette traduction n'a pas de fichier de base : créez `{ $base }` dans la langue du contenu, ou renommez ce fichier d'après celui qu'il traduit.
translation-fact = `{ $key }` ne peut pas figurer dans une traduction : prix, stock, rayons et autres faits restent dans le fichier de base. Une traduction contient le titre, la description, le slug, le texte et les titres de variantes.
translation-content-locale = ce fichier traduit en { $locale }, la langue du contenu : fusionnez-le dans `{ $base }` et supprimez-le.
translation-unknown-variant = aucune variante n'a la référence `{ $sku }` : utilisez l'une de : { $valid }.

## CSV catalogue

csv-invalid = CSV invalide à la ligne { $row } : { $detail }
csv-empty = le fichier CSV est vide : ajoutez une ligne d'en-tête comme `sku,title,price`.
csv-unknown-column = colonne inconnue `{ $column }` : corrigez son nom ou supprimez-la. Colonnes valides : { $valid }.
csv-duplicate-column = la colonne `{ $column }` apparaît deux fois : gardez-en une.
csv-invalid-locale = colonne `{ $column }` : `{ $locale }` n'est pas une langue : utilisez un code comme `en` ou `fr-CH`.
csv-missing-sku-column = l'en-tête n'a pas de colonne `sku` : ajoutez-la, chaque ligne a besoin d'une référence.
csv-missing-title-column = l'en-tête n'a pas de colonne `title`, nécessaire aux lignes de produit : ajoutez-la avec le titre de chaque produit dans la langue du contenu.
csv-row-length = cette ligne a { $found } cellules mais l'en-tête en a { $expected } : cherchez une virgule manquante ou en trop, et mettez entre guillemets les valeurs qui contiennent des virgules.
csv-not-utf8 = la colonne `{ $column }` n'est pas du texte UTF-8 : enregistrez le fichier en « CSV UTF-8 » depuis votre tableur.
csv-file-not-utf8 = `{ $file }` n'est pas du texte UTF-8 (le tableur l'a sans doute enregistré en Windows-1252 ou Latin-1) : enregistrez le fichier en UTF-8, au format « CSV UTF-8 » de votre tableur, puis relancez.
csv-missing-value = la colonne `{ $column }` est vide : remplissez-la.
csv-product-option = la colonne `{ $column }` est remplie sur une ligne de produit : les options vont sur les lignes de variantes, qui renseignent `parent_sku`.
csv-variant-column = la colonne `{ $column }` est remplie sur une ligne de variante : elle appartient à la ligne du produit `parent_sku`. Laissez-la vide ici.
csv-unknown-parent = parent_sku `{ $value }` n'est la référence d'aucune ligne de produit de content/catalog/ : ajoutez cette ligne de produit, ou corrigez la référence.
settings-privacy-response = `[privacy] response_months = { $value }` : une demande sur les données personnelles doit recevoir une réponse dans un délai d'un mois (RGPD art. 12, § 3) ; écrivez `response_months = 1` et utilisez `extension_months` pour les demandes complexes.
settings-privacy-extension = `[privacy] extension_months = { $value }` n'est pas entre 0 et 2 : l'article 12, § 3 du RGPD permet de prolonger le délai de deux mois au plus.
settings-privacy-invoice = `[privacy] invoice_years = { $value }` n'est pas entre { $low } et { $high } : les factures et avoirs se conservent 10 ans (Code de commerce L123-22) ; écrivez `invoice_years = 10`.
settings-privacy-contract = `[privacy] contract_years = { $value }` n'est pas entre { $low } et { $high } : un contrat électronique de 120 € ou plus se conserve 10 ans (Code de la consommation L213-1) ; écrivez `contract_years = 10`.
settings-privacy-withdrawal = `[privacy] withdrawal_days = { $value }` n'est pas entre { $low } et { $high } : le délai légal de rétractation est d'au moins 14 jours (Code de la consommation L221-18).
settings-privacy-inactive = `[privacy] inactive_years = { $value }` n'est pas entre { $low } et { $high } : la CNIL admet une conservation des données de prospection de 3 ans au plus après le dernier contact.
settings-privacy-hours = `[privacy] { $key } = { $value }` n'est pas entre { $low } et { $high } : choisissez une valeur dans cet intervalle.
settings-privacy-threshold = `[privacy] contract_threshold = { $value }` est négatif : écrivez le montant en centimes de la devise de la boutique, par exemple `12000` pour 120 €.

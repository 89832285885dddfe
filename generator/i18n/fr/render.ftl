# render messages (fr). Every id must exist in both languages.

render-file-unreadable = impossible de lire ce fichier : { $error }
render-file-not-utf8 = ce fichier n'est pas en UTF-8 valide ({ $error }) : enregistrez-le en UTF-8
render-theme-not-found = la boutique `{ $store }` utilise le thème `{ $theme }`, qui n'existe pas : aucun dossier themes/{ $theme }/ dans la boutique et aucun thème intégré de ce nom. Thèmes intégrés : { $builtin }
render-theme-toml-missing = le thème `{ $theme }` n'a pas de theme.toml : ajoutez-en un avec au moins `name = "…"`
render-theme-toml-invalid = theme.toml invalide : { $error }
render-theme-setting-unknown = la boutique `{ $store }` définit `{ $key }` dans theme_settings, mais le thème `{ $theme }` n'a pas ce réglage. Réglages de ce thème : { $known }
render-theme-setting-type = la boutique `{ $store }` donne au réglage `{ $key }` une valeur de type { $found }, mais le thème attend le type { $expected } (celui de sa valeur par défaut)
render-template-syntax = erreur de syntaxe dans le gabarit : { $error }
render-template-invalid = gabarit invalide : { $error }
render-template-missing = le thème `{ $theme }` n'a pas de gabarit `{ $template }`, nécessaire à la page { $page } : ajoutez templates/{ $template }
render-template-failed = le rendu de { $template } a échoué pour { $path } (et { $others } autres pages avec la même erreur) : { $error }
render-page-template-missing = cette page utilise le gabarit `{ $template }`, absent du thème `{ $theme }` : ajoutez templates/{ $template } ou retirez `template`
render-ftl-syntax = erreur de syntaxe Fluent : { $error }
render-css-invalid = erreur CSS : { $error }
render-browsers-invalid = requête de navigateurs `{ $query }` invalide dans `browsers` : { $error }
render-path-conflict = deux fichiers de la boutique `{ $store }` ont le même chemin { $path } : { $first } et { $second }. Changez le slug de l'un des deux
render-price-missing = la boutique `{ $store }` n'a pas de prix pour le sku `{ $sku }` en { $currency } : le produit est affiché sans bouton de commande. { $error }
render-price-failed = la boutique `{ $store }` ne peut pas calculer le prix du sku `{ $sku }` : { $error }
render-tax-rate-missing = la boutique `{ $store }` est en { $country }, qui n'a pas de taux de TVA pour la classe `{ $class }` du sku `{ $sku }` : ajoutez `{ $class }` à `[tax.rates.{ $country }]` dans site.toml
render-menu-target-missing = le menu pointe vers { $kind } `{ $target }`, qui n'existe pas ou n'est pas publié
render-shipping-price-missing = le mode de livraison `{ $method }` n'a pas de prix en { $currency } pour la boutique `{ $store }` : ajoutez `{ $currency } = "…"` ou un prix en { $shop_currency } à convertir
render-shipping-price-invalid = mode de livraison `{ $method }` : prix { $value } invalide : { $error }
render-write-failed = impossible d'écrire { $path } : { $error }
render-asset-unknown = ressource `{ $path }` inconnue : attendu un fichier de styles/ (main.css), scripts/ ou static/. Ressources connues : { $known }
render-store-unknown = aucune boutique `{ $store }` dans site.toml. Boutiques : { $known }
render-consent-script = le script du service de consentement `{ $service }` ne peut pas être retenu jusqu'au consentement ({ $error }) : ne gardez que des éléments `<script>` dans `[consent.services.{ $service }] script`

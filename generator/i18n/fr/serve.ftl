# serve messages (fr). Every id must exist in both languages.

serve-store-url = Boutique { $store } : { $url }
serve-ready = Surveillance des modifications de la boutique. Ctrl+C pour arrêter.
serve-rebuilt = Génération { $build } prête en { $millis } ms : { $written ->
    [one] { $written } fichier écrit
   *[other] { $written } fichiers écrits
}, { $deleted ->
    [one] { $deleted } supprimé
   *[other] { $deleted } supprimés
}.
serve-keeps-last-build = La dernière génération réussie reste en ligne ; enregistrez une correction pour régénérer.
serve-overlay-title = Comptoir : la dernière génération a échoué. Cette page vient de la dernière génération réussie. Corrigez ces problèmes puis enregistrez :
serve-bind-failed = Impossible d'écouter sur { $address } : { $error }. Choisissez un autre port avec --port.
serve-port-overflow = Le port { $port } ne laisse pas de place pour { $stores } boutiques, un port chacune : choisissez un --port plus bas.
serve-watch-failed = Impossible de surveiller les modifications de { $path } : { $error }
serve-runtime-failed = Impossible de démarrer le serveur : { $error }
serve-stores-changed = Les boutiques de site.toml sont désormais { $stores } : relancez `comptoir serve` pour les servir chacune sur son port.
serve-api-failed = L'API du panier et de la commande est désactivée, les pages sont servies sans elle : { $error }
serve-api-unavailable = L'API du panier et de la commande est désactivée : voir le terminal qui exécute `comptoir serve`.
edge-ready = API du panier et de la commande sous /api sur chaque boutique. Base de données : { $database }. E-mails : { $outbox }
edge-stock-seeded = Nouvelle base de données : { $count } niveaux de stock importés depuis { $path }.
edge-open-failed = Impossible de démarrer l'edge : { $error }
edge-stock-imported = { $count ->
    [one] { $count } niveau de stock enregistré.
   *[other] { $count } niveaux de stock enregistrés.
}
stock-missing-column = l'en-tête n'a pas de colonne `{ $column }` : la première ligne doit nommer les colonnes, par exemple `sku,quantity`.
stock-malformed = ligne illisible : { $reason }
stock-empty-sku = le sku est vide : indiquez le sku d'un produit ou d'une variante.
stock-unknown-sku = `{ $sku }` n'est vendu par aucune boutique du dernier build : vérifiez l'orthographe, ou lancez d'abord `comptoir build`.
stock-invalid-quantity = `{ $value }` n'est pas un nombre entier de 0 à { $max }.
stock-duplicate-sku = `{ $sku }` figure déjà à la ligne { $first } : gardez une ligne par sku.

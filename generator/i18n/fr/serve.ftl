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

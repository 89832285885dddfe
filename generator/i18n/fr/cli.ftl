# cli messages (fr). Every id must exist in both languages.
build-done = { $pages } pages générées en { $millis } ms.

## Textes d'aide de `comptoir --help` et `comptoir <commande> --help`.

cli-about = Transforme les fichiers d'une boutique en pages statiques, un site par boutique.
cli-long-about = Comptoir lit site.toml, content/ et le thème de chaque boutique, puis écrit les pages de chacune dans public/<boutique>/, prêtes pour n'importe quel hébergeur statique.
cli-heading-usage = Utilisation :
cli-heading-commands = Commandes
cli-heading-options = Options
cli-heading-arguments = Arguments
cli-value-command = COMMANDE
cli-arg-help = Affiche cette aide.
cli-arg-version = Affiche la version.
cli-arg-lang = Langue des messages, et de la boutique que crée `new` : fr ou en. Par défaut, celle de LANG, sinon l'anglais.
cli-arg-root = Dossier qui contient `site.toml`. Par défaut, le dossier courant.
cli-arg-output = Dossier de sortie. Par défaut, public/ dans le dossier de la boutique.
cli-arg-store = Ne génère que cette boutique, désignée par son id ; à répéter pour en générer plusieurs. Les dossiers des autres boutiques restent tels quels.
cli-arg-port = Port de la première boutique ; la boutique numéro i écoute sur ce port + i. 0 choisit des ports libres. Par défaut, 8080.
cli-arg-dir = Dossier où créer la boutique ; il doit être absent ou vide.
cli-build-about = Génère toutes les boutiques dans le dossier de sortie.
cli-build-long-about = Génère toutes les boutiques dans le dossier de sortie. Les nouveaux fichiers ne remplacent les anciens que si toute la génération a réussi : en cas d'échec, la sortie précédente reste intacte et chaque problème est listé.
cli-check-about = Vérifie la boutique sans rien écrire.
cli-check-long-about = Charge et met en page toute la boutique comme le ferait une génération, sans écrire aucun fichier, et liste chaque problème trouvé.
cli-serve-about = Sert chaque boutique en local et régénère à chaque modification.
cli-serve-long-about = Génère dans public/, sert chaque boutique sur 127.0.0.1 et régénère dès qu'un fichier change. Les pages ouvertes se rechargent d'elles-mêmes ; après un échec, la dernière génération réussie reste en ligne et les problèmes s'affichent sur chaque page.
cli-new-about = Crée une nouvelle boutique.
cli-new-long-about = Crée une boutique prête à l'emploi : une boutique, deux produits, un rayon, ainsi que les CGV et les mentions légales avec des passages à compléter.

## Erreurs d'utilisation.

cli-try-help = Lancez `comptoir --help` pour la liste des commandes et des options.
cli-unknown-argument = Argument inconnu : { $argument }.
cli-unknown-command = Commande inconnue : { $command }.
cli-missing-argument = Argument manquant : { $argument }.
cli-invalid-choice = Valeur « { $value } » invalide pour { $argument } : valeurs possibles { $valid }.
cli-invalid-value = Valeur « { $value } » invalide pour { $argument }.
cli-argument-conflict = { $argument } ne peut pas être utilisé avec { $other }.
cli-argument-repeated = { $argument } est donné plusieurs fois.
cli-usage-error = Ligne de commande invalide ({ $error }).
cli-no-site-toml = Aucune boutique trouvée : { $path } est introuvable. Lancez la commande dans le dossier d'une boutique, ou indiquez ce dossier avec --root.

## Résultats.

cli-problems-found = { $count ->
    [one] La boutique a { $count } problème :
   *[other] La boutique a { $count } problèmes :
}
build-id = Génération { $id }
build-store = Boutique { $store } : { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
}, { $products ->
    [one] { $products } produit
   *[other] { $products } produits
}, { $files ->
    [one] { $files } fichier
   *[other] { $files } fichiers
}.
build-written = Écrit dans { $path }.
build-waiting = Une autre génération de cette boutique est en cours ; celle-ci commencera à sa fin.
build-progress = { $files ->
    [one] { $files } fichier écrit
   *[other] { $files } fichiers écrits
}
build-incremental = { $rendered ->
    [one] { $rendered } page générée
   *[other] { $rendered } pages générées
}, { $kept ->
    [one] { $kept } conservée
   *[other] { $kept } conservées
} ; { $files ->
    [one] { $files } fichier écrit
   *[other] { $files } fichiers écrits
}.
progress-load-started = Lecture de la boutique : { $files ->
    [one] { $files } fichier Markdown
   *[other] { $files } fichiers Markdown
}, { $rows ->
    [one] { $rows } ligne CSV
   *[other] { $rows } lignes CSV
}
progress-load = Lecture de la boutique : { $files ->
    [one] { $files } fichier Markdown
   *[other] { $files } fichiers Markdown
} sur { $total }, { $rows ->
    [one] { $rows } ligne CSV
   *[other] { $rows } lignes CSV
}
progress-stock-read = { $rows ->
    [one] Lecture du fichier de stock : { $rows } ligne
   *[other] Lecture du fichier de stock : { $rows } lignes
}
progress-stock-write = { $count ->
    [one] Enregistrement de { $count } niveau de stock
   *[other] Enregistrement de { $count } niveaux de stock
}
build-unknown-store = Boutique « { $store } » inconnue dans --store : les boutiques sont { $stores }.
build-output-unsafe = Le dossier de sortie { $path } contient la boutique elle-même, or une génération remplace entièrement son dossier de sortie : choisissez un autre dossier avec --output.
check-ok = Aucun problème trouvé : { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
} et { $files ->
    [one] { $files } fichier
   *[other] { $files } fichiers
} seraient écrits.
new-done = Boutique créée dans { $path }. Complétez les valeurs marquées « À COMPLÉTER » dans site.toml et les pages légales, puis lancez : comptoir serve --root { $path }
new-not-empty = Le dossier { $path } n'est pas vide : choisissez un nouveau nom de dossier, ou videz celui-ci.

## Erreurs de lecture et d'écriture.

io-read-failed = Impossible de lire { $path } : { $error }
io-write-failed = Impossible d'écrire { $path } : { $error }
io-create-failed = Impossible de créer le dossier { $path } : { $error }
io-rename-failed = Impossible de remplacer { $path } : { $error }
io-delete-failed = Impossible de supprimer { $path } : { $error }
cli-import-stock-about = Enregistrer les niveaux de stock depuis un fichier CSV.
cli-import-stock-long-about = Lit un fichier CSV aux colonnes sku et quantity et enregistre ces niveaux de stock dans la base de données de la boutique (.comptoir/edge.sqlite3), celle qu'utilise `comptoir serve`. Chaque sku est vérifié par rapport au dernier build dans public/ ; rien n'est écrit tant qu'une ligne est invalide.
cli-arg-stock-file = Fichier CSV avec une ligne d'en-tête et les colonnes sku et quantity.

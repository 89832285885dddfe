# privacy messages (fr) : `comptoir requests` et `comptoir purge`. Chaque id doit
# exister dans les deux langues.

## Textes d'aide.

cli-requests-about = Lister les demandes sur les données personnelles de la boutique.
cli-requests-long-about = Liste les demandes d'export et d'effacement enregistrées dans la base de données de la boutique (.comptoir/edge.sqlite3, celle qu'utilise `comptoir serve`), avec leur échéance et les jours restants. Les demandes proches de leur échéance ou en retard viennent en premier, marquées URGENT. Seules les demandes ouvertes sont listées, sauf avec --all.
cli-purge-about = Appliquer les durées de conservation de [privacy] à la base de données de la boutique.
cli-purge-long-about = Supprime ou anonymise ce que les durées de conservation de [privacy] dans site.toml rendent dû : paniers, liens et exports expirés, effacements qui attendaient la clôture d'une commande, clients inactifs (prévenus d'abord par e-mail), factures archivées en fin de durée, anciens enregistrements de consentement et entrées du journal. Lancez-la une fois par jour, par exemple avec cron. La lancer deux fois ne fait rien de plus.
cli-arg-db = Base SQLite à lire au lieu de .comptoir/edge.sqlite3 dans le dossier de la boutique, par exemple une copie exportée de D1.
cli-arg-all = Lister aussi les demandes closes (traitées ou expirées).
cli-arg-json = Afficher les demandes en JSON, pour des scripts.
cli-arg-requests-now = Compter les jours restants depuis cette date (AAAA-MM-JJ ou RFC 3339) au lieu d'aujourd'hui.
cli-arg-purge-now = Appliquer les durées comme à cette date (AAAA-MM-JJ ou RFC 3339) au lieu de maintenant, pour voir ce que fera un passage ultérieur.
cli-arg-dry-run = Indiquer ce qui est dû sans rien modifier.

## `comptoir requests`.

requests-no-database = Pas encore de base de données à { $path }, donc la boutique n'a reçu aucune demande sur les données personnelles. `comptoir serve` la crée. Pour un Worker, exportez la base D1 et passez-la avec --db.
requests-none-open = Aucune demande ouverte sur les données personnelles.
requests-none = Aucune demande sur les données personnelles.
requests-header = { $count ->
    [one] { $count } demande :
   *[other] { $count } demandes :
}
requests-column-id = Id
requests-column-store = Boutique
requests-column-kind = Type
requests-column-status = État
requests-column-received = Reçue le
requests-column-deadline = Échéance
requests-column-left = Jours restants
requests-kind-export = export
requests-kind-erasure = effacement
requests-status-received = en attente de confirmation
requests-status-confirmed = confirmée
requests-status-deferred = reportée
requests-status-fulfilled = traitée
requests-status-expired = expirée
requests-days-left = { $days ->
    [one] { $days } jour
   *[other] { $days } jours
}
requests-overdue = { $days ->
    [one] en retard de { $days } jour
   *[other] en retard de { $days } jours
}
requests-closed = close
requests-urgent = URGENT
requests-urgent-count = { $count ->
    [one] { $count } demande arrive à moins de { $days } jours de son échéance : traitez-la en premier.
   *[other] { $count } demandes arrivent à moins de { $days } jours de leur échéance : traitez-les en premier.
}
requests-invalid-date = `{ $value }` n'est pas une date : écrivez-la sous la forme AAAA-MM-JJ ou en heure RFC 3339 comme 2025-01-31T08:00:00Z.
requests-storage-failed = Impossible de lire les demandes dans { $path } : { $error }

## `comptoir purge`.

purge-done = Purge faite le { $date } :
purge-dry-run = Dû le { $date } (rien n'a été modifié) :
purge-count-carts = paniers expirés supprimés : { $count }
purge-count-requests-expired = demandes dont le lien de confirmation a expiré : { $count }
purge-count-exports-closed = liens d'export fermés : { $count }
purge-count-deferred-erasures = effacements en attente appliqués : { $count }
purge-count-inactive-warned = clients inactifs prévenus par e-mail : { $count }
purge-count-inactive-anonymised = clients inactifs anonymisés : { $count }
purge-count-archive-purged = commandes archivées supprimées en fin de durée : { $count }
purge-count-consent-records = enregistrements de consentement supprimés : { $count }
purge-count-log-entries = entrées du journal des demandes supprimées : { $count }
purge-count-housekeeping = compteurs de limite et clés d'idempotence supprimés : { $count }
purge-failed = La purge a échoué : { $error }
purge-future-date = `--now { $value }` est dans le futur, et une purge à cette date effacerait des données que la loi impose encore de garder. Ajoutez `--dry-run` pour voir ce que fera un passage ultérieur.

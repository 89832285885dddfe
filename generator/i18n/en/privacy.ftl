# privacy messages (en): `comptoir requests` and `comptoir purge`. Every id must
# exist in both languages.

## Help texts.

cli-requests-about = List the personal-data requests of the shop.
cli-requests-long-about = List the export and erasure requests recorded in the shop's database (.comptoir/edge.sqlite3, the one `comptoir serve` uses), with their deadline and the days left. Requests near or past their deadline come first, marked URGENT. Only open requests are listed unless --all is given.
cli-purge-about = Apply the retention periods of [privacy] to the shop's database.
cli-purge-long-about = Delete or anonymise what the retention periods of [privacy] in site.toml say is due: expired carts, links and exports, erasures that were waiting for an order to close, inactive customers (warned by email first), archived invoices past their period, old consent records and log entries. Run it once a day, for instance from cron. Running it twice does nothing more.
cli-arg-db = SQLite database to read, in place of .comptoir/edge.sqlite3 in the shop folder, for instance a copy exported from D1.
cli-arg-all = Also list closed requests (fulfilled or expired).
cli-arg-json = Print the requests as JSON, for scripts.
cli-arg-requests-now = Count the days left from this date (YYYY-MM-DD or RFC 3339) in place of today.
cli-arg-purge-now = Apply the periods as on this date (YYYY-MM-DD or RFC 3339) in place of now, to see what a later run will do.
cli-arg-dry-run = Report what is due without changing anything.

## `comptoir requests`.

requests-no-database = No database at { $path } yet, so the shop has received no personal-data request. `comptoir serve` creates it. For a Worker, export the D1 database and pass it with --db.
requests-none-open = No open personal-data request.
requests-none = No personal-data request.
requests-header = { $count ->
    [one] { $count } request:
   *[other] { $count } requests:
}
requests-column-id = Id
requests-column-store = Store
requests-column-kind = Kind
requests-column-status = Status
requests-column-received = Received
requests-column-deadline = Deadline
requests-column-left = Days left
requests-kind-export = export
requests-kind-erasure = erasure
requests-status-received = awaiting confirmation
requests-status-confirmed = confirmed
requests-status-deferred = deferred
requests-status-fulfilled = fulfilled
requests-status-expired = expired
requests-days-left = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
requests-overdue = { $days ->
    [one] late by { $days } day
   *[other] late by { $days } days
}
requests-closed = closed
requests-urgent = URGENT
requests-urgent-count = { $count ->
    [one] { $count } request is within { $days } days of its deadline: answer it first.
   *[other] { $count } requests are within { $days } days of their deadline: answer them first.
}
requests-invalid-date = `{ $value }` is not a date: write it as YYYY-MM-DD or as an RFC 3339 time such as 2025-01-31T08:00:00Z.
requests-storage-failed = Could not read the requests from { $path }: { $error }

## `comptoir purge`.

purge-done = Purge done on { $date }:
purge-dry-run = Due on { $date } (nothing was changed):
purge-count-carts = expired carts deleted: { $count }
purge-count-requests-expired = requests whose confirmation link expired: { $count }
purge-count-exports-closed = export links closed: { $count }
purge-count-deferred-erasures = waiting erasures applied: { $count }
purge-count-inactive-warned = inactive customers warned by email: { $count }
purge-count-inactive-anonymised = inactive customers anonymised: { $count }
purge-count-archive-purged = archived orders deleted at the end of their period: { $count }
purge-count-consent-records = consent records deleted: { $count }
purge-count-log-entries = request log entries deleted: { $count }
purge-count-housekeeping = rate-limit counters and idempotency keys deleted: { $count }
purge-failed = The purge failed: { $error }
purge-future-date = `--now { $value }` is in the future, and a purge at that date would delete data that the law still requires you to keep. Add `--dry-run` to see what a later run will do.

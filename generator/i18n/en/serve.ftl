# serve messages (en). Every id must exist in both languages.

serve-store-url = Store { $store }: { $url }
serve-ready = Watching the shop for changes. Press Ctrl+C to stop.
serve-rebuilt = Build { $build } ready in { $millis } ms: { $written ->
    [one] { $written } file written
   *[other] { $written } files written
}, { $deleted ->
    [one] { $deleted } deleted
   *[other] { $deleted } deleted
}.
serve-keeps-last-build = The last good build is still being served; save a fix to rebuild.
serve-overlay-title = Comptoir: the last build failed. This page is from the last good build. Fix these problems and save:
serve-bind-failed = Could not listen on { $address }: { $error }. Choose another port with --port.
serve-port-overflow = Port { $port } leaves no room for { $stores } stores, one port each: choose a lower --port.
serve-watch-failed = Could not watch { $path } for changes: { $error }
serve-runtime-failed = Could not start the server: { $error }
serve-stores-changed = The stores in site.toml are now { $stores }: restart `comptoir serve` to serve them on their own ports.
serve-api-failed = The cart and checkout API is off, so the pages are served without it: { $error }
serve-api-unavailable = The cart and checkout API is off: see the terminal running `comptoir serve`.
edge-ready = Cart and checkout API at /api on every store. Database: { $database }. Emails: { $outbox }
edge-stock-seeded = New database: { $count } stock levels imported from { $path }.
edge-open-failed = Could not start the edge: { $error }
edge-stock-imported = { $count ->
    [one] { $count } stock level set.
   *[other] { $count } stock levels set.
}
stock-missing-column = the header has no `{ $column }` column: the first line must name the columns, such as `sku,quantity`.
stock-malformed = unreadable row: { $reason }
stock-empty-sku = the sku is empty: write the sku of a product or variant.
stock-unknown-sku = `{ $sku }` is not sold by any store of the last build: check the spelling, or run `comptoir build` first.
stock-invalid-quantity = `{ $value }` is not a whole number from 0 to { $max }.
stock-duplicate-sku = `{ $sku }` already appears on line { $first }: keep one line per sku.

# cli messages (en). Every id must exist in both languages.

build-done = Built { $pages } pages in { $millis } ms.

## Help texts shown by `comptoir --help` and `comptoir <command> --help`.

cli-about = Build a shop's files into static pages, one site per store.
cli-long-about = Comptoir reads site.toml, content/ and the theme of each store, and writes every store's pages into public/<store>/, ready for any static host.
cli-heading-usage = Usage:
cli-heading-commands = Commands
cli-heading-options = Options
cli-heading-arguments = Arguments
cli-value-command = COMMAND
cli-arg-help = Print this help.
cli-arg-version = Print the version.
cli-arg-lang = Language of messages, and of the shop that `new` creates: fr or en. Defaults to LANG, then English.
cli-arg-root = Folder holding `site.toml`. Defaults to the current folder.
cli-arg-output = Output folder. Defaults to public/ in the shop folder.
cli-arg-store = Build only this store, by id; repeat for several. Other stores' folders are left as they are.
cli-arg-port = Port of the first store; store number i listens on this port + i. 0 picks free ports. Defaults to 8080.
cli-arg-dir = Folder to create the shop in; it must be missing or empty.
cli-build-about = Build every store into the output folder.
cli-build-long-about = Build every store into the output folder. The new files replace the old ones only when the whole build succeeded: a failed build leaves the previous output as it was and lists every problem.
cli-check-about = Check the shop without writing anything.
cli-check-long-about = Load and render the whole shop as a build would, without writing a file, and list every problem found.
cli-serve-about = Serve every store locally and rebuild on change.
cli-serve-long-about = Build into public/, serve each store on 127.0.0.1 and rebuild when a file changes. Open pages reload by themselves; after a failed rebuild the last good build stays online and the problems appear on every page.
cli-new-about = Create a new shop.
cli-new-long-about = Create a working shop to start from: one store, two products, a category, and the terms of sale and legal notice with placeholders to fill in.

## Usage errors.

cli-try-help = Run `comptoir --help` for the commands and options.
cli-unknown-argument = Unknown argument: { $argument }.
cli-unknown-command = Unknown command: { $command }.
cli-missing-argument = Missing argument: { $argument }.
cli-invalid-choice = Invalid value “{ $value }” for { $argument }: expected one of { $valid }.
cli-invalid-value = Invalid value “{ $value }” for { $argument }.
cli-argument-conflict = { $argument } cannot be used with { $other }.
cli-argument-repeated = { $argument } is given more than once.
cli-usage-error = Invalid command line ({ $error }).
cli-no-site-toml = No shop found: { $path } is missing. Run the command in a shop folder, or give the folder with --root.

## Results.

cli-problems-found = { $count ->
    [one] The shop has { $count } problem:
   *[other] The shop has { $count } problems:
}
build-id = Build { $id }
build-store = Store { $store }: { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
}, { $products ->
    [one] { $products } product
   *[other] { $products } products
}, { $files ->
    [one] { $files } file
   *[other] { $files } files
}.
build-written = Written to { $path }.
build-waiting = Another build of this shop is running; this one starts when it ends.
build-progress = { $files ->
    [one] { $files } file written
   *[other] { $files } files written
}
build-incremental = { $rendered ->
    [one] { $rendered } page rendered
   *[other] { $rendered } pages rendered
}, { $kept } kept; { $files ->
    [one] { $files } file written
   *[other] { $files } files written
}.
progress-load-started = Reading the shop: { $files ->
    [one] { $files } Markdown file
   *[other] { $files } Markdown files
}, { $rows ->
    [one] { $rows } CSV row
   *[other] { $rows } CSV rows
}
progress-load = Reading the shop: { $files } of { $total ->
    [one] { $total } Markdown file
   *[other] { $total } Markdown files
}, { $rows ->
    [one] { $rows } CSV row
   *[other] { $rows } CSV rows
}
progress-stock-read = { $rows ->
    [one] Reading the stock file: { $rows } row
   *[other] Reading the stock file: { $rows } rows
}
progress-stock-write = { $count ->
    [one] Saving { $count } stock level
   *[other] Saving { $count } stock levels
}
build-unknown-store = Unknown store “{ $store }” in --store: the shop's stores are { $stores }.
build-output-unsafe = The output folder { $path } contains the shop itself, and a build replaces its output folder as a whole: choose another folder with --output.
check-ok = No problem found: { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
} and { $files ->
    [one] { $files } file
   *[other] { $files } files
} would be written.
new-done = Shop created in { $path }. Fill in the values marked “TO FILL IN” in site.toml and the legal pages, then run: comptoir serve --root { $path }
new-not-empty = The folder { $path } is not empty: choose a new folder name, or empty this one.

## Input and output errors.

io-read-failed = Could not read { $path }: { $error }
io-write-failed = Could not write { $path }: { $error }
io-create-failed = Could not create the folder { $path }: { $error }
io-rename-failed = Could not replace { $path }: { $error }
io-delete-failed = Could not delete { $path }: { $error }
cli-import-stock-about = Set stock levels from a CSV file.
cli-import-stock-long-about = Read a CSV file with the columns sku and quantity and set those stock levels in the shop's database (.comptoir/edge.sqlite3), the one `comptoir serve` uses. Every sku is checked against the last build in public/; nothing is written unless every row is valid.
cli-arg-stock-file = CSV file with a header line and the columns sku and quantity.

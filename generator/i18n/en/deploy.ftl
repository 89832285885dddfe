# deploy messages (en). Every id must exist in both languages.

## Help texts of `comptoir deploy --help`.

cli-deploy-about = Prepare the Cloudflare Worker configuration of every store.
cli-deploy-long-about = Read site.toml and the last build, and write for each store a wrangler.toml in deploy/<store>/: the Worker built by scripts/build-worker, the store's build as static assets, the D1 database and its migrations, the purge's cron trigger and the store's domain. A store with more files than the Workers plan allows as static assets gets an R2 bucket for some of its pages, with an upload script. Then run `npx wrangler deploy` in each store's folder. Run `comptoir build` first, and prepare again after each build.
cli-arg-prepare = Write the configurations (required).
cli-arg-public = Build folder to deploy. Defaults to public/ in the shop folder.
cli-arg-deploy-output = Folder of the configurations, one subfolder per store. Defaults to deploy/ in the shop folder.
cli-arg-deploy-store = Prepare only this store, given by id. Repeat the option for several stores.
cli-arg-d1-id = Id of the D1 database, as `npx wrangler d1 create` prints it. Defaults to d1_id in the [deploy] table of site.toml.
cli-arg-max-asset-files = Maximum number of static asset files per Worker. Defaults to max_asset_files in [deploy], else the plan's limit: 20000 (free) or 100000 (paid).
cli-arg-r2 = When pages go to R2: auto (only when the store is over the limit), always or never. Defaults to r2 in [deploy], else auto.
cli-arg-source = Comptoir's source folder, holding worker/build/ and edge/migrations/. Defaults to the folder this comptoir was compiled from.

## Errors.

deploy-unknown-store = Unknown store “{ $store }” in --store: the shop's stores are { $stores }.
deploy-no-build = Store { $store } has no build: { $path } is missing. Run `comptoir build` first, or give the build folder with --public.
deploy-worker-not-built = The Worker is not built: { $path } is missing. Run scripts/build-worker in Comptoir's source folder, or give that folder with --source.
deploy-migrations-missing = The SQL migrations are missing: { $path } is not a folder. Give Comptoir's source folder with --source.
deploy-store-without-domain = Store { $store } has no domain: its base_url { $url } names no public host name, so no route can be made for its Worker. Set base_url to the store's address, such as https://shop.example.fr, or set routes in [deploy.stores.{ $store }].
deploy-base-url-path = The base_url { $url } of store { $store } has a path, and a Worker custom domain serves a whole host name. Use a host name of its own, such as https://shop.example.fr, or set routes and zone_name in [deploy.stores.{ $store }].
deploy-route-without-zone = The route “{ $route }” of store { $store } is a pattern, which needs its Cloudflare zone: set zone_name in [deploy.stores.{ $store }], such as zone_name = "example.fr".
deploy-invalid-worker-name = Invalid Worker name “{ $name }” for store { $store }: use lowercase letters, digits and dashes, at most 63 characters, not starting or ending with a dash.
deploy-settings-unknown-store = The table [deploy.stores.{ $store }] names no store: the shop's stores are { $stores }.
deploy-invalid-d1-id = Invalid d1_id “{ $value }” in [deploy]: expected the id `npx wrangler d1 create` prints, such as 0b2c0f4e-3d6a-4a1e-9f3c-2b1a0c9d8e7f.
deploy-over-limit-r2-never = Store { $store } has { $files } files, over the limit of { $limit } static asset files, and r2 = "never" forbids moving pages to R2. Set r2 to "auto", or raise the limit with plan = "paid".
deploy-too-many-static-files = Store { $store } has { $files } files that must stay static assets even after every page folder moves to R2, which is over the limit of { $limit }. Raise the limit with plan = "paid" in [deploy].

## Results.

deploy-store-static = Store { $store }: { $files ->
    [one] { $files } file
   *[other] { $files } files
}, all as static assets (limit { $limit }).
deploy-store-r2 = Store { $store }: { $files } files, over the limit of { $limit } static asset files, so { $static_files } stay static assets and { $r2_files } go to the R2 bucket { $bucket }. Upload them with { $script } before deploying.
deploy-config-written = Written: { $path }
deploy-d1-id-missing = The D1 database id is missing: create the database with `npx wrangler d1 create`, set d1_id in the [deploy] table of site.toml (or pass --d1-id), and prepare again.
deploy-secrets = Secrets to set once per Worker with `npx wrangler secret put NAME`: { $secrets }.
deploy-next-step = Then, in each store's folder: `npx wrangler d1 migrations apply { $database } --remote` and `npx wrangler deploy`.

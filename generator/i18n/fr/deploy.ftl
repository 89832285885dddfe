# deploy messages (fr). Every id must exist in both languages.

## Textes d'aide de `comptoir deploy --help`.

cli-deploy-about = Prépare la configuration du Worker Cloudflare de chaque boutique.
cli-deploy-long-about = Lit site.toml et la dernière génération, puis écrit pour chaque boutique un wrangler.toml dans deploy/<boutique>/ : le Worker construit par scripts/build-worker, la génération de la boutique en fichiers statiques, la base D1 et ses migrations, le déclencheur cron de la purge et le domaine de la boutique. Une boutique qui a plus de fichiers que le forfait Workers n'en accepte en fichiers statiques reçoit un bucket R2 pour une partie de ses pages, avec un script d'envoi. Lancez ensuite `npx wrangler deploy` dans le dossier de chaque boutique. Lancez d'abord `comptoir build`, et préparez de nouveau après chaque génération.
cli-arg-prepare = Écrit les configurations (obligatoire).
cli-arg-public = Dossier de la génération à déployer. Par défaut, public/ dans le dossier de la boutique.
cli-arg-deploy-output = Dossier des configurations, un sous-dossier par boutique. Par défaut, deploy/ dans le dossier de la boutique.
cli-arg-deploy-store = Ne prépare que cette boutique, désignée par son id. Répétez l'option pour en préparer plusieurs.
cli-arg-d1-id = Identifiant de la base D1, tel que l'affiche `npx wrangler d1 create`. Par défaut, d1_id de la table [deploy] de site.toml.
cli-arg-max-asset-files = Nombre maximal de fichiers statiques par Worker. Par défaut, max_asset_files de [deploy], sinon la limite du forfait : 20000 (gratuit) ou 100000 (payant).
cli-arg-r2 = Quand les pages vont dans R2 : auto (seulement si la boutique dépasse la limite), always (toujours) ou never (jamais). Par défaut, r2 de [deploy], sinon auto.
cli-arg-source = Dossier des sources de Comptoir, qui contient worker/build/ et edge/migrations/. Par défaut, le dossier depuis lequel ce comptoir a été compilé.

## Erreurs.

deploy-unknown-store = Boutique « { $store } » inconnue dans --store : les boutiques sont { $stores }.
deploy-no-build = La boutique { $store } n'a pas été générée : { $path } est absent. Lancez d'abord `comptoir build`, ou indiquez le dossier de la génération avec --public.
deploy-worker-not-built = Le Worker n'est pas construit : { $path } est absent. Lancez scripts/build-worker dans le dossier des sources de Comptoir, ou indiquez ce dossier avec --source.
deploy-migrations-missing = Les migrations SQL sont absentes : { $path } n'est pas un dossier. Indiquez le dossier des sources de Comptoir avec --source.
deploy-store-without-domain = La boutique { $store } n'a pas de domaine : son base_url { $url } ne désigne aucun nom d'hôte public, donc aucune route ne peut être créée pour son Worker. Donnez à base_url l'adresse de la boutique, par exemple https://boutique.exemple.fr, ou renseignez routes dans [deploy.stores.{ $store }].
deploy-base-url-path = Le base_url { $url } de la boutique { $store } contient un chemin, alors qu'un domaine personnalisé de Worker sert un nom d'hôte entier. Utilisez un nom d'hôte dédié, par exemple https://boutique.exemple.fr, ou renseignez routes et zone_name dans [deploy.stores.{ $store }].
deploy-route-without-zone = La route « { $route } » de la boutique { $store } est un motif, qui a besoin de sa zone Cloudflare : renseignez zone_name dans [deploy.stores.{ $store }], par exemple zone_name = "exemple.fr".
deploy-invalid-worker-name = Nom de Worker « { $name } » invalide pour la boutique { $store } : utilisez des minuscules, des chiffres et des tirets, 63 caractères au plus, sans tiret au début ni à la fin.
deploy-settings-unknown-store = La table [deploy.stores.{ $store }] ne désigne aucune boutique : les boutiques sont { $stores }.
deploy-invalid-d1-id = d1_id « { $value } » invalide dans [deploy] : attendu l'identifiant qu'affiche `npx wrangler d1 create`, par exemple 0b2c0f4e-3d6a-4a1e-9f3c-2b1a0c9d8e7f.
deploy-over-limit-r2-never = La boutique { $store } a { $files } fichiers, au-delà de la limite de { $limit } fichiers statiques, et r2 = "never" interdit de placer des pages dans R2. Passez r2 à "auto", ou relevez la limite avec plan = "paid".
deploy-too-many-static-files = La boutique { $store } a { $files } fichiers qui doivent rester statiques même une fois tous les dossiers de pages placés dans R2, ce qui dépasse la limite de { $limit }. Relevez la limite avec plan = "paid" dans [deploy].

## Résultats.

deploy-store-static = Boutique { $store } : { $files ->
    [one] { $files } fichier
   *[other] { $files } fichiers
}, tous en fichiers statiques (limite { $limit }).
deploy-store-r2 = Boutique { $store } : { $files } fichiers, au-delà de la limite de { $limit } fichiers statiques, donc { $static_files } restent des fichiers statiques et { $r2_files } vont dans le bucket R2 { $bucket }. Envoyez-les avec { $script } avant de déployer.
deploy-config-written = Écrit : { $path }
deploy-d1-id-missing = L'identifiant de la base D1 manque : créez la base avec `npx wrangler d1 create`, renseignez d1_id dans la table [deploy] de site.toml (ou passez --d1-id), puis préparez de nouveau.
deploy-secrets = Secrets à définir une fois par Worker avec `npx wrangler secret put NOM` : { $secrets }.
deploy-next-step = Ensuite, dans le dossier de chaque boutique : `npx wrangler d1 migrations apply { $database } --remote` puis `npx wrangler deploy`.

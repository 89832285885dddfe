//! `comptoir deploy --prepare`: from a finished build, write per store the wrangler
//! configuration of its Cloudflare Worker, so that `npx wrangler deploy` in
//! `deploy/<store>/` is the only step left.
//!
//! The command needs a build (`comptoir build`) and reads `site.toml` for the
//! stores and the `[deploy]` table. It does not build: it prepares what is in the
//! build folder, and records the build id in every file it writes, so the upload
//! script can refuse a build that changed since.
//!
//! When a store's build has more files than the Workers plan allows as static
//! assets, whole folders of pages move to an R2 bucket ([`split`]). The build
//! folder then gets a `.assetsignore` for them, and `deploy/<store>/` gets a
//! manifest and an upload script ([`upload`]). The Worker reads those paths from R2.
//!
//! `deploy/` holds only what this command derives from `site.toml` and the build,
//! so it ignores itself in git (`deploy/.gitignore`): the durable inputs, such as
//! the D1 id, live in `site.toml`.

pub mod split;
pub mod upload;
pub mod wrangler;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use commerce::Settings;
use commerce::settings::{R2Use, Store, StoreDeploy};

use crate::build::require_site_toml;
use crate::cli::CommandError;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load;
use crate::messages::{Lang, Message};
use crate::msg;
use split::{Split, SplitError};
use wrangler::{R2Pages, Route, WorkerConfig};

/// Comptoir's source folder when this binary was compiled, which contains the Worker
/// build (`worker/build/`) and the SQL migrations (`edge/migrations/`).
pub const DEFAULT_SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The Worker's entry, relative to Comptoir's source folder.
const WORKER_ENTRY: &str = "worker/build/worker/shim.mjs";
/// The SQL migrations, relative to Comptoir's source folder.
const MIGRATIONS: &str = "edge/migrations";

/// Options of `comptoir deploy --prepare`.
#[derive(Debug, Clone)]
pub struct PrepareOptions {
    /// Folder holding `site.toml`.
    pub root: PathBuf,
    /// The build folder that `comptoir build` wrote.
    pub public: PathBuf,
    /// Folder of the generated configurations, one subfolder per store.
    pub output: PathBuf,
    /// Only these stores; every store when empty.
    pub stores: Vec<String>,
    /// D1 database id, in place of `[deploy] d1_id`.
    pub d1_id: Option<String>,
    /// Maximum number of static asset files, in place of the setting and the plan's.
    pub max_asset_files: Option<usize>,
    /// When pages go to R2, in place of `[deploy] r2`.
    pub r2: Option<R2Use>,
    /// Comptoir's source folder.
    pub source: PathBuf,
}

/// What was prepared for one store.
#[derive(Debug, Clone)]
pub struct PreparedStore {
    /// Store id.
    pub store: String,
    /// Folder of its `wrangler.toml`.
    pub folder: PathBuf,
    /// Files in its build.
    pub files: usize,
    /// Maximum number of static asset files.
    pub max_asset_files: usize,
    /// How the files were split.
    pub split: Split,
    /// Bucket of the R2 files.
    pub bucket: String,
}

/// What `prepare` did.
#[derive(Debug, Clone)]
pub struct PrepareSummary {
    /// One entry per store, in `site.toml` order.
    pub stores: Vec<PreparedStore>,
    /// Whether the D1 id was unknown, so a placeholder was written.
    pub d1_id_missing: bool,
    /// Name of the D1 database.
    pub d1_database: String,
}

/// Returns the lines `comptoir deploy --prepare` prints: one per store, then what
/// is left to do.
pub fn summary_lines(summary: &PrepareSummary, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    for store in &summary.stores {
        let config = store.folder.join("wrangler.toml");
        let message = if store.split.uses_r2() {
            msg!(
                "deploy-store-r2",
                store = &store.store,
                files = store.files,
                static_files = store.split.static_files,
                r2_files = store.split.r2_files(),
                bucket = &store.bucket,
                limit = store.max_asset_files,
                script = store.folder.join(upload::SCRIPT_NAME).display()
            )
        } else {
            msg!(
                "deploy-store-static",
                store = &store.store,
                files = store.files,
                limit = store.max_asset_files
            )
        };
        lines.push(message.render(lang));
        lines.push(msg!("deploy-config-written", path = config.display()).render(lang));
    }
    if summary.d1_id_missing {
        lines.push(msg!("deploy-d1-id-missing").render(lang));
    }
    let secrets: Vec<&str> = wrangler::SECRETS.iter().map(|(name, _)| *name).collect();
    lines.push(msg!("deploy-secrets", secrets = secrets.join(", ")).render(lang));
    lines.push(msg!("deploy-next-step", database = &summary.d1_database).render(lang));
    lines
}

/// One store's plan, checked before anything is written.
struct StorePlan<'a> {
    store: &'a Store,
    worker_name: String,
    routes: Vec<Route>,
    build_dir: PathBuf,
    build_id: String,
    files: Vec<String>,
    split: Split,
}

/// Writes `deploy/<store>/wrangler.toml` for each store, and for a store over the
/// static asset limit its R2 manifest, entry lists and upload script.
pub fn prepare(options: &PrepareOptions) -> Result<PrepareSummary, CommandError> {
    require_site_toml(&options.root)?;
    let settings = load::load_settings(&options.root)?;
    let stores = selected_stores(&settings, &options.stores)?;
    check_settings(&options.root, &settings, &stores)?;

    let worker_entry = options.source.join(WORKER_ENTRY);
    if !worker_entry.is_file() {
        return Err(CommandError::Usage(msg!(
            "deploy-worker-not-built",
            path = worker_entry.display()
        )));
    }
    let migrations = options.source.join(MIGRATIONS);
    if !migrations.is_dir() {
        return Err(CommandError::Usage(msg!(
            "deploy-migrations-missing",
            path = migrations.display()
        )));
    }

    let deploy = &settings.deploy;
    let limit = options
        .max_asset_files
        .or(deploy.max_asset_files)
        .unwrap_or_else(|| deploy.plan.max_asset_files());
    let mode = options.r2.unwrap_or(deploy.r2);
    let d1_id = options.d1_id.clone().or_else(|| deploy.d1_id.clone());

    let mut plans = Vec::new();
    for store in stores {
        plans.push(plan_store(options, &settings, store, limit, mode)?);
    }

    create_dir(&options.output)?;
    write_file(&options.output.join(".gitignore"), GITIGNORE)?;
    let mut prepared = Vec::new();
    for plan in &plans {
        prepared.push(write_store(options, &settings, plan, d1_id.as_deref(), limit)?);
    }
    Ok(PrepareSummary {
        stores: prepared,
        d1_id_missing: d1_id.is_none(),
        d1_database: deploy.d1_database.clone(),
    })
}

/// Content of `deploy/.gitignore`.
const GITIGNORE: &str = "# Written by `comptoir deploy --prepare`, which derives this folder from site.toml\n# and the build: prepare again instead of committing it.\n*\n";

fn selected_stores<'a>(settings: &'a Settings, wanted: &[String]) -> Result<Vec<&'a Store>, CommandError> {
    let known: Vec<&str> = settings
        .stores
        .iter()
        .map(|store| store.id.get_ref().as_str())
        .collect();
    if let Some(unknown) = wanted.iter().find(|id| !known.contains(&id.as_str())) {
        return Err(CommandError::Usage(msg!(
            "deploy-unknown-store",
            store = unknown,
            stores = known.join(", ")
        )));
    }
    Ok(settings
        .stores
        .iter()
        .filter(|store| wanted.is_empty() || wanted.contains(store.id.get_ref()))
        .collect())
}

/// Checks the `[deploy]` table and each selected store's domain, and reports every
/// problem at once.
fn check_settings(root: &Path, settings: &Settings, stores: &[&Store]) -> Result<(), Diagnostics> {
    let text = fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    let file = PathBuf::from("site.toml");
    let mut diagnostics = Diagnostics::new();
    let known: Vec<&str> = settings
        .stores
        .iter()
        .map(|store| store.id.get_ref().as_str())
        .collect();

    for id in settings.deploy.stores.keys() {
        if !known.contains(&id.as_str()) {
            diagnostics.push(Diagnostic::file(
                &file,
                msg!(
                    "deploy-settings-unknown-store",
                    store = id,
                    stores = known.join(", ")
                ),
            ));
        }
    }
    if let Some(id) = &settings.deploy.d1_id
        && !is_d1_id(id)
    {
        diagnostics.push(Diagnostic::file(&file, msg!("deploy-invalid-d1-id", value = id)));
    }

    for store in stores {
        let id = store.id.get_ref();
        let overrides = settings.deploy.stores.get(id.as_str());
        let name = worker_name(store, overrides);
        if !is_worker_name(&name) {
            diagnostics.push(Diagnostic::file(
                &file,
                msg!("deploy-invalid-worker-name", store = id, name = &name),
            ));
        }
        if let Err(message) = routes(store, overrides) {
            let offset = store.base_url.span().start;
            let diagnostic = if overrides.is_some_and(|o| !o.routes.is_empty()) || offset == 0 {
                Diagnostic::file(&file, message)
            } else {
                Diagnostic::at_offset(&file, &text, offset, message)
            };
            diagnostics.push(diagnostic);
        }
    }
    diagnostics.into_result(())
}

fn worker_name(store: &Store, overrides: Option<&StoreDeploy>) -> String {
    overrides
        .and_then(|o| o.worker_name.clone())
        .unwrap_or_else(|| format!("comptoir-{}", store.id.get_ref()))
}

/// Returns whether `name` is a valid Worker name: lowercase ASCII letters, digits and
/// dashes, at most 63 characters, not starting or ending with a dash.
fn is_worker_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Returns whether `id` looks like a D1 database id: a UUID in hexadecimal with dashes.
fn is_d1_id(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Returns the routes of a store: `[deploy.stores.<id>] routes` when given, else a custom
/// domain for the host of its `base_url`.
fn routes(store: &Store, overrides: Option<&StoreDeploy>) -> Result<Vec<Route>, Message> {
    let id = store.id.get_ref();
    if let Some(overrides) = overrides.filter(|o| !o.routes.is_empty()) {
        return overrides
            .routes
            .iter()
            .map(|route| {
                if !route.contains(['/', '*']) {
                    return Ok(Route::CustomDomain(route.clone()));
                }
                match &overrides.zone_name {
                    Some(zone_name) => Ok(Route::Pattern {
                        pattern: route.clone(),
                        zone_name: zone_name.clone(),
                    }),
                    None => Err(msg!("deploy-route-without-zone", store = id, route = route)),
                }
            })
            .collect();
    }

    let url = store.base_url();
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, path) = without_scheme
        .split_once('/')
        .map_or((without_scheme, ""), |(authority, path)| (authority, path));
    if !path.is_empty() {
        return Err(msg!("deploy-base-url-path", store = id, url = url));
    }
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let has_port = host
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()));
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    if has_port || is_ip || !host.contains('.') || host.ends_with('.') {
        return Err(msg!("deploy-store-without-domain", store = id, url = url));
    }
    Ok(vec![Route::CustomDomain(host.to_ascii_lowercase())])
}

fn plan_store<'a>(
    options: &PrepareOptions,
    settings: &'a Settings,
    store: &'a Store,
    limit: usize,
    mode: R2Use,
) -> Result<StorePlan<'a>, CommandError> {
    let id = store.id.get_ref();
    let overrides = settings.deploy.stores.get(id.as_str());
    let build_dir = options.public.join(id);
    let store_json = build_dir.join("_comptoir/store.json");
    let build_id = read_build_id(&store_json).ok_or_else(|| {
        CommandError::Usage(msg!("deploy-no-build", store = id, path = store_json.display()))
    })?;

    let files = list_files(&build_dir)?;
    let split = split::split(&files, limit, mode).map_err(|error| {
        CommandError::Usage(match error {
            SplitError::R2Forbidden { files } => {
                msg!(
                    "deploy-over-limit-r2-never",
                    store = id,
                    files = files,
                    limit = limit
                )
            }
            SplitError::TooManyPinned { pinned } => {
                msg!(
                    "deploy-too-many-static-files",
                    store = id,
                    files = pinned,
                    limit = limit
                )
            }
        })
    })?;

    Ok(StorePlan {
        store,
        worker_name: worker_name(store, overrides),
        // Checked by `check_settings`.
        routes: routes(store, overrides).map_err(CommandError::Usage)?,
        build_dir,
        build_id,
        files,
        split,
    })
}

/// Reads `build_id` from a build's `store.json`; `None` when there is no build.
fn read_build_id(store_json: &Path) -> Option<String> {
    let text = fs::read(store_json).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&text).ok()?;
    value.get("build_id")?.as_str().map(str::to_owned)
}

/// Lists the files of a store's build as sorted `/`-separated relative paths,
/// leaving out the `.assetsignore` this command writes.
fn list_files(build_dir: &Path) -> Result<Vec<String>, CommandError> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(build_dir).follow_links(true) {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(build_dir).to_path_buf();
            let error = io::Error::other(error.to_string());
            CommandError::io("io-read-failed", &path, &error)
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(build_dir).unwrap_or(entry.path());
        let path: Vec<String> = relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy().into_owned())
            .collect();
        let path = path.join("/");
        if path != ".assetsignore" {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn write_store(
    options: &PrepareOptions,
    settings: &Settings,
    plan: &StorePlan<'_>,
    d1_id: Option<&str>,
    limit: usize,
) -> Result<PreparedStore, CommandError> {
    let id = plan.store.id.get_ref();
    let deploy = &settings.deploy;
    let folder = options.output.join(id);
    create_dir(&folder)?;

    let main = path_from(&folder, &options.source.join(WORKER_ENTRY));
    let assets_directory = path_from(&folder, &plan.build_dir);
    let migrations_dir = path_from(&folder, &options.source.join(MIGRATIONS));
    let key_prefix = format!("{id}/{}/", plan.build_id);
    let r2 = plan.split.uses_r2().then(|| R2Pages {
        bucket: &deploy.r2_bucket,
        key_prefix: &key_prefix,
        folders: plan
            .split
            .r2_folders
            .iter()
            .map(|(folder, _)| folder.as_str())
            .collect(),
    });
    let config = WorkerConfig {
        store: id,
        name: &plan.worker_name,
        build_id: &plan.build_id,
        main: &main,
        assets_directory: &assets_directory,
        routes: &plan.routes,
        d1_database: &deploy.d1_database,
        d1_id,
        migrations_dir: &migrations_dir,
        purge_cron: &deploy.purge_cron,
        r2,
    };
    write_file(&folder.join("wrangler.toml"), &wrangler::render(&config))?;

    if plan.split.uses_r2() {
        write_r2_files(
            plan,
            &folder,
            &assets_directory,
            &key_prefix,
            &deploy.r2_bucket,
            limit,
        )?;
    } else {
        remove_r2_files(plan, &folder)?;
    }

    Ok(PreparedStore {
        store: id.clone(),
        folder,
        files: plan.files.len(),
        max_asset_files: limit,
        split: plan.split.clone(),
        bucket: deploy.r2_bucket.clone(),
    })
}

fn write_r2_files(
    plan: &StorePlan<'_>,
    folder: &Path,
    assets_directory: &str,
    key_prefix: &str,
    bucket: &str,
    limit: usize,
) -> Result<(), CommandError> {
    let id = plan.store.id.get_ref();
    write_file(
        &plan.build_dir.join(".assetsignore"),
        &upload::assetsignore(&plan.split),
    )?;

    let manifest = upload::Manifest {
        store: id,
        build_id: &plan.build_id,
        max_asset_files: limit,
        files: plan.files.len(),
        static_assets: upload::StaticPart {
            directory: assets_directory,
            files: plan.split.static_files,
        },
        r2: upload::R2Part {
            bucket,
            key_prefix,
            files: plan.split.r2_files(),
            folders: plan
                .split
                .r2_folders
                .iter()
                .map(|(path, files)| upload::FolderCount { path, files: *files })
                .collect(),
        },
    };
    write_file(&folder.join(upload::MANIFEST_NAME), &to_json(&manifest))?;

    let entries_dir = folder.join(upload::ENTRIES_FOLDER);
    remove_dir(&entries_dir)?;
    create_dir(&entries_dir)?;
    let lists = upload::bulk_entries(&plan.files, &plan.split, key_prefix, assets_directory);
    let mut names = Vec::new();
    for (content_type, entries) in &lists {
        let name = upload::entries_file_name(content_type);
        write_file(&entries_dir.join(&name), &to_json(entries))?;
        names.push((*content_type, name));
    }

    let script = upload::script(&upload::ScriptInput {
        store: id,
        build_id: &plan.build_id,
        bucket,
        key_prefix,
        store_json: &format!("{assets_directory}/_comptoir/store.json"),
        lists: names,
        files: plan.split.r2_files(),
    });
    let script_path = folder.join(upload::SCRIPT_NAME);
    write_file(&script_path, &script)?;
    make_executable(&script_path)
}

/// Removes what an earlier run wrote for R2, now that the store fits in static
/// assets: a stale `.assetsignore` would hide pages from the deployment.
fn remove_r2_files(plan: &StorePlan<'_>, folder: &Path) -> Result<(), CommandError> {
    let ignore = plan.build_dir.join(".assetsignore");
    if fs::read_to_string(&ignore).is_ok_and(|text| text.starts_with(upload::ASSETSIGNORE_HEADER)) {
        remove_file(&ignore)?;
    }
    remove_file(&folder.join(upload::MANIFEST_NAME))?;
    remove_file(&folder.join(upload::SCRIPT_NAME))?;
    remove_dir(&folder.join(upload::ENTRIES_FOLDER))
}

fn to_json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Returns `target` as wrangler should read it from a file in `folder`: relative
/// when the two share a folder below the filesystem root, so the configuration
/// keeps working when the shop is moved or cloned elsewhere, and absolute
/// otherwise.
pub fn path_from(folder: &Path, target: &Path) -> String {
    let folder = absolute(folder);
    let target = absolute(target);
    let shared = folder
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let below_root = folder
        .components()
        .take(shared)
        .any(|component| matches!(component, Component::Normal(_)));
    if !below_root {
        return target.to_string_lossy().into_owned();
    }
    let mut parts: Vec<String> = folder
        .components()
        .skip(shared)
        .map(|_| "..".to_owned())
        .collect();
    parts.extend(
        target
            .components()
            .skip(shared)
            .map(|component| component.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Returns `path` absolute and without `.` or `..` components.
fn absolute(path: &Path) -> PathBuf {
    let path = path
        .canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

fn create_dir(path: &Path) -> Result<(), CommandError> {
    fs::create_dir_all(path).map_err(|error| CommandError::io("io-write-failed", path, &error))
}

/// Writes `text` to a temporary file next to `path`, then renames it, so an
/// interrupted run never leaves a half-written file.
fn write_file(path: &Path, text: &str) -> Result<(), CommandError> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, text)
        .and_then(|()| fs::rename(&temporary, path))
        .map_err(|error| {
            let _cleanup = fs::remove_file(&temporary);
            CommandError::io("io-write-failed", path, &error)
        })
}

fn remove_file(path: &Path) -> Result<(), CommandError> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(CommandError::io("io-write-failed", path, &error))
        }
        _ => Ok(()),
    }
}

fn remove_dir(path: &Path) -> Result<(), CommandError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(CommandError::io("io-write-failed", path, &error))
        }
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), CommandError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|error| CommandError::io("io-write-failed", path, &error))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), CommandError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_below_a_shared_folder() {
        assert_eq!(
            path_from(Path::new("/shop/deploy/fr"), Path::new("/shop/public/fr")),
            "../../public/fr"
        );
        assert_eq!(
            path_from(Path::new("/shop/deploy/fr"), Path::new("/other/worker")),
            "/other/worker"
        );
        assert_eq!(
            path_from(Path::new("/shop/deploy/fr"), Path::new("/shop/deploy/fr/../../x")),
            "../../x"
        );
    }

    #[test]
    fn worker_names_follow_cloudflare_rules() {
        assert!(is_worker_name("comptoir-fr"));
        assert!(!is_worker_name("Comptoir"));
        assert!(!is_worker_name("-fr"));
        assert!(!is_worker_name(&"a".repeat(64)));
    }

    #[test]
    fn d1_ids_are_uuids() {
        assert!(is_d1_id("0b2c0f4e-3d6a-4a1e-9f3c-2b1a0c9d8e7f"));
        assert!(!is_d1_id("comptoir"));
        assert!(!is_d1_id("0b2c0f4e-3d6a-4a1e-9f3c-2b1a0c9d8e7"));
    }
}

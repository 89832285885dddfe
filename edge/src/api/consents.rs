//! Consent endpoints: `POST /api/consents` records a visitor's choice,
//! `GET /api/consents/{consent_id}` returns it with its history, and
//! `GET /api/admin/consents` exports the chain of records for an audit.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use commerce::Locale;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::request::{ApiJson, ApiQuery, check_origin, idempotency_claim, idempotency_key_reused};
use crate::catalog::Store;
use crate::clock::{parse_time, random_hex, rfc3339};
use crate::consent::proof::choices_json;
use crate::consent::{
    ClientContext, ConsentAction, ConsentFields, ConsentPolicy, ConsentRecord, UiSource, action_str,
    ui_source_str, verify_chain_from,
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::marketing::expiry;
use crate::state::AppState;
use crate::storage::{Created, IdempotencyClaim, NewConsent};

/// Body of `POST /api/consents`.
#[derive(Debug, Deserialize)]
pub struct ConsentRequest {
    store: String,
    #[serde(default)]
    consent_id: Option<String>,
    policy_version: String,
    policy_hash: String,
    action: ConsentAction,
    #[serde(default)]
    purposes: BTreeMap<String, bool>,
    /// Service choices; `services` is accepted as another name.
    #[serde(default, alias = "services")]
    vendors: BTreeMap<String, bool>,
    ui_source: UiSource,
    locale: String,
}

/// `POST /api/consents`: appends a record of the visitor's choice.
pub async fn record(
    State(state): State<AppState>,
    client: ClientContext,
    headers: HeaderMap,
    body: ApiJson<ConsentRequest>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let catalog = state.catalog();
    let request = &body.value;
    let store = catalog.store(&request.store).ok_or_else(|| {
        AppError::invalid("unknown_store")
            .arg("store", request.store.as_str())
            .field("store")
    })?;
    check_origin(&headers, store, state.config())?;
    let locale = store_locale(store, &request.locale)?;
    let lang = Lang::of(&locale);
    let in_lang = |error: AppError| error.lang(lang);
    let claim = idempotency_claim(&headers, "consents", &body.raw).map_err(in_lang)?;

    if let Some(claim) = &claim
        && let Some(replay) = state
            .storage()
            .find_replay(claim.scope, claim.key.clone())
            .await?
    {
        return replay_record(&state, claim, &replay.resource_id, &replay.request_hash, lang).await;
    }

    let policy = resolve_policy(&state, &request.store, &request.policy_hash)
        .await?
        .ok_or_else(|| in_lang(AppError::invalid("unknown_policy").field("policy_hash")))?;
    if policy.policy_version != request.policy_version {
        return Err(in_lang(
            AppError::invalid("unknown_policy").field("policy_version"),
        ));
    }
    check_names(&policy, request).map_err(|problems| in_lang(AppError::validation(problems)))?;

    let choices = policy
        .resolve_choice(request.action, &request.purposes, &request.vendors)
        .map_err(AppError::internal)?;
    let now = state.now();
    let consent = NewConsent {
        fields: ConsentFields {
            consent_id: consent_id(&state, request).await?,
            store: policy.store.clone(),
            locale: locale.as_str().to_owned(),
            policy_version: policy.policy_version.clone(),
            policy_hash: policy.policy_hash.clone(),
            action: action_str(request.action).to_owned(),
            purposes: choices_json(&choices.purposes),
            services: choices_json(&choices.services),
            ui_source: ui_source_str(request.ui_source).to_owned(),
            given_at: now,
            expires_at: expiry(&policy, now),
            ip_network: client.ip_network,
            user_agent_family: client.user_agent_family.as_str().to_owned(),
        },
        policy: policy.as_ref().clone(),
    };
    match state.storage().append_consent(consent, claim.clone()).await? {
        Created::New(record) => {
            tracing::info!(sequence = record.sequence, action = %record.fields.action, "consent recorded");
            Ok((StatusCode::CREATED, Json(created_view(&record))))
        }
        Created::Replayed(replay) => {
            let claim = claim.ok_or_else(|| AppError::internal("a replay was returned without a key"))?;
            replay_record(&state, &claim, &replay.resource_id, &replay.request_hash, lang).await
        }
    }
}

/// A locale of the store, or `unsupported_locale`.
fn store_locale(store: &Store, tag: &str) -> Result<Locale, AppError> {
    let locales = &store.manifest.locales;
    Locale::parse(tag)
        .ok()
        .filter(|locale| locales.contains(locale))
        .ok_or_else(|| {
            let accepted: Vec<&str> = locales.iter().map(Locale::as_str).collect();
            AppError::invalid("unsupported_locale")
                .arg("locale", tag)
                .arg("accepted", accepted.join(", "))
                .field("locale")
        })
}

/// The policy of `store` with this hash, from a build loaded since the process
/// started, else from the database (a build loaded before a restart).
pub async fn resolve_policy(
    state: &AppState,
    store: &str,
    policy_hash: &str,
) -> Result<Option<Arc<ConsentPolicy>>, AppError> {
    if let Some(policy) = state.catalog_handle().seen_policy(store, policy_hash) {
        return Ok(Some(policy));
    }
    Ok(state
        .storage()
        .find_policy(store.to_owned(), policy_hash.to_owned())
        .await?
        .map(Arc::new))
}

/// Every purpose and service named in the request must be declared.
fn check_names(policy: &ConsentPolicy, request: &ConsentRequest) -> Result<(), Vec<AppError>> {
    let mut problems = Vec::new();
    for purpose in request.purposes.keys() {
        if policy.purpose(purpose).is_none() {
            problems.push(
                AppError::invalid("unknown_purpose")
                    .arg("purpose", purpose.as_str())
                    .field(format!("purposes.{purpose}")),
            );
        }
    }
    for service in request.vendors.keys() {
        if policy.service(service).is_none() {
            problems.push(
                AppError::invalid("unknown_service")
                    .arg("service", service.as_str())
                    .field(format!("vendors.{service}")),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The consent id to record under: the visitor's, when it is a well-formed id that
/// belongs to this store (or is not stored yet), else a new random one.
async fn consent_id(state: &AppState, request: &ConsentRequest) -> Result<String, AppError> {
    if let Some(id) = request.consent_id.as_deref().filter(|id| is_consent_id(id)) {
        let history = state.storage().consent_history(id.to_owned()).await?;
        let same_store = history
            .first()
            .is_none_or(|record| record.fields.store == request.store);
        if same_store {
            return Ok(id.to_owned());
        }
    }
    random_hex(16).map_err(AppError::internal)
}

/// Whether `id` has the shape of a consent id: 32 lowercase hex digits.
pub fn is_consent_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn created_view(record: &ConsentRecord) -> Value {
    json!({
        "consent_id": record.fields.consent_id,
        "given_at": rfc3339(record.fields.given_at),
        "expires_at": rfc3339(record.fields.expires_at),
        "purposes": record.fields.purposes,
        "services": record.fields.services,
    })
}

async fn replay_record(
    state: &AppState,
    claim: &IdempotencyClaim,
    resource_id: &str,
    request_hash: &str,
    lang: Lang,
) -> Result<(StatusCode, Json<Value>), AppError> {
    if request_hash != claim.request_hash {
        return Err(idempotency_key_reused().lang(lang));
    }
    let sequence: i64 = resource_id
        .parse()
        .map_err(|_| AppError::internal("a consent idempotency key points to no sequence"))?;
    let record = state
        .storage()
        .find_consent_record(sequence)
        .await?
        .ok_or_else(|| AppError::internal("a consent idempotency key points to a missing record"))?;
    Ok((StatusCode::CREATED, Json(created_view(&record))))
}

/// `GET /api/consents/{consent_id}`: the current choice (every record's choices
/// applied in order) and the history, without network or browser.
pub async fn get(
    State(state): State<AppState>,
    Path(consent_id): Path<String>,
) -> Result<Json<Value>, AppError> {
    if !is_consent_id(&consent_id) {
        return Err(AppError::not_found("consent_not_found"));
    }
    let history = state.storage().consent_history(consent_id.clone()).await?;
    let Some(latest) = history.last() else {
        return Err(AppError::not_found("consent_not_found"));
    };
    let mut purposes = Map::new();
    let mut services = Map::new();
    for record in &history {
        merge(&mut purposes, &record.fields.purposes);
        merge(&mut services, &record.fields.services);
    }
    let now = state.now();
    let records: Vec<Value> = history
        .iter()
        .map(|record| {
            let fields = &record.fields;
            json!({
                "action": fields.action,
                "purposes": fields.purposes,
                "services": fields.services,
                "ui_source": fields.ui_source,
                "locale": fields.locale,
                "policy_version": fields.policy_version,
                "policy_hash": fields.policy_hash,
                "given_at": rfc3339(fields.given_at),
                "expires_at": rfc3339(fields.expires_at),
            })
        })
        .collect();
    Ok(Json(json!({
        "consent_id": consent_id,
        "store": latest.fields.store,
        "current": {
            "purposes": purposes,
            "services": services,
            "policy_version": latest.fields.policy_version,
            "policy_hash": latest.fields.policy_hash,
            "given_at": rfc3339(latest.fields.given_at),
            "expires_at": rfc3339(latest.fields.expires_at),
            "expired": latest.fields.expires_at <= now,
        },
        "history": records,
    })))
}

fn merge(into: &mut Map<String, Value>, choices: &Value) {
    if let Value::Object(choices) = choices {
        for (id, granted) in choices {
            into.insert(id.clone(), granted.clone());
        }
    }
}

/// Query of the export.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    since: Option<String>,
    store: Option<String>,
    format: Option<String>,
}

/// `GET /api/admin/consents?since=…&store=…&format=csv`: the records with their
/// hashes, and whether the shop's whole chain is intact. The chain is checked from
/// its first record, whatever the filters.
pub async fn export(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let since = match query.since.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            Some(parse_time(text).ok_or_else(|| AppError::invalid("invalid_since").field("since"))?)
        }
    };
    let csv = match query.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(AppError::invalid("invalid_field")
                .arg("field", "format")
                .field("format"));
        }
    };
    let store = query
        .store
        .as_deref()
        .map(str::trim)
        .filter(|store| !store.is_empty());

    let chain = state.storage().consent_chain().await?;
    // After the retention purge, the chain starts at its checkpoint, not at zeros.
    let start = state.storage().consent_chain_start().await?;
    let check = verify_chain_from(&start, &chain);
    let selected: Vec<&ConsentRecord> = chain
        .iter()
        .filter(|record| since.is_none_or(|since| record.fields.given_at >= since))
        .filter(|record| store.is_none_or(|store| record.fields.store == store))
        .collect();
    let valid_through = |record: &ConsentRecord| {
        check
            .valid_through
            .get(&record.sequence)
            .copied()
            .unwrap_or(false)
    };

    if csv {
        return csv_export(&selected, valid_through);
    }
    let records: Vec<Value> = selected
        .iter()
        .map(|record| {
            let fields = &record.fields;
            json!({
                "sequence": record.sequence,
                "consent_id": fields.consent_id,
                "store": fields.store,
                "locale": fields.locale,
                "policy_version": fields.policy_version,
                "policy_hash": fields.policy_hash,
                "action": fields.action,
                "purposes": fields.purposes,
                "services": fields.services,
                "ui_source": fields.ui_source,
                "given_at": rfc3339(fields.given_at),
                "expires_at": rfc3339(fields.expires_at),
                "ip_network": fields.ip_network,
                "user_agent_family": fields.user_agent_family,
                "previous_hash": record.previous_hash,
                "record_hash": record.record_hash,
                "chain_valid": valid_through(record),
            })
        })
        .collect();
    Ok(Json(json!({
        "chain_valid": check.valid,
        "first_broken_sequence": check.first_broken,
        "records": records,
    }))
    .into_response())
}

fn csv_export(
    records: &[&ConsentRecord],
    valid_through: impl Fn(&ConsentRecord) -> bool,
) -> Result<Response, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "sequence",
            "given_at",
            "expires_at",
            "consent_id",
            "store",
            "locale",
            "policy_version",
            "policy_hash",
            "action",
            "purposes",
            "services",
            "ui_source",
            "ip_network",
            "user_agent_family",
            "previous_hash",
            "record_hash",
            "chain_valid",
        ])
        .map_err(AppError::internal)?;
    for record in records {
        let fields = &record.fields;
        writer
            .write_record([
                record.sequence.to_string(),
                rfc3339(fields.given_at),
                rfc3339(fields.expires_at),
                fields.consent_id.clone(),
                fields.store.clone(),
                fields.locale.clone(),
                fields.policy_version.clone(),
                fields.policy_hash.clone(),
                fields.action.clone(),
                crate::consent::proof::canonical_json(&fields.purposes),
                crate::consent::proof::canonical_json(&fields.services),
                fields.ui_source.clone(),
                fields.ip_network.clone().unwrap_or_default(),
                fields.user_agent_family.clone(),
                record.previous_hash.clone(),
                record.record_hash.clone(),
                valid_through(record).to_string(),
            ])
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"consents.csv\""),
    );
    Ok(response)
}

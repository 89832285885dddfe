//! Unsubscribe links of marketing emails.
//!
//! `GET /api/unsubscribe?token=…` shows a page with a confirmation button and
//! changes nothing, because mail scanners open links. `POST /api/unsubscribe`
//! unsubscribes, with the token in the query (RFC 8058 one-click: the mail client
//! posts `List-Unsubscribe=One-Click` to the link itself), in a form body (the
//! page's button) or in a JSON body `{token}`. Neither shows anything personal: no
//! email address, only the store's name.
//!
//! A `POST` needs no `Origin`: mail providers send one-click requests from their own
//! servers, and the token, 256 random bits, is the authorization.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use commerce::Locale;
use serde::Deserialize;
use serde_json::json;

use super::consents::resolve_policy;
use super::request::ApiQuery;
use crate::consent::proof::choices_json;
use crate::consent::{
    ClientContext, ConsentAction, ConsentFields, ConsentPolicy, UI_SOURCE_UNSUBSCRIBE, action_str,
    emailing_choice,
};
use crate::error::AppError;
use crate::i18n::{self, Arg, Lang};
use crate::marketing::{deliver_pending_sync, expiry, unsubscribe_token_hash};
use crate::state::AppState;
use crate::storage::{NewConsent, Subscription, Withdrawal};

/// Query of both endpoints.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// Body of a JSON `POST`.
#[derive(Debug, Deserialize)]
struct TokenBody {
    token: String,
}

/// `GET /api/unsubscribe?token=…`: the confirmation page (JSON
/// `{"status": "subscribed" | "unsubscribed"}` with `Accept: application/json`).
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Response, AppError> {
    let subscription = find(&state, query.token.as_deref()).await?;
    let wants_json = accepts_json(&headers);
    let Some(subscription) = subscription else {
        if wants_json {
            return Err(not_found());
        }
        let lang = request_lang(&state, &headers);
        let text = i18n::message(lang, "unsubscribe-invalid", &[]);
        return Ok(html_page(StatusCode::NOT_FOUND, lang, &text, None));
    };
    if wants_json {
        return Ok(Json(json!({ "status": status(&subscription) })).into_response());
    }

    let lang = subscription_lang(&subscription);
    let shop = shop_name(&state, &subscription);
    let args = [("shop", Arg::from(shop.as_str()))];
    let response = if subscription.subscribed {
        let text = i18n::message(lang, "unsubscribe-confirm", &args);
        let button = i18n::message(lang, "unsubscribe-button", &[]);
        let token = query.token.unwrap_or_default();
        html_page(StatusCode::OK, lang, &text, Some((&token, &button)))
    } else {
        let text = i18n::message(lang, "unsubscribe-done", &args);
        html_page(StatusCode::OK, lang, &text, None)
    };
    Ok(response)
}

/// `POST /api/unsubscribe`: unsubscribes the token's email, appends a `withdraw`
/// consent record and queues the update for the marketing provider. A second call
/// changes nothing and returns the same response.
pub async fn unsubscribe(
    State(state): State<AppState>,
    client: ClientContext,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<TokenQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = is_form(&headers);
    let form_fields: BTreeMap<String, String> = if form {
        form_urlencoded::parse(&body).into_owned().collect()
    } else {
        BTreeMap::new()
    };
    let token = match (query.token, form_fields.get("token")) {
        (Some(token), _) => token,
        (None, Some(token)) => token.clone(),
        (None, None) if form => String::new(),
        (None, None) => super::request::parse_json::<TokenBody>(&body)?.token,
    };
    let subscription = find(&state, Some(&token)).await?.ok_or_else(not_found)?;
    let lang = subscription_lang(&subscription);

    if subscription.subscribed {
        let withdrawal = Withdrawal {
            subscription_id: subscription.id,
            consent: withdrawal_record(&state, &subscription, &client).await?,
            sync: state.marketing().is_some(),
            now: state.now(),
        };
        if state.storage().withdraw_subscription(withdrawal).await? {
            tracing::info!(subscription = subscription.id, "email marketing unsubscribed");
            deliver_pending_sync(&state).await;
        }
    }

    // The page's button posts a form without the one-click field: it gets a page back.
    if form && !form_fields.contains_key("List-Unsubscribe") {
        let shop = shop_name(&state, &subscription);
        let text = i18n::message(lang, "unsubscribe-done", &[("shop", Arg::from(shop.as_str()))]);
        return Ok(html_page(StatusCode::OK, lang, &text, None));
    }
    Ok(Json(json!({ "status": "unsubscribed" })).into_response())
}

async fn find(state: &AppState, token: Option<&str>) -> Result<Option<Subscription>, AppError> {
    let Some(token) = token
        .map(str::trim)
        .filter(|token| !token.is_empty() && token.len() <= 128)
    else {
        return Ok(None);
    };
    Ok(state
        .storage()
        .find_subscription(unsubscribe_token_hash(token))
        .await?)
}

fn not_found() -> AppError {
    AppError::not_found("unsubscribe_token_not_found").field("token")
}

fn status(subscription: &Subscription) -> &'static str {
    if subscription.subscribed {
        "subscribed"
    } else {
        "unsubscribed"
    }
}

/// The `withdraw` record of an unsubscription: `emailing` refused, under the
/// store's current policy, else under the policy of the subscription's record.
async fn withdrawal_record(
    state: &AppState,
    subscription: &Subscription,
    client: &ClientContext,
) -> Result<NewConsent, AppError> {
    let catalog = state.catalog();
    let current = catalog
        .store(&subscription.store)
        .and_then(|store| store.consent.clone());
    let policy: Arc<ConsentPolicy> = match current {
        Some(policy) => policy,
        None => {
            let history = state
                .storage()
                .consent_history(subscription.consent_id.clone())
                .await?;
            let hash = history
                .last()
                .map(|record| record.fields.policy_hash.clone())
                .unwrap_or_default();
            resolve_policy(state, &subscription.store, &hash)
                .await?
                .ok_or_else(|| {
                    AppError::internal("the policy of a subscription's consent record is unknown")
                })?
        }
    };
    let choices = emailing_choice(&policy, false);
    let now = state.now();
    Ok(NewConsent {
        fields: ConsentFields {
            consent_id: subscription.consent_id.clone(),
            store: subscription.store.clone(),
            locale: subscription.locale.clone(),
            policy_version: policy.policy_version.clone(),
            policy_hash: policy.policy_hash.clone(),
            action: action_str(ConsentAction::Withdraw).to_owned(),
            purposes: choices_json(&choices.purposes),
            services: choices_json(&choices.services),
            ui_source: UI_SOURCE_UNSUBSCRIBE.to_owned(),
            given_at: now,
            expires_at: expiry(&policy, now),
            ip_network: client.ip_network.clone(),
            user_agent_family: client.user_agent_family.as_str().to_owned(),
        },
        policy: policy.as_ref().clone(),
    })
}

fn subscription_lang(subscription: &Subscription) -> Lang {
    Locale::parse(&subscription.locale).map_or(Lang::default(), |locale| Lang::of(&locale))
}

fn request_lang(state: &AppState, headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_else(|| state.catalog().default_locale().map(Lang::of).unwrap_or_default())
}

fn shop_name(state: &AppState, subscription: &Subscription) -> String {
    state
        .catalog()
        .store(&subscription.store)
        .map(|store| store.manifest.name.clone())
        .unwrap_or_default()
}

fn accepts_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("application/x-www-form-urlencoded"))
}

/// A minimal page: one message and, when `form` is given, a button that posts the
/// token. Nothing is loaded from elsewhere; the token stays out of referrers.
fn html_page(status: StatusCode, lang: Lang, text: &str, form: Option<(&str, &str)>) -> Response {
    let title = i18n::message(lang, "unsubscribe-title", &[]);
    let html_lang = match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    };
    let form = form.map_or_else(String::new, |(token, button)| {
        format!(
            "<form method=\"post\" action=\"/api/unsubscribe\"><input type=\"hidden\" name=\"token\" value=\"{}\"><button type=\"submit\">{}</button></form>",
            tera::escape_html(token),
            tera::escape_html(button)
        )
    });
    let body = format!(
        "<!doctype html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}button{{font:inherit;padding:.5rem 1rem}}</style></head><body><h1>{title}</h1><p>{text}</p>{form}</body></html>\n",
        title = tera::escape_html(&title),
        text = tera::escape_html(text),
    );
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"),
    );
    response
}

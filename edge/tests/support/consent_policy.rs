//! Consent policies for tests: the French store's declaration (statistics,
//! marketing, emailing; Matomo, a pixel, Brevo without a browser part), published under a version whose
//! texts change with it, so each version has its own hash.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use commerce::consent::{
    ConsentPolicy, LegalBasis, NECESSARY, PolicyDeclaration, PolicyPurpose, PolicyService, ServiceKind,
};
use edge::catalog::Catalog;
use edge::consent::ClientIp;
use serde_json::{Value, json};

use crate::common::{
    ORIGIN, TestEdge, locale, manifest_ch, manifest_fr, price_book_ch, price_book_fr, store,
};

fn purpose(id: &str, exempt: bool, required: bool) -> PolicyPurpose {
    PolicyPurpose {
        id: id.to_owned(),
        legal_basis: LegalBasis::Consent,
        exempt,
        required,
    }
}

fn service(id: &str, purposes: &[&str]) -> PolicyService {
    PolicyService {
        id: id.to_owned(),
        name: id.to_owned(),
        provider: format!("{id} SAS"),
        purposes: purposes.iter().map(|purpose| (*purpose).to_owned()).collect(),
        kind: ServiceKind::Script,
        cookies: vec![format!("_{id}*")],
        transfers: vec![],
        privacy_url: None,
        script: None,
    }
}

/// The French store's policy at `version`, with or without the `emailing` purpose.
pub fn policy(version: &str, emailing: bool) -> ConsentPolicy {
    let mut purposes = vec![
        purpose(NECESSARY, true, true),
        purpose("statistics", false, false),
        purpose("marketing", false, false),
    ];
    let mut services = vec![
        service("matomo", &["statistics"]),
        service("pixel", &["marketing"]),
    ];
    if emailing {
        purposes.push(purpose("emailing", false, false));
        // Brevo has nothing in the browser, so the banner does not ask about
        // `emailing`: it is asked at checkout.
        let mut brevo = service("brevo", &["emailing"]);
        brevo.kind = ServiceKind::None;
        services.push(brevo);
    }
    let texts = BTreeMap::from([
        (
            locale("fr"),
            BTreeMap::from([("banner.title".to_owned(), format!("Cookies ({version})"))]),
        ),
        (
            locale("en"),
            BTreeMap::from([("banner.title".to_owned(), format!("Cookies ({version})"))]),
        ),
    ]);
    ConsentPolicy::new(
        "fr",
        version,
        182,
        PolicyDeclaration { purposes, services },
        texts,
    )
}

/// The test catalog with `policy` published by the French store.
pub fn catalog_with(policy: Option<ConsentPolicy>) -> Catalog {
    let mut french = store(price_book_fr(), manifest_fr());
    french.consent = policy.map(Arc::new);
    Catalog::from_stores(vec![french, store(price_book_ch(), manifest_ch())])
}

/// Serves `policy` from now on, as a new build would.
pub fn publish(edge: &TestEdge, policy: ConsentPolicy) {
    edge.state.catalog_handle().replace(catalog_with(Some(policy)));
}

/// A consent body for the French store under `policy`.
pub fn consent_body(policy: &ConsentPolicy, action: &str, locale: &str) -> Value {
    json!({
        "store": "fr",
        "policy_version": policy.policy_version,
        "policy_hash": policy.policy_hash,
        "action": action,
        "purposes": {},
        "ui_source": "banner",
        "locale": locale,
    })
}

/// A `POST /api/consents` from the store's pages, from `ip` when given.
pub fn consent_request(body: &Value, ip: Option<&str>, user_agent: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method("POST")
        .uri("/api/consents")
        .header("origin", ORIGIN)
        .header("content-type", "application/json");
    if let Some(user_agent) = user_agent {
        builder = builder.header("user-agent", user_agent);
    }
    if let Some(ip) = ip {
        builder = builder.extension(ClientIp(ip.parse().expect("an IP address")));
    }
    builder.body(Body::from(body.to_string())).expect("valid request")
}

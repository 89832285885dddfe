//! The consent policy a build published in `/_comptoir/consent.json`
//! ([`commerce::consent::ConsentPolicy`]): reading it, and the choices the edge
//! records on its own (email marketing at checkout and unsubscribe links).

use std::collections::BTreeMap;

pub use commerce::consent::{
    CONSENT_FORMAT, CONSENT_POLICY_PATH, ConsentAction, ConsentChoice, ConsentPolicy, NECESSARY, UiSource,
};

/// The purpose that email marketing consent at checkout records.
pub const EMAILING: &str = "emailing";

/// `ui_source` of the `withdraw` records that unsubscribe links append. The edge
/// writes it itself; `POST /api/consents` does not accept it.
pub const UI_SOURCE_UNSUBSCRIBE: &str = "unsubscribe";

/// Longest retention a policy may set: 13 months, the CNIL's maximum for a consent
/// choice, counted as 31-day months.
const MAX_RETENTION_DAYS: i64 = 13 * 31;

/// Parses and checks a published `consent.json`: its layout version, its hash
/// (a file edited after the build no longer matches it) and its retention. `file`
/// names it in the problems, which are all reported together.
pub fn parse_policy(bytes: &[u8], file: &str) -> Result<ConsentPolicy, Vec<String>> {
    let policy: ConsentPolicy = serde_json::from_slice(bytes)
        .map_err(|error| vec![format!("{file}:{}:{}: {error}", error.line(), error.column())])?;
    let mut problems = Vec::new();
    if policy.format != CONSENT_FORMAT {
        problems.push(format!(
            "{file}: layout version {} is not supported (expected {CONSENT_FORMAT}): rebuild the shop with the same Comptoir version as the edge",
            policy.format
        ));
    }
    if !policy.hash_is_valid() {
        problems.push(format!(
            "{file}: `policy_hash` `{}` does not match the declaration and texts: the file was changed after the build; rebuild the shop",
            policy.policy_hash
        ));
    }
    if !(1..=MAX_RETENTION_DAYS).contains(&policy.retention_days) {
        problems.push(format!(
            "{file}: `retention_days` is {}: expected a whole number from 1 to {MAX_RETENTION_DAYS}",
            policy.retention_days
        ));
    }
    if policy.purpose(NECESSARY).is_none() {
        problems.push(format!(
            "{file}: the declaration lacks the built-in purpose `{NECESSARY}`: rebuild the shop"
        ));
    }
    if problems.is_empty() {
        Ok(policy)
    } else {
        Err(problems)
    }
}

/// The action as stored and sent.
pub fn action_str(action: ConsentAction) -> &'static str {
    match action {
        ConsentAction::AcceptAll => "accept_all",
        ConsentAction::RejectAll => "reject_all",
        ConsentAction::Custom => "custom",
        ConsentAction::Withdraw => "withdraw",
    }
}

/// The UI source as stored and sent.
pub fn ui_source_str(source: UiSource) -> &'static str {
    match source {
        UiSource::Banner => "banner",
        UiSource::Preferences => "preferences",
        UiSource::Checkout => "checkout",
    }
}

/// The choice of an email marketing opt-in (`granted`) or unsubscription: the
/// `emailing` purpose, the required purposes (always granted) and the services
/// that serve `emailing`, granted only when all their purposes are. Other purposes
/// are left out: the checkout box and the unsubscribe link decide nothing about
/// them, and the current choice of a consent id applies its records in order.
pub fn emailing_choice(policy: &ConsentPolicy, granted: bool) -> ConsentChoice {
    let mut purposes: BTreeMap<String, bool> = policy
        .declaration
        .purposes
        .iter()
        .filter(|purpose| purpose.required)
        .map(|purpose| (purpose.id.clone(), true))
        .collect();
    purposes.insert(EMAILING.to_owned(), granted);
    let services = policy
        .declaration
        .services
        .iter()
        .filter(|service| service.purposes.iter().any(|purpose| purpose == EMAILING))
        .map(|service| {
            let all_granted = service
                .purposes
                .iter()
                .all(|purpose| purposes.get(purpose) == Some(&true));
            (service.id.clone(), all_granted)
        })
        .collect();
    ConsentChoice { purposes, services }
}

#[cfg(test)]
mod tests {
    use commerce::consent::{LegalBasis, PolicyDeclaration, PolicyPurpose, PolicyService, ServiceKind};

    use super::*;

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
            provider: id.to_owned(),
            purposes: purposes.iter().map(|purpose| (*purpose).to_owned()).collect(),
            kind: ServiceKind::None,
            cookies: vec![],
            transfers: vec![],
            privacy_url: None,
            script: None,
        }
    }

    fn policy() -> ConsentPolicy {
        let declaration = PolicyDeclaration {
            purposes: vec![
                purpose(NECESSARY, true, true),
                purpose("statistics", false, false),
                purpose(EMAILING, false, false),
            ],
            services: vec![
                service("matomo", &["statistics"]),
                service("brevo", &[EMAILING]),
                service("crm", &[EMAILING, "statistics"]),
            ],
        };
        ConsentPolicy::new("fr", "v1", 182, declaration, BTreeMap::new())
    }

    #[test]
    fn parse_checks_hash() {
        let policy = policy();
        let text = serde_json::to_string(&policy).expect("json");
        assert_eq!(parse_policy(text.as_bytes(), "c.json"), Ok(policy.clone()));

        let edited = text.replace("\"statistics\"", "\"stats\"");
        let problems = parse_policy(edited.as_bytes(), "c.json").expect_err("edited");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("c.json: `policy_hash` `"), "{problems:?}");
    }

    #[test]
    fn parse_reports_every_problem() {
        let mut policy = policy();
        policy.format = 2;
        policy.retention_days = 900;
        let text = serde_json::to_string(&policy).expect("json");
        let problems = parse_policy(text.as_bytes(), "c.json").expect_err("invalid");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("layout version 2 is not supported"));
        assert!(problems[1].contains("`retention_days` is 900"));
    }

    #[test]
    fn emailing_choice_grants_its_services() {
        let choice = emailing_choice(&policy(), true);
        assert_eq!(
            choice.purposes,
            BTreeMap::from([(EMAILING.to_owned(), true), (NECESSARY.to_owned(), true)])
        );
        // `crm` also serves `statistics`, which this choice does not grant.
        assert_eq!(
            choice.services,
            BTreeMap::from([("brevo".to_owned(), true), ("crm".to_owned(), false)])
        );
    }

    #[test]
    fn emailing_withdrawal_refuses_its_services() {
        let choice = emailing_choice(&policy(), false);
        assert!(!choice.purposes[EMAILING]);
        assert!(!choice.services["brevo"]);
    }
}

use super::*;
use crate::Settings;

const SHOP: &str = r#"
[shop]
legal_name = "Test SARL"
legal_form = "SARL"
siret = "123 456 789 00007"
email = "a@b.fr"
address = { street = "1 rue", postal_code = "75001", city = "Paris", country = "FR" }

[[stores]]
id = "fr"
name = "Test"
base_url = "https://test.fr"
locales = ["fr", "en"]
currencies = ["EUR"]
tax_display = "incl"
country = "FR"
"#;

const CONSENT: &str = r#"
[consent]
policy_version = "2026-12-01"

[consent.purposes.audience]
label = { fr = "Mesure d'audience exemptée", en = "Exempt audience measurement" }
description = { fr = "Compter les visites.", en = "Count visits." }
legal_basis = "legitimate_interest"
exempt = true

[consent.purposes.statistics]
label = { fr = "Statistiques", en = "Statistics" }
description = { fr = "Mesurer la fréquentation.", en = "Measure traffic." }

[consent.purposes.emailing]
label = { fr = "Lettre d'information", en = "Newsletter" }
description = { fr = "Recevoir nos nouveautés.", en = "Receive our news." }
legal_basis = "legitimate_interest"

[consent.services.matomo]
preset = "matomo"
purposes = ["audience"]
url = "https://stats.test.fr"
site_id = "3"

[consent.services.ga4]
preset = "google-analytics-4"
purposes = ["statistics"]
measurement_id = "G-TEST1234"

[consent.services.brevo]
preset = "brevo"
purposes = ["emailing"]
"#;

fn settings(extra: &str) -> Settings {
    let text = format!("{SHOP}{CONSENT}{extra}");
    match Settings::parse(&text) {
        Ok(settings) => settings,
        Err(error) => panic!("invalid test settings: {error}"),
    }
}

fn consent(extra: &str) -> ConsentSettings {
    settings(extra).consent.expect("a [consent] table")
}

fn problem_ids(text: &str) -> Vec<&'static str> {
    let settings = Settings::parse(&format!("{SHOP}{text}")).expect("valid TOML");
    settings.validate().iter().map(|problem| problem.id).collect()
}

fn replaced(from: &str, to: &str) -> String {
    assert!(CONSENT.contains(from), "{from} is not in the test declaration");
    CONSENT.replace(from, to)
}

#[test]
fn valid_declaration_has_no_problem() {
    assert_eq!(problem_ids(CONSENT), Vec::<&str>::new());
}

#[test]
fn declaration_merges_presets() {
    let declaration = consent("").declaration("Test SARL");
    let ids: Vec<&str> = declaration.purposes.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["necessary", "audience", "emailing", "statistics"]);
    assert!(declaration.purposes[0].required);

    let matomo = declaration.service("matomo").expect("matomo");
    // Self-hosted: the shop itself is the provider.
    assert_eq!(matomo.provider, "Test SARL");
    assert_eq!(matomo.kind, ServiceKind::Script);
    assert_eq!(matomo.cookies, ["_pk_id.*", "_pk_ses.*"]);
    let script = matomo.script.as_deref().expect("a script");
    assert!(script.contains("var u='https://stats.test.fr/'"), "{script}");
    assert!(script.contains("_paq.push(['setSiteId','3'])"), "{script}");

    let ga4 = declaration.service("ga4").expect("ga4");
    assert_eq!(ga4.transfers, ["US"]);
    let script = ga4.script.as_deref().expect("a script");
    assert!(script.contains("gtag/js?id=G-TEST1234"), "{script}");

    let brevo = declaration.service("brevo").expect("brevo");
    assert_eq!(brevo.kind, ServiceKind::None);
    assert_eq!(brevo.script, None);
}

#[test]
fn overrides_win_over_presets() {
    let text = replaced(
        "preset = \"brevo\"\n",
        "preset = \"brevo\"\nname = \"Brevo (Sendinblue)\"\ntransfers = [\"GB\"]\nretention = { fr = \"3 ans\", en = \"3 years\" }\n",
    );
    let declaration = Settings::parse(&format!("{SHOP}{text}"))
        .expect("valid")
        .consent
        .expect("consent")
        .declaration("Test SARL");
    let brevo = declaration.service("brevo").expect("brevo");
    assert_eq!(brevo.name, "Brevo (Sendinblue)");
    assert_eq!(brevo.transfers, ["GB"]);
    let en = Locale::parse("en").expect("locale");
    assert_eq!(brevo.retention.get(&en, &en), "3 years");
    // Fields not overridden keep the preset's.
    assert_eq!(brevo.provider, "Sendinblue SAS");
}

#[test]
fn retention_in_days() {
    assert_eq!(consent("").retention_days(), 182);
    let thirteen = replaced(
        "policy_version = \"2026-12-01\"\n",
        "policy_version = \"2026-12-01\"\nretention_months = 13\n",
    );
    let settings = Settings::parse(&format!("{SHOP}{thirteen}")).expect("valid");
    assert_eq!(settings.consent.expect("consent").retention_days(), 395);
}

#[test]
fn google_consent_mode_follows_ga4() {
    assert!(consent("").google_consent_mode());
    let without_ga4 = CONSENT.replace("preset = \"google-analytics-4\"", "preset = \"matomo\"");
    let settings = Settings::parse(&format!("{SHOP}{without_ga4}")).expect("valid");
    assert!(!settings.consent.expect("consent").google_consent_mode());
}

#[test]
fn unknown_purpose_is_reported() {
    let text = replaced("purposes = [\"statistics\"]", "purposes = [\"statistiques\"]");
    assert_eq!(problem_ids(&text), ["settings-consent-unknown-purpose"]);
    let settings = Settings::parse(&format!("{SHOP}{text}")).expect("valid TOML");
    let problem = &settings.validate()[0];
    assert_eq!(
        problem.args,
        [
            ("service", "ga4".to_owned()),
            ("purpose", "statistiques".to_owned()),
            ("valid", "necessary, audience, emailing, statistics".to_owned()),
        ]
    );
}

#[test]
fn unknown_preset_is_reported() {
    let text = replaced("preset = \"brevo\"", "preset = \"sendinblue\"");
    assert_eq!(problem_ids(&text), ["settings-consent-unknown-preset"]);
}

#[test]
fn missing_and_invalid_settings_are_reported() {
    let missing = replaced("measurement_id = \"G-TEST1234\"\n", "");
    assert_eq!(problem_ids(&missing), ["settings-consent-missing-setting"]);
    let invalid = replaced("G-TEST1234", "UA-1234-5");
    assert_eq!(problem_ids(&invalid), ["settings-consent-invalid-setting"]);
    let unused = replaced(
        "measurement_id = \"G-TEST1234\"\n",
        "measurement_id = \"G-TEST1234\"\npixel_id = \"1\"\n",
    );
    assert_eq!(problem_ids(&unused), ["settings-consent-unused-setting"]);
}

#[test]
fn retention_outside_one_to_thirteen_months() {
    for (months, expected) in [(0, 1), (1, 0), (13, 0), (14, 1), (-3, 1)] {
        let text = replaced(
            "policy_version = \"2026-12-01\"\n",
            &format!("policy_version = \"2026-12-01\"\nretention_months = {months}\n"),
        );
        let count = problem_ids(&text)
            .iter()
            .filter(|id| **id == "settings-consent-retention")
            .count();
        assert_eq!(count, expected, "retention_months = {months}");
    }
}

#[test]
fn trackers_need_consent_as_legal_basis() {
    let text = replaced(
        "description = { fr = \"Mesurer la fréquentation.\", en = \"Measure traffic.\" }\n",
        "description = { fr = \"Mesurer la fréquentation.\", en = \"Measure traffic.\" }\nlegal_basis = \"legitimate_interest\"\n",
    );
    assert_eq!(problem_ids(&text), ["settings-consent-tracker-needs-consent"]);
}

#[test]
fn exemption_only_for_exemptable_presets() {
    let text = replaced("purposes = [\"statistics\"]", "purposes = [\"audience\"]");
    assert_eq!(problem_ids(&text), ["settings-consent-not-exemptable"]);
}

#[test]
fn necessary_is_reserved() {
    let text = format!("{CONSENT}\n[consent.purposes.necessary]\nlabel = \"x\"\ndescription = \"x\"\n");
    assert_eq!(problem_ids(&text), ["settings-consent-reserved-purpose"]);
}

#[test]
fn custom_service_needs_facts_and_script() {
    let text = format!(
        "{CONSENT}\n[consent.services.hotjar]\npurposes = [\"statistics\"]\n\
         script = \"<script>hj()</script><img src='https://px.example/x.gif'>\"\n"
    );
    assert_eq!(
        problem_ids(&text),
        [
            "settings-consent-missing-field",
            "settings-consent-missing-field",
            "settings-consent-missing-field",
            "settings-consent-missing-field",
            "settings-consent-script-not-inert",
        ]
    );
}

#[test]
fn script_kind_needs_a_script() {
    let text = format!(
        "{CONSENT}\n[consent.services.chat]\npurposes = [\"statistics\"]\nkind = \"script\"\nname = \"Chat\"\n\
         provider = \"Chat SAS\"\ncollects = \"Messages\"\nretention = \"1 an\"\n"
    );
    assert_eq!(problem_ids(&text), ["settings-consent-script-missing"]);
}

#[test]
fn unknown_keys_are_rejected() {
    let text = format!("{SHOP}{}", replaced("site_id = \"3\"", "site = \"3\""));
    let error = Settings::parse(&text).expect_err("unknown key");
    assert!(error.message().contains("site"), "{error}");
}

fn policy(texts: &[(&str, &str)]) -> ConsentPolicy {
    let declaration = consent("").declaration("Test SARL");
    let fr = Locale::parse("fr").expect("locale");
    let mut strings = declaration.texts(&fr, &fr);
    strings.extend(texts.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    ConsentPolicy::new(
        "fr",
        "2026-12-01",
        182,
        declaration.published(),
        BTreeMap::from([(fr, strings)]),
    )
}

#[test]
fn canonical_json_ignores_key_order_and_whitespace() {
    let a: Value = serde_json::from_str(r#"{"b": [1, {"y": true, "x": null}], "a": "é\"<"}"#).expect("json");
    let b: Value =
        serde_json::from_str("{\n  \"a\":\"é\\\"<\",\"b\":[1,{\"x\":null,\"y\":true}]}").expect("json");
    assert_eq!(canonical_json(&a), r#"{"a":"é\"<","b":[1,{"x":null,"y":true}]}"#);
    assert_eq!(canonical_json(&a), canonical_json(&b));
    assert_eq!(canonical_hash(&a), canonical_hash(&b));
    assert_eq!(canonical_hash(&a).len(), 64);
}

#[test]
fn policy_hash_changes_with_any_text() {
    let base = policy(&[("consent-accept-all", "Tout accepter")]);
    assert!(base.hash_is_valid());
    assert_eq!(
        base.policy_hash,
        policy(&[("consent-accept-all", "Tout accepter")]).policy_hash
    );
    let changed = policy(&[("consent-accept-all", "Tout accepter !")]);
    assert_ne!(base.policy_hash, changed.policy_hash);

    let mut edited = base.clone();
    edited.declaration.services[0].cookies.push("_extra".into());
    assert!(!edited.hash_is_valid());
}

#[test]
fn policy_survives_a_json_round_trip() {
    let base = policy(&[]);
    let text = serde_json::to_string_pretty(&base).expect("serializable");
    let read: ConsentPolicy = serde_json::from_str(&text).expect("readable");
    assert_eq!(read, base);
    assert!(read.hash_is_valid());
}

#[test]
fn reject_all_keeps_exempt_purposes() {
    let policy = policy(&[]);
    let choice = policy
        .resolve_choice(ConsentAction::RejectAll, &BTreeMap::new(), &BTreeMap::new())
        .expect("valid");
    assert_eq!(
        choice.purposes,
        BTreeMap::from([
            ("audience".to_owned(), true),
            ("emailing".to_owned(), false),
            ("necessary".to_owned(), true),
            ("statistics".to_owned(), false),
        ])
    );
    assert_eq!(choice.services.get("matomo"), Some(&true));
    assert_eq!(choice.services.get("ga4"), Some(&false));
}

#[test]
fn reject_all_ignores_objection_in_body() {
    let policy = policy(&[]);
    let purposes = BTreeMap::from([("audience".to_owned(), false)]);
    let choice = policy
        .resolve_choice(ConsentAction::RejectAll, &purposes, &BTreeMap::new())
        .expect("valid");
    assert_eq!(choice.purposes.get("audience"), Some(&true));
    assert_eq!(choice.purposes.get("statistics"), Some(&false));
    assert_eq!(choice.services.get("matomo"), Some(&true));
}

#[test]
fn banner_asks_purposes_with_browser_services() {
    let extra = r#"
[consent.purposes.survey]
label = { fr = "Sondage", en = "Survey" }
description = { fr = "Un sondage du thème.", en = "A survey of the theme." }
"#;
    let declaration = consent(extra).declaration("Test SARL");
    let fr = Locale::parse("fr").expect("locale");
    let policy = ConsentPolicy::new(
        "fr",
        "2026-12-01",
        182,
        declaration.published(),
        BTreeMap::from([(fr.clone(), declaration.texts(&fr, &fr))]),
    );
    let cases = [
        // Required: always on, never asked.
        ("necessary", false),
        // Exempt, with a script: asked, so the visitor can object.
        ("audience", true),
        ("statistics", true),
        // Only a service without a browser part (Brevo): asked at checkout.
        ("emailing", false),
        // No service at all: a theme's own script may be gated on it.
        ("survey", true),
        ("unknown", false),
    ];
    for (id, asked) in cases {
        assert_eq!(policy.asked_in_banner(id), asked, "policy, purpose {id}");
        assert_eq!(
            declaration.asked_in_banner(id),
            asked,
            "declaration, purpose {id}"
        );
    }
}

#[test]
fn accept_all_grants_banner_purposes_only() {
    let policy = policy(&[]);
    let choice = policy
        .resolve_choice(ConsentAction::AcceptAll, &BTreeMap::new(), &BTreeMap::new())
        .expect("valid");
    assert_eq!(
        choice.purposes,
        BTreeMap::from([
            ("audience".to_owned(), true),
            ("emailing".to_owned(), false),
            ("necessary".to_owned(), true),
            ("statistics".to_owned(), true),
        ])
    );
    assert_eq!(
        choice.services,
        BTreeMap::from([
            ("brevo".to_owned(), false),
            ("ga4".to_owned(), true),
            ("matomo".to_owned(), true),
        ])
    );
}

#[test]
fn objection_to_exempt_purpose_stored() {
    let policy = policy(&[]);
    let objection = BTreeMap::from([("audience".to_owned(), false), ("statistics".to_owned(), true)]);
    for action in [ConsentAction::Custom, ConsentAction::Withdraw] {
        let choice = policy
            .resolve_choice(action, &objection, &BTreeMap::new())
            .expect("valid");
        assert_eq!(choice.purposes.get("audience"), Some(&false), "{action:?}");
        assert_eq!(choice.purposes.get("statistics"), Some(&true), "{action:?}");
        assert_eq!(choice.services.get("matomo"), Some(&false), "{action:?}");
    }

    // Left out, an exempt purpose stays granted.
    let choice = policy
        .resolve_choice(ConsentAction::Custom, &BTreeMap::new(), &BTreeMap::new())
        .expect("valid");
    assert_eq!(choice.purposes.get("audience"), Some(&true));
    assert_eq!(choice.services.get("matomo"), Some(&true));
}

#[test]
fn custom_choice_refuses_what_is_left_out() {
    let policy = policy(&[]);
    let purposes = BTreeMap::from([("statistics".to_owned(), true), ("audience".to_owned(), false)]);
    let choice = policy
        .resolve_choice(ConsentAction::Custom, &purposes, &BTreeMap::new())
        .expect("valid");
    assert_eq!(choice.purposes.get("statistics"), Some(&true));
    assert_eq!(choice.purposes.get("audience"), Some(&false));
    assert_eq!(choice.purposes.get("emailing"), Some(&false));
    assert_eq!(choice.services.get("ga4"), Some(&true));
    assert_eq!(choice.services.get("matomo"), Some(&false));

    let services = BTreeMap::from([("ga4".to_owned(), false)]);
    let choice = policy
        .resolve_choice(ConsentAction::Custom, &purposes, &services)
        .expect("valid");
    assert_eq!(choice.services.get("ga4"), Some(&false));
}

#[test]
fn unknown_choices_are_rejected() {
    let policy = policy(&[]);
    let purposes = BTreeMap::from([("ads".to_owned(), true)]);
    assert_eq!(
        policy.resolve_choice(ConsentAction::Custom, &purposes, &BTreeMap::new()),
        Err(ChoiceError::UnknownPurpose("ads".into()))
    );
    let services = BTreeMap::from([("hotjar".to_owned(), true)]);
    assert_eq!(
        policy.resolve_choice(ConsentAction::AcceptAll, &BTreeMap::new(), &services),
        Err(ChoiceError::UnknownService("hotjar".into()))
    );
}

#[test]
fn cookie_current_until_expiry() {
    let cookie: ConsentCookie = serde_json::from_str(
        r#"{"id":"c1","v":"2026-12-01","h":"abc","exp":100,"p":{"statistics":1},"s":{}}"#,
    )
    .expect("cookie JSON");
    assert!(cookie.is_current("abc", 99));
    assert!(!cookie.is_current("abc", 100));
    assert!(!cookie.is_current("abd", 99));
}

#[test]
fn version_changes_the_policy_hash() {
    let declaration = PolicyDeclaration {
        purposes: Vec::new(),
        services: Vec::new(),
    };
    let texts = BTreeMap::new();
    assert_ne!(
        policy_hash("2026-01", &declaration, &texts),
        policy_hash("2026-02", &declaration, &texts)
    );
}

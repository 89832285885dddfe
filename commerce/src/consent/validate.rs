//! Checks of `[consent]` that serde cannot make: references between purposes and
//! services, preset settings, retention, legal bases and scripts.
//!
//! One rule is a decision of this project rather than a syntax check: a purpose
//! that is not exempt and is served by a service using trackers (a script, an
//! embed or cookies) must have `legal_basis = "consent"`. French law (art. 82 of
//! the loi Informatique et Libertés, which transposes the ePrivacy directive)
//! requires consent to read or write trackers unless they are strictly necessary
//! or exempt, so no other basis can justify them. A purpose whose services set
//! nothing in the browser (e-mailing through Brevo) may use any basis.

use super::html::InertError;
use super::presets::{self, ALL_SETTINGS};
use super::{ConsentSettings, LegalBasis, MAX_RETENTION_MONTHS, NECESSARY, ServiceKind, ServiceSettings};
use crate::settings::{SettingsProblem, list};

/// Presets whose service the CNIL's exemption for audience measurement can cover
/// when configured as it requires; the others need consent whatever their setup.
const EXEMPTABLE_PRESETS: &[&str] = &["matomo"];

/// Checks `[consent]`, adding every problem found to `problems`.
pub(crate) fn validate(consent: &ConsentSettings, problems: &mut Vec<SettingsProblem>) {
    if consent.policy_version.get_ref().trim().is_empty() {
        problems.push(SettingsProblem::new(
            consent.policy_version.span(),
            "settings-consent-empty-version",
        ));
    }
    let months = *consent.retention_months.get_ref();
    if !(1..=MAX_RETENTION_MONTHS).contains(&months) {
        problems.push(
            SettingsProblem::new(consent.retention_months.span(), "settings-consent-retention")
                .arg("value", months),
        );
    }

    for (id, purpose) in &consent.purposes {
        let path = ["consent", "purposes", id.as_str()];
        if id == NECESSARY {
            problems.push(SettingsProblem::at_path(
                &path,
                "settings-consent-reserved-purpose",
            ));
        } else if !valid_id(id) {
            problems.push(
                SettingsProblem::at_path(&path, "settings-consent-invalid-id")
                    .arg("kind", "purposes")
                    .arg("id", id),
            );
        }
        if purpose.exempt || *purpose.legal_basis.get_ref() == LegalBasis::Consent {
            continue;
        }
        let tracker = consent
            .services
            .iter()
            .find(|(_, service)| service.purposes.get_ref().contains(id) && service.uses_trackers());
        if let Some((service_id, _)) = tracker {
            problems.push(
                SettingsProblem::new(
                    purpose.legal_basis.span(),
                    "settings-consent-tracker-needs-consent",
                )
                .arg("purpose", id)
                .arg("basis", purpose.legal_basis.get_ref().as_str())
                .arg("service", service_id),
            );
        }
    }

    for (id, service) in &consent.services {
        validate_service(consent, id, service, problems);
    }
}

/// Ids end up in HTML attributes, cookie JSON and message keys: lowercase ASCII
/// letters, digits, `-` and `_`, starting with a letter.
fn valid_id(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn validate_service(
    consent: &ConsentSettings,
    id: &str,
    service: &ServiceSettings,
    problems: &mut Vec<SettingsProblem>,
) {
    let path = ["consent", "services", id];
    if !valid_id(id) {
        problems.push(
            SettingsProblem::at_path(&path, "settings-consent-invalid-id")
                .arg("kind", "services")
                .arg("id", id),
        );
    }

    let purposes = service.purposes.get_ref();
    if purposes.is_empty() {
        problems.push(
            SettingsProblem::new(
                service.purposes.span(),
                "settings-consent-service-without-purpose",
            )
            .arg("service", id),
        );
    }
    let mut declared: Vec<&str> = vec![NECESSARY];
    declared.extend(consent.purposes.keys().map(String::as_str));
    for purpose in purposes {
        if !declared.contains(&purpose.as_str()) {
            problems.push(
                SettingsProblem::new(service.purposes.span(), "settings-consent-unknown-purpose")
                    .arg("service", id)
                    .arg("purpose", purpose)
                    .arg("valid", list(&declared)),
            );
        }
    }

    validate_preset(id, service, problems);
    validate_overrides(id, service, problems);
    validate_exemption(consent, id, service, problems);
}

/// Checks the preset's name and the settings it needs, and flags settings it
/// does not read.
fn validate_preset(id: &str, service: &ServiceSettings, problems: &mut Vec<SettingsProblem>) {
    let preset = match &service.preset {
        Some(name) => match presets::preset(name.get_ref()) {
            Some(preset) => Some(preset),
            None => {
                problems.push(
                    SettingsProblem::new(name.span(), "settings-consent-unknown-preset")
                        .arg("service", id)
                        .arg("preset", name.get_ref())
                        .arg("valid", list(presets::preset_ids())),
                );
                // Without its preset, the settings cannot be judged.
                return;
            }
        },
        None => None,
    };

    let needed = preset.map_or(&[][..], |preset| preset.settings);
    for setting in ALL_SETTINGS {
        let written = match setting {
            presets::PresetSetting::MeasurementId => &service.measurement_id,
            presets::PresetSetting::Url => &service.url,
            presets::PresetSetting::SiteId => &service.site_id,
            presets::PresetSetting::PixelId => &service.pixel_id,
        };
        match (written, needed.contains(&setting)) {
            (None, true) => {
                // A merchant's own script replaces the preset's, which is the only
                // reader of the setting.
                if service.script.is_none() {
                    problems.push(
                        SettingsProblem::at_path(
                            &["consent", "services", id],
                            "settings-consent-missing-setting",
                        )
                        .arg("service", id)
                        .arg("preset", preset.map_or("", |preset| preset.id))
                        .arg("setting", setting.key())
                        .arg("example", setting.example()),
                    );
                }
            }
            (Some(value), true) => {
                if !setting.accepts(value.get_ref()) {
                    problems.push(
                        SettingsProblem::new(value.span(), "settings-consent-invalid-setting")
                            .arg("service", id)
                            .arg("setting", setting.key())
                            .arg("value", value.get_ref())
                            .arg("example", setting.example()),
                    );
                }
            }
            (Some(value), false) => {
                problems.push(
                    SettingsProblem::new(value.span(), "settings-consent-unused-setting")
                        .arg("service", id)
                        .arg("setting", setting.key())
                        .arg("preset", preset.map_or("—", |preset| preset.id)),
                );
            }
            (None, false) => {}
        }
    }
}

/// Checks the fields a service without a preset must have, and the values of
/// overrides.
fn validate_overrides(id: &str, service: &ServiceSettings, problems: &mut Vec<SettingsProblem>) {
    if service.preset.is_none() {
        let missing = [
            ("name", service.name.is_none()),
            ("provider", service.provider.is_none()),
            ("collects", service.collects.is_none()),
            ("retention", service.retention.is_none()),
        ];
        for (field, is_missing) in missing {
            if is_missing {
                problems.push(
                    SettingsProblem::at_path(&["consent", "services", id], "settings-consent-missing-field")
                        .arg("service", id)
                        .arg("field", field),
                );
            }
        }
    }

    if let Some(transfers) = &service.transfers {
        for country in transfers.get_ref() {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                problems.push(
                    SettingsProblem::new(transfers.span(), "settings-invalid-country").arg("value", country),
                );
            }
        }
    }

    if let Some(url) = &service.privacy_url
        && !(url.get_ref().starts_with("https://") || url.get_ref().starts_with("http://"))
    {
        problems.push(
            SettingsProblem::new(url.span(), "settings-consent-invalid-url")
                .arg("service", id)
                .arg("value", url.get_ref()),
        );
    }

    if let Some(script) = &service.script
        && let Err(error) = super::html::inert_scripts(script.get_ref(), id, &[])
    {
        let problem = match error {
            InertError::NotAScript { element } => {
                SettingsProblem::new(script.span(), "settings-consent-script-not-inert")
                    .arg("element", element)
            }
            InertError::Unclosed => SettingsProblem::new(script.span(), "settings-consent-script-unclosed"),
        };
        problems.push(problem.arg("service", id));
    }

    if service.resolved_kind() == ServiceKind::Script && service.script_html().is_none() {
        // A preset script with a missing setting is reported as that setting.
        let preset_needs_setting = service.preset().is_some_and(|preset| !preset.settings.is_empty());
        if !preset_needs_setting {
            let problem = match &service.kind {
                Some(kind) => SettingsProblem::new(kind.span(), "settings-consent-script-missing"),
                None => {
                    SettingsProblem::at_path(&["consent", "services", id], "settings-consent-script-missing")
                }
            };
            problems.push(problem.arg("service", id));
        }
    }
}

/// Rejects an exempt purpose served by a preset the CNIL's exemption cannot cover.
fn validate_exemption(
    consent: &ConsentSettings,
    id: &str,
    service: &ServiceSettings,
    problems: &mut Vec<SettingsProblem>,
) {
    let Some(preset) = service.preset() else {
        return;
    };
    if EXEMPTABLE_PRESETS.contains(&preset.id) {
        return;
    }
    for purpose in service.purposes.get_ref() {
        if consent
            .purposes
            .get(purpose)
            .is_some_and(|declared| declared.exempt)
        {
            problems.push(
                SettingsProblem::new(service.purposes.span(), "settings-consent-not-exemptable")
                    .arg("service", id)
                    .arg("preset", preset.id)
                    .arg("purpose", purpose),
            );
        }
    }
}

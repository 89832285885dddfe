//! Personal data's lifecycle: how long each kind of data is kept, when a visitor's
//! request must be fulfilled, and which orders an erasure must keep or wait for.
//!
//! The `[privacy]` table of `site.toml` sets the periods; every field has the French
//! default, so a shop that writes nothing follows French and EU rules:
//!
//! | data | default | ground |
//! |---|---|---|
//! | answer to a request | 1 month, extendable by 2 | RGPD art. 12(3) |
//! | confirmation link | 24 hours | |
//! | export download link | 72 hours | |
//! | invoices and credit notes | 10 years | Code de commerce L123-22 |
//! | electronic contract of 120 € or more | 10 years | Code de la consommation L213-1, D213-2 |
//! | prospects and inactive customers (marketing) | 3 years after the last contact | CNIL, référentiel gestion commerciale |
//! | consent choice | `[consent] retention_months` (6) | CNIL, lignes directrices cookies |
//! | proof of a consent choice | 5 years after it expires | Code civil 2224 (limitation period) |
//!
//! Everything here is pure: callers pass the time and the data.

use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The `[privacy]` table of `site.toml`: retention periods and request deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacySettings {
    /// Months to respond to a personal-data request, from its receipt.
    pub response_months: u32,
    /// Months the deadline may be extended by, with notice to the person.
    pub extension_months: u32,
    /// Hours a confirmation link stays valid.
    pub confirmation_hours: u32,
    /// Hours an export download link stays valid.
    pub export_hours: u32,
    /// Days before the deadline from which a request is flagged as urgent.
    pub urgent_days: u32,
    /// Years invoices and credit notes are kept. The law counts from the end of the
    /// financial year, and [`order_retention`] counts from the order's date.
    pub invoice_years: u32,
    /// Amount, in the shop currency's minor units, from which an electronic
    /// contract is kept [`PrivacySettings::contract_years`].
    pub contract_threshold: i64,
    /// Years an electronic contract at or above the threshold is kept.
    pub contract_years: u32,
    /// Days of the legal withdrawal period after delivery, during which an order
    /// is still open.
    pub withdrawal_days: u32,
    /// Years without contact after which a prospect's or customer's marketing data
    /// is anonymised.
    pub inactive_years: u32,
    /// Days before that anonymisation the person is warned by email.
    pub inactive_warning_days: u32,
    /// Years a consent record is kept after it expires, as proof.
    pub consent_proof_years: u32,
    /// Years the personal-data request log is kept (it contains no email).
    pub request_log_years: u32,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings {
            response_months: 1,
            extension_months: 2,
            confirmation_hours: 24,
            export_hours: 72,
            urgent_days: 7,
            invoice_years: 10,
            contract_threshold: 12_000,
            contract_years: 10,
            withdrawal_days: 14,
            inactive_years: 3,
            inactive_warning_days: 30,
            consent_proof_years: 5,
            request_log_years: 5,
        }
    }
}

/// Checks `[privacy]` against the legal floors and ceilings: a value that would
/// make the shop break the law it encodes is an error, not a preference.
pub(crate) fn validate(settings: &PrivacySettings, problems: &mut Vec<crate::settings::SettingsProblem>) {
    use crate::settings::SettingsProblem;
    // (key, value, lowest allowed, highest allowed, message id)
    let rules: [(&str, u32, u32, u32, &'static str); 8] = [
        (
            "response_months",
            settings.response_months,
            1,
            1,
            "settings-privacy-response",
        ),
        (
            "extension_months",
            settings.extension_months,
            0,
            2,
            "settings-privacy-extension",
        ),
        (
            "invoice_years",
            settings.invoice_years,
            10,
            30,
            "settings-privacy-invoice",
        ),
        (
            "contract_years",
            settings.contract_years,
            10,
            30,
            "settings-privacy-contract",
        ),
        (
            "withdrawal_days",
            settings.withdrawal_days,
            14,
            90,
            "settings-privacy-withdrawal",
        ),
        (
            "inactive_years",
            settings.inactive_years,
            1,
            3,
            "settings-privacy-inactive",
        ),
        (
            "confirmation_hours",
            settings.confirmation_hours,
            1,
            168,
            "settings-privacy-hours",
        ),
        (
            "export_hours",
            settings.export_hours,
            1,
            720,
            "settings-privacy-hours",
        ),
    ];
    for (key, value, low, high, id) in rules {
        if !(low..=high).contains(&value) {
            problems.push(
                SettingsProblem::at_path(&["privacy", key], id)
                    .arg("key", key)
                    .arg("value", value)
                    .arg("low", low)
                    .arg("high", high),
            );
        }
    }
    if settings.inactive_warning_days == 0 || i64::from(settings.inactive_warning_days) * DAY >= 365 * DAY {
        problems.push(
            SettingsProblem::at_path(&["privacy", "inactive_warning_days"], "settings-privacy-hours")
                .arg("key", "inactive_warning_days")
                .arg("value", settings.inactive_warning_days)
                .arg("low", 1)
                .arg("high", 364),
        );
    }
    if settings.contract_threshold < 0 {
        problems.push(
            SettingsProblem::at_path(&["privacy", "contract_threshold"], "settings-privacy-threshold")
                .arg("value", settings.contract_threshold),
        );
    }
}

/// Legal ground for keeping data after an erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalGround {
    /// Accounting documents: invoices and credit notes (Code de commerce L123-22).
    Invoice,
    /// An electronic contract of 120 € or more (Code de la consommation L213-1).
    Contract,
}

/// Retention of an order after its customer's data is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRetention {
    /// Ground with the longest period among those that apply.
    pub ground: LegalGround,
    /// Unix time when the archive may be purged.
    pub until: i64,
    /// Whether the delivery address is kept too (part of a contract at or above
    /// the threshold).
    pub keep_delivery_address: bool,
}

/// Adds calendar years to a Unix time (UTC), clamping 29 February to 28.
pub fn add_years(at: i64, years: u32) -> i64 {
    add_months(at, years.saturating_mul(12))
}

/// Adds calendar months to a Unix time (UTC), clamping the day to the target
/// month's length (31 January + 1 month = 28 or 29 February).
pub fn add_months(at: i64, months: u32) -> i64 {
    let days = at.div_euclid(DAY);
    let seconds = at.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let total = i64::from(month) - 1 + i64::from(months);
    let year = year + total.div_euclid(12);
    let month = (total.rem_euclid(12) + 1) as u32;
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + seconds
}

/// Returns the deadline of a request received at `received_at`.
pub fn request_deadline(settings: &PrivacySettings, received_at: i64) -> i64 {
    add_months(received_at, settings.response_months)
}

/// Returns the latest deadline once extended with notice.
pub fn extended_deadline(settings: &PrivacySettings, received_at: i64) -> i64 {
    add_months(received_at, settings.response_months + settings.extension_months)
}

/// Returns whether a request still open at `now` is near its deadline.
pub fn is_urgent(settings: &PrivacySettings, deadline: i64, now: i64) -> bool {
    deadline - now <= i64::from(settings.urgent_days) * DAY
}

/// Returns what an order keeps after erasure, or `None` when it has no invoice
/// (it was never paid, e.g. cancelled while pending), so nothing has to be kept.
///
/// `invoiced` is whether an invoice exists (the order was paid). `total` is in the
/// shop currency's minor units. For another currency the caller converts it or
/// compares the gross total as is, because the invoice period is 10 years anyway.
pub fn order_retention(
    settings: &PrivacySettings,
    placed_at: i64,
    total: i64,
    invoiced: bool,
) -> Option<OrderRetention> {
    if !invoiced {
        return None;
    }
    let invoice_until = add_years(placed_at, settings.invoice_years);
    let is_contract = total >= settings.contract_threshold;
    let contract_until = add_years(placed_at, settings.contract_years);
    if is_contract && contract_until > invoice_until {
        Some(OrderRetention {
            ground: LegalGround::Contract,
            until: contract_until,
            keep_delivery_address: true,
        })
    } else {
        Some(OrderRetention {
            ground: LegalGround::Invoice,
            until: invoice_until,
            keep_delivery_address: is_contract,
        })
    }
}

/// Until when an order is open for erasure purposes: `None` when it is closed.
///
/// An order is open while it is not shipped (nor completed nor cancelled), and
/// during the withdrawal period after it was shipped. `shipped_at` is when it
/// entered `shipped` or `completed`, whichever came first.
pub fn order_open_until(
    settings: &PrivacySettings,
    status: &str,
    shipped_at: Option<i64>,
    now: i64,
) -> OpenState {
    use crate::order::{CANCELLED, COMPLETED, SHIPPED};
    if status == CANCELLED {
        return OpenState::Closed;
    }
    let shipped = status == SHIPPED || status == COMPLETED;
    match (shipped, shipped_at) {
        (true, Some(at)) => {
            let until = at + i64::from(settings.withdrawal_days) * DAY;
            if until > now {
                OpenState::Until(until)
            } else {
                OpenState::Closed
            }
        }
        // Shipped without a recorded time: the period is counted from now.
        (true, None) => OpenState::Until(now + i64::from(settings.withdrawal_days) * DAY),
        (false, _) => OpenState::UntilShipped,
    }
}

/// Whether an order blocks an erasure, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "until")]
pub enum OpenState {
    /// Closed: the erasure may proceed.
    Closed,
    /// Not shipped yet: open until it is, then for the withdrawal period.
    UntilShipped,
    /// In the withdrawal period, which ends at this time.
    Until(i64),
}

/// When a person whose last contact was `last_contact_at` is warned, and when
/// their data is anonymised.
pub fn inactivity(settings: &PrivacySettings, last_contact_at: i64) -> (i64, i64) {
    let anonymise_at = add_years(last_contact_at, settings.inactive_years);
    let warn_at = anonymise_at - i64::from(settings.inactive_warning_days) * DAY;
    (warn_at, anonymise_at)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithms (public domain), proleptic Gregorian.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-01-31T10:00:00Z
    const JAN_31: i64 = 1_769_853_600;

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        // 31 January + 1 month = 28 February 2026, same time of day.
        assert_eq!(add_months(JAN_31, 1), 1_772_272_800);
        assert_eq!(add_months(JAN_31, 0), JAN_31);
        // 29 February 2024 + 1 year = 28 February 2025.
        let leap_day = 1_709_164_800; // 2024-02-29T00:00:00Z
        assert_eq!(add_years(leap_day, 1), 1_740_700_800);
    }

    #[test]
    fn deadlines_follow_the_settings() {
        let settings = PrivacySettings::default();
        assert_eq!(request_deadline(&settings, JAN_31), add_months(JAN_31, 1));
        assert_eq!(extended_deadline(&settings, JAN_31), add_months(JAN_31, 3));
        let deadline = request_deadline(&settings, JAN_31);
        assert!(is_urgent(&settings, deadline, deadline - 7 * DAY));
        assert!(!is_urgent(&settings, deadline, deadline - 8 * DAY));
    }

    #[test]
    fn order_retention_by_payment_and_total() {
        let settings = PrivacySettings::default();
        assert_eq!(order_retention(&settings, JAN_31, 50_000, false), None);
        let small = order_retention(&settings, JAN_31, 11_999, true).expect("invoiced");
        assert_eq!(small.ground, LegalGround::Invoice);
        assert_eq!(small.until, add_years(JAN_31, 10));
        assert!(!small.keep_delivery_address);
        let large = order_retention(&settings, JAN_31, 12_000, true).expect("invoiced");
        assert!(large.keep_delivery_address);
    }

    #[test]
    fn orders_stay_open_until_the_withdrawal_period_ends() {
        let settings = PrivacySettings::default();
        let now = JAN_31;
        assert_eq!(
            order_open_until(&settings, "pending", None, now),
            OpenState::UntilShipped
        );
        assert_eq!(
            order_open_until(&settings, "cancelled", None, now),
            OpenState::Closed
        );
        assert_eq!(
            order_open_until(&settings, "shipped", Some(now - DAY), now),
            OpenState::Until(now + 13 * DAY)
        );
        assert_eq!(
            order_open_until(&settings, "completed", Some(now - 14 * DAY), now),
            OpenState::Closed
        );
    }

    #[test]
    fn legal_floors_are_enforced() {
        let mut problems = Vec::new();
        validate(&PrivacySettings::default(), &mut problems);
        assert_eq!(problems, Vec::new(), "the defaults are legal");

        let settings = PrivacySettings {
            invoice_years: 6,
            response_months: 2,
            withdrawal_days: 7,
            inactive_years: 5,
            ..PrivacySettings::default()
        };
        let mut problems = Vec::new();
        validate(&settings, &mut problems);
        let ids: Vec<&str> = problems.iter().map(|problem| problem.id).collect();
        assert_eq!(
            ids,
            [
                "settings-privacy-response",
                "settings-privacy-invoice",
                "settings-privacy-withdrawal",
                "settings-privacy-inactive"
            ]
        );
        assert_eq!(problems[1].path, ["privacy", "invoice_years"]);
    }

    #[test]
    fn inactive_people_are_warned_before_anonymisation() {
        let settings = PrivacySettings::default();
        let (warn, anonymise) = inactivity(&settings, JAN_31);
        assert_eq!(anonymise, add_years(JAN_31, 3));
        assert_eq!(anonymise - warn, 30 * DAY);
    }
}

//! The order status machine: the standard statuses, the merchant's custom ones from
//! `[orders] statuses`, which transitions are allowed, and which statuses email the
//! customer.
//!
//! Standard transitions:
//!
//! | from | to |
//! |---|---|
//! | `pending` | `payment_accepted`, `cancelled` |
//! | `payment_accepted` | `in_preparation`, `shipped`, `cancelled` |
//! | `in_preparation` | `shipped`, `cancelled` |
//! | `shipped` | `completed` |
//! | `completed`, `cancelled` | nothing: they are final |
//!
//! A custom status adds the edges its `from` and `to` lists name.

use std::collections::{BTreeMap, BTreeSet};

use crate::settings::{CustomStatus, LocalizedText};

/// A new order, waiting for its payment.
pub const PENDING: &str = "pending";
/// The payment was received.
pub const PAYMENT_ACCEPTED: &str = "payment_accepted";
/// The merchant is preparing the parcel.
pub const IN_PREPARATION: &str = "in_preparation";
/// The parcel left.
pub const SHIPPED: &str = "shipped";
/// Delivered and closed.
pub const COMPLETED: &str = "completed";
/// Cancelled: its stock was returned.
pub const CANCELLED: &str = "cancelled";

/// The standard statuses, in their usual order, with whether entering each one
/// emails the customer.
pub const STANDARD_STATUSES: [(&str, bool); 6] = [
    (PENDING, false),
    (PAYMENT_ACCEPTED, true),
    (IN_PREPARATION, false),
    (SHIPPED, true),
    (COMPLETED, false),
    (CANCELLED, true),
];

const STANDARD_TRANSITIONS: [(&str, &str); 8] = [
    (PENDING, PAYMENT_ACCEPTED),
    (PENDING, CANCELLED),
    (PAYMENT_ACCEPTED, IN_PREPARATION),
    (PAYMENT_ACCEPTED, SHIPPED),
    (PAYMENT_ACCEPTED, CANCELLED),
    (IN_PREPARATION, SHIPPED),
    (IN_PREPARATION, CANCELLED),
    (SHIPPED, COMPLETED),
];

/// One status of the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// Whether entering it emails the customer.
    pub notify_customer: bool,
    /// The merchant's label for a custom status; standard statuses are labelled by
    /// the caller's translations.
    pub label: Option<LocalizedText>,
    /// Statuses an order may go to from this one.
    pub next: BTreeSet<String>,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The target status does not exist.
    #[error("unknown order status `{status}`: expected one of {known}")]
    UnknownStatus {
        /// The status asked for.
        status: String,
        /// Known statuses, comma-separated.
        known: String,
    },
    /// The machine has no edge from the current status to the target.
    #[error("an order cannot go from `{from}` to `{to}`: allowed next statuses are {allowed}")]
    NotAllowed {
        /// Current status.
        from: String,
        /// Status asked for.
        to: String,
        /// Allowed next statuses, comma-separated (`none` for a final status).
        allowed: String,
    },
}

/// The statuses of one shop and the transitions between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMachine {
    statuses: BTreeMap<String, StatusInfo>,
}

impl StatusMachine {
    /// Builds the machine from the standard statuses and the merchant's custom ones.
    /// Returns every problem found in the custom statuses: an id that shadows a
    /// standard status or repeats, or a `from`/`to` naming an unknown status.
    pub fn new(custom: &[CustomStatus]) -> Result<Self, Vec<String>> {
        let mut statuses: BTreeMap<String, StatusInfo> = STANDARD_STATUSES
            .iter()
            .map(|(id, notify)| {
                let info = StatusInfo {
                    notify_customer: *notify,
                    label: None,
                    next: BTreeSet::new(),
                };
                ((*id).to_owned(), info)
            })
            .collect();
        for (from, to) in STANDARD_TRANSITIONS {
            if let Some(info) = statuses.get_mut(from) {
                info.next.insert(to.to_owned());
            }
        }

        let mut problems = Vec::new();
        for status in custom {
            if statuses.contains_key(&status.id) {
                problems.push(format!(
                    "custom order status `{}` is already a status: choose another id",
                    status.id
                ));
                continue;
            }
            statuses.insert(
                status.id.clone(),
                StatusInfo {
                    notify_customer: status.notify_customer,
                    label: Some(status.label.clone()),
                    next: BTreeSet::new(),
                },
            );
        }
        for status in custom {
            for from in &status.from {
                match statuses.get_mut(from) {
                    Some(info) => {
                        info.next.insert(status.id.clone());
                    }
                    None => problems.push(format!(
                        "custom order status `{}` lists `{from}` in `from`, which is not a status",
                        status.id
                    )),
                }
            }
            for to in &status.to {
                if !statuses.contains_key(to) {
                    problems.push(format!(
                        "custom order status `{}` lists `{to}` in `to`, which is not a status",
                        status.id
                    ));
                } else if let Some(info) = statuses.get_mut(&status.id) {
                    info.next.insert(to.clone());
                }
            }
        }

        if problems.is_empty() {
            Ok(StatusMachine { statuses })
        } else {
            Err(problems)
        }
    }

    /// The status with this id.
    pub fn status(&self, id: &str) -> Option<&StatusInfo> {
        self.statuses.get(id)
    }

    /// Every status id, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.statuses.keys().map(String::as_str)
    }

    /// Checks that an order in `from` may go to `to`.
    pub fn check(&self, from: &str, to: &str) -> Result<(), TransitionError> {
        if !self.statuses.contains_key(to) {
            return Err(TransitionError::UnknownStatus {
                status: to.to_owned(),
                known: self.ids().collect::<Vec<_>>().join(", "),
            });
        }
        let next = self.statuses.get(from).map(|info| &info.next);
        if next.is_some_and(|next| next.contains(to)) {
            return Ok(());
        }
        let allowed = next.filter(|next| !next.is_empty()).map_or_else(
            || "none".to_owned(),
            |next| next.iter().cloned().collect::<Vec<_>>().join(", "),
        );
        Err(TransitionError::NotAllowed {
            from: from.to_owned(),
            to: to.to_owned(),
            allowed,
        })
    }

    /// Whether entering `status` emails the customer by default.
    pub fn notifies(&self, status: &str) -> bool {
        self.statuses.get(status).is_some_and(|info| info.notify_customer)
    }
}

/// Whether entering `status` returns the order's stock.
pub fn returns_stock(status: &str) -> bool {
    status == CANCELLED
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(id: &str, from: &[&str], to: &[&str], notify: bool) -> CustomStatus {
        CustomStatus {
            id: id.into(),
            label: LocalizedText::Same(id.into()),
            notify_customer: notify,
            from: from.iter().map(|s| (*s).to_owned()).collect(),
            to: to.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn standard_transitions() {
        let machine = StatusMachine::new(&[]).expect("valid");
        assert_eq!(machine.check(PENDING, PAYMENT_ACCEPTED), Ok(()));
        assert_eq!(machine.check(PENDING, CANCELLED), Ok(()));
        assert_eq!(machine.check(PAYMENT_ACCEPTED, SHIPPED), Ok(()));
        assert_eq!(machine.check(SHIPPED, COMPLETED), Ok(()));
        assert_eq!(
            machine.check(PENDING, SHIPPED),
            Err(TransitionError::NotAllowed {
                from: PENDING.into(),
                to: SHIPPED.into(),
                allowed: "cancelled, payment_accepted".into()
            })
        );
        assert_eq!(
            machine.check(CANCELLED, PENDING),
            Err(TransitionError::NotAllowed {
                from: CANCELLED.into(),
                to: PENDING.into(),
                allowed: "none".into()
            })
        );
        assert!(matches!(
            machine.check(SHIPPED, CANCELLED),
            Err(TransitionError::NotAllowed { .. })
        ));
    }

    #[test]
    fn unknown_target_is_named() {
        let machine = StatusMachine::new(&[]).expect("valid");
        let error = machine.check(PENDING, "lost").expect_err("unknown");
        assert_eq!(
            error.to_string(),
            "unknown order status `lost`: expected one of cancelled, completed, in_preparation, payment_accepted, pending, shipped"
        );
    }

    #[test]
    fn custom_status_adds_edges() {
        let machine = StatusMachine::new(&[custom(
            "awaiting_stock",
            &["payment_accepted"],
            &["in_preparation"],
            true,
        )])
        .expect("valid");
        assert_eq!(machine.check(PAYMENT_ACCEPTED, "awaiting_stock"), Ok(()));
        assert_eq!(machine.check("awaiting_stock", IN_PREPARATION), Ok(()));
        assert!(machine.check("awaiting_stock", COMPLETED).is_err());
        assert!(machine.check(PENDING, "awaiting_stock").is_err());
        assert!(machine.notifies("awaiting_stock"));
    }

    #[test]
    fn notifications_of_standard_statuses() {
        let machine = StatusMachine::new(&[]).expect("valid");
        assert!(machine.notifies(PAYMENT_ACCEPTED));
        assert!(machine.notifies(SHIPPED));
        assert!(machine.notifies(CANCELLED));
        assert!(!machine.notifies(IN_PREPARATION));
        assert!(!machine.notifies(PENDING));
        assert!(returns_stock(CANCELLED));
        assert!(!returns_stock(SHIPPED));
    }

    #[test]
    fn custom_status_problems_are_all_reported() {
        let problems = StatusMachine::new(&[
            custom("shipped", &[], &[], false),
            custom("on_hold", &["nowhere"], &["elsewhere"], false),
        ])
        .expect_err("invalid");
        assert_eq!(
            problems,
            vec![
                "custom order status `shipped` is already a status: choose another id".to_owned(),
                "custom order status `on_hold` lists `nowhere` in `from`, which is not a status".to_owned(),
                "custom order status `on_hold` lists `elsewhere` in `to`, which is not a status".to_owned(),
            ]
        );
    }
}

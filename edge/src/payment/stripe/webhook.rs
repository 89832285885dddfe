//! Stripe webhooks: checking the `Stripe-Signature` header and reading the event.
//!
//! Stripe signs `"{t}.{raw body}"` with HMAC-SHA256 under the endpoint's signing
//! secret (the whole `whsec_…` string is the key) and sends
//! `Stripe-Signature: t=<unix seconds>,v1=<hex digest>[,v1=<hex digest>…]`. Several
//! `v1` entries appear while a secret is being rolled; one match is enough. Other
//! schemes (`v0`, test-mode extras) are ignored.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::payment::{PaymentError, PaymentEvent};

type HmacSha256 = Hmac<Sha256>;

/// How far the signed timestamp may be from the current time, in seconds, either way:
/// Stripe's own libraries default to 300.
pub const WEBHOOK_TOLERANCE_SECONDS: i64 = 300;

/// Reason a `Stripe-Signature` header did not verify. The edge responds to every case
/// the same way, so the detail is for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not a list of `key=value` pairs with one integer `t`.
    #[error("malformed Stripe-Signature header: {0}")]
    Malformed(String),
    /// The header has no `v1` signature.
    #[error("the Stripe-Signature header has no v1 signature")]
    NoSignature,
    /// The signed timestamp is too old or too far in the future (a replay, or a
    /// clock off by more than the tolerance).
    #[error("the webhook timestamp {timestamp} is more than {tolerance} s away from now ({now})")]
    OutsideTolerance {
        /// The `t` of the header.
        timestamp: i64,
        /// The current time given.
        now: i64,
        /// The tolerance, in seconds.
        tolerance: i64,
    },
    /// No `v1` signature matches the body under the secret.
    #[error("no v1 signature matches the webhook body")]
    Mismatch,
}

/// Checks `header` against the raw `payload` and the endpoint `secret`, with `now` in
/// Unix seconds. The digests are compared in constant time.
pub fn verify_signature(
    payload: &[u8],
    header: &str,
    secret: &str,
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let (timestamp, signatures) = parse_header(header)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    if now.abs_diff(timestamp) > tolerance.unsigned_abs() {
        return Err(SignatureError::OutsideTolerance {
            timestamp,
            now,
            tolerance,
        });
    }

    let mac = signed_payload_mac(payload, timestamp, secret);
    // A v1 value that is not hex cannot match, so it is skipped like a wrong digest.
    let matches = signatures
        .iter()
        .filter_map(|signature| hex::decode(signature).ok())
        .any(|digest| mac.clone().verify_slice(&digest).is_ok());
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Builds the `Stripe-Signature` value Stripe would send for `payload` at `timestamp`,
/// for test doubles and local tooling.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let digest = signed_payload_mac(payload, timestamp, secret)
        .finalize()
        .into_bytes();
    format!("t={timestamp},v1={}", hex::encode(digest))
}

fn signed_payload_mac(payload: &[u8], timestamp: i64, secret: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

fn parse_header(header: &str) -> Result<(i64, Vec<&str>), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for element in header.split(',').map(str::trim) {
        let Some((key, value)) = element.split_once('=') else {
            return Err(SignatureError::Malformed(format!(
                "`{element}` is not a key=value pair"
            )));
        };
        match key {
            "t" => {
                let parsed = value.parse::<i64>().map_err(|_| {
                    SignatureError::Malformed(format!("the timestamp `{value}` is not an integer"))
                })?;
                if timestamp.replace(parsed).is_some() {
                    return Err(SignatureError::Malformed(
                        "the timestamp `t` appears twice".to_owned(),
                    ));
                }
            }
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    let timestamp =
        timestamp.ok_or_else(|| SignatureError::Malformed("the timestamp `t` is missing".to_owned()))?;
    Ok((timestamp, signatures))
}

#[derive(Deserialize)]
struct Event {
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: CheckoutSession,
}

/// The fields of a Checkout Session the edge reads; Stripe sends many more.
#[derive(Deserialize)]
struct CheckoutSession {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    payment_status: Option<String>,
    #[serde(default)]
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: Option<std::collections::BTreeMap<String, String>>,
    // A string id in webhooks; an object only when a request expands it.
    #[serde(default)]
    payment_intent: Option<serde_json::Value>,
}

/// Reads a verified event. `checkout.session.completed` with `payment_status` `paid`
/// is a payment; so is `checkout.session.async_payment_succeeded`, which Stripe sends
/// when a delayed method (SEPA debit…) settles after the session completed unpaid.
/// Every other event is [`PaymentEvent::Ignored`].
pub fn read_event(payload: &[u8]) -> Result<PaymentEvent, PaymentError> {
    let kind = serde_json::from_slice::<EventKind>(payload)
        .map_err(|error| PaymentError::InvalidPayload(format!("the body is not a Stripe event: {error}")))?
        .kind;
    let paid_event = match kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => true,
        _ => return Ok(PaymentEvent::Ignored),
    };

    let event: Event = serde_json::from_slice(payload).map_err(|error| {
        PaymentError::InvalidPayload(format!("the {kind} event has no checkout session: {error}"))
    })?;
    let session = event.data.object;
    if !paid_event || session.payment_status.as_deref() != Some("paid") {
        return Ok(PaymentEvent::Ignored);
    }

    let session_id = session.id.unwrap_or_default();
    let order_id = session
        .metadata
        .and_then(|mut metadata| metadata.remove("order_id"))
        .or(session.client_reference_id)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            PaymentError::InvalidPayload(format!(
                "the checkout session `{session_id}` names no order: neither metadata[order_id] nor client_reference_id is set"
            ))
        })?;
    let reference = match session.payment_intent {
        Some(serde_json::Value::String(id)) => id,
        Some(serde_json::Value::Object(intent)) => intent
            .get("id")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| session_id.clone(), str::to_owned),
        // A paid session has a payment intent in `payment` mode. Should one lack it, the
        // session id still identifies the payment in Stripe's dashboard.
        _ => session_id,
    };
    Ok(PaymentEvent::Paid { order_id, reference })
}

#[derive(Deserialize)]
struct EventKind {
    #[serde(rename = "type")]
    kind: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn signature_round_trip() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(body, SECRET, 1_700_000_000);
        assert_eq!(
            verify_signature(body, &header, SECRET, 1_700_000_100, 300),
            Ok(())
        );
    }

    #[test]
    fn known_digest_matches_reference_hmac() {
        // Reference value from `printf '%s' '12345.{}' | openssl dgst -sha256 -hmac whsec_test_secret`.
        let header = sign(b"{}", SECRET, 12345);
        assert_eq!(
            header,
            "t=12345,v1=c9a60c1eb8eee7a6d5d12198b186729a423ee2768f853894ec8806ca74610d05"
        );
    }

    #[test]
    fn future_timestamp_outside_tolerance() {
        let body = b"{}";
        let header = sign(body, SECRET, 2_000);
        assert_eq!(
            verify_signature(body, &header, SECRET, 1_000, 300),
            Err(SignatureError::OutsideTolerance {
                timestamp: 2_000,
                now: 1_000,
                tolerance: 300
            })
        );
    }
}

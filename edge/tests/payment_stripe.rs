//! Stripe Checkout against the local stub, and webhook signatures.

#[path = "support/stripe_stub.rs"]
mod stripe_stub;

use edge::mail::Secret;
use edge::payment::stripe::{
    SignatureError, StripeApiError, StripeConfig, StripeProvider, WEBHOOK_TOLERANCE_SECONDS, verify_signature,
};
use edge::payment::{PaymentError, PaymentEvent, PaymentProvider, PaymentRequest, PaymentSession};
use stripe_stub::{StripeStub, signature, signature_header};

const SECRET_KEY: &str = "sk_test_51comptoir";
const WEBHOOK_SECRET: &str = "whsec_test_comptoir";
const NOW: i64 = 1_777_000_000;

fn provider(base_url: &str, secret_key: &str) -> StripeProvider {
    let config = StripeConfig {
        secret_key: Secret::new(secret_key),
        webhook_secret: Secret::new(WEBHOOK_SECRET),
        api_base: base_url.to_owned(),
    };
    StripeProvider::native(config).expect("HTTP client")
}

fn request(locale: &str) -> PaymentRequest {
    PaymentRequest {
        order_id: "ord_7Hq2".to_owned(),
        order_number: "AB-000042".to_owned(),
        amount: 11570,
        currency: "EUR".to_owned(),
        customer_email: "camille@example.org".to_owned(),
        locale: locale.to_owned(),
        success_url: "https://atelier-brume.fr/fr/commande/ord_7Hq2?token=tok&paid=1".to_owned(),
        cancel_url: "https://atelier-brume.fr/fr/commande/".to_owned(),
    }
}

#[tokio::test]
async fn session_sends_documented_fields() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let session = provider(&stub.base_url, SECRET_KEY)
        .create_session(&request("fr"))
        .await
        .expect("session created");
    assert_eq!(
        session,
        PaymentSession {
            id: "cs_test_1".to_owned(),
            redirect_url: "https://checkout.stripe.com/c/pay/cs_test_1".to_owned(),
        }
    );

    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.header("authorization"), Some("Bearer sk_test_51comptoir"));
    assert_eq!(sent.header("idempotency-key"), Some("ord_7Hq2"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(&str, &str)> = sent
        .form
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        form,
        [
            ("mode", "payment"),
            ("line_items[0][price_data][currency]", "eur"),
            ("line_items[0][price_data][unit_amount]", "11570"),
            (
                "line_items[0][price_data][product_data][name]",
                "Commande AB-000042"
            ),
            ("line_items[0][quantity]", "1"),
            ("customer_email", "camille@example.org"),
            ("client_reference_id", "ord_7Hq2"),
            ("metadata[order_id]", "ord_7Hq2"),
            (
                "success_url",
                "https://atelier-brume.fr/fr/commande/ord_7Hq2?token=tok&paid=1"
            ),
            ("cancel_url", "https://atelier-brume.fr/fr/commande/"),
            ("locale", "fr"),
        ]
    );
}

#[tokio::test]
async fn session_name_and_locale_follow_customer() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let stripe = provider(&stub.base_url, SECRET_KEY);
    stripe
        .create_session(&request("en-GB"))
        .await
        .expect("session created");
    let mut swiss = request("fr-CH");
    swiss.order_id = "ord_8".to_owned();
    stripe.create_session(&swiss).await.expect("session created");

    let requests = stub.requests();
    assert_eq!(
        requests[0].field("line_items[0][price_data][product_data][name]"),
        Some("Order AB-000042")
    );
    assert_eq!(requests[0].field("locale"), Some("en-GB"));
    assert_eq!(requests[1].field("locale"), Some("fr"));
}

#[tokio::test]
async fn retried_session_reuses_idempotency_key() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let stripe = provider(&stub.base_url, SECRET_KEY);
    let first = stripe.create_session(&request("fr")).await.expect("first");
    let second = stripe.create_session(&request("fr")).await.expect("retry");
    assert_eq!(first, second);
    assert_eq!(stub.requests().len(), 2);
    assert_eq!(
        stub.sessions().len(),
        1,
        "the retry must not open a second session"
    );
}

#[tokio::test]
async fn wrong_key_maps_stripe_error() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let error = provider(&stub.base_url, "sk_test_wrong")
        .create_session(&request("fr"))
        .await
        .expect_err("rejected");
    let PaymentError::Provider(message) = &error else {
        panic!("expected a provider error, got {error:?}");
    };
    assert_eq!(
        message,
        "Stripe rejected the request (HTTP 401, invalid_request_error): Invalid API Key provided: sk_test_****rong"
    );
    assert!(!error.to_string().contains("sk_test_wrong"), "{error}");
}

#[tokio::test]
async fn missing_field_maps_parameter_error() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let mut without_email = request("fr");
    without_email.customer_email = String::new();
    let error = provider(&stub.base_url, SECRET_KEY)
        .create_session(&without_email)
        .await
        .expect_err("rejected");
    assert_eq!(
        error.to_string(),
        "the payment provider failed: Stripe rejected the request (HTTP 400, invalid_request_error, parameter_missing, parameter `customer_email`): Missing required param: customer_email."
    );
    assert_eq!(stub.requests()[0].field("customer_email"), None);
}

#[tokio::test]
async fn reused_key_with_other_body_rejected() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let stripe = provider(&stub.base_url, SECRET_KEY);
    stripe.create_session(&request("fr")).await.expect("first");
    let mut changed = request("fr");
    changed.amount = 100;
    let error = stripe.create_session(&changed).await.expect_err("rejected");
    let message = error.to_string();
    assert!(
        message.contains("(HTTP 400, idempotency_error): Keys for idempotent requests"),
        "{message}"
    );
}

#[tokio::test]
async fn server_error_without_json() {
    let stub = StripeStub::start(SECRET_KEY).await;
    stub.fail_next(502, "<html>Bad gateway</html>");
    let error = provider(&stub.base_url, SECRET_KEY)
        .create_session(&request("fr"))
        .await
        .expect_err("failed");
    assert_eq!(
        error.to_string(),
        "the payment provider failed: Stripe returned HTTP 502 without its error JSON"
    );
}

#[tokio::test]
async fn session_without_url_rejected() {
    let stub = StripeStub::start(SECRET_KEY).await;
    stub.fail_next(
        200,
        r#"{"id":"cs_test_9","object":"checkout.session","url":null}"#,
    );
    let error = provider(&stub.base_url, SECRET_KEY)
        .create_session(&request("fr"))
        .await
        .expect_err("failed");
    assert_eq!(
        error.to_string(),
        "the payment provider failed: the Checkout Session `cs_test_9` has no `url`: it must be created with ui_mode `hosted`"
    );
}

#[tokio::test]
async fn unreachable_stripe_reported() {
    // Bind then drop a listener, so the port is free and nothing listens on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let error = provider(&format!("http://{address}"), SECRET_KEY)
        .create_session(&request("fr"))
        .await
        .expect_err("failed");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "the payment provider failed: could not reach Stripe: the HTTP request to http://{address}/v1/checkout/sessions failed"
        )),
        "{message}"
    );
}

#[test]
fn stripe_error_parsed() {
    let body = br#"{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined.","param":"card"}}"#;
    assert_eq!(
        StripeApiError::parse(402, body),
        Some(StripeApiError {
            status: 402,
            kind: "card_error".to_owned(),
            code: Some("card_declined".to_owned()),
            message: "Your card was declined.".to_owned(),
            param: Some("card".to_owned()),
        })
    );
    assert_eq!(StripeApiError::parse(500, b"oops"), None);
}

#[tokio::test]
async fn webhook_paid_event_read() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let stripe = provider(&stub.base_url, SECRET_KEY);
    let session = stripe.create_session(&request("fr")).await.expect("session");
    let (body, header) = stub.completed_webhook(&session.id, WEBHOOK_SECRET, NOW);

    let event = stripe
        .verify_webhook(body.as_bytes(), &header, NOW + 10)
        .expect("verified");
    assert_eq!(
        event,
        PaymentEvent::Paid {
            order_id: "ord_7Hq2".to_owned(),
            reference: "pi_test_1".to_owned(),
        }
    );
}

#[tokio::test]
async fn webhook_wrong_secret_rejected() {
    let stub = StripeStub::start(SECRET_KEY).await;
    let stripe = provider(&stub.base_url, SECRET_KEY);
    let session = stripe.create_session(&request("fr")).await.expect("session");
    let (body, header) = stub.completed_webhook(&session.id, "whsec_other", NOW);

    assert_eq!(
        verify_signature(
            body.as_bytes(),
            &header,
            WEBHOOK_SECRET,
            NOW,
            WEBHOOK_TOLERANCE_SECONDS
        ),
        Err(SignatureError::Mismatch)
    );
    assert!(matches!(
        stripe.verify_webhook(body.as_bytes(), &header, NOW),
        Err(PaymentError::InvalidSignature)
    ));
}

#[test]
fn webhook_tampered_body_rejected() {
    let body = r#"{"type":"checkout.session.completed","data":{"object":{"payment_status":"paid","metadata":{"order_id":"ord_1"}}}}"#;
    let header = signature_header(body, WEBHOOK_SECRET, NOW);
    let tampered = body.replace("ord_1", "ord_2");
    assert_eq!(
        verify_signature(tampered.as_bytes(), &header, WEBHOOK_SECRET, NOW, 300),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_signature(body.as_bytes(), &header, WEBHOOK_SECRET, NOW, 300),
        Ok(())
    );
}

#[test]
fn webhook_timestamp_tolerance() {
    let body = "{}";
    let header = signature_header(body, WEBHOOK_SECRET, NOW);
    assert_eq!(
        verify_signature(body.as_bytes(), &header, WEBHOOK_SECRET, NOW + 300, 300),
        Ok(())
    );
    assert_eq!(
        verify_signature(body.as_bytes(), &header, WEBHOOK_SECRET, NOW + 301, 300),
        Err(SignatureError::OutsideTolerance {
            timestamp: NOW,
            now: NOW + 301,
            tolerance: 300,
        })
    );
    assert!(matches!(
        verify_signature(body.as_bytes(), &header, WEBHOOK_SECRET, NOW - 301, 300),
        Err(SignatureError::OutsideTolerance { .. })
    ));
}

#[test]
fn webhook_any_v1_may_match() {
    let body = r#"{"id":"evt_1"}"#;
    let good = signature(body, WEBHOOK_SECRET, NOW);
    let old = signature(body, "whsec_rolled_out", NOW);
    let header = format!("t={NOW},v0=deadbeef,v1={old},v1=not-hex,v1={good}");
    assert_eq!(
        verify_signature(body.as_bytes(), &header, WEBHOOK_SECRET, NOW, 300),
        Ok(())
    );

    let spaced = format!("t={NOW}, v1={old}, v1={good}");
    assert_eq!(
        verify_signature(body.as_bytes(), &spaced, WEBHOOK_SECRET, NOW, 300),
        Ok(())
    );

    let only_old = format!("t={NOW},v1={old}");
    assert_eq!(
        verify_signature(body.as_bytes(), &only_old, WEBHOOK_SECRET, NOW, 300),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn webhook_malformed_header_rejected() {
    let body = b"{}";
    let good = signature("{}", WEBHOOK_SECRET, NOW);
    let cases = [
        (
            "",
            SignatureError::Malformed("`` is not a key=value pair".to_owned()),
        ),
        (
            "garbage",
            SignatureError::Malformed("`garbage` is not a key=value pair".to_owned()),
        ),
        (
            &format!("t=soon,v1={good}") as &str,
            SignatureError::Malformed("the timestamp `soon` is not an integer".to_owned()),
        ),
        (
            &format!("v1={good}"),
            SignatureError::Malformed("the timestamp `t` is missing".to_owned()),
        ),
        (
            &format!("t={NOW},t={NOW},v1={good}"),
            SignatureError::Malformed("the timestamp `t` appears twice".to_owned()),
        ),
        (&format!("t={NOW},v0={good}"), SignatureError::NoSignature),
    ];
    for (header, expected) in cases {
        assert_eq!(
            verify_signature(body, header, WEBHOOK_SECRET, NOW, 300),
            Err(expected),
            "header `{header}`"
        );
    }
}

fn signed(body: &str) -> (Vec<u8>, String) {
    (
        body.as_bytes().to_vec(),
        signature_header(body, WEBHOOK_SECRET, NOW),
    )
}

#[test]
fn webhook_events_read() {
    let stripe = provider("http://127.0.0.1:9", SECRET_KEY);
    let verify = |body: &str| {
        let (payload, header) = signed(body);
        stripe.verify_webhook(&payload, &header, NOW)
    };

    let other = verify(r#"{"type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}"#);
    assert_eq!(other.expect("verified"), PaymentEvent::Ignored);

    let unpaid = verify(
        r#"{"type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"unpaid","client_reference_id":"ord_1"}}}"#,
    );
    assert_eq!(unpaid.expect("verified"), PaymentEvent::Ignored);

    let by_reference = verify(
        r#"{"type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"paid","client_reference_id":"ord_1","payment_intent":"pi_1"}}}"#,
    );
    assert_eq!(
        by_reference.expect("verified"),
        PaymentEvent::Paid {
            order_id: "ord_1".to_owned(),
            reference: "pi_1".to_owned()
        }
    );

    let settled_later = verify(
        r#"{"type":"checkout.session.async_payment_succeeded","data":{"object":{"id":"cs_2","payment_status":"paid","metadata":{"order_id":"ord_2"},"payment_intent":"pi_2"}}}"#,
    );
    assert_eq!(
        settled_later.expect("verified"),
        PaymentEvent::Paid {
            order_id: "ord_2".to_owned(),
            reference: "pi_2".to_owned()
        }
    );

    let anonymous = verify(
        r#"{"type":"checkout.session.completed","data":{"object":{"id":"cs_3","payment_status":"paid","payment_intent":"pi_3"}}}"#,
    );
    assert!(
        matches!(&anonymous, Err(PaymentError::InvalidPayload(message)) if message.contains("`cs_3` names no order")),
        "{anonymous:?}"
    );

    let not_json = verify("not json");
    assert!(
        matches!(not_json, Err(PaymentError::InvalidPayload(_))),
        "{not_json:?}"
    );
}

//! Card payments through a provider's hosted page, behind [`PaymentProvider`].
//!
//! [`stripe::StripeProvider`] is the provider; it calls out through the
//! [`http::HttpClient`] seam so the Worker can plug its `fetch` in.

pub mod http;
pub mod stripe;

use crate::mail::BoxFuture;

/// What the provider needs to open a hosted payment page for an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Order id, sent back by the provider's webhook.
    pub order_id: String,
    /// Order number shown to the customer.
    pub order_number: String,
    /// Amount to charge in minor units.
    pub amount: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Customer email, prefilled on the payment page.
    pub customer_email: String,
    /// Locale of the payment page.
    pub locale: String,
    /// Where the provider sends the customer after paying. It contains the order's
    /// access token, so it must not be logged.
    pub success_url: String,
    /// Where the provider sends the customer after giving up. It contains the
    /// order's access token, so it must not be logged.
    pub cancel_url: String,
}

/// A hosted payment page opened for an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSession {
    /// Provider's id of the session.
    pub id: String,
    /// Where to send the customer.
    pub redirect_url: String,
}

/// What a verified webhook tells about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The order was paid.
    Paid {
        /// Order id given in the request.
        order_id: String,
        /// Provider's payment reference.
        reference: String,
    },
    /// An event the edge does not act on.
    Ignored,
}

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The provider could not be reached or answered an error.
    #[error("the payment provider failed: {0}")]
    Provider(String),
    /// A webhook's signature did not verify.
    #[error("invalid webhook signature")]
    InvalidSignature,
    /// A webhook body could not be read.
    #[error("invalid webhook payload: {0}")]
    InvalidPayload(String),
}

/// A card payment provider.
pub trait PaymentProvider: Send + Sync {
    /// Opens a hosted payment page.
    fn create_session<'a>(
        &'a self,
        request: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentSession, PaymentError>>;

    /// Verifies a webhook's signature against its raw body and reads the event.
    /// `now` is the current Unix time in seconds, to reject replayed events.
    fn verify_webhook(&self, payload: &[u8], signature: &str, now: i64)
    -> Result<PaymentEvent, PaymentError>;
}

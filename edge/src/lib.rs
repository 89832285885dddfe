//! Comptoir's edge: one HTTP router for the cart, checkout, orders, consent and
//! personal-data requests, with the storage, email and payment behind traits so the
//! same handlers run natively (`comptoir serve`, SQLite) and in a Cloudflare Worker
//! (D1).
//!
//! [`router`] builds the API from an [`AppState`]; [`native`] assembles that state
//! from a public folder, a SQLite file and the environment.

pub mod api;
pub mod catalog;
pub mod clock;
pub mod consent;
pub mod error;
pub mod i18n;
pub mod mail;
pub mod marketing;
#[cfg(feature = "native")]
pub mod native;
pub mod notify;
pub mod payment;
pub mod privacy;
pub mod state;
pub mod stock_import;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod worker;

pub use api::router;
pub use error::AppError;
pub use state::{AppState, EdgeConfig, StateParts};

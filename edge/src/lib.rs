//! Comptoir's edge: one HTTP router for the cart, checkout, orders, consent and
//! personal-data requests, with the storage, email and payment behind traits so the
//! same handlers run natively (`comptoir serve`, SQLite) and in a Cloudflare Worker
//! (D1).

pub mod mail;
pub mod payment;

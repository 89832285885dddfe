//! Comptoir's edge as a Cloudflare Worker: the `fetch` and `scheduled` handlers
//! live in `edge::worker`; this crate only links them into a wasm module.

// Referencing the module links the edge into the cdylib, with its exported handlers.
pub use edge::worker::{ADMIN_TOKEN_SECRET, ASSETS_BINDING, DB_BINDING};

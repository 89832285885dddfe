//! `regex`'s API for Tera in the Worker, served by regex-lite.
//!
//! NOTE: regex-lite's `\w`, `\d`, `\s` and `\b` are ASCII-only and it has no
//! Unicode classes (`\p{L}`), so Tera's `spaceless` filter and a template's
//! `matching` test can differ from the native host on non-ASCII text. The email
//! templates register their own Unicode `title` filter, so `title` does not.

pub use regex_lite::*;

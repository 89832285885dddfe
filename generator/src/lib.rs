//! The `comptoir` command's library: load a shop repository, validate it, render it
//! through a theme for every store, locale and currency, and write the result
//! atomically; `serve` adds file watching and live reload.

pub mod assets;
pub mod build;
pub mod cache;
pub mod cli;
pub mod data_requests;
pub mod deploy;
pub mod diagnostics;
pub mod edge_host;
pub mod inputs;
pub mod load;
pub mod messages;
pub mod output;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod state;
pub mod theme;

//! Loading a shop: `site.toml`, content files and CSV catalogues become validated
//! [`Settings`] and a [`Catalogue`], or the list of every problem found.

use std::path::{Path, PathBuf};

use commerce::{Catalogue, Settings};

use crate::diagnostics::Diagnostics;

/// A shop read from disk and validated.
#[derive(Debug, Clone)]
pub struct LoadedShop {
    /// Folder holding `site.toml`.
    pub root: PathBuf,
    /// Validated settings.
    pub settings: Settings,
    /// Validated catalogue.
    pub catalogue: Catalogue,
}

/// Loads and validates the shop in `root`, reporting every problem at once.
pub fn load_shop(root: &Path) -> Result<LoadedShop, Diagnostics> {
    // TODO: placeholder until the loader lands.
    let _ = root;
    Err(Diagnostics::new())
}

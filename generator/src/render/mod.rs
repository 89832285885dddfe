//! Rendering a loaded shop through its theme: every page of every store, locale and
//! currency, the SEO files, the assets and the price book, written to an
//! [`OutputSink`].

use crate::diagnostics::Diagnostics;
use crate::load::LoadedShop;
use crate::output::OutputSink;

/// What to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Id of this build, published in the price book.
    pub build_id: String,
    /// Only these stores; all when empty.
    pub stores: Vec<String>,
}

/// What one store's render produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreReport {
    /// Store id.
    pub store: String,
    /// HTML pages written.
    pub pages: usize,
    /// Files written in all (pages, assets, feeds…).
    pub files: usize,
    /// Products published in the store.
    pub products: usize,
}

/// What a render produced, per store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderReport {
    /// One entry per store rendered.
    pub stores: Vec<StoreReport>,
}

/// Renders every store of `shop` into `sink`, reporting every problem at once.
pub fn render_shop(
    shop: &LoadedShop,
    options: &RenderOptions,
    sink: &dyn OutputSink,
) -> Result<RenderReport, Diagnostics> {
    // TODO: placeholder until the renderer lands.
    let _ = (shop, options, sink);
    Ok(RenderReport::default())
}

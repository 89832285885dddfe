//! Markdown bodies to HTML.
//!
//! CommonMark with tables, footnotes and strikethrough, which merchants use on
//! product sheets and legal pages. Smart punctuation is off: it would turn quotes
//! into English curly quotes, which is wrong in French, so merchants type the
//! typography of their language (« », ’) themselves. Raw HTML passes through, since
//! the merchant is the author of every file.

use pulldown_cmark::{Options, Parser, html};

/// The Markdown extensions bodies use.
pub(crate) const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH);

/// Renders a Markdown body to HTML; an empty or blank body gives an empty string.
pub(crate) fn to_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let mut output = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut output, Parser::new_ext(markdown, OPTIONS));
    // The catalogue keeps every body until the build ends, so it gets a copy of the
    // exact length: mimalloc 2 and 3 keep a block in place when a shrink keeps at
    // least half of it.
    output.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_and_keeps_quotes() {
        let html = to_html("| a |\n|---|\n| 1 |\n\nL'atelier \"Brume\" ~~x~~");
        assert!(html.contains("<table>"), "{html}");
        // No smart punctuation: straight quotes stay straight.
        assert!(html.contains("L'atelier \"Brume\""), "{html}");
        assert!(html.contains("<del>x</del>"), "{html}");
    }

    #[test]
    fn blank_body_is_empty() {
        assert_eq!(to_html("  \n"), "");
    }
}

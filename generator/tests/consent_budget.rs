//! Size budget of the consent parts of both bundled themes: every page of a shop
//! loads `scripts/consent.js` and the consent styles, so their weight is capped.
//! The script is measured as the build ships it (copied, not minified). The styles
//! are measured once minified by lightningcss, as the build does. Both are gzipped
//! at the default level, as a CDN typically serves them.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};

/// Maximum gzipped size of `scripts/consent.js`, in bytes.
const SCRIPT_BUDGET: usize = 6 * 1024;
/// Maximum gzipped size of `styles/consent.css` once minified, in bytes.
const STYLE_BUDGET: usize = 1536;

const THEMES: [&str; 2] = ["comptoir", "atelier"];

fn theme_file(theme: &str, path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../themes")
        .join(theme)
        .join(path)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn gzipped_size(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("finish gzip").len()
}

fn minified_css(path: &Path) -> String {
    let source = read(path);
    let mut stylesheet = StyleSheet::parse(&source, ParserOptions::default())
        .unwrap_or_else(|error| panic!("{} is not valid CSS: {error}", path.display()));
    stylesheet
        .minify(MinifyOptions::default())
        .unwrap_or_else(|error| panic!("cannot minify {}: {error}", path.display()));
    stylesheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .unwrap_or_else(|error| panic!("cannot print {}: {error}", path.display()))
        .code
}

#[test]
fn consent_script_within_budget() {
    for theme in THEMES {
        let path = theme_file(theme, "scripts/consent.js");
        let size = gzipped_size(read(&path).as_bytes());
        eprintln!("{theme}: consent.js is {size} bytes gzipped");
        assert!(
            size <= SCRIPT_BUDGET,
            "{} is {size} bytes gzipped, over its budget of {SCRIPT_BUDGET}",
            path.display()
        );
    }
}

#[test]
fn consent_styles_within_budget() {
    for theme in THEMES {
        let path = theme_file(theme, "styles/consent.css");
        let size = gzipped_size(minified_css(&path).as_bytes());
        eprintln!("{theme}: consent.css is {size} bytes minified and gzipped");
        assert!(
            size <= STYLE_BUDGET,
            "{} is {size} bytes minified and gzipped, over its budget of {STYLE_BUDGET}",
            path.display()
        );
    }
}

#[test]
fn consent_styles_imported_by_main() {
    for theme in THEMES {
        let main = read(&theme_file(theme, "styles/main.css"));
        assert!(
            main.contains(r#"@import "consent.css";"#),
            "themes/{theme}/styles/main.css does not import consent.css"
        );
    }
}

#[test]
fn consent_script_has_no_dependency() {
    for theme in THEMES {
        let script = read(&theme_file(theme, "scripts/consent.js"));
        for forbidden in ["import ", "require(", "eval(", "new Function"] {
            assert!(
                !script.contains(forbidden),
                "themes/{theme}/scripts/consent.js contains `{forbidden}`"
            );
        }
    }
}

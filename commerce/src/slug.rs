//! Slugs: the path segment a title becomes.
//!
//! One rule for every page: transliterate to ASCII with `deunicode` (`é` → `e`,
//! `ä` → `a`, `ß` → `ss`, `東京` → `dong jing`), lowercase, and turn every run of
//! other characters into one `-`. When nothing is left, the caller's fallback is
//! slugified by the same rule, and as a last resort the slug is `item`.

/// Turns `text` into a slug, or `None` when no letter or digit survives.
pub fn slugify(text: &str) -> Option<String> {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    (!slug.is_empty()).then_some(slug)
}

/// Makes a slug from a title, falling back to `fallback` (a sku or a file name)
/// when the title leaves nothing. Never returns an empty string.
pub fn slug_or(title: &str, fallback: &str) -> String {
    slugify(title)
        .or_else(|| slugify(fallback))
        .unwrap_or_else(|| "item".to_owned())
}

/// Whether `slug` is already in slug form, as an explicit `slug` must be.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents() {
        assert_eq!(
            slugify("Tasse en grès émaillé").as_deref(),
            Some("tasse-en-gres-emaille")
        );
        assert_eq!(slugify("Cœur d'artichaut").as_deref(), Some("coeur-d-artichaut"));
    }

    #[test]
    fn folds_umlauts_by_one_rule() {
        assert_eq!(slugify("Bär").as_deref(), Some("bar"));
        assert_eq!(slugify("Öl").as_deref(), Some("ol"));
        assert_eq!(slugify("Über").as_deref(), Some("uber"));
        assert_eq!(slugify("Straße").as_deref(), Some("strasse"));
    }

    #[test]
    fn keeps_non_latin_titles_usable() {
        assert_eq!(slugify("東京").as_deref(), Some("dong-jing"));
        assert_eq!(slugify("Чай").as_deref(), Some("chai"));
    }

    #[test]
    fn collapses_separators() {
        assert_eq!(slugify("  --Hello,   World!!  ").as_deref(), Some("hello-world"));
    }

    #[test]
    fn never_returns_empty() {
        assert_eq!(slugify("!!!"), None);
        assert_eq!(slug_or("!!!", "SKU-42"), "sku-42");
        assert_eq!(slug_or("", "???"), "item");
    }

    #[test]
    fn validates_explicit_slugs() {
        assert!(is_valid_slug("tasse-gres"));
        assert!(!is_valid_slug("Tasse"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug(""));
    }
}

//! The small part of HTML that consent gating needs: reading a start tag and its
//! attributes, and rewriting a service's `<script>` elements so that the browser
//! does not run them until the consent script turns them back on.
//!
//! This is not a general HTML parser. It reads the HTML that merchants write in
//! `site.toml` and Markdown bodies: start tags with quoted or unquoted attribute
//! values, comments, and raw text inside `<script>`. Anything else in a service's
//! script is rejected, because an `<img>` or `<iframe>` next to the scripts would
//! load before consent.

use std::fmt;

/// A start tag: its lowercase name, its attributes as written, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag {
    /// Element name in lowercase: `script`, `iframe`.
    pub name: String,
    /// Attributes in order: lowercase name and raw value (entities left as
    /// written); `None` for an attribute without a value, such as `async`.
    pub attributes: Vec<(String, Option<String>)>,
    /// Byte offset just after the closing `>`.
    pub end: usize,
    /// Whether the tag ends with `/>`.
    pub self_closing: bool,
}

impl StartTag {
    /// Returns the value of an attribute, `Some("")` for one written without a value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(attribute, _)| attribute == name)
            .map(|(_, value)| value.as_deref().unwrap_or(""))
    }
}

/// Reads the start tag at byte `at` of `html`, which must be a `<`. Returns `None`
/// when no well-formed start tag begins there (an end tag, a comment, a `<` in text).
pub fn parse_start_tag(html: &str, at: usize) -> Option<StartTag> {
    let bytes = html.as_bytes();
    if bytes.get(at) != Some(&b'<') || !bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut position = at + 1;
    while position < bytes.len() && (bytes[position].is_ascii_alphanumeric() || bytes[position] == b'-') {
        position += 1;
    }
    let name = html[at + 1..position].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while position < bytes.len() && bytes[position].is_ascii_whitespace() {
            position += 1;
        }
        match bytes.get(position)? {
            b'>' => {
                return Some(StartTag {
                    name,
                    attributes,
                    end: position + 1,
                    self_closing: false,
                });
            }
            b'/' if bytes.get(position + 1) == Some(&b'>') => {
                return Some(StartTag {
                    name,
                    attributes,
                    end: position + 2,
                    self_closing: true,
                });
            }
            b'/' => {
                position += 1;
                continue;
            }
            _ => {}
        }
        let name_start = position;
        while position < bytes.len()
            && !bytes[position].is_ascii_whitespace()
            && !matches!(bytes[position], b'=' | b'>' | b'/')
        {
            position += 1;
        }
        let attribute = html[name_start..position].to_ascii_lowercase();
        while position < bytes.len() && bytes[position].is_ascii_whitespace() {
            position += 1;
        }
        if bytes.get(position) != Some(&b'=') {
            attributes.push((attribute, None));
            continue;
        }
        position += 1;
        while position < bytes.len() && bytes[position].is_ascii_whitespace() {
            position += 1;
        }
        let value = match bytes.get(position)? {
            quote @ (b'"' | b'\'') => {
                let value_start = position + 1;
                let length = html[value_start..].find(*quote as char)?;
                position = value_start + length + 1;
                &html[value_start..value_start + length]
            }
            _ => {
                let value_start = position;
                while position < bytes.len()
                    && !bytes[position].is_ascii_whitespace()
                    && bytes[position] != b'>'
                {
                    position += 1;
                }
                &html[value_start..position]
            }
        };
        attributes.push((attribute, Some(value.to_owned())));
    }
}

/// Returns the byte offset of the end tag `</name` (any case) at or after `from`.
pub fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut position = from;
    while let Some(found) = html[position..].find("</") {
        let start = position + found;
        let name_end = start + 2 + name.len();
        let matches_name = html
            .get(start + 2..name_end)
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name));
        let ends_name = bytes
            .get(name_end)
            .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'));
        if matches_name && ends_name {
            return Some(start);
        }
        position = start + 2;
    }
    None
}

/// Writes an attribute value between double quotes, escaping the characters that
/// would end the value or start a tag; an `&` is kept, since values are raw HTML
/// whose entities are already written.
pub fn quote_attribute(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("&quot;"),
            '<' => quoted.push_str("&lt;"),
            '>' => quoted.push_str("&gt;"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Escapes text for HTML content or a double-quoted attribute.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Why a service's HTML cannot be made inert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InertError {
    /// An element other than `<script>`, which would load before consent.
    NotAScript {
        /// The element's name, or `text` for text outside any element.
        element: String,
    },
    /// A `<script>` without its `</script>`, or a tag that never closes.
    Unclosed,
}

impl fmt::Display for InertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InertError::NotAScript { element } => write!(f, "`{element}` is not a <script> element"),
            InertError::Unclosed => f.write_str("a <script> element is not closed"),
        }
    }
}

impl std::error::Error for InertError {}

/// Rewrites every `<script>` of a service's HTML so the browser does not run it:
/// `type="text/plain"`, `src` moved to `data-src`, an original `type` kept as
/// `data-type`, plus `data-purpose` (the purposes, space-separated) and
/// `data-service`. The consent script restores them after consent.
///
/// The HTML may hold only `<script>` elements, whitespace and comments; anything
/// else is an error, since it would load before consent.
pub fn inert_scripts(html: &str, service: &str, purposes: &[String]) -> Result<String, InertError> {
    let mut output = String::with_capacity(html.len() + 96);
    let mut position = 0;
    while position < html.len() {
        let rest = &html[position..];
        let skipped = rest.len() - rest.trim_start().len();
        if skipped > 0 {
            output.push_str(&rest[..skipped]);
            position += skipped;
            continue;
        }
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or(InertError::Unclosed)?;
            output.push_str(&rest[..end + 3]);
            position += end + 3;
            continue;
        }
        let Some(tag) = parse_start_tag(html, position) else {
            let element = match rest.strip_prefix('<') {
                Some(tag) => tag
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or("")
                    .to_owned(),
                None => "text".to_owned(),
            };
            return Err(InertError::NotAScript { element });
        };
        if tag.name != "script" {
            return Err(InertError::NotAScript { element: tag.name });
        }
        let end_tag = find_end_tag(html, tag.end, "script").ok_or(InertError::Unclosed)?;
        let close = html[end_tag..].find('>').ok_or(InertError::Unclosed)? + end_tag + 1;

        output.push_str(&inert_start_tag(&tag, service, purposes));
        output.push_str(&html[tag.end..end_tag]);
        output.push_str("</script>");
        position = close;
    }
    Ok(output)
}

fn inert_start_tag(tag: &StartTag, service: &str, purposes: &[String]) -> String {
    let mut written = String::from("<script type=\"text/plain\"");
    for (name, value) in &tag.attributes {
        let name = match name.as_str() {
            "type" => "data-type",
            "src" => "data-src",
            // Replaced by the values of the declaration below.
            "data-purpose" | "data-service" => continue,
            other => other,
        };
        written.push(' ');
        written.push_str(name);
        if let Some(value) = value {
            written.push('=');
            written.push_str(&quote_attribute(value));
        }
    }
    written.push_str(" data-purpose=");
    written.push_str(&quote_attribute(&purposes.join(" ")));
    written.push_str(" data-service=");
    written.push_str(&quote_attribute(service));
    written.push('>');
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purposes(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn start_tag_reads_every_quoting() {
        let html = r#"<IFRAME data-service="youtube" src='https://x.example/a?b=1&amp;c=2' allowfullscreen title=Vidéo>"#;
        let tag = parse_start_tag(html, 0).expect("a start tag");
        assert_eq!(tag.name, "iframe");
        assert_eq!(tag.attribute("data-service"), Some("youtube"));
        assert_eq!(tag.attribute("src"), Some("https://x.example/a?b=1&amp;c=2"));
        assert_eq!(tag.attribute("allowfullscreen"), Some(""));
        assert_eq!(tag.attribute("title"), Some("Vidéo"));
        assert_eq!(tag.end, html.len());
    }

    #[test]
    fn quoted_greater_than_does_not_end_the_tag() {
        let html = r#"<a title="1 > 0">x</a>"#;
        let tag = parse_start_tag(html, 0).expect("a start tag");
        assert_eq!(tag.attribute("title"), Some("1 > 0"));
        assert_eq!(&html[tag.end..], "x</a>");
    }

    #[test]
    fn text_and_end_tags_are_not_start_tags() {
        assert_eq!(parse_start_tag("a < b", 2), None);
        assert_eq!(parse_start_tag("</p>", 0), None);
        assert_eq!(parse_start_tag("<p title=\"open", 0), None);
    }

    #[test]
    fn scripts_become_inert() {
        let html = "<script async src=\"https://tag.example/t.js?id=1\"></script>\n<!-- note -->\n\
                    <SCRIPT>var a = '</div>'; if (a < 1) {}</SCRIPT>";
        let inert =
            inert_scripts(html, "ga4", &purposes(&["statistics", "marketing"])).expect("scripts only");
        assert_eq!(
            inert,
            "<script type=\"text/plain\" async data-src=\"https://tag.example/t.js?id=1\" \
             data-purpose=\"statistics marketing\" data-service=\"ga4\"></script>\n<!-- note -->\n\
             <script type=\"text/plain\" data-purpose=\"statistics marketing\" data-service=\"ga4\">\
             var a = '</div>'; if (a < 1) {}</script>"
        );
    }

    #[test]
    fn original_type_is_kept_aside() {
        let html = "<script type=\"module\" data-service=\"other\">import x from './x.js';</script>";
        let inert = inert_scripts(html, "s", &purposes(&["p"])).expect("scripts only");
        assert_eq!(
            inert,
            "<script type=\"text/plain\" data-type=\"module\" data-purpose=\"p\" data-service=\"s\">\
             import x from './x.js';</script>"
        );
    }

    #[test]
    fn other_elements_are_rejected() {
        let pixel = "<script>fbq('init')</script><noscript><img src=\"https://px.example\"></noscript>";
        assert_eq!(
            inert_scripts(pixel, "meta", &purposes(&["marketing"])),
            Err(InertError::NotAScript {
                element: "noscript".into()
            })
        );
        assert_eq!(
            inert_scripts("track();", "s", &purposes(&["p"])),
            Err(InertError::NotAScript {
                element: "text".into()
            })
        );
        assert_eq!(
            inert_scripts("<script>x", "s", &purposes(&["p"])),
            Err(InertError::Unclosed)
        );
    }
}

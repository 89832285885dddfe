//! `data-service` attributes in Markdown bodies: each must name a service that
//! `[consent.services]` declares, since the renderer replaces the element with a
//! placeholder until the visitor consents to that service's purposes.
//!
//! Only raw HTML is scanned (the HTML blocks and inline tags of the Markdown), so
//! an attribute shown in a code block is text, not an embed.

use commerce::consent::html::parse_start_tag;
use pulldown_cmark::{Event, Parser};

use super::markdown::OPTIONS;
use super::settings::short_list;
use super::source::SourceText;
use crate::diagnostics::Diagnostic;
use crate::msg;

/// Reports every `data-service` of `body` that names no declared service. `source`
/// is the whole file and `body_offset` the byte offset of the body in it.
pub(crate) fn check_services(
    source: &SourceText<'_>,
    body_offset: usize,
    declared: &[&str],
    problems: &mut Vec<Diagnostic>,
) {
    let body = &source.text[body_offset..];
    if !body.contains("data-service") {
        return;
    }
    for range in html_ranges(body) {
        let html = &body[range.clone()];
        let mut position = 0;
        while let Some(found) = html[position..].find('<') {
            let start = position + found;
            position = start + 1;
            let Some(tag) = parse_start_tag(html, start) else {
                continue;
            };
            position = tag.end;
            let Some(service) = tag.attribute("data-service") else {
                continue;
            };
            if declared.contains(&service) {
                continue;
            }
            let at = SourceText {
                offset: body_offset + range.start,
                ..*source
            }
            .locate(start..start);
            let message = msg!(
                "content-unknown-service",
                service = service,
                valid = short_list(declared.iter().copied())
            );
            problems.push(at.diagnostic(message));
        }
    }
}

/// Byte ranges of the raw HTML of a Markdown text, adjacent pieces merged so a tag
/// written over several lines of an HTML block is read whole.
fn html_ranges(markdown: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, OPTIONS).into_offset_iter() {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            continue;
        }
        match ranges.last_mut() {
            Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
            _ => ranges.push(range),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;

    fn problems(text: &str, body_offset: usize) -> Vec<String> {
        let file: Arc<Path> = Arc::from(Path::new("content/pages/a.md"));
        let source = SourceText {
            file: &file,
            text,
            offset: 0,
        };
        let mut problems = Vec::new();
        check_services(&source, body_offset, &["youtube"], &mut problems);
        problems.iter().map(|problem| problem.location()).collect()
    }

    #[test]
    fn unknown_service_is_located() {
        let text = "+++\ntitle = \"A\"\n+++\nIntro.\n\n<iframe\n  data-service=\"vimeo\" src=\"x\"></iframe>\n\n\
                    Text <span data-service=\"youtube\">ok</span> and <b data-service='ads'>x</b>.\n";
        assert_eq!(
            problems(text, 20),
            ["content/pages/a.md:6:1", "content/pages/a.md:9:49"]
        );
    }

    #[test]
    fn code_is_not_scanned() {
        let text =
            "+++\n+++\n```html\n<iframe data-service=\"vimeo\"></iframe>\n```\n\n`<b data-service=\"x\">`\n";
        assert_eq!(problems(text, 8), Vec::<String>::new());
    }
}

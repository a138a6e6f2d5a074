//! `junit`: JUnit XML for CI systems that read test reports (GitLab,
//! Jenkins, Azure): one test suite per file with findings, one test case per
//! finding with a `failure` element. A clean run is one passing test case.

use std::fmt::Write;

use crate::pipeline::CheckResult;
use crate::render::{RenderOptions, display_path};

pub fn render(result: &CheckResult, options: &RenderOptions) -> String {
    let total = result.diagnostics.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"pitfalls\" tests=\"{}\" failures=\"{total}\" errors=\"0\">",
        total.max(1)
    );
    if total == 0 {
        out.push_str("  <testsuite name=\"pitfalls\" tests=\"1\" failures=\"0\" errors=\"0\">\n");
        out.push_str("    <testcase name=\"No problems found\" classname=\"pitfalls\"/>\n");
        out.push_str("  </testsuite>\n");
    }
    // Diagnostics are sorted by path: each file's findings are contiguous.
    for group in result.diagnostics.chunk_by(|a, b| a.path == b.path) {
        let path = display_path(&group[0].path, &options.cwd);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">",
            escape(&path),
            n = group.len()
        );
        for d in group {
            let f = &d.finding;
            let l = f.span.location;
            let _ = writeln!(
                out,
                "    <testcase name=\"{code} {path}:{row}:{col}\" classname=\"{path}\" file=\"{path}\" line=\"{row}\">",
                code = f.rule.code(),
                path = escape(&path),
                row = l.row,
                col = l.column,
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{message}\" type=\"{code}\">{path}:{row}:{col}: {code} {message}</failure>",
                code = f.rule.code(),
                message = escape(&f.message),
                path = escape(&path),
                row = l.row,
                col = l.column,
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes text for an XML attribute or element; control characters are
/// first escaped visibly (`\0`, `\x1b`: XML 1.0 cannot carry most of them).
fn escape(s: &str) -> String {
    let s = crate::render::escape::escape_control(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;\\x01\\n"
        );
    }
}

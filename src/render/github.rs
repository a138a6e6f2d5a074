//! `github`: GitHub Actions workflow commands, shown as annotations.

use crate::pipeline::CheckResult;
use crate::render::escape::escape_except;
use crate::render::{RenderOptions, raw_display_path};

pub fn render(result: &CheckResult, options: &RenderOptions) -> String {
    let mut out = String::new();
    for d in &result.diagnostics {
        let f = &d.finding;
        let (l, e) = (f.span.location, f.span.end_location);
        out.push_str(&format!(
            "::error title=pitfalls ({code}),file={file},line={},col={},endLine={},endColumn={}::{code} {message}\n",
            l.row,
            l.column,
            e.row,
            e.column,
            code = f.rule.code(),
            file = escape_property(&raw_display_path(&d.path, &options.cwd)),
            message = escape_data(&f.message),
        ));
    }
    out
}

/// The runner's escaping of a command's message (`%`, CR, LF) after every
/// other control character is escaped visibly (an ESC or a NUL in a log
/// line would reach whoever reads it).
fn escape_data(s: &str) -> String {
    escape_except(s, |c| c == '\r' || c == '\n')
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value also escapes `:` and `,` (they separate properties).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_reads_it() {
        assert_eq!(
            escape_data("50% a\r\nb\0\x1b[0m"),
            "50%25 a%0D%0Ab\\0\\x1b[0m"
        );
        assert_eq!(escape_property("dir:a,b/x%\n.py"), "dir%3Aa%2Cb/x%25%0A.py");
    }
}

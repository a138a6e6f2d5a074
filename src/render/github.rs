//! `github`: GitHub Actions workflow commands, shown as annotations.

use crate::pipeline::CheckResult;
use crate::render::{RenderOptions, display_path};

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
            file = escape_property(&display_path(&d.path, &options.cwd)),
            message = escape_data(&f.message),
        ));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

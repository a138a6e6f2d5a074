//! `json` and `json-lines`: Ruff's field names, so existing tooling reads them.

use serde_json::{Value, json};

use crate::finding::Applicability;
use crate::pipeline::{CheckResult, Diagnostic};
use crate::span::Location;

fn location(l: Location) -> Value {
    json!({ "row": l.row, "column": l.column })
}

pub fn to_value(d: &Diagnostic) -> Value {
    let f = &d.finding;
    let filename = std::path::absolute(&d.path).unwrap_or_else(|_| d.path.clone());
    json!({
        "cell": null,
        "code": f.rule.code(),
        "end_location": location(f.span.end_location),
        "filename": filename.display().to_string(),
        "fix": f.fix.as_ref().map(|fix| json!({
            "applicability": match fix.applicability { Applicability::Safe => "safe", Applicability::Unsafe => "unsafe" },
            "message": fix.message,
            "edits": fix.edits.iter().map(|e| json!({
                "content": e.content,
                "location": location(e.span.location),
                "end_location": location(e.span.end_location),
            })).collect::<Vec<_>>(),
        })),
        "location": location(f.span.location),
        "message": f.message,
        "noqa_row": f.noqa_row,
        "url": null,
    })
}

pub fn render(result: &CheckResult, lines: bool) -> String {
    if lines {
        let mut out = String::new();
        for d in &result.diagnostics {
            out.push_str(&to_value(d).to_string());
            out.push('\n');
        }
        crate::render::escape::escape_json(out)
    } else {
        let all: Vec<Value> = result.diagnostics.iter().map(to_value).collect();
        let mut out = serde_json::to_string_pretty(&all).expect("json");
        out.push('\n');
        crate::render::escape::escape_json(out)
    }
}

//! `sarif`: SARIF 2.1.0 for code scanning (GitHub's `upload-sarif`, Azure
//! DevOps, IDE viewers). One run; a `tool.driver.rules` entry per rule that
//! appears, results with physical locations relative to the current folder
//! (`%SRCROOT%`), columns in Unicode code points like every other format.

use std::path::Path;

use serde_json::{Value, json};

use crate::pipeline::CheckResult;
use crate::registry::Rule;
use crate::render::{RenderOptions, rule_url};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(result: &CheckResult, options: &RenderOptions) -> String {
    let mut rules: Vec<Rule> = result.diagnostics.iter().map(|d| d.finding.rule).collect();
    rules.sort();
    rules.dedup();
    let rule_index = |rule: Rule| rules.binary_search(&rule).unwrap_or(0);
    let results: Vec<Value> = result
        .diagnostics
        .iter()
        .map(|d| {
            let f = &d.finding;
            let (start, end) = (f.span.location, f.span.end_location);
            json!({
                "ruleId": f.rule.code(),
                "ruleIndex": rule_index(f.rule),
                "level": "error",
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&d.path, &options.cwd),
                        "region": {
                            "startLine": start.row,
                            "startColumn": start.column,
                            "endLine": end.row,
                            "endColumn": end.column,
                        }
                    }
                }],
            })
        })
        .collect();
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            json!({
                "id": meta.code,
                "name": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": doc_section(meta.doc, "What it does") },
                "help": { "text": meta.doc, "markdown": meta.doc },
                "helpUri": rule_url(meta.code),
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["pitfalls", family(meta.code)] },
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pitfalls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": driver_rules,
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "uri": directory_uri(&options.cwd) }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("json");
    out.push('\n');
    crate::render::escape::escape_json(out)
}

fn artifact_location(path: &Path, cwd: &Path) -> Value {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match absolute.strip_prefix(cwd) {
        Ok(relative) => json!({
            "uri": encode_path(&relative.to_string_lossy()),
            "uriBaseId": "%SRCROOT%",
        }),
        Err(_) => json!({ "uri": file_uri(&absolute) }),
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    format!("file://{}", encode_path(&text))
}

/// Percent-encodes what may not appear in a URI path (RFC 3986), keeping
/// `/` as the separator.
fn encode_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The text of one `## heading` section of a rule doc, as one paragraph.
fn doc_section(doc: &str, heading: &str) -> String {
    let marker = format!("## {heading}");
    let Some(at) = doc.find(&marker) else {
        return doc.lines().next().unwrap_or_default().to_string();
    };
    let rest = &doc[at + marker.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

fn family(code: &str) -> &'static str {
    match code.get(..3) {
        Some("PF0") => "file",
        Some("PF1") => "async",
        Some("PF2") => "threads",
        Some("PF3") => "decorators",
        Some("PF4") => "resources",
        Some("PF5") => "iterators",
        Some("PF6") => "memory",
        Some("PF7") => "classes",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_paths() {
        assert_eq!(encode_path("app/my file.py"), "app/my%20file.py");
        assert_eq!(encode_path("é.py"), "%C3%A9.py");
        assert_eq!(file_uri(Path::new("/tmp/x y")), "file:///tmp/x%20y");
    }

    #[test]
    fn reads_doc_sections() {
        let doc = "# PF1 x\n\n## What it does\nFinds\nthings.\n\n## Why\nno\n";
        assert_eq!(doc_section(doc, "What it does"), "Finds things.");
    }
}

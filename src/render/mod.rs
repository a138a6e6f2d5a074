//! Rendering a run's findings in the chosen format. Sorting and filtering
//! happened before; this only prints.

mod full;
mod github;
mod json;

use std::path::{Path, PathBuf};

use crate::pipeline::CheckResult;
use crate::settings::OutputFormat;

pub struct RenderOptions {
    pub format: OutputFormat,
    pub color: bool,
    pub quiet: bool,
    /// Paths are shown relative to this folder.
    pub cwd: PathBuf,
}

pub fn render(result: &CheckResult, options: &RenderOptions) -> String {
    match options.format {
        OutputFormat::Full => {
            let mut out = full::render(result, options);
            summary(result, options, &mut out);
            out
        }
        OutputFormat::Concise => {
            let mut out = String::new();
            for d in &result.diagnostics {
                let l = d.finding.span.location;
                out.push_str(&format!(
                    "{}:{}:{}: {} {}\n",
                    display_path(&d.path, &options.cwd),
                    l.row,
                    l.column,
                    d.finding.rule.code(),
                    d.finding.message
                ));
            }
            summary(result, options, &mut out);
            out
        }
        OutputFormat::Json => json::render(result, false),
        OutputFormat::JsonLines => json::render(result, true),
        OutputFormat::Github => github::render(result, options),
    }
}

fn summary(result: &CheckResult, options: &RenderOptions, out: &mut String) {
    if options.quiet {
        return;
    }
    let n = result.diagnostics.len();
    if n == 0 {
        if result.errors.is_empty() {
            out.push_str("All checks passed!\n");
        }
        return;
    }
    let fixable = result
        .diagnostics
        .iter()
        .filter(|d| {
            d.finding
                .fix
                .as_ref()
                .is_some_and(|f| f.applicability == crate::report::Applicability::Safe)
        })
        .count();
    let noun = if n == 1 { "problem" } else { "problems" };
    if fixable > 0 {
        out.push_str(&format!(
            "Found {n} {noun} ({fixable} fixable with --fix).\n"
        ));
    } else {
        out.push_str(&format!("Found {n} {noun}.\n"));
    }
}

/// The path relative to `cwd` when it is below it, as given otherwise.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let shown = absolute.strip_prefix(cwd).unwrap_or(path);
    shown.display().to_string()
}

/// Where a rule's doc lives for users: the embedded text behind `pitfalls rule`.
pub fn rule_hint(code: &str) -> String {
    format!("run `pitfalls rule {code}` for details")
}

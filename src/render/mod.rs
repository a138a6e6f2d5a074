//! Rendering a run's findings in the chosen format. Sorting and filtering
//! happened before; this only prints.

pub mod escape;
mod full;
mod github;
mod json;
mod junit;
pub mod sarif;

use std::path::{Path, PathBuf};

use crate::pipeline::CheckResult;
use crate::settings::OutputFormat;

pub struct RenderOptions {
    pub format: OutputFormat,
    pub color: bool,
    pub quiet: bool,
    /// Paths are shown relative to this folder.
    pub cwd: PathBuf,
    /// `--fix` ran and fixed this many findings (the ones shown remain).
    pub fixed: Option<usize>,
    /// `--unsafe-fixes`: unsafe fixes count as fixable.
    pub unsafe_fixes: bool,
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
                    escape::escape_control(&d.finding.message)
                ));
            }
            summary(result, options, &mut out);
            out
        }
        OutputFormat::Json => json::render(result, false),
        OutputFormat::JsonLines => json::render(result, true),
        OutputFormat::Github => github::render(result, options),
        OutputFormat::Sarif => sarif::render(result, options),
        OutputFormat::Junit => junit::render(result, options),
    }
}

/// `--statistics`: how many findings each rule has, most first.
pub fn statistics(result: &CheckResult, options: &RenderOptions) -> String {
    let mut counts: Vec<(crate::registry::Rule, usize, bool)> = Vec::new();
    for d in &result.diagnostics {
        let fixable = is_fixable(d, options.unsafe_fixes);
        match counts.iter_mut().find(|(r, _, _)| *r == d.finding.rule) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 |= fixable;
            }
            None => counts.push((d.finding.rule, 1, fixable)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match options.format {
        OutputFormat::Json | OutputFormat::JsonLines => {
            let list: Vec<_> = counts
                .iter()
                .map(|(rule, count, fixable)| {
                    serde_json::json!({
                        "code": rule.code(),
                        "name": rule.name(),
                        "count": count,
                        "fixable": fixable,
                    })
                })
                .collect();
            let mut out = serde_json::to_string_pretty(&list).expect("json");
            out.push('\n');
            out
        }
        _ => {
            let width = counts
                .iter()
                .map(|(_, n, _)| n.to_string().len())
                .max()
                .unwrap_or(1);
            let mut out = String::new();
            for (rule, count, fixable) in &counts {
                out.push_str(&format!(
                    "{count:>width$}\t{}\t{}{}\n",
                    rule.code(),
                    if *fixable { "[*] " } else { "" },
                    rule.name()
                ));
            }
            if !options.quiet {
                summary(result, options, &mut out);
            }
            out
        }
    }
}

fn is_fixable(d: &crate::pipeline::Diagnostic, unsafe_fixes: bool) -> bool {
    d.finding
        .fix
        .as_ref()
        .is_some_and(|f| unsafe_fixes || f.applicability == crate::finding::Applicability::Safe)
}

fn summary(result: &CheckResult, options: &RenderOptions, out: &mut String) {
    if options.quiet {
        return;
    }
    if let Some(fixed) = options.fixed.filter(|n| *n > 0) {
        let noun = if fixed == 1 { "problem" } else { "problems" };
        out.push_str(&format!("Fixed {fixed} {noun}.\n"));
    }
    let n = result.diagnostics.len();
    let held = result.held_back.len();
    if n == 0 {
        match (result.errors.is_empty(), held) {
            (true, 0) => out.push_str("All checks passed!\n"),
            (true, _) => out.push_str(&format!("All checks passed! {}\n", held_back_alone(held))),
            (false, 0) => {}
            (false, _) => out.push_str(&format!("{}\n", held_back_alone(held))),
        }
        return;
    }
    let fixable = result
        .diagnostics
        .iter()
        .filter(|d| is_fixable(d, options.unsafe_fixes))
        .count();
    let hidden = result
        .diagnostics
        .iter()
        .filter(|d| is_fixable(d, true))
        .count()
        - fixable;
    let noun = if n == 1 { "problem" } else { "problems" };
    let flag = if options.unsafe_fixes {
        "--fix --unsafe-fixes"
    } else {
        "--fix"
    };
    out.push_str(&format!("Found {n} {noun}"));
    if fixable > 0 {
        out.push_str(&format!(" ({fixable} fixable with {flag})"));
    }
    if held > 0 {
        let verb = if held == 1 { "is" } else { "are" };
        out.push_str(&format!(
            "; {held} more in test files {verb} not shown (`--include-tests`)"
        ));
    }
    out.push_str(".\n");
    if hidden > 0 {
        let (noun, verb) = if hidden == 1 {
            ("fix", "is")
        } else {
            ("fixes", "are")
        };
        out.push_str(&format!(
            "{hidden} more {noun} {verb} available with --unsafe-fixes.\n"
        ));
    }
}

/// "41 findings in test files are not shown (`--include-tests`)."
fn held_back_alone(held: usize) -> String {
    let (noun, verb) = if held == 1 {
        ("finding", "is")
    } else {
        ("findings", "are")
    };
    format!("{held} {noun} in test files {verb} not shown (`--include-tests`).")
}

/// The path relative to `cwd` when it is below it, as given otherwise, with
/// control characters escaped (`\n`, `\x1b`): safe to print anywhere.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    escape::escape_control(&raw_display_path(path, cwd)).into_owned()
}

/// [`display_path`] without the escaping, for formats that quote paths
/// their own way (GitHub workflow commands).
pub fn raw_display_path(path: &Path, cwd: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let shown = absolute.strip_prefix(cwd).unwrap_or(path);
    shown.display().to_string()
}

/// A rule's doc page in the repository (SARIF `helpUri`).
pub fn rule_url(code: &str) -> String {
    format!("{}/blob/main/rules/{code}.md", env!("CARGO_PKG_HOMEPAGE"))
}

/// Where a rule's doc lives for users: the embedded text behind `pitfalls rule`.
pub fn rule_hint(code: &str) -> String {
    format!("run `pitfalls rule {code}` for details")
}

//! One file's pass: read → decode → parse → one walk → an owned
//! [`FileReport`]. The syntax tree is dropped when this returns.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::checker::Checker;
use crate::finding::Finding;
use crate::noqa::Suppressions;
use crate::parse::parse_module;
use crate::registry::Rule;
use crate::report::FileReport;
use crate::semantic::summary::build_summary;
use crate::semantic::{ModuleName, SemanticModel};
use crate::settings::FileSettings;
use crate::source::{Locator, ReadError, decode};
use crate::span::{Location, Span};

pub fn check_path(path: &Path, module: ModuleName, settings: &FileSettings) -> FileReport {
    if let Some(report) = too_large(path) {
        return report;
    }
    match std::fs::read(path) {
        Ok(bytes) => check_bytes(path, bytes, module, settings),
        Err(error) => FileReport {
            path: path.to_path_buf(),
            error: Some(format!("cannot read: {error}")),
            ..Default::default()
        },
    }
}

/// Checks a file's bytes: decode (PEP 263), parse, walk.
pub fn check_bytes(
    path: &Path,
    bytes: Vec<u8>,
    module: ModuleName,
    settings: &FileSettings,
) -> FileReport {
    #[cfg(debug_assertions)]
    panic_if_asked(path);
    match decode(bytes) {
        Ok(source) => check_source(path, &source.text, module, settings),
        Err(ReadError::Io(error)) => FileReport {
            path: path.to_path_buf(),
            error: Some(format!("cannot read: {error}")),
            ..Default::default()
        },
        Err(ReadError::Decode { message, line }) => {
            let location = Location {
                row: line,
                column: 1,
            };
            FileReport {
                path: path.to_path_buf(),
                findings: vec![Finding {
                    rule: Rule::SyntaxError,
                    message: format!("SyntaxError: {message}"),
                    span: Span {
                        start: 0,
                        end: 0,
                        location,
                        end_location: location,
                    },
                    noqa_row: line,
                    fix: None,
                    labels: vec![],
                }],
                ..Default::default()
            }
        }
    }
}

/// Files larger than this are not read: parsing takes some 10 to 100 times
/// a file's size in memory (`PITFALLS_MAX_FILE_BYTES` changes it).
pub const MAX_FILE_BYTES: u64 = 32 << 20;

/// How long one file's check may take before it is given up (10 s;
/// `PITFALLS_FILE_BUDGET_MS` changes it).
pub fn file_budget() -> Duration {
    static BUDGET: OnceLock<Duration> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        let ms = std::env::var("PITFALLS_FILE_BUDGET_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000);
        Duration::from_millis(ms)
    })
}

fn max_file_bytes() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("PITFALLS_MAX_FILE_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(MAX_FILE_BYTES)
    })
}

/// A note instead of a check for a file over the size limit.
pub fn too_large(path: &Path) -> Option<FileReport> {
    over_size_limit(path, std::fs::metadata(path).ok()?.len())
}

/// [`too_large`] for a file whose size is known.
pub fn over_size_limit(path: &Path, size: u64) -> Option<FileReport> {
    (size > max_file_bytes()).then(|| FileReport {
        path: path.to_path_buf(),
        note: Some(format!(
            "not checked: {size} bytes is more than the limit of {} bytes per file",
            max_file_bytes()
        )),
        ..Default::default()
    })
}

/// Checks source text already in memory (tests and the fixture harness use
/// this directly).
pub fn check_source(
    path: &Path,
    text: &str,
    module: ModuleName,
    settings: &FileSettings,
) -> FileReport {
    let started = Instant::now();
    let deadline = started + file_budget();
    let out_of_time = || FileReport {
        path: path.to_path_buf(),
        note: Some(format!(
            "not checked: it took longer than the budget of {:.1} s per file",
            file_budget().as_secs_f64()
        )),
        ..Default::default()
    };
    let locator = Locator::new(text);
    let parsed = match parse_module(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let span = locator.span(error.range);
            return FileReport {
                path: path.to_path_buf(),
                findings: vec![Finding {
                    rule: Rule::SyntaxError,
                    message: format!("SyntaxError: {}", error.message),
                    span,
                    noqa_row: span.location.row,
                    fix: None,
                    labels: vec![],
                }],
                ..Default::default()
            };
        }
    };
    if Instant::now() >= deadline {
        // The parser cannot be interrupted (it is linear in the file).
        return out_of_time();
    }
    let suppressions = Suppressions::from_comments(&locator, parsed.comment_ranges());
    let semantic = SemanticModel::for_source(module, locator.text().len());
    let checker =
        Checker::new(semantic, &locator, settings, settings.rules).with_deadline(deadline);
    let output = checker.check(parsed.suite());
    if output.timed_out {
        return out_of_time();
    }
    let mut summary = build_summary(&output.semantic, &output.def_scopes, &locator);
    summary.lock_events = output.lock_events;
    let mut findings = output.findings;
    break_fixes_if_asked(&mut findings);
    FileReport {
        path: path.to_path_buf(),
        findings,
        summary: Some(Box::new(summary)),
        questions: output.questions,
        pending: output.pending,
        suppressions,
        unused_noqa: settings.rules.contains(Rule::UnusedNoqa),
        error: None,
        note: None,
        packed: None,
    }
}

/// A report that lives on unpacked (the language server's index): its
/// growing vectors are copied to exact size (shrinking in place would keep
/// the allocator's block; on the stdlib the slack was several MB of the
/// peak).
pub(crate) fn compact(report: &mut FileReport) {
    fn exact<T>(v: &mut Vec<T>) {
        if v.capacity() > v.len() {
            let mut copy = Vec::with_capacity(v.len());
            copy.append(v);
            *v = copy;
        }
    }
    fn exact_thin<T>(v: &mut thin_vec::ThinVec<T>) {
        if v.capacity() > v.len() {
            let mut copy = thin_vec::ThinVec::with_capacity(v.len());
            copy.append(v);
            *v = copy;
        }
    }
    exact(&mut report.findings);
    exact(&mut report.questions);
    exact(&mut report.pending);
    if let Some(summary) = &mut report.summary {
        exact(&mut summary.functions);
        exact(&mut summary.classes);
        for class in &mut summary.classes {
            exact_thin(&mut class.methods);
            exact_thin(&mut class.attrs);
        }
        exact(&mut summary.imports);
        exact(&mut summary.lock_events.functions);
        for function in &mut summary.lock_events.functions {
            if let Some(locking) = &mut function.locking {
                exact_thin(&mut locking.acquires);
                exact_thin(&mut locking.held_steps);
                exact_thin(&mut locking.shared_writes);
            }
            if let Some(effects) = &mut function.effects {
                exact_thin(&mut effects.value_calls);
                exact_thin(&mut effects.maybe_blocks);
            }
        }
        exact(&mut summary.lock_events.callees);
        exact(&mut summary.lock_events.calls);
        exact(&mut summary.lock_events.locks);
    }
}

/// A test hook: `PITFALLS_TEST_BREAK_FIXES=<code>` makes that rule's fixes
/// insert an unbalanced `(`, so the end-to-end tests can prove a fix that
/// breaks the syntax is dropped and reported (the rules' own fixes, fuzzed,
/// no longer do).
fn break_fixes_if_asked(findings: &mut [crate::finding::Finding]) {
    static CODE: OnceLock<Option<String>> = OnceLock::new();
    // Process-wide: from the real allocator, though a file's check may run
    // in its thread's arena (`crate::arena`).
    let Some(code) = CODE
        .get_or_init(|| crate::arena::outside(|| std::env::var("PITFALLS_TEST_BREAK_FIXES").ok()))
    else {
        return;
    };
    for finding in findings.iter_mut().filter(|f| f.rule.code() == code) {
        if let Some(edit) = finding.fix.as_mut().and_then(|fix| fix.edits.first_mut()) {
            edit.content.push('(');
        }
    }
}

/// A test hook: `PITFALLS_TEST_PANIC_ON=<file name>` makes the pass over that
/// file panic, so the end-to-end tests can prove one file's panic is
/// reported with its path while the other files are still checked. Only in
/// debug builds (the tests'): a release build neither reads the variable nor
/// pays for the check.
#[cfg(debug_assertions)]
fn panic_if_asked(path: &Path) {
    static TARGET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let target = TARGET
        .get_or_init(|| crate::arena::outside(|| std::env::var("PITFALLS_TEST_PANIC_ON").ok()));
    if let Some(target) = target
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy() == target.as_str())
    {
        panic!("PITFALLS_TEST_PANIC_ON asked for a panic here");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RuleSet;

    fn settings() -> FileSettings {
        FileSettings {
            rules: Rule::ALL.iter().copied().collect::<RuleSet>(),
            ..Default::default()
        }
    }

    fn module() -> ModuleName {
        ModuleName {
            name: "m".into(),
            is_package: false,
        }
    }

    fn sleeps(n: usize) -> String {
        format!(
            "import time\nasync def f():\n{}",
            "    time.sleep(1)\n".repeat(n)
        )
    }

    #[test]
    fn the_walk_stops_at_its_deadline() {
        let text = sleeps(2_000);
        let locator = Locator::new(&text);
        let parsed = parse_module(&text).unwrap();
        let settings = settings();
        let run = |deadline: Instant| {
            Checker::new(
                SemanticModel::new(module()),
                &locator,
                &settings,
                settings.rules,
            )
            .with_deadline(deadline)
            .check(parsed.suite())
        };
        let done = run(Instant::now() + Duration::from_secs(3600));
        assert!(!done.timed_out);
        assert_eq!(done.findings.len(), 2_000);
        let stopped = run(Instant::now());
        assert!(stopped.timed_out);
        assert!(stopped.findings.len() < 2_000);
    }

    #[test]
    fn within_the_budget_a_file_is_checked() {
        let report = check_source(Path::new("m.py"), &sleeps(3), module(), &settings());
        assert_eq!(report.note, None);
        assert_eq!(report.findings.len(), 3);
    }
}

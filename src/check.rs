//! One file's pass: read → decode → parse → one walk → an owned
//! [`FileReport`]. The syntax tree is dropped when this returns.

use std::path::Path;

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

/// Checks source text already in memory (tests and the fixture harness use
/// this directly).
pub fn check_source(
    path: &Path,
    text: &str,
    module: ModuleName,
    settings: &FileSettings,
) -> FileReport {
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
    let suppressions = Suppressions::from_comments(&locator, parsed.comment_ranges());
    let semantic = SemanticModel::new(module);
    let checker = Checker::new(semantic, &locator, settings, settings.rules);
    let output = checker.check(parsed.suite());
    let mut summary = build_summary(&output.semantic, &output.def_scopes, &locator);
    summary.lock_events = output.lock_events;
    FileReport {
        path: path.to_path_buf(),
        findings: output.findings,
        summary: Some(summary),
        questions: output.questions,
        pending: output.pending,
        suppressions,
        unused_noqa: settings.rules.contains(Rule::UnusedNoqa),
        error: None,
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
    let target = TARGET.get_or_init(|| std::env::var("PITFALLS_TEST_PANIC_ON").ok());
    if let Some(target) = target
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy() == target.as_str())
    {
        panic!("PITFALLS_TEST_PANIC_ON asked for a panic here");
    }
}

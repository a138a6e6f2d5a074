//! Findings to LSP: diagnostics, and the code actions a finding offers (its
//! fix, "add `# noqa: CODE`", "show the rule's documentation").

use std::collections::BTreeMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Command, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Range, TextEdit, Url, WorkspaceEdit,
};

use super::lines::LineIndex;
use super::worker::FileResult;
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::registry::Rule;
use crate::span::Span;

pub const SHOW_RULE_DOC: &str = "pitfalls.showRuleDoc";
pub const FIX_ALL: &str = "source.fixAll.pitfalls";

fn range(index: &LineIndex, text: &str, span: &Span) -> Range {
    // A file that cannot be decoded reports its line with an empty span.
    if span.start == 0 && span.end == 0 && span.location.row > 1 {
        let line = span.location.row - 1;
        let position = lsp_types::Position::new(line, 0);
        return Range::new(position, position);
    }
    Range::new(
        index.position(text, span.start as usize),
        index.position(text, span.end as usize),
    )
}

pub fn diagnostics(result: &FileResult) -> Vec<Diagnostic> {
    let text = &*result.text;
    let index = LineIndex::new(text);
    result
        .findings
        .iter()
        .map(|f| diagnostic(&index, text, &result.uri, f))
        .collect()
}

fn diagnostic(index: &LineIndex, text: &str, uri: &Url, finding: &Finding) -> Diagnostic {
    let code = finding.rule.code();
    Diagnostic {
        range: range(index, text, &finding.span),
        severity: Some(if finding.rule == Rule::SyntaxError {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(code.to_string())),
        code_description: Url::parse(&crate::render::rule_url(code))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("pitfalls".into()),
        message: finding.message.clone(),
        related_information: (!finding.labels.is_empty()).then(|| {
            finding
                .labels
                .iter()
                .map(|label| DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), range(index, text, &label.span)),
                    message: label.message.clone(),
                })
                .collect()
        }),
        tags: None,
        data: None,
    }
}

fn text_edits(index: &LineIndex, text: &str, edits: &[Edit]) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit::new(range(index, text, &e.span), e.content.clone()))
        .collect()
}

fn workspace_edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(std::iter::once((uri.clone(), edits)).collect()),
        ..Default::default()
    }
}

fn touches(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|o| {
            kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
        })
    })
}

/// The code actions for the findings touching `at`, and the "fix all"
/// source action.
pub fn code_actions(
    result: &FileResult,
    at: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeAction> {
    let text = &*result.text;
    let index = LineIndex::new(text);
    let uri = &result.uri;
    let mut actions = Vec::new();
    let quickfix = wanted(only, &CodeActionKind::QUICKFIX);
    for finding in &result.findings {
        let diagnostic = diagnostic(&index, text, uri, finding);
        if !quickfix || !touches(&diagnostic.range, &at) {
            continue;
        }
        let code = finding.rule.code();
        if let Some(fix) = finding.fix.as_ref().filter(|f| !f.edits.is_empty()) {
            let safe = fix.applicability == Applicability::Safe;
            actions.push(CodeAction {
                title: format!(
                    "{code}: {}{}",
                    fix.message,
                    if safe { "" } else { " (unsafe fix)" }
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(workspace_edit(uri, text_edits(&index, text, &fix.edits))),
                is_preferred: Some(safe),
                ..Default::default()
            });
        }
        if !matches!(finding.rule, Rule::SyntaxError | Rule::UnusedNoqa) {
            let rows = BTreeMap::from([(finding.noqa_row, vec![code])]);
            if let Ok(fixes) = crate::adopt::noqa_insertions(text, &rows)
                && !fixes.is_empty()
            {
                let edits: Vec<Edit> = fixes.into_iter().flat_map(|f| f.edits).collect();
                actions.push(CodeAction {
                    title: format!("{code}: add `# noqa: {code}`"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(workspace_edit(uri, text_edits(&index, text, &edits))),
                    ..Default::default()
                });
            }
        }
        actions.push(CodeAction {
            title: format!(
                "{code}: show the documentation of {}",
                finding.rule.meta().name
            ),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic]),
            command: Some(Command::new(
                format!("Show the documentation of {code}"),
                SHOW_RULE_DOC.into(),
                Some(vec![serde_json::Value::String(code.into())]),
            )),
            ..Default::default()
        });
    }
    let fix_all = CodeActionKind::from(FIX_ALL);
    if let Some(all) = fix_all_edit(result).filter(|_| wanted(only, &fix_all)) {
        actions.push(CodeAction {
            title: "pitfalls: apply every safe fix".into(),
            kind: Some(fix_all),
            edit: Some(workspace_edit(uri, vec![all])),
            ..Default::default()
        });
    }
    actions
}

/// Every safe fix of the file at once (as `--fix` applies them in one
/// round), as one edit of the whole text; `None` when there is none or the
/// result would not parse.
fn fix_all_edit(result: &FileResult) -> Option<TextEdit> {
    let text = &*result.text;
    let fixes: Vec<&Fix> = result
        .findings
        .iter()
        .filter_map(|f| crate::fix::applicable(f, false))
        .collect();
    if fixes.is_empty() {
        return None;
    }
    let (fixed, _) = crate::fix::apply_fixes(text, &fixes);
    if fixed == text || crate::parse::parse_module(&fixed).is_err() {
        return None;
    }
    let index = LineIndex::new(text);
    let whole = Range::new(
        lsp_types::Position::new(0, 0),
        index.position(text, text.len()),
    );
    Some(TextEdit::new(whole, fixed))
}

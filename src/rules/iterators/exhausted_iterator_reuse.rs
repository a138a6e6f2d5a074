//! PF502: a single-pass iterator consumed a second time on the same path.
//!
//! After the walk, each function body that binds a name to an iterator
//! (`map(...)`, a generator expression, a call of one of the file's
//! generator functions, …) gets a path-sensitive pass of its own on the
//! flow engine (`semantic::flow`): branches are joined, loops are followed
//! around once more, and a name counts as exhausted only when every path
//! reaching a point consumed it. What each expression consumes is in
//! `iterator_use.rs`.

use ruff_text_size::{Ranged, TextRange};

use crate::context::{Check, Context};
use crate::finding::Label;
use crate::registry::Rule;
use crate::semantic::flow::Engine;

use super::iterator_facts::{Facts, Finding, State};
use super::iterator_flow::Analyzer;
use crate::semantic::{BindingKind, ScopeKind};

pub struct ExhaustedIteratorReuse;

impl<'a> Check<'a> for ExhaustedIteratorReuse {
    type State = ();

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, _: &mut ()) {
        check_functions(cx);
    }
}

/// Runs the pass over every function of the file that binds a candidate.
pub(crate) fn check_functions(cx: &mut Context) {
    let semantic = cx.semantic();
    let mut findings = Vec::new();
    for (scope_id, scope) in semantic.scopes() {
        let ScopeKind::Function(def) = scope.kind else {
            continue;
        };
        let mut analyzer = Analyzer {
            semantic,
            def_scopes: &cx.def_scopes,
            scope: scope_id,
            iterating: Vec::new(),
            statement: def.range(),
            findings: Vec::new(),
        };
        let binds_iterator = scope
            .bindings
            .iter()
            .any(|&b| match semantic.binding(b).kind {
                BindingKind::Assignment(Some(value))
                | BindingKind::Annotated {
                    value: Some(value), ..
                } => analyzer.iterator_kind(value).is_some(),
                _ => false,
            });
        if !binds_iterator {
            continue;
        }
        Engine::run(&mut analyzer, &def.body, Some(Facts::default()));
        findings.append(&mut analyzer.findings);
    }
    findings.sort_by_key(|f| (f.range.start(), f.range.end()));
    findings.dedup_by_key(|f| f.range);
    for finding in findings {
        let first = finding.first;
        let label = first.map(|first| Label {
            span: cx.locator().span(first),
            message: "consumed here first".to_string(),
        });
        let reported = cx.report_in_statement(
            Rule::ExhaustedIteratorReuse,
            finding.range,
            finding.statement,
            finding.message,
        );
        reported.labels.extend(label);
    }
}

impl<'a> Analyzer<'a, '_> {
    // ----- findings -----

    pub(super) fn consume(&mut self, facts: &mut Facts<'a>, name: &str, at: TextRange) {
        let Some(tracked) = facts.get_mut(name) else {
            return;
        };
        match tracked.state {
            State::Iterating => {}
            State::Live => tracked.state = State::Exhausted(at),
            State::Exhausted(first) => {
                let what = tracked.what;
                let message = if first == at {
                    format!(
                        "`{name}` is {what}, consumed here on an earlier pass of the loop: from the second pass on it is empty"
                    )
                } else {
                    format!(
                        "`{name}` is {what} that was already consumed on this path: this second pass sees nothing"
                    )
                };
                self.findings.push(Finding {
                    range: at,
                    statement: self.statement,
                    message,
                    first: (first != at).then_some(first),
                });
            }
        }
    }

    pub(super) fn no_length(
        &mut self,
        facts: &Facts<'a>,
        name: &str,
        at: TextRange,
        what_fails: &str,
    ) {
        if let Some(tracked) = facts.get(name) {
            let message = format!(
                "`{name}` is {}: {what_fails} raises `TypeError` (iterators have no length and cannot be indexed)",
                tracked.what
            );
            self.findings.push(Finding {
                range: at,
                statement: self.statement,
                message,
                first: None,
            });
        }
    }
}

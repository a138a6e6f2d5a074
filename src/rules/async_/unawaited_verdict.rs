//! PF100's verdicts: the file's own candidates judged once every body is
//! walked, the project's answers to the questions the walk left, and the
//! message both give.

use ruff_text_size::Ranged;

use crate::context::Context;
use crate::finding::{Finding, Pending, PendingContext};
use crate::registry::Rule;
use crate::semantic::index::{ProjectIndex, Question};

use super::unawaited_callee::Candidate;

pub(super) fn message(callee: &str, context: &PendingContext, definition: Option<&str>) -> String {
    let defined = definition
        .map(|d| format!(" (defined at {d})"))
        .unwrap_or_default();
    match context {
        PendingContext::Discarded => {
            format!(
                "coroutine function `{callee}`{defined} is called but not awaited: the coroutine never runs"
            )
        }
        PendingContext::TruthTested => format!(
            "coroutine function `{callee}`{defined} is only truth-tested: a coroutine object is always true and never runs"
        ),
        PendingContext::ReturnedFrom(function) => format!(
            "`async def {function}` returns the coroutine of `{callee}`{defined} un-awaited: its caller's `await` gets a coroutine object, not the result"
        ),
        // Not a context this rule asks with.
        PendingContext::Decorates { .. } | PendingContext::Finding(_) => String::new(),
    }
}

pub(crate) fn check_candidates(cx: &mut Context, state: &mut Vec<Candidate<'_>>) {
    let candidates = std::mem::take(state);
    for candidate in candidates {
        let is_generator = cx
            .def_scopes
            .get(&candidate.def.range().start())
            .is_some_and(|&s| cx.semantic().scope(s).is_generator);
        if is_generator {
            continue;
        }
        let line = cx.locator().row(candidate.def.name.start());
        let module = &cx.semantic().module.name;
        let definition = if module.is_empty() {
            format!("line {line}")
        } else {
            format!("{module}:{line}")
        };
        let text = message(&candidate.callee, &candidate.context, Some(&definition));
        match candidate.statement {
            Some(statement) => {
                cx.report_in_statement(Rule::UnawaitedCoroutine, candidate.call, statement, text)
            }
            None => cx.report(Rule::UnawaitedCoroutine, candidate.call, text),
        };
    }
}

/// The project's answer to a question this rule left.
pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    let subject = match (&pending.subject, question) {
        (Some(subject), _) => subject.to_string(),
        (
            None,
            Question::IsAsyncMethod {
                method,
                inherited: true,
                ..
            },
        ) => format!("super().{method}"),
        (None, Question::IsAsyncMethod { method, .. }) => format!("self.{method}"),
        (None, _) => "?".to_string(),
    };
    let definition = match question {
        Question::IsCoroutineFunction { callee } => index.coroutine_function(callee)?,
        Question::IsAsyncMethod {
            class,
            method,
            inherited,
        } => index.async_method(class, method, *inherited)?,
        Question::Decorator { .. } | Question::DecoratorApplied { .. } => return None,
    };
    Some(Finding {
        rule: Rule::UnawaitedCoroutine,
        message: message(&subject, &pending.context, Some(&definition.to_string())),
        span: pending.span,
        noqa_row: pending.noqa_row,
        fix: None,
        labels: Vec::new(),
    })
}

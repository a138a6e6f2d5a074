//! PF100's verdicts: the file's own candidates judged once every body is
//! walked, the project's answers to the questions the walk left, and the
//! message both give.

use ruff_text_size::Ranged;

use crate::context::Context;
use crate::finding::{Finding, Pending};
use crate::registry::Rule;
use crate::semantic::index::{Definition, ProjectIndex, Question};
use crate::semantic::values::Val;

use super::unawaited_callee::{Asks, Candidate, Site};

pub(super) fn message(callee: &str, site: &Site, definition: Option<&str>) -> String {
    let defined = definition
        .map(|d| format!(" (defined at {d})"))
        .unwrap_or_default();
    match site {
        Site::Discarded => {
            format!(
                "coroutine function `{callee}`{defined} is called but not awaited: the coroutine never runs"
            )
        }
        Site::TruthTested => format!(
            "coroutine function `{callee}`{defined} is only truth-tested: a coroutine object is always true and never runs"
        ),
        Site::ReturnedFrom(function) => format!(
            "`async def {function}` returns the coroutine of `{callee}`{defined} un-awaited: its caller's `await` gets a coroutine object, not the result"
        ),
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
    // Most answers are no: the message's parts are made only for a yes.
    let question: Asks = question.decode()?;
    let definition = match &question {
        Asks::IsCoroutineFunction { callee } => match index.coroutine_function(callee) {
            Some(definition) => definition,
            // `default_client.fetch()`: a method of a module-level instance.
            None => {
                let (head, method) = callee.rsplit_once('.')?;
                async_method_on(index, &Val::Global(head.into()), method)?
            }
        },
        Asks::AsyncMethodOn { receiver, method } => async_method_on(index, receiver, method)?,
        Asks::IsAsyncMethod {
            class,
            method,
            inherited,
        } => index.async_method(class, method, *inherited)?,
    };
    let site: Site = pending.context.decode()?;
    let subject = match (&pending.subject, &question) {
        (Some(subject), _) => subject.to_string(),
        (
            None,
            Asks::IsAsyncMethod {
                method,
                inherited: true,
                ..
            },
        ) => format!("super().{method}"),
        (None, Asks::IsAsyncMethod { method, .. }) => format!("self.{method}"),
        (None, _) => "?".to_string(),
    };
    Some(Finding {
        rule: Rule::UnawaitedCoroutine,
        message: message(&subject, &site, Some(&definition.to_string())),
        span: pending.span,
        noqa_row: pending.noqa_row,
        fix: None,
        labels: Vec::new(),
    })
}

/// `method` of the class `receiver` is inferred to be, if a coroutine
/// function.
fn async_method_on(index: &ProjectIndex, receiver: &Val, method: &str) -> Option<Definition> {
    let class = index.class_of(receiver)?;
    let definition = index.async_method(&class, method, false)?;
    // A `Protocol` only declares its methods: the object behind it may
    // implement `close` as a plain `def` (sqlalchemy's DBAPI cursors).
    // Asked only of a yes (the method lookup is memoized, this walk not).
    let structural = index.class_and_bases(&class).iter().any(|(_, info)| {
        info.bases
            .iter()
            .flatten()
            .any(|b| matches!(b.as_str(), "typing.Protocol" | "typing_extensions.Protocol"))
    });
    (!structural).then_some(definition)
}

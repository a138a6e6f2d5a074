//! PF110: starting an event loop from inside a running one.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::index::Question;
use crate::semantic::values::{self, Decision, ValueKind};
use crate::semantic::{QualifiedName, SemanticModel};

pub struct NestedEventLoop;

impl<'a> Check<'a> for NestedEventLoop {
    type State = ();
    const FACTS: crate::context::Facts =
        crate::context::Facts::LOCK_EVENTS.union(crate::context::Facts::EFFECTS);

    fn answer(
        pending: &crate::finding::Pending,
        question: &crate::semantic::index::Question,
        index: &crate::semantic::index::ProjectIndex,
    ) -> Option<crate::finding::Finding> {
        // A loop the project confirmed (`self.loop`), or a sync helper
        // that runs one: two types of question.
        crate::semantic::values::answer_deferred(pending, question, index)
            .or_else(|| super::effect_events::answer(pending, question, index))
    }

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx) {
            match callee.name(cx) {
                Some(name) => check(cx, call, name),
                None => check_method(cx, call),
            }
            // A sync helper that runs a loop (RULES.md "Effects").
            super::effect_events::ask(
                cx,
                call,
                Rule::NestedEventLoop,
                crate::semantic::effects::EffectKind::RunsLoop,
            );
        }
    }
}

const RUNNERS: &[&str] = &["asyncio.run", "asyncio.runners.run"];

const LOOP_GETTERS: &[&str] = &["asyncio.get_event_loop", "asyncio.new_event_loop"];

/// `asyncio.run(...)`.
pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is_any(RUNNERS) {
        report(
            cx,
            call,
            "asyncio.run",
            "asyncio.run() cannot be called from a running event loop",
        );
    }
}

/// `loop.run_until_complete(...)` on a loop from `asyncio.get_event_loop()`
/// or `asyncio.new_event_loop()`, or on a value inferred to be a loop
/// (`self.loop = asyncio.new_event_loop()`, `loop: AbstractEventLoop`).
pub(crate) fn check_method(cx: &mut Context, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.as_str() != "run_until_complete" {
        return;
    }
    let loop_call = match &*attr.value {
        Expr::Call(inner) => Some(inner),
        Expr::Name(name) => match cx.semantic().bound_value(name.id.as_str()) {
            Some(Expr::Call(inner)) => Some(inner),
            _ => None,
        },
        _ => None,
    };
    let ask = if loop_call.is_some_and(|c| is_loop_getter(cx.semantic(), c)) {
        None
    } else {
        match values::decide(cx.semantic(), &attr.value, ValueKind::Loop) {
            Decision::No => return,
            Decision::Yes => None,
            Decision::Ask(value) => Some(value),
        }
    };
    report(
        cx,
        call,
        "loop.run_until_complete",
        "a loop cannot run while another loop runs in the same thread",
    );
    if let Some(value) = ask {
        cx.defer_last_finding(Question::new(&values::ValueIs {
            value,
            kind: ValueKind::Loop,
        }));
    }
}

fn is_loop_getter(semantic: &SemanticModel, call: &ast::ExprCall) -> bool {
    semantic
        .resolve_qualified_name(&call.func)
        .is_some_and(|n| n.is_any(LOOP_GETTERS))
}

fn report(cx: &mut Context, call: &ast::ExprCall, what: &str, why: &str) {
    let function = cx
        .semantic()
        .current_function()
        .map_or("?", |f| f.name.as_str())
        .to_string();
    cx.report(
        Rule::NestedEventLoop,
        call.range(),
        format!(
            "`{what}` inside `async def {function}` raises RuntimeError ({why}); `await` the coroutine instead"
        ),
    );
}

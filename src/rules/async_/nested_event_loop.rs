//! PF110: starting an event loop from inside a running one.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::{QualifiedName, SemanticModel};

pub struct NestedEventLoop;

impl<'a> Check<'a> for NestedEventLoop {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx) {
            match callee.name(cx) {
                Some(name) => check(cx, call, name),
                None => check_method(cx, call),
            }
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
/// or `asyncio.new_event_loop()`.
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
    if loop_call.is_some_and(|c| is_loop_getter(cx.semantic(), c)) {
        report(
            cx,
            call,
            "loop.run_until_complete",
            "a loop cannot run while another loop runs in the same thread",
        );
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

//! Which rules run on which node kind. The checker's one walk calls these;
//! each rule's check is in its own file and starts from the node it asked for.

// One `if cx.enabled(...)` per rule under each node kind keeps the table
// uniform as rules are added; folding a lone one into the match is not clearer.
#![allow(clippy::collapsible_match, clippy::collapsible_if)]

use crate::ast::{self, Stmt};
use crate::checker::Checker;
use crate::report::{Finding, Pending};
use crate::rules::{Rule, async_, decorators, iterators, memory};
use crate::semantic::index::ProjectIndex;

pub(crate) fn on_stmt<'a>(cx: &mut Checker<'a>, stmt: &'a Stmt) {
    match stmt {
        Stmt::FunctionDef(def) => {
            if cx.enabled(Rule::MissingFunctoolsWraps) {
                decorators::missing_functools_wraps::check(cx, def);
            }
            if cx.enabled(Rule::CacheOnMethod) {
                memory::cache_on_method::check(cx, def);
            }
            if cx.enabled(Rule::MutableDefaultArgument) {
                memory::mutable_default_argument::check(cx, &def.parameters);
            }
        }
        Stmt::Expr(ast::StmtExpr { value, .. }) => {
            if cx.enabled(Rule::DanglingTask) {
                async_::dangling_task::check_expression_statement(cx, value);
            }
        }
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
            if cx.enabled(Rule::DanglingTask) {
                async_::dangling_task::check_assignment(cx, targets, value);
            }
        }
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => {
            if cx.enabled(Rule::DanglingTask) {
                async_::dangling_task::check_assignment(cx, std::slice::from_ref(&**target), value);
            }
        }
        Stmt::With(with) => {
            if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
                async_::thread_lock_held_across_await::await_statement(cx, stmt);
                async_::thread_lock_held_across_await::enter_with(cx, with);
            }
            if cx.enabled(Rule::SwallowedCancellation) && cx.semantic().in_async_function() {
                async_::swallowed_cancellation::check_with(cx, with);
            }
            if cx.enabled(Rule::WrongWithForLock) {
                async_::wrong_with_for_lock::check(cx, with);
            }
        }
        Stmt::For(_) => {
            if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
                async_::thread_lock_held_across_await::await_statement(cx, stmt);
            }
        }
        Stmt::Try(try_stmt) => {
            if cx.enabled(Rule::SwallowedCancellation) && cx.semantic().in_async_function() {
                async_::swallowed_cancellation::check_try(cx, try_stmt);
            }
        }
        _ => {}
    }
}

/// After the walk has left `stmt` (its body included).
pub(crate) fn after_stmt<'a>(cx: &mut Checker<'a>, stmt: &'a Stmt) {
    if let Stmt::With(with) = stmt {
        if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
            async_::thread_lock_held_across_await::leave_with(cx, with);
        }
    }
}

/// An `await` expression, or a list/set/dict comprehension with `async for`.
pub(crate) fn on_await_point(cx: &mut Checker, range: ruff_text_size::TextRange) {
    if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
        async_::thread_lock_held_across_await::await_point(cx, range);
    }
}

pub(crate) fn on_call<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
    if cx.semantic().in_async_function() {
        // Resolved once for every blocking-call rule.
        if let Some(name) = cx.semantic().resolve_qualified_name(&call.func) {
            if cx.enabled(Rule::BlockingSleepInAsync) {
                async_::blocking_sleep_in_async::check(cx, call, &name);
            }
            if cx.enabled(Rule::BlockingNetworkInAsync) {
                async_::blocking_network_in_async::check(cx, call, &name);
            }
            if cx.enabled(Rule::BlockingProcessInAsync) {
                async_::blocking_process_in_async::check(cx, call, &name);
            }
            if cx.enabled(Rule::BlockingFileIoInAsync) {
                async_::blocking_file_io_in_async::check(cx, call, &name);
            }
            if cx.enabled(Rule::BlockingInputInAsync) {
                async_::blocking_input_in_async::check(cx, call, &name);
            }
            if cx.enabled(Rule::BlockingCallInAsync) && !cx.settings.blocking_calls.is_empty() {
                async_::blocking_call_in_async::check(cx, call, &name);
            }
            if cx.enabled(Rule::NestedEventLoop) {
                async_::nested_event_loop::check(cx, call, &name);
            }
        } else {
            // Methods on objects: a sync HTTP client, a `Path`.
            if cx.enabled(Rule::BlockingNetworkInAsync) {
                async_::blocking_network_in_async::check_method(cx, call);
            }
            if cx.enabled(Rule::BlockingFileIoInAsync) {
                async_::blocking_file_io_in_async::check_method(cx, call);
            }
            if cx.enabled(Rule::NestedEventLoop) {
                async_::nested_event_loop::check_method(cx, call);
            }
        }
    }
    if cx.enabled(Rule::ListComprehensionInCall) {
        iterators::list_comprehension_in_call::check(cx, call);
    }
}

pub(crate) fn on_lambda<'a>(cx: &mut Checker<'a>, lambda: &'a ast::ExprLambda) {
    if cx.enabled(Rule::MutableDefaultArgument) {
        if let Some(parameters) = &lambda.parameters {
            memory::mutable_default_argument::check(cx, parameters);
        }
    }
}

/// After every scope of the file is complete.
pub(crate) fn on_file_end(cx: &mut Checker) {
    if cx.enabled(Rule::DanglingTask) {
        async_::dangling_task::check_unread(cx);
    }
}

/// Answers a question a file left for the project index; `None` is silence.
pub fn answer_pending(pending: &Pending, _index: &ProjectIndex) -> Option<Finding> {
    // No project-wide rule is registered yet; unknown questions stay silent.
    let _ = pending;
    None
}

//! Which rules run on which node kind. The checker's one walk calls these;
//! each rule's check is in its own file and starts from the node it asked for.

use crate::ast::{self, Stmt};
use crate::checker::Checker;
use crate::report::{Finding, Pending};
use crate::rules::{Rule, async_, decorators, iterators, memory, resources};
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
            if cx.enabled(Rule::ContextmanagerUnprotectedYield) {
                resources::contextmanager_unprotected_yield::check(cx, def);
            }
            if cx.enabled(Rule::ContextmanagerMultipleYields) {
                resources::contextmanager_multiple_yields::check(cx, def);
            }
            if cx.enabled(Rule::ExitSwallowsExceptions) {
                resources::exit_swallows_exceptions::check(cx, def);
            }
            if cx.enabled(Rule::BadContextManagerProtocol) {
                resources::bad_context_manager_protocol::check(cx, def);
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
        _ => {}
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
        } else {
            // Methods on objects: a sync HTTP client, a `Path`.
            if cx.enabled(Rule::BlockingNetworkInAsync) {
                async_::blocking_network_in_async::check_method(cx, call);
            }
            if cx.enabled(Rule::BlockingFileIoInAsync) {
                async_::blocking_file_io_in_async::check_method(cx, call);
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

/// After a function's body is walked, with its scope current and complete.
pub(crate) fn on_function_end<'a>(cx: &mut Checker<'a>, def: &'a ast::StmtFunctionDef) {
    if cx.enabled(Rule::OpenWithoutWith) || cx.enabled(Rule::ResourceWithoutWith) {
        resources::check_unmanaged(cx, &def.body, true);
    }
}

/// After every function of the file is walked, with the module scope current.
pub(crate) fn on_module_end<'a>(cx: &mut Checker<'a>, suite: &'a [Stmt]) {
    if cx.enabled(Rule::OpenWithoutWith) || cx.enabled(Rule::ResourceWithoutWith) {
        resources::check_unmanaged(cx, suite, false);
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

//! Which rules run on which node kind. The checker's one walk calls these;
//! each rule's check is in its own file and starts from the node it asked for.

// One `if cx.enabled(...)` per rule under each node kind keeps the table
// uniform as rules are added; folding a lone one into the match is not clearer.
#![allow(clippy::collapsible_match, clippy::collapsible_if)]

use crate::ast::{self, Expr, Stmt};
use crate::checker::Checker;
use crate::report::{Finding, Pending};
use crate::rules::async_::unawaited_coroutine::Usage;
use crate::rules::{Rule, async_, classes, decorators, iterators, memory, resources, threads};
use crate::semantic::index::{ProjectIndex, Question};
use ruff_text_size::Ranged;

/// Any of the rules that read the per-function lock events.
fn lock_events_enabled(cx: &Checker) -> bool {
    cx.enabled(Rule::LockOrderInversion)
        || cx.enabled(Rule::LockReacquired)
        || cx.enabled(Rule::UnsynchronizedSharedMutation)
        // The effects of PF110/PF112 ride on the same per-function calls.
        || async_::blocking_call_via_helper::enabled(cx)
}

// One arm per node kind, one `if` per rule: the table stays a table.
pub(crate) fn on_stmt<'a>(cx: &mut Checker<'a>, stmt: &'a Stmt) {
    if lock_events_enabled(cx) {
        threads::lock_events::enter_compound(cx, stmt);
    }
    match stmt {
        Stmt::FunctionDef(def) => {
            if cx.enabled(Rule::MissingFunctoolsWraps) {
                decorators::missing_functools_wraps::check(cx, def);
            }
            if cx.enabled(Rule::WrapperDiscardsResult) {
                decorators::wrapper_discards_result::check(cx, def);
            }
            if cx.enabled(Rule::SyncWrapperOnCoroutine) {
                decorators::sync_wrapper_on_coroutine::check(cx, def);
            }
            if cx.enabled(Rule::DecoratorFactoryNotCalled) {
                decorators::decorator_factory_not_called::check(
                    cx,
                    &def.decorator_list,
                    def.name.as_str(),
                );
            }
            if cx.enabled(Rule::CacheOnMethod) {
                memory::cache_on_method::check(cx, def);
            }
            if cx.enabled(Rule::MutableDefaultArgument) {
                memory::mutable_default_argument::check(
                    cx,
                    memory::mutable_default_argument::Function::Def(def),
                );
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
            if cx.enabled(Rule::FinalizerDefined) {
                memory::finalizer_defined::check(cx, def);
            }
        }
        Stmt::ClassDef(class) => {
            if cx.enabled(Rule::DecoratorFactoryNotCalled) {
                decorators::decorator_factory_not_called::check(
                    cx,
                    &class.decorator_list,
                    class.name.as_str(),
                );
            }
            if cx.enabled(Rule::MetaclassForRegistration) {
                classes::metaclass_for_registration::check(cx, class);
            }
            if cx.enabled(Rule::MetaclassNewWithoutReturn) {
                classes::metaclass_new_without_return::check(cx, class);
            }
        }
        Stmt::For(for_stmt) => {
            if cx.enabled(Rule::ReadlinesInLoop) {
                iterators::readlines_in_loop::check_for(cx, for_stmt);
            }
            if cx.enabled(Rule::UnnecessaryMaterialization) {
                iterators::unnecessary_materialization::check_for(cx, for_stmt);
            }
            if cx.enabled(Rule::UnboundedModuleCache) {
                memory::unbounded_module_cache::check_iterable(cx, &for_stmt.iter);
            }
            if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
                async_::thread_lock_held_across_await::await_statement(cx, stmt);
            }
        }
        Stmt::AugAssign(_) | Stmt::Delete(_) => {
            if cx.enabled(Rule::UnboundedModuleCache) {
                memory::unbounded_module_cache::check_stmt(cx, stmt);
            }
            if cx.enabled(Rule::UnsynchronizedSharedMutation) {
                threads::lock_events::on_assignment(cx, stmt);
            }
        }
        Stmt::Expr(ast::StmtExpr { value, .. }) => {
            if cx.enabled(Rule::DanglingTask) {
                async_::dangling_task::check_expression_statement(cx, value);
            }
            if cx.enabled(Rule::UnawaitedCoroutine)
                && let Expr::Call(call) = &**value
            {
                async_::unawaited_coroutine::check_call(cx, call, Usage::Discarded);
            }
        }
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
            if cx.enabled(Rule::DanglingTask) {
                async_::dangling_task::check_assignment(cx, targets, value);
            }
            if cx.enabled(Rule::UnsynchronizedSharedMutation) {
                threads::lock_events::on_assignment(cx, stmt);
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
        Stmt::If(
            if_stmt @ ast::StmtIf {
                test,
                elif_else_clauses,
                ..
            },
        ) => {
            if cx.enabled(Rule::ProcessWithoutMainGuard) {
                threads::process_without_main_guard::enter_if(cx, if_stmt);
            }
            if cx.enabled(Rule::UnawaitedCoroutine) {
                let tests = std::iter::once(&**test)
                    .chain(elif_else_clauses.iter().filter_map(|c| c.test.as_ref()));
                for test in tests {
                    truth_tested(cx, test);
                }
            }
        }
        Stmt::While(ast::StmtWhile { test, .. }) | Stmt::Assert(ast::StmtAssert { test, .. }) => {
            if cx.enabled(Rule::UnawaitedCoroutine) {
                truth_tested(cx, test);
            }
        }
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => {
            if cx.enabled(Rule::UnawaitedCoroutine)
                && cx.semantic().in_async_function()
                && let Expr::Call(call) = &**value
            {
                async_::unawaited_coroutine::check_call(cx, call, Usage::Returned);
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
            if lock_events_enabled(cx) {
                threads::lock_events::enter_with(cx, with);
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

fn truth_tested<'a>(cx: &mut Checker<'a>, test: &'a Expr) {
    let mut calls = Vec::new();
    async_::unawaited_coroutine::truth_tested_calls(test, &mut calls);
    for call in calls {
        async_::unawaited_coroutine::check_call(cx, call, Usage::TruthTested);
    }
}

/// After the walk has left `stmt` (its body included).
pub(crate) fn after_stmt<'a>(cx: &mut Checker<'a>, stmt: &'a Stmt) {
    match stmt {
        Stmt::With(with) => {
            if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
                async_::thread_lock_held_across_await::leave_with(cx, with);
            }
            if lock_events_enabled(cx) {
                threads::lock_events::leave_with(cx, with);
            }
        }
        Stmt::If(if_stmt) => {
            if cx.enabled(Rule::ProcessWithoutMainGuard) {
                threads::process_without_main_guard::leave_if(cx, if_stmt.start());
            }
        }
        _ => {}
    }
    if lock_events_enabled(cx) {
        threads::lock_events::leave_compound(cx, stmt);
    }
}

/// An `await` expression, or a list/set/dict comprehension with `async for`.
pub(crate) fn on_await_point(cx: &mut Checker, range: ruff_text_size::TextRange) {
    if cx.enabled(Rule::ThreadLockHeldAcrossAwait) {
        async_::thread_lock_held_across_await::await_point(cx, range);
    }
}

pub(crate) fn on_call<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
    if cx.enabled(Rule::OpenWithoutWith) || cx.enabled(Rule::ResourceWithoutWith) {
        resources::note_opener_call(cx, call);
    }
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
    if cx.enabled(Rule::ProcessWithoutMainGuard) || cx.enabled(Rule::UnpicklableProcessTarget) {
        match cx.semantic().resolve_qualified_name(&call.func) {
            Some(name) => {
                if cx.enabled(Rule::ProcessWithoutMainGuard) {
                    threads::process_without_main_guard::check(cx, call, &name);
                }
                if cx.enabled(Rule::UnpicklableProcessTarget) {
                    threads::unpicklable_process_target::check(cx, call, &name);
                }
            }
            None => {
                if cx.enabled(Rule::UnpicklableProcessTarget) {
                    threads::unpicklable_process_target::check_method(cx, call);
                }
            }
        }
    }
    if cx.enabled(Rule::AcquireWithoutRelease) {
        threads::acquire_without_release::note_call(cx, call);
    }
    if lock_events_enabled(cx) {
        threads::lock_events::on_call(cx, call);
    }
    if async_::blocking_call_via_helper::enabled(cx) {
        async_::blocking_call_via_helper::on_call(cx, call);
    }
    if cx.enabled(Rule::ListComprehensionInCall) || cx.enabled(Rule::ListComprehensionInReducer) {
        iterators::list_comprehension_in_call::check(cx, call);
    }
    if cx.enabled(Rule::UnboundedModuleCache) {
        memory::unbounded_module_cache::check_call(cx, call);
    }
}

/// Every expression, before its children.
pub(crate) fn on_expr<'a>(cx: &mut Checker<'a>, expr: &'a Expr) {
    match expr {
        Expr::Await(await_expr) => {
            if lock_events_enabled(cx) {
                threads::lock_events::on_await(cx, await_expr);
            }
        }
        Expr::Subscript(_) | Expr::Compare(_) => {
            if cx.enabled(Rule::UnboundedModuleCache) {
                memory::unbounded_module_cache::check_expr(cx, expr);
            }
        }
        // `not f()`, `x if f() else y`: only the truth value is used.
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: ast::UnaryOp::Not,
            operand,
            ..
        }) => {
            if cx.enabled(Rule::UnawaitedCoroutine)
                && let Expr::Call(call) = &**operand
            {
                async_::unawaited_coroutine::check_call(cx, call, Usage::TruthTested);
            }
        }
        Expr::If(ast::ExprIf { test, .. }) => {
            if cx.enabled(Rule::UnawaitedCoroutine) {
                truth_tested(cx, test);
            }
        }
        _ => {}
    }
}

/// A comprehension's `for … in <iter>`, from the scope `iter` is evaluated in.
pub(crate) fn on_comprehension_iter<'a>(cx: &mut Checker<'a>, generator: &'a ast::Comprehension) {
    if cx.enabled(Rule::ReadlinesInLoop) {
        iterators::readlines_in_loop::check_comprehension(cx, generator);
    }
    if cx.enabled(Rule::UnboundedModuleCache) {
        memory::unbounded_module_cache::check_iterable(cx, &generator.iter);
    }
}

pub(crate) fn on_lambda<'a>(cx: &mut Checker<'a>, lambda: &'a ast::ExprLambda) {
    if cx.enabled(Rule::MutableDefaultArgument) {
        memory::mutable_default_argument::check(
            cx,
            memory::mutable_default_argument::Function::Lambda(lambda),
        );
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
    if cx.enabled(Rule::UnawaitedCoroutine) {
        async_::unawaited_coroutine::check_candidates(cx);
    }
    if cx.enabled(Rule::ExhaustedIteratorReuse) {
        iterators::exhausted_iterator_reuse::check_functions(cx);
    }
    if cx.enabled(Rule::UnnecessaryMaterialization) {
        iterators::unnecessary_materialization::check_functions(cx);
    }
    if cx.enabled(Rule::UnboundedModuleCache) {
        memory::unbounded_module_cache::check_unbounded(cx);
    }
    if cx.enabled(Rule::WrapperDiscardsResult) {
        decorators::wrapper_discards_result::check_candidates(cx);
    }
    if cx.enabled(Rule::AcquireWithoutRelease) {
        threads::acquire_without_release::check_functions(cx);
    }
}

/// The file's lock events for its summary (empty unless a lock rule is on).
pub(crate) fn take_lock_events(cx: &mut Checker) -> crate::semantic::index::LockEvents {
    if !lock_events_enabled(cx) {
        return Default::default();
    }
    let rules = cx.rules();
    let builder = std::mem::take(&mut cx.state.lock_events);
    let opaque = builder
        .function_scopes()
        .map(|(scope, i)| (i, async_::blocking_call_via_helper::is_opaque(cx, scope)))
        .collect::<Vec<_>>();
    let mut events = builder.finish(rules.iter());
    for (i, opaque) in opaque {
        events.functions[i].opaque = opaque;
    }
    events
}

/// Findings decided from the whole project at once, after the index is
/// built (the lock graph: PF200, PF201, PF203), each with the module of the
/// file it is in.
pub fn project_findings(
    index: &ProjectIndex,
    paths: &threads::ModulePaths,
) -> Vec<threads::ProjectFinding> {
    let any = index
        .modules()
        .any(|m| !m.lock_events.rules.is_empty() && !m.lock_events.is_empty());
    if !any {
        return Vec::new();
    }
    let graph = threads::lock_graph::LockGraph::build(index);
    let mut out = threads::lock_order_inversion::findings(&graph, paths);
    out.extend(threads::lock_reacquired::findings(&graph, paths));
    out.extend(threads::unsynchronized_shared_mutation::findings(
        &graph, paths,
    ));
    out
}

/// Answers a question a file left for the project index; `None` is silence.
pub fn answer_pending(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    // A finding that waits for a value to be of a kind (PF102, PF108, PF110
    // on inferred receivers).
    if let (Question::ValueIs { value, kind }, crate::report::PendingContext::Finding(finding)) =
        (question, &pending.context)
    {
        return index.value_is(value, *kind).then(|| (**finding).clone());
    }
    match pending.rule {
        Rule::UnawaitedCoroutine => async_::unawaited_coroutine::answer(pending, question, index),
        Rule::BlockingCallViaHelper | Rule::NestedEventLoop => {
            async_::blocking_call_via_helper::answer(pending, question, index)
        }
        Rule::SyncWrapperOnCoroutine => {
            decorators::sync_wrapper_on_coroutine::answer(pending, question, index)
        }
        Rule::MissingFunctoolsWraps => {
            decorators::missing_functools_wraps::answer(pending, question, index)
        }
        Rule::DecoratorFactoryNotCalled => {
            decorators::decorator_factory_not_called::answer(pending, question, index)
        }
        _ => None,
    }
}

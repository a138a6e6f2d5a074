//! What the walk records for the project-wide lock rules (PF200, PF201,
//! PF203): per function, the locks it acquires, the calls it makes, and the
//! locks held at each (DESIGN.md "per function the lock events"). The
//! functions started as threads and the unguarded writes of shared state
//! are `thread_events.rs`; the builder is `lock_builder.rs`; the result is
//! the file summary's `LockEvents`.
//!
//! Held locks are tracked in walk order: a `with` holds its locks for its
//! body; `L.acquire()` holds `L` until the next `L.release()` met in the
//! same function (release in a `finally` is met after the `try` body). That
//! is a straight-line view of the function, which under-approximates when a
//! branch releases early: missed edges, never invented ones.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{self, Expr, Stmt};
use crate::context::Context;
use crate::semantic::index::{HeldStep, LockName, LockStep};
use crate::semantic::model::ScopeId;

use super::lock_builder::{
    HeldWith, LockEventsBuilder, callee_with, compares_receivers, current_function, is_blocking,
    lock_name, value_callee,
};

/// A statement, before its children: the branch bodies it opens, the locks
/// its `with` takes.
pub(crate) fn on_stmt(cx: &mut Context, state: &mut LockEventsBuilder, stmt: &Stmt) {
    enter_compound(state, stmt);
    if let Stmt::If(s) = stmt
        && (compares_receivers(&s.test)
            || s.elif_else_clauses
                .iter()
                .any(|c| c.test.as_ref().is_some_and(compares_receivers)))
    {
        state.ordering.push(s.start());
    }
    if let Stmt::With(with) = stmt {
        enter_with(cx, state, with);
    }
}

/// A statement, after its children.
pub(crate) fn after_stmt(state: &mut LockEventsBuilder, stmt: &Stmt) {
    if let Stmt::With(with) = stmt {
        leave_with(state, with);
    }
    if matches!(stmt, Stmt::If(_)) && state.ordering.last() == Some(&stmt.start()) {
        state.ordering.pop();
    }
    leave_compound(state, stmt);
}

pub(crate) fn enter_with(cx: &mut Context, state: &mut LockEventsBuilder, with: &ast::StmtWith) {
    let Some((function, def)) = current_function(cx.semantic()) else {
        return;
    };
    for item in &with.items {
        let lock = lock_name(cx, &item.context_expr).map(|name| {
            let id = state.lock_id(name);
            acquire(
                cx,
                state,
                function,
                def,
                id,
                true,
                item.context_expr.range(),
            );
            id
        });
        state.withs.push(HeldWith {
            with_start: with.start(),
            function,
            lock,
            from: item.end(),
        });
    }
}

/// A compound statement: its branch bodies bound the `acquire()`s in them.
pub(crate) fn enter_compound(state: &mut LockEventsBuilder, stmt: &Stmt) {
    let mut push = |body: &[Stmt]| {
        if let (Some(first), Some(last)) = (body.first(), body.last()) {
            state
                .blocks
                .push((stmt.start(), TextRange::new(first.start(), last.end())));
        }
    };
    match stmt {
        Stmt::If(s) => {
            push(&s.body);
            for clause in &s.elif_else_clauses {
                push(&clause.body);
            }
        }
        Stmt::Try(s) => {
            push(&s.body);
            for handler in &s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = handler;
                push(&h.body);
            }
            push(&s.orelse);
            push(&s.finalbody);
        }
        Stmt::For(s) => {
            push(&s.body);
            push(&s.orelse);
        }
        Stmt::While(s) => {
            push(&s.body);
            push(&s.orelse);
        }
        Stmt::With(s) => push(&s.body),
        Stmt::Match(s) => {
            for case in &s.cases {
                push(&case.body);
            }
        }
        _ => {}
    }
}

pub(crate) fn leave_compound(state: &mut LockEventsBuilder, stmt: &Stmt) {
    let blocks = &mut state.blocks;
    while blocks
        .last()
        .is_some_and(|(owner, _)| *owner == stmt.start())
    {
        blocks.pop();
    }
}

pub(crate) fn leave_with(state: &mut LockEventsBuilder, with: &ast::StmtWith) {
    let withs = &mut state.withs;
    while withs.last().is_some_and(|w| w.with_start == with.start()) {
        withs.pop();
    }
}

fn acquire(
    cx: &mut Context,
    state: &mut LockEventsBuilder,
    function: ScopeId,
    def: &ast::StmtFunctionDef,
    lock: u32,
    blocking: bool,
    range: ruff_text_size::TextRange,
) {
    let line = cx.locator().row(def.name.start());
    let row = cx.locator().row(range.start());
    let (span, noqa_row) = cx.site(range);
    let semantic = &cx.semantic;
    let builder = &mut *state;
    let mut held = builder.held(function, range.start());
    // `L.acquire()` twice in a row is the hand-shake idiom: the second waits
    // for another thread to release it (a `with` never is).
    if builder.manual.iter().any(|(l, _)| *l == lock) {
        held.retain(|l| *l != lock);
    }
    let ordered = !builder.ordering.is_empty();
    let record = builder.function(semantic, function, line);
    if blocking && !record.acquires().iter().any(|(l, _)| *l == lock) {
        record.locking_mut().acquires.push((lock, row));
    }
    if !held.is_empty() {
        record.locking_mut().held_steps.push(HeldStep {
            step: LockStep::Acquire { lock, blocking },
            held,
            span,
            noqa_row,
            ordered,
        });
    }
}

/// `await L.acquire()`: an asyncio lock taken on this path.
pub(crate) fn on_await(state: &mut LockEventsBuilder, await_expr: &ast::ExprAwait) {
    if let Expr::Call(call) = &*await_expr.value {
        state.awaited = Some(call.range());
    }
}

/// `effects`: the effect events record the methods a sync function calls
/// on inferred receivers (`OwnEffects::value_calls`), which the lock graph
/// follows too; the lock events then name such a call only when a lock is
/// held at it (or in an `async def`, which the effects do not cover).
pub(crate) fn on_call<'a>(
    cx: &mut Context<'a>,
    state: &mut LockEventsBuilder,
    call: &ast::ExprCall,
    resolved: &mut crate::context::Callee<'a>,
    effects: bool,
) {
    let awaited = state.awaited.take();
    let Some((function, def)) = current_function(cx.semantic()) else {
        return;
    };
    if let Expr::Attribute(attr) = &*call.func
        && matches!(attr.attr.as_str(), "acquire" | "release")
    {
        match lock_name(cx, &attr.value) {
            // An asyncio lock's `acquire()` only acquires when awaited
            // (`create_task(lock.acquire())` takes it in another task).
            Some(LockName::Known { .. })
                if cx.lock_for(&attr.value).is_some_and(|l| l.asyncio)
                    && !awaited.is_some_and(|a| a == call.range()) =>
            {
                return;
            }
            Some(name) => {
                let id = state.lock_id(name);
                let at = call.start();
                if attr.attr.as_str() == "acquire" {
                    acquire(
                        cx,
                        state,
                        function,
                        def,
                        id,
                        is_blocking(&call.arguments),
                        call.range(),
                    );
                    let builder = &mut *state;
                    builder.held(function, at);
                    // Held until the end of the branch that took it.
                    let end = builder
                        .blocks
                        .iter()
                        .rev()
                        .find(|(_, block)| block.contains(at))
                        .map_or(def.end(), |(_, block)| block.end());
                    builder.manual.push((id, end));
                } else {
                    let builder = &mut *state;
                    builder.held(function, at);
                    if let Some(i) = builder.manual.iter().rposition(|(l, _)| *l == id) {
                        builder.manual.remove(i);
                    }
                }
                return;
            }
            None if attr.attr.as_str() == "acquire" => {
                state.unknown_acquire = Some(function);
            }
            None => {}
        }
    }
    let named = callee_with(cx.semantic(), &call.func, |_| {
        resolved.name(cx).map(|n| n.as_str().to_string())
    });
    let callee = match named {
        Some(callee) => callee,
        None => {
            // A method of an inferred receiver: named here when a lock may
            // be held at the call, when awaited in an `async def` (an
            // `async with` of an asyncio lock runs in the awaited method),
            // or when the effect events (which name them for sync
            // functions) are off.
            let holding = state.may_hold(function);
            let awaited_here = def.is_async && awaited.is_some_and(|a| a == call.range());
            if !(holding || !effects || awaited_here) {
                return;
            }
            let Some(callee) = value_callee(cx, &call.func, holding) else {
                return;
            };
            callee
        }
    };
    // The site's position is only needed for a call made while holding.
    let held = state.held(function, call.start());
    let line = cx.locator().row(def.name.start());
    let (span, noqa_row) = if held.is_empty() {
        Default::default()
    } else {
        cx.site(call.range())
    };
    let semantic = &cx.semantic;
    let builder = &mut *state;
    let ordered = !builder.ordering.is_empty();
    let callee = builder.callee_id(callee);
    let record = builder.add_call(semantic, function, line, callee);
    if !held.is_empty() {
        record.locking_mut().held_steps.push(HeldStep {
            step: LockStep::Call { callee },
            held,
            span,
            noqa_row,
            ordered,
        });
    }
}

//! PF107: a `threading` lock held across an `await` inside `async def`.
//!
//! What it records during the walk: each `with L:` on a threading lock in an
//! async function opens a [`HeldLock`]; every await point met in the same
//! function while it is open (`await`, `async with`, `async for`, an async
//! comprehension) is added to it; when the walk leaves the `with`, a lock
//! with await points is reported. Nested functions and lambdas are walked
//! after their enclosing scope, so their awaits never land here.

use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::ast::{self, Stmt};
use crate::context::{Check, Context};
use crate::finding::Label;
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::index::Question;
use crate::semantic::model::ScopeId;
use crate::semantic::values::{self, Decision, Val, ValueKind};

pub struct ThreadLockHeldAcrossAwait;

impl<'a> Check<'a> for ThreadLockHeldAcrossAwait {
    type State = Vec<HeldLock>;

    fn answer(
        pending: &crate::finding::Pending,
        question: &crate::semantic::index::Question,
        index: &crate::semantic::index::ProjectIndex,
    ) -> Option<crate::finding::Finding> {
        // A lock value, or a `@contextmanager` call that holds one
        // (`with self.pool.locked():`).
        values::answer_deferred_if(pending, question, |value, kind| {
            index.value_is(value, kind) || index.context_manager_holds(value, kind)
        })
    }
    const STMTS: u64 = kinds::stmt::FOR | kinds::stmt::WITH;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a Stmt) {
        match stmt {
            Stmt::For(_) => await_statement(cx, state, stmt),
            Stmt::With(with) => {
                await_statement(cx, state, stmt);
                enter_with(cx, state, with);
            }
            _ => {}
        }
    }

    #[inline]
    fn after_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a Stmt) {
        if let Stmt::With(with) = stmt {
            leave_with(cx, state, with);
        }
    }

    #[inline]
    fn on_await_point(cx: &mut Context<'a>, state: &mut Self::State, range: TextRange) {
        await_point(cx, state, range);
    }
}

/// A threading lock acquired by a `with` the walk is inside of.
pub struct HeldLock {
    /// The `with` statement that holds it.
    with_start: TextSize,
    /// The function whose awaits count.
    function: ScopeId,
    item: TextRange,
    /// `self._lock` (a `threading.Lock`).
    what: String,
    type_name: String,
    await_points: Vec<TextRange>,
    /// A lock through a value the project index must confirm
    /// (`self.ledger.lock`).
    ask: Option<Val>,
}

pub(crate) fn enter_with(cx: &mut Context, state: &mut Vec<HeldLock>, with: &ast::StmtWith) {
    if with.is_async || !cx.semantic().in_async_function() {
        return;
    }
    let Some(function) = cx.semantic().function_scope_id() else {
        return;
    };
    for item in &with.items {
        let (type_name, ask) = match cx.lock_for(&item.context_expr) {
            Some(lock) if lock.asyncio => continue,
            Some(lock) => (lock.type_name(), None),
            // Any value inferred to be a threading lock (RULES.md "Values").
            None => {
                let call = match &item.context_expr {
                    ast::Expr::Call(call) => Some(call),
                    _ => None,
                };
                // A call with arguments gives a lock per call at best
                // (`lock_for(key)`).
                if call.is_some_and(|c| !c.arguments.is_empty()) {
                    continue;
                }
                match values::decide(cx.semantic(), &item.context_expr, ValueKind::ThreadLock) {
                    Decision::No => continue,
                    // A lock created in the `with` item itself
                    // (`threading.Lock()`) is nobody else's.
                    Decision::Yes if call.is_some() => continue,
                    Decision::Yes => ("threading lock".to_string(), None),
                    // An in-project factory's lock (`with registry_lock():`).
                    Decision::Ask(value) => ("threading lock".to_string(), Some(value)),
                }
            }
        };
        let what = cx.locator().text()[item.context_expr.range()].to_string();
        state.push(HeldLock {
            with_start: with.start(),
            function,
            item: item.context_expr.range(),
            what,
            type_name,
            await_points: Vec::new(),
            ask,
        });
    }
}

/// An `await`, `async with`, `async for` or async comprehension at `range`.
pub(crate) fn await_point(cx: &mut Context, state: &mut Vec<HeldLock>, range: TextRange) {
    if state.is_empty() {
        return;
    }
    let function = cx.semantic().function_scope_id();
    for held in state {
        if Some(held.function) == function {
            held.await_points.push(range);
        }
    }
}

pub(crate) fn leave_with(cx: &mut Context, state: &mut Vec<HeldLock>, with: &ast::StmtWith) {
    let start = with.start();
    let mut closed = Vec::new();
    while state.last().is_some_and(|h| h.with_start == start) {
        closed.push(state.pop().expect("checked"));
    }
    closed.reverse();
    for held in closed {
        if held.await_points.is_empty() {
            continue;
        }
        let function = cx
            .semantic()
            .current_function()
            .map_or("?", |f| f.name.as_str())
            .to_string();
        let spans: Vec<_> = held
            .await_points
            .iter()
            .map(|&point| cx.locator().span(point))
            .collect();
        let count = spans.len();
        let points = if count == 1 {
            "an await point".to_string()
        } else {
            format!("{count} await points")
        };
        let finding = cx.report(
            Rule::ThreadLockHeldAcrossAwait,
            held.item,
            format!(
                "`{}` (a `{}`) is held across {points} inside `async def {function}`: a task that waits for it blocks the event loop thread, and the holder can never resume to release it",
                held.what, held.type_name
            ),
        );
        let acquired = finding.span;
        finding.labels.push(Label {
            span: acquired,
            message: format!("`{}` acquired here", held.type_name),
        });
        finding.labels.extend(spans.into_iter().map(|span| Label {
            span,
            message: "held across this await".to_string(),
        }));
        if let Some(value) = held.ask {
            cx.defer_last_finding(Question::new(&values::ValueIs {
                value,
                kind: ValueKind::ThreadLock,
            }));
        }
    }
}

/// `async with` / `async for` statements are await points.
pub(crate) fn await_statement(cx: &mut Context, state: &mut Vec<HeldLock>, stmt: &Stmt) {
    match stmt {
        Stmt::With(with) if with.is_async => {
            let end = with.items.first().map_or(with.start(), |i| i.end());
            await_point(
                cx,
                state,
                TextRange::new(with.start(), end.max(with.start())),
            );
        }
        Stmt::For(for_stmt) if for_stmt.is_async => {
            await_point(
                cx,
                state,
                TextRange::new(for_stmt.start(), for_stmt.iter.end()),
            );
        }
        _ => {}
    }
}

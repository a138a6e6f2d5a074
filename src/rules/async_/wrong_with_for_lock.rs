//! PF111: `with` on an asyncio lock, or `async with` on a threading lock.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::index::Question;
use crate::semantic::locks::{LockRef, lock_constructor};
use crate::semantic::values::{self, Decision, Val, ValueKind};

pub struct WrongWithForLock;

impl<'a> Check<'a> for WrongWithForLock {
    type State = ();

    fn answer(
        pending: &crate::finding::Pending,
        question: &crate::semantic::index::Question,
        index: &crate::semantic::index::ProjectIndex,
    ) -> Option<crate::finding::Finding> {
        crate::semantic::values::answer_deferred(pending, question, index)
    }
    const STMTS: u64 = kinds::stmt::WITH;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::With(with) = stmt {
            check(cx, with);
        }
    }
}

pub(crate) fn check(cx: &mut Context, with: &ast::StmtWith) {
    for item in &with.items {
        let expr = &item.context_expr;
        if with.is_async {
            let (type_name, ask) = match lock(cx, expr) {
                Some(lock) if lock.asyncio => continue,
                Some(lock) => (format!("`{}`", lock.type_name()), None),
                None => match inferred(cx, expr, ValueKind::ThreadLock) {
                    Some(ask) => ("`threading` lock".to_string(), ask),
                    None => continue,
                },
            };
            let name = display(cx, expr);
            cx.report(
                Rule::WrongWithForLock,
                expr.range(),
                format!(
                    "`async with` on {name}, a {type_name}: it has no `__aenter__`, so this raises TypeError; use `with`, or an `asyncio` lock"
                ),
            );
            if let Some(value) = ask {
                cx.defer_last_finding(Question::new(&values::ValueIs {
                    value,
                    kind: ValueKind::ThreadLock,
                }));
            }
            continue;
        }
        // `with (await lock):` / `with (yield from lock):`, removed in 3.9.
        let (inner, idiom) = match expr {
            Expr::Await(a) => (&*a.value, Some("with (await ...)")),
            Expr::YieldFrom(y) => (&*y.value, Some("with (yield from ...)")),
            other => (other, None),
        };
        let (type_name, ask) = match lock(cx, inner) {
            Some(lock) if !lock.asyncio => continue,
            Some(lock) => (format!("`{}`", lock.type_name()), None),
            None if !cx.semantic().in_async_function() => continue,
            None => match inferred(cx, inner, ValueKind::AsyncioLock) {
                Some(ask) => ("`asyncio` lock".to_string(), ask),
                None => continue,
            },
        };
        let name = display(cx, inner);
        let message = match idiom {
            Some(idiom) => format!(
                "`{idiom}` on {name}, an {type_name}: this idiom was removed in Python 3.9 and raises TypeError; use `async with`"
            ),
            None => format!(
                "`with` on {name}, an {type_name}: it only supports `async with`, so this raises TypeError"
            ),
        };
        cx.report(Rule::WrongWithForLock, expr.range(), message);
        if let Some(value) = ask {
            cx.defer_last_finding(Question::new(&values::ValueIs {
                value,
                kind: ValueKind::AsyncioLock,
            }));
        }
    }
}

/// A known lock, or a lock constructed right in the `with` item.
fn lock(cx: &Context, expr: &Expr) -> Option<LockRef> {
    if let Some(lock) = cx.lock_for(expr) {
        return Some(lock);
    }
    let semantic = cx.semantic();
    let (kind, asyncio) = lock_constructor(semantic, semantic.current_scope_id(), expr)?;
    Some(LockRef {
        id: String::new(),
        kind,
        asyncio,
        scope: crate::semantic::index::LockScope::Local,
    })
}

/// A lock of this kind through the values (RULES.md "Values": a parameter
/// annotated `asyncio.Lock`, `self.ledger.lock`): `Some(None)` when the file
/// knows, `Some(Some(value))` when the project index must confirm. A lock
/// created in the item itself is `lock`'s.
fn inferred(cx: &Context, expr: &Expr, kind: ValueKind) -> Option<Option<Val>> {
    // An in-project factory without arguments may return a shared lock
    // (`with get_lock():`); a library constructor in the item is `lock`'s.
    let call = matches!(expr, Expr::Call(_));
    if matches!(expr, Expr::Call(c) if !c.arguments.is_empty()) {
        return None;
    }
    match values::decide(cx.semantic(), expr, kind) {
        Decision::No => None,
        Decision::Yes if call => None,
        Decision::Yes => Some(None),
        Decision::Ask(value) => Some(Some(value)),
    }
}

/// The lock as written (`self._lock`, `asyncio.Lock()`).
fn display(cx: &Context, expr: &Expr) -> String {
    format!("`{}`", &cx.locator().text()[expr.range()])
}

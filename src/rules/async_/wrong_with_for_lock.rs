//! PF111: `with` on an asyncio lock, or `async with` on a threading lock.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::locks::{LockRef, lock_constructor};

pub struct WrongWithForLock;

impl<'a> Check<'a> for WrongWithForLock {
    type State = ();
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
            if let Some(lock) = lock(cx, expr).filter(|l| !l.asyncio) {
                let name = display(cx, expr);
                cx.report(
                    Rule::WrongWithForLock,
                    expr.range(),
                    format!(
                        "`async with` on {name}, a `{}`: it has no `__aenter__`, so this raises TypeError; use `with`, or an `asyncio` lock",
                        lock.type_name()
                    ),
                );
            }
            continue;
        }
        // `with (await lock):` / `with (yield from lock):`, removed in 3.9.
        let (inner, idiom) = match expr {
            Expr::Await(a) => (&*a.value, Some("with (await ...)")),
            Expr::YieldFrom(y) => (&*y.value, Some("with (yield from ...)")),
            other => (other, None),
        };
        let Some(lock) = lock(cx, inner).filter(|l| l.asyncio) else {
            continue;
        };
        let name = display(cx, inner);
        let message = match idiom {
            Some(idiom) => format!(
                "`{idiom}` on {name}, an `{}`: this idiom was removed in Python 3.9 and raises TypeError; use `async with`",
                lock.type_name()
            ),
            None => format!(
                "`with` on {name}, an `{}`: it only supports `async with`, so this raises TypeError",
                lock.type_name()
            ),
        };
        cx.report(Rule::WrongWithForLock, expr.range(), message);
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

/// The lock as written (`self._lock`, `asyncio.Lock()`).
fn display(cx: &Context, expr: &Expr) -> String {
    format!("`{}`", &cx.locator().text()[expr.range()])
}

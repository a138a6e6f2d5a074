//! PF204: a process, pool or process executor created at module level,
//! outside `if __name__ == "__main__":`.

use ruff_text_size::{Ranged, TextSize};

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::{QualifiedName, ScopeKind};

pub struct ProcessWithoutMainGuard;

impl<'a> Check<'a> for ProcessWithoutMainGuard {
    type State = Vec<TextSize>;
    const STMTS: u64 = kinds::stmt::IF;

    #[inline]
    fn on_stmt(_: &mut Context<'a>, state: &mut Self::State, stmt: &'a ast::Stmt) {
        if let ast::Stmt::If(if_stmt) = stmt {
            enter_if(state, if_stmt);
        }
    }

    #[inline]
    fn after_stmt(_: &mut Context<'a>, state: &mut Self::State, stmt: &'a ast::Stmt) {
        if let ast::Stmt::If(if_stmt) = stmt {
            leave_if(state, if_stmt.start());
        }
    }

    #[inline]
    fn on_call(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        call: &'a ast::ExprCall,
        callee: &mut Callee<'a>,
    ) {
        if let Some(name) = callee.name(cx) {
            check(cx, state, call, name);
        }
    }
}

const CREATORS: &[&str] = &[
    "multiprocessing.Process",
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
];

/// Is `test` `__name__ == "__main__"` (either way round)?
pub(crate) fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let ([op], [right]) = (&compare.ops[..], &compare.comparators[..]) else {
        return false;
    };
    if !matches!(op, ast::CmpOp::Eq) {
        return false;
    }
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (is_name(&compare.left) && is_main(right)) || (is_main(&compare.left) && is_name(right))
}

/// The walk enters an `if`: remember a `__main__` guard.
pub(crate) fn enter_if(state: &mut Vec<TextSize>, stmt: &ast::StmtIf) {
    if is_main_guard(&stmt.test) {
        state.push(stmt.start());
    }
}

pub(crate) fn leave_if(state: &mut Vec<TextSize>, start: TextSize) {
    if state.last() == Some(&start) {
        state.pop();
    }
}

pub(crate) fn check(
    cx: &mut Context,
    main_guards: &[TextSize],
    call: &ast::ExprCall,
    name: &QualifiedName,
) {
    if !name.is_any(CREATORS) || !main_guards.is_empty() {
        return;
    }
    // Module level: no function, lambda or class body around the call.
    let semantic = cx.semantic();
    let mut scope = Some(semantic.current_scope_id());
    while let Some(id) = scope {
        let s = semantic.scope(id);
        if !matches!(s.kind, ScopeKind::Module | ScopeKind::Comprehension) {
            return;
        }
        scope = s.parent;
    }
    cx.report(
        Rule::ProcessWithoutMainGuard,
        call.range(),
        format!(
            "`{name}(...)` at module level, outside `if __name__ == \"__main__\":`: with the spawn start method (macOS, Windows, Linux from Python 3.14) every child re-imports this module and runs this again"
        ),
    );
}

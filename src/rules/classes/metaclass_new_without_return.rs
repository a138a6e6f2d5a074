//! PF701: a metaclass `__new__` with a path that does not return the class.

use ruff_text_size::Ranged;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::rules::classes::{is_metaclass, methods};
use crate::semantic::flow::{can_complete, ends_path};

pub struct MetaclassNewWithoutReturn;

impl<'a> Check<'a> for MetaclassNewWithoutReturn {
    type State = ();
    const STMTS: u64 = kinds::stmt::CLASS_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::ClassDef(class) = stmt {
            check(cx, class);
        }
    }
}

pub(crate) fn check(cx: &mut Context, class: &ast::StmtClassDef) {
    let semantic = cx.semantic();
    let Some(new) = methods(class)
        .filter(|d| d.name.as_str() == "__new__")
        .last()
    else {
        return;
    };
    if !is_metaclass(semantic, class) || is_stub(new) {
        return;
    }
    // `@overload` signatures and other decorated `__new__`s are not the
    // method itself; `@staticmethod` is what `__new__` already is.
    if new.decorator_list.iter().any(|d| {
        !semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is("builtins.staticmethod"))
    }) {
        return;
    }
    let mut returns = Returns {
        none_returns: Vec::new(),
        yields: false,
    };
    returns.visit_body(&new.body);
    if returns.yields {
        return;
    }
    let falls_off = can_complete(&new.body, |stmt| ends_path(semantic, stmt));
    let mut findings = Vec::new();
    for range in returns.none_returns {
        findings.push((
            range,
            format!(
                "metaclass `{}.__new__` returns `None` here: every class created through this path becomes `None`",
                class.name
            ),
        ));
    }
    if falls_off {
        findings.push((
            new.name.range(),
            format!(
                "metaclass `{}.__new__` can reach its end without returning the class: every class created through that path becomes `None`",
                class.name
            ),
        ));
    }
    for (range, message) in findings {
        cx.report(Rule::MetaclassNewWithoutReturn, range, message);
    }
}

/// `def __new__(...): ...` (or only a docstring): a signature, not code.
fn is_stub(def: &ast::StmtFunctionDef) -> bool {
    def.body.iter().all(|stmt| match stmt {
        Stmt::Expr(e) => matches!(&*e.value, Expr::EllipsisLiteral(_) | Expr::StringLiteral(_)),
        _ => false,
    })
}

/// Bare `return` and `return None`, outside nested functions and classes.
struct Returns {
    none_returns: Vec<ruff_text_size::TextRange>,
    yields: bool,
}

impl<'a> Visitor<'a> for Returns {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(ret) => {
                if matches!(ret.value.as_deref(), None | Some(Expr::NoneLiteral(_))) {
                    self.none_returns.push(ret.range());
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Yield(_) | Expr::YieldFrom(_) => self.yields = true,
            _ => visitor::walk_expr(self, expr),
        }
    }
}

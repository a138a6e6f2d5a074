//! PF404: an `__exit__` that returns a truthy constant without looking at
//! the exception.

use ruff_text_size::Ranged;
use rustc_hash::FxHashSet;

use crate::ast::helpers::any_over_expr;
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;

pub struct ExitSwallowsExceptions;

impl<'a> Check<'a> for ExitSwallowsExceptions {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, def);
        }
    }
}

pub(crate) fn check(cx: &mut Context, def: &ast::StmtFunctionDef) {
    let name = def.name.as_str();
    // `async def __exit__` returns a coroutine (always true) and a plain
    // `def __aexit__` an awaited value: both are PF405's broken protocols.
    let protocol = matches!(
        (name, def.is_async),
        ("__exit__", false) | ("__aexit__", true)
    );
    if !protocol || !super::is_method(cx) {
        return;
    }
    let exception = exception_names(def);
    let mut returns = Vec::new();
    unguarded_truthy_returns(&def.body, false, &exception, &mut returns);
    for stmt in returns {
        cx.report(
            Rule::ExitSwallowsExceptions,
            stmt.range(),
            format!(
                "`{name}` returns a true value without testing the exception: every exception raised in the `with` body is silenced"
            ),
        );
    }
}

/// The exception parameters (everything after `self`, `*args` included)
/// and the local names assigned from them.
fn exception_names(def: &ast::StmtFunctionDef) -> FxHashSet<&str> {
    let p = &def.parameters;
    let mut names: FxHashSet<&str> = p
        .posonlyargs
        .iter()
        .chain(&p.args)
        .skip(1)
        .chain(&p.kwonlyargs)
        .map(|p| p.parameter.name.as_str())
        .chain(p.vararg.iter().map(|v| v.name.as_str()))
        .collect();
    loop {
        let before = names.len();
        derived_names(&def.body, &mut names);
        if names.len() == before {
            return names;
        }
    }
}

/// `handled = self.handle(exc)`: `handled` is about the exception too.
fn derived_names<'a>(body: &'a [Stmt], names: &mut FxHashSet<&'a str>) {
    for stmt in body {
        match stmt {
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) if mentions(value, names) => {
                for target in targets {
                    if let Expr::Name(n) = target {
                        names.insert(n.id.as_str());
                    }
                }
            }
            Stmt::If(ast::StmtIf {
                body,
                elif_else_clauses,
                ..
            }) => {
                derived_names(body, names);
                for clause in elif_else_clauses {
                    derived_names(&clause.body, names);
                }
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                ..
            }) => {
                derived_names(body, names);
                for handler in handlers {
                    // `except BaseException as exc`: the exception being
                    // handled may be the `with` body's, re-raised.
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(name) = &handler.name {
                        names.insert(name.as_str());
                    }
                    derived_names(&handler.body, names);
                }
                derived_names(orelse, names);
            }
            Stmt::For(ast::StmtFor { body, orelse, .. })
            | Stmt::While(ast::StmtWhile { body, orelse, .. }) => {
                derived_names(body, names);
                derived_names(orelse, names);
            }
            Stmt::With(ast::StmtWith { body, .. }) => derived_names(body, names),
            _ => {}
        }
    }
}

fn mentions(expr: &Expr, names: &FxHashSet<&str>) -> bool {
    any_over_expr(
        expr,
        |e| matches!(e, Expr::Name(n) if names.contains(n.id.as_str())),
    )
}

/// `return True` (or another true constant) reached without passing a test
/// of the exception: neither inside such an `if`, nor after one
/// (`if exc_type is None: return`).
fn unguarded_truthy_returns<'a>(
    body: &'a [Stmt],
    mut guarded: bool,
    exception: &FxHashSet<&str>,
    out: &mut Vec<&'a Stmt>,
) {
    for stmt in body {
        match stmt {
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) if !guarded && is_truthy_constant(value) => out.push(stmt),
            Stmt::If(ast::StmtIf {
                test,
                body,
                elif_else_clauses,
                ..
            }) => {
                let tests = mentions(test, exception)
                    || elif_else_clauses
                        .iter()
                        .filter_map(|c| c.test.as_ref())
                        .any(|t| mentions(t, exception));
                unguarded_truthy_returns(body, guarded || tests, exception, out);
                for clause in elif_else_clauses {
                    unguarded_truthy_returns(&clause.body, guarded || tests, exception, out);
                }
                // A test before the return guards it too: `if exc_type is
                // None: fail(...)` may leave through a call that raises.
                guarded |= tests;
            }
            Stmt::Assert(ast::StmtAssert { test, .. }) => guarded |= mentions(test, exception),
            Stmt::While(ast::StmtWhile {
                test, body, orelse, ..
            }) => {
                let tests = mentions(test, exception);
                unguarded_truthy_returns(body, guarded || tests, exception, out);
                unguarded_truthy_returns(orelse, guarded || tests, exception, out);
            }
            Stmt::Match(ast::StmtMatch { subject, cases, .. }) => {
                let tests = mentions(subject, exception);
                for case in cases {
                    unguarded_truthy_returns(&case.body, guarded || tests, exception, out);
                }
            }
            Stmt::For(ast::StmtFor { body, orelse, .. }) => {
                unguarded_truthy_returns(body, guarded, exception, out);
                unguarded_truthy_returns(orelse, guarded, exception, out);
            }
            Stmt::With(ast::StmtWith { body, .. }) => {
                unguarded_truthy_returns(body, guarded, exception, out);
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            }) => {
                unguarded_truthy_returns(body, guarded, exception, out);
                for handler in handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    unguarded_truthy_returns(&handler.body, guarded, exception, out);
                }
                unguarded_truthy_returns(orelse, guarded, exception, out);
                unguarded_truthy_returns(finalbody, guarded, exception, out);
            }
            _ => {}
        }
    }
}

fn is_truthy_constant(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(b) => b.value,
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => *i != 0,
            ast::Number::Float(f) => *f != 0.0,
            ast::Number::Complex { real, imag } => *real != 0.0 || *imag != 0.0,
        },
        Expr::StringLiteral(s) => !s.value.is_empty(),
        Expr::BytesLiteral(b) => !b.value.is_empty(),
        _ => false,
    }
}

//! PF100: a coroutine function called and its coroutine dropped (or only
//! truth-tested, or returned un-awaited from an `async def`). Project-wide:
//! callees defined in this file are judged at the end of the file; callees
//! reached through imports are questions for the project index.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::finding::{Finding, Pending, PendingContext};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::QualifiedName;
use crate::semantic::index::{ProjectIndex, Question};
use crate::semantic::model::BindingKind;
use crate::semantic::values;

use super::unawaited_callee::{
    Asks, Candidate, SUPER, Site, attribute_text, is_self_or_cls, local_candidate, method_call,
};
use super::unawaited_verdict::{self, message};

pub struct UnawaitedCoroutine;

impl<'a> Check<'a> for UnawaitedCoroutine {
    type State = Vec<Candidate<'a>>;
    const STMTS: u64 = kinds::stmt::EXPR
        | kinds::stmt::IF
        | kinds::stmt::WHILE
        | kinds::stmt::ASSERT
        | kinds::stmt::RETURN;
    const EXPRS: u64 = kinds::expr::UNARY_OP | kinds::expr::IF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a ast::Stmt) {
        match stmt {
            ast::Stmt::Expr(ast::StmtExpr { value, .. }) => {
                if let Expr::Call(call) = &**value {
                    // The call is what the walk visits next: its callee
                    // need not be resolved again.
                    let resolved = check_call(cx, state, call, Usage::Discarded);
                    cx.remember_callee(&call.func, resolved);
                }
            }
            ast::Stmt::If(ast::StmtIf {
                test,
                elif_else_clauses,
                ..
            }) => {
                let tests = std::iter::once(&**test)
                    .chain(elif_else_clauses.iter().filter_map(|c| c.test.as_ref()));
                for test in tests {
                    truth_tested(cx, state, test);
                }
            }
            ast::Stmt::While(ast::StmtWhile { test, .. })
            | ast::Stmt::Assert(ast::StmtAssert { test, .. }) => truth_tested(cx, state, test),
            ast::Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                if cx.semantic().in_async_function()
                    && let Expr::Call(call) = &**value
                {
                    let resolved = check_call(cx, state, call, Usage::Returned);
                    cx.remember_callee(&call.func, resolved);
                }
            }
            _ => {}
        }
    }

    #[inline]
    fn on_expr(cx: &mut Context<'a>, state: &mut Self::State, expr: &'a Expr) {
        match expr {
            // `not f()`, `x if f() else y`: only the truth value is used.
            Expr::UnaryOp(ast::ExprUnaryOp {
                op: ast::UnaryOp::Not,
                operand,
                ..
            }) => {
                if let Expr::Call(call) = &**operand {
                    check_call(cx, state, call, Usage::TruthTested);
                }
            }
            Expr::If(ast::ExprIf { test, .. }) => truth_tested(cx, state, test),
            _ => {}
        }
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, state: &mut Self::State) {
        unawaited_verdict::check_candidates(cx, state);
    }

    fn answer(pending: &Pending, question: &Question, index: &ProjectIndex) -> Option<Finding> {
        unawaited_verdict::answer(pending, question, index)
    }
}

/// asyncio's own coroutine functions.
const KNOWN: &[&str] = &[
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.wait",
    "asyncio.open_connection",
    "asyncio.start_server",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.to_thread",
];

/// How the call's result is used.
#[derive(Clone, Copy, Debug)]
pub enum Usage {
    /// An expression statement.
    Discarded,
    /// `if f():`, `while f():`, `not f()`.
    TruthTested,
    /// `return f()` inside an `async def`.
    Returned,
}

fn context(usage: Usage, cx: &Context) -> Site {
    match usage {
        Usage::Discarded => Site::Discarded,
        Usage::TruthTested => Site::TruthTested,
        Usage::Returned => Site::ReturnedFrom(
            cx.semantic()
                .current_function()
                .map_or("?", |f| f.name.as_str())
                .into(),
        ),
    }
}

pub(crate) fn check_call<'a>(
    cx: &mut Context<'a>,
    state: &mut Vec<Candidate<'a>>,
    call: &'a ast::ExprCall,
    usage: Usage,
) -> Option<QualifiedName> {
    // Resolved once: the known coroutine functions, then `db.fetch()`.
    let resolved = cx.semantic().resolve_qualified_name(&call.func);
    check_resolved(cx, state, call, usage, resolved.as_ref());
    resolved
}

/// [`check_call`] with the callee resolved (`resolved`).
fn check_resolved<'a>(
    cx: &mut Context<'a>,
    state: &mut Vec<Candidate<'a>>,
    call: &'a ast::ExprCall,
    usage: Usage,
    resolved: Option<&QualifiedName>,
) {
    let semantic = cx.semantic();
    if let Some(name) = resolved
        && name.is_any(KNOWN)
    {
        let text = message(name.as_str(), &context(usage, cx), None);
        cx.report(Rule::UnawaitedCoroutine, call.range(), text);
        return;
    }
    match &*call.func {
        Expr::Name(name) => {
            let Some(id) = semantic.lookup(name.id.as_str()) else {
                return;
            };
            let binding = semantic.binding(id);
            match binding.kind {
                BindingKind::FunctionDef(def) if def.is_async => {
                    let ctx = context(usage, cx);
                    local_candidate(cx, state, def, call, name.id.as_str(), ctx);
                }
                BindingKind::Import => {
                    if let Some(qualified) = semantic.resolve_name(name.id.as_str()) {
                        let question = Asks::IsCoroutineFunction {
                            callee: &qualified.to_string(),
                        };
                        let ctx = context(usage, cx);
                        cx.ask(
                            Rule::UnawaitedCoroutine,
                            Question::new(&question),
                            call.range(),
                            Some(name.id.as_str()),
                            PendingContext::data(&ctx),
                        );
                    }
                }
                _ => {}
            }
        }
        Expr::Attribute(attr) => {
            let method = attr.attr.as_str();
            match &*attr.value {
                // `self.m()` / `cls.m()` in a method.
                Expr::Name(receiver) if is_self_or_cls(semantic, receiver.id.as_str()) => {
                    let ctx = context(usage, cx);
                    method_call(cx, state, call, method, receiver.id.as_str(), ctx);
                }
                // `super().m()`.
                Expr::Call(inner)
                    if matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "super")
                        && semantic
                            .resolve_name("super")
                            .is_some_and(|n| n.is("builtins.super")) =>
                {
                    let ctx = context(usage, cx);
                    method_call(cx, state, call, method, SUPER, ctx);
                }
                _ => {
                    // `db.fetch()` after `from .store import db`, `Class.m()`.
                    if let Some(qualified) = resolved {
                        let shown = attribute_text(attr).unwrap_or_else(|| qualified.to_string());
                        let question = Asks::IsCoroutineFunction {
                            callee: &qualified.to_string(),
                        };
                        let ctx = context(usage, cx);
                        cx.ask(
                            Rule::UnawaitedCoroutine,
                            Question::new(&question),
                            call.range(),
                            Some(&shown),
                            PendingContext::data(&ctx),
                        );
                    } else if let Some(receiver) =
                        values::value_of(semantic, semantic.current_scope_id(), &attr.value)
                    {
                        // `self.client.fetch()`, `c.fetch()` for `c: Client`,
                        // `make_client().fetch()` (RULES.md "Values").
                        let shown = cx.locator().text()[attr.range()].to_string();
                        let question = Asks::AsyncMethodOn { receiver, method };
                        let ctx = context(usage, cx);
                        cx.ask(
                            Rule::UnawaitedCoroutine,
                            Question::new(&question),
                            call.range(),
                            Some(&shown),
                            PendingContext::data(&ctx),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}

/// Checks the calls whose only use is their truth value in `test`.
fn truth_tested<'a>(cx: &mut Context<'a>, state: &mut Vec<Candidate<'a>>, test: &'a Expr) {
    let mut calls = Vec::new();
    truth_tested_calls(test, &mut calls);
    for call in calls {
        check_call(cx, state, call, Usage::TruthTested);
    }
}

/// The calls whose truth value is all that is used in a statement's test:
/// `if f():`, `while a and f():`. (`not f()` anywhere is reported from the
/// `not` itself.)
pub(crate) fn truth_tested_calls<'a>(test: &'a Expr, out: &mut Vec<&'a ast::ExprCall>) {
    match test {
        Expr::Call(call) => out.push(call),
        Expr::BoolOp(op) => {
            for value in &op.values {
                truth_tested_calls(value, out);
            }
        }
        _ => {}
    }
}

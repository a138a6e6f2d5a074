//! PF100: a coroutine function called and its coroutine dropped (or only
//! truth-tested, or returned un-awaited from an `async def`). Project-wide:
//! callees defined in this file are judged at the end of the file; callees
//! reached through imports are questions for the project index.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{self, Expr};
use crate::checker::Checker;
use crate::report::{Finding, Pending, PendingContext};
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::index::{Definition, KEEPS_COROUTINE, ProjectIndex, Question};
use crate::semantic::model::BindingKind;
use crate::semantic::values::{self, Val};
use crate::semantic::{ScopeKind, SemanticModel};

pub const META: RuleMeta = RuleMeta {
    code: "PF100",
    name: "unawaited-coroutine",
    default_on: true,
    fix: FixAvailability::None,
    summary: "a coroutine function called without `await`",
    doc: include_str!("../../../rules/PF100.md"),
};

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

/// A call of an `async def` of this file, judged once every body is walked
/// (an `async def` with a `yield` is an async generator, not a coroutine).
pub struct Candidate<'a> {
    def: &'a ast::StmtFunctionDef,
    call: TextRange,
    statement: Option<TextRange>,
    callee: Box<str>,
    context: PendingContext,
}

fn message(callee: &str, context: &PendingContext, definition: Option<&str>) -> String {
    let defined = definition
        .map(|d| format!(" (defined at {d})"))
        .unwrap_or_default();
    match context {
        PendingContext::Discarded => {
            format!(
                "coroutine function `{callee}`{defined} is called but not awaited: the coroutine never runs"
            )
        }
        PendingContext::TruthTested => format!(
            "coroutine function `{callee}`{defined} is only truth-tested: a coroutine object is always true and never runs"
        ),
        PendingContext::ReturnedFrom(function) => format!(
            "`async def {function}` returns the coroutine of `{callee}`{defined} un-awaited: its caller's `await` gets a coroutine object, not the result"
        ),
        // Not a context this rule asks with.
        PendingContext::Decorates { .. } | PendingContext::Finding(_) => String::new(),
    }
}

fn context(usage: Usage, cx: &Checker) -> PendingContext {
    match usage {
        Usage::Discarded => PendingContext::Discarded,
        Usage::TruthTested => PendingContext::TruthTested,
        Usage::Returned => PendingContext::ReturnedFrom(
            cx.semantic()
                .current_function()
                .map_or("?", |f| f.name.as_str())
                .into(),
        ),
    }
}

pub(crate) fn check_call<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall, usage: Usage) {
    let semantic = cx.semantic();
    if let Some(name) = semantic.resolve_qualified_name(&call.func)
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
                    local_candidate(cx, def, call, name.id.as_str(), ctx);
                }
                BindingKind::Import => {
                    if let Some(qualified) = semantic.resolve_name(name.id.as_str()) {
                        let question = Question::IsCoroutineFunction {
                            callee: qualified.to_string(),
                        };
                        let ctx = context(usage, cx);
                        cx.ask(
                            Rule::UnawaitedCoroutine,
                            question,
                            call.range(),
                            Some(name.id.as_str()),
                            ctx,
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
                    let callee = format!("{}.{method}", receiver.id);
                    let ctx = context(usage, cx);
                    method_call(cx, call, method, false, &callee, ctx);
                }
                // `super().m()`.
                Expr::Call(inner)
                    if matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "super")
                        && semantic
                            .resolve_name("super")
                            .is_some_and(|n| n.is("builtins.super")) =>
                {
                    let ctx = context(usage, cx);
                    method_call(cx, call, method, true, &format!("super().{method}"), ctx);
                }
                _ => {
                    // `db.fetch()` after `from .store import db`, `Class.m()`;
                    // a module-level instance is answered by its value.
                    if let Some(qualified) = semantic.resolve_qualified_name(&call.func) {
                        let shown = attribute_text(attr).unwrap_or_else(|| qualified.to_string());
                        let question = Question::IsCoroutineFunction {
                            callee: qualified.to_string(),
                        };
                        let ctx = context(usage, cx);
                        cx.ask(
                            Rule::UnawaitedCoroutine,
                            question,
                            call.range(),
                            Some(&shown),
                            ctx,
                        );
                    } else if let Some(receiver) =
                        values::value_of(semantic, semantic.current_scope_id(), &attr.value)
                    {
                        // `self.client.fetch()`, `c.fetch()` for `c: Client`,
                        // `make_client().fetch()` (RULES.md "Values").
                        let shown = cx.locator().text()[attr.range()].to_string();
                        let question = Question::AsyncMethodOn {
                            receiver,
                            method: method.to_string(),
                        };
                        let ctx = context(usage, cx);
                        cx.ask(
                            Rule::UnawaitedCoroutine,
                            question,
                            call.range(),
                            Some(&shown),
                            ctx,
                        );
                    }
                }
            }
        }
        _ => {}
    }
}

fn attribute_text(attr: &ast::ExprAttribute) -> Option<String> {
    match &*attr.value {
        Expr::Name(n) => Some(format!("{}.{}", n.id, attr.attr)),
        Expr::Attribute(inner) => attribute_text(inner).map(|t| format!("{t}.{}", attr.attr)),
        _ => None,
    }
}

/// Is `name` the first parameter of the method we are in?
fn is_self_or_cls(semantic: &SemanticModel, name: &str) -> bool {
    let Some(function) = semantic.current_function() else {
        return false;
    };
    if semantic.enclosing_class().is_none() {
        return false;
    }
    let Some(id) = semantic.lookup(name) else {
        return false;
    };
    let binding = semantic.binding(id);
    if !matches!(binding.kind, BindingKind::Parameter(_)) {
        return false;
    }
    let is_static = function.decorator_list.iter().any(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is("builtins.staticmethod"))
    });
    !is_static
        && function
            .parameters
            .iter_non_variadic_params()
            .next()
            .is_some_and(|p| p.parameter.name.as_str() == name)
        && matches!(semantic.scope(binding.scope).kind, ScopeKind::Function(f) if std::ptr::eq(f, function))
}

/// `self.m()`: the class's own `m` decides when it has one; otherwise (or
/// for `super().m()`) the project index looks through the bases.
fn method_call<'a>(
    cx: &mut Checker<'a>,
    call: &'a ast::ExprCall,
    method: &str,
    inherited: bool,
    callee: &str,
    ctx: PendingContext,
) {
    let semantic = cx.semantic();
    let Some(class) = semantic.enclosing_class() else {
        return;
    };
    if !inherited
        && let Some(&scope) = cx.def_scopes.get(&class.range().start())
        && let Some(id) = semantic.binding_in_scope(scope, method)
    {
        match semantic.binding(id).kind {
            BindingKind::FunctionDef(def) if def.is_async => {
                local_candidate(cx, def, call, callee, ctx);
                return;
            }
            // A sync method, or an attribute: not a coroutine here.
            _ => return,
        }
    }
    // Bases: only a module-level class has a name the index knows.
    let class_is_global = semantic
        .lookup_from(crate::semantic::model::MODULE_SCOPE, class.name.as_str())
        .is_some_and(|id| matches!(semantic.binding(id).kind, BindingKind::ClassDef(c) if std::ptr::eq(c, class)));
    if class_is_global {
        let qualified = semantic.resolve_name_at_module(class.name.as_str());
        // `self.m` / `super().m` is rebuilt from the question when answered:
        // test suites ask this at every `self.assertEqual(...)`.
        let derived = if inherited {
            format!("super().{method}")
        } else {
            format!("self.{method}")
        };
        let subject = (callee != derived).then_some(callee);
        let question = Question::IsAsyncMethod {
            class: qualified,
            method: method.to_string(),
            inherited,
        };
        cx.ask(
            Rule::UnawaitedCoroutine,
            question,
            call.range(),
            subject,
            ctx,
        );
    }
}

/// An `async def` of this file: decided now if its decorators are all known
/// to keep it a coroutine function (the generator check waits for the end
/// of the file); left to the index if an in-project decorator might.
fn local_candidate<'a>(
    cx: &mut Checker<'a>,
    def: &'a ast::StmtFunctionDef,
    call: &ast::ExprCall,
    callee: &str,
    ctx: PendingContext,
) {
    let semantic = cx.semantic();
    let all_known = def.decorator_list.iter().all(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is_any(KEEPS_COROUTINE))
    });
    if all_known {
        let statement = cx.current_statement();
        cx.state.unawaited.push(Candidate {
            def,
            call: call.range(),
            statement,
            callee: callee.into(),
            context: ctx,
        });
        return;
    }
    // A module-level function with decorators: the index knows whether
    // those decorators are in-project async wrappers.
    let module_level = semantic
        .lookup_from(crate::semantic::model::MODULE_SCOPE, def.name.as_str())
        .is_some_and(|id| matches!(semantic.binding(id).kind, BindingKind::FunctionDef(d) if std::ptr::eq(d, def)));
    if module_level {
        let question = Question::IsCoroutineFunction {
            callee: semantic.resolve_name_at_module(def.name.as_str()),
        };
        cx.ask(
            Rule::UnawaitedCoroutine,
            question,
            call.range(),
            Some(callee),
            ctx,
        );
    }
}

pub(crate) fn check_candidates(cx: &mut Checker) {
    let candidates = std::mem::take(&mut cx.state.unawaited);
    for candidate in candidates {
        let is_generator = cx
            .def_scopes
            .get(&candidate.def.range().start())
            .is_some_and(|&s| cx.semantic().scope(s).is_generator);
        if is_generator {
            continue;
        }
        let line = cx.locator().row(candidate.def.name.start());
        let module = &cx.semantic().module.name;
        let definition = if module.is_empty() {
            format!("line {line}")
        } else {
            format!("{module}:{line}")
        };
        let text = message(&candidate.callee, &candidate.context, Some(&definition));
        match candidate.statement {
            Some(statement) => {
                cx.report_in_statement(Rule::UnawaitedCoroutine, candidate.call, statement, text)
            }
            None => cx.report(Rule::UnawaitedCoroutine, candidate.call, text),
        };
    }
}

/// The project's answer to a question this rule left.
pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    let subject = match (&pending.subject, question) {
        (Some(subject), _) => subject.to_string(),
        (
            None,
            Question::IsAsyncMethod {
                method,
                inherited: true,
                ..
            },
        ) => format!("super().{method}"),
        (None, Question::IsAsyncMethod { method, .. }) => format!("self.{method}"),
        (None, _) => "?".to_string(),
    };
    let definition = match question {
        Question::IsCoroutineFunction { callee } => match index.coroutine_function(callee) {
            Some(definition) => definition,
            // `default_client.fetch()`: a method of a module-level instance.
            None => {
                let (head, method) = callee.rsplit_once('.')?;
                async_method_on(index, &Val::Global(head.to_string()), method)?
            }
        },
        Question::AsyncMethodOn { receiver, method } => async_method_on(index, receiver, method)?,
        Question::IsAsyncMethod {
            class,
            method,
            inherited,
        } => index.async_method(class, method, *inherited)?,
        Question::Decorator { .. }
        | Question::DecoratorApplied { .. }
        | Question::ValueIs { .. }
        | Question::Effect { .. } => return None,
    };
    Some(Finding {
        rule: Rule::UnawaitedCoroutine,
        message: message(&subject, &pending.context, Some(&definition.to_string())),
        span: pending.span,
        noqa_row: pending.noqa_row,
        fix: None,
        labels: Vec::new(),
    })
}

/// `method` of the class `receiver` is inferred to be, if a coroutine
/// function.
fn async_method_on(index: &ProjectIndex, receiver: &Val, method: &str) -> Option<Definition> {
    let class = index.class_of(receiver)?;
    // A `Protocol` only declares its methods: the object behind it may
    // implement `close` as a plain `def` (sqlalchemy's DBAPI cursors).
    let structural = index.class_and_bases(&class).iter().any(|(_, info)| {
        info.bases
            .iter()
            .flatten()
            .any(|b| matches!(b.as_str(), "typing.Protocol" | "typing_extensions.Protocol"))
    });
    if structural {
        return None;
    }
    index.async_method(&class, method, false)
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

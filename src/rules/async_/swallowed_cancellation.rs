//! PF109: a handler inside `async def` that catches cancellation and does
//! not re-raise it.

use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::SemanticModel;

pub const META: RuleMeta = RuleMeta {
    code: "PF109",
    name: "swallowed-cancellation",
    default_on: true,
    fix: FixAvailability::None,
    summary: "`asyncio.CancelledError` caught and not re-raised inside an async function",
    doc: include_str!("../../../rules/PF109.md"),
};

const CANCELLED: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
];

/// What a handler's type catches, as far as cancellation goes.
enum Catches {
    /// `asyncio.CancelledError`, or a tuple holding it.
    Cancelled,
    /// `BaseException`.
    BaseException,
    /// A bare `except:`.
    Everything,
    /// Anything else, or unknown.
    Other,
}

fn catches(semantic: &SemanticModel, type_: Option<&Expr>) -> Catches {
    let Some(type_) = type_ else {
        return Catches::Everything;
    };
    match type_ {
        Expr::Tuple(tuple) => {
            let mut result = Catches::Other;
            for elt in &tuple.elts {
                match catches(semantic, Some(elt)) {
                    Catches::BaseException => return Catches::BaseException,
                    Catches::Cancelled => result = Catches::Cancelled,
                    _ => {}
                }
            }
            result
        }
        other => match semantic.resolve_qualified_name(other) {
            Some(name) if name.is_any(CANCELLED) => Catches::Cancelled,
            Some(name) if name.is("builtins.BaseException") => Catches::BaseException,
            _ => Catches::Other,
        },
    }
}

pub(crate) fn check_try(cx: &mut Checker, try_stmt: &ast::StmtTry) {
    for handler in &try_stmt.handlers {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        let what = match catches(cx.semantic(), handler.type_.as_deref()) {
            Catches::Other => continue,
            Catches::Cancelled => "`asyncio.CancelledError`",
            Catches::BaseException => "`BaseException` (which includes `asyncio.CancelledError`)",
            Catches::Everything => "every exception, `asyncio.CancelledError` included,",
        };
        if !contains_raise(&handler.body) {
            let function = function_name(cx);
            let star = if try_stmt.is_star { "*" } else { "" };
            let header = header_range(handler, star);
            cx.report(
                Rule::SwallowedCancellation,
                header,
                format!(
                    "this `except{star}` catches {what} and does not re-raise it inside `async def {function}`: the task can no longer be cancelled"
                ),
            );
        }
        // Cancellation never reaches the handlers after this one.
        return;
    }
}

/// `with contextlib.suppress(asyncio.CancelledError):`.
pub(crate) fn check_with(cx: &mut Checker, with: &ast::StmtWith) {
    if with.is_async {
        return;
    }
    for item in &with.items {
        let Expr::Call(call) = &item.context_expr else {
            continue;
        };
        let is_suppress = cx
            .semantic()
            .resolve_qualified_name(&call.func)
            .is_some_and(|n| n.is("contextlib.suppress"));
        if !is_suppress {
            continue;
        }
        let swallows = call.arguments.args.iter().any(|arg| {
            matches!(
                catches(cx.semantic(), Some(arg)),
                Catches::Cancelled | Catches::BaseException
            )
        });
        if swallows {
            let function = function_name(cx);
            cx.report(
                Rule::SwallowedCancellation,
                call.range(),
                format!(
                    "`contextlib.suppress` swallows `asyncio.CancelledError` inside `async def {function}`: the task can no longer be cancelled"
                ),
            );
        }
    }
}

fn function_name(cx: &Checker) -> String {
    cx.semantic()
        .current_function()
        .map_or("?", |f| f.name.as_str())
        .to_string()
}

/// `except E as e` up to its type (or just `except` for a bare handler).
fn header_range(handler: &ast::ExceptHandlerExceptHandler, star: &str) -> TextRange {
    let end = match (&handler.name, &handler.type_) {
        (Some(name), _) => name.end(),
        (None, Some(type_)) => type_.end(),
        (None, None) => handler.start() + TextSize::of("except") + TextSize::of(star),
    };
    TextRange::new(handler.start(), end)
}

/// A `raise` in `body`, outside nested functions, lambdas and classes (their
/// code does not run as part of the handler).
fn contains_raise(body: &[Stmt]) -> bool {
    let mut finder = RaiseFinder { found: false };
    finder.visit_body(body);
    finder.found
}

struct RaiseFinder {
    found: bool,
}

impl<'a> Visitor<'a> for RaiseFinder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found {
            return;
        }
        match stmt {
            Stmt::Raise(_) => self.found = true,
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, _expr: &'a Expr) {
        // A `raise` is a statement; expressions (lambdas included) hold none.
    }
}

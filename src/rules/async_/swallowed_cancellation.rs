//! PF109: a handler inside `async def` that catches cancellation and does
//! not re-raise it.

use super::cancellation_handler::{
    CANCELLED, awaits_cancelled_task, contains_raise, hands_on, raises_cancelled,
};
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::SemanticModel;
use ruff_text_size::{Ranged, TextRange, TextSize};
pub struct SwallowedCancellation;

impl<'a> Check<'a> for SwallowedCancellation {
    type State = ();
    const STMTS: u64 = kinds::stmt::WITH | kinds::stmt::TRY;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        match stmt {
            ast::Stmt::With(with) if cx.semantic().in_async_function() => check_with(cx, with),
            ast::Stmt::Try(try_stmt) if cx.semantic().in_async_function() => {
                check_try(cx, try_stmt);
            }
            _ => {}
        }
    }
}

/// What a handler's type catches, as far as cancellation goes.
enum Catches {
    /// `asyncio.CancelledError`, or a tuple holding it.
    Cancelled,
    /// `BaseException`.
    BaseException,
    /// A bare `except:`.
    Everything,
    /// Another library's cancellation (`trio.Cancelled`,
    /// `anyio.get_cancelled_exc_class()`): not checked, but a later
    /// `BaseException` or bare handler never sees a cancellation.
    Foreign,
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
                    Catches::Foreign if matches!(result, Catches::Other) => {
                        result = Catches::Foreign;
                    }
                    _ => {}
                }
            }
            result
        }
        Expr::Call(call) if call.arguments.is_empty() => {
            match semantic.resolve_qualified_name(&call.func) {
                Some(name) if name.is("anyio.get_cancelled_exc_class") => Catches::Foreign,
                _ => Catches::Other,
            }
        }
        other => match semantic.resolve_qualified_name(other) {
            Some(name) if name.is_any(CANCELLED) => Catches::Cancelled,
            Some(name) if name.is("trio.Cancelled") => Catches::Foreign,
            Some(name) if name.is("builtins.BaseException") => Catches::BaseException,
            _ => Catches::Other,
        },
    }
}

pub(crate) fn check_try(cx: &mut Context, try_stmt: &ast::StmtTry) {
    // Cancellation is delivered at a suspension point: a `try` whose body
    // has none (`task.result()` on a finished task, a sync `self.close()`)
    // never sees the event loop's `CancelledError`.
    if !suspends(cx, &try_stmt.body) {
        return;
    }
    let mut function_reraises = None;
    let mut foreign_handled = false;
    for handler in &try_stmt.handlers {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        let what = match catches(cx.semantic(), handler.type_.as_deref()) {
            Catches::Other => continue,
            Catches::Foreign => {
                foreign_handled = true;
                continue;
            }
            Catches::Cancelled => "`asyncio.CancelledError`",
            // The code runs under trio or anyio, whose cancellation an
            // earlier handler took care of.
            Catches::BaseException | Catches::Everything if foreign_handled => return,
            Catches::BaseException => "`BaseException` (which includes `asyncio.CancelledError`)",
            Catches::Everything => "every exception, `asyncio.CancelledError` included,",
        };
        let swallowed = !contains_raise(cx.semantic(), &handler.body)
            && !awaits_cancelled_task(cx, &try_stmt.body, try_stmt.start())
            && !handler
                .name
                .as_ref()
                .is_some_and(|name| hands_on(cx.semantic(), &handler.body, Some(name.as_str())))
            && !hands_on(cx.semantic(), &handler.body, None)
            && !*function_reraises.get_or_insert_with(|| {
                cx.semantic()
                    .current_function()
                    .is_some_and(|f| raises_cancelled(cx.semantic(), &f.body))
            });
        if swallowed {
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
pub(crate) fn check_with(cx: &mut Context, with: &ast::StmtWith) {
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
        if swallows
            && suspends(cx, &with.body)
            && !awaits_cancelled_task(cx, &with.body, with.start())
        {
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

/// Does `body` (outside nested functions, lambdas and classes) reach a
/// point where the task can be suspended: `await`, `async for`, `async
/// with`, or a `yield` of an async generator?
fn suspends(cx: &Context, body: &[Stmt]) -> bool {
    let async_generator = cx.semantic().current_function().is_some_and(|f| f.is_async);
    let mut finder = SuspensionFinder {
        yields: async_generator,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

struct SuspensionFinder {
    /// Whether a `yield` suspends (the function is an `async def`).
    yields: bool,
    found: bool,
}

impl<'a> Visitor<'a> for SuspensionFinder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found {
            return;
        }
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::For(ast::StmtFor { is_async: true, .. })
            | Stmt::With(ast::StmtWith { is_async: true, .. }) => self.found = true,
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        match expr {
            Expr::Lambda(_) => {}
            Expr::Await(_) => self.found = true,
            Expr::Yield(_) | Expr::YieldFrom(_) if self.yields => self.found = true,
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_comprehension(&mut self, comprehension: &'a ast::Comprehension) {
        if comprehension.is_async {
            self.found = true;
        }
        visitor::walk_comprehension(self, comprehension);
    }
}

fn function_name(cx: &Context) -> String {
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

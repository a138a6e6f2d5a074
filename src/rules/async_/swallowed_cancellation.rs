//! PF109: a handler inside `async def` that catches cancellation and does
//! not re-raise it.

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

/// `task.cancel()` earlier in the function (or `task.cancel` scheduled as a
/// callback), then a body that only awaits
/// that task: waiting for a task cancelled on purpose. (A cancellation of the
/// current task that lands during that one `await` is lost too; the doc's
/// Known problems say so.)
fn awaits_cancelled_task(cx: &Context, body: &[Stmt], start: TextSize) -> bool {
    let [Stmt::Expr(ast::StmtExpr { value, .. })] = body else {
        return false;
    };
    let Expr::Await(awaited) = &**value else {
        return false;
    };
    if !matches!(
        &*awaited.value,
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_)
    ) {
        return false;
    }
    let Some(function) = cx.semantic().current_function() else {
        return false;
    };
    let text = cx.locator().text();
    let mut finder = CancelFinder {
        text,
        task: &text[awaited.value.range()],
        before: start,
        found: false,
    };
    finder.visit_body(&function.body);
    finder.found
}

/// Finds `<task>.cancel`, called (`task.cancel()`, its result used or not)
/// or passed as a callback (`loop.call_soon(task.cancel)`), in a statement
/// that starts before `before`.
struct CancelFinder<'t> {
    text: &'t str,
    task: &'t str,
    before: TextSize,
    found: bool,
}

impl<'a> Visitor<'a> for CancelFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found || stmt.start() >= self.before {
            return;
        }
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        match expr {
            Expr::Lambda(_) => {}
            Expr::Attribute(attr)
                if attr.attr.as_str() == "cancel"
                    && &self.text[attr.value.range()] == self.task =>
            {
                self.found = true;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Calls that never return: they end the handler like a `raise`.
const NO_RETURN: &[&str] = &[
    "pytest.fail",
    "pytest.skip",
    "pytest.exit",
    "sys.exit",
    "os._exit",
    "os.abort",
];

/// A `raise` (or a call that never returns) in `body`, outside nested
/// functions, lambdas and classes: their code does not run as part of the
/// handler.
fn contains_raise(semantic: &SemanticModel, body: &[Stmt]) -> bool {
    let mut finder = RaiseFinder {
        semantic,
        only_cancelled: false,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

/// Does the function explicitly raise `CancelledError` somewhere? Then it
/// manages cancellation itself: a handler records it in a flag and the
/// function raises it later (`asyncio.Condition.wait`).
fn raises_cancelled(semantic: &SemanticModel, body: &[Stmt]) -> bool {
    let mut finder = RaiseFinder {
        semantic,
        only_cancelled: true,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

struct RaiseFinder<'s, 'a> {
    semantic: &'s SemanticModel<'a>,
    /// Count only `raise CancelledError` / `raise CancelledError(...)`.
    only_cancelled: bool,
    found: bool,
}

impl<'a> Visitor<'a> for RaiseFinder<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found {
            return;
        }
        match stmt {
            Stmt::Raise(_) if !self.only_cancelled => self.found = true,
            Stmt::Raise(ast::StmtRaise { exc: Some(exc), .. }) => {
                let raised = match &**exc {
                    Expr::Call(call) => &*call.func,
                    other => other,
                };
                self.found = self
                    .semantic
                    .resolve_qualified_name(raised)
                    .is_some_and(|n| n.is_any(CANCELLED));
            }
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Expr(ast::StmtExpr { value, .. }) if !self.only_cancelled => {
                if let Expr::Call(call) = &**value {
                    self.found = self
                        .semantic
                        .resolve_qualified_name(&call.func)
                        .is_some_and(|n| n.is_any(NO_RETURN));
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, _expr: &'a Expr) {
        // A `raise` is a statement; expressions (lambdas included) hold none.
    }
}

/// Logging and printing only look at the exception; they do not hand it on.
const LOOK_ONLY_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];
const LOOK_ONLY_FUNCTIONS: &[&str] = &["print", "str", "repr", "type", "isinstance", "format"];

/// Does the handler hand the caught exception on (`except ... as exc`)?
/// Stored (`error = exc`, `errors.append(exc)`), passed to a call
/// (`waiter.set_exception(exc)`, `self._convert_error(exc)`) or returned: the
/// code that receives it decides, usually by raising it later
/// (`asyncio.TaskGroup`, `staggered_race`). Logging it does not count.
///
/// With `name` `None`: does it take the exception from `sys.exc_info()` /
/// `sys.exception()` (to throw it into a greenlet, to raise it later), or
/// call `Task.uncancel()`, the documented way to end a cancellation?
fn hands_on(semantic: &SemanticModel, body: &[Stmt], name: Option<&str>) -> bool {
    let mut finder = UseFinder {
        semantic,
        name,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

struct UseFinder<'s, 'a, 'n> {
    semantic: &'s SemanticModel<'a>,
    name: Option<&'n str>,
    found: bool,
}

impl<'a> Visitor<'a> for UseFinder<'_, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found || matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            return;
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        match expr {
            Expr::Name(n) if Some(n.id.as_str()) == self.name && n.ctx.is_load() => {
                self.found = true;
            }
            Expr::Lambda(_) | Expr::FString(_) => {}
            Expr::Call(call)
                if self.name.is_none()
                    && (matches!(&*call.func, Expr::Attribute(a) if a.attr.as_str() == "uncancel")
                        || self
                            .semantic
                            .resolve_qualified_name(&call.func)
                            .is_some_and(|n| n.is_any(&["sys.exc_info", "sys.exception"]))) =>
            {
                self.found = true;
            }
            Expr::Call(call) => {
                let look_only = match &*call.func {
                    Expr::Name(f) => LOOK_ONLY_FUNCTIONS.contains(&f.id.as_str()),
                    Expr::Attribute(a) => LOOK_ONLY_METHODS.contains(&a.attr.as_str()),
                    _ => false,
                };
                if !look_only {
                    visitor::walk_expr(self, expr);
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

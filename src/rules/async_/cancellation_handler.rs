//! PF109's questions about a handler and its function: does it end in a
//! raise, raise `CancelledError` itself, hand the exception on, or only wait
//! for a task it cancelled on purpose?

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::Context;
use crate::semantic::SemanticModel;
use ruff_text_size::{Ranged, TextSize};

/// The exception a cancelled asyncio task raises.
pub(super) const CANCELLED: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
];

/// `task.cancel()` earlier in the function (or `task.cancel` scheduled as a
/// callback), then a body that only awaits
/// that task: waiting for a task cancelled on purpose. (A cancellation of the
/// current task that lands during that one `await` is lost too; the doc's
/// Known problems say so.)
pub(super) fn awaits_cancelled_task(cx: &Context, body: &[Stmt], start: TextSize) -> bool {
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
pub(super) struct CancelFinder<'t> {
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
pub(super) const NO_RETURN: &[&str] = &[
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
pub(super) fn contains_raise(semantic: &SemanticModel, body: &[Stmt]) -> bool {
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
pub(super) fn raises_cancelled(semantic: &SemanticModel, body: &[Stmt]) -> bool {
    let mut finder = RaiseFinder {
        semantic,
        only_cancelled: true,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

pub(super) struct RaiseFinder<'s, 'a> {
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
pub(super) const LOOK_ONLY_METHODS: &[&str] = &[
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
pub(super) const LOOK_ONLY_FUNCTIONS: &[&str] =
    &["print", "str", "repr", "type", "isinstance", "format"];

/// Does the handler hand the caught exception on (`except ... as exc`)?
/// Stored (`error = exc`, `errors.append(exc)`), passed to a call
/// (`waiter.set_exception(exc)`, `self._convert_error(exc)`) or returned: the
/// code that receives it decides, usually by raising it later
/// (`asyncio.TaskGroup`, `staggered_race`). Logging it does not count.
///
/// With `name` `None`: does it take the exception from `sys.exc_info()` /
/// `sys.exception()` (to throw it into a greenlet, to raise it later), or
/// call `Task.uncancel()`, the documented way to end a cancellation?
pub(super) fn hands_on(semantic: &SemanticModel, body: &[Stmt], name: Option<&str>) -> bool {
    let mut finder = UseFinder {
        semantic,
        name,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

pub(super) struct UseFinder<'s, 'a, 'n> {
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

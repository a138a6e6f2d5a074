//! The names, methods and statement shapes the ownership scan knows.

use rustc_hash::FxHashSet;

use crate::ast::helpers::any_over_expr;
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};

/// Methods that release a resource: called on the opening call itself
/// (`open(p).close()`, `Popen(cmd).wait()`) or on its name in a `finally`.
pub(super) const CLEANUP_METHODS: &[&str] = &[
    "close",
    "shutdown",
    "join",
    "terminate",
    "kill",
    "wait",
    "communicate",
    "detach",
    "__exit__",
];

/// Methods that take ownership of their argument's cleanup.
pub(super) const HANDOFF_METHODS: &[&str] = &[
    "enter_context",
    "enter_async_context",
    "enterContext",
    "enterClassContext",
    "enterAsyncContext",
];

/// asyncio calls that make a transport own the pipe or file they are given.
pub(super) const TRANSPORT_METHODS: &[&str] = &["connect_read_pipe", "connect_write_pipe"];

/// asyncio calls whose `sock=` argument the created transport or server
/// owns (and closes).
pub(super) const SOCK_OWNERS: &[&str] = &[
    "create_connection",
    "create_server",
    "create_datagram_endpoint",
    "create_unix_connection",
    "create_unix_server",
    "open_connection",
    "start_server",
    "open_unix_connection",
    "start_unix_server",
    "connect_accepted_socket",
];

/// Methods that store their argument in a container.
pub(super) const STORE_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "extend",
    "put",
    "put_nowait",
    "setdefault",
    "push",
];

/// Attributes that are plain data: passing `f.name` on keeps no reference
/// to `f` (a bound method such as `f.write` does).
pub(super) const DATA_ATTRIBUTES: &[&str] = &[
    "name",
    "mode",
    "closed",
    "encoding",
    "errors",
    "newlines",
    "pid",
    "returncode",
    "args",
];

/// `f.close()`, `out, err = p.communicate()`, `if p.wait():`: the name a
/// statement releases, if it does.
pub(super) fn released_name(stmt: &Stmt) -> Option<String> {
    let value = match stmt {
        Stmt::Expr(ast::StmtExpr { value, .. })
        | Stmt::Assign(ast::StmtAssign { value, .. })
        | Stmt::If(ast::StmtIf { test: value, .. }) => value,
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => value,
        _ => return None,
    };
    let mut released = None;
    any_over_expr(value, |expr| {
        if let Expr::Call(call) = expr
            && let Expr::Attribute(attr) = &*call.func
            && let Expr::Name(name) = &*attr.value
            && CLEANUP_METHODS.contains(&attr.attr.as_str())
        {
            released = Some(name.id.to_string());
            return true;
        }
        false
    });
    released
}

/// A `try` every path of which reaches the statement after it: a handler
/// catches everything (bare, `Exception`, `BaseException`), no handler
/// re-raises, and nothing in it returns or leaves a loop.
pub(super) fn catches_everything(try_stmt: &ast::StmtTry) -> bool {
    if try_stmt.is_star || !try_stmt.finalbody.is_empty() && leaves(&try_stmt.finalbody) {
        return false;
    }
    let broad = try_stmt.handlers.iter().any(|h| {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        let Some(type_) = &h.type_ else { return true };
        let types = match &**type_ {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            other => vec![other],
        };
        types.into_iter().any(|t| {
            let name = match t {
                Expr::Name(n) => n.id.as_str(),
                Expr::Attribute(a) => a.attr.as_str(),
                _ => "",
            };
            matches!(name, "Exception" | "BaseException")
        })
    });
    broad
        && !leaves(&try_stmt.body)
        && !leaves(&try_stmt.orelse)
        && try_stmt.handlers.iter().all(|h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            !leaves(&h.body)
        })
}

/// Does `body` contain a `raise`, `return`, `break` or `continue` (outside
/// nested functions)?
pub(super) fn leaves(body: &[Stmt]) -> bool {
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Raise(_) | Stmt::Return(_) | Stmt::Break(_) | Stmt::Continue(_) => {
                    self.0 = true;
                }
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut finder = Finder(false);
    finder.visit_body(body);
    finder.0
}

/// `path = f.name`, `count = 0`: an assignment of a name, an attribute or a
/// constant, which cannot fail in practice.
pub(super) fn cannot_raise(stmt: &Stmt) -> bool {
    let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
        return false;
    };
    targets.iter().all(|t| matches!(t, Expr::Name(_)))
        && (value.is_literal_expr()
            || matches!(&**value, Expr::Name(_))
            || matches!(&**value, Expr::Attribute(attr) if matches!(&*attr.value, Expr::Name(_))))
}

/// `f` in `f`, `f.stdout`, `f.a.b`.
pub(super) fn base_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => base_name(&attr.value),
        _ => None,
    }
}

/// A callee that usually keeps its arguments: a class (capitalized name,
/// `_Reader` too), `__init__`, a method of `self`/`cls`/`super()`, or a
/// method that wraps, registers or converts (`ctx.wrap_socket(sock)`,
/// `source.setByteStream(f)`, `selector.register(sock, ...)`,
/// `trio.socket.from_stdlib_socket(sock)`).
pub(super) fn takes_ownership(func: &Expr) -> bool {
    let is_class = |name: &str| {
        name.trim_start_matches('_')
            .starts_with(|c: char| c.is_ascii_uppercase())
    };
    let keeps = |name: &str| {
        name == "__init__"
            || is_class(name)
            || name.contains("wrap")
            || ["set", "add", "register", "attach", "from_"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
    };
    match func {
        Expr::Name(name) => keeps(name.id.as_str()),
        Expr::Attribute(attr) => {
            keeps(attr.attr.as_str())
                || match &*attr.value {
                    Expr::Name(owner) => matches!(owner.id.as_str(), "self" | "cls"),
                    Expr::Call(call) => {
                        matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "super")
                    }
                    _ => false,
                }
        }
        _ => false,
    }
}

/// Every name loaded in a nested scope.
#[derive(Default)]
pub(super) struct CapturedNames<'a>(pub(super) FxHashSet<&'a str>);

impl<'a> Visitor<'a> for CapturedNames<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.ctx.is_load()
        {
            self.0.insert(name.id.as_str());
        }
        visitor::walk_expr(self, expr);
    }
}

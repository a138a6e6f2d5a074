//! The shape of a decorator, read from its `def`: a function that defines an
//! inner function calling one of its parameters and returns it. PF300 asks
//! for the wrapper; the project index records decorators and factories.

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};

/// `def deco(f): def wrapper(*a): ... f(...) ...; return wrapper`.
pub struct Wrapper<'a> {
    /// The returned inner function.
    pub def: &'a ast::StmtFunctionDef,
    /// The decorator's parameter the wrapper calls.
    pub wrapped: &'a str,
}

/// The wrapper `decorator` returns, if it has that shape.
pub fn returned_wrapper(decorator: &ast::StmtFunctionDef) -> Option<Wrapper<'_>> {
    let params: Vec<&str> = decorator
        .parameters
        .iter_non_variadic_params()
        .map(|p| p.parameter.name.as_str())
        .collect();
    if params.is_empty() {
        return None;
    }
    let mut body = BodyFacts::default();
    body.scan(&decorator.body);
    body.inner_defs.into_iter().find_map(|def| {
        if !body.returned_names.contains(&def.name.as_str()) {
            return None;
        }
        // Calling two parameters (`compose(f, g)`): which one is wrapped is
        // unclear, so it is not read as a decorator.
        let mut called = params.iter().copied().filter(|p| calls_name(&def.body, p));
        let wrapped = called.next()?;
        called.next().is_none().then_some(Wrapper { def, wrapped })
    })
}

/// The inner decorator a factory returns: `def retry(times): def deco(f):
/// ...wrapper...; return deco`.
pub fn returned_decorator(
    factory: &ast::StmtFunctionDef,
) -> Option<(&ast::StmtFunctionDef, Wrapper<'_>)> {
    let mut body = BodyFacts::default();
    body.scan(&factory.body);
    body.inner_defs.into_iter().find_map(|def| {
        if !body.returned_names.contains(&def.name.as_str()) {
            return None;
        }
        returned_wrapper(def).map(|w| (def, w))
    })
}

/// Does `body` (or the wrapper's own nested blocks) assign to
/// `name.__wrapped__`/`__name__`/`__doc__`/`__qualname__`, or pass `name` to
/// `update_wrapper`? Either copies the metadata by hand.
pub fn copies_metadata(body: &[Stmt], name: &str) -> bool {
    let mut finder = MetadataCopy { name, found: false };
    finder.visit_body(body);
    finder.found
}

#[derive(Default)]
struct BodyFacts<'a> {
    inner_defs: Vec<&'a ast::StmtFunctionDef>,
    returned_names: Vec<&'a str>,
}

impl<'a> BodyFacts<'a> {
    /// Looks through compound statements, not into nested functions/classes.
    fn scan(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => self.inner_defs.push(def),
                Stmt::ClassDef(_) => {}
                Stmt::Return(ast::StmtReturn {
                    value: Some(value), ..
                }) => {
                    if let Expr::Name(name) = &**value {
                        self.returned_names.push(name.id.as_str());
                    }
                }
                Stmt::If(s) => {
                    self.scan(&s.body);
                    for clause in &s.elif_else_clauses {
                        self.scan(&clause.body);
                    }
                }
                Stmt::Try(s) => {
                    self.scan(&s.body);
                    for handler in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = handler;
                        self.scan(&h.body);
                    }
                    self.scan(&s.orelse);
                    self.scan(&s.finalbody);
                }
                Stmt::With(s) => self.scan(&s.body),
                Stmt::For(s) => {
                    self.scan(&s.body);
                    self.scan(&s.orelse);
                }
                Stmt::While(s) => {
                    self.scan(&s.body);
                    self.scan(&s.orelse);
                }
                _ => {}
            }
        }
    }
}

/// Is `name(...)` called in `body`, outside nested functions and classes?
pub fn calls_name(body: &[Stmt], name: &str) -> bool {
    let mut finder = CallFinder { name, found: false };
    finder.visit_body(body);
    finder.found
}

struct CallFinder<'n> {
    name: &'n str,
    found: bool,
}

impl<'a> Visitor<'a> for CallFinder<'_> {
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
            Expr::Lambda(_) => {}
            Expr::Call(call) if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == self.name) =>
            {
                self.found = true;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

struct MetadataCopy<'n> {
    name: &'n str,
    found: bool,
}

impl<'a> Visitor<'a> for MetadataCopy<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found {
            return;
        }
        if let Stmt::Assign(assign) = stmt {
            for target in &assign.targets {
                if let Expr::Attribute(attr) = target
                    && matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == self.name)
                    && matches!(
                        attr.attr.as_str(),
                        "__wrapped__" | "__name__" | "__doc__" | "__qualname__" | "__module__"
                    )
                {
                    self.found = true;
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        if let Expr::Call(call) = expr {
            let callee = match &*call.func {
                Expr::Name(n) => Some(n.id.as_str()),
                Expr::Attribute(a) => Some(a.attr.as_str()),
                _ => None,
            };
            if callee == Some("update_wrapper")
                && matches!(call.arguments.args.first(), Some(Expr::Name(n)) if n.id.as_str() == self.name)
            {
                self.found = true;
                return;
            }
        }
        visitor::walk_expr(self, expr);
    }
}

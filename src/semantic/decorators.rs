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

/// The wrapper `decorator` returns, if it has that shape. For a method
/// (`is_method`), the first parameter (`self`/`cls`) is not a candidate:
/// `return cls(path)` in a returned closure builds an instance, it does not
/// wrap a function.
///
/// A decorator takes the function as its one positional parameter (options
/// are keyword-only or go to a factory around it); `wrap(app, conn)`
/// returning a closure is a higher-order helper, not a decorator. With
/// `any_arity` (the caller has other evidence) that check is skipped.
pub fn returned_wrapper(
    decorator: &ast::StmtFunctionDef,
    is_method: bool,
    any_arity: bool,
) -> Option<Wrapper<'_>> {
    let parameters = &decorator.parameters;
    let positional = parameters.posonlyargs.len() + parameters.args.len();
    if !any_arity
        && (parameters.vararg.is_some()
            || parameters.kwarg.is_some()
            || positional != 1 + usize::from(is_method))
    {
        return None;
    }
    let mut body = BodyFacts::default();
    body.scan(&decorator.body);
    let params: Vec<&str> = parameters
        .iter_non_variadic_params()
        .skip(usize::from(is_method))
        .map(|p| p.parameter.name.as_str())
        // A parameter rebound in the body (`cb = cb or default`) is an
        // option, not the wrapped function.
        .filter(|p| !body.assigned_names.contains(p))
        .collect();
    if params.is_empty() {
        return None;
    }
    body.inner_defs.iter().copied().find_map(|def| {
        if !body.returned_names.contains(&def.name.as_str()) {
            return None;
        }
        // Calling two parameters (`compose(f, g)`): which one is wrapped is
        // unclear, so it is not read as a decorator.
        let mut called = params.iter().copied().filter(|p| forwards_to(def, p));
        let wrapped = called.next()?;
        called.next().is_none().then_some(Wrapper { def, wrapped })
    })
}

/// Does `wrapper` call `name`, handing it at least one of its own
/// parameters when it has any? A closure that calls `callback(*outer_args)`
/// ignoring its own arguments adapts a callback; it does not wrap it.
fn forwards_to(wrapper: &ast::StmtFunctionDef, name: &str) -> bool {
    let own: Vec<&str> = wrapper
        .parameters
        .iter()
        .map(|p| p.name().as_str())
        .collect();
    let mut finder = CallFinder {
        name,
        own: &own,
        found: false,
    };
    finder.visit_body(&wrapper.body);
    finder.found
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
        returned_wrapper(def, false, false).map(|w| (def, w))
    })
}

/// Does `body` assign to `name.__wrapped__`/`__name__`/`__doc__`/
/// `__qualname__`, or hand `name` to a call (`update_wrapper(name, f)`, a
/// home-made `_wrap(name, f)` or `_tidy(name)`)? Each may copy the metadata
/// by hand; what a helper does is not known, so that is silence too.
pub fn copies_metadata(body: &[Stmt], name: &str) -> bool {
    let mut finder = MetadataCopy { name, found: false };
    finder.visit_body(body);
    finder.found
}

#[derive(Default)]
struct BodyFacts<'a> {
    inner_defs: Vec<&'a ast::StmtFunctionDef>,
    returned_names: Vec<&'a str>,
    assigned_names: Vec<&'a str>,
}

impl<'a> BodyFacts<'a> {
    /// Looks through compound statements, not into nested functions/classes.
    fn scan(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => self.inner_defs.push(def),
                Stmt::ClassDef(_) => {}
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        if let Expr::Name(name) = target {
                            self.assigned_names.push(name.id.as_str());
                        }
                    }
                }
                Stmt::AugAssign(ast::StmtAugAssign { target, .. })
                | Stmt::AnnAssign(ast::StmtAnnAssign { target, .. }) => {
                    if let Expr::Name(name) = &**target {
                        self.assigned_names.push(name.id.as_str());
                    }
                }
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

struct CallFinder<'n> {
    name: &'n str,
    /// The wrapper's own parameters: the call must mention one (if any).
    own: &'n [&'n str],
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
            Expr::Call(call) if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == self.name) => {
                if self.own.is_empty() || mentions_any(&call.arguments, self.own) {
                    self.found = true;
                } else {
                    visitor::walk_expr(self, expr);
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

fn mentions_any(arguments: &ast::Arguments, names: &[&str]) -> bool {
    struct Mentions<'n> {
        names: &'n [&'n str],
        found: bool,
    }
    impl<'a> Visitor<'a> for Mentions<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(n) if self.names.contains(&n.id.as_str()) => self.found = true,
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut m = Mentions {
        names,
        found: false,
    };
    m.visit_arguments(arguments);
    m.found
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
            let args: Vec<&str> = call
                .arguments
                .args
                .iter()
                .filter_map(|a| a.as_name_expr().map(|n| n.id.as_str()))
                .collect();
            // The wrapper handed to `update_wrapper`, or to any helper (that
            // may set its metadata: SQLAlchemy's `_tidy(append)`).
            if args.contains(&self.name) {
                self.found = true;
                return;
            }
        }
        visitor::walk_expr(self, expr);
    }
}

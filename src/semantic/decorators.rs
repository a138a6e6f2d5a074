//! The shape of a decorator, read from its `def`: a function that defines an
//! inner function calling one of its parameters and returns it. PF300 and
//! PF301 ask for the wrapper; the project index records decorators and
//! factories (with what PF302 and PF303 need to know about them).

use ruff_text_size::Ranged;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::semantic::flow::{Engine, Flow, Transfer, ends_path, yields};
use crate::semantic::{ScopeKind, SemanticModel};

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

/// Is `def`, being visited now, a method (its first parameter is `self` or
/// `cls`)? A `@staticmethod` is not.
pub fn is_method(semantic: &SemanticModel, def: &ast::StmtFunctionDef) -> bool {
    matches!(
        semantic.scope(semantic.current_scope_id()).kind,
        ScopeKind::Class(_)
    ) && !def.decorator_list.iter().any(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is("builtins.staticmethod"))
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
        returned_wrapper(def, false, false).map(|w| (def, w))
    })
}

/// How a factory's `return`s use its inner decorator `inner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactoryUse {
    /// Every `return` returns `inner` itself: `@factory(...)` is the only
    /// use, `@factory` is a mistake.
    Plain,
    /// Some `return` applies `inner` (`return decorator(func)` in
    /// `def deco(func=None, *, opt=...)`): `@deco` and `@deco(...)` both work.
    DualUse,
    /// Some `return` gives something else: the shape is not known.
    Other,
}

/// Reads the `return`s of `factory` (outside nested functions).
pub fn factory_use(factory: &ast::StmtFunctionDef, inner: &str) -> FactoryUse {
    // `if callable(arg): raise TypeError("use @deco()")`: the factory
    // itself tells the bare use apart.
    if tests_for_function(&factory.body) {
        return FactoryUse::Other;
    }
    let mut returns = Vec::new();
    return_values(&factory.body, &mut returns);
    let mut applies = false;
    for value in returns {
        match value {
            Some(Expr::Name(n)) if n.id.as_str() == inner => {}
            Some(Expr::Call(call)) if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == inner) =>
            {
                applies = true;
            }
            _ => return FactoryUse::Other,
        }
    }
    if applies {
        FactoryUse::DualUse
    } else {
        FactoryUse::Plain
    }
}

/// Calls that test whether a value is a function.
const FUNCTION_CHECKS: &[&str] = &["callable", "isfunction", "ismethod", "isroutine", "isclass"];

/// Does `body` (not nested functions) call `callable(...)` or an
/// `inspect.is*` test for functions?
fn tests_for_function(body: &[Stmt]) -> bool {
    struct Finder {
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !self.found && !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let name = match &*call.func {
                    Expr::Name(n) => Some(n.id.as_str()),
                    Expr::Attribute(a) => Some(a.attr.as_str()),
                    _ => None,
                };
                if name.is_some_and(|n| FUNCTION_CHECKS.contains(&n)) {
                    self.found = true;
                }
            }
            if !self.found && !matches!(expr, Expr::Lambda(_)) {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let mut finder = Finder { found: false };
    finder.visit_body(body);
    finder.found
}

/// The values of the `return` statements in `body`, through compound
/// statements, not into nested functions or classes (`None`: bare return).
fn return_values<'a>(body: &'a [Stmt], out: &mut Vec<Option<&'a Expr>>) {
    for stmt in body {
        match stmt {
            Stmt::Return(r) => out.push(r.value.as_deref()),
            Stmt::If(s) => {
                return_values(&s.body, out);
                for clause in &s.elif_else_clauses {
                    return_values(&clause.body, out);
                }
            }
            Stmt::Try(s) => {
                return_values(&s.body, out);
                for handler in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    return_values(&h.body, out);
                }
                return_values(&s.orelse, out);
                return_values(&s.finalbody, out);
            }
            Stmt::With(s) => return_values(&s.body, out),
            Stmt::For(s) => {
                return_values(&s.body, out);
                return_values(&s.orelse, out);
            }
            Stmt::While(s) => {
                return_values(&s.body, out);
                return_values(&s.orelse, out);
            }
            Stmt::Match(s) => {
                for case in &s.cases {
                    return_values(&case.body, out);
                }
            }
            _ => {}
        }
    }
}

/// Names whose call tests for coroutines or awaitables
/// (`inspect.iscoroutinefunction`, `asyncio.iscoroutine`, ...).
const COROUTINE_CHECKS: &[&str] = &[
    "iscoroutinefunction",
    "iscoroutine",
    "isawaitable",
    "isasyncgenfunction",
    "markcoroutinefunction",
];

/// Does `def` (nested functions included) call a coroutine test? Matched by
/// the called name alone: a decorator that tests for coroutines in any
/// spelling can treat an `async def` right, so the check stays silent.
pub fn checks_coroutine(def: &ast::StmtFunctionDef) -> bool {
    struct Finder {
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found {
                return;
            }
            if let Expr::Call(call) = expr {
                let name = match &*call.func {
                    Expr::Name(n) => Some(n.id.as_str()),
                    Expr::Attribute(a) => Some(a.attr.as_str()),
                    _ => None,
                };
                if name.is_some_and(|n| COROUTINE_CHECKS.contains(&n)) {
                    self.found = true;
                    return;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder { found: false };
    finder.visit_body(&def.body);
    finder.found
}

/// What a sync wrapper does with its calls of the wrapped function, as
/// PF302 needs it when the wrapped function is an `async def`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallUse {
    /// A result goes to another call (`loop.run_until_complete(f(*a))`,
    /// `return Awaitable(f(*a))`, `r = f(*a)` then `run(r)`): something
    /// may run the coroutine.
    pub handed_on: bool,
    /// The wrapper works around a call (inside `try`/`with`/a loop, its
    /// result bound, inspected or discarded) instead of only returning it
    /// (`return f(*a)` outside those): for a coroutine, that work happens
    /// around creating it, not running it.
    pub around: bool,
}

/// Reads the calls of `wrapper.wrapped` in the wrapper's own body.
pub fn wrapped_call_use(wrapper: &Wrapper) -> CallUse {
    let mut finder = CallUses {
        wrapped: wrapper.wrapped,
        guarded: 0,
        bound: Vec::new(),
        use_: CallUse::default(),
    };
    finder.visit_body(&wrapper.def.body);
    // A name bound to the result and later passed to a call.
    if !finder.bound.is_empty() && names_passed_to_call(&wrapper.def.body, &finder.bound) {
        finder.use_.handed_on = true;
    }
    finder.use_
}

fn is_call_of(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Call(call) if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == name))
}

struct CallUses<'a> {
    wrapped: &'a str,
    /// How many `try`/`with`/loop bodies enclose the statement.
    guarded: u32,
    /// Names bound to a call's result.
    bound: Vec<&'a str>,
    use_: CallUse,
}

impl<'a> Visitor<'a> for CallUses<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) if self.guarded == 0 && is_call_of(value, self.wrapped) => {
                // The plain hand-back; its arguments may still hold calls.
                if let Expr::Call(call) = &**value {
                    self.visit_arguments(&call.arguments);
                }
            }
            Stmt::Assign(assign) if is_call_of(&assign.value, self.wrapped) => {
                self.use_.around = true;
                for target in &assign.targets {
                    if let Expr::Name(n) = target {
                        self.bound.push(n.id.as_str());
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Try(_) | Stmt::With(_) | Stmt::For(_) | Stmt::While(_) => {
                self.guarded += 1;
                visitor::walk_stmt(self, stmt);
                self.guarded -= 1;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                let handed = call
                    .arguments
                    .args
                    .iter()
                    .map(|a| match a {
                        Expr::Starred(s) => &*s.value,
                        other => other,
                    })
                    .chain(call.arguments.keywords.iter().map(|k| &k.value))
                    .any(|a| is_call_of(a, self.wrapped));
                if handed {
                    self.use_.handed_on = true;
                }
                if is_call_of(expr, self.wrapped) {
                    self.use_.around = true;
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Is one of `names` an argument of a call in `body` (not in nested
/// functions)?
fn names_passed_to_call(body: &[Stmt], names: &[&str]) -> bool {
    struct Finder<'n> {
        names: &'n [&'n str],
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr
                && mentions_any(&call.arguments, self.names)
            {
                self.found = true;
            }
            if !self.found {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let mut finder = Finder {
        names,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

/// PF301: the calls of the wrapped function whose result the wrapper drops
/// (an expression statement `f(...)`, or `await f(...)` in an `async def`
/// wrapper) after which the wrapper can reach its end or a bare `return`.
/// Names are resolved from `semantic`'s current scope (the decorator's).
pub fn discarded_calls<'a>(
    semantic: &SemanticModel,
    wrapper: &Wrapper<'a>,
) -> Vec<&'a ast::ExprCall> {
    let mut flow = Discarded {
        semantic,
        wrapped: wrapper.wrapped,
        found: Vec::new(),
    };
    let end = Engine::run(&mut flow, &wrapper.def.body, Some(Vec::new()));
    // Reaching the end of the wrapper returns `None`.
    flow.found.extend(end.into_iter().flatten());
    // Called more than once and every result dropped (run with and without
    // a setting, once per parameter set): no single result to return.
    let dropped = count_dropped(&wrapper.def.body, wrapper.wrapped);
    if dropped > 1 && dropped == count_calls(&wrapper.def.body, wrapper.wrapped) {
        return Vec::new();
    }
    flow.found.sort_by_key(|c| c.start());
    flow.found.dedup_by_key(|c| c.start());
    flow.found
}

/// The wrapped function's dropped calls made on the way to a point; at a
/// `None` return (a bare `return`, the end of the wrapper) they are found.
struct Discarded<'s, 'm, 'a> {
    semantic: &'s SemanticModel<'m>,
    wrapped: &'s str,
    found: Vec<&'a ast::ExprCall>,
}

impl<'a> Transfer<'a> for Discarded<'_, '_, 'a> {
    type Fact = Vec<&'a ast::ExprCall>;

    fn join(&self, mut a: Self::Fact, b: Self::Fact) -> Self::Fact {
        for call in b {
            if !a.iter().any(|c| std::ptr::eq(*c, call)) {
                a.push(call);
            }
        }
        a
    }

    fn simple(&mut self, stmt: &'a Stmt, pending: &mut Self::Fact) -> bool {
        match stmt {
            Stmt::Return(r) if r.value.is_none() => self.found.append(pending),
            _ if ends_path(self.semantic, stmt) => return false,
            _ => pending.extend(dropped_call(stmt, self.wrapped)),
        }
        true
    }

    /// A call repeated per item or until a condition has no one result to
    /// return: the loop's way back drops what its body called (a retry
    /// loop that `break`s after the call keeps it), and one pass finds
    /// every way out.
    fn again(&self, _: &Self::Fact, _: &Self::Fact) -> bool {
        false
    }

    fn leave_loop(&mut self, _: &'a Stmt, back: &mut Flow<Self::Fact>, _: &mut Flow<Self::Fact>) {
        *back = None;
    }

    /// A handler starts from the `try`'s entry: a dropped call followed by
    /// an exception has no result to return.
    fn handler_entry(
        &self,
        _: &'a ast::ExceptHandlerExceptHandler,
        at_try: &Self::Fact,
        _: Self::Fact,
    ) -> Self::Fact {
        at_try.clone()
    }
}

/// `f(...)` or `await f(...)` as a statement, `f` the wrapped function.
fn dropped_call<'a>(stmt: &'a Stmt, wrapped: &str) -> Option<&'a ast::ExprCall> {
    let Stmt::Expr(e) = stmt else {
        return None;
    };
    let value = match &*e.value {
        Expr::Await(a) => &*a.value,
        other => other,
    };
    match value {
        Expr::Call(call) if is_call_of(value, wrapped) => Some(call),
        _ => None,
    }
}

/// The dropped calls of `name` in `body`, reachable or not, not in nested
/// functions or classes.
fn count_dropped(body: &[Stmt], name: &str) -> usize {
    struct Counter<'n> {
        name: &'n str,
        count: usize,
    }
    impl<'a> Visitor<'a> for Counter<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                return;
            }
            if dropped_call(stmt, self.name).is_some() {
                self.count += 1;
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut counter = Counter { name, count: 0 };
    counter.visit_body(body);
    counter.count
}

/// Calls of `name` in `body`, not in nested functions or lambdas.
fn count_calls(body: &[Stmt], name: &str) -> usize {
    struct Counter<'n> {
        name: &'n str,
        count: usize,
    }
    impl<'a> Visitor<'a> for Counter<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if matches!(expr, Expr::Lambda(_)) {
                return;
            }
            if is_call_of(expr, self.name) {
                self.count += 1;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut counter = Counter { name, count: 0 };
    counter.visit_body(body);
    counter.count
}

/// Does a function with this body give its caller a value: a `return`
/// with a value other than `None`, or a `yield` (a generator object)?
pub fn returns_value(body: &[Stmt]) -> bool {
    let mut values = Vec::new();
    return_values(body, &mut values);
    values
        .iter()
        .any(|v| v.is_some_and(|v| !v.is_none_literal_expr()))
        || yields(body)
}

/// Does a `return` in `body` give `name` itself (`return decorator`)?
pub fn returns_name(body: &[Stmt], name: &str) -> bool {
    let mut values = Vec::new();
    return_values(body, &mut values);
    values
        .iter()
        .any(|v| matches!(v, Some(Expr::Name(n)) if n.id.as_str() == name))
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

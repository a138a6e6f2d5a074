//! Where a resource goes within one function body (PF400, PF401): into a
//! `with`, returned, stored, handed to a cleanup helper, closed in a
//! `finally` — or used in place, or bound to a name nothing cleans up.
//!
//! The scan reads the statements of one body (nested `def`s and lambdas are
//! only searched for names they capture). The caller says which calls open a
//! resource; unknown means kept, so the scan errs on the side of silence.

use ruff_text_size::TextSize;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::ast::helpers::any_over_expr;
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};

/// A resource nobody is sure to close.
pub struct Unmanaged<'a, K> {
    pub kind: K,
    /// The opening call.
    pub call: TextRange,
    /// The statement the call is in.
    pub statement: &'a Stmt,
    /// The local name it was bound to; `None` when it was used in place.
    pub bound_to: Option<&'a str>,
}

/// Methods that release a resource: called on the opening call itself
/// (`open(p).close()`, `Popen(cmd).wait()`) or on its name in a `finally`.
const CLEANUP_METHODS: &[&str] = &[
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
const HANDOFF_METHODS: &[&str] = &[
    "enter_context",
    "enter_async_context",
    "enterContext",
    "enterClassContext",
    "enterAsyncContext",
];

/// asyncio calls that make a transport own the pipe or file they are given.
const TRANSPORT_METHODS: &[&str] = &["connect_read_pipe", "connect_write_pipe"];

/// asyncio calls whose `sock=` argument the created transport or server
/// owns (and closes).
const SOCK_OWNERS: &[&str] = &[
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
const STORE_METHODS: &[&str] = &[
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
const DATA_ATTRIBUTES: &[&str] = &[
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

/// What the surrounding code does with a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Used in place: a method's receiver, a loop's iterable, a plain
    /// argument. Nothing closes it.
    Consumed,
    /// The whole expression statement (`open(p)` alone).
    Discarded,
    /// Returned, yielded, stored, managed by `with` or a cleanup helper, or
    /// something the scan cannot follow.
    Kept,
    /// Bound to the local names `Scan::targets[i]`.
    Bound(usize),
}

impl Use {
    /// The use of a value wrapped by a call, a container or a conditional:
    /// ownership passes through (`return wrap(open(p))`), consumption does
    /// not become a discard.
    fn through(self) -> Use {
        match self {
            Use::Discarded => Use::Consumed,
            other => other,
        }
    }
}

struct Candidate<'a, K> {
    kind: K,
    call: TextRange,
    statement: &'a Stmt,
    names: usize,
    /// The bodies the opening statement is nested in (`Scan::bodies`).
    bodies: Vec<u32>,
    /// Creation order: the candidates a statement created are those at or
    /// after the count taken before it (removals do not shift it).
    id: usize,
}

/// Finds the resources in `body` that are neither managed nor handed off.
/// `in_function` is false for a module's top level, where a function reading
/// a global sees its last binding only: that one is kept, earlier ones are
/// not. `opened` says whether a
/// call opens a resource; its flag is true inside a comprehension, where a
/// name may be the comprehension's own variable.
pub fn unmanaged_resources<'a, K: Copy>(
    body: &'a [Stmt],
    in_function: bool,
    opened: impl Fn(&'a ast::ExprCall, bool) -> Option<K>,
) -> Vec<Unmanaged<'a, K>> {
    let mut scan = Scan {
        opened: &opened,
        in_function,
        use_: Use::Consumed,
        statement: None,
        cleanup_depth: 0,
        comprehension_depth: 0,
        targets: Vec::new(),
        aliases: Vec::new(),
        escaped: FxHashSet::default(),
        last_binding: FxHashMap::default(),
        bodies: Vec::new(),
        body_count: 0,
        nested: Vec::new(),
        candidates: Vec::new(),
        created: 0,
        found: Vec::new(),
    };
    scan.visit_body(body);
    scan.finish()
}

struct Scan<'a, 'f, K> {
    opened: &'f dyn Fn(&'a ast::ExprCall, bool) -> Option<K>,
    in_function: bool,
    /// The use of the expression about to be visited.
    use_: Use,
    statement: Option<&'a Stmt>,
    /// Inside a `finally` or an `except` handler.
    cleanup_depth: u32,
    comprehension_depth: u32,
    /// Name lists of `Use::Bound`.
    targets: Vec<Vec<&'a str>>,
    /// `(name, targets)`: the value of `name` flows into those names
    /// (`g = f`, `reader = wrap(f)`).
    aliases: Vec<(&'a str, usize)>,
    /// Names whose value is kept, closed or handed off.
    escaped: FxHashSet<&'a str>,
    /// The statement that last binds each name (module level).
    last_binding: FxHashMap<&'a str, TextSize>,
    /// The bodies (statement lists) being visited, outermost first.
    bodies: Vec<u32>,
    body_count: u32,
    /// Nested `def`s, classes and lambdas: a name they read is captured.
    nested: Vec<NestedScope<'a>>,
    candidates: Vec<Candidate<'a, K>>,
    /// How many candidates were ever created.
    created: usize,
    found: Vec<Unmanaged<'a, K>>,
}

enum NestedScope<'a> {
    Stmt(&'a Stmt),
    Lambda(&'a ast::ExprLambda),
}

impl<'a, K: Copy> Scan<'a, '_, K> {
    fn visit_as(&mut self, expr: &'a Expr, use_: Use) {
        self.use_ = use_;
        self.visit_expr(expr);
    }

    fn bound(&mut self, names: Vec<&'a str>) -> Use {
        self.targets.push(names);
        Use::Bound(self.targets.len() - 1)
    }

    fn assign(&mut self, targets: &'a [Expr], value: &'a Expr) {
        // `a, b = open(x), open(y)`: element by element.
        if let [Expr::Tuple(ast::ExprTuple { elts: names, .. })] = targets
            && let Expr::Tuple(ast::ExprTuple { elts: values, .. }) = value
            && names.len() == values.len()
        {
            for (name, value) in names.iter().zip(values) {
                self.assign(std::slice::from_ref(name), value);
            }
            return;
        }
        let mut names = Vec::new();
        let mut kept = false;
        for target in targets {
            match target {
                Expr::Name(name) => {
                    names.push(name.id.as_str());
                    if let Some(statement) = self.statement {
                        self.last_binding
                            .insert(name.id.as_str(), statement.start());
                    }
                }
                // Stored on an attribute or in a subscript, or unpacked: kept.
                _ => kept = true,
            }
        }
        let use_ = if kept { Use::Kept } else { self.bound(names) };
        self.visit_as(value, use_);
        for target in targets {
            if let Expr::Name(name) = target
                && !any_over_expr(value, |e| matches!(e, Expr::Name(n) if n.id == name.id))
            {
                self.rebound(name.id.as_str());
            }
        }
    }

    /// `name` gets a new value: a resource it held that nothing has kept or
    /// closed so far is lost (`f = open(p)` ... `f = None` ... `return f`).
    /// Only for a resource opened in this body or one nested in it, so that
    /// `if c: f = open(a)` / `else: f = open(b)` are not taken for a rebinding.
    fn rebound(&mut self, name: &'a str) {
        if self.escaped.contains(name)
            || !self.nested.is_empty()
            || self.aliases.iter().any(|(alias, _)| *alias == name)
        {
            return;
        }
        let Some(statement) = self.statement else {
            return;
        };
        let (targets, bodies) = (&self.targets, &self.bodies);
        let mut lost = Vec::new();
        self.candidates.retain(|c| {
            let is_lost = !std::ptr::eq(c.statement, statement)
                && targets[c.names] == [name]
                && c.bodies.starts_with(bodies);
            if is_lost {
                lost.push(Unmanaged {
                    kind: c.kind,
                    call: c.call,
                    statement: c.statement,
                    bound_to: Some(name),
                });
            }
            !is_lost
        });
        self.found.extend(lost);
    }

    fn opened_call(&mut self, call: &'a ast::ExprCall, kind: K, use_: Use) {
        let Some(statement) = self.statement else {
            return;
        };
        match use_ {
            Use::Consumed => self.found.push(Unmanaged {
                kind,
                call: call.range(),
                statement,
                bound_to: None,
            }),
            Use::Bound(names) => {
                self.candidates.push(Candidate {
                    kind,
                    call: call.range(),
                    statement,
                    names,
                    bodies: self.bodies.clone(),
                    id: self.created,
                });
                self.created += 1;
            }
            Use::Discarded | Use::Kept => {}
        }
    }

    fn call(&mut self, call: &'a ast::ExprCall, use_: Use) {
        let ast::ExprCall {
            func, arguments, ..
        } = call;
        let in_comprehension = self.comprehension_depth > 0;
        if let Some(kind) = (self.opened)(call, in_comprehension) {
            self.opened_call(call, kind, use_);
            match &**func {
                // `ZipFile(p).open(name)`, `TarFile(p).open()`: one resource,
                // reported (or managed) as the outer call.
                Expr::Attribute(attr)
                    if matches!(&*attr.value, Expr::Call(inner)
                        if (self.opened)(inner, in_comprehension).is_some()) =>
                {
                    self.visit_as(&attr.value, Use::Kept);
                }
                _ => self.visit_as(func, Use::Consumed),
            }
            self.arguments(arguments, Use::Consumed);
            return;
        }
        let args_use = match &**func {
            Expr::Attribute(attr) if CLEANUP_METHODS.contains(&attr.attr.as_str()) => {
                match &*attr.value {
                    // `open(p).close()`, `Popen(cmd).wait()`.
                    Expr::Call(_) => self.visit_as(&attr.value, Use::Kept),
                    // `f.close()` in a `finally` or a handler.
                    Expr::Name(name) if self.cleanup_depth > 0 => {
                        self.escaped.insert(name.id.as_str());
                    }
                    _ => self.visit_as(&attr.value, Use::Consumed),
                }
                Use::Consumed
            }
            Expr::Attribute(attr)
                if HANDOFF_METHODS.contains(&attr.attr.as_str())
                    || STORE_METHODS.contains(&attr.attr.as_str()) =>
            {
                self.visit_as(&attr.value, Use::Consumed);
                Use::Kept
            }
            // `contextlib.closing(f)` and the like are matched by name: any
            // function of that name is taken to manage its argument.
            Expr::Name(name) if matches!(name.id.as_str(), "closing" | "aclosing") => Use::Kept,
            Expr::Attribute(attr) if matches!(attr.attr.as_str(), "closing" | "aclosing") => {
                Use::Kept
            }
            // `loop.connect_write_pipe(Protocol, pipe)`: the transport
            // closes the pipe.
            Expr::Attribute(attr) if TRANSPORT_METHODS.contains(&attr.attr.as_str()) => {
                self.visit_as(func, Use::Consumed);
                Use::Kept
            }
            // `loop.create_connection(factory, sock=sock)`: the transport
            // owns the socket; the other arguments are used as usual.
            Expr::Attribute(attr)
                if SOCK_OWNERS.contains(&attr.attr.as_str())
                    && arguments.find_keyword("sock").is_some() =>
            {
                self.visit_as(func, Use::Consumed);
                for keyword in &arguments.keywords {
                    let use_ = if keyword.arg.as_ref().is_some_and(|a| a.as_str() == "sock") {
                        Use::Kept
                    } else {
                        Use::Consumed
                    };
                    self.visit_as(&keyword.value, use_);
                }
                for arg in &arguments.args {
                    self.visit_as(arg, Use::Consumed);
                }
                return;
            }
            _ => {
                self.visit_as(func, Use::Consumed);
                // In cleanup code, handing the name to any call counts as
                // closing it (`finally: safe_close(f)`); a constructor or a
                // method of `self` usually keeps what it is given
                // (`FileResponse(f)`, `self.set_socket(sock)`).
                // A returned or stored call keeps its arguments
                // (`return wrap(open(p))`); a bound one is read as a
                // consumer (`data = json.load(f)`), unless it takes ownership.
                if self.cleanup_depth > 0 || takes_ownership(func) || use_ == Use::Kept {
                    Use::Kept
                } else {
                    Use::Consumed
                }
            }
        };
        self.arguments(arguments, args_use);
    }

    fn arguments(&mut self, arguments: &'a ast::Arguments, use_: Use) {
        let values = arguments
            .args
            .iter()
            .chain(arguments.keywords.iter().map(|k| &k.value));
        for value in values {
            // `setwriter(err.write)`: the callee keeps a bound method, and
            // with it the object.
            if let Expr::Attribute(attr) = value
                && let Expr::Name(name) = &*attr.value
                && !DATA_ATTRIBUTES.contains(&attr.attr.as_str())
            {
                self.escaped.insert(name.id.as_str());
            }
            self.visit_as(value, use_);
        }
    }

    fn comprehension(&mut self, generators: &'a [ast::Comprehension], elts: &[&'a Expr]) {
        for generator in generators {
            self.visit_as(&generator.iter, Use::Consumed);
            for condition in &generator.ifs {
                self.visit_as(condition, Use::Consumed);
            }
        }
        self.comprehension_depth += 1;
        // `[open(p) for p in paths]`: the files go into a list the scan does
        // not follow, so they are kept.
        for elt in elts {
            self.visit_as(elt, Use::Kept);
        }
        self.comprehension_depth -= 1;
    }

    /// Forgets the candidates found since `before` that `next` releases.
    /// Drops the candidates created since `before` (a count of
    /// [`Scan::created`]) that `next` releases at once.
    fn drop_released_by(&mut self, before: usize, next: Option<&Stmt>) {
        if self.created == before {
            return;
        }
        let Some(released) = next.and_then(released_name) else {
            return;
        };
        let targets = &self.targets;
        self.candidates
            .retain(|c| c.id < before || !targets[c.names].contains(&released.as_str()));
    }

    /// Drops the candidates opened in the current body (or nested in it)
    /// that `next` releases: the statement before it cannot leave early.
    fn drop_released_after(&mut self, next: Option<&Stmt>) {
        let Some(released) = next.and_then(released_name) else {
            return;
        };
        let (targets, bodies) = (&self.targets, &self.bodies);
        self.candidates.retain(|c| {
            !(c.bodies.starts_with(bodies) && targets[c.names].contains(&released.as_str()))
        });
    }

    fn finish(mut self) -> Vec<Unmanaged<'a, K>> {
        // Module level: the candidates a function reads as a global.
        let mut read_as_global = FxHashSet::default();
        if !self.candidates.is_empty() {
            let mut captured = CapturedNames::default();
            for scope in &self.nested {
                match scope {
                    NestedScope::Stmt(stmt) => captured.visit_stmt(stmt),
                    NestedScope::Lambda(lambda) => captured.visit_expr(&lambda.body),
                }
            }
            if self.in_function {
                self.escaped.extend(captured.0.iter().copied());
            } else {
                // A function reads the global's last binding.
                for candidate in &self.candidates {
                    let start = candidate.statement.start();
                    for name in &self.targets[candidate.names] {
                        if captured.0.contains(name) && self.last_binding.get(name) == Some(&start)
                        {
                            read_as_global.insert(candidate.call.start());
                        }
                    }
                }
            }
            // A value that flows into a kept name is kept.
            loop {
                let before = self.escaped.len();
                for (name, targets) in &self.aliases {
                    if self.targets[*targets]
                        .iter()
                        .any(|t| self.escaped.contains(t))
                    {
                        self.escaped.insert(name);
                    }
                }
                if self.escaped.len() == before {
                    break;
                }
            }
        }
        for candidate in std::mem::take(&mut self.candidates) {
            let names = &self.targets[candidate.names];
            if names.iter().any(|n| self.escaped.contains(n))
                || read_as_global.contains(&candidate.call.start())
            {
                continue;
            }
            self.found.push(Unmanaged {
                kind: candidate.kind,
                call: candidate.call,
                statement: candidate.statement,
                bound_to: names.first().copied(),
            });
        }
        self.found.sort_by_key(|u| u.call.start());
        self.found
    }
}

impl<'a, K: Copy> Visitor<'a> for Scan<'a, '_, K> {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        self.body_count += 1;
        self.bodies.push(self.body_count);
        for (i, stmt) in body.iter().enumerate() {
            let before = self.created;
            self.visit_stmt(stmt);
            // `f = open(p)` then at once `f.close()` (or `out = p.communicate()`,
            // `return not p.wait()`): nothing in between can raise, as good as
            // closing it directly.
            let next = body[i + 1..].iter().find(|s| !cannot_raise(s));
            self.drop_released_by(before, next);
            // `try: ... except Exception: log(...)` then `f.close()`: every
            // path through the `try` reaches the close.
            if let Stmt::Try(try_stmt) = stmt
                && catches_everything(try_stmt)
            {
                self.drop_released_after(next);
            }
        }
        self.bodies.pop();
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.statement = Some(stmt);
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => self.nested.push(NestedScope::Stmt(stmt)),
            Stmt::Expr(ast::StmtExpr { value, .. }) => self.visit_as(value, Use::Discarded),
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => self.visit_as(value, Use::Kept),
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => self.assign(targets, value),
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                value: Some(value),
                ..
            }) => self.assign(std::slice::from_ref(&**target), value),
            // `self._socks += [client, server]`: stored on an attribute.
            Stmt::AugAssign(ast::StmtAugAssign { target, value, .. }) if !target.is_name_expr() => {
                self.visit_as(value, Use::Kept);
            }
            Stmt::With(ast::StmtWith { items, body, .. }) => {
                for item in items {
                    self.visit_as(&item.context_expr, Use::Kept);
                }
                self.visit_body(body);
            }
            Stmt::For(ast::StmtFor {
                iter, body, orelse, ..
            }) => {
                self.visit_as(iter, Use::Consumed);
                self.visit_body(body);
                self.visit_body(orelse);
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            }) => {
                let before = self.created;
                self.visit_body(body);
                // `try: f = open(p) except OSError: ... else: f.close()`.
                self.drop_released_by(before, orelse.first());
                self.cleanup_depth += 1;
                for handler in handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    self.visit_body(&handler.body);
                }
                self.cleanup_depth -= 1;
                self.visit_body(orelse);
                self.cleanup_depth += 1;
                self.visit_body(finalbody);
                self.cleanup_depth -= 1;
            }
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                self.escaped.extend(names.iter().map(|n| n.as_str()));
            }
            // Other statements: their expressions are used in place, their
            // bodies are scanned (`visit_expr` starts from `Consumed`).
            _ => {
                self.use_ = Use::Consumed;
                visitor::walk_stmt(self, stmt);
            }
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        let use_ = std::mem::replace(&mut self.use_, Use::Consumed);
        match expr {
            Expr::Call(call) => self.call(call, use_),
            Expr::Name(name) if name.ctx.is_load() => match use_ {
                Use::Kept => {
                    self.escaped.insert(name.id.as_str());
                }
                Use::Bound(targets) => self.aliases.push((name.id.as_str(), targets)),
                Use::Consumed | Use::Discarded => {}
            },
            // `self.addCleanup(f.close)`, `atexit.register(pool.shutdown)`:
            // a cleanup method handed over without being called.
            Expr::Attribute(attr) if CLEANUP_METHODS.contains(&attr.attr.as_str()) => {
                match base_name(&attr.value) {
                    Some(name) => {
                        self.escaped.insert(name);
                    }
                    None => self.visit_as(&attr.value, Use::Consumed),
                }
            }
            Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::List(ast::ExprList { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                for elt in elts {
                    self.visit_as(elt, use_.through());
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        self.visit_as(key, Use::Consumed);
                    }
                    self.visit_as(&item.value, use_.through());
                }
            }
            Expr::Starred(starred) => self.visit_as(&starred.value, use_.through()),
            Expr::Await(await_) => self.visit_as(&await_.value, use_.through()),
            Expr::If(if_) => {
                self.visit_as(&if_.test, Use::Consumed);
                self.visit_as(&if_.body, use_.through());
                self.visit_as(&if_.orelse, use_.through());
            }
            Expr::BoolOp(bool_op) => {
                for value in &bool_op.values {
                    self.visit_as(value, use_.through());
                }
            }
            Expr::Named(named) => {
                let use_ = match &*named.target {
                    Expr::Name(name) => self.bound(vec![name.id.as_str()]),
                    _ => Use::Kept,
                };
                self.visit_as(&named.value, use_);
            }
            // The consumer of a generator owns what it yields.
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            }) => self.visit_as(value, Use::Kept),
            Expr::YieldFrom(yield_from) => self.visit_as(&yield_from.value, Use::Kept),
            Expr::Lambda(lambda) => self.nested.push(NestedScope::Lambda(lambda)),
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.comprehension(generators, &[elt]),
            Expr::DictComp(comp) => {
                let mut elts = vec![&*comp.value];
                elts.extend(comp.key.as_deref());
                self.comprehension(&comp.generators, &elts);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// `f.close()`, `out, err = p.communicate()`, `if p.wait():`: the name a
/// statement releases, if it does.
fn released_name(stmt: &Stmt) -> Option<String> {
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
fn catches_everything(try_stmt: &ast::StmtTry) -> bool {
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
fn leaves(body: &[Stmt]) -> bool {
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
fn cannot_raise(stmt: &Stmt) -> bool {
    let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
        return false;
    };
    targets.iter().all(|t| matches!(t, Expr::Name(_)))
        && (value.is_literal_expr()
            || matches!(&**value, Expr::Name(_))
            || matches!(&**value, Expr::Attribute(attr) if matches!(&*attr.value, Expr::Name(_))))
}

/// `f` in `f`, `f.stdout`, `f.a.b`.
fn base_name(expr: &Expr) -> Option<&str> {
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
fn takes_ownership(func: &Expr) -> bool {
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
struct CapturedNames<'a>(FxHashSet<&'a str>);

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

//! PF503: a list built only to be iterated once: `for x in list(<expr>)`,
//! or a list comprehension bound to a name whose one use is a loop or a
//! reducer.

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::rules::iterators::list_comprehension_in_call::is_async_comprehension;
use crate::semantic::model::ScopeId;
use crate::semantic::{BindingKind, ScopeKind, SemanticModel};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;
pub struct UnnecessaryMaterialization;

impl<'a> Check<'a> for UnnecessaryMaterialization {
    type State = ();
    const STMTS: u64 = kinds::stmt::FOR;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::For(for_stmt) = stmt {
            check_for(cx, for_stmt);
        }
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, _: &mut ()) {
        check_functions(cx);
    }
}

/// Builtins whose call builds a new object from arguments evaluated once:
/// nothing the loop body does can change what `list(...)` copied.
const FRESH_BUILDERS: &[&str] = &[
    "builtins.range",
    "builtins.sorted",
    "builtins.list",
    "builtins.tuple",
    "builtins.set",
    "builtins.frozenset",
    "builtins.dict",
];

/// Calls that cannot change a container the loop is reading.
const PURE_CALLS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "callable",
    "chr",
    "divmod",
    "float",
    "format",
    "hash",
    "hex",
    "id",
    "int",
    "isinstance",
    "issubclass",
    "len",
    "max",
    "min",
    "oct",
    "ord",
    "print",
    "repr",
    "round",
    "str",
    "sum",
    "type",
];

/// `for x in list(<expr>)`.
pub(crate) fn check_for(cx: &mut Context, for_stmt: &ast::StmtFor) {
    if for_stmt.is_async {
        return;
    }
    let Expr::Call(call) = &*for_stmt.iter else {
        return;
    };
    let [argument] = &call.arguments.args[..] else {
        return;
    };
    if !call.arguments.keywords.is_empty() || argument.is_starred_expr() {
        return;
    }
    let semantic = cx.semantic();
    if !semantic
        .resolve_qualified_name(&call.func)
        .is_some_and(|n| n.is("builtins.list"))
    {
        return;
    }
    let scope = semantic.current_scope_id();
    if reads_namespace(semantic, scope, argument)
        || may_change_during(semantic, scope, argument, &for_stmt.body)
    {
        return;
    }
    let message = "`list(...)` copies everything before the loop starts, and the loop is all that reads it: iterate the expression directly".to_string();
    cx.report(Rule::UnnecessaryMaterialization, call.range(), message);
}

/// After the walk: a list comprehension bound to a local name whose only
/// use is the next statement's `for` loop or a reducer call in it.
pub(crate) fn check_functions(cx: &mut Context) {
    let semantic = cx.semantic();
    let mut findings = Vec::new();
    for (scope_id, scope) in semantic.scopes() {
        let ScopeKind::Function(def) = scope.kind else {
            continue;
        };
        for &id in &scope.bindings {
            let binding = semantic.binding(id);
            let BindingKind::Assignment(Some(Expr::ListComp(comp))) = binding.kind else {
                continue;
            };
            let name = binding.name;
            let bound_once = scope
                .bindings
                .iter()
                .filter(|&&b| semantic.binding(b).name == name)
                .count()
                == 1;
            if !bound_once
                || binding.reads != 1
                || scope.is_declared_outside(name)
                || is_async_comprehension(&comp.generators, &[&comp.elt])
                || calls_something(semantic, scope_id, &comp.elt)
            {
                continue;
            }
            let Some((assign, next)) = find_assignment(&def.body, binding.range) else {
                continue;
            };
            let Some(next) = next else { continue };
            let comprehension = Expr::ListComp(comp.clone());
            let used_by = match next {
                Stmt::For(for_stmt)
                    if !for_stmt.is_async
                        && matches!(&*for_stmt.iter, Expr::Name(n) if n.id.as_str() == name) =>
                {
                    if may_change_during(semantic, scope_id, &comprehension, &for_stmt.body) {
                        continue;
                    }
                    "the `for` loop that follows".to_string()
                }
                other => match reducer_use(semantic, scope_id, other, name) {
                    Some(reducer) => format!("`{reducer}()`"),
                    None => continue,
                },
            };
            let message = format!(
                "the list `{name}` is built only to be iterated once, by {used_by}: a generator expression gives the same result without holding the whole list"
            );
            findings.push((comp.range(), assign.range(), message));
        }
    }
    for (range, statement, message) in findings {
        cx.report_in_statement(Rule::UnnecessaryMaterialization, range, statement, message);
    }
}

/// `[t.delay() for t in ts]`: the elements start work, eagerly on purpose
/// (every call made before the loop or the reducer sees the first one).
/// Pure builtins (`len(x)`) and string methods (`line.strip()`) do not count.
fn calls_something(semantic: &SemanticModel, scope: ScopeId, element: &Expr) -> bool {
    crate::ast::helpers::any_over_expr(element, |e| {
        let Expr::Call(call) = e else { return false };
        if let Some(name) = semantic.resolve_qualified_name_in(scope, &call.func) {
            return !name
                .as_str()
                .strip_prefix("builtins.")
                .is_some_and(|b| PURE_CALLS.contains(&b));
        }
        !matches!(&*call.func, Expr::Attribute(a) if STR_METHODS.contains(&a.attr.as_str()))
    })
}

/// String methods that only compute a value.
const STR_METHODS: &[&str] = &[
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "casefold",
    "split",
    "rsplit",
    "splitlines",
    "startswith",
    "endswith",
    "replace",
    "removeprefix",
    "removesuffix",
    "partition",
    "rpartition",
    "format",
    "join",
    "encode",
    "decode",
    "title",
];

/// The assignment statement binding at `target` and the statement after it
/// in the same block (a local scan of one function body; nested `def`s and
/// classes are not entered).
fn find_assignment(body: &[Stmt], target: TextRange) -> Option<(&Stmt, Option<&Stmt>)> {
    for (i, stmt) in body.iter().enumerate() {
        if !stmt.range().contains_range(target) {
            continue;
        }
        if let Stmt::Assign(assign) = stmt {
            return match &assign.targets[..] {
                [Expr::Name(n)] if n.range() == target => Some((stmt, body.get(i + 1))),
                _ => None,
            };
        }
        return match stmt {
            Stmt::If(s) => std::iter::once(&s.body[..])
                .chain(s.elif_else_clauses.iter().map(|c| &c.body[..]))
                .find_map(|b| find_assignment(b, target)),
            Stmt::For(s) => {
                find_assignment(&s.body, target).or_else(|| find_assignment(&s.orelse, target))
            }
            Stmt::While(s) => {
                find_assignment(&s.body, target).or_else(|| find_assignment(&s.orelse, target))
            }
            Stmt::With(s) => find_assignment(&s.body, target),
            Stmt::Try(s) => std::iter::once(&s.body[..])
                .chain(s.handlers.iter().map(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    &h.body[..]
                }))
                .chain([&s.orelse[..], &s.finalbody[..]])
                .find_map(|b| find_assignment(b, target)),
            Stmt::Match(s) => s
                .cases
                .iter()
                .find_map(|c| find_assignment(&c.body, target)),
            _ => None,
        };
    }
    None
}

/// `name` passed to a PF500 reducer in `stmt` (in a simple statement, or in
/// a compound statement's header).
fn reducer_use(
    semantic: &SemanticModel,
    scope: ScopeId,
    stmt: &Stmt,
    name: &str,
) -> Option<&'static str> {
    let headers: Vec<&Expr> = match stmt {
        Stmt::Expr(s) => vec![&s.value],
        Stmt::Assign(s) => vec![&s.value],
        Stmt::AnnAssign(s) => s.value.as_deref().into_iter().collect(),
        Stmt::AugAssign(s) => vec![&s.value],
        Stmt::Return(s) => s.value.as_deref().into_iter().collect(),
        Stmt::If(s) => vec![&s.test],
        Stmt::While(s) => vec![&s.test],
        Stmt::For(s) => vec![&s.iter],
        Stmt::Assert(s) => vec![&s.test],
        _ => return None,
    };
    let mut finder = ReducerFinder {
        semantic,
        scope,
        name,
        found: None,
    };
    for header in headers {
        finder.visit_expr(header);
    }
    finder.found
}

struct ReducerFinder<'m, 'a, 'n> {
    semantic: &'m SemanticModel<'a>,
    scope: ScopeId,
    name: &'n str,
    found: Option<&'static str>,
}

impl<'e> Visitor<'e> for ReducerFinder<'_, '_, '_> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                if self.found.is_none() {
                    self.found = reducer_of(self.semantic, self.scope, call, self.name);
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// The PF500 shapes: `any/all/sum/min/max(name, ...)` with the extra
/// arguments PF500 allows, or `name` as the sole argument of
/// `set/frozenset/tuple/dict/enumerate`.
fn reducer_of(
    semantic: &SemanticModel,
    scope: ScopeId,
    call: &ast::ExprCall,
    name: &str,
) -> Option<&'static str> {
    let args = &call.arguments.args;
    let keywords = &call.arguments.keywords;
    match args.first() {
        Some(Expr::Name(n)) if n.id.as_str() == name => {}
        _ => return None,
    }
    if args.iter().any(|a| a.is_starred_expr()) || keywords.iter().any(|k| k.arg.is_none()) {
        return None;
    }
    let qualified = semantic.resolve_qualified_name_in(scope, &call.func)?;
    let keyword_names = || {
        keywords
            .iter()
            .filter_map(|k| k.arg.as_ref().map(|a| a.as_str()))
    };
    let (reducer, allowed) = match qualified.as_str() {
        "builtins.any" => ("any", args.len() == 1 && keywords.is_empty()),
        "builtins.all" => ("all", args.len() == 1 && keywords.is_empty()),
        "builtins.sum" => (
            "sum",
            args.len() <= 2 && keyword_names().all(|k| k == "start"),
        ),
        "builtins.min" => (
            "min",
            args.len() == 1 && keyword_names().all(|k| k == "key" || k == "default"),
        ),
        "builtins.max" => (
            "max",
            args.len() == 1 && keyword_names().all(|k| k == "key" || k == "default"),
        ),
        "builtins.set" => ("set", args.len() == 1 && keywords.is_empty()),
        "builtins.frozenset" => ("frozenset", args.len() == 1 && keywords.is_empty()),
        "builtins.tuple" => ("tuple", args.len() == 1 && keywords.is_empty()),
        "builtins.dict" => ("dict", args.len() == 1 && keywords.is_empty()),
        "builtins.enumerate" => ("enumerate", args.len() == 1 && keywords.is_empty()),
        _ => return None,
    };
    allowed.then_some(reducer)
}

/// `globals()`, `locals()`, `vars()`: every binding the loop makes (its own
/// target included) changes them, so the copy is needed.
fn reads_namespace(semantic: &SemanticModel, scope: ScopeId, expr: &Expr) -> bool {
    struct Finder<'m, 'a> {
        semantic: &'m SemanticModel<'a>,
        scope: ScopeId,
        found: bool,
    }
    impl<'e> Visitor<'e> for Finder<'_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if let Expr::Call(call) = expr
                && self
                    .semantic
                    .resolve_qualified_name_in(self.scope, &call.func)
                    .is_some_and(|n| {
                        n.is_any(&["builtins.globals", "builtins.locals", "builtins.vars"])
                    })
            {
                self.found = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        semantic,
        scope,
        found: false,
    };
    finder.visit_expr(expr);
    finder.found
}

/// Could the loop body change what `expr` reads, so that iterating it lazily
/// would see something else than the copy? True when the body stores into,
/// deletes from, or calls something with a name `expr` reads; or, for a
/// name that is not a fresh local container, when the body calls anything
/// that is not a pure builtin (it might reach the container).
fn may_change_during(semantic: &SemanticModel, scope: ScopeId, expr: &Expr, body: &[Stmt]) -> bool {
    let mut roots = Roots {
        semantic,
        scope,
        names: Vec::new(),
        bound: FxHashSet::default(),
    };
    roots.visit_expr(expr);
    if roots.names.is_empty() {
        return false;
    }
    let mut effects = Effects {
        semantic,
        scope,
        touched: FxHashSet::default(),
        impure_call: false,
    };
    effects.visit_body(body);
    roots.names.iter().any(|name| {
        effects.touched.contains(name)
            || (effects.impure_call && !is_fresh_local(semantic, scope, name))
    })
}

/// The names an expression reads, except builtins, names bound inside it
/// (comprehension targets) and the arguments of fresh builders (`range(n)`).
struct Roots<'m, 'a, 'e> {
    semantic: &'m SemanticModel<'a>,
    scope: ScopeId,
    names: Vec<&'e str>,
    bound: FxHashSet<&'e str>,
}

impl<'e> Visitor<'e> for Roots<'_, '_, 'e> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                if name.ctx.is_store() {
                    self.bound.insert(id);
                } else if !self.bound.contains(id)
                    && !self
                        .semantic
                        .resolve_qualified_name_in(self.scope, expr)
                        .is_some_and(|n| n.as_str().starts_with("builtins."))
                {
                    self.names.push(id);
                }
            }
            Expr::Call(call)
                if self
                    .semantic
                    .resolve_qualified_name_in(self.scope, &call.func)
                    .is_some_and(|n| n.is_any(FRESH_BUILDERS)) =>
            {
                // `range(n)`, `sorted(x)`: copied once, before the loop.
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => {
                for generator in generators {
                    self.visit_expr(&generator.iter);
                    self.visit_expr(&generator.target);
                    for condition in &generator.ifs {
                        self.visit_expr(condition);
                    }
                }
                self.visit_expr(elt);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// What a loop body does to names: stores into or deletes from them, passes
/// them to calls or calls their methods; and whether it runs code that could
/// reach any container: a call that is not a pure builtin, or setting an
/// attribute or an item of an object it did not build.
struct Effects<'m, 'a, 'e> {
    semantic: &'m SemanticModel<'a>,
    scope: ScopeId,
    touched: FxHashSet<&'e str>,
    impure_call: bool,
}

impl<'e> Effects<'_, '_, 'e> {
    fn touch_base(&mut self, mut expr: &'e Expr) {
        // Setting an attribute or an item runs the object's code (an ORM
        // backref can remove the object from the list being looped over),
        // unless the object is a container this function built.
        if let Expr::Attribute(_) | Expr::Subscript(_) = expr {
            let mut base = expr;
            while let Expr::Attribute(ast::ExprAttribute { value, .. })
            | Expr::Subscript(ast::ExprSubscript { value, .. }) = base
            {
                base = value;
            }
            let fresh = matches!(base, Expr::Name(n)
                if is_fresh_local(self.semantic, self.scope, n.id.as_str()));
            if !fresh || matches!(expr, Expr::Attribute(_)) {
                self.impure_call = true;
            }
        }
        loop {
            match expr {
                Expr::Name(name) => {
                    self.touched.insert(name.id.as_str());
                    return;
                }
                Expr::Attribute(attr) => expr = &attr.value,
                Expr::Subscript(sub) => expr = &sub.value,
                Expr::Starred(starred) => expr = &starred.value,
                Expr::Tuple(ast::ExprTuple { elts, .. })
                | Expr::List(ast::ExprList { elts, .. }) => {
                    for elt in elts {
                        self.touch_base(elt);
                    }
                    return;
                }
                _ => return,
            }
        }
    }
}

impl<'e> Visitor<'e> for Effects<'_, '_, 'e> {
    fn visit_stmt(&mut self, stmt: &'e Stmt) {
        match stmt {
            // A nested def or class does nothing until called.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Assign(s) => {
                for target in &s.targets {
                    self.touch_base(target);
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AugAssign(s) => {
                self.touch_base(&s.target);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(s) => {
                self.touch_base(&s.target);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Delete(s) => {
                for target in &s.targets {
                    self.touch_base(target);
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'e Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Named(named) => {
                self.touch_base(&named.target);
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                let pure = match self
                    .semantic
                    .resolve_qualified_name_in(self.scope, &call.func)
                {
                    Some(name) => match name.as_str().strip_prefix("builtins.") {
                        Some(builtin) => PURE_CALLS.contains(&builtin),
                        None => name.as_str().starts_with("logging."),
                    },
                    None => match &*call.func {
                        // `out.append(x)` on a list this function built, or
                        // `log.info(...)` on a `logging.getLogger()` logger.
                        Expr::Attribute(ast::ExprAttribute { value, .. }) => match &**value {
                            Expr::Name(receiver) => {
                                let receiver = receiver.id.as_str();
                                if is_fresh_local(self.semantic, self.scope, receiver) {
                                    self.touched.insert(receiver);
                                    true
                                } else {
                                    is_logger(self.semantic, self.scope, receiver)
                                }
                            }
                            _ => false,
                        },
                        _ => false,
                    },
                };
                if !pure {
                    self.impure_call = true;
                    // Every name in the callee and the arguments may change.
                    let mut names = NamesIn(Vec::new());
                    names.visit_expr(expr);
                    self.touched.extend(names.0);
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

struct NamesIn<'e>(Vec<&'e str>);

impl<'e> Visitor<'e> for NamesIn<'e> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        if let Expr::Name(name) = expr {
            self.0.push(name.id.as_str());
        }
        visitor::walk_expr(self, expr);
    }
}

/// A name bound to `logging.getLogger(...)`: its methods only log.
fn is_logger(semantic: &SemanticModel, scope: ScopeId, name: &str) -> bool {
    let Some(id) = semantic.lookup_from(scope, name) else {
        return false;
    };
    match semantic.binding(id).kind {
        BindingKind::Assignment(Some(Expr::Call(call))) => semantic
            .resolve_qualified_name_in(semantic.binding(id).scope, &call.func)
            .is_some_and(|n| n.is("logging.getLogger")),
        _ => false,
    }
}

/// A name bound in this function to a container it built itself (a literal,
/// a comprehension, `list(...)`): only this function can reach it.
fn is_fresh_local(semantic: &SemanticModel, scope: ScopeId, name: &str) -> bool {
    let Some(id) = semantic.lookup_from(scope, name) else {
        return false;
    };
    let binding = semantic.binding(id);
    if binding.scope != scope {
        return false;
    }
    let value = match binding.kind {
        BindingKind::Assignment(value) | BindingKind::Annotated { value, .. } => value,
        _ => None,
    };
    match value {
        Some(
            Expr::List(_)
            | Expr::Dict(_)
            | Expr::Set(_)
            | Expr::Tuple(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_),
        ) => true,
        Some(Expr::Call(call)) => semantic
            .resolve_qualified_name_in(scope, &call.func)
            .is_some_and(|n| n.is_any(FRESH_BUILDERS)),
        _ => false,
    }
}

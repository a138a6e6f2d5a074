//! PF503's local lookups: the assignment binding a comprehension and the
//! statement after it, the reducer that reads it, what a name is bound to.

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::semantic::model::ScopeId;
use crate::semantic::{BindingKind, SemanticModel};
use ruff_text_size::{Ranged, TextRange};

/// Builtins whose call builds a new object from arguments evaluated once:
/// nothing the loop body does can change what `list(...)` copied.
pub(super) const FRESH_BUILDERS: &[&str] = &[
    "builtins.range",
    "builtins.sorted",
    "builtins.list",
    "builtins.tuple",
    "builtins.set",
    "builtins.frozenset",
    "builtins.dict",
];

/// The assignment statement binding at `target` and the statement after it
/// in the same block (a local scan of one function body; nested `def`s and
/// classes are not entered).
pub(super) fn find_assignment(body: &[Stmt], target: TextRange) -> Option<(&Stmt, Option<&Stmt>)> {
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
pub(super) fn reducer_use(
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

pub(super) struct ReducerFinder<'m, 'a, 'n> {
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
pub(super) fn reducer_of(
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
pub(super) fn reads_namespace(semantic: &SemanticModel, scope: ScopeId, expr: &Expr) -> bool {
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

/// A name bound to `logging.getLogger(...)`: its methods only log.
pub(super) fn is_logger(semantic: &SemanticModel, scope: ScopeId, name: &str) -> bool {
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
pub(super) fn is_fresh_local(semantic: &SemanticModel, scope: ScopeId, name: &str) -> bool {
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

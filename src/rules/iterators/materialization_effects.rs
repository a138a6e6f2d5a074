//! PF503's question about a loop body: could it change what the copied
//! expression reads (stores, deletes, calls reaching the container)?

use super::materialization_bindings::{FRESH_BUILDERS, is_fresh_local, is_logger};
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::semantic::SemanticModel;
use crate::semantic::model::ScopeId;
use rustc_hash::FxHashSet;

/// Calls that cannot change a container the loop is reading.
pub(super) const PURE_CALLS: &[&str] = &[
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

/// Could the loop body change what `expr` reads, so that iterating it lazily
/// would see something else than the copy? True when the body stores into,
/// deletes from, or calls something with a name `expr` reads; or, for a
/// name that is not a fresh local container, when the body calls anything
/// that is not a pure builtin (it might reach the container).
pub(super) fn may_change_during(
    semantic: &SemanticModel,
    scope: ScopeId,
    expr: &Expr,
    body: &[Stmt],
) -> bool {
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
pub(super) struct Roots<'m, 'a, 'e> {
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
pub(super) struct Effects<'m, 'a, 'e> {
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

pub(super) struct NamesIn<'e>(Vec<&'e str>);

impl<'e> Visitor<'e> for NamesIn<'e> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        if let Expr::Name(name) = expr {
            self.0.push(name.id.as_str());
        }
        visitor::walk_expr(self, expr);
    }
}

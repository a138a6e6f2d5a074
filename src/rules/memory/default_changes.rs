//! PF601's walk of a function body: the first statement that mutates the
//! default or lets it escape (stored, returned, passed on), before anything
//! rebinds its name.

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};

/// A mutation of the default, or a way it leaves the call.
pub(super) struct Change {
    pub(super) what: String,
    pub(super) at: TextSize,
}

/// Methods that change the object they are called on.
pub(super) const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "popleft",
    "remove",
    "discard",
    "clear",
    "sort",
    "reverse",
    "appendleft",
    "extendleft",
    "rotate",
    "move_to_end",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
    "__setitem__",
    "__delitem__",
];

/// Methods that store their argument itself (not a copy of its contents)
/// in their receiver.
pub(super) const STORING_METHODS: &[&str] = &[
    "append",
    "add",
    "insert",
    "appendleft",
    "setdefault",
    "put",
    "put_nowait",
];

pub(super) struct ChangeFinder<'n> {
    pub(super) name: &'n str,
    /// Names the function declares `global`/`nonlocal`.
    pub(super) globals: Vec<&'n str>,
    pub(super) rebound_at: Option<TextSize>,
    pub(super) found: Option<Change>,
}

impl ChangeFinder<'_> {
    fn stores_target(&self, target: &Expr) -> Option<String> {
        match target {
            Expr::Name(n) if self.globals.contains(&n.id.as_str()) => {
                Some(format!("it is stored in the global `{}`", n.id))
            }
            _ => Self::stores(target),
        }
    }

    fn found(&mut self, what: String, at: TextSize) {
        if self.found.is_none() && self.rebound_at.is_none_or(|r| at < r) {
            self.found = Some(Change { what, at });
        }
    }

    /// `name`, `name[k]`, `name[k][j]`: state reached from the default.
    fn rooted(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(n) => n.id.as_str() == self.name,
            Expr::Subscript(s) => self.rooted(&s.value),
            _ => false,
        }
    }

    /// The value of `expr` is the default itself or holds it: `name`,
    /// `(a, name)`, `{"k": name}`, `name or {}`, `x if c else name`.
    fn holds(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(n) => n.id.as_str() == self.name,
            Expr::Tuple(t) => t.elts.iter().any(|e| self.holds(e)),
            Expr::List(l) => l.elts.iter().any(|e| self.holds(e)),
            Expr::Set(s) => s.elts.iter().any(|e| self.holds(e)),
            Expr::Dict(d) => d.items.iter().any(|item| {
                self.holds(&item.value) || item.key.as_ref().is_some_and(|k| self.holds(k))
            }),
            Expr::Starred(s) => self.holds(&s.value),
            Expr::BoolOp(b) => b.values.iter().any(|e| self.holds(e)),
            Expr::If(i) => self.holds(&i.body) || self.holds(&i.orelse),
            Expr::Named(n) => self.holds(&n.value),
            _ => false,
        }
    }

    /// An assignment target that keeps the value beyond the call.
    fn stores(target: &Expr) -> Option<String> {
        match target {
            Expr::Attribute(a) => Some(match &*a.value {
                Expr::Name(n) => format!("it is stored on `{}.{}`", n.id, a.attr),
                _ => format!("it is stored on attribute `{}`", a.attr),
            }),
            Expr::Subscript(_) => Some("it is stored into a container".to_string()),
            Expr::Tuple(t) => t.elts.iter().find_map(Self::stores),
            Expr::List(l) => l.elts.iter().find_map(Self::stores),
            Expr::Starred(s) => Self::stores(&s.value),
            _ => None,
        }
    }
}

impl<'a> Visitor<'a> for ChangeFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found.is_some() {
            return;
        }
        let name = self.name;
        match stmt {
            // A nested function or class may shadow the name; its body
            // runs (if ever) at another time.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if self.rooted_target(target) {
                        self.found(format!("`{name}[...] = ...` changes it"), stmt.start());
                    } else if self.holds(&assign.value)
                        && let Some(what) = self.stores_target(target)
                    {
                        self.found(what, stmt.start());
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value
                    && self.holds(value)
                    && let Some(what) = self.stores_target(&assign.target)
                {
                    self.found(what, stmt.start());
                }
            }
            Stmt::AugAssign(assign) if self.rooted(&assign.target) => {
                self.found(
                    format!("`{name} {}=` changes it", assign.op.as_str()),
                    stmt.start(),
                );
            }
            Stmt::Delete(delete)
                if delete
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Subscript(s) if self.rooted(&s.value))) =>
            {
                self.found(format!("`del {name}[...]` changes it"), stmt.start());
            }
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) if self.holds(value) => {
                self.found("it is returned".to_string(), stmt.start());
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found.is_some() {
            return;
        }
        match expr {
            Expr::Lambda(lambda) => {
                let shadows = lambda
                    .parameters
                    .as_ref()
                    .is_some_and(|p| p.iter().any(|p| p.name().as_str() == self.name));
                if !shadows {
                    visitor::walk_expr(self, expr);
                }
                return;
            }
            Expr::Call(call) => {
                if let Expr::Attribute(attr) = &*call.func {
                    let method = attr.attr.as_str();
                    if MUTATING_METHODS.contains(&method) && self.rooted(&attr.value) {
                        let receiver = if attr.value.is_name_expr() {
                            self.name.to_string()
                        } else {
                            format!("{}[...]", self.name)
                        };
                        self.found(
                            format!("`{receiver}.{method}(...)` changes it"),
                            expr.start(),
                        );
                    } else if STORING_METHODS.contains(&method)
                        // `self.add("checkbutton", cnf)` is the object's own
                        // method (tkinter's `Menu.add`), not a container.
                        && !matches!(&*attr.value, Expr::Name(n) if matches!(n.id.as_str(), "self" | "cls"))
                        && call.arguments.args.iter().any(|a| self.holds(a))
                    {
                        self.found(format!("it is stored by `.{method}(...)`"), expr.start());
                    }
                }
            }
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            }) if self.holds(value) => {
                self.found("it is yielded".to_string(), expr.start());
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

impl ChangeFinder<'_> {
    /// `name[k] = v`, `name[a:b] = v` (also inside a tuple target).
    fn rooted_target(&self, target: &Expr) -> bool {
        match target {
            Expr::Subscript(s) => self.rooted(&s.value),
            Expr::Tuple(t) => t.elts.iter().any(|e| self.rooted_target(e)),
            Expr::List(l) => l.elts.iter().any(|e| self.rooted_target(e)),
            Expr::Starred(s) => self.rooted_target(&s.value),
            _ => false,
        }
    }
}

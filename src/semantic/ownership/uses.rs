//! How each expression uses its parts' values (the scan's expression walk).

use super::names::{CLEANUP_METHODS, DATA_ATTRIBUTES, base_name};
use super::{NestedScope, Scan};
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};

/// What the surrounding code does with a value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
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

impl<'a, K: Copy> Scan<'a, '_, K> {
    pub(super) fn arguments(&mut self, arguments: &'a ast::Arguments, use_: Use) {
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

    pub(super) fn comprehension(
        &mut self,
        generators: &'a [ast::Comprehension],
        elts: &[&'a Expr],
    ) {
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
}

impl<'a, K: Copy> Visitor<'a> for Scan<'a, '_, K> {
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

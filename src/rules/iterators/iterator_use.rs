//! PF502's expressions: what a value binds a name to (a fresh single-pass
//! iterator or not), and what evaluating an expression consumes (`list(it)`,
//! `x in it`, `*it`, a comprehension over `it`) or asks of an iterator that
//! it cannot give (`len(it)`, `it[0]`).

use ruff_text_size::Ranged;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::semantic::BindingKind;
use crate::semantic::flow::{Flow, walrus_targets};

use super::iterator_facts::{Facts, join};
use super::iterator_flow::Analyzer;

/// Builtins that return a single-pass iterator.
const ITERATOR_BUILTINS: &[&str] = &["map", "filter", "zip", "iter", "reversed"];

/// Builtins that consume their first argument to the end.
const CONSUMERS: &[&str] = &[
    "list", "tuple", "set", "sorted", "sum", "min", "max", "any", "all", "dict",
];

impl<'a> Analyzer<'a, '_> {
    // ----- what a name is bound to -----

    /// `Some(description)` when `value` is a fresh single-pass iterator.
    pub(super) fn iterator_kind(&self, value: &Expr) -> Option<&'static str> {
        match value {
            Expr::Generator(_) => Some("a generator expression"),
            Expr::Call(call) => {
                if let Some(name) = self
                    .semantic
                    .resolve_qualified_name_in(self.scope, &call.func)
                    && let Some(builtin) = name.as_str().strip_prefix("builtins.")
                {
                    return match builtin {
                        "map" => Some("a `map` iterator"),
                        "filter" => Some("a `filter` iterator"),
                        "zip" => Some("a `zip` iterator"),
                        "iter" => Some("an iterator from `iter()`"),
                        "reversed" => Some("a `reversed` iterator"),
                        _ => None,
                    }
                    .filter(|_| ITERATOR_BUILTINS.contains(&builtin));
                }
                let Expr::Name(callee) = &*call.func else {
                    return None;
                };
                self.is_generator_function(callee.id.as_str())
                    .then_some("a generator")
            }
            _ => None,
        }
    }

    /// A plain (undecorated, sync) generator function of this file, bound
    /// once in its scope: calling it returns a generator.
    fn is_generator_function(&self, name: &str) -> bool {
        let Some(id) = self.semantic.lookup_from(self.scope, name) else {
            return false;
        };
        let binding = self.semantic.binding(id);
        let BindingKind::FunctionDef(def) = binding.kind else {
            return false;
        };
        if def.is_async || !def.decorator_list.is_empty() {
            return false;
        }
        let bound_once = self
            .semantic
            .scope(binding.scope)
            .bindings
            .iter()
            .filter(|&&b| self.semantic.binding(b).name == name)
            .count()
            == 1;
        bound_once
            && self
                .def_scopes
                .get(&def.range().start())
                .is_some_and(|&s| self.semantic.scope(s).is_generator)
    }

    /// `enumerate(it)` as a loop iterable: the loop consumes `it`.
    pub(super) fn enumerate_of<'e>(&self, call: &'e ast::ExprCall) -> Option<&'e ast::ExprName> {
        let name = self
            .semantic
            .resolve_qualified_name_in(self.scope, &call.func)?;
        if !name.is("builtins.enumerate") {
            return None;
        }
        match &call.arguments.args[..] {
            [Expr::Name(arg), ..] => Some(arg),
            _ => None,
        }
    }

    // ----- expressions -----

    pub(super) fn expr(&mut self, expr: &'a Expr, facts: &mut Facts<'a>) {
        match expr {
            Expr::Call(call) => self.call(call, facts),
            Expr::Compare(compare) => {
                self.expr(&compare.left, facts);
                for (op, comparator) in compare.ops.iter().zip(&compare.comparators) {
                    self.expr(comparator, facts);
                    if matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn)
                        && let Expr::Name(name) = comparator
                    {
                        self.consume(facts, name.id.as_str(), name.range());
                    }
                }
            }
            Expr::Subscript(subscript) => {
                self.expr(&subscript.value, facts);
                self.expr(&subscript.slice, facts);
                if let Expr::Name(name) = &*subscript.value {
                    self.no_length(facts, name.id.as_str(), subscript.range(), "indexing it");
                }
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                for elt in elts {
                    self.starred_or_expr(elt, facts);
                }
            }
            Expr::YieldFrom(yield_from) => {
                self.expr(&yield_from.value, facts);
                if let Expr::Name(name) = &*yield_from.value {
                    self.consume(facts, name.id.as_str(), name.range());
                }
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. }) => {
                self.comprehension(expr, generators, true, facts);
            }
            Expr::Generator(generator) => {
                // Lazy: consumed only when something consumes the generator.
                self.comprehension(expr, &generator.generators, false, facts);
            }
            Expr::If(if_expr) => {
                self.expr(&if_expr.test, facts);
                let mut other = facts.clone();
                self.expr(&if_expr.body, facts);
                self.expr(&if_expr.orelse, &mut other);
                let joined = join(Some(std::mem::take(facts)), Some(other));
                *facts = joined.unwrap_or_default();
            }
            Expr::BoolOp(bool_op) => {
                let mut skipped: Flow<Facts<'a>> = None;
                for (i, value) in bool_op.values.iter().enumerate() {
                    if i > 0 {
                        skipped = join(skipped, Some(facts.clone()));
                    }
                    self.expr(value, facts);
                }
                let joined = join(skipped, Some(std::mem::take(facts)));
                *facts = joined.unwrap_or_default();
            }
            Expr::Named(named) => {
                self.expr(&named.value, facts);
                if let Expr::Name(name) = &*named.target {
                    self.bind(facts, name.id.as_str(), Some(&named.value));
                }
            }
            // Runs later, if at all.
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(
                &mut Walk {
                    analyzer: self,
                    facts,
                },
                expr,
            ),
        }
    }

    fn starred_or_expr(&mut self, expr: &'a Expr, facts: &mut Facts<'a>) {
        match expr {
            Expr::Starred(starred) => {
                self.expr(&starred.value, facts);
                if let Expr::Name(name) = &*starred.value {
                    self.consume(facts, name.id.as_str(), name.range());
                }
            }
            other => self.expr(other, facts),
        }
    }

    fn call(&mut self, call: &'a ast::ExprCall, facts: &mut Facts<'a>) {
        self.expr(&call.func, facts);
        for arg in &call.arguments.args {
            self.starred_or_expr(arg, facts);
        }
        for keyword in &call.arguments.keywords {
            self.expr(&keyword.value, facts);
        }
        let args = &call.arguments.args;
        let Some(first) = args.first() else { return };
        // What the call consumes: its first argument, a name or a generator
        // expression over a name.
        let consumed = match first {
            Expr::Name(name) => Some(name),
            Expr::Generator(generator) => match &generator.generators[..] {
                [first, ..] if !first.is_async => match &first.iter {
                    Expr::Name(name) => Some(name),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(consumed) = consumed else { return };
        if let Expr::Attribute(attr) = &*call.func {
            // `"".join(it)`
            if attr.attr.as_str() == "join"
                && matches!(&*attr.value, Expr::StringLiteral(_))
                && args.len() == 1
            {
                self.consume(facts, consumed.id.as_str(), call.range());
            }
            return;
        }
        let Some(name) = self
            .semantic
            .resolve_qualified_name_in(self.scope, &call.func)
        else {
            return;
        };
        let Some(builtin) = name.as_str().strip_prefix("builtins.") else {
            return;
        };
        if builtin == "len" && args.len() == 1 && matches!(first, Expr::Name(_)) {
            self.no_length(facts, consumed.id.as_str(), call.range(), "`len()`");
            return;
        }
        let consumes = match builtin {
            // Two positional arguments compare the arguments themselves.
            "min" | "max" => args.len() == 1,
            _ => CONSUMERS.contains(&builtin),
        };
        if consumes && !args.iter().any(|a| a.is_starred_expr()) {
            self.consume(facts, consumed.id.as_str(), call.range());
        }
    }

    /// The first iterable is evaluated here; a list/set/dict comprehension
    /// consumes it. The rest runs per element (or later): only walrus
    /// targets, which bind in this function, are looked at.
    fn comprehension(
        &mut self,
        expr: &'a Expr,
        generators: &'a [ast::Comprehension],
        eager: bool,
        facts: &mut Facts<'a>,
    ) {
        let Some(first) = generators.first() else {
            return;
        };
        self.expr(&first.iter, facts);
        if eager
            && !first.is_async
            && let Expr::Name(name) = &first.iter
        {
            self.consume(facts, name.id.as_str(), name.range());
        }
        for name in walrus_targets(expr) {
            facts.remove(name);
        }
    }
}

/// Hands sub-expressions back to the analyzer, in evaluation order.
struct Walk<'w, 'a, 'm> {
    analyzer: &'w mut Analyzer<'a, 'm>,
    facts: &'w mut Facts<'a>,
}

impl<'a> Visitor<'a> for Walk<'_, 'a, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        self.analyzer.expr(expr, self.facts);
    }
}

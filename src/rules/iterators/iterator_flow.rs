//! PF502's statements on the flow engine: what each binds, and the loop,
//! `with`, `match` and handler entries. The control flow itself is the
//! engine's (`semantic::flow`).

use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::ast::{self, Expr, Stmt};
use crate::context::Context;
use crate::semantic::SemanticModel;
use crate::semantic::flow::{Flow, Transfer, pattern_captures};
use crate::semantic::model::ScopeId;

use super::iterator_facts::{Facts, Finding, State, Tracked, join};

pub(super) struct Analyzer<'a, 'm> {
    pub(super) semantic: &'m SemanticModel<'a>,
    pub(super) def_scopes: &'m FxHashMap<TextSize, ScopeId>,
    pub(super) scope: ScopeId,
    /// Per enclosing `for` loop, the name it consumes, if followed.
    pub(super) iterating: Vec<Option<(&'a str, TextRange)>>,
    /// The statement (a compound statement's header) being looked at.
    pub(super) statement: TextRange,
    pub(super) findings: Vec<Finding>,
}

impl<'a> Analyzer<'a, '_> {
    /// A name another scope can rebind (`global`/`nonlocal`) is not followed.
    fn followable(&self, name: &str) -> bool {
        !self.semantic.scopes().any(|(id, scope)| {
            scope.is_declared_outside(name) && (id == self.scope || self.is_inside(id))
        })
    }

    fn is_inside(&self, mut id: ScopeId) -> bool {
        while let Some(parent) = self.semantic.scope(id).parent {
            if parent == self.scope {
                return true;
            }
            id = parent;
        }
        false
    }

    pub(super) fn bind(&self, facts: &mut Facts<'a>, name: &'a str, value: Option<&Expr>) {
        match value.and_then(|v| self.iterator_kind(v)) {
            Some(what) if self.followable(name) => {
                facts.insert(
                    name,
                    Tracked {
                        what,
                        state: State::Live,
                    },
                );
            }
            _ => {
                facts.remove(name);
            }
        }
    }

    /// Every name a target binds becomes unknown.
    pub(super) fn forget_targets(&mut self, facts: &mut Facts<'a>, target: &'a Expr) {
        match target {
            Expr::Name(name) => {
                facts.remove(name.id.as_str());
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for elt in elts {
                    self.forget_targets(facts, elt);
                }
            }
            Expr::Starred(starred) => self.forget_targets(facts, &starred.value),
            other => self.expr(other, facts),
        }
    }
}

/// The statements' part; the engine runs the control flow.
impl<'a> Transfer<'a> for Analyzer<'a, '_> {
    type Fact = Facts<'a>;

    fn join(&self, a: Facts<'a>, b: Facts<'a>) -> Facts<'a> {
        join(Some(a), Some(b)).unwrap_or_default()
    }

    fn simple(&mut self, stmt: &'a Stmt, facts: &mut Facts<'a>) -> bool {
        self.statement = stmt.range();
        match stmt {
            Stmt::Expr(s) => self.expr(&s.value, facts),
            Stmt::Assign(s) => {
                self.expr(&s.value, facts);
                for target in &s.targets {
                    if let (Expr::Tuple(_) | Expr::List(_), Expr::Name(value)) = (target, &*s.value)
                    {
                        // `a, b = it` unpacks (consumes) the iterator.
                        self.consume(facts, value.id.as_str(), value.range());
                    }
                }
                for target in &s.targets {
                    match target {
                        Expr::Name(name) => self.bind(facts, name.id.as_str(), Some(&s.value)),
                        other => self.forget_targets(facts, other),
                    }
                }
            }
            Stmt::AnnAssign(s) => {
                if let Some(value) = &s.value {
                    self.expr(value, facts);
                }
                match &*s.target {
                    Expr::Name(name) => self.bind(facts, name.id.as_str(), s.value.as_deref()),
                    other => self.forget_targets(facts, other),
                }
            }
            Stmt::AugAssign(s) => {
                self.expr(&s.value, facts);
                self.forget_targets(facts, &s.target);
            }
            Stmt::Delete(s) => {
                for target in &s.targets {
                    self.forget_targets(facts, target);
                }
            }
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            })
            | Stmt::Raise(ast::StmtRaise {
                exc: Some(value), ..
            })
            | Stmt::Assert(ast::StmtAssert { test: value, .. }) => self.expr(value, facts),
            Stmt::FunctionDef(def) => {
                facts.remove(def.name.as_str());
            }
            Stmt::ClassDef(class) => {
                facts.remove(class.name.as_str());
            }
            Stmt::Import(s) => {
                for alias in &s.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    facts.remove(bound.split('.').next().unwrap_or(bound));
                }
            }
            Stmt::ImportFrom(s) => {
                for alias in &s.names {
                    facts.remove(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
            }
            _ => {}
        }
        true
    }

    fn expr(&mut self, header: &'a Stmt, expr: &'a Expr, facts: &mut Facts<'a>) {
        self.statement = match header {
            Stmt::If(s) => match s
                .elif_else_clauses
                .iter()
                .find(|c| c.test.as_ref().is_some_and(|test| std::ptr::eq(test, expr)))
            {
                Some(clause) => TextRange::new(clause.start(), expr.end()),
                None => Context::header_range(header),
            },
            Stmt::With(_) => header.range(),
            _ => Context::header_range(header),
        };
        self.expr(expr, facts);
    }

    fn with_target(&mut self, target: &'a Expr, facts: &mut Facts<'a>) {
        self.forget_targets(facts, target);
    }

    /// `for x in it` / `for i, x in enumerate(it)` consumes `it` when the
    /// loop runs to its end.
    fn enter_for(&mut self, s: &'a ast::StmtFor, facts: &mut Facts<'a>) {
        let iterated = match &*s.iter {
            Expr::Name(name) if !s.is_async => Some(name),
            Expr::Call(call) if !s.is_async => self.enumerate_of(call),
            _ => None,
        };
        let iterated = iterated.filter(|n| facts.contains_key(n.id.as_str()));
        if let Some(name) = iterated {
            self.consume(facts, name.id.as_str(), name.range());
        }
        self.iterating
            .push(iterated.map(|n| (n.id.as_str(), n.range())));
    }

    fn enter_body(&mut self, stmt: &'a Stmt, first: bool, facts: &mut Facts<'a>) {
        self.statement = Context::header_range(stmt);
        let Stmt::For(s) = stmt else { return };
        if first
            && let Some(Some((name, _))) = self.iterating.last()
            && let Some(tracked) = facts.get_mut(name)
        {
            tracked.state = State::Iterating;
        }
        self.forget_targets(facts, &s.target);
    }

    /// A second pass only matters if something is exhausted on every way
    /// back to the top that was not exhausted on the way in.
    fn again(&self, entry: &Facts<'a>, back: &Facts<'a>) -> bool {
        back.iter().any(|(name, t)| {
            matches!(t.state, State::Exhausted(_))
                && !matches!(entry.get(name).map(|e| e.state), Some(State::Exhausted(_)))
        })
    }

    fn leave_loop(
        &mut self,
        stmt: &'a Stmt,
        back: &mut Flow<Facts<'a>>,
        breaks: &mut Flow<Facts<'a>>,
    ) {
        if !stmt.is_for_stmt() {
            return;
        }
        if let Some(Some((name, at))) = self.iterating.pop() {
            // Run to its end, the loop exhausted the iterator; left by
            // `break`, it may have more.
            let settle = |flow: &mut Flow<Facts<'a>>, state: State| {
                if let Some(tracked) = flow.as_mut().and_then(|f| f.get_mut(name))
                    && tracked.state == State::Iterating
                {
                    tracked.state = state;
                }
            };
            settle(back, State::Exhausted(at));
            settle(breaks, State::Live);
        }
    }

    fn enter_case(&mut self, header: &'a Stmt, case: &'a ast::MatchCase, facts: &mut Facts<'a>) {
        for name in pattern_captures(&case.pattern) {
            facts.remove(name);
        }
        if let Some(guard) = &case.guard {
            self.statement = Context::header_range(header);
            self.expr(guard, facts);
        }
    }

    /// The path where no case applies is always kept (a consumption in
    /// every case, `case _:` included, is not counted as certain).
    fn match_falls_through(&self, _: &ast::StmtMatch) -> bool {
        true
    }

    fn enter_handler(
        &mut self,
        handler: &'a ast::ExceptHandlerExceptHandler,
        facts: &mut Facts<'a>,
    ) {
        if let Some(name) = &handler.name {
            facts.remove(name.as_str());
        }
    }
}

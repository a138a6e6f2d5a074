//! One forward dataflow engine over a function body's statements.
//!
//! A rule describes its facts and what each statement does to them
//! ([`Transfer`]); the engine owns the control flow, once for every rule:
//! `if`/`elif`/`else` and `match` branches are joined, `for`/`while` bodies
//! are walked twice (the second time from the state their end loops back
//! with, so that what happens on an earlier pass is seen by a later one),
//! `break`/`continue` carry their state to the loop's exit or head,
//! `return`/`raise` end the path, a `try` handler starts from any point of
//! its body where something may raise ([`Transfer::may_raise`]), and
//! `finally` runs on the way out (a rule may add the raising points to its
//! entry, [`Transfer::finally_entry`]).
//!
//! A flow is `Option<F>`: `None` is an unreachable point (after `return`,
//! `raise`, `break`, ...).

use crate::ast::{self, Expr, Stmt};
use crate::semantic::SemanticModel;

/// A point's facts, or `None` where no path reaches.
pub type Flow<F> = Option<F>;

/// What a rule knows at a point, and what statements do to it.
#[allow(unused_variables)]
pub trait Transfer<'a> {
    type Fact: Clone;

    /// The facts where two paths meet.
    fn join(&self, a: Self::Fact, b: Self::Fact) -> Self::Fact;

    /// A simple statement (and a `return`'s or `raise`'s value, before the
    /// path ends). `false` ends the path (a call that never returns).
    fn simple(&mut self, stmt: &'a Stmt, fact: &mut Self::Fact) -> bool {
        true
    }

    /// An expression evaluated where it stands: an `if`/`elif`/`while`
    /// test, a `for` iterable, a `with` item, a `match` subject or guard.
    /// `header` is the statement it belongs to.
    fn expr(&mut self, header: &'a Stmt, expr: &'a Expr, fact: &mut Self::Fact) {}

    /// A `with` item's target, after its context expression.
    fn with_target(&mut self, target: &'a Expr, fact: &mut Self::Fact) {}

    /// A `for` loop's header, after its iterable: what the loop consumes.
    fn enter_for(&mut self, for_stmt: &'a ast::StmtFor, fact: &mut Self::Fact) {}

    /// Before each pass over a loop body (`first`: from the loop's entry;
    /// else from the state its end loops back with, after the `while` test
    /// is evaluated again): binds the `for` target.
    fn enter_body(&mut self, stmt: &'a Stmt, first: bool, fact: &mut Self::Fact) {}

    /// Is a second pass over the loop body worth it (`entry`: the body's
    /// entry on the first pass, `back`: the state its end loops back with)?
    fn again(&self, entry: &Self::Fact, back: &Self::Fact) -> bool {
        true
    }

    /// After the passes: `back` leaves the loop normally (the iterable done,
    /// the test false), `breaks` by `break`.
    fn leave_loop(
        &mut self,
        stmt: &'a Stmt,
        back: &mut Flow<Self::Fact>,
        breaks: &mut Flow<Self::Fact>,
    ) {
    }

    /// A `match` case's entry: its captures and guard.
    fn enter_case(&mut self, header: &'a Stmt, case: &'a ast::MatchCase, fact: &mut Self::Fact) {}

    /// Can no case of this `match` apply (so that its end is reached from
    /// its entry too)? By default, unless a case is irrefutable.
    fn match_falls_through(&self, match_stmt: &ast::StmtMatch) -> bool {
        !match_stmt.cases.iter().any(is_irrefutable)
    }

    /// After a loop body's pass (`first` as in [`Transfer::enter_body`]).
    fn leave_body(&mut self, stmt: &'a Stmt, first: bool) {}

    /// Can `stmt`, inside a `try` body, raise to the `try`'s handlers, so
    /// that the facts before it (and, for a block's last statement, after
    /// it) reach them? `nested`: `stmt` is in a block nested in the body
    /// (an `if` branch, a loop body, an inner `try`). By default only the
    /// body's own statements count.
    fn may_raise(&self, stmt: &'a Stmt, nested: bool) -> bool {
        !nested
    }

    /// Where an `except` handler starts: by default from `anywhere`, the
    /// join of the `try`'s entry and the points of its body that may raise
    /// ([`Transfer::may_raise`]); a rule may start it from `at_try`, the
    /// `try`'s entry.
    fn handler_entry(
        &self,
        handler: &'a ast::ExceptHandlerExceptHandler,
        at_try: &Self::Fact,
        anywhere: Self::Fact,
    ) -> Self::Fact {
        anywhere
    }

    /// Where a `finally` starts: by default from `normal`, the join of the
    /// ends of the body (through `else`) and of the handlers; a rule may
    /// add `raised`, the handlers' `anywhere`, for an exception nothing
    /// caught. Whatever it starts from, the path goes on after the `try`
    /// only if `normal` is reachable.
    fn finally_entry(
        &self,
        normal: Flow<Self::Fact>,
        raised: Flow<Self::Fact>,
    ) -> Flow<Self::Fact> {
        normal
    }

    /// Before and after each part of a `try` in source order: its body,
    /// each handler, `else`, `finally`.
    fn enter_try(&mut self, try_stmt: &'a ast::StmtTry, part: TryPart) {}
    fn leave_try(&mut self, try_stmt: &'a ast::StmtTry, part: TryPart) {}

    /// An `except` handler's entry (binds its name).
    fn enter_handler(
        &mut self,
        handler: &'a ast::ExceptHandlerExceptHandler,
        fact: &mut Self::Fact,
    ) {
    }

    /// Before and after each block of statements (a body, a branch, a
    /// handler, a loop's `else`, ...), whether or not a path reaches it.
    fn enter_block(&mut self, body: &'a [Stmt]) {}
    fn leave_block(&mut self, body: &'a [Stmt]) {}

    /// Before each statement of a block is walked, in the block's order.
    fn enter_stmt(&mut self, stmt: &'a Stmt) {}

    /// Where no path reaches a statement (after a `return`, a `raise`, an
    /// endless loop): the facts to walk it from anyway, for a rule that
    /// reads dead code too. By default none: the rest of the block is
    /// skipped.
    fn revive(&self) -> Flow<Self::Fact> {
        None
    }
}

/// A part of a `try` statement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TryPart {
    Body,
    Else,
    Handler,
    Finally,
}

/// Loops nested deeper than this are walked once.
const MAX_LOOP_DEPTH: usize = 8;

struct LoopFrame<F> {
    breaks: Flow<F>,
    continues: Flow<F>,
}

/// An enclosing `try` body: the facts that may reach its handlers, and the
/// block depth of its own statements.
struct TryFrame<F> {
    raised: Flow<F>,
    depth: usize,
}

/// Runs a [`Transfer`] over statements.
pub struct Engine<'t, T, F> {
    transfer: &'t mut T,
    loops: Vec<LoopFrame<F>>,
    tries: Vec<TryFrame<F>>,
    /// How many blocks deep the statement being walked is.
    depth: usize,
}

impl<'t, 'a, T: Transfer<'a>> Engine<'t, T, T::Fact> {
    pub fn new(transfer: &'t mut T) -> Self {
        Self {
            transfer,
            loops: Vec::new(),
            tries: Vec::new(),
            depth: 0,
        }
    }

    /// The facts after `body`, run from `flow`.
    pub fn run(transfer: &'t mut T, body: &'a [Stmt], flow: Flow<T::Fact>) -> Flow<T::Fact> {
        Self::new(transfer).stmts(body, flow)
    }

    fn join(&self, a: Flow<T::Fact>, b: Flow<T::Fact>) -> Flow<T::Fact> {
        match (a, b) {
            (None, b) => b,
            (a, None) => a,
            (Some(a), Some(b)) => Some(self.transfer.join(a, b)),
        }
    }

    pub fn stmts(&mut self, body: &'a [Stmt], mut flow: Flow<T::Fact>) -> Flow<T::Fact> {
        self.depth += 1;
        self.transfer.enter_block(body);
        for stmt in body {
            let Some(fact) = flow.take().or_else(|| self.transfer.revive()) else {
                break;
            };
            self.transfer.enter_stmt(stmt);
            self.may_raise(stmt, &fact);
            flow = self.stmt(stmt, fact);
        }
        if let (Some(last), Some(fact)) = (body.last(), &flow) {
            self.may_raise(last, fact);
        }
        self.transfer.leave_block(body);
        self.depth -= 1;
        flow
    }

    /// The facts at a point before or after `stmt` reach the handlers of
    /// each enclosing `try` that `stmt` may raise to.
    fn may_raise(&mut self, stmt: &'a Stmt, fact: &T::Fact) {
        for i in 0..self.tries.len() {
            let nested = self.depth > self.tries[i].depth;
            if self.transfer.may_raise(stmt, nested) {
                let raised = self.tries[i].raised.take();
                self.tries[i].raised = self.join(raised, Some(fact.clone()));
            }
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt, mut fact: T::Fact) -> Flow<T::Fact> {
        match stmt {
            Stmt::Return(_) | Stmt::Raise(_) => {
                self.transfer.simple(stmt, &mut fact);
                None
            }
            Stmt::Break(_) | Stmt::Continue(_) => {
                if let Some(mut frame) = self.loops.pop() {
                    if stmt.is_break_stmt() {
                        frame.breaks = self.join(frame.breaks.take(), Some(fact));
                    } else {
                        frame.continues = self.join(frame.continues.take(), Some(fact));
                    }
                    self.loops.push(frame);
                }
                None
            }
            Stmt::If(s) => {
                self.transfer.expr(stmt, &s.test, &mut fact);
                let mut out = self.stmts(&s.body, Some(fact.clone()));
                let mut has_else = false;
                for clause in &s.elif_else_clauses {
                    match &clause.test {
                        Some(test) => self.transfer.expr(stmt, test, &mut fact),
                        None => has_else = true,
                    }
                    let branch = self.stmts(&clause.body, Some(fact.clone()));
                    out = self.join(out, branch);
                }
                if has_else {
                    out
                } else {
                    self.join(out, Some(fact))
                }
            }
            Stmt::For(s) => {
                self.transfer.expr(stmt, &s.iter, &mut fact);
                self.transfer.enter_for(s, &mut fact);
                self.loop_(stmt, fact, None, &s.body, &s.orelse)
            }
            Stmt::While(s) => {
                self.transfer.expr(stmt, &s.test, &mut fact);
                self.loop_(stmt, fact, Some(&s.test), &s.body, &s.orelse)
            }
            Stmt::With(s) => {
                for item in &s.items {
                    self.transfer.expr(stmt, &item.context_expr, &mut fact);
                    if let Some(vars) = &item.optional_vars {
                        self.transfer.with_target(vars, &mut fact);
                    }
                }
                self.stmts(&s.body, Some(fact))
            }
            Stmt::Try(s) => self.try_(s, fact),
            Stmt::Match(s) => {
                self.transfer.expr(stmt, &s.subject, &mut fact);
                let mut out = self.transfer.match_falls_through(s).then(|| fact.clone());
                for case in &s.cases {
                    let mut entry = fact.clone();
                    self.transfer.enter_case(stmt, case, &mut entry);
                    let branch = self.stmts(&case.body, Some(entry));
                    out = self.join(out, branch);
                }
                out
            }
            _ => self.transfer.simple(stmt, &mut fact).then_some(fact),
        }
    }

    /// A loop: the body runs from the entry state, then once more from the
    /// state its end loops back with, which is how something done in the
    /// body is seen to repeat. The normal exit joins the entry and the
    /// first pass's way back; `break`s of both passes leave too.
    fn loop_(
        &mut self,
        stmt: &'a Stmt,
        entry: T::Fact,
        test: Option<&'a Expr>,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> Flow<T::Fact> {
        let infinite = test.is_some_and(is_truthy_constant);
        let mut body_entry = entry.clone();
        self.transfer.enter_body(stmt, true, &mut body_entry);
        let (end, frame) = self.body(body, body_entry.clone());
        self.transfer.leave_body(stmt, true);
        let mut back = self.join(end, frame.continues);
        let mut breaks = frame.breaks;
        if let Some(back) = &back
            && self.loops.len() < MAX_LOOP_DEPTH
            && self.transfer.again(&body_entry, back)
        {
            let mut again = back.clone();
            if let Some(test) = test {
                self.transfer.expr(stmt, test, &mut again);
            }
            self.transfer.enter_body(stmt, false, &mut again);
            let (_, frame) = self.body(body, again);
            self.transfer.leave_body(stmt, false);
            breaks = self.join(breaks, frame.breaks);
        }
        self.transfer.leave_loop(stmt, &mut back, &mut breaks);
        let normal_exit = if infinite {
            None
        } else {
            self.join(Some(entry), back)
        };
        let after_else = self.stmts(orelse, normal_exit);
        self.join(after_else, breaks)
    }

    fn body(&mut self, body: &'a [Stmt], entry: T::Fact) -> (Flow<T::Fact>, LoopFrame<T::Fact>) {
        self.loops.push(LoopFrame {
            breaks: None,
            continues: None,
        });
        let end = self.stmts(body, Some(entry));
        (end, self.loops.pop().expect("pushed above"))
    }

    /// A handler starts from the `try`'s entry joined with the points of
    /// its body that may raise; `finally` runs on the way out.
    fn try_(&mut self, s: &'a ast::StmtTry, fact: T::Fact) -> Flow<T::Fact> {
        let at_try = fact.clone();
        self.tries.push(TryFrame {
            raised: Some(fact.clone()),
            depth: self.depth + 1,
        });
        self.transfer.enter_try(s, TryPart::Body);
        let flow = self.stmts(&s.body, Some(fact));
        self.transfer.leave_try(s, TryPart::Body);
        let raised = self.tries.pop().expect("pushed above").raised;
        // The parts are walked in source order, the handlers before `else`;
        // their ends are joined after `else`'s.
        let mut branches = Vec::with_capacity(s.handlers.len());
        for handler in &s.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            self.transfer.enter_try(s, TryPart::Handler);
            let mut entry = raised
                .clone()
                .map(|anywhere| self.transfer.handler_entry(handler, &at_try, anywhere));
            if let Some(fact) = &mut entry {
                self.transfer.enter_handler(handler, fact);
            }
            branches.push(self.stmts(&handler.body, entry));
            self.transfer.leave_try(s, TryPart::Handler);
        }
        self.transfer.enter_try(s, TryPart::Else);
        let mut out = self.stmts(&s.orelse, flow);
        self.transfer.leave_try(s, TryPart::Else);
        for branch in branches {
            out = self.join(out, branch);
        }
        if s.finalbody.is_empty() {
            return out;
        }
        let reaches_end = out.is_some();
        let entry = self.transfer.finally_entry(out, raised);
        self.transfer.enter_try(s, TryPart::Finally);
        let after = self.stmts(&s.finalbody, entry);
        self.transfer.leave_try(s, TryPart::Finally);
        if reaches_end { after } else { None }
    }
}

/// A constant whose truth value is true (`True`, `1`, `"x"`, `[0]`): a
/// `while` on it exits only through `break`, a `return` of it is truthy.
pub fn is_truthy_constant(expr: &Expr) -> bool {
    ruff_python_ast::helpers::Truthiness::from_expr(expr, |_| false).into_bool() == Some(true)
}

/// `case _:` or `case x:` without a guard: the case always applies.
pub fn is_irrefutable(case: &ast::MatchCase) -> bool {
    case.guard.is_none() && matches!(&case.pattern, ast::Pattern::MatchAs(p) if p.pattern.is_none())
}

/// Calls that never return.
pub const NO_RETURN: &[&str] = &[
    "sys.exit",
    "os._exit",
    "os.abort",
    "builtins.exit",
    "builtins.quit",
];

/// Does `stmt` end the path although it is no `return` or `raise`: a call
/// that never returns ([`NO_RETURN`]), `assert False`?
pub fn ends_path(semantic: &SemanticModel, stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(e) => matches!(&*e.value, Expr::Call(call) if semantic
            .resolve_qualified_name(&call.func)
            .is_some_and(|n| n.is_any(NO_RETURN))),
        Stmt::Assert(a) => matches!(&*a.test, Expr::BooleanLiteral(b) if !b.value),
        _ => false,
    }
}

/// Can control reach the end of `body`? `ends` says which simple statements
/// end the path (besides `return` and `raise`): a call that never returns.
pub fn can_complete<'a>(body: &'a [Stmt], ends: impl FnMut(&'a Stmt) -> bool) -> bool {
    struct Reach<E>(E);
    impl<'a, E: FnMut(&'a Stmt) -> bool> Transfer<'a> for Reach<E> {
        type Fact = ();
        fn join(&self, (): (), (): ()) {}
        fn simple(&mut self, stmt: &'a Stmt, (): &mut ()) -> bool {
            !(self.0)(stmt)
        }
        fn again(&self, (): &(), (): &()) -> bool {
            false
        }
    }
    Engine::run(&mut Reach(ends), body, Some(())).is_some()
}

/// The names a `match` pattern captures.
pub fn pattern_captures(pattern: &ast::Pattern) -> Vec<&str> {
    use crate::ast::visitor::{self, Visitor};
    struct Captures<'a>(Vec<&'a str>);
    impl<'a> Visitor<'a> for Captures<'a> {
        fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
            let name = match pattern {
                ast::Pattern::MatchAs(p) => p.name.as_ref(),
                ast::Pattern::MatchStar(p) => p.name.as_ref(),
                ast::Pattern::MatchMapping(p) => p.rest.as_ref(),
                _ => None,
            };
            if let Some(name) = name {
                self.0.push(name.as_str());
            }
            visitor::walk_pattern(self, pattern);
        }
    }
    let mut captures = Captures(Vec::new());
    captures.visit_pattern(pattern);
    captures.0
}

/// The names `:=` binds in `expr` (not inside a lambda), in order.
pub fn walrus_targets(expr: &Expr) -> Vec<&str> {
    use crate::ast::visitor::{self, Visitor};
    struct Targets<'a>(Vec<&'a str>);
    impl<'a> Visitor<'a> for Targets<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Named(named) => {
                    if let Expr::Name(name) = &*named.target {
                        self.0.push(name.id.as_str());
                    }
                    visitor::walk_expr(self, expr);
                }
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut targets = Targets(Vec::new());
    targets.visit_expr(expr);
    targets.0
}

/// Does `body` (not nested functions, lambdas or classes) `yield`?
pub fn yields(body: &[Stmt]) -> bool {
    use crate::ast::visitor::{self, Visitor};
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
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.found = true,
                Expr::Lambda(_) => {}
                _ if !self.found => visitor::walk_expr(self, expr),
                _ => {}
            }
        }
    }
    let mut finder = Finder { found: false };
    finder.visit_body(body);
    finder.found
}

#[cfg(test)]
mod tests;

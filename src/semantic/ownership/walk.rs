//! The statement side of the scan, on the flow engine: which statement is
//! read, in which block, and what the statement after it releases.

use super::names::{cannot_raise, catches_everything, released_name};
use super::uses::Use;
use super::{NestedScope, Scan, Unmanaged};
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::semantic::flow::{Flow, Transfer, TryPart};

/// A block being walked: its statements, the one being read, and
/// [`Scan::created`] before it.
pub(super) struct Block<'a> {
    body: &'a [Stmt],
    current: Option<usize>,
    before: usize,
}

impl<'a, K: Copy> Scan<'a, '_, K> {
    /// `name` gets a new value: a resource it held that nothing has kept or
    /// closed so far is lost (`f = open(p)` ... `f = None` ... `return f`).
    /// Only for a resource opened in this body or one nested in it, so that
    /// `if c: f = open(a)` / `else: f = open(b)` are not taken for a rebinding.
    pub(super) fn rebound(&mut self, name: &'a str) {
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

    /// Forgets the candidates found since `before` that `next` releases.
    /// Drops the candidates created since `before` (a count of
    /// [`Scan::created`]) that `next` releases at once.
    pub(super) fn drop_released_by(&mut self, before: usize, next: Option<&Stmt>) {
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
    pub(super) fn drop_released_after(&mut self, next: Option<&Stmt>) {
        let Some(released) = next.and_then(released_name) else {
            return;
        };
        let (targets, bodies) = (&self.targets, &self.bodies);
        self.candidates.retain(|c| {
            !(c.bodies.starts_with(bodies) && targets[c.names].contains(&released.as_str()))
        });
    }
}

impl<'a, K: Copy> Scan<'a, '_, K> {
    /// After the block's statement `i`.
    fn leave_stmt(&mut self, body: &'a [Stmt], i: usize, before: usize) {
        // `f = open(p)` then at once `f.close()` (or `out = p.communicate()`,
        // `return not p.wait()`): nothing in between can raise, as good as
        // closing it directly.
        let next = body[i + 1..].iter().find(|s| !cannot_raise(s));
        self.drop_released_by(before, next);
        // `try: ... except Exception: log(...)` then `f.close()`: every
        // path through the `try` reaches the close.
        if let Stmt::Try(try_stmt) = &body[i]
            && catches_everything(try_stmt)
        {
            self.drop_released_after(next);
        }
    }

    /// The block's statement being read is done with, if any.
    fn close_current(&mut self) {
        let Some(block) = self.blocks.last() else {
            return;
        };
        if let Some(i) = block.current {
            let (body, before) = (block.body, block.before);
            self.leave_stmt(body, i, before);
        }
    }
}

/// The facts are not per path (see the module's documentation): the engine
/// only orders the walk, each statement read once, dead ones too.
impl<'a, K: Copy> Transfer<'a> for Scan<'a, '_, K> {
    type Fact = ();

    fn join(&self, (): (), (): ()) {}

    fn revive(&self) -> Flow<()> {
        Some(())
    }

    fn again(&self, (): &(), (): &()) -> bool {
        false
    }

    fn enter_block(&mut self, body: &'a [Stmt]) {
        self.body_count += 1;
        self.bodies.push(self.body_count);
        self.blocks.push(Block {
            body,
            current: None,
            before: 0,
        });
    }

    fn leave_block(&mut self, _: &'a [Stmt]) {
        self.close_current();
        self.blocks.pop();
        self.bodies.pop();
    }

    fn enter_stmt(&mut self, stmt: &'a Stmt) {
        self.close_current();
        let created = self.created;
        if let Some(block) = self.blocks.last_mut() {
            block.current = Some(block.current.map_or(0, |i| i + 1));
            block.before = created;
        }
        self.statement = Some(stmt);
    }

    fn simple(&mut self, stmt: &'a Stmt, (): &mut ()) -> bool {
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
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                self.escaped.extend(names.iter().map(|n| n.as_str()));
            }
            // Other statements: their expressions are used in place.
            _ => {
                self.use_ = Use::Consumed;
                visitor::walk_stmt(self, stmt);
            }
        }
        true
    }

    /// A `with` item is managed; a test, an iterable or a subject is used
    /// in place.
    fn expr(&mut self, header: &'a Stmt, expr: &'a Expr, (): &mut ()) {
        let use_ = if header.is_with_stmt() {
            Use::Kept
        } else {
            Use::Consumed
        };
        self.visit_as(expr, use_);
    }

    fn enter_case(&mut self, _: &'a Stmt, case: &'a ast::MatchCase, (): &mut ()) {
        self.use_ = Use::Consumed;
        self.visit_pattern(&case.pattern);
        if let Some(guard) = &case.guard {
            self.visit_as(guard, Use::Consumed);
        }
    }

    fn enter_try(&mut self, _: &'a ast::StmtTry, part: TryPart) {
        match part {
            TryPart::Body => self.tries.push(self.created),
            TryPart::Handler | TryPart::Finally => self.cleanup_depth += 1,
            TryPart::Else => {}
        }
    }

    fn leave_try(&mut self, try_stmt: &'a ast::StmtTry, part: TryPart) {
        match part {
            // `try: f = open(p) except OSError: ... else: f.close()`.
            TryPart::Body => {
                let before = self.tries.pop().expect("pushed at the body");
                self.drop_released_by(before, try_stmt.orelse.first());
            }
            TryPart::Handler | TryPart::Finally => self.cleanup_depth -= 1,
            TryPart::Else => {}
        }
    }
}

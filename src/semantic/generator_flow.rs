//! The paths through one generator body, for the `@contextmanager` rules:
//! which `yield`s can run after another one on the same path (PF403), and
//! which are followed by teardown that an exception in the `with` body would
//! skip (PF402).
//!
//! A [`Transfer`] on the flow engine: the fact is the set of `yield`s that
//! may already have run. Loop bodies are walked twice, so a `yield` the
//! loop can come back to is seen with itself already run. Exceptions thrown
//! in at a `yield` reach the `try`'s handlers from any point of its body (a
//! `yield` there runs after the first one) and its `finally`; only
//! statements on the normal path count as teardown.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::semantic::flow::{Engine, Flow, Transfer, TryPart};

#[derive(Default)]
pub struct YieldFlow {
    /// Yields that can run after another yield (or after themselves).
    pub repeated: Vec<TextRange>,
    /// Yields outside any `try`/`finally` or broad handler, followed by
    /// teardown on the normal path.
    pub unprotected: Vec<TextRange>,
}

/// Analyzes a generator's body. `is_broad` says whether a handler catches
/// every exception (bare `except`, `Exception`, `BaseException`).
pub fn analyze(body: &[Stmt], is_broad: &dyn Fn(&ast::ExceptHandler) -> bool) -> YieldFlow {
    let mut yields = Yields {
        is_broad,
        task_groups: Vec::new(),
        protected: Vec::new(),
        exceptional: 0,
        out: YieldFlow::default(),
    };
    Engine::run(&mut yields, body, Some(Vec::new()));
    for ranges in [&mut yields.out.repeated, &mut yields.out.unprotected] {
        ranges.sort_by_key(|r| r.start());
        ranges.dedup();
    }
    yields.out
}

/// A `yield` that may have run, and whether a `try`/`finally` or a broad
/// handler encloses it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    range: TextRange,
    protected: bool,
}

struct Yields<'f> {
    is_broad: &'f dyn Fn(&ast::ExceptHandler) -> bool,
    /// The names of the task groups / nurseries of `async with` statements
    /// (`async with create_task_group() as tg:`), with the statement's range.
    task_groups: Vec<(String, TextRange)>,
    /// Whether each enclosing `try` part protects a `yield` in it.
    protected: Vec<bool>,
    /// Inside an `except` handler (not the normal path), or in a loop's
    /// second pass (its teardown was judged in the first; a yield seen
    /// again there is PF403's).
    exceptional: u32,
    out: YieldFlow,
}

impl<'a> Transfer<'a> for Yields<'_> {
    type Fact = Vec<Seen>;

    fn join(&self, mut a: Vec<Seen>, b: Vec<Seen>) -> Vec<Seen> {
        for seen in b {
            if !a.contains(&seen) {
                a.push(seen);
            }
        }
        a
    }

    /// A statement without a body: it yields, or it is teardown. A `raise`
    /// and constants are neither; `return (yield x)` yields, `return
    /// cleanup()` is teardown.
    fn simple(&mut self, stmt: &'a Stmt, fact: &mut Vec<Seen>) -> bool {
        match stmt {
            Stmt::Raise(_)
            | Stmt::FunctionDef(_)
            | Stmt::ClassDef(_)
            | Stmt::Pass(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_) => {}
            Stmt::Return(r) if r.value.as_deref().is_none_or(is_constant) => {}
            Stmt::Expr(e) if is_constant(&e.value) => {}
            _ => self.judge(stmt, fact),
        }
        true
    }

    fn expr(&mut self, header: &'a Stmt, expr: &'a Expr, _: &mut Vec<Seen>) {
        if let Stmt::With(with) = header
            && with.is_async
            && std::ptr::eq(expr, &with.items[0].context_expr)
        {
            let groups = task_group_names(&with.items);
            self.task_groups
                .extend(groups.into_iter().map(|name| (name, with.range())));
        }
    }

    fn enter_body(&mut self, _: &'a Stmt, first: bool, _: &mut Vec<Seen>) {
        if !first {
            self.exceptional += 1;
        }
    }

    fn leave_body(&mut self, _: &'a Stmt, first: bool) {
        if !first {
            self.exceptional -= 1;
        }
    }

    /// Unlike a `match` the engine can prove exhaustive, every case may
    /// fail to apply.
    fn match_falls_through(&self, _: &ast::StmtMatch) -> bool {
        true
    }

    /// An exception thrown in at a `yield` may come from anywhere.
    fn may_raise(&self, _: &'a Stmt, _: bool) -> bool {
        true
    }

    /// `except E: if cursor is not None: raise` before a fallback `yield`:
    /// the handler tells the exception thrown in at the first `yield` from
    /// one raised before it. Assume it does: it starts from the `try`'s entry.
    fn handler_entry(
        &self,
        handler: &'a ast::ExceptHandlerExceptHandler,
        at_try: &Vec<Seen>,
        anywhere: Vec<Seen>,
    ) -> Vec<Seen> {
        if re_raises_first(&handler.body) {
            at_try.clone()
        } else {
            anywhere
        }
    }

    fn finally_entry(&self, normal: Flow<Vec<Seen>>, raised: Flow<Vec<Seen>>) -> Flow<Vec<Seen>> {
        match (normal, raised) {
            (Some(a), Some(b)) => Some(self.join(a, b)),
            (a, b) => a.or(b),
        }
    }

    /// A `yield` in a `try` body with a `finally` or a broad handler is
    /// protected; in its `else` or handlers, with a `finally`.
    fn enter_try(&mut self, try_stmt: &'a ast::StmtTry, part: TryPart) {
        let outer = self.protected.last().copied().unwrap_or(false);
        let has_finally = !try_stmt.finalbody.is_empty();
        let protected = match part {
            TryPart::Body => {
                outer || has_finally || try_stmt.handlers.iter().any(|h| (self.is_broad)(h))
            }
            TryPart::Else | TryPart::Handler => outer || has_finally,
            TryPart::Finally => outer,
        };
        self.protected.push(protected);
        if part == TryPart::Handler {
            self.exceptional += 1;
        }
    }

    fn leave_try(&mut self, _: &'a ast::StmtTry, part: TryPart) {
        self.protected.pop();
        if part == TryPart::Handler {
            self.exceptional -= 1;
        }
    }
}

impl Yields<'_> {
    /// The `yield`s of a simple statement run after those in `fact`;
    /// without one, the statement is teardown the unprotected `yield`s in
    /// `fact` skip when the `with` body raises.
    fn judge(&mut self, stmt: &Stmt, fact: &mut Vec<Seen>) {
        let mut yields = YieldsIn::default();
        yields.visit_stmt(stmt);
        if yields.0.is_empty() {
            if self.exceptional == 0 && !is_check(stmt) && !self.cancels_task_group(stmt) {
                let unprotected = fact.iter().filter(|s| !s.protected).map(|s| s.range);
                self.out.unprotected.extend(unprotected);
            }
            return;
        }
        let protected = self.protected.last().copied().unwrap_or(false);
        for range in yields.0 {
            if !fact.is_empty() {
                self.out.repeated.push(range);
            }
            let seen = Seen { range, protected };
            if !fact.contains(&seen) {
                fact.push(seen);
            }
        }
    }
    /// `tg.cancel_scope.cancel()` (anyio, trio) or `tg.cancel()` on an
    /// enclosing task group: the group's own exit cleans up when the `with`
    /// body raises, so this is not teardown that gets skipped.
    fn cancels_task_group(&self, stmt: &Stmt) -> bool {
        let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt else {
            return false;
        };
        let Expr::Call(call) = &**value else {
            return false;
        };
        let Expr::Attribute(cancel) = &*call.func else {
            return false;
        };
        if cancel.attr.as_str() != "cancel" {
            return false;
        }
        let group = match &*cancel.value {
            Expr::Attribute(scope) if scope.attr.as_str() == "cancel_scope" => &*scope.value,
            other => other,
        };
        matches!(group, Expr::Name(n) if self.task_groups.iter().any(|(g, with)| {
            g == n.id.as_str() && with.contains_range(stmt.range())
        }))
    }
}

/// The `as` names of task groups and nurseries among `items`:
/// `anyio.create_task_group()`, `trio.open_nursery()`,
/// `asyncio.TaskGroup()` (matched by the callee's last name).
fn task_group_names(items: &[ast::WithItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| {
            let Expr::Call(call) = &item.context_expr else {
                return None;
            };
            let callee = match &*call.func {
                Expr::Name(n) => n.id.as_str(),
                Expr::Attribute(a) => a.attr.as_str(),
                _ => return None,
            };
            if !matches!(callee, "create_task_group" | "open_nursery" | "TaskGroup") {
                return None;
            }
            match item.optional_vars.as_deref() {
                Some(Expr::Name(n)) => Some(n.id.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// A handler whose statements before its first `yield` include an `if`
/// that leaves (`raise`/`return`).
fn re_raises_first(body: &[Stmt]) -> bool {
    body.iter()
        .take_while(|stmt| {
            let mut yields = YieldsIn::default();
            yields.visit_stmt(stmt);
            yields.0.is_empty()
        })
        .any(|stmt| {
            matches!(stmt, Stmt::If(if_) if matches!(
                if_.body.last(),
                Some(Stmt::Raise(_) | Stmt::Return(_))
            ))
        })
}

/// `assert ...`, `self.assertEqual(...)`, `pytest.fail(...)`: a check of
/// the `with` body's outcome, which is fine to skip when it raised.
fn is_check(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Assert(_) => true,
        Stmt::Expr(ast::StmtExpr { value, .. }) => {
            let Expr::Call(call) = &**value else {
                return false;
            };
            let name = match &*call.func {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attr) => attr.attr.as_str(),
                _ => return false,
            };
            name.starts_with("assert") || name.starts_with("fail")
        }
        _ => false,
    }
}

fn is_constant(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::NoneLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::EllipsisLiteral(_)
    )
}

/// The `yield`/`yield from` expressions of one statement, not those of
/// nested lambdas.
#[derive(Default)]
struct YieldsIn(Vec<TextRange>);

impl<'a> Visitor<'a> for YieldsIn {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                self.0.push(expr.range());
                visitor::walk_expr(self, expr);
            }
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_module;

    /// The flow of a module body read as a generator's: the source text of
    /// its repeated and unprotected `yield`s. Only a bare `except` is broad.
    fn flow(source: &str) -> (Vec<&str>, Vec<&str>) {
        let parsed = parse_module(source).expect("parses");
        let is_broad = |h: &ast::ExceptHandler| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            h.type_.is_none()
        };
        let out = analyze(parsed.suite(), &is_broad);
        let text = |ranges: Vec<TextRange>| ranges.into_iter().map(|r| &source[r]).collect();
        (text(out.repeated), text(out.unprotected))
    }

    #[test]
    fn teardown_after_an_unprotected_yield() {
        assert_eq!(flow("yield 1\nclose()\n"), (vec![], vec!["yield 1"]));
        assert_eq!(
            flow("try:\n    yield 1\nfinally:\n    close()\n"),
            (vec![], vec![])
        );
        // A check of the outcome is no teardown; nor is cancelling the
        // enclosing task group, which cleans up itself.
        assert_eq!(flow("yield 1\nassert done\n"), (vec![], vec![]));
        let group = "async with anyio.create_task_group() as tg:\n    yield 1\n    tg.cancel_scope.cancel()\n";
        assert_eq!(flow(group), (vec![], vec![]));
        let after = "async with anyio.create_task_group() as tg:\n    yield 1\ntg.cancel()\n";
        assert_eq!(flow(after), (vec![], vec!["yield 1"]));
    }

    #[test]
    fn yields_a_path_runs_twice() {
        assert_eq!(flow("yield 1\nyield 2\n"), (vec!["yield 2"], vec![]));
        assert_eq!(
            flow("if c:\n    yield 1\nelse:\n    yield 2\n"),
            (vec![], vec![])
        );
        // The loop comes back to its `yield`; its second pass judges no
        // teardown.
        assert_eq!(
            flow("for x in xs:\n    close()\n    yield x\n"),
            (vec!["yield x"], vec![])
        );
        // An exception thrown in at a `yield` in a nested block reaches the
        // handler, whose `yield` runs second.
        let handler =
            "try:\n    if c:\n        yield 1\n        raise E\n    f()\nexcept E:\n    yield 2\n";
        assert_eq!(flow(handler).0, vec!["yield 2"]);
        // Unless the handler tells that exception from one raised before
        // the first `yield`.
        let fallback = "try:\n    yield 1\nexcept E:\n    if c:\n        raise\n    yield 2\n";
        assert_eq!(flow(fallback).0, Vec::<&str>::new());
        // `finally` runs after a `yield` the body returned after.
        let finally = "try:\n    yield 1\n    return\nfinally:\n    yield 2\n";
        assert_eq!(flow(finally).0, vec!["yield 2"]);
    }
}

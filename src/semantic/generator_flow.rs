//! The paths through one generator body, for the `@contextmanager` rules:
//! which `yield`s can run after another one on the same path (PF403), and
//! which are followed by teardown that an exception in the `with` body would
//! skip (PF402).
//!
//! A small forward pass over the statements: the state is the set of
//! `yield`s that may already have run. Loop bodies are walked twice, so a
//! `yield` the loop can come back to is seen with itself already run.
//! Exceptions thrown in at a `yield` reach the `try`'s handlers (a `yield`
//! there runs after the first one); only statements on the normal path count
//! as teardown.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};

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
    let mut flow = Flow {
        is_broad,
        task_groups: Vec::new(),
        loops: Vec::new(),
        tries: Vec::new(),
        exceptional: 0,
        out: YieldFlow::default(),
    };
    flow.block(body, Some(State::default()), false);
    for ranges in [&mut flow.out.repeated, &mut flow.out.unprotected] {
        ranges.sort_by_key(|r| r.start());
        ranges.dedup();
    }
    flow.out
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    range: TextRange,
    protected: bool,
}

/// The yields that may have run on some path reaching a point.
#[derive(Clone, Default)]
struct State(Vec<Seen>);

/// `None` is "no path reaches here".
fn merge(a: Option<State>, b: Option<State>) -> Option<State> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            for seen in b.0 {
                if !a.0.contains(&seen) {
                    a.0.push(seen);
                }
            }
            Some(a)
        }
        (a, None) => a,
        (None, b) => b,
    }
}

#[derive(Default)]
struct LoopExits {
    breaks: Option<State>,
    continues: Option<State>,
}

struct Flow<'f> {
    is_broad: &'f dyn Fn(&ast::ExceptHandler) -> bool,
    /// The names of the task groups / nurseries of the enclosing
    /// `async with` statements (`async with create_task_group() as tg:`).
    task_groups: Vec<String>,
    loops: Vec<LoopExits>,
    /// For each enclosing `try` body: every state seen inside it, which is
    /// what its handlers can start from.
    tries: Vec<Option<State>>,
    /// Inside an `except` handler (not the normal path), or in a loop's
    /// second pass (its teardown was judged in the first; a yield seen
    /// again there is PF403's).
    exceptional: u32,
    out: YieldFlow,
}

impl Flow<'_> {
    fn block(&mut self, body: &[Stmt], mut state: Option<State>, protected: bool) -> Option<State> {
        for stmt in body {
            let current = state?;
            self.note_for_handlers(&current);
            state = self.stmt(stmt, current, protected);
            if let Some(after) = &state {
                self.note_for_handlers(after);
            }
        }
        state
    }

    fn note_for_handlers(&mut self, state: &State) {
        if let Some(top) = self.tries.last_mut() {
            *top = merge(top.take(), Some(state.clone()));
        }
    }

    fn stmt(&mut self, stmt: &Stmt, state: State, protected: bool) -> Option<State> {
        match stmt {
            Stmt::If(ast::StmtIf {
                body,
                elif_else_clauses,
                ..
            }) => {
                let mut out = self.block(body, Some(state.clone()), protected);
                for clause in elif_else_clauses {
                    out = merge(
                        out,
                        self.block(&clause.body, Some(state.clone()), protected),
                    );
                }
                if elif_else_clauses.last().is_none_or(|c| c.test.is_some()) {
                    out = merge(out, Some(state));
                }
                out
            }
            Stmt::Match(ast::StmtMatch { cases, .. }) => {
                let mut out = Some(state.clone());
                for case in cases {
                    out = merge(out, self.block(&case.body, Some(state.clone()), protected));
                }
                out
            }
            Stmt::For(ast::StmtFor { body, orelse, .. }) => {
                self.loop_(body, orelse, state, protected, false)
            }
            Stmt::While(ast::StmtWhile {
                test, body, orelse, ..
            }) => {
                let forever = matches!(&**test, Expr::BooleanLiteral(b) if b.value);
                self.loop_(body, orelse, state, protected, forever)
            }
            Stmt::With(ast::StmtWith {
                body,
                items,
                is_async,
                ..
            }) => {
                let groups = if *is_async {
                    task_group_names(items)
                } else {
                    Vec::new()
                };
                let pushed = groups.len();
                self.task_groups.extend(groups);
                let out = self.block(body, Some(state), protected);
                self.task_groups.truncate(self.task_groups.len() - pushed);
                out
            }
            Stmt::Try(try_) => self.try_(try_, state, protected),
            Stmt::Break(_) => {
                if let Some(exits) = self.loops.last_mut() {
                    exits.breaks = merge(exits.breaks.take(), Some(state));
                }
                None
            }
            Stmt::Continue(_) => {
                if let Some(exits) = self.loops.last_mut() {
                    exits.continues = merge(exits.continues.take(), Some(state));
                }
                None
            }
            Stmt::Raise(_) => None,
            Stmt::Return(ast::StmtReturn { value, .. }) => {
                // `return (yield x)` yields; `return cleanup()` is teardown.
                match value.as_deref() {
                    Some(value) if !is_constant(value) => {
                        self.simple(stmt, state, protected);
                    }
                    _ => {}
                }
                None
            }
            Stmt::FunctionDef(_)
            | Stmt::ClassDef(_)
            | Stmt::Pass(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_) => Some(state),
            Stmt::Expr(ast::StmtExpr { value, .. }) if is_constant(value) => Some(state),
            _ => Some(self.simple(stmt, state, protected)),
        }
    }

    /// A statement without a body: it yields, or it is teardown.
    fn simple(&mut self, stmt: &Stmt, mut state: State, protected: bool) -> State {
        let mut yields = YieldsIn::default();
        yields.visit_stmt(stmt);
        if yields.0.is_empty() {
            if self.exceptional == 0 && !is_check(stmt) && !self.cancels_task_group(stmt) {
                let unprotected = state.0.iter().filter(|s| !s.protected).map(|s| s.range);
                self.out.unprotected.extend(unprotected);
            }
            return state;
        }
        for range in yields.0 {
            if !state.0.is_empty() {
                self.out.repeated.push(range);
            }
            let seen = Seen { range, protected };
            if !state.0.contains(&seen) {
                state.0.push(seen);
            }
        }
        state
    }

    fn loop_(
        &mut self,
        body: &[Stmt],
        orelse: &[Stmt],
        state: State,
        protected: bool,
        forever: bool,
    ) -> Option<State> {
        self.loops.push(LoopExits::default());
        let first = self.block(body, Some(state.clone()), protected);
        let exits = self.loops.pop().unwrap_or_default();
        // The second time round, the body starts from whatever the first
        // iteration left (through its end or a `continue`).
        let head = merge(Some(state), merge(first, exits.continues));
        self.loops.push(LoopExits::default());
        self.exceptional += 1;
        let second = self.block(body, head.clone(), protected);
        self.exceptional -= 1;
        let again = self.loops.pop().unwrap_or_default();
        let end = merge(head, merge(second, again.continues));
        let normal = if forever {
            None
        } else {
            self.block(orelse, end, protected)
        };
        merge(normal, merge(exits.breaks, again.breaks))
    }

    fn try_(&mut self, try_: &ast::StmtTry, state: State, protected: bool) -> Option<State> {
        let has_finally = !try_.finalbody.is_empty();
        let broad = try_.handlers.iter().any(|h| (self.is_broad)(h));
        let before = state.clone();
        self.tries.push(Some(state.clone()));
        let body = self.block(&try_.body, Some(state), protected || has_finally || broad);
        let in_handlers = self.tries.pop().flatten();
        if let Some(state) = &in_handlers {
            self.note_for_handlers(state);
        }
        let mut out = self.block(&try_.orelse, body, protected || has_finally);
        self.exceptional += 1;
        for handler in &try_.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            // `except E: if cursor is not None: raise` before a fallback
            // `yield`: the handler tells the exception thrown in at the first
            // `yield` from one raised before it. Assume it does.
            let start = if re_raises_first(&handler.body) {
                Some(before.clone())
            } else {
                in_handlers.clone()
            };
            let after = self.block(&handler.body, start, protected || has_finally);
            out = merge(out, after);
        }
        self.exceptional -= 1;
        if has_finally {
            let reaches_end = out.is_some();
            let after = self.block(&try_.finalbody, merge(out, in_handlers), protected);
            out = if reaches_end { after } else { None };
        }
        out
    }
}

impl Flow<'_> {
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
        matches!(group, Expr::Name(n) if self.task_groups.iter().any(|g| g == n.id.as_str()))
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

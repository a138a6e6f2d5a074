//! PF202's scan of one function body: each `.acquire()` on a known lock must
//! be followed directly by a `try:` whose `finally` releases it (or sit in
//! the body of such a `try`).

use crate::ast::{self, Expr, Stmt};
use crate::semantic::SemanticModel;
use crate::semantic::index::LockKind;
use crate::semantic::values::{self, Decision, Val, ValueKind};
use ruff_text_size::{Ranged, TextRange};

pub(super) struct Scan<'s, 'a> {
    pub(super) semantic: &'s SemanticModel<'a>,
    pub(super) locator_text: &'s str,
    pub(super) body: &'a [Stmt],
    pub(super) context_manager: bool,
    /// The function is an `__init__`: a lock it acquires starts locked.
    pub(super) in_init: bool,
    /// `(acquire call, statement, lock as written, lock id)`.
    pub(super) found: Vec<(TextRange, TextRange, String, String)>,
    /// Ids of the locks this function acquires as their initial state.
    pub(super) initially_locked: Vec<String>,
    /// The locks known only through a value the project index must confirm
    /// (`self.ledger.lock`), by id.
    pub(super) asks: std::cell::RefCell<Vec<(String, Val)>>,
}

/// The identity PF202 follows for the lock `expr` stands for: the lock's id
/// (RULES.md "Lock identity"), or, for a value the values say is a lock
/// (`self.ledger.lock`, `acct.lock` for `acct: Account`), `=` and the
/// expression as written, with the value the project must confirm. A
/// semaphore is `None` (one path acquires, another releases, by design).
pub(super) fn lock_key(
    semantic: &SemanticModel,
    text: &str,
    expr: &Expr,
) -> Option<(String, Option<Val>)> {
    if let Some(lock) = crate::semantic::locks::lock_for(semantic, expr) {
        if matches!(lock.kind, LockKind::Semaphore | LockKind::BoundedSemaphore) {
            return None;
        }
        return Some((lock.id, None));
    }
    if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
        return None;
    }
    let ask = match values::decide(semantic, expr, ValueKind::Mutex) {
        Decision::No => return None,
        Decision::Yes => None,
        Decision::Ask(value) => Some(value),
    };
    Some((format!("={}", &text[expr.range()]), ask))
}

impl<'a> Scan<'_, 'a> {
    /// `finals`: the `finally` bodies of the `try`s whose body we are in.
    /// `tail`: nothing in the function runs after `stmts`.
    /// `after`: for the body of an `if`, the statements after that `if`.
    pub(super) fn suite(
        &mut self,
        stmts: &'a [Stmt],
        finals: &mut Vec<&'a [Stmt]>,
        tail: bool,
        after: &'a [Stmt],
    ) {
        for (i, stmt) in stmts.iter().enumerate() {
            let rest = &stmts[i + 1..];
            let last = tail && rest.is_empty();
            // `if single: await L.acquire()` directly before `try:` ...
            // `finally: if single: L.release()`: the conditional idiom.
            let holding = if rest.is_empty() { after } else { rest };
            match stmt {
                Stmt::Expr(expr) => {
                    if let Some((call, lock)) = self.acquire(&expr.value) {
                        if self.in_init || self.just_created(call, &stmts[..i]) {
                            self.initially_locked.push(lock);
                        } else if !last {
                            // An acquire that ends the function is its
                            // purpose (a `lock()` method; the release is
                            // another method's).
                            self.judge(call, stmt.range(), lock, holding, finals);
                        }
                    }
                }
                Stmt::If(s) => {
                    let header = TextRange::new(s.start(), s.test.end());
                    if let Some((call, lock)) = self.acquire(&s.test) {
                        // `if L.acquire(timeout=1):` holds it in the body.
                        self.judge(call, header, lock, &s.body, finals);
                    } else if let Expr::UnaryOp(ast::ExprUnaryOp {
                        op: ast::UnaryOp::Not,
                        operand,
                        ..
                    }) = &*s.test
                        && let Some((call, lock)) = self.acquire(operand)
                    {
                        // `if not L.acquire(False): return` holds it after
                        // the `if` (or in its `else`).
                        let holding = match s.elif_else_clauses.last() {
                            Some(clause) if clause.test.is_none() => &clause.body[..],
                            _ => rest,
                        };
                        self.judge(call, header, lock, holding, finals);
                    }
                    self.suite(&s.body, finals, last, rest);
                    for clause in &s.elif_else_clauses {
                        self.suite(&clause.body, finals, last, rest);
                    }
                }
                Stmt::Try(s) => {
                    finals.push(&s.finalbody);
                    // `try: L.acquire() except: L.release(); raise` at the end.
                    let body_last = last && s.orelse.is_empty() && s.finalbody.is_empty();
                    self.suite(&s.body, finals, body_last, &[]);
                    finals.pop();
                    for handler in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = handler;
                        self.suite(&h.body, finals, false, &[]);
                    }
                    self.suite(&s.orelse, finals, false, &[]);
                    self.suite(&s.finalbody, finals, false, &[]);
                }
                Stmt::For(s) => {
                    self.suite(&s.body, finals, false, &[]);
                    self.suite(&s.orelse, finals, false, &[]);
                }
                Stmt::While(s) => {
                    self.suite(&s.body, finals, false, &[]);
                    self.suite(&s.orelse, finals, false, &[]);
                }
                Stmt::With(s) => self.suite(&s.body, finals, false, &[]),
                Stmt::Match(s) => {
                    for case in &s.cases {
                        self.suite(&case.body, finals, last, &[]);
                    }
                }
                _ => {}
            }
        }
    }

    /// `done = Lock()` (then other creations and acquires) then
    /// `done.acquire()`: the lock is created locked.
    fn just_created(&self, call: &ast::ExprCall, before: &[Stmt]) -> bool {
        let Expr::Attribute(attr) = &*call.func else {
            return false;
        };
        let written = &self.locator_text[attr.value.range()];
        for stmt in before.iter().rev() {
            match stmt {
                Stmt::Assign(assign) if assign.value.is_call_expr() => {
                    if assign
                        .targets
                        .iter()
                        .any(|t| &self.locator_text[t.range()] == written)
                    {
                        return true;
                    }
                }
                Stmt::Expr(expr) if self.acquire(&expr.value).is_some() => {}
                _ => return false,
            }
        }
        false
    }

    /// `L.acquire(...)` or `await L.acquire(...)` on a known lock: the call
    /// and the lock's identity.
    fn acquire(&self, expr: &'a Expr) -> Option<(&'a ast::ExprCall, String)> {
        let expr = match expr {
            Expr::Await(a) => &*a.value,
            other => other,
        };
        let Expr::Call(call) = expr else {
            return None;
        };
        let Expr::Attribute(attr) = &*call.func else {
            return None;
        };
        if attr.attr.as_str() != "acquire" {
            return None;
        }
        let (id, ask) = lock_key(self.semantic, self.locator_text, &attr.value)?;
        if let Some(value) = ask {
            let mut asks = self.asks.borrow_mut();
            if !asks.iter().any(|(i, _)| *i == id) {
                asks.push((id.clone(), value));
            }
        }
        Some((call, id))
    }

    fn judge(
        &mut self,
        call: &ast::ExprCall,
        statement: TextRange,
        lock: String,
        holding: &'a [Stmt],
        finals: &[&'a [Stmt]],
    ) {
        let released_in_finally = |body: &[Stmt]| self.releases(body, &lock);
        // Before the `try`: guards that release and leave
        // (`if closed: L.release(); raise Closed()`) and assignments of
        // constants (`task = None`) cannot leave the lock held.
        let first = holding.iter().find(|stmt| match stmt {
            Stmt::If(s) => {
                !(s.elif_else_clauses.is_empty()
                    && matches!(s.body.last(), Some(Stmt::Raise(_) | Stmt::Return(_)))
                    && self.releases(&s.body, &lock))
            }
            Stmt::Assign(ast::StmtAssign { value, .. })
            | Stmt::AnnAssign(ast::StmtAnnAssign {
                value: Some(value), ..
            }) => !cannot_raise(value),
            _ => true,
        });
        // `L.acquire()` then `L.release()` right away: nothing in between can raise.
        let released_next =
            matches!(holding.first(), Some(Stmt::Expr(e)) if self.is_release(&e.value, &lock));
        let guarded = released_next
            || matches!(first, Some(Stmt::Try(t)) if released_in_finally(&t.finalbody))
            || finals.iter().any(|f| released_in_finally(f))
            || (self.context_manager && self.yield_guarded(self.body, &lock));
        if guarded {
            return;
        }
        let Expr::Attribute(attr) = &*call.func else {
            return;
        };
        let written = self.locator_text[attr.value.range()].to_string();
        self.found.push((call.range(), statement, written, lock));
    }

    /// Does `body` (through nested blocks) call `.release()` on `lock`?
    fn releases(&self, body: &[Stmt], lock: &str) -> bool {
        body.iter().any(|stmt| match stmt {
            Stmt::Expr(expr) => self.is_release(&expr.value, lock),
            Stmt::If(s) => {
                self.releases(&s.body, lock)
                    || s.elif_else_clauses
                        .iter()
                        .any(|c| self.releases(&c.body, lock))
            }
            Stmt::Try(s) => self.releases(&s.body, lock) || self.releases(&s.finalbody, lock),
            Stmt::With(s) => self.releases(&s.body, lock),
            _ => false,
        })
    }

    fn is_release(&self, expr: &Expr, lock: &str) -> bool {
        let Expr::Call(call) = expr else {
            return false;
        };
        let Expr::Attribute(attr) = &*call.func else {
            return false;
        };
        attr.attr.as_str() == "release"
            && lock_key(self.semantic, self.locator_text, &attr.value)
                .is_some_and(|(l, _)| l == lock)
    }

    /// In a `@contextmanager` generator: a `try` whose body yields and whose
    /// `finally` releases the lock.
    fn yield_guarded(&self, body: &[Stmt], lock: &str) -> bool {
        body.iter().any(|stmt| match stmt {
            Stmt::Try(t) => {
                (t.body.iter().any(yields) && self.releases(&t.finalbody, lock))
                    || self.yield_guarded(&t.body, lock)
            }
            Stmt::If(s) => {
                self.yield_guarded(&s.body, lock)
                    || s.elif_else_clauses
                        .iter()
                        .any(|c| self.yield_guarded(&c.body, lock))
            }
            Stmt::With(s) => self.yield_guarded(&s.body, lock),
            _ => false,
        })
    }
}

/// `None`, `0`, `"x"`, `[]`, `{}`, `()`: a value whose evaluation cannot
/// raise.
pub(super) fn cannot_raise(value: &Expr) -> bool {
    match value {
        Expr::List(l) => l.elts.is_empty(),
        Expr::Dict(d) => d.items.is_empty(),
        Expr::Tuple(t) => t.elts.is_empty(),
        other => other.is_literal_expr() || other.is_none_literal_expr(),
    }
}

pub(super) fn yields(stmt: &Stmt) -> bool {
    let value = match stmt {
        Stmt::Expr(e) => &*e.value,
        Stmt::Assign(a) => &*a.value,
        _ => return false,
    };
    matches!(value, Expr::Yield(_) | Expr::YieldFrom(_))
}

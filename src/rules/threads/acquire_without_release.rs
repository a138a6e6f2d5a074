//! PF202: `L.acquire()` whose release is not guaranteed. The walk notes the
//! functions that call `.acquire()` on a known lock; at the end of the file
//! each such body gets a small scan of its statements: the acquire must be
//! followed directly by a `try:` whose `finally` releases the lock (or sit
//! in the body of such a `try`).

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{self, Expr, Stmt};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::index::LockKind;
use crate::semantic::{ScopeKind, SemanticModel};

pub struct AcquireWithoutRelease;

impl<'a> Check<'a> for AcquireWithoutRelease {
    type State = Vec<crate::semantic::model::ScopeId>;

    #[inline]
    fn on_call(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        call: &'a ast::ExprCall,
        _: &mut Callee<'a>,
    ) {
        note_call(cx, state, call);
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, state: &mut Self::State) {
        check_functions(cx, state);
    }
}

const CONTEXT_MANAGERS: &[&str] = &[
    "contextlib.contextmanager",
    "contextlib.asynccontextmanager",
];

/// During the walk: `X.acquire(...)` on a known lock marks the function.
pub(crate) fn note_call(
    cx: &mut Context,
    state: &mut Vec<crate::semantic::model::ScopeId>,
    call: &ast::ExprCall,
) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.as_str() != "acquire" {
        return;
    }
    let Some(scope) = cx.semantic().function_scope_id() else {
        return;
    };
    if !state.contains(&scope) && cx.lock_for(&attr.value).is_some() {
        state.push(scope);
    }
}

pub(crate) fn check_functions(cx: &mut Context, state: &mut Vec<crate::semantic::model::ScopeId>) {
    let functions = std::mem::take(state);
    for scope in functions {
        let ScopeKind::Function(def) = cx.semantic().scope(scope).kind else {
            continue;
        };
        // The class releases in `__exit__`/`__aexit__`.
        if matches!(def.name.as_str(), "__enter__" | "__aenter__") {
            continue;
        }
        cx.semantic.set_current_scope(scope);
        let context_manager = def.decorator_list.iter().any(|d| {
            cx.semantic()
                .resolve_qualified_name(&d.expression)
                .is_some_and(|n| n.is_any(CONTEXT_MANAGERS))
        });
        let mut scan = Scan {
            semantic: cx.semantic(),
            locator_text: cx.locator().text(),
            body: &def.body,
            context_manager,
            found: Vec::new(),
        };
        scan.suite(&def.body, &mut Vec::new(), true);
        let found = scan.found;
        for (call, statement, lock) in found {
            let finding = cx.report_in_statement(
                Rule::AcquireWithoutRelease,
                call,
                statement,
                format!(
                    "`{lock}.acquire()` is not followed by `try:` … `finally: {lock}.release()`: an exception in between leaves the lock held forever; use `with {lock}:`"
                ),
            );
            let span = finding.span;
            finding.labels.push(crate::finding::Label {
                span,
                message: format!("`{lock}` is acquired here"),
            });
        }
    }
}

struct Scan<'s, 'a> {
    semantic: &'s SemanticModel<'a>,
    locator_text: &'s str,
    body: &'a [Stmt],
    context_manager: bool,
    /// `(acquire call, statement, lock as written)`.
    found: Vec<(TextRange, TextRange, String)>,
}

impl<'a> Scan<'_, 'a> {
    /// `finals`: the `finally` bodies of the `try`s whose body we are in.
    /// `tail`: nothing in the function runs after `stmts`.
    fn suite(&mut self, stmts: &'a [Stmt], finals: &mut Vec<&'a [Stmt]>, tail: bool) {
        for (i, stmt) in stmts.iter().enumerate() {
            let rest = &stmts[i + 1..];
            let last = tail && rest.is_empty();
            match stmt {
                Stmt::Expr(expr) => {
                    // An acquire that ends the function is its purpose (a
                    // `lock()` method; the release is another method's).
                    if let Some((call, lock)) = self.acquire(&expr.value)
                        && !last
                    {
                        self.judge(call, stmt.range(), lock, rest, finals);
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
                    self.suite(&s.body, finals, last);
                    for clause in &s.elif_else_clauses {
                        self.suite(&clause.body, finals, last);
                    }
                }
                Stmt::Try(s) => {
                    finals.push(&s.finalbody);
                    // `try: L.acquire() except: L.release(); raise` at the end.
                    let body_last = last && s.orelse.is_empty() && s.finalbody.is_empty();
                    self.suite(&s.body, finals, body_last);
                    finals.pop();
                    for handler in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = handler;
                        self.suite(&h.body, finals, false);
                    }
                    self.suite(&s.orelse, finals, false);
                    self.suite(&s.finalbody, finals, false);
                }
                Stmt::For(s) => {
                    self.suite(&s.body, finals, false);
                    self.suite(&s.orelse, finals, false);
                }
                Stmt::While(s) => {
                    self.suite(&s.body, finals, false);
                    self.suite(&s.orelse, finals, false);
                }
                Stmt::With(s) => self.suite(&s.body, finals, false),
                Stmt::Match(s) => {
                    for case in &s.cases {
                        self.suite(&case.body, finals, last);
                    }
                }
                _ => {}
            }
        }
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
        let lock = crate::semantic::locks::lock_for(self.semantic, &attr.value)?;
        // A semaphore counts: one path acquires, another releases, by design.
        if matches!(lock.kind, LockKind::Semaphore | LockKind::BoundedSemaphore) {
            return None;
        }
        Some((call, lock.id))
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
        // `L.acquire()` then `L.release()` right away: nothing in between can raise.
        let released_next =
            matches!(holding.first(), Some(Stmt::Expr(e)) if self.is_release(&e.value, &lock));
        let guarded = released_next
            || matches!(holding.first(), Some(Stmt::Try(t)) if released_in_finally(&t.finalbody))
            || finals.iter().any(|f| released_in_finally(f))
            || (self.context_manager && self.yield_guarded(self.body, &lock));
        if guarded {
            return;
        }
        let Expr::Attribute(attr) = &*call.func else {
            return;
        };
        let written = self.locator_text[attr.value.range()].to_string();
        self.found.push((call.range(), statement, written));
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
            && crate::semantic::locks::lock_for(self.semantic, &attr.value)
                .is_some_and(|l| l.id == lock)
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

fn yields(stmt: &Stmt) -> bool {
    let value = match stmt {
        Stmt::Expr(e) => &*e.value,
        Stmt::Assign(a) => &*a.value,
        _ => return false,
    };
    matches!(value, Expr::Yield(_) | Expr::YieldFrom(_))
}

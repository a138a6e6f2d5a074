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
use crate::semantic::model::ScopeId;
use crate::semantic::{ScopeKind, SemanticModel};

pub struct AcquireWithoutRelease;

/// What the walk notes for the end-of-file scan.
#[derive(Default)]
pub struct State {
    /// Functions calling `.acquire()` on a known lock.
    acquiring_functions: Vec<ScopeId>,
    /// `(function, lock id, handed to a thread)` for each `.release()` on a
    /// known lock and each lock handed to a thread (a lock used as a signal).
    lock_signals: Vec<(Option<ScopeId>, String, bool)>,
}

impl<'a> Check<'a> for AcquireWithoutRelease {
    type State = State;

    #[inline]
    fn on_call(
        cx: &mut Context<'a>,
        state: &mut State,
        call: &'a ast::ExprCall,
        _: &mut Callee<'a>,
    ) {
        note_call(cx, state, call);
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, state: &mut State) {
        check_functions(cx, state);
    }
}

const CONTEXT_MANAGERS: &[&str] = &[
    "contextlib.contextmanager",
    "contextlib.asynccontextmanager",
];

/// Calls that start a thread with what they are given.
const THREAD_STARTERS: &[&str] = &[
    "threading.Thread",
    "threading.Timer",
    "_thread.start_new_thread",
    "_thread.start_new",
];

/// During the walk: `X.acquire(...)` on a known lock marks the function;
/// `X.release()` and a lock handed to a thread are noted (a lock released
/// in another function, or by a thread, is a signal, not a critical section).
pub(crate) fn note_call(cx: &mut Context, state: &mut State, call: &ast::ExprCall) {
    let scope = cx.semantic().function_scope_id();
    if let Expr::Attribute(attr) = &*call.func {
        match attr.attr.as_str() {
            "acquire" => {
                if let Some(scope) = scope
                    && !state.acquiring_functions.contains(&scope)
                    && cx.lock_for(&attr.value).is_some()
                {
                    state.acquiring_functions.push(scope);
                }
                return;
            }
            "release" => {
                if let Some(lock) = cx.lock_for(&attr.value) {
                    state.lock_signals.push((scope, lock.id, false));
                }
                return;
            }
            _ => {}
        }
    }
    let starts_thread = cx
        .semantic()
        .resolve_qualified_name(&call.func)
        .is_some_and(|n| n.is_any(THREAD_STARTERS));
    if !starts_thread {
        return;
    }
    // `Thread(target=worker, args=(lock,))`: the thread releases it.
    let mut handed = Vec::new();
    crate::ast::helpers::any_over_expr(&Expr::Call(call.clone()), |e| {
        if matches!(e, Expr::Name(_) | Expr::Attribute(_))
            && let Some(lock) = cx.lock_for(e)
        {
            handed.push(lock.id);
        }
        false
    });
    for id in handed {
        // Handed to a thread: a signal wherever it is acquired.
        state.lock_signals.push((None, id, true));
    }
}

pub(crate) fn check_functions(cx: &mut Context, state: &mut State) {
    let functions = std::mem::take(&mut state.acquiring_functions);
    let signals = std::mem::take(&mut state.lock_signals);
    // Locks acquired as their initial state (in `__init__`, or right after
    // they are created): a signal that another thread or call releases.
    let mut initially_locked: Vec<String> = Vec::new();
    let mut candidates = Vec::new();
    for scope in functions {
        let ScopeKind::Function(def) = cx.semantic().scope(scope).kind else {
            continue;
        };
        // The class releases in `__exit__`/`__aexit__`; a lock wrapper's own
        // `acquire` hands the release to its `release`.
        let in_class = cx
            .semantic()
            .scope(scope)
            .parent
            .is_some_and(|p| matches!(cx.semantic().scope(p).kind, ScopeKind::Class(_)));
        if matches!(def.name.as_str(), "__enter__" | "__aenter__")
            || (in_class && matches!(def.name.as_str(), "acquire" | "_acquire"))
        {
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
            in_init: def.name.as_str() == "__init__",
            found: Vec::new(),
            initially_locked: Vec::new(),
        };
        scan.suite(&def.body, &mut Vec::new(), true, &[]);
        initially_locked.extend(scan.initially_locked);
        candidates.extend(scan.found.into_iter().map(|f| (scope, f)));
    }
    for (scope, (call, statement, lock, id)) in candidates {
        {
            if initially_locked.contains(&id) {
                continue;
            }
            // Handed to a thread, or released only by other functions: a
            // signal between threads, not a critical section.
            let handed = signals.iter().any(|(_, l, thread)| *thread && *l == id);
            let released_here = signals
                .iter()
                .any(|(s, l, thread)| !*thread && *l == id && *s == Some(scope));
            let released_elsewhere = signals
                .iter()
                .any(|(s, l, thread)| !*thread && *l == id && *s != Some(scope));
            let signal = handed || (!released_here && released_elsewhere);
            if signal {
                continue;
            }
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
    /// The function is an `__init__`: a lock it acquires starts locked.
    in_init: bool,
    /// `(acquire call, statement, lock as written, lock id)`.
    found: Vec<(TextRange, TextRange, String, String)>,
    /// Ids of the locks this function acquires as their initial state.
    initially_locked: Vec<String>,
}

impl<'a> Scan<'_, 'a> {
    /// `finals`: the `finally` bodies of the `try`s whose body we are in.
    /// `tail`: nothing in the function runs after `stmts`.
    /// `after`: for the body of an `if`, the statements after that `if`.
    fn suite(
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

/// `None`, `0`, `"x"`, `[]`, `{}`, `()`: a value whose evaluation cannot
/// raise.
fn cannot_raise(value: &Expr) -> bool {
    match value {
        Expr::List(l) => l.elts.is_empty(),
        Expr::Dict(d) => d.items.is_empty(),
        Expr::Tuple(t) => t.elts.is_empty(),
        other => other.is_literal_expr() || other.is_none_literal_expr(),
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

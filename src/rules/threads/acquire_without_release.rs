//! PF202: `L.acquire()` whose release is not guaranteed. The walk notes the
//! functions that call `.acquire()` on a known lock; at the end of the file
//! each such body gets a small scan of its statements: the acquire must be
//! followed directly by a `try:` whose `finally` releases the lock (or sit
//! in the body of such a `try`).

use super::acquire_scan::{Scan, lock_key};
use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::ScopeKind;
use crate::semantic::index::Question;
use crate::semantic::model::ScopeId;
use crate::semantic::values::{self, ValueKind};

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

    fn answer(
        pending: &crate::finding::Pending,
        question: &crate::semantic::index::Question,
        index: &crate::semantic::index::ProjectIndex,
    ) -> Option<crate::finding::Finding> {
        crate::semantic::values::answer_deferred(pending, question, index)
    }

    #[inline]
    fn on_call(
        cx: &mut Context<'a>,
        state: &mut State,
        call: &'a ast::ExprCall,
        callee: &mut Callee<'a>,
    ) {
        note_call(cx, state, call, callee);
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
pub(crate) fn note_call<'a>(
    cx: &mut Context<'a>,
    state: &mut State,
    call: &ast::ExprCall,
    callee: &mut Callee<'a>,
) {
    let scope = cx.semantic().function_scope_id();
    if let Expr::Attribute(attr) = &*call.func {
        match attr.attr.as_str() {
            "acquire" => {
                if let Some(scope) = scope
                    && !state.acquiring_functions.contains(&scope)
                    && lock_key(cx.semantic(), cx.locator().text(), &attr.value).is_some()
                {
                    state.acquiring_functions.push(scope);
                }
                return;
            }
            "release" => {
                if let Some((id, _)) = lock_key(cx.semantic(), cx.locator().text(), &attr.value) {
                    state.lock_signals.push((scope, id, false));
                }
                return;
            }
            _ => {}
        }
    }
    let starts_thread = callee.name(cx).is_some_and(|n| n.is_any(THREAD_STARTERS));
    if !starts_thread {
        return;
    }
    // `Thread(target=worker, args=(lock,))`: the thread releases it.
    let mut handed = Vec::new();
    crate::ast::helpers::any_over_expr(&Expr::Call(call.clone()), |e| {
        if matches!(e, Expr::Name(_) | Expr::Attribute(_))
            && let Some((id, _)) = lock_key(cx.semantic(), cx.locator().text(), e)
        {
            handed.push(id);
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
    let mut asks: Vec<(ScopeId, String, crate::semantic::values::Val)> = Vec::new();
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
            asks: Default::default(),
        };
        scan.suite(&def.body, &mut Vec::new(), true, &[]);
        initially_locked.extend(scan.initially_locked);
        asks.extend(
            scan.asks
                .into_inner()
                .into_iter()
                .map(|(i, v)| (scope, i, v)),
        );
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
            // A lock of another object (`pool._lock`) never released here
            // is held for its owner to release: a signal too.
            let foreign = id.starts_with('=') && !released_here;
            let signal = handed || foreign || (!released_here && released_elsewhere);
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
            // A lock through a value: reported if the project confirms it.
            if let Some((_, _, value)) = asks.iter().find(|(s, i, _)| *s == scope && *i == id) {
                cx.defer_last_finding(Question::new(&values::ValueIs {
                    value: value.clone(),
                    kind: ValueKind::Mutex,
                }));
            }
        }
    }
}

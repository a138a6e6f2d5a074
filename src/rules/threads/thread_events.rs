//! What the walk records for PF203 beside the lock events (the shared
//! analysis `Facts::SHARED_WRITES`): the functions started as threads
//! (`Thread(target=f)`, an executor's `submit`), and the read-modify-writes
//! of shared state made with no lock held. They go into the same
//! [`LockEventsBuilder`].

use ruff_text_size::Ranged;

use crate::ast::{self, Expr, Stmt};
use crate::context::{Callee, Context};
use crate::semantic::SemanticModel;
use crate::semantic::index::{SharedWrite, ThreadStart};
use crate::semantic::locks::receiver_class;
use crate::semantic::model::{BindingKind, MODULE_SCOPE};

use super::lock_builder::{LockEventsBuilder, callee, current_function, value_callee};

/// A statement, before its children: an unguarded write of shared state.
pub(crate) fn on_stmt(cx: &mut Context, state: &mut LockEventsBuilder, stmt: &Stmt) {
    if matches!(stmt, Stmt::AugAssign(_) | Stmt::Delete(_) | Stmt::Assign(_)) {
        on_assignment(cx, state, stmt);
    }
}

/// A call, before the lock events see it: a thread started.
pub(crate) fn on_call<'a>(
    cx: &mut Context<'a>,
    state: &mut LockEventsBuilder,
    call: &'a ast::ExprCall,
    callee: &mut Callee<'a>,
) {
    thread_start(cx, state, call, callee);
}

/// Executors whose `submit`/`map` run the callable on a thread.
const THREAD_POOLS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
];

/// PF203: `Thread(target=f)`, `Timer(t, f)`, `executor.submit(f)`/`.map(f, …)`.
fn thread_start<'a>(
    cx: &mut Context<'a>,
    state: &mut LockEventsBuilder,
    call: &'a ast::ExprCall,
    called: &mut Callee<'a>,
) {
    // The callee as the walk resolved it for every rule (once per call).
    // `(keyword of the target, how)`; both take it as the second argument.
    let started = match called.name(cx) {
        Some(name) if name.is("threading.Thread") => Some(("target", "threading.Thread")),
        Some(name) if name.is("threading.Timer") => Some(("function", "threading.Timer")),
        _ => None,
    };
    let semantic = cx.semantic();
    let argument = |position: usize, keyword: &str| {
        call.arguments
            .find_keyword(keyword)
            .map(|k| &k.value)
            .or_else(|| call.arguments.args.get(position))
    };
    let (target, how) = match started {
        Some((keyword, how)) => (argument(1, keyword), how),
        None => {
            let Expr::Attribute(attr) = &*call.func else {
                return;
            };
            let method = attr.attr.as_str();
            if !matches!(method, "submit" | "map") || !is_thread_pool(semantic, &attr.value) {
                return;
            }
            let how = if method == "submit" {
                "ThreadPoolExecutor.submit"
            } else {
                "ThreadPoolExecutor.map"
            };
            (call.arguments.args.first(), how)
        }
    };
    // `Thread(target=self.worker.run)`: a method of an inferred receiver.
    let Some(target) =
        target.and_then(|t| callee(semantic, t).or_else(|| value_callee(cx, t, false)))
    else {
        return;
    };
    let line = cx.locator().row(call.start());
    let builder = &mut *state;
    let target = builder.callee_id(target);
    builder.events.threads.push(ThreadStart {
        target,
        how: how.to_string(),
        line,
    });
}

/// A name bound to `ThreadPoolExecutor(...)` (also `with … as pool`).
fn is_thread_pool(semantic: &SemanticModel, receiver: &Expr) -> bool {
    let Expr::Name(name) = receiver else {
        return false;
    };
    let Some(Expr::Call(value)) = semantic.bound_value(name.id.as_str()) else {
        return false;
    };
    semantic
        .resolve_qualified_name(&value.func)
        .is_some_and(|n| n.is_any(THREAD_POOLS))
}

/// PF203: `x += 1` on shared state (a `global`, a `self.`/class attribute,
/// an item of one), or `x = x + …`, with no lock held.
fn on_assignment(cx: &mut Context, state: &mut LockEventsBuilder, stmt: &Stmt) {
    let target = match stmt {
        Stmt::AugAssign(assign) => &*assign.target,
        Stmt::Assign(assign) => {
            let [target] = &assign.targets[..] else {
                return;
            };
            let Expr::BinOp(op) = &*assign.value else {
                return;
            };
            let text = cx.locator().text();
            if text[target.range()] != text[op.left.range()] {
                return;
            }
            target
        }
        _ => return,
    };
    let Some((function, def)) = current_function(cx.semantic()) else {
        return;
    };
    if !is_shared(cx.semantic(), target, true) || state.maybe_holding(function, stmt.start()) {
        return;
    }
    let line = cx.locator().row(def.name.start());
    let text = cx.locator().text()[target.range()].to_string();
    let (span, noqa_row) = cx.site(stmt.range());
    let semantic = &cx.semantic;
    state
        .function(semantic, function, line)
        .locking_mut()
        .shared_writes
        .push(SharedWrite {
            target: text,
            span,
            noqa_row,
        });
}

/// Shared between threads: a `global` name, an attribute of `self`/`cls`
/// or of a class, or an item of one (or of a module global container).
fn is_shared(semantic: &SemanticModel, target: &Expr, top: bool) -> bool {
    match target {
        Expr::Name(name) => {
            let id = name.id.as_str();
            if top {
                // Rebinding needs `global` (`nonlocal` state is a closure's).
                semantic.is_declared_outside(id)
                    && semantic
                        .lookup(id)
                        .is_none_or(|b| semantic.binding(b).scope == MODULE_SCOPE)
            } else {
                semantic.lookup(id).is_some_and(|b| {
                    let binding = semantic.binding(b);
                    binding.scope == MODULE_SCOPE
                        && matches!(
                            binding.kind,
                            BindingKind::Assignment(_) | BindingKind::Annotated { .. }
                        )
                })
            }
        }
        Expr::Attribute(attr) => match &*attr.value {
            // Through a chain: `self.index.counter` is shared with `self`.
            chain @ Expr::Attribute(_) => is_shared(semantic, chain, false),
            Expr::Name(receiver) => {
                let id = receiver.id.as_str();
                receiver_class(semantic, id).is_some()
                    || semantic.lookup(id).is_some_and(|b| {
                        matches!(semantic.binding(b).kind, BindingKind::ClassDef(_))
                    })
            }
            _ => false,
        },
        Expr::Subscript(subscript) => is_shared(semantic, &subscript.value, false),
        _ => false,
    }
}

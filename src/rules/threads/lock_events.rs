//! What the walk records for the project-wide lock rules (PF200, PF201,
//! PF203): per function, the locks it acquires, the calls it makes, and the
//! locks held at each (DESIGN.md "per function the lock events"); the
//! functions started as threads; and read-modify-writes of shared state made
//! with no lock held. The result is the file summary's [`LockEvents`].
//!
//! Held locks are tracked in walk order: a `with` holds its locks for its
//! body; `L.acquire()` holds `L` until the next `L.release()` met in the
//! same function (release in a `finally` is met after the `try` body). That
//! is a straight-line view of the function, which under-approximates when a
//! branch releases early: missed edges, never invented ones.

use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::ast::{self, Expr, Stmt};
use crate::checker::Checker;
use crate::rules::Rule;
use crate::semantic::index::{
    Callee, FunctionLocks, HeldStep, LockEvents, LockName, LockStep, SharedWrite, ThreadStart,
};
use crate::semantic::locks::{inherited_attribute, receiver_class};
use crate::semantic::model::{BindingKind, MODULE_SCOPE, ScopeId};
use crate::semantic::{ScopeKind, SemanticModel};

/// The rules that read the lock events.
pub const RULES: &[Rule] = &[
    Rule::LockOrderInversion,
    Rule::LockReacquired,
    Rule::UnsynchronizedSharedMutation,
];

/// A `with` item the walk is inside of.
struct HeldWith {
    with_start: TextSize,
    function: ScopeId,
    /// `None`: not a known lock, but it might be one (PF203 stays silent).
    lock: Option<u32>,
}

#[derive(Default)]
pub struct LockEventsBuilder {
    events: LockEvents,
    lock_ids: FxHashMap<LockName, u32>,
    callee_ids: FxHashMap<Callee, u32>,
    functions: FxHashMap<ScopeId, usize>,
    withs: Vec<HeldWith>,
    /// Locks taken with `acquire()` and not yet released, in
    /// `manual_function`, each until the end of the branch that took it.
    manual: Vec<(u32, TextSize)>,
    /// The branch bodies (of `if`, `try`, loops, `match`, `with`) the walk
    /// is inside of, innermost last, with the statement that owns them.
    blocks: Vec<(TextSize, TextRange)>,
    manual_function: Option<ScopeId>,
    /// The call an `await` just met awaits (the walk visits it next).
    awaited: Option<TextRange>,
    /// A function that called `.acquire()` on something not known to be a
    /// lock: from there on it may hold one.
    unknown_acquire: Option<ScopeId>,
}

impl LockEventsBuilder {
    fn lock_id(&mut self, name: LockName) -> u32 {
        let next = self.events.locks.len() as u32;
        *self.lock_ids.entry(name).or_insert_with_key(|name| {
            self.events.locks.push(name.clone());
            next
        })
    }

    fn callee_id(&mut self, callee: Callee) -> u32 {
        let next = self.events.callees.len() as u32;
        *self.callee_ids.entry(callee).or_insert_with_key(|callee| {
            self.events.callees.push(callee.clone());
            next
        })
    }

    /// Each function's scope and its position in the events.
    pub(crate) fn function_scopes(&self) -> impl Iterator<Item = (ScopeId, usize)> + '_ {
        self.functions.iter().map(|(&scope, &i)| (scope, i))
    }

    pub(crate) fn function(
        &mut self,
        semantic: &SemanticModel,
        scope: ScopeId,
        line: u32,
    ) -> &mut FunctionLocks {
        let index = *self.functions.entry(scope).or_insert_with(|| {
            self.events.functions.push(FunctionLocks {
                name: semantic.scope_qualname(scope),
                line,
                ..Default::default()
            });
            self.events.functions.len() - 1
        });
        &mut self.events.functions[index]
    }

    /// The known locks held in `function` at `at`, outermost first.
    fn held(&mut self, function: ScopeId, at: TextSize) -> Vec<u32> {
        if self.manual_function != Some(function) {
            self.manual.clear();
            self.manual_function = Some(function);
        }
        self.manual.retain(|(_, end)| *end >= at);
        let mut held: Vec<u32> = Vec::new();
        let withs = self
            .withs
            .iter()
            .filter(|w| w.function == function)
            .filter_map(|w| w.lock);
        for lock in withs.chain(self.manual.iter().map(|(l, _)| *l)) {
            if !held.contains(&lock) {
                held.push(lock);
            }
        }
        held
    }

    /// PF203: might `function` hold any lock here (a `with` of anything, an
    /// `acquire()` on anything)?
    fn maybe_holding(&mut self, function: ScopeId, at: TextSize) -> bool {
        self.withs.iter().any(|w| w.function == function)
            || self.unknown_acquire == Some(function)
            || !self.held(function, at).is_empty()
    }

    pub fn finish(mut self, enabled: impl Iterator<Item = Rule>) -> LockEvents {
        self.events.rules = enabled.filter(|r| RULES.contains(r)).collect();
        self.events
    }
}

/// The function whose body the walk is in (not a lambda, class or module).
fn current_function<'a>(
    semantic: &SemanticModel<'a>,
) -> Option<(ScopeId, &'a ast::StmtFunctionDef)> {
    let scope = semantic.function_scope_id()?;
    match semantic.scope(scope).kind {
        ScopeKind::Function(def) => Some((scope, def)),
        _ => None,
    }
}

/// How the summary names the lock `expr` stands for, if it may be one.
fn lock_name(cx: &Checker, expr: &Expr) -> Option<LockName> {
    if let Some(lock) = cx.lock_for(expr) {
        return Some(LockName::Known {
            id: lock.id,
            kind: lock.kind,
            scope: lock.scope,
        });
    }
    let semantic = cx.semantic();
    if let Some((class_scope, attr)) = inherited_attribute(semantic, expr) {
        return Some(LockName::Inherited {
            class: semantic.scope_qualname(class_scope),
            attr: attr.to_string(),
        });
    }
    if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
        return None;
    }
    let name = semantic.resolve_qualified_name(expr)?;
    (!name.as_str().starts_with("builtins.")).then(|| LockName::Imported(name.to_string()))
}

/// The in-project function a call (or a callable passed as a thread
/// target) may stand for.
pub(crate) fn callee(semantic: &SemanticModel, func: &Expr) -> Option<Callee> {
    match func {
        Expr::Name(name) => {
            let binding = semantic.binding(semantic.lookup(name.id.as_str())?);
            match binding.kind {
                BindingKind::FunctionDef(_) => {
                    let owner = semantic.scope_qualname(binding.scope);
                    Some(Callee::Function(if owner.is_empty() {
                        name.id.to_string()
                    } else {
                        format!("{owner}.{}", name.id)
                    }))
                }
                BindingKind::Import => {
                    let target = semantic.resolve_name(name.id.as_str())?;
                    Some(Callee::Function(target.to_string()))
                }
                _ => None,
            }
        }
        Expr::Attribute(attr) => {
            if let Expr::Name(receiver) = &*attr.value
                && let Some(class_scope) = receiver_class(semantic, receiver.id.as_str())
            {
                return Some(Callee::Method {
                    class: semantic.scope_qualname(class_scope),
                    method: attr.attr.to_string(),
                });
            }
            let name = semantic.resolve_qualified_name(func)?;
            (!name.as_str().starts_with("builtins.")).then(|| Callee::Function(name.to_string()))
        }
        _ => None,
    }
}

pub(crate) fn enter_with(cx: &mut Checker, with: &ast::StmtWith) {
    let Some((function, def)) = current_function(cx.semantic()) else {
        return;
    };
    for item in &with.items {
        let lock = lock_name(cx, &item.context_expr).map(|name| {
            let id = cx.state.lock_events.lock_id(name);
            acquire(cx, function, def, id, true, item.context_expr.range());
            id
        });
        cx.state.lock_events.withs.push(HeldWith {
            with_start: with.start(),
            function,
            lock,
        });
    }
}

/// A compound statement: its branch bodies bound the `acquire()`s in them.
pub(crate) fn enter_compound(cx: &mut Checker, stmt: &Stmt) {
    let mut push = |body: &[Stmt]| {
        if let (Some(first), Some(last)) = (body.first(), body.last()) {
            cx.state
                .lock_events
                .blocks
                .push((stmt.start(), TextRange::new(first.start(), last.end())));
        }
    };
    match stmt {
        Stmt::If(s) => {
            push(&s.body);
            for clause in &s.elif_else_clauses {
                push(&clause.body);
            }
        }
        Stmt::Try(s) => {
            push(&s.body);
            for handler in &s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = handler;
                push(&h.body);
            }
            push(&s.orelse);
            push(&s.finalbody);
        }
        Stmt::For(s) => {
            push(&s.body);
            push(&s.orelse);
        }
        Stmt::While(s) => {
            push(&s.body);
            push(&s.orelse);
        }
        Stmt::With(s) => push(&s.body),
        Stmt::Match(s) => {
            for case in &s.cases {
                push(&case.body);
            }
        }
        _ => {}
    }
}

pub(crate) fn leave_compound(cx: &mut Checker, stmt: &Stmt) {
    let blocks = &mut cx.state.lock_events.blocks;
    while blocks
        .last()
        .is_some_and(|(owner, _)| *owner == stmt.start())
    {
        blocks.pop();
    }
}

pub(crate) fn leave_with(cx: &mut Checker, with: &ast::StmtWith) {
    let withs = &mut cx.state.lock_events.withs;
    while withs.last().is_some_and(|w| w.with_start == with.start()) {
        withs.pop();
    }
}

fn acquire(
    cx: &mut Checker,
    function: ScopeId,
    def: &ast::StmtFunctionDef,
    lock: u32,
    blocking: bool,
    range: ruff_text_size::TextRange,
) {
    let line = cx.locator().row(def.name.start());
    let row = cx.locator().row(range.start());
    let (span, noqa_row) = cx.site(range);
    let semantic = &cx.semantic;
    let builder = &mut cx.state.lock_events;
    let mut held = builder.held(function, range.start());
    // `L.acquire()` twice in a row is the hand-shake idiom: the second waits
    // for another thread to release it (a `with` never is).
    if builder.manual.iter().any(|(l, _)| *l == lock) {
        held.retain(|l| *l != lock);
    }
    let record = builder.function(semantic, function, line);
    if blocking && !record.acquires.iter().any(|(l, _)| *l == lock) {
        record.acquires.push((lock, row));
    }
    if !held.is_empty() {
        record.held_steps.push(HeldStep {
            step: LockStep::Acquire { lock, blocking },
            held,
            span,
            noqa_row,
        });
    }
}

/// `acquire()` with no arguments (or `blocking=True`) waits; a `False`
/// first argument or a timeout gives up instead of deadlocking.
fn is_blocking(arguments: &ast::Arguments) -> bool {
    let is_true = |e: &Expr| matches!(e, Expr::BooleanLiteral(b) if b.value);
    arguments.args.iter().all(is_true)
        && arguments
            .keywords
            .iter()
            .all(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "blocking") && is_true(&k.value))
}

/// `await L.acquire()`: an asyncio lock taken on this path.
pub(crate) fn on_await(cx: &mut Checker, await_expr: &ast::ExprAwait) {
    if let Expr::Call(call) = &*await_expr.value {
        cx.state.lock_events.awaited = Some(call.range());
    }
}

pub(crate) fn on_call(cx: &mut Checker, call: &ast::ExprCall) {
    let awaited = cx.state.lock_events.awaited.take();
    if cx.enabled(Rule::UnsynchronizedSharedMutation) {
        thread_start(cx, call);
    }
    let Some((function, def)) = current_function(cx.semantic()) else {
        return;
    };
    if let Expr::Attribute(attr) = &*call.func
        && matches!(attr.attr.as_str(), "acquire" | "release")
    {
        match lock_name(cx, &attr.value) {
            // An asyncio lock's `acquire()` only acquires when awaited
            // (`create_task(lock.acquire())` takes it in another task).
            Some(LockName::Known { .. })
                if cx.lock_for(&attr.value).is_some_and(|l| l.asyncio)
                    && !awaited.is_some_and(|a| a == call.range()) =>
            {
                return;
            }
            Some(name) => {
                let id = cx.state.lock_events.lock_id(name);
                let at = call.start();
                if attr.attr.as_str() == "acquire" {
                    acquire(
                        cx,
                        function,
                        def,
                        id,
                        is_blocking(&call.arguments),
                        call.range(),
                    );
                    let builder = &mut cx.state.lock_events;
                    builder.held(function, at);
                    // Held until the end of the branch that took it.
                    let end = builder
                        .blocks
                        .iter()
                        .rev()
                        .find(|(_, block)| block.contains(at))
                        .map_or(def.end(), |(_, block)| block.end());
                    builder.manual.push((id, end));
                } else {
                    let builder = &mut cx.state.lock_events;
                    builder.held(function, at);
                    if let Some(i) = builder.manual.iter().rposition(|(l, _)| *l == id) {
                        builder.manual.remove(i);
                    }
                }
                return;
            }
            None if attr.attr.as_str() == "acquire" => {
                cx.state.lock_events.unknown_acquire = Some(function);
            }
            None => {}
        }
    }
    let Some(callee) = callee(cx.semantic(), &call.func) else {
        return;
    };
    let line = cx.locator().row(def.name.start());
    // The site's position is only needed for a call made while holding.
    let held = cx.state.lock_events.held(function, call.start());
    let (span, noqa_row) = if held.is_empty() {
        Default::default()
    } else {
        cx.site(call.range())
    };
    let semantic = &cx.semantic;
    let builder = &mut cx.state.lock_events;
    let callee = builder.callee_id(callee);
    let record = builder.function(semantic, function, line);
    if !record.calls.contains(&callee) {
        record.calls.push(callee);
    }
    if !held.is_empty() {
        record.held_steps.push(HeldStep {
            step: LockStep::Call { callee },
            held,
            span,
            noqa_row,
        });
    }
}

/// Executors whose `submit`/`map` run the callable on a thread.
const THREAD_POOLS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
];

/// PF203: `Thread(target=f)`, `Timer(t, f)`, `executor.submit(f)`/`.map(f, …)`.
fn thread_start(cx: &mut Checker, call: &ast::ExprCall) {
    let semantic = cx.semantic();
    let argument = |position: usize, keyword: &str| {
        call.arguments
            .find_keyword(keyword)
            .map(|k| &k.value)
            .or_else(|| call.arguments.args.get(position))
    };
    let (target, how) = match semantic.resolve_qualified_name(&call.func) {
        Some(name) if name.is("threading.Thread") => (argument(1, "target"), "threading.Thread"),
        Some(name) if name.is("threading.Timer") => (argument(1, "function"), "threading.Timer"),
        _ => {
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
    let Some(target) = target.and_then(|t| callee(semantic, t)) else {
        return;
    };
    let line = cx.locator().row(call.start());
    let builder = &mut cx.state.lock_events;
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
pub(crate) fn on_assignment(cx: &mut Checker, stmt: &Stmt) {
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
    if !is_shared(cx.semantic(), target, true)
        || cx.state.lock_events.maybe_holding(function, stmt.start())
    {
        return;
    }
    let line = cx.locator().row(def.name.start());
    let text = cx.locator().text()[target.range()].to_string();
    let (span, noqa_row) = cx.site(stmt.range());
    let semantic = &cx.semantic;
    cx.state
        .lock_events
        .function(semantic, function, line)
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

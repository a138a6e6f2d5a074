//! What the walk records for PF110/PF112 beside the lock events (the shared
//! analysis `Facts::EFFECTS`): per sync function, its own blocking and
//! loop-running calls (RULES.md "Effects") and the methods it calls on
//! receivers whose class the project says. They go into the same
//! [`LockEventsBuilder`], whose per-function calls the project index follows.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::Context;
use crate::finding::{Finding, Pending, PendingContext};
use crate::registry::Rule;
use crate::rules::threads::lock_builder::{LockEventsBuilder, callee, has_callee};
use crate::semantic::effects::EffectKind;
use crate::semantic::effects::{Target, Witness};
use crate::semantic::facts::Callee;
use crate::semantic::index::{ProjectIndex, Question};
use crate::semantic::known;
use crate::semantic::model::ScopeId;
use crate::semantic::values::{self, Decision, ValueKind};
use crate::semantic::{QualifiedName, ScopeKind, SemanticModel};

/// Decorators that leave a function as written (its call runs its body).
const KEEPS_BODY: &[&str] = &[
    "builtins.staticmethod",
    "builtins.classmethod",
    "abc.abstractmethod",
    "typing.override",
    "typing_extensions.override",
    "functools.cache",
    "functools.lru_cache",
];

const RUNNERS: &[&str] = &["asyncio.run", "asyncio.runners.run"];

/// Every call in a sync function: its own effects.
pub(crate) fn on_call<'a>(
    cx: &mut Context<'a>,
    state: &mut LockEventsBuilder,
    call: &ast::ExprCall,
    callee: &mut crate::context::Callee<'a>,
) {
    let semantic = cx.semantic();
    let Some(scope) = semantic.function_scope_id() else {
        return;
    };
    // A lambda's calls run when the lambda is called: nothing here.
    let ScopeKind::Function(def) = semantic.scope(scope).kind else {
        return;
    };
    if !def.is_async {
        let name = callee.name(cx);
        record(cx, state, scope, def, call, name);
    }
}
/// The in-project function a call may stand for.
pub(crate) fn target(semantic: &SemanticModel, func: &Expr) -> Option<Target> {
    if let Some(callee) = callee(semantic, func) {
        return Some(Target::Callee(callee));
    }
    let Expr::Attribute(attr) = func else {
        return None;
    };
    let value = values::value_of(semantic, semantic.current_scope_id(), &attr.value)?;
    Some(Target::OnValue(value, attr.attr.as_str().into()))
}

/// `open(...)` for a PF101–PF106 blocking call.
pub(crate) fn blocking_call(
    cx: &Context,
    call: &ast::ExprCall,
    name: &QualifiedName,
) -> Option<String> {
    let blocking = name.is("time.sleep")
        || name.is("builtins.input")
        || name.is_any(known::BLOCKING_PROCESS_CALLS)
        || name.is_any(known::BLOCKING_FILE_CALLS)
        || (name.is_any(known::BLOCKING_NETWORK_CALLS)
            && !known::numeric_only(call, name)
            && !numeric_host(call))
        || cx
            .settings
            .blocking_calls
            .iter()
            .any(|listed| name.is(listed.trim()));
    blocking.then(|| {
        let shown = name
            .as_str()
            .strip_prefix("builtins.")
            .unwrap_or(name.as_str());
        format!("{shown}(...)")
    })
}

/// `getaddrinfo("1.2.3.4", ...)`: a literal IP address needs no lookup.
fn numeric_host(call: &ast::ExprCall) -> bool {
    matches!(
        call.arguments.args.first(),
        Some(Expr::StringLiteral(s)) if s.value.to_str().parse::<std::net::IpAddr>().is_ok()
    )
}

fn runs_loop(cx: &Context, call: &ast::ExprCall, name: Option<&QualifiedName>) -> Option<String> {
    if let Some(name) = name {
        return name.is_any(RUNNERS).then(|| "asyncio.run(...)".to_string());
    }
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    (attr.attr.as_str() == "run_until_complete"
        && values::decide(cx.semantic(), &attr.value, ValueKind::Loop) == Decision::Yes)
        .then(|| "run_until_complete(...)".to_string())
}

/// `path.read_text()`, `session.get()`: a blocking method of a library
/// value (decided here), or of a value the index must confirm.
fn blocking_method(cx: &Context, call: &ast::ExprCall) -> Option<(Decision, ValueKind, String)> {
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    let method = attr.attr.as_str();
    let kind = if known::PATH_IO_METHODS.contains(&method) {
        ValueKind::Path
    } else if known::SYNC_CLIENT_METHODS.contains(&method) {
        ValueKind::SyncClient
    } else {
        return None;
    };
    let decision = values::decide(cx.semantic(), &attr.value, kind);
    if decision == Decision::No {
        return None;
    }
    let shown = match kind {
        ValueKind::Path => format!("Path.{method}(...)"),
        _ => format!("{}(...)", &cx.locator().text()[attr.range()]),
    };
    Some((decision, kind, shown))
}

fn record(
    cx: &mut Context,
    state: &mut LockEventsBuilder,
    scope: ScopeId,
    def: &ast::StmtFunctionDef,
    call: &ast::ExprCall,
    name: Option<&QualifiedName>,
) {
    let semantic = cx.semantic();
    let mut blocks = name.and_then(|n| blocking_call(cx, call, n));
    let mut maybe = None;
    if name.is_none()
        && let Some((decision, kind, shown)) = blocking_method(cx, call)
    {
        match decision {
            Decision::Ask(value) => maybe = Some((value, kind, shown)),
            _ => blocks = Some(shown),
        }
    }
    let loop_run = runs_loop(cx, call, name);
    // Calls the lock events do not name: methods of inferred receivers.
    let value_call =
        if blocks.is_some() || loop_run.is_some() || has_callee(semantic, &call.func, name) {
            None
        } else if let Expr::Attribute(attr) = &*call.func {
            values::value_of(semantic, semantic.current_scope_id(), &attr.value)
                .map(|value| (value, attr.attr.to_string()))
        } else {
            None
        };
    if blocks.is_none() && loop_run.is_none() && value_call.is_none() && maybe.is_none() {
        return;
    }
    let line = cx.locator().row(call.start());
    let def_line = cx.locator().row(def.name.start());
    let value_call = value_call.map(|(value, method)| {
        state.callee_id(Callee::OnValue {
            value,
            method: method.into(),
            receiver: None,
        })
    });
    let semantic = &cx.semantic;
    let record = state.function(semantic, scope, def_line);
    let own = record.effects.get_or_insert_with(Default::default);
    if let Some(what) = blocks
        && own.blocks.is_none()
    {
        own.blocks = Some(Witness {
            what: what.into(),
            line,
        });
    }
    if let Some((value, kind, what)) = maybe
        && !own.maybe_blocks.iter().any(|(v, _, _)| *v == value)
    {
        own.maybe_blocks.push((
            value,
            kind,
            Witness {
                what: what.into(),
                line,
            },
        ));
    }
    if let Some(what) = loop_run
        && own.runs_loop.is_none()
    {
        own.runs_loop = Some(Witness {
            what: what.into(),
            line,
        });
    }
    if let Some(callee) = value_call
        && !own.value_calls.contains(&callee)
    {
        own.value_calls.push(callee);
    }
}

/// Calling the function of `scope` has no sync effect: an `async def`, a
/// generator (its call runs nothing), a lambda, or a function with a
/// decorator not known to keep it as written.
fn is_opaque(cx: &Context, scope: ScopeId) -> bool {
    let semantic = cx.semantic();
    let ScopeKind::Function(def) = semantic.scope(scope).kind else {
        return true;
    };
    if def.is_async || semantic.scope(scope).is_generator {
        return true;
    }
    let outer = semantic.scope(scope).parent.unwrap_or(scope);
    !def.decorator_list.iter().all(|d| {
        let expr = match &d.expression {
            Expr::Call(c) => &*c.func,
            other => other,
        };
        semantic
            .resolve_qualified_name_in(outer, expr)
            .is_some_and(|n| n.is_any(KEEPS_BODY))
    })
}

/// Marks each recorded function whose call has no sync effect.
pub(crate) fn mark_opaque(cx: &Context, state: &mut LockEventsBuilder) {
    for (scope, i) in state.function_scopes() {
        let opaque = is_opaque(cx, scope);
        state.function_at(i).opaque = opaque;
    }
}

/// A call inside an async function: does the helper block (PF112), or run
/// a loop (PF110)?
pub(crate) fn ask(cx: &mut Context, call: &ast::ExprCall, rule: Rule, kind: EffectKind) {
    let semantic = cx.semantic();
    // A call PF101–PF106 already report inline (a helper listed in
    // `blocking-calls` itself).
    if let Some(name) = semantic.resolve_qualified_name(&call.func)
        && blocking_call(cx, call, &name).is_some()
    {
        return;
    }
    let Some(target) = target(semantic, &call.func) else {
        return;
    };
    let shown = cx.locator().text()[call.func.range()].to_string();
    cx.ask(
        rule,
        Question::new(&Effect { target, kind }),
        call.range(),
        Some(&shown),
        PendingContext::None,
    );
}

/// The question: does calling the in-project function that `target` stands for
/// block, or run an event loop? (RULES.md "Effects")
#[derive(serde::Serialize, serde::Deserialize)]
struct Effect {
    target: Target,
    kind: EffectKind,
}

impl crate::semantic::index::Ask for Effect {
    const TAG: &'static str = "effects.Effect";
}

/// Does this question need the project's effects solved?
pub(crate) fn asks_effects(question: &Question) -> bool {
    question.is::<Effect>()
}

/// The project's answer: the helper's chain to its witness call.
pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    let Effect { target, kind } = question.decode()?;
    let effect = index.effect(&target, kind)?;
    let subject = pending.subject.as_deref().unwrap_or("?");
    let chain = effect
        .chain
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(" → ");
    let at = index.file_line(&effect.module, effect.line);
    let message = match kind {
        EffectKind::Blocks => format!(
            "`{subject}(...)` blocks the event loop: {chain} calls `{}` ({at})",
            effect.what
        ),
        EffectKind::RunsLoop => format!(
            "`{subject}(...)` runs an event loop inside a running one: {chain} calls `{}` ({at}); it raises RuntimeError (cannot be called from a running event loop)",
            effect.what
        ),
    };
    Some(Finding {
        rule: pending.rule,
        message,
        span: pending.span,
        noqa_row: pending.noqa_row,
        fix: None,
        labels: Vec::new(),
    })
}

//! PF108: a task whose only reference is the event loop's weak one.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::ScopeKind;
use crate::semantic::index::Question;
use crate::semantic::model::ScopeId;
use crate::semantic::values::{self, Decision, Val, ValueKind};

pub struct DanglingTask;

impl<'a> Check<'a> for DanglingTask {
    type State = Vec<Candidate<'a>>;

    fn answer(
        pending: &crate::finding::Pending,
        question: &crate::semantic::index::Question,
        index: &crate::semantic::index::ProjectIndex,
    ) -> Option<crate::finding::Finding> {
        crate::semantic::values::answer_deferred(pending, question, index)
    }
    const STMTS: u64 = kinds::stmt::EXPR | kinds::stmt::ASSIGN | kinds::stmt::ANN_ASSIGN;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a ast::Stmt) {
        match stmt {
            ast::Stmt::Expr(ast::StmtExpr { value, .. }) => check_expression_statement(cx, value),
            ast::Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                check_assignment(cx, state, targets, value);
            }
            ast::Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                value: Some(value),
                ..
            }) => check_assignment(cx, state, std::slice::from_ref(&**target), value),
            _ => {}
        }
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, state: &mut Self::State) {
        check_unread(cx, state);
    }
}

const LOOP_GETTERS: &[&str] = &[
    "asyncio.get_event_loop",
    "asyncio.get_running_loop",
    "asyncio.new_event_loop",
];

/// A task bound to local names; reported at the end of the file if nothing
/// in the function read any of them.
pub struct Candidate<'a> {
    scope: ScopeId,
    names: Vec<&'a str>,
    call: TextRange,
    statement: TextRange,
    what: String,
    /// A loop the project index must confirm (`self.client.loop`).
    ask: Option<Val>,
}

fn message(what: &str) -> String {
    format!(
        "the task from `{what}` is not kept: the event loop holds only a weak reference, so it can be garbage-collected before it finishes"
    )
}

pub(crate) fn check_expression_statement(cx: &mut Context, value: &Expr) {
    let Expr::Call(call) = value else { return };
    if let Some((what, ask)) = task_creation(cx, call) {
        cx.report(Rule::DanglingTask, call.range(), message(&what));
        defer(cx, ask);
    }
}

fn defer(cx: &mut Context, ask: Option<Val>) {
    if let Some(value) = ask {
        cx.defer_last_finding(Question::new(&values::ValueIs {
            value,
            kind: ValueKind::Loop,
        }));
    }
}

pub(crate) fn check_assignment<'a>(
    cx: &mut Context<'a>,
    state: &mut Vec<Candidate<'a>>,
    targets: &'a [Expr],
    value: &'a Expr,
) {
    let Expr::Call(call) = value else { return };
    let semantic = cx.semantic();
    if !matches!(
        semantic.scope(semantic.current_scope_id()).kind,
        ScopeKind::Function(_) | ScopeKind::Lambda(_)
    ) {
        return;
    }
    let Some((what, ask)) = task_creation(cx, call) else {
        return;
    };
    let semantic = cx.semantic();
    let mut names = Vec::new();
    for target in targets {
        match target {
            Expr::Name(name) if !semantic.is_declared_outside(name.id.as_str()) => {
                names.push(name.id.as_str())
            }
            // Stored on an attribute, a subscript, a global: kept.
            _ => return,
        }
    }
    let statement = cx.current_statement().unwrap_or(call.range());
    let scope = cx.semantic().current_scope_id();
    state.push(Candidate {
        scope,
        names,
        call: call.range(),
        statement,
        what,
        ask,
    });
}

pub(crate) fn check_unread(cx: &mut Context, state: &mut Vec<Candidate<'_>>) {
    let candidates = std::mem::take(state);
    for candidate in candidates {
        let unread = candidate
            .names
            .iter()
            .all(|name| cx.semantic().reads_in_scope(candidate.scope, name) == 0);
        if unread {
            cx.report_in_statement(
                Rule::DanglingTask,
                candidate.call,
                candidate.statement,
                message(&candidate.what),
            );
            defer(cx, candidate.ask);
        }
    }
}

/// `asyncio.create_task(...)`, `asyncio.ensure_future(...)`, or
/// `loop.create_task(...)` on a loop from `asyncio.get_event_loop()` & co.
fn task_creation(cx: &Context, call: &ast::ExprCall) -> Option<(String, Option<Val>)> {
    let semantic = cx.semantic();
    // A method call resolves to a name ending in its own attribute: only
    // `.create_task`/`.ensure_future` can be a task (a bare name may be an
    // alias, `from asyncio import create_task as spawn`).
    if let Expr::Attribute(attr) = &*call.func
        && !matches!(attr.attr.as_str(), "create_task" | "ensure_future")
    {
        return None;
    }
    if let Some(name) = semantic.resolve_qualified_name(&call.func)
        && (name.is_any(&["asyncio.create_task", "asyncio.ensure_future"])
            || !name.as_str().ends_with(".create_task"))
    {
        return name
            .is_any(&["asyncio.create_task", "asyncio.ensure_future"])
            .then(|| (name.to_string(), None));
    }
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    if attr.attr.as_str() != "create_task" {
        return None;
    }
    let loop_call = match &*attr.value {
        Expr::Call(inner) => Some(inner),
        Expr::Name(name) => match semantic.bound_value(name.id.as_str()) {
            Some(Expr::Call(inner)) => Some(inner),
            _ => None,
        },
        _ => None,
    };
    if let Some(loop_call) = loop_call
        && semantic
            .resolve_qualified_name(&loop_call.func)
            .is_some_and(|n| n.is_any(LOOP_GETTERS))
    {
        return Some(("loop.create_task".to_string(), None));
    }
    // Any value inferred to be a loop (`self.loop`, `self.client.loop`).
    let what = || format!("{}.create_task", &cx.locator().text()[attr.value.range()]);
    match values::decide(semantic, &attr.value, ValueKind::Loop) {
        Decision::No => None,
        Decision::Yes => Some((what(), None)),
        Decision::Ask(value) => Some((what(), Some(value))),
    }
}

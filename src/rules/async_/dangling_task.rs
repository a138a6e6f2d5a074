//! PF108: a task whose only reference is the event loop's weak one.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::model::ScopeId;
use crate::semantic::{ScopeKind, SemanticModel};

pub struct DanglingTask;

impl<'a> Check<'a> for DanglingTask {
    type State = Vec<Candidate<'a>>;
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
}

fn message(what: &str) -> String {
    format!(
        "the task from `{what}` is not kept: the event loop holds only a weak reference, so it can be garbage-collected before it finishes"
    )
}

pub(crate) fn check_expression_statement(cx: &mut Context, value: &Expr) {
    let Expr::Call(call) = value else { return };
    if let Some(what) = task_creation(cx.semantic(), call) {
        cx.report(Rule::DanglingTask, call.range(), message(&what));
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
    let Some(what) = task_creation(semantic, call) else {
        return;
    };
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
        }
    }
}

/// `asyncio.create_task(...)`, `asyncio.ensure_future(...)`, or
/// `loop.create_task(...)` on a loop from `asyncio.get_event_loop()` & co.
fn task_creation(semantic: &SemanticModel, call: &ast::ExprCall) -> Option<String> {
    if let Some(name) = semantic.resolve_qualified_name(&call.func) {
        return name
            .is_any(&["asyncio.create_task", "asyncio.ensure_future"])
            .then(|| name.to_string());
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
    }?;
    semantic
        .resolve_qualified_name(&loop_call.func)
        .is_some_and(|n| n.is_any(LOOP_GETTERS))
        .then(|| "loop.create_task".to_string())
}

//! PF302: an in-project decorator with a sync wrapper applied to an
//! `async def`. Project-wide: the decoration asks the index what the
//! decorator is (the file's own decorators are in the index too).

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Pending, PendingContext};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::flow::yields;
use crate::semantic::index::{ProjectIndex, Question};

use super::DecoratorNamed;

pub struct SyncWrapperOnCoroutine;

impl<'a> Check<'a> for SyncWrapperOnCoroutine {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, def);
        }
    }

    fn answer(pending: &Pending, question: &Question, index: &ProjectIndex) -> Option<Finding> {
        answer(pending, question, index)
    }
}

/// The `async def` a pending decorator is applied to; `called`: written
/// `@deco(...)`.
#[derive(Serialize, Deserialize)]
struct Decorates {
    function: Box<str>,
    called: bool,
}

pub(crate) fn check(cx: &mut Context, def: &ast::StmtFunctionDef) {
    // An async generator is iterated, not awaited: out of scope.
    if !def.is_async || yields(&def.body) {
        return;
    }
    for decorator in &def.decorator_list {
        let (callee, called) = match &decorator.expression {
            Expr::Call(call) => (&*call.func, true),
            other => (other, false),
        };
        let Some(name) = cx.semantic().resolve_qualified_name(callee) else {
            continue;
        };
        let subject = cx.locator().text()[callee.range()].to_string();
        cx.ask(
            Rule::SyncWrapperOnCoroutine,
            Question::new(&DecoratorNamed {
                name: name.to_string(),
            }),
            decorator.expression.range(),
            Some(&subject),
            PendingContext::data(&Decorates {
                function: def.name.as_str().into(),
                called,
            }),
        );
    }
}

pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    let (Some(DecoratorNamed { name }), Some(Decorates { function, called })) =
        (question.decode(), pending.context.decode())
    else {
        return None;
    };
    let (module, definition, info) = index.decorator(&name)?;
    if !info.applies_wrapper(called)
        || info.wrapper_is_async
        || info.checks_coroutine
        || info.hands_on_result
        || !info.acts_around_call
    {
        return None;
    }
    let message = format!(
        "decorator `{}` ({}:{}) wraps `async def {function}` in a sync `def`: its work runs around creating the coroutine, not around running it",
        pending.subject.as_deref().unwrap_or("?"),
        module.module,
        definition.line
    );
    Some(Finding {
        rule: Rule::SyncWrapperOnCoroutine,
        message,
        span: pending.span,
        noqa_row: pending.noqa_row,
        fix: None,
        labels: Vec::new(),
    })
}

//! PF303: `@factory` without parentheses, where `factory` is an in-project
//! decorator factory. Project-wide: the decoration asks the index.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::finding::{Finding, Pending, PendingContext};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::index::{ProjectIndex, Question};

use super::DecoratorNamed;

pub struct DecoratorFactoryNotCalled;

impl<'a> Check<'a> for DecoratorFactoryNotCalled {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF | kinds::stmt::CLASS_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        match stmt {
            ast::Stmt::FunctionDef(def) => check(cx, &def.decorator_list, def.name.as_str()),
            ast::Stmt::ClassDef(class) => check(cx, &class.decorator_list, class.name.as_str()),
            _ => {}
        }
    }

    fn answer(pending: &Pending, question: &Question, index: &ProjectIndex) -> Option<Finding> {
        answer(pending, question, index)
    }
}

/// The decorators of a `def` or `class` named `decorated`.
pub(crate) fn check(cx: &mut Context, decorators: &[ast::Decorator], decorated: &str) {
    for decorator in decorators {
        let expr = &decorator.expression;
        if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
            continue;
        }
        let Some(name) = cx.semantic().resolve_qualified_name(expr) else {
            continue;
        };
        let subject = cx.locator().text()[expr.range()].to_string();
        cx.ask(
            Rule::DecoratorFactoryNotCalled,
            Question::new(&DecoratorNamed {
                name: name.to_string(),
            }),
            expr.range(),
            Some(&subject),
            PendingContext::data(&decorated),
        );
    }
}

pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    // The data: the decorated function's name.
    let (Some(DecoratorNamed { name }), Some(function)) =
        (question.decode(), pending.context.decode::<Box<str>>())
    else {
        return None;
    };
    let (module, definition, info) = index.decorator(&name)?;
    if !info.plain_factory {
        return None;
    }
    let subject = pending.subject.as_deref().unwrap_or("?");
    let message = format!(
        "`@{subject}` is a decorator factory ({}:{}) used without parentheses: `{function}` is replaced by its inner decorator; call it: `@{subject}(...)`",
        module.module, definition.line
    );
    Some(Finding {
        rule: Rule::DecoratorFactoryNotCalled,
        message,
        span: pending.span,
        noqa_row: pending.noqa_row,
        fix: None,
        labels: Vec::new(),
    })
}

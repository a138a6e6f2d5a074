//! PF300's project question: is a decorator applied anywhere? (A wrapper
//! without `functools.wraps` matters only for a decorator in use.)

use crate::ast;
use crate::context::Context;
use crate::finding::{Finding, Pending, PendingContext};
use crate::semantic::ScopeKind;
use crate::semantic::index::{ProjectIndex, Question};

/// "Is `decorator` applied as a decorator somewhere?": by its own name (or,
/// in a factory, by the factory called), in this file or, for a module-level
/// function or method, anywhere in the project.
pub(super) fn applied_question(cx: &Context, decorator: &ast::StmtFunctionDef) -> Question {
    let semantic = cx.semantic();
    let module = semantic.module.name.clone();
    let own = decorator.name.as_str();
    let prefix = if module.is_empty() {
        String::new()
    } else {
        format!("{module}.")
    };
    let mut names = vec![own.to_string(), format!("{own}()")];
    let mut qualified = Vec::new();
    let scope = semantic.scope(semantic.current_scope_id());
    let parent_is_module = scope
        .parent
        .is_none_or(|p| p == crate::semantic::model::MODULE_SCOPE);
    match scope.kind {
        ScopeKind::Module => {
            qualified.push(format!("{prefix}{own}"));
            qualified.push(format!("{prefix}{own}()"));
        }
        ScopeKind::Class(class) if parent_is_module => {
            qualified.push(format!("{prefix}{}.{own}", class.name));
            qualified.push(format!("{prefix}{}.{own}()", class.name));
        }
        // The middle level of a factory: `@factory(...)` applies it.
        ScopeKind::Function(factory) => {
            names.push(format!("{}()", factory.name));
            if parent_is_module {
                qualified.push(format!("{prefix}{}()", factory.name));
            }
        }
        _ => {}
    }
    names.sort_unstable();
    Question::new(&Applied {
        module,
        names,
        qualified,
    })
}

/// The question: is a function of `module` applied as a decorator
/// anywhere: by one of `names` in its own file (`deco`, `factory()`), or by
/// one of `qualified` anywhere in the project (`mod.deco`, `mod.factory()`)?
#[derive(serde::Serialize, serde::Deserialize)]
struct Applied {
    module: String,
    names: Vec<String>,
    qualified: Vec<String>,
}

impl crate::semantic::index::Ask for Applied {
    const TAG: &'static str = "decorators.Applied";
}

pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    let (
        Some(Applied {
            module,
            names,
            qualified,
        }),
        PendingContext::Finding(finding),
    ) = (question.decode(), &pending.context)
    else {
        return None;
    };
    index
        .decorator_applied(&module, &names, &qualified)
        .then(|| (**finding).clone())
}

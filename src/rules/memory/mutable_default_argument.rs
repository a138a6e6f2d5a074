//! PF601: a mutable object as a parameter default.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::SemanticModel;
use crate::semantic::typing::{annotation_types, type_name};

pub struct MutableDefaultArgument;

impl<'a> Check<'a> for MutableDefaultArgument {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, &def.parameters);
        }
    }

    #[inline]
    fn on_lambda(cx: &mut Context<'a>, _: &mut (), lambda: &'a ast::ExprLambda) {
        if let Some(parameters) = &lambda.parameters {
            check(cx, parameters);
        }
    }
}

const MUTABLE_CALLS: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
    "collections.Counter",
    "collections.ChainMap",
    "collections.UserDict",
    "collections.UserList",
];

const READ_ONLY: &[&str] = &[
    "Sequence",
    "Mapping",
    "AbstractSet",
    "Set",
    "Iterable",
    "Collection",
    "Container",
];

pub(crate) fn check(cx: &mut Context, parameters: &ast::Parameters) {
    for parameter in parameters.iter_non_variadic_params() {
        let Some(default) = parameter.default.as_deref() else {
            continue;
        };
        if !is_mutable(cx.semantic(), default) {
            continue;
        }
        if let Some(annotation) = &parameter.parameter.annotation
            && is_read_only(cx.semantic(), annotation)
        {
            continue;
        }
        let message = format!(
            "mutable default for parameter `{}` is created once and shared by every call: default to `None` and create it in the body",
            parameter.parameter.name
        );
        cx.report(Rule::MutableDefaultArgument, default.range(), message);
    }
}

fn is_mutable(semantic: &SemanticModel, expr: &Expr) -> bool {
    match expr {
        Expr::List(_)
        | Expr::Dict(_)
        | Expr::Set(_)
        | Expr::ListComp(_)
        | Expr::DictComp(_)
        | Expr::SetComp(_) => true,
        Expr::Call(call) => semantic
            .resolve_qualified_name(&call.func)
            .is_some_and(|n| n.is_any(MUTABLE_CALLS)),
        // `items=(seen := [])`: the default is still that one list.
        Expr::Named(named) => is_mutable(semantic, &named.value),
        _ => false,
    }
}

/// `Sequence[str]`, `Optional[Mapping[str, int]]`, `Iterable | None`: the
/// signature promises not to mutate the argument.
fn is_read_only(semantic: &SemanticModel, annotation: &Expr) -> bool {
    if let Expr::StringLiteral(string) = annotation {
        // Not parsed: any read-only name in it is enough to stay silent.
        let text = string.value.to_str();
        return READ_ONLY.iter().any(|name| {
            text.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == *name)
        });
    }
    let types = annotation_types(semantic, annotation);
    !types.is_empty()
        && types.iter().all(|ty| {
            type_name(semantic, ty).is_some_and(|name| {
                let module = name.parent().unwrap_or("");
                matches!(module, "typing" | "typing_extensions" | "collections.abc")
                    && READ_ONLY.contains(&name.member())
                    && !(module != "collections.abc" && name.member() == "Set")
            })
        })
}

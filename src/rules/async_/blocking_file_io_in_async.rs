//! PF104: blocking file I/O inside `async def`.

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::known::{BLOCKING_FILE_CALLS, PATH_IO_METHODS, PATH_TYPES};
use crate::semantic::model::BindingKind;
use crate::semantic::{QualifiedName, ScopeKind, SemanticModel};

pub struct BlockingFileIoInAsync;

impl<'a> Check<'a> for BlockingFileIoInAsync {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx) {
            match callee.name(cx) {
                Some(name) => check(cx, call, name),
                None => check_method(cx, call),
            }
        }
    }
}

const HELP: &str = "use `aiofiles`/`anyio.Path`, or `await asyncio.to_thread(...)`";

pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is_any(BLOCKING_FILE_CALLS) {
        let what = callee
            .as_str()
            .strip_prefix("builtins.")
            .unwrap_or(callee.as_str())
            .to_string();
        super::report_blocking(cx, Rule::BlockingFileIoInAsync, call, &what, HELP);
    }
}

/// `Path(p).read_text()`, or `p.read_text()` where `p = Path(...)` in this
/// or an enclosing function.
pub(crate) fn check_method(cx: &mut Context, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if !PATH_IO_METHODS.contains(&attr.attr.as_str()) {
        return;
    }
    let is_path = match &*attr.value {
        Expr::Call(receiver) => is_path_call(cx.semantic(), receiver),
        Expr::Name(name) => bound_to_path_in_function(cx.semantic(), name.id.as_str()),
        _ => false,
    };
    if is_path {
        let what = format!("Path.{}", attr.attr);
        super::report_blocking(cx, Rule::BlockingFileIoInAsync, call, &what, HELP);
    }
}

fn is_path_call(semantic: &SemanticModel, call: &ast::ExprCall) -> bool {
    semantic
        .resolve_qualified_name(&call.func)
        .is_some_and(|n| n.is_any(PATH_TYPES))
}

fn bound_to_path_in_function(semantic: &SemanticModel, name: &str) -> bool {
    let Some(id) = semantic.lookup(name) else {
        return false;
    };
    let binding = semantic.binding(id);
    if !matches!(
        semantic.scope(binding.scope).kind,
        ScopeKind::Function(_) | ScopeKind::Lambda(_)
    ) {
        return false;
    }
    let value = match binding.kind {
        BindingKind::Assignment(value) | BindingKind::Annotated { value, .. } => value,
        _ => None,
    };
    matches!(value, Some(Expr::Call(call)) if is_path_call(semantic, call))
}

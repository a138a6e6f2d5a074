//! PF205: a lambda or a nested function handed to a process (or process
//! pool) as the code to run there: it is pickled by name, and has none.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::model::{BindingKind, MODULE_SCOPE};
use crate::semantic::{QualifiedName, SemanticModel};

pub struct UnpicklableProcessTarget;

impl<'a> Check<'a> for UnpicklableProcessTarget {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        match callee.name(cx) {
            Some(name) => check(cx, call, name),
            None => check_method(cx, call),
        }
    }
}

const PROCESSES: &[&str] = &[
    "multiprocessing.Process",
    "multiprocessing.process.BaseProcess",
];
const POOLS: &[&str] = &["multiprocessing.Pool", "multiprocessing.pool.Pool"];
const EXECUTORS: &[&str] = &[
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
];
const POOL_METHODS: &[&str] = &[
    "map",
    "imap",
    "imap_unordered",
    "starmap",
    "apply",
    "apply_async",
    "map_async",
];

/// A constructor call: `Process(target=...)`, `Pool(initializer=...)`.
pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, name: &QualifiedName) {
    let argument = |position: usize, keyword: &str| {
        call.arguments
            .find_keyword(keyword)
            .map(|k| &k.value)
            .or_else(|| call.arguments.args.get(position))
    };
    let (callable, role) = if name.is_any(PROCESSES) {
        (argument(1, "target"), "`target=`")
    } else if name.is_any(POOLS) {
        (argument(1, "initializer"), "the `initializer`")
    } else if name.is_any(EXECUTORS) {
        (argument(2, "initializer"), "the `initializer`")
    } else {
        return;
    };
    if let Some(callable) = callable {
        report(cx, callable, role, name.as_str());
    }
}

/// `pool.map(f, ...)`, `executor.submit(f, ...)` on a name bound to a pool.
pub(crate) fn check_method(cx: &mut Context, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    let Expr::Name(receiver) = &*attr.value else {
        return;
    };
    let method = attr.attr.as_str();
    if !(POOL_METHODS.contains(&method) || matches!(method, "submit" | "map")) {
        return;
    }
    let semantic = cx.semantic();
    let Some(Expr::Call(value)) = semantic.bound_value(receiver.id.as_str()) else {
        return;
    };
    let Some(pool) = semantic.resolve_qualified_name(&value.func) else {
        return;
    };
    let applies = (pool.is_any(POOLS) && POOL_METHODS.contains(&method))
        || (pool.is_any(EXECUTORS) && matches!(method, "submit" | "map"));
    if !applies {
        return;
    }
    let callable = call
        .arguments
        .args
        .first()
        .or_else(|| call.arguments.find_keyword("func").map(|k| &k.value));
    if let Some(callable) = callable {
        let owner = if pool.is_any(POOLS) {
            "Pool"
        } else {
            "ProcessPoolExecutor"
        };
        report(cx, callable, "the callable", &format!("{owner}.{method}"));
    }
}

fn report(cx: &mut Context, callable: &Expr, role: &str, to: &str) {
    let Some(what) = unpicklable(cx.semantic(), callable) else {
        return;
    };
    cx.report(
        Rule::UnpicklableProcessTarget,
        callable.range(),
        format!(
            "{what} passed as {role} to `{to}` cannot be pickled to the child process; use a module-level function"
        ),
    );
}

/// "a lambda", "`inner`, a nested function": callables pickle cannot send.
fn unpicklable(semantic: &SemanticModel, callable: &Expr) -> Option<String> {
    match callable {
        Expr::Lambda(_) => Some("a lambda".to_string()),
        Expr::Name(name) => {
            let binding = semantic.binding(semantic.lookup(name.id.as_str())?);
            match binding.kind {
                BindingKind::FunctionDef(_) if binding.scope != MODULE_SCOPE => {
                    let owner = semantic.scope_qualname(binding.scope);
                    let owner = owner.rsplit('.').next().unwrap_or(&owner).to_string();
                    Some(format!("`{}`, a function nested in `{owner}`,", name.id))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

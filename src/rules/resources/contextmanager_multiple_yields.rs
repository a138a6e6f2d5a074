//! PF403: a `@contextmanager` generator that can yield twice.

use crate::ast;
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;

pub struct ContextmanagerMultipleYields;

impl<'a> Check<'a> for ContextmanagerMultipleYields {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, def);
        }
    }
}

pub(crate) fn check(cx: &mut Context, def: &ast::StmtFunctionDef) {
    let Some(flow) = super::contextmanager_flow(cx, def) else {
        return;
    };
    for range in flow.repeated {
        cx.report(
            Rule::ContextmanagerMultipleYields,
            range,
            format!(
                "`{}` can reach this `yield` after it has already yielded; a context manager must yield exactly once (\"generator didn't stop\")",
                def.name
            ),
        );
    }
}

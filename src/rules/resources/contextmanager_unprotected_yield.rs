//! PF402: a `@contextmanager` whose teardown is skipped when the `with`
//! body raises.

use crate::ast;
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;

pub struct ContextmanagerUnprotectedYield;

impl<'a> Check<'a> for ContextmanagerUnprotectedYield {
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
    for range in flow.unprotected {
        cx.report(
            Rule::ContextmanagerUnprotectedYield,
            range,
            format!(
                "the teardown after this `yield` in `{}` does not run when the `with` body raises; wrap the `yield` in `try`/`finally`",
                def.name
            ),
        );
    }
}

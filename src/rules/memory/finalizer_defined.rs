//! PF603: a class defining `__del__`.

use ruff_text_size::Ranged;

use crate::ast;
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::ScopeKind;

pub struct FinalizerDefined;

impl<'a> Check<'a> for FinalizerDefined {
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
    if def.name.as_str() != "__del__" {
        return;
    }
    let semantic = cx.semantic();
    let ScopeKind::Class(class) = semantic.scope(semantic.current_scope_id()).kind else {
        return;
    };
    let message = format!(
        "`{}.__del__` is a finalizer: it runs late or never for objects in reference cycles and can resurrect them; use a context manager or `weakref.finalize`",
        class.name
    );
    cx.report(Rule::FinalizerDefined, def.name.range(), message);
}

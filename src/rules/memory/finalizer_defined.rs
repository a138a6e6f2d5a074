//! PF603: a class defining `__del__`.

use ruff_text_size::Ranged;

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::ScopeKind;

pub const META: RuleMeta = RuleMeta {
    code: "PF603",
    name: "finalizer-defined",
    default_on: false,
    fix: FixAvailability::None,
    summary: "a class defines `__del__`",
    doc: include_str!("../../../rules/PF603.md"),
};

pub(crate) fn check(cx: &mut Checker, def: &ast::StmtFunctionDef) {
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

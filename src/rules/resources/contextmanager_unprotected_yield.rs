//! PF402: a `@contextmanager` whose teardown is skipped when the `with`
//! body raises.

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PF402",
    name: "contextmanager-unprotected-yield",
    default_on: true,
    fix: FixAvailability::None,
    summary: "a `@contextmanager` yield not protected by `try`/`finally`, so teardown is skipped on error",
    doc: include_str!("../../../rules/PF402.md"),
};

pub(crate) fn check(cx: &mut Checker, def: &ast::StmtFunctionDef) {
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

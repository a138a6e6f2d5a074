//! PF403: a `@contextmanager` generator that can yield twice.

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PF403",
    name: "contextmanager-multiple-yields",
    default_on: true,
    fix: FixAvailability::None,
    summary: "a `@contextmanager` generator that can yield more than once",
    doc: include_str!("../../../rules/PF403.md"),
};

pub(crate) fn check(cx: &mut Checker, def: &ast::StmtFunctionDef) {
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

//! PF101: `time.sleep` inside `async def`.

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::QualifiedName;

pub const META: RuleMeta = RuleMeta {
    code: "PF101",
    name: "blocking-sleep-in-async",
    default_on: true,
    fix: FixAvailability::None,
    summary: "`time.sleep` called inside an async function",
    doc: include_str!("../../../rules/PF101.md"),
};

pub(crate) fn check(cx: &mut Checker, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is("time.sleep") {
        super::report_blocking(
            cx,
            Rule::BlockingSleepInAsync,
            call,
            "time.sleep",
            "use `await asyncio.sleep(...)`",
        );
    }
}

//! PF106: a call the user listed in `blocking-calls` inside `async def`.

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::QualifiedName;

pub const META: RuleMeta = RuleMeta {
    code: "PF106",
    name: "blocking-call-in-async",
    default_on: true,
    fix: FixAvailability::None,
    summary: "a call listed in `blocking-calls` inside an async function",
    doc: include_str!("../../../rules/PF106.md"),
};

pub(crate) fn check(cx: &mut Checker, call: &ast::ExprCall, callee: &QualifiedName) {
    if cx
        .settings
        .blocking_calls
        .iter()
        .any(|listed| callee.is(listed.trim()))
    {
        super::report_blocking(
            cx,
            Rule::BlockingCallInAsync,
            call,
            callee.as_str(),
            "listed in `blocking-calls`: run it in a thread (`await asyncio.to_thread(...)`) or use an async equivalent",
        );
    }
}

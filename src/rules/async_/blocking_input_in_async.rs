//! PF105: `input()` inside `async def`.

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::QualifiedName;

pub const META: RuleMeta = RuleMeta {
    code: "PF105",
    name: "blocking-input-in-async",
    default_on: true,
    fix: FixAvailability::None,
    summary: "`input()` called inside an async function",
    doc: include_str!("../../../rules/PF105.md"),
};

pub(crate) fn check(cx: &mut Checker, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is("builtins.input") {
        super::report_blocking(
            cx,
            Rule::BlockingInputInAsync,
            call,
            "input",
            "read stdin with `await asyncio.to_thread(input, ...)`",
        );
    }
}

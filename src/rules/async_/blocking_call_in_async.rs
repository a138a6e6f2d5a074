//! PF106: a call the user listed in `blocking-calls` inside `async def`.

use crate::ast;
use crate::context::Context;
use crate::registry::Rule;
use crate::semantic::QualifiedName;

pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
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

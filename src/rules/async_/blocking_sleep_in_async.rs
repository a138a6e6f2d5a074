//! PF101: `time.sleep` inside `async def`.

use crate::ast;
use crate::context::Context;
use crate::registry::Rule;
use crate::semantic::QualifiedName;

pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
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

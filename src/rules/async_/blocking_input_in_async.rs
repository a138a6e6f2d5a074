//! PF105: `input()` inside `async def`.

use crate::ast;
use crate::context::Context;
use crate::registry::Rule;
use crate::semantic::QualifiedName;

pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
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

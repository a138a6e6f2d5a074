//! PF105: `input()` inside `async def`.

use crate::ast;
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::QualifiedName;

pub struct BlockingInputInAsync;

impl<'a> Check<'a> for BlockingInputInAsync {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx)
            && let Some(name) = callee.name(cx)
        {
            check(cx, call, name);
        }
    }
}

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

//! PF101: `time.sleep` inside `async def`.

use crate::ast;
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::QualifiedName;

pub struct BlockingSleepInAsync;

impl<'a> Check<'a> for BlockingSleepInAsync {
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

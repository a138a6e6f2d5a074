//! PF106: a call the user listed in `blocking-calls` inside `async def`.

use crate::ast;
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::QualifiedName;

pub struct BlockingCallInAsync;

impl<'a> Check<'a> for BlockingCallInAsync {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx)
            && !cx.settings.blocking_calls.is_empty()
            && let Some(name) = callee.name(cx)
        {
            check(cx, call, name);
        }
    }
}

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

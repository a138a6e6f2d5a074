//! PF103: running or waiting for a child process inside `async def`.

use crate::ast;
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::QualifiedName;
use crate::semantic::known::BLOCKING_PROCESS_CALLS;

pub struct BlockingProcessInAsync;

impl<'a> Check<'a> for BlockingProcessInAsync {
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
    if callee.is_any(BLOCKING_PROCESS_CALLS) {
        super::report_blocking(
            cx,
            Rule::BlockingProcessInAsync,
            call,
            callee.as_str(),
            "use `asyncio.create_subprocess_exec`/`create_subprocess_shell`, or `asyncio.to_thread`",
        );
    }
}

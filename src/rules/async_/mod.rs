//! PF1: asyncio.

pub mod blocking_call_in_async;
pub mod blocking_file_io_in_async;
pub mod blocking_input_in_async;
pub mod blocking_network_in_async;
pub mod blocking_process_in_async;
pub mod blocking_sleep_in_async;
pub mod dangling_task;
pub mod nested_event_loop;
pub mod swallowed_cancellation;
pub mod thread_lock_held_across_await;
mod unawaited_callee;
pub mod unawaited_coroutine;
mod unawaited_verdict;
pub mod wrong_with_for_lock;

use ruff_text_size::Ranged;

use crate::ast;
use crate::context::Context;
use crate::registry::Rule;

/// "`time.sleep` blocks the event loop inside `async def handler`".
pub(crate) fn report_blocking(
    cx: &mut Context,
    rule: Rule,
    call: &ast::ExprCall,
    what: &str,
    help: &str,
) {
    let function = cx
        .semantic()
        .current_function()
        .map_or("?", |f| f.name.as_str())
        .to_string();
    let finding = cx.report(
        rule,
        call.range(),
        format!("`{what}` blocks the event loop inside `async def {function}`"),
    );
    finding.labels.push(crate::finding::Label {
        span: finding.span,
        message: help.to_string(),
    });
}

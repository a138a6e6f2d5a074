//! PF102: synchronous network calls inside `async def`.

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::index::Question;
use crate::semantic::known::{BLOCKING_NETWORK_CALLS, SYNC_CLIENT_METHODS, numeric_only};
use crate::semantic::typing::{annotation_types, type_name};
use crate::semantic::values::{self, Decision, ValueKind};
use crate::semantic::{QualifiedName, SemanticModel};
pub struct BlockingNetworkInAsync;

impl<'a> Check<'a> for BlockingNetworkInAsync {
    type State = ();

    fn answer(
        pending: &crate::finding::Pending,
        question: &crate::semantic::index::Question,
        index: &crate::semantic::index::ProjectIndex,
    ) -> Option<crate::finding::Finding> {
        crate::semantic::values::answer_deferred(pending, question, index)
    }

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx) {
            match callee.name(cx) {
                // `session.get(...)` after `from .net import session`: the
                // name resolves, to a module-level value of another file.
                Some(name)
                    if !name.is_any(BLOCKING_NETWORK_CALLS) && imported_receiver(cx, call) =>
                {
                    check_method(cx, call)
                }
                Some(name) => check(cx, call, name),
                None => check_method(cx, call),
            }
        }
    }
}

/// Constructors of synchronous HTTP clients.
const SYNC_CLIENTS: &[&str] = &[
    "httpx.Client",
    "requests.Session",
    "requests.sessions.Session",
    "requests.session",
    "requests.sessions.session",
];

const HELP: &str =
    "use an async client (`httpx.AsyncClient`, `aiohttp`) or `await asyncio.to_thread(...)`";

pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is_any(BLOCKING_NETWORK_CALLS) && !numeric_only(call, callee) {
        super::report_blocking(
            cx,
            Rule::BlockingNetworkInAsync,
            call,
            callee.as_str(),
            HELP,
        );
    }
}

/// `client.get(...)` where `client` is a synchronous client.
pub(crate) fn check_method(cx: &mut Context, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if !SYNC_CLIENT_METHODS.contains(&attr.attr.as_str()) {
        return;
    }
    if let Expr::Name(receiver) = &*attr.value
        && is_sync_client(cx.semantic(), receiver.id.as_str())
    {
        let what = format!("{}.{}", receiver.id, attr.attr);
        super::report_blocking(cx, Rule::BlockingNetworkInAsync, call, &what, HELP);
        return;
    }
    // Any value inferred to be a sync client (`self.session`, `self.api.session`).
    let decision = values::decide(cx.semantic(), &attr.value, ValueKind::SyncClient);
    if decision == Decision::No {
        return;
    }
    let what = cx.locator().text()[ruff_text_size::Ranged::range(attr)].to_string();
    super::report_blocking(cx, Rule::BlockingNetworkInAsync, call, &what, HELP);
    if let Decision::Ask(value) = decision {
        cx.defer_last_finding(Question::new(&values::ValueIs {
            value,
            kind: ValueKind::SyncClient,
        }));
    }
}

/// `name.method(...)` where `name` is imported from a module (`from .net
/// import session`), and `method` is one of a sync client's.
fn imported_receiver(cx: &Context, call: &ast::ExprCall) -> bool {
    let Expr::Attribute(attr) = &*call.func else {
        return false;
    };
    let Expr::Name(receiver) = &*attr.value else {
        return false;
    };
    SYNC_CLIENT_METHODS.contains(&attr.attr.as_str())
        && cx
            .semantic()
            .resolve_name(receiver.id.as_str())
            .is_some_and(|n| n.as_str().contains('.'))
}

fn is_sync_client(semantic: &SemanticModel, name: &str) -> bool {
    if let Some(Expr::Call(value)) = semantic.bound_value(name)
        && semantic
            .resolve_qualified_name(&value.func)
            .is_some_and(|n| n.is_any(SYNC_CLIENTS))
    {
        return true;
    }
    if let Some(annotation) = semantic.bound_annotation(name) {
        let types = annotation_types(semantic, annotation);
        return !types.is_empty()
            && types
                .iter()
                .all(|t| type_name(semantic, t).is_some_and(|n| n.is_any(SYNC_CLIENTS)));
    }
    false
}

//! PF102: synchronous network calls inside `async def`.

use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;
use crate::semantic::typing::{annotation_types, type_name};
use crate::semantic::{QualifiedName, SemanticModel};
pub struct BlockingNetworkInAsync;

impl<'a> Check<'a> for BlockingNetworkInAsync {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx) {
            match callee.name(cx) {
                Some(name) => check(cx, call, name),
                None => check_method(cx, call),
            }
        }
    }
}

const BLOCKING: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.options",
    "requests.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.head",
    "httpx.options",
    "httpx.request",
    "httpx.stream",
    "urllib.request.urlopen",
    "urllib3.request",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "socket.create_connection",
    "socket.getaddrinfo",
    "socket.gethostbyname",
];

/// Constructors of synchronous HTTP clients.
const SYNC_CLIENTS: &[&str] = &[
    "httpx.Client",
    "requests.Session",
    "requests.sessions.Session",
    "requests.session",
    "requests.sessions.session",
];

const CLIENT_METHODS: &[&str] = &[
    "close", "delete", "get", "head", "options", "patch", "post", "put", "request", "send",
    "stream",
];

const HELP: &str =
    "use an async client (`httpx.AsyncClient`, `aiohttp`) or `await asyncio.to_thread(...)`";

pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is_any(BLOCKING) && !numeric_only(call, callee) {
        super::report_blocking(
            cx,
            Rule::BlockingNetworkInAsync,
            call,
            callee.as_str(),
            HELP,
        );
    }
}

/// `socket.getaddrinfo(host, port, ..., flags | AI_NUMERICHOST)`: with a
/// numeric-only flag there is no DNS lookup, nothing blocks (trio tries that
/// first). Any flag argument naming `NUMERIC` counts.
fn numeric_only(call: &ast::ExprCall, callee: &QualifiedName) -> bool {
    if !callee.is("socket.getaddrinfo") {
        return false;
    }
    let flags = call
        .arguments
        .find_keyword("flags")
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.get(5));
    flags.is_some_and(|flags| {
        crate::ast::helpers::any_over_expr(flags, |e| match e {
            Expr::Name(n) => n.id.contains("NUMERIC"),
            Expr::Attribute(a) => a.attr.contains("NUMERIC"),
            _ => false,
        })
    })
}

/// `client.get(...)` where `client` is a synchronous client.
pub(crate) fn check_method(cx: &mut Context, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if !CLIENT_METHODS.contains(&attr.attr.as_str()) {
        return;
    }
    let Expr::Name(receiver) = &*attr.value else {
        return;
    };
    if is_sync_client(cx.semantic(), receiver.id.as_str()) {
        let what = format!("{}.{}", receiver.id, attr.attr);
        super::report_blocking(cx, Rule::BlockingNetworkInAsync, call, &what, HELP);
    }
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

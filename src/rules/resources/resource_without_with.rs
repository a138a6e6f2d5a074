//! PF401: a socket, process, archive or worker pool created outside a
//! `with` item.

use crate::ast::{self, Expr};
use crate::context::{Check, Facts};

use crate::semantic::SemanticModel;

pub struct ResourceWithoutWith;

impl<'a> Check<'a> for ResourceWithoutWith {
    type State = ();
    const FACTS: Facts = Facts::RESOURCES;
}

const OPENERS: &[&str] = &[
    "socket.socket",
    "socket.create_connection",
    "subprocess.Popen",
    "zipfile.ZipFile",
    "tarfile.open",
    "tarfile.TarFile",
    "tarfile.TarFile.taropen",
    "tarfile.TarFile.open",
    "multiprocessing.Pool",
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
];

/// The resource `call` creates (`subprocess.Popen`, `ZipFile.open`), if any.
pub(crate) fn opener(
    semantic: &SemanticModel,
    call: &ast::ExprCall,
    in_comprehension: bool,
) -> Option<&'static str> {
    if let Some(name) = semantic.resolve_qualified_name(&call.func) {
        return OPENERS.iter().find(|o| name.is(o)).copied();
    }
    // A member of an archive: `ZipFile(p).open(name)`, `zf.open(name)`;
    // `TarFile(p).open()` (the classmethod reached through an instance).
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    if attr.attr.as_str() != "open" {
        return None;
    }
    let is = |types: &[&str]| super::is_instance_of(semantic, &attr.value, in_comprehension, types);
    if is(&["zipfile.ZipFile"]) {
        Some("ZipFile.open")
    } else if is(&["tarfile.TarFile", "tarfile.open", "tarfile.TarFile.taropen"]) {
        Some("TarFile.open")
    } else {
        None
    }
}

pub(crate) fn message(what: &str, bound_to: Option<&str>) -> String {
    match bound_to {
        Some(name) => format!(
            "`{name}` holds the `{what}(...)` resource but is not released by a `with` or a `finally`"
        ),
        None => format!("the `{what}(...)` resource is used in place and never released"),
    }
}

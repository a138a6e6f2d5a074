//! PF400: a file opened outside a `with` item.

use crate::ast::{self, Expr};
use crate::context::{Check, Facts};

use crate::semantic::SemanticModel;
use crate::semantic::known::{FILE_OPENERS, PATH_TYPES};

pub struct OpenWithoutWith;

impl<'a> Check<'a> for OpenWithoutWith {
    type State = ();
    const FACTS: Facts = Facts::RESOURCES;
}

/// The opener `call` stands for (`open`, `gzip.open`, `Path.open`), if any.
pub(crate) fn opener(
    semantic: &SemanticModel,
    call: &ast::ExprCall,
    in_comprehension: bool,
) -> Option<&'static str> {
    if let Some(name) = semantic.resolve_qualified_name(&call.func) {
        let name = FILE_OPENERS.iter().find(|o| name.is(o))?;
        return Some(name.strip_prefix("builtins.").unwrap_or(name));
    }
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    (attr.attr.as_str() == "open"
        && super::is_instance_of(semantic, &attr.value, in_comprehension, PATH_TYPES))
    .then_some("Path.open")
}

pub(crate) fn message(what: &str, bound_to: Option<&str>) -> String {
    match bound_to {
        Some(name) => format!(
            "`{name}` holds the file from `{what}(...)` but is not closed by a `with` or a `finally`"
        ),
        None => format!("the file from `{what}(...)` is used in place and never closed"),
    }
}

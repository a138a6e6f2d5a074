//! PF7: classes and metaclasses.

pub mod metaclass_for_registration;
pub mod metaclass_new_without_return;

use crate::ast::{self, Expr};
use crate::semantic::{BindingKind, SemanticModel};

/// The metaclasses a class can derive from to be one.
const METACLASSES: &[&str] = &[
    "builtins.type",
    "abc.ABCMeta",
    "enum.EnumMeta",
    "enum.EnumType",
];

/// A class deriving from `type`, `abc.ABCMeta`, `enum.EnumMeta`/`EnumType`,
/// or from a metaclass defined in this file.
pub(crate) fn is_metaclass(semantic: &SemanticModel, class: &ast::StmtClassDef) -> bool {
    is_metaclass_at_depth(semantic, class, 0)
}

fn is_metaclass_at_depth(semantic: &SemanticModel, class: &ast::StmtClassDef, depth: u32) -> bool {
    if depth > 8 {
        return false;
    }
    class.bases().iter().any(|base| {
        if semantic
            .resolve_qualified_name(base)
            .is_some_and(|n| n.is_any(METACLASSES))
        {
            return true;
        }
        let Expr::Name(name) = base else { return false };
        let Some(id) = semantic.lookup(name.id.as_str()) else {
            return false;
        };
        match semantic.binding(id).kind {
            BindingKind::ClassDef(parent) if !std::ptr::eq(parent, class) => {
                is_metaclass_at_depth(semantic, parent, depth + 1)
            }
            _ => false,
        }
    })
}

/// The methods defined directly in a class body.
pub(crate) fn methods(class: &ast::StmtClassDef) -> impl Iterator<Item = &ast::StmtFunctionDef> {
    class.body.iter().filter_map(|stmt| match stmt {
        ast::Stmt::FunctionDef(def) => Some(def),
        _ => None,
    })
}

//! PF602's vocabulary: which methods and builtins add to, remove from or
//! only read a container; which values are growable containers; which
//! functions are registration hooks (their adds are the point).

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::rules::classes::is_metaclass;
use crate::semantic::SemanticModel;

pub(super) const ADDS: &[&str] = &["append", "add", "update", "setdefault", "extend", "insert"];

pub(super) const REMOVES: &[&str] = &[
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
];

/// Methods that only read.
pub(super) const READS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "copy",
    "count",
    "index",
    "issubset",
    "issuperset",
    "isdisjoint",
    "union",
    "intersection",
    "difference",
    "__contains__",
    "__len__",
];

/// Builtins that read their argument without keeping it.
pub(super) const READING_BUILTINS: &[&str] = &[
    "len",
    "list",
    "tuple",
    "set",
    "frozenset",
    "sorted",
    "dict",
    "any",
    "all",
    "sum",
    "min",
    "max",
    "enumerate",
    "bool",
    "repr",
    "str",
];

/// A dict/list/set display or comprehension, or `dict()`, `list()`, `set()`,
/// `collections.defaultdict(...)`/`OrderedDict(...)`/`Counter(...)`.
pub(super) fn is_growable_container(semantic: &SemanticModel, value: &Expr) -> bool {
    match value {
        Expr::Dict(_)
        | Expr::List(_)
        | Expr::Set(_)
        | Expr::DictComp(_)
        | Expr::ListComp(_)
        | Expr::SetComp(_) => true,
        Expr::Call(call) => semantic
            .resolve_qualified_name(&call.func)
            .is_some_and(|n| {
                n.is_any(&[
                    "builtins.dict",
                    "builtins.list",
                    "builtins.set",
                    "collections.defaultdict",
                    "collections.OrderedDict",
                    "collections.Counter",
                ])
            }),
        _ => false,
    }
}

/// A function that returns one of its own parameters (a registration
/// decorator: `def register(f): REGISTRY[f.__name__] = f; return f`), or a
/// class-creation hook (`__init_subclass__`, a metaclass's `__new__`).
pub(super) fn is_registration(semantic: &SemanticModel, def: &ast::StmtFunctionDef) -> bool {
    match def.name.as_str() {
        "__init_subclass__" | "__set_name__" => return true,
        "__new__" | "__init__"
            if semantic
                .enclosing_class()
                .is_some_and(|class| is_metaclass(semantic, class)) =>
        {
            return true;
        }
        _ => {}
    }
    let parameters: Vec<&str> = def
        .parameters
        .iter_non_variadic_params()
        .map(|p| p.parameter.name.as_str())
        .collect();
    let mut finder = ReturnsParameter {
        parameters: &parameters,
        found: false,
    };
    finder.visit_body(&def.body);
    finder.found
}

struct ReturnsParameter<'p> {
    parameters: &'p [&'p str],
    found: bool,
}

impl<'a> Visitor<'a> for ReturnsParameter<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                if let Expr::Name(name) = &**value
                    && self.parameters.contains(&name.id.as_str())
                {
                    self.found = true;
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }
}

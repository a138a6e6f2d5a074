//! PF600: `functools.lru_cache`/`cache` on an instance method.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::model::BindingKind;
use crate::semantic::{ScopeKind, SemanticModel};

pub struct CacheOnMethod;

impl<'a> Check<'a> for CacheOnMethod {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, def);
        }
    }
}

const ENUMS: &[&str] = &[
    "enum.Enum",
    "enum.IntEnum",
    "enum.StrEnum",
    "enum.Flag",
    "enum.IntFlag",
    "enum.ReprEnum",
];

pub(crate) fn check(cx: &mut Context, def: &ast::StmtFunctionDef) {
    let semantic = cx.semantic();
    let ScopeKind::Class(class) = semantic.scope(semantic.current_scope_id()).kind else {
        return;
    };
    // Implicitly static or class methods: no instance is cached.
    if matches!(
        def.name.as_str(),
        "__new__" | "__init_subclass__" | "__class_getitem__"
    ) {
        return;
    }
    let mut caches = Vec::new();
    let mut outer_unknown = false;
    for decorator in &def.decorator_list {
        let callee = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        match semantic.resolve_qualified_name(callee) {
            Some(name) if name.is_any(&["builtins.staticmethod", "builtins.classmethod"]) => return,
            Some(name) if name.is_any(&["functools.lru_cache", "functools.cache"]) => {
                if outer_unknown {
                    // `@classproperty` over the cache: what it is bound to
                    // is not known.
                    return;
                }
                let bound = if name.is_any(&["functools.cache"]) {
                    CacheBound::Unbounded
                } else {
                    lru_cache_bound(&decorator.expression, cx.locator().text())
                };
                caches.push((decorator.range(), name.to_string(), bound));
            }
            Some(name) if name.is_any(KNOWN_OUTER) => {}
            _ => outer_unknown = true,
        }
    }
    if caches.is_empty() || is_enum_class(semantic, class, 0) {
        return;
    }
    // `def get_lookups(cls)` outside a metaclass is bound to the class by
    // something later (`classmethod(...)`, a descriptor): not an instance.
    let first = def.parameters.iter_non_variadic_params().next();
    if first.is_some_and(|p| p.parameter.name.as_str() == "cls") && !is_metaclass(semantic, class) {
        return;
    }
    for (range, name, bound) in caches {
        let message = match bound {
            CacheBound::Unbounded => format!(
                "`{name}` on method `{}.{}` keeps every `self` it sees alive in an unbounded cache: instances are never garbage-collected",
                class.name, def.name
            ),
            CacheBound::Max(max) => format!(
                "`{name}` on method `{}.{}` keeps `self` alive in one cache shared by every instance: up to {max} instances outlive their last use",
                class.name, def.name
            ),
        };
        cx.report(Rule::CacheOnMethod, range, message);
    }
}

enum CacheBound {
    Unbounded,
    /// The `maxsize` as written (`128` when left out).
    Max(String),
}

/// `lru_cache`, `lru_cache()`, `lru_cache(64)`, `lru_cache(maxsize=None)`,
/// `lru_cache(maxsize=LIMIT)`.
fn lru_cache_bound(decorator: &Expr, source: &str) -> CacheBound {
    let Expr::Call(call) = decorator else {
        return CacheBound::Max("128".to_string());
    };
    let maxsize = call
        .arguments
        .find_keyword("maxsize")
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.first());
    match maxsize {
        None => CacheBound::Max("128".to_string()),
        Some(Expr::NoneLiteral(_)) => CacheBound::Unbounded,
        // `@lru_cache(user_function)` form is not a decorator with
        // arguments; anything else is shown as written.
        Some(Expr::NumberLiteral(n)) => CacheBound::Max(source[n.range()].to_string()),
        Some(value) => CacheBound::Max(format!("`{}`", &source[value.range()])),
    }
}

/// Decorators that may sit above the cache without changing what `self` is.
const KNOWN_OUTER: &[&str] = &[
    "builtins.property",
    "abc.abstractmethod",
    "typing.override",
    "typing_extensions.override",
];

fn is_metaclass(semantic: &SemanticModel, class: &ast::StmtClassDef) -> bool {
    class.bases().iter().any(|base| {
        semantic.resolve_qualified_name(base).is_some_and(|n| {
            n.is_any(&[
                "builtins.type",
                "abc.ABCMeta",
                "enum.EnumMeta",
                "enum.EnumType",
            ])
        })
    })
}

/// Enum members are singletons: caching on them leaks nothing.
fn is_enum_class(semantic: &SemanticModel, class: &ast::StmtClassDef, depth: u32) -> bool {
    if depth > 8 {
        return false;
    }
    class.bases().iter().any(|base| {
        if semantic
            .resolve_qualified_name(base)
            .is_some_and(|n| n.is_any(ENUMS))
        {
            return true;
        }
        // An enum base class defined in this file.
        let Expr::Name(name) = base else { return false };
        let Some(id) = semantic.lookup(name.id.as_str()) else {
            return false;
        };
        match semantic.binding(id).kind {
            BindingKind::ClassDef(parent) => is_enum_class(semantic, parent, depth + 1),
            _ => false,
        }
    })
}

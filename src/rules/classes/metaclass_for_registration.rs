//! PF700: a metaclass whose only job is recording each new class.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::rules::classes::{is_metaclass, methods};
use crate::semantic::SemanticModel;

pub struct MetaclassForRegistration;

impl<'a> Check<'a> for MetaclassForRegistration {
    type State = ();
    const STMTS: u64 = kinds::stmt::CLASS_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::ClassDef(class) = stmt {
            check(cx, class);
        }
    }
}

pub(crate) fn check(cx: &mut Context, class: &ast::StmtClassDef) {
    let semantic = cx.semantic();
    if !is_metaclass(semantic, class) {
        return;
    }
    // Anything besides a docstring, plain class attributes, `__new__` and
    // `__init__` is metaclass work `__init_subclass__` cannot take over.
    let only_creation_hooks = class.body.iter().all(|stmt| match stmt {
        Stmt::FunctionDef(def) => {
            matches!(def.name.as_str(), "__new__" | "__init__") && def.decorator_list.is_empty()
        }
        Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::Pass(_) => true,
        Stmt::Expr(e) => e.value.is_string_literal_expr(),
        _ => false,
    });
    if !only_creation_hooks {
        return;
    }
    let mut containers = Vec::new();
    for def in methods(class) {
        match registration_only(semantic, class, def) {
            Some(mut recorded) => containers.append(&mut recorded),
            None => return,
        }
    }
    let Some(container) = containers.first() else {
        return;
    };
    let message = format!(
        "metaclass `{}` only records each new class in `{container}`: `__init_subclass__` on a base class does this without a metaclass (and without metaclass conflicts)",
        class.name
    );
    cx.report(Rule::MetaclassForRegistration, class.name.range(), message);
}

/// For a `__new__`/`__init__` that only calls super and records the new
/// class, the containers it records into; `None` if it does anything else.
fn registration_only(
    semantic: &SemanticModel,
    class: &ast::StmtClassDef,
    def: &ast::StmtFunctionDef,
) -> Option<Vec<String>> {
    let is_new = def.name.as_str() == "__new__";
    let mut new_class: Option<&str> = if is_new {
        None
    } else {
        // In `__init__`, the first parameter is the new class.
        Some(first_parameter(def)?)
    };
    let mut called_super = false;
    let mut returned = false;
    let mut containers = Vec::new();
    for (i, stmt) in def.body.iter().enumerate() {
        if returned {
            return None;
        }
        match stmt {
            Stmt::Expr(e) if i == 0 && e.value.is_string_literal_expr() => {}
            Stmt::Pass(_) => {}
            Stmt::Assign(assign) if is_new && new_class.is_none() => {
                let [Expr::Name(target)] = &assign.targets[..] else {
                    return None;
                };
                if !is_super_call(semantic, class, &assign.value, "__new__") {
                    return None;
                }
                new_class = Some(target.id.as_str());
                called_super = true;
            }
            Stmt::Expr(e) if !is_new && is_super_call(semantic, class, &e.value, "__init__") => {
                called_super = true;
            }
            Stmt::Return(ret) if is_new => {
                let (Some(Expr::Name(value)), Some(new_class)) = (ret.value.as_deref(), new_class)
                else {
                    return None;
                };
                if value.id.as_str() != new_class {
                    return None;
                }
                returned = true;
            }
            Stmt::Return(ret) if !is_new && ret.value.is_none() => returned = true,
            other => {
                let new_class = new_class?;
                records(other, new_class, &mut containers)?;
            }
        }
    }
    if !called_super || (is_new && !returned) {
        return None;
    }
    Some(containers)
}

/// A statement that records `new_class` in a container, or an `if` whose
/// branches only do that. Pushes the containers' source names.
fn records(stmt: &Stmt, new_class: &str, containers: &mut Vec<String>) -> Option<()> {
    let is_new_class = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == new_class);
    match stmt {
        // `registry[key] = cls`, or the class as the key: `registry[cls] = info`.
        Stmt::Assign(assign) => {
            let [Expr::Subscript(target)] = &assign.targets[..] else {
                return None;
            };
            if !is_new_class(&assign.value) && !is_new_class(&target.slice) {
                return None;
            }
            containers.push(container_name(&target.value)?);
            Some(())
        }
        // `registry.append(cls)`, `.add(cls)`, `.setdefault(key, cls)`
        Stmt::Expr(e) => {
            let Expr::Call(call) = &*e.value else {
                return None;
            };
            let Expr::Attribute(method) = &*call.func else {
                return None;
            };
            let value = match (method.attr.as_str(), &call.arguments.args[..]) {
                ("append" | "add", [value]) => value,
                ("setdefault", [_, value]) => value,
                _ => return None,
            };
            if !call.arguments.keywords.is_empty() || !is_new_class(value) {
                return None;
            }
            containers.push(container_name(&method.value)?);
            Some(())
        }
        Stmt::If(s) => {
            for body in
                std::iter::once(&s.body[..]).chain(s.elif_else_clauses.iter().map(|c| &c.body[..]))
            {
                for stmt in body {
                    records(stmt, new_class, containers)?;
                }
            }
            Some(())
        }
        _ => None,
    }
}

/// `registry`, `mcs.registry`, `cls._plugins` — a name or attribute chain.
fn container_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(format!("{}.{}", container_name(&a.value)?, a.attr)),
        _ => None,
    }
}

fn first_parameter(def: &ast::StmtFunctionDef) -> Option<&str> {
    def.parameters
        .posonlyargs
        .iter()
        .chain(&def.parameters.args)
        .next()
        .map(|p| p.parameter.name.as_str())
}

/// `super().__new__(...)`, `super(Meta, mcs).__new__(...)`,
/// `type.__new__(...)` or `<a base>.__new__(...)` (likewise `__init__`).
fn is_super_call(
    semantic: &SemanticModel,
    class: &ast::StmtClassDef,
    expr: &Expr,
    method: &str,
) -> bool {
    let Expr::Call(call) = expr else { return false };
    let Expr::Attribute(attr) = &*call.func else {
        return false;
    };
    if attr.attr.as_str() != method {
        return false;
    }
    match &*attr.value {
        Expr::Call(inner) => semantic
            .resolve_qualified_name(&inner.func)
            .is_some_and(|n| n.is("builtins.super")),
        base => {
            let text = container_name(base);
            text.is_some() && class.bases().iter().any(|b| container_name(b) == text)
        }
    }
}

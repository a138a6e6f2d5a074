//! How a lock or a callee is named in the lock events: the lock an
//! expression stands for, the in-project function a call may reach, and the
//! receivers a lock is taken through.

use ruff_text_size::Ranged;

use crate::ast::{self, Expr};
use crate::context::Context;
use crate::semantic::index::{Callee, LockName};
use crate::semantic::locks::{inherited_attribute, receiver_class};
use crate::semantic::model::{BindingKind, ScopeId};
use crate::semantic::name::Name;
use crate::semantic::values::{Val, library_class, value_of};
use crate::semantic::{QualifiedName, ScopeKind, SemanticModel};
/// The function whose body the walk is in (not a lambda, class or module).
pub(super) fn current_function<'a>(
    semantic: &SemanticModel<'a>,
) -> Option<(ScopeId, &'a ast::StmtFunctionDef)> {
    let scope = semantic.function_scope_id()?;
    match semantic.scope(scope).kind {
        ScopeKind::Function(def) => Some((scope, def)),
        _ => None,
    }
}

/// How the summary names the lock `expr` stands for, if it may be one.
pub(super) fn lock_name(cx: &Context, expr: &Expr) -> Option<LockName> {
    if let Some(lock) = cx.lock_for(expr) {
        return Some(LockName::Known {
            id: lock.id,
            kind: lock.kind,
            scope: lock.scope,
        });
    }
    let semantic = cx.semantic();
    if let Some((class_scope, attr)) = inherited_attribute(semantic, expr) {
        return Some(LockName::Inherited {
            class: semantic.scope_qualname(class_scope),
            attr: attr.to_string(),
        });
    }
    if matches!(expr, Expr::Call(_)) {
        return value_lock_name(cx, expr);
    }
    if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
        return None;
    }
    if let Some(name) = semantic.resolve_qualified_name(expr) {
        return (!name.as_str().starts_with("builtins."))
            .then(|| LockName::Imported(name.to_string()));
    }
    // Any other value the project may say is a lock (RULES.md "Lock
    // identity"): `self.ledger.lock`, `acct.lock`, `get_lock()`.
    value_lock_name(cx, expr)
}

/// `self.ledger.lock`, `acct.lock` (`acct: Account`), `make_lock()`: a lock
/// if the project says its value is one.
fn value_lock_name(cx: &Context, expr: &Expr) -> Option<LockName> {
    match expr {
        Expr::Attribute(_) | Expr::Name(_) => {}
        // A factory of one shared lock takes no arguments (`get_lock()`);
        // `lock_for(key)` gives a lock per key, no one identity.
        Expr::Call(call) if call.arguments.is_empty() => {}
        _ => return None,
    }
    let semantic = cx.semantic();
    let value = value_of(semantic, semantic.current_scope_id(), expr)?;
    // A library value is a lock (decided in the file) or not one; an
    // instance of a class (`self`, `x: Client`) is not a lock attribute.
    if library_class(&value).is_some() || matches!(value, Val::Instance(_)) {
        return None;
    }
    let receiver = match expr {
        Expr::Attribute(attr) => one_object(cx, &attr.value),
        _ => None,
    };
    Some(LockName::Value {
        value,
        text: cx.locator().text()[expr.range()].to_string(),
        receiver,
    })
}

/// `expr` as written when it names one object for the whole function: a
/// parameter (`self` included) bound once, or an attribute chain on one
/// (`self.ledger`, `acct.owner`). Locals may be aliases (`b = a`).
pub(super) fn one_object(cx: &Context, expr: &Expr) -> Option<String> {
    let mut root = expr;
    while let Expr::Attribute(attr) = root {
        root = &attr.value;
    }
    let Expr::Name(name) = root else {
        return None;
    };
    let semantic = cx.semantic();
    let binding = semantic.binding(semantic.lookup(name.id.as_str())?);
    if !matches!(binding.kind, BindingKind::Parameter(_)) || binding.shadowed.is_some() {
        return None;
    }
    Some(cx.locator().text()[expr.range()].to_string())
}

/// `method` called on a receiver whose class the project may say
/// (`self.ledger.record()`, `acct.deposit()`); `receiver` as written is
/// kept only when a lock is held at the call (`held`).
pub(super) fn value_callee(cx: &Context, func: &Expr, held: bool) -> Option<Callee> {
    let Expr::Attribute(attr) = func else {
        return None;
    };
    let semantic = cx.semantic();
    let value = value_of(semantic, semantic.current_scope_id(), &attr.value)?;
    if library_class(&value).is_some() {
        return None;
    }
    Some(Callee::OnValue {
        value,
        method: attr.attr.as_str().into(),
        receiver: if held {
            one_object(cx, &attr.value).map(Name::from)
        } else {
            None
        },
    })
}

/// Does an `if` test compare two receivers to choose an order: `id(a) <
/// id(b)`, `a.number < b.number` (the same attribute of two names)?
pub(super) fn compares_receivers(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return match test {
            Expr::BoolOp(op) => op.values.iter().any(compares_receivers),
            Expr::UnaryOp(op) => compares_receivers(&op.operand),
            _ => false,
        };
    };
    let ordering = compare.ops.iter().all(|op| {
        matches!(
            op,
            ast::CmpOp::Lt | ast::CmpOp::LtE | ast::CmpOp::Gt | ast::CmpOp::GtE
        )
    });
    let [right] = &compare.comparators[..] else {
        return false;
    };
    ordering && same_key(&compare.left, right)
}

/// `id(a)` and `id(b)`, or `a.k` and `b.k`: the same key of two names.
fn same_key(left: &Expr, right: &Expr) -> bool {
    fn key(e: &Expr) -> Option<(&str, &str)> {
        match e {
            Expr::Call(call) => {
                let Expr::Name(f) = &*call.func else {
                    return None;
                };
                let [Expr::Name(arg)] = &call.arguments.args[..] else {
                    return None;
                };
                matches!(f.id.as_str(), "id" | "hash").then(|| (f.id.as_str(), arg.id.as_str()))
            }
            Expr::Attribute(attr) => match &*attr.value {
                Expr::Name(n) => Some((attr.attr.as_str(), n.id.as_str())),
                _ => None,
            },
            _ => None,
        }
    }
    matches!((key(left), key(right)), (Some((k1, n1)), Some((k2, n2))) if k1 == k2 && n1 != n2)
}

/// The in-project function a call (or a callable passed as a thread
/// target) may stand for.
pub(crate) fn callee(semantic: &SemanticModel, func: &Expr) -> Option<Callee> {
    callee_with(semantic, func, |semantic| {
        semantic
            .resolve_qualified_name(func)
            .map(QualifiedName::into_string)
    })
}

/// [`callee`], with the call's qualified name from `resolved` (the walk has
/// it already) when one is needed.
pub(crate) fn callee_with(
    semantic: &SemanticModel,
    func: &Expr,
    resolved: impl FnOnce(&SemanticModel) -> Option<String>,
) -> Option<Callee> {
    match func {
        Expr::Name(name) => {
            let binding = semantic.binding(semantic.lookup(name.id.as_str())?);
            match binding.kind {
                BindingKind::FunctionDef(_) => Some(Callee::Function(
                    semantic
                        .scope_qualname_with(binding.scope, Some(name.id.as_str()))
                        .into(),
                )),
                BindingKind::Import => Some(Callee::Function(resolved(semantic)?.into())),
                _ => None,
            }
        }
        Expr::Attribute(attr) => {
            if let Expr::Name(receiver) = &*attr.value
                && let Some(class_scope) = receiver_class(semantic, receiver.id.as_str())
            {
                return Some(Callee::Method {
                    class: semantic.scope_qualname(class_scope).into(),
                    method: attr.attr.as_str().into(),
                });
            }
            let name = resolved(semantic)?;
            (!name.starts_with("builtins.")).then_some(Callee::Function(name.into()))
        }
        _ => None,
    }
}

/// `callee(semantic, func).is_some()` without building the name; `name` is
/// the call's qualified name when the caller already resolved it.
pub(crate) fn has_callee(
    semantic: &SemanticModel,
    func: &Expr,
    name: Option<&crate::semantic::QualifiedName>,
) -> bool {
    match func {
        Expr::Name(name) => {
            let Some(id) = semantic.lookup(name.id.as_str()) else {
                return false;
            };
            match semantic.binding(id).kind {
                BindingKind::FunctionDef(_) => true,
                BindingKind::Import => semantic.resolve_name(name.id.as_str()).is_some(),
                _ => false,
            }
        }
        Expr::Attribute(attr) => {
            if let Expr::Name(receiver) = &*attr.value
                && receiver_class(semantic, receiver.id.as_str()).is_some()
            {
                return true;
            }
            name.is_some_and(|name| !name.as_str().starts_with("builtins."))
        }
        _ => false,
    }
}

/// `acquire()` with no arguments (or `blocking=True`) waits; a `False`
/// first argument or a timeout gives up instead of deadlocking.
pub(super) fn is_blocking(arguments: &ast::Arguments) -> bool {
    let is_true = |e: &Expr| matches!(e, Expr::BooleanLiteral(b) if b.value);
    arguments.args.iter().all(is_true)
        && arguments
            .keywords
            .iter()
            .all(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "blocking") && is_true(&k.value))
}

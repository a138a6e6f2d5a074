//! The lock events of one file as the walk builds them
//! ([`LockEventsBuilder`], finished into the summary's [`LockEvents`]), and
//! how a lock or a callee is named in them.

use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::ast::{self, Expr};
use crate::context::Context;
use crate::registry::Rule;
use crate::semantic::index::{Callee, FunctionLocks, LockEvents, LockName};
use crate::semantic::locks::{inherited_attribute, receiver_class};
use crate::semantic::model::{BindingKind, ScopeId};
use crate::semantic::values::{Val, library_class, value_of};
use crate::semantic::{ScopeKind, SemanticModel};

/// A `with` item the walk is inside of.
pub(super) struct HeldWith {
    pub(super) with_start: TextSize,
    pub(super) function: ScopeId,
    /// `None`: not a known lock, but it might be one (PF203 stays silent).
    pub(super) lock: Option<u32>,
    /// Held from the end of its item on: the item's own call
    /// (`with self.locked():`) runs before it holds anything.
    pub(super) from: TextSize,
}

#[derive(Default)]
pub struct LockEventsBuilder {
    pub(super) events: LockEvents,
    pub(super) lock_ids: FxHashMap<LockName, u32>,
    pub(super) callee_ids: FxHashMap<Callee, u32>,
    pub(super) functions: FxHashMap<ScopeId, usize>,
    pub(super) withs: Vec<HeldWith>,
    /// Locks taken with `acquire()` and not yet released, in
    /// `manual_function`, each until the end of the branch that took it.
    pub(super) manual: Vec<(u32, TextSize)>,
    /// The branch bodies (of `if`, `try`, loops, `match`, `with`) the walk
    /// is inside of, innermost last, with the statement that owns them.
    pub(super) blocks: Vec<(TextSize, TextRange)>,
    pub(super) manual_function: Option<ScopeId>,
    /// The call an `await` just met awaits (the walk visits it next).
    pub(super) awaited: Option<TextRange>,
    /// A function that called `.acquire()` on something not known to be a
    /// lock: from there on it may hold one.
    pub(super) unknown_acquire: Option<ScopeId>,
    /// The `if` statements the walk is inside of whose test compares two
    /// receivers (`id(a) < id(b)`): the code chooses the lock order there.
    pub(super) ordering: Vec<TextSize>,
}

impl LockEventsBuilder {
    pub(super) fn lock_id(&mut self, name: LockName) -> u32 {
        let next = self.events.locks.len() as u32;
        *self.lock_ids.entry(name).or_insert_with_key(|name| {
            self.events.locks.push(name.clone());
            next
        })
    }

    pub(super) fn callee_id(&mut self, callee: Callee) -> u32 {
        let next = self.events.callees.len() as u32;
        *self.callee_ids.entry(callee).or_insert_with_key(|callee| {
            self.events.callees.push(callee.clone());
            next
        })
    }

    /// Each function's scope and its position in the events.
    pub(crate) fn function_scopes(&self) -> Vec<(ScopeId, usize)> {
        self.functions.iter().map(|(&s, &i)| (s, i)).collect()
    }

    /// The events' record of each function, by position.
    pub(crate) fn function_at(&mut self, i: usize) -> &mut FunctionLocks {
        &mut self.events.functions[i]
    }

    pub(crate) fn function(
        &mut self,
        semantic: &SemanticModel,
        scope: ScopeId,
        line: u32,
    ) -> &mut FunctionLocks {
        let index = *self.functions.entry(scope).or_insert_with(|| {
            self.events.functions.push(FunctionLocks {
                name: semantic.scope_qualname(scope),
                line,
                ..Default::default()
            });
            self.events.functions.len() - 1
        });
        &mut self.events.functions[index]
    }

    /// The known locks held in `function` at `at`, outermost first.
    pub(super) fn held(&mut self, function: ScopeId, at: TextSize) -> Vec<u32> {
        if self.manual_function != Some(function) {
            self.manual.clear();
            self.manual_function = Some(function);
        }
        self.manual.retain(|(_, end)| *end >= at);
        let mut held: Vec<u32> = Vec::new();
        let withs = self
            .withs
            .iter()
            .filter(|w| w.function == function && w.from <= at)
            .filter_map(|w| w.lock);
        for lock in withs.chain(self.manual.iter().map(|(l, _)| *l)) {
            if !held.contains(&lock) {
                held.push(lock);
            }
        }
        held
    }

    /// Might `function` hold a known lock now (cheap, before `held`)?
    pub(super) fn may_hold(&self, function: ScopeId) -> bool {
        self.withs
            .iter()
            .any(|w| w.function == function && w.lock.is_some())
            || (self.manual_function == Some(function) && !self.manual.is_empty())
    }

    /// PF203: might `function` hold any lock here (a `with` of anything, an
    /// `acquire()` on anything)?
    pub(super) fn maybe_holding(&mut self, function: ScopeId, at: TextSize) -> bool {
        self.withs.iter().any(|w| w.function == function)
            || self.unknown_acquire == Some(function)
            || !self.held(function, at).is_empty()
    }

    /// `readers`: the enabled rules that read the lock events.
    pub fn finish(mut self, readers: impl Iterator<Item = Rule>) -> LockEvents {
        self.events.rules = readers.collect();
        self.events
    }
}

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
        method: attr.attr.to_string(),
        receiver: if held {
            one_object(cx, &attr.value)
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
    match func {
        Expr::Name(name) => {
            let binding = semantic.binding(semantic.lookup(name.id.as_str())?);
            match binding.kind {
                BindingKind::FunctionDef(_) => Some(Callee::Function(
                    semantic.scope_qualname_with(binding.scope, Some(name.id.as_str())),
                )),
                BindingKind::Import => {
                    let target = semantic.resolve_name(name.id.as_str())?;
                    Some(Callee::Function(target.into_string()))
                }
                _ => None,
            }
        }
        Expr::Attribute(attr) => {
            if let Expr::Name(receiver) = &*attr.value
                && let Some(class_scope) = receiver_class(semantic, receiver.id.as_str())
            {
                return Some(Callee::Method {
                    class: semantic.scope_qualname(class_scope),
                    method: attr.attr.to_string(),
                });
            }
            let name = semantic.resolve_qualified_name(func)?;
            (!name.as_str().starts_with("builtins.")).then(|| Callee::Function(name.into_string()))
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

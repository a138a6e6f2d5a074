//! The lock events of one file as the walk builds them
//! ([`LockEventsBuilder`], finished into the summary's [`LockEvents`]), and
//! how a lock or a callee is named in them.

use ruff_text_size::{TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::ast::{self, Expr};
use crate::context::Context;
use crate::registry::Rule;
use crate::semantic::index::{Callee, FunctionLocks, LockEvents, LockName};
use crate::semantic::locks::{inherited_attribute, receiver_class};
use crate::semantic::model::{BindingKind, ScopeId};
use crate::semantic::{ScopeKind, SemanticModel};

/// A `with` item the walk is inside of.
pub(super) struct HeldWith {
    pub(super) with_start: TextSize,
    pub(super) function: ScopeId,
    /// `None`: not a known lock, but it might be one (PF203 stays silent).
    pub(super) lock: Option<u32>,
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
            .filter(|w| w.function == function)
            .filter_map(|w| w.lock);
        for lock in withs.chain(self.manual.iter().map(|(l, _)| *l)) {
            if !held.contains(&lock) {
                held.push(lock);
            }
        }
        held
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
    if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
        return None;
    }
    let name = semantic.resolve_qualified_name(expr)?;
    (!name.as_str().starts_with("builtins.")).then(|| LockName::Imported(name.to_string()))
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

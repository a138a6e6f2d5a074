//! What a `with` item holds when it calls an in-project `@contextmanager`
//! generator that takes exactly one lock (`with self.pool.locked():` where
//! `locked` does `with self._lock: yield`): that lock (RULES.md "Lock
//! identity"). PF107 asks it of a `with` item the file cannot decide.

use crate::semantic::facts::{Val, ValueKind};
use crate::semantic::index::{FileSummary, FunctionInfo, LockName, ProjectIndex, Symbol};

impl FunctionInfo {
    /// A generator decorated `@contextlib.contextmanager` (or the async
    /// one): calling it in a `with` item runs it up to its `yield`.
    pub fn is_context_manager(&self) -> bool {
        self.is_generator
            && self.decorators.iter().any(|d| {
                matches!(
                    d.as_deref(),
                    Some("contextlib.contextmanager" | "contextlib.asynccontextmanager")
                )
            })
    }
}

impl ProjectIndex {
    /// Does `value` (a call: `registry_locked()`, `self.pool.locked()`)
    /// run an in-project `@contextmanager` whose one lock is of `kind`?
    /// Unknown anywhere (the function, its lock, the lock's kind) is no.
    pub fn context_manager_holds(&self, value: &Val, kind: ValueKind) -> bool {
        let Some((module, function, qualified)) = self.called_function(value) else {
            return false;
        };
        if !function.is_context_manager() {
            return false;
        }
        let events = &module.lock_events;
        let Some(record) = events.functions.iter().find(|f| f.name == qualified) else {
            return false;
        };
        let [(lock, _)] = record.acquires[..] else {
            return false;
        };
        match events.locks.get(lock as usize) {
            Some(LockName::Known { id, .. }) => module
                .locks
                .iter()
                .find(|l| l.id == *id)
                .is_some_and(|l| match kind {
                    ValueKind::ThreadLock => !l.asyncio,
                    ValueKind::AsyncioLock => l.asyncio,
                    _ => false,
                }),
            Some(LockName::Value { value, .. }) => self.value_is(value, kind),
            _ => false,
        }
    }

    /// The in-project function a call value runs (`make()`, `self.x.m()`),
    /// with its module and qualified name.
    pub(crate) fn called_function(
        &self,
        value: &Val,
    ) -> Option<(&FileSummary, &FunctionInfo, String)> {
        match value {
            Val::Call(name) => match self.resolve(name)? {
                Symbol::Function { module, function } => Some((
                    module,
                    function,
                    format!("{}.{}", module.module, function.name),
                )),
                _ => None,
            },
            Val::MethodCall(base, method) => {
                let class = self.class_of(base)?;
                let (module, function) = self.find_method(&class, method)?;
                Some((module, function, self.method_owner(&class, method)?))
            }
            _ => None,
        }
    }
}

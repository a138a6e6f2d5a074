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
        let Some((module, lock)) = self.context_manager_lock(value) else {
            return false;
        };
        match lock {
            LockName::Known { id, .. } => {
                module
                    .locks
                    .iter()
                    .find(|l| l.id == *id)
                    .is_some_and(|l| match kind {
                        ValueKind::ThreadLock => !l.asyncio,
                        ValueKind::AsyncioLock => l.asyncio,
                        _ => false,
                    })
            }
            LockName::Value { value, .. } => self.value_is(value, kind),
            _ => false,
        }
    }

    /// The one lock the in-project `@contextmanager` generator `value`
    /// calls takes, held around its `yield`, as its file names it, with
    /// that file; `None` when it takes none or several. PF107 and the lock
    /// graph each resolve the name their own way.
    pub(crate) fn context_manager_lock(&self, value: &Val) -> Option<(&FileSummary, &LockName)> {
        let (module, function, qualified) = self.called_function(value)?;
        if !function.is_context_manager() {
            return None;
        }
        let events = &module.lock_events;
        let record = events.functions.iter().find(|f| {
            crate::semantic::functions::is_qualified(&qualified, &module.module, events.name(f))
        })?;
        let [(lock, _)] = record.acquires()[..] else {
            return None;
        };
        Some((module, events.locks.get(lock as usize)?))
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

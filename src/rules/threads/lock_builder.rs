//! The lock events of one file as the walk builds them
//! ([`LockEventsBuilder`], finished into the summary's [`LockEvents`]); how
//! a lock or a callee is named in them is in `lock_naming`.

use ruff_text_size::{TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::registry::Rule;
use crate::semantic::SemanticModel;
use crate::semantic::index::{Callee, FunctionLocks, LockEvents, LockName};
use crate::semantic::lock_graph::strip_module;
use crate::semantic::model::ScopeId;

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
    /// Each function's calls, by its position, until [`Self::finish`]
    /// puts them one after another in the events.
    calls: Vec<Vec<u32>>,
    /// The function [`LockEventsBuilder::function`] gave last (calls come
    /// many in a row from one function).
    last_function: Option<(ScopeId, usize)>,
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

    pub(crate) fn callee_id(&mut self, callee: Callee) -> u32 {
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
        let index = self.function_index(semantic, scope, line);
        &mut self.events.functions[index]
    }

    /// The position of `scope`'s record in the events (made the first
    /// time).
    fn function_index(&mut self, semantic: &SemanticModel, scope: ScopeId, line: u32) -> usize {
        match self.last_function {
            Some((last, index)) if last == scope => index,
            _ => {
                let index = *self.functions.entry(scope).or_insert_with(|| {
                    let qualified = semantic.scope_qualname(scope);
                    let module = semantic.module.name.as_str();
                    self.calls.push(Vec::new());
                    self.events
                        .add_function(strip_module(&qualified, module), line)
                });
                self.last_function = Some((scope, index));
                index
            }
        }
    }

    /// `scope`'s function calls `callee` (recorded once), and its record.
    pub(crate) fn add_call(
        &mut self,
        semantic: &SemanticModel,
        scope: ScopeId,
        line: u32,
        callee: u32,
    ) -> &mut FunctionLocks {
        let index = self.function_index(semantic, scope, line);
        let calls = &mut self.calls[index];
        if !calls.contains(&callee) {
            calls.push(callee);
        }
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

    /// `readers`: the enabled rules that report from the lock graph.
    pub fn finish(mut self, readers: impl Iterator<Item = Rule>) -> LockEvents {
        self.events.rules = readers.collect();
        let total = self.calls.iter().map(Vec::len).sum();
        self.events.calls.reserve_exact(total);
        for (function, calls) in self.events.functions.iter_mut().zip(&self.calls) {
            let start = self.events.calls.len() as u32;
            self.events.calls.extend_from_slice(calls);
            function.calls = (start, self.events.calls.len() as u32);
        }
        self.events
    }
}

pub(crate) use super::lock_naming::{callee, callee_with, has_callee};
pub(super) use super::lock_naming::{
    compares_receivers, current_function, is_blocking, lock_name, value_callee,
};

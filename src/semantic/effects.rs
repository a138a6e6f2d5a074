//! Effects of in-project functions (RULES.md "Effects of in-project
//! functions (transitive)"): per sync function, whether calling it *blocks*
//! (a PF101–PF106 blocking call, directly or through in-project calls) or
//! *runs an event loop* (`asyncio.run`, `run_until_complete`), with the
//! first witness and the chain of calls that reaches it.
//!
//! Each file records, per sync function, its direct witnesses and the calls
//! it makes ([`FunctionEffects`]); the project index follows the calls
//! (through imports, `self.`, inferred receivers and the MRO), memoized and
//! cycle-safe, when a rule asks ([`ProjectIndex::effect`]).

use rustc_hash::FxHashMap;

use crate::semantic::facts::{Callee, Solved, Step};
pub use crate::semantic::facts::{EffectKind, EffectTable, OwnEffects, Target, Witness};
use crate::semantic::index::{FunctionLocks, ProjectIndex};

/// What the index says about a function's effect: the chain of functions
/// from it to the one that makes the witness call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    /// Display names (`save`, `Store.dump`), the called function first.
    pub chain: Vec<String>,
    pub what: String,
    /// Module and line of the witness call.
    pub module: String,
    pub line: u32,
}

/// How long a chain may be.
const MAX_DEPTH: u32 = 16;

impl ProjectIndex {
    fn solved(&self) -> &Solved {
        self.effects_table().solved.get_or_init(|| self.solve())
    }

    /// Every function's effects at once: from the functions that make a
    /// witness call, backwards along the call edges (breadth first: each
    /// function gets its shortest chain; cycles end by themselves).
    fn solve(&self) -> Solved {
        let mut solved = Solved::default();
        for module in self.modules() {
            for (i, f) in module.lock_events.functions.iter().enumerate() {
                if !solved.ids.contains_key(&f.name) {
                    solved
                        .ids
                        .insert(f.name.clone(), solved.functions.len() as u32);
                    solved.functions.push((module.module.clone(), i));
                }
            }
        }
        let n = solved.functions.len();
        // Callers of each function (opaque callers have no effect to pass on).
        let mut callers: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut resolved: FxHashMap<&str, Vec<Option<u32>>> = FxHashMap::default();
        for (id, (module_name, position)) in solved.functions.iter().enumerate() {
            let Some(module) = self.module(module_name) else {
                continue;
            };
            let function = &module.lock_events.functions[*position];
            if function.opaque {
                continue;
            }
            let targets = resolved.entry(module.module.as_str()).or_insert_with(|| {
                module
                    .lock_events
                    .callees
                    .iter()
                    .map(|c| self.callee_id(c, &solved.ids))
                    .collect()
            });
            let by_value = function.effects.iter().flat_map(|e| {
                e.value_calls.iter().map(|(value, method)| {
                    let class = self.class_of(value)?;
                    solved.ids.get(&self.method_owner(&class, method)?).copied()
                })
            });
            let callees = function
                .calls
                .iter()
                .map(|&c| targets.get(c as usize).copied().flatten())
                .chain(by_value);
            for callee in callees.flatten() {
                let list = &mut callers[callee as usize];
                if list.last() != Some(&(id as u32)) {
                    list.push(id as u32);
                }
            }
        }
        for kind in [EffectKind::Blocks, EffectKind::RunsLoop] {
            let mut steps: Vec<Option<Step>> = vec![None; n];
            let mut queue = std::collections::VecDeque::new();
            for (id, (module_name, position)) in solved.functions.iter().enumerate() {
                let Some(module) = self.module(module_name) else {
                    continue;
                };
                let function = &module.lock_events.functions[*position];
                if !function.opaque && self.witness(function, kind).is_some() {
                    steps[id] = Some(Step::Witness);
                    queue.push_back((id as u32, 0));
                }
            }
            while let Some((g, depth)) = queue.pop_front() {
                if depth >= MAX_DEPTH {
                    continue;
                }
                for &f in &callers[g as usize] {
                    if steps[f as usize].is_none() {
                        steps[f as usize] = Some(Step::Through(g));
                        queue.push_back((f, depth + 1));
                    }
                }
            }
            match kind {
                EffectKind::Blocks => solved.blocks = steps,
                EffectKind::RunsLoop => solved.runs_loop = steps,
            }
        }
        solved
    }

    /// The function's own call with this effect.
    fn witness<'a>(&self, function: &'a FunctionLocks, kind: EffectKind) -> Option<&'a Witness> {
        let function = function.effects.as_deref()?;
        match kind {
            EffectKind::Blocks => function.blocks.as_ref().or_else(|| {
                function
                    .maybe_blocks
                    .iter()
                    .find(|(value, of, _)| self.value_is(value, *of))
                    .map(|(_, _, witness)| witness)
            }),
            EffectKind::RunsLoop => function.runs_loop.as_ref(),
        }
    }

    /// The function (by id) a call target stands for.
    fn effect_target(&self, target: &Target, ids: &FxHashMap<String, u32>) -> Option<u32> {
        match target {
            Target::Callee(callee) => self.callee_id(callee, ids),
            Target::OnValue(value, method) => {
                let class = self.class_of(value)?;
                ids.get(&self.method_owner(&class, method)?).copied()
            }
        }
    }

    /// The function (by id) a lock-events callee stands for.
    fn callee_id(&self, callee: &Callee, ids: &FxHashMap<String, u32>) -> Option<u32> {
        let name = match callee {
            Callee::Function(name) => {
                if let Some(&id) = ids.get(name) {
                    return Some(id);
                }
                let canonical = self.canonical(name);
                if let Some(&id) = ids.get(&canonical) {
                    return Some(id);
                }
                // `Class.method` inherited from an in-project base.
                let (class, method) = name.rsplit_once('.')?;
                self.method_owner(class, method)?
            }
            Callee::Method { class, method } => self.method_owner(class, method)?,
            // Named by the lock events only; the effects follow a sync
            // function's calls on inferred receivers through its own
            // `value_calls` (an `async def` has no sync effect).
            Callee::OnValue { .. } => return None,
        };
        ids.get(&name).copied()
    }

    /// Does calling the function `target` stands for have this effect?
    pub fn effect(&self, target: &Target, kind: EffectKind) -> Option<Effect> {
        let solved = self.solved();
        let mut id = self.effect_target(target, &solved.ids)?;
        let steps = match kind {
            EffectKind::Blocks => &solved.blocks,
            EffectKind::RunsLoop => &solved.runs_loop,
        };
        let mut chain = Vec::new();
        for _ in 0..=MAX_DEPTH {
            let (module_name, position) = &solved.functions[id as usize];
            let module = self.module(module_name)?;
            let function = &module.lock_events.functions[*position];
            let display = function
                .name
                .strip_prefix(module_name.as_str())
                .and_then(|n| n.strip_prefix('.'))
                .unwrap_or(&function.name)
                .to_string();
            chain.push(display);
            match steps[id as usize]? {
                Step::Witness => {
                    let witness = self.witness(function, kind)?;
                    return Some(Effect {
                        chain,
                        what: witness.what.clone(),
                        module: module_name.clone(),
                        line: witness.line,
                    });
                }
                Step::Through(next) => id = next,
            }
        }
        None
    }
}

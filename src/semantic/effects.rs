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

use crate::semantic::facts::{Callee, Solved, Step, StepCell, Val};
pub use crate::semantic::facts::{EffectKind, EffectTable, OwnEffects, Target, Witness};
use crate::semantic::functions::FunctionId;
use crate::semantic::index::{FunctionLocks, ProjectIndex};
use crate::semantic::qualified_name::split_member;
use rustc_hash::FxHashMap;

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

/// What one module's functions contribute to the solve: the call edges
/// `(callee, caller)` and the functions that make a witness call
/// themselves, by kind (`[blocks, runs a loop]`), in id order.
#[derive(Default)]
struct ModuleEdges {
    edges: Vec<(u32, u32)>,
    witnesses: Vec<(u32, [bool; 2])>,
}

/// The callers of each function, in one array (opaque callers have no
/// effect to pass on): a list per function took three words each, and an
/// allocation for each function called (all packages: 71,324 functions).
struct Callers {
    /// Where each function's callers start in `callers`, and end.
    spans: Vec<(u32, u32)>,
    callers: Vec<u32>,
}

impl Callers {
    /// From the edges `(callee, caller)`, a caller once per run of the
    /// same edge.
    fn new<'e>(n: usize, edges: impl Iterator<Item = &'e (u32, u32)> + Clone) -> Self {
        let mut spans = vec![(0u32, 0u32); n];
        for &(callee, _) in edges.clone() {
            spans[callee as usize].1 += 1;
        }
        let mut start = 0;
        for span in &mut spans {
            let count = span.1;
            *span = (start, start);
            start += count;
        }
        let mut callers = vec![0u32; start as usize];
        for &(callee, caller) in edges {
            let (first, end) = &mut spans[callee as usize];
            if *end > *first && callers[*end as usize - 1] == caller {
                continue;
            }
            callers[*end as usize] = caller;
            *end += 1;
        }
        Callers { spans, callers }
    }

    fn of(&self, function: u32) -> &[u32] {
        let (start, end) = self.spans[function as usize];
        &self.callers[start as usize..end as usize]
    }
}

const KINDS: [EffectKind; 2] = [EffectKind::Blocks, EffectKind::RunsLoop];

impl ProjectIndex {
    fn solved(&self) -> &Solved {
        self.effects_table().solved.get_or_init(|| self.solve())
    }

    /// Solves every function's effects now (in parallel), before questions
    /// are answered on several threads. Answering solves on first use
    /// otherwise; the solve must not start inside a parallel answer (a
    /// worker waiting in it could pick up another answer that waits for
    /// the same solve).
    pub fn prepare_effects(&self) {
        self.solved();
    }

    /// Every function's effects at once: from the functions that make a
    /// witness call, backwards along the call edges (breadth first: each
    /// function gets its shortest chain; cycles end by themselves). The
    /// calls are resolved module by module in parallel; the walk is serial.
    fn solve(&self) -> Solved {
        use rayon::prelude::*;
        let table = self.function_table();
        let n = table.len();
        let per_module: Vec<ModuleEdges> = table
            .modules()
            .par_iter()
            .map_init(FxHashMap::default, |resolved, (position, ids)| {
                self.module_edges(resolved, *position, ids.clone())
            })
            .collect();
        let callers = Callers::new(n, per_module.iter().flat_map(|m| &m.edges));
        let mut solved = Solved::default();
        for (k, kind) in KINDS.into_iter().enumerate() {
            let mut steps = vec![StepCell::NONE; n];
            let mut queue = std::collections::VecDeque::new();
            let witnesses = per_module.iter().flat_map(|m| &m.witnesses);
            for &(id, _) in witnesses.filter(|(_, has)| has[k]) {
                steps[id as usize] = StepCell::new(Step::Witness);
                queue.push_back((id, 0));
            }
            while let Some((g, depth)) = queue.pop_front() {
                if depth >= MAX_DEPTH {
                    continue;
                }
                for &f in callers.of(g) {
                    if steps[f as usize].get().is_none() {
                        steps[f as usize] = StepCell::new(Step::Through(g));
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

    /// The call edges and witnesses of the functions `ids` of one module.
    /// `resolved` remembers what callees stand for across the modules one
    /// worker handles (many modules call the same functions).
    fn module_edges<'i>(
        &'i self,
        resolved: &mut FxHashMap<&'i Callee, Option<u32>>,
        position: u32,
        ids: std::ops::Range<u32>,
    ) -> ModuleEdges {
        let module = self.summary_at(position);
        // What each of the module's callees stands for, resolved once.
        let mut targets: Option<Vec<Option<u32>>> = None;
        let mut out = ModuleEdges::default();
        for id in ids {
            let Some((_, function)) = self.function(id) else {
                continue;
            };
            if function.opaque {
                continue;
            }
            let has = KINDS.map(|kind| self.witness(function, kind).is_some());
            if has.contains(&true) {
                out.witnesses.push((id, has));
            }
            let targets = targets.get_or_insert_with(|| {
                module
                    .lock_events
                    .callees
                    .iter()
                    .map(|c| *resolved.entry(c).or_insert_with(|| self.callee_id(c)))
                    .collect()
            });
            let events = &module.lock_events;
            let by_value = function.effects.iter().flat_map(|e| {
                e.value_calls.iter().map(|&callee| {
                    let (value, method) = events.value_call(callee)?;
                    self.value_method_id(value, method)
                })
            });
            let callees = module
                .lock_events
                .calls(function)
                .iter()
                .map(|&c| targets.get(c as usize).copied().flatten())
                .chain(by_value);
            for callee in callees.flatten() {
                out.edges.push((callee, id));
            }
        }
        out
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
    fn effect_target(&self, target: &Target) -> Option<u32> {
        match target {
            Target::Callee(callee) => self.callee_id(callee),
            Target::OnValue(value, method) => self.value_method_id(value, method),
        }
    }

    /// The function (by id) `method` called on `value` stands for.
    pub(crate) fn value_method_id(&self, value: &Val, method: &str) -> Option<FunctionId> {
        let class = self.class_of(value)?;
        self.function_id(&self.method_owner(&class, method)?)
    }

    /// The function (by id) a lock-events callee stands for.
    fn callee_id(&self, callee: &Callee) -> Option<u32> {
        let name = match callee {
            Callee::Function(name) => {
                if let Some(id) = self.function_id(name) {
                    return Some(id);
                }
                let canonical = self.canonical(name);
                if let Some(id) = self.function_id(&canonical) {
                    return Some(id);
                }
                // `Class.method` inherited from an in-project base.
                let (class, method) = split_member(name)?;
                self.method_owner(class, method)?
            }
            Callee::Method { class, method } => self.method_owner(class, method)?,
            // Named by the lock events only; the effects follow a sync
            // function's calls on inferred receivers through its own
            // `value_calls` (an `async def` has no sync effect).
            Callee::OnValue { .. } => return None,
        };
        self.function_id(&name)
    }

    /// Does calling the function `target` stands for have this effect?
    pub fn effect(&self, target: &Target, kind: EffectKind) -> Option<Effect> {
        let solved = self.solved();
        let known = self
            .memo()
            .effect_target
            .lock()
            .ok()
            .and_then(|memo| memo.get(target).copied());
        let mut id = match known {
            Some(id) => id,
            None => {
                let id = self.effect_target(target);
                if let Ok(mut memo) = self.memo().effect_target.lock() {
                    memo.insert(target.clone(), id);
                }
                id
            }
        }?;
        let steps = match kind {
            EffectKind::Blocks => &solved.blocks,
            EffectKind::RunsLoop => &solved.runs_loop,
        };
        let mut chain = Vec::new();
        for _ in 0..=MAX_DEPTH {
            let (module, function) = self.function(id)?;
            chain.push(module.lock_events.name(function).to_string());
            match steps.get(id as usize)?.get()? {
                Step::Witness => {
                    let witness = self.witness(function, kind)?;
                    return Some(Effect {
                        chain,
                        what: witness.what.to_string(),
                        module: module.module.clone(),
                        line: witness.line,
                    });
                }
                Step::Through(next) => id = next,
            }
        }
        None
    }
}

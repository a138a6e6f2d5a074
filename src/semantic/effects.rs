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

use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::semantic::index::{Callee, ProjectIndex};
use crate::semantic::values::Val;

/// A function a call may stand for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Target {
    /// A name, `self.m()`, a qualified name (as the lock events name it).
    Callee(Callee),
    /// `m` called on a value whose class the project says: `self.store.save()`.
    OnValue(Val, String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EffectKind {
    Blocks,
    RunsLoop,
}

/// A call that has the effect itself: `open(...)` at a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub what: String,
    pub line: u32,
}

/// One sync function's own effects and calls.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionEffects {
    /// `module.func`, `module.Class.method`, `module.outer.inner`.
    pub name: String,
    /// A generator (calling it runs nothing) or a function with a
    /// decorator not known to keep it as written: no effect.
    pub opaque: bool,
    pub blocks: Option<Witness>,
    /// Blocking method calls on values the index must confirm
    /// (`self.filepath.open()` blocks if `self.filepath` is a `Path`).
    #[serde(default)]
    pub maybe_blocks: Vec<(Val, crate::semantic::values::ValueKind, Witness)>,
    pub runs_loop: Option<Witness>,
    /// The calls it makes in its own body, first per target.
    pub calls: Vec<Target>,
}

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

/// How deep calls are followed.
const MAX_DEPTH: usize = 16;

/// The index's memo of effects (built on first use).
#[derive(Default)]
pub struct EffectTable {
    /// Function name → (module, position in its summary's `effects`).
    functions: std::sync::OnceLock<FxHashMap<String, (String, usize)>>,
    memo: Mutex<FxHashMap<(String, EffectKind), Option<Arc<Effect>>>>,
}

impl ProjectIndex {
    fn effect_functions(&self) -> &FxHashMap<String, (String, usize)> {
        self.effects_table().functions.get_or_init(|| {
            let mut map = FxHashMap::default();
            for module in self.modules() {
                for (i, f) in module.effects.iter().enumerate() {
                    map.entry(f.name.clone())
                        .or_insert_with(|| (module.module.clone(), i));
                }
            }
            map
        })
    }

    /// The function a call target stands for, by its name in the table.
    pub fn effect_target(&self, target: &Target) -> Option<String> {
        let functions = self.effect_functions();
        let found = |name: String| functions.contains_key(&name).then_some(name);
        match target {
            Target::Callee(Callee::Function(name)) => {
                if let Some(name) = found(self.canonical(name)) {
                    return Some(name);
                }
                // `Class.method` inherited from an in-project base.
                let (class, method) = name.rsplit_once('.')?;
                found(self.method_owner(class, method)?)
            }
            Target::Callee(Callee::Method { class, method }) => {
                found(self.method_owner(class, method)?)
            }
            Target::OnValue(value, method) => {
                let class = self.class_of(value)?;
                found(self.method_owner(&class, method)?)
            }
        }
    }

    /// Does calling the function `target` stands for have this effect?
    pub fn effect(&self, target: &Target, kind: EffectKind) -> Option<Arc<Effect>> {
        let name = self.effect_target(target)?;
        let mut walk = Walk {
            visiting: FxHashSet::default(),
            budget: MAX_STEPS,
        };
        self.effect_of(&name, kind, 0, &mut walk).0
    }

    /// The effect of one function, and whether the answer was cut short (a
    /// cycle, the depth or the budget): a cut-short "no" is not memoized.
    fn effect_of(
        &self,
        name: &str,
        kind: EffectKind,
        depth: usize,
        walk: &mut Walk,
    ) -> (Option<Arc<Effect>>, bool) {
        let key = (name.to_string(), kind);
        if let Some(known) = self
            .effects_table()
            .memo
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return (known, false);
        }
        if depth > MAX_DEPTH || walk.budget == 0 || walk.visiting.contains(name) {
            return (None, true);
        }
        walk.budget -= 1;
        let Some((module_name, position)) = self.effect_functions().get(name).cloned() else {
            return (None, false);
        };
        let Some(module) = self.module(&module_name) else {
            return (None, false);
        };
        let function = &module.effects[position];
        let display = name
            .strip_prefix(&module_name)
            .and_then(|n| n.strip_prefix('.'))
            .unwrap_or(name)
            .to_string();
        let confirmed = || {
            function
                .maybe_blocks
                .iter()
                .find(|(value, of, _)| self.value_is(value, *of))
                .map(|(_, _, witness)| witness)
        };
        let direct = match kind {
            EffectKind::Blocks => function.blocks.as_ref().or_else(confirmed),
            EffectKind::RunsLoop => function.runs_loop.as_ref(),
        };
        let mut cut = false;
        let result = if function.opaque {
            None
        } else if let Some(witness) = direct {
            Some(Arc::new(Effect {
                chain: vec![display],
                what: witness.what.clone(),
                module: module_name.clone(),
                line: witness.line,
            }))
        } else {
            walk.visiting.insert(name.to_string());
            let mut found = None;
            for call in &function.calls {
                let Some(next) = self.effect_target(call) else {
                    continue;
                };
                let (effect, cut_short) = self.effect_of(&next, kind, depth + 1, walk);
                cut |= cut_short;
                if let Some(effect) = effect {
                    let mut chain = Vec::with_capacity(effect.chain.len() + 1);
                    chain.push(display.clone());
                    chain.extend(effect.chain.iter().cloned());
                    found = Some(Arc::new(Effect {
                        chain,
                        what: effect.what.clone(),
                        module: effect.module.clone(),
                        line: effect.line,
                    }));
                    break;
                }
            }
            walk.visiting.remove(name);
            found
        };
        if (result.is_some() || !cut)
            && let Ok(mut memo) = self.effects_table().memo.lock()
        {
            memo.insert(key, result.clone());
        }
        let cut = cut && result.is_none();
        (result, cut)
    }
}

struct Walk {
    visiting: FxHashSet<String>,
    budget: usize,
}

/// How many functions one question may visit.
const MAX_STEPS: usize = 20_000;

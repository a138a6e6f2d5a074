//! The plain data that file summaries and index questions carry (values,
//! callees, effects), and the index's solved-effects table: a leaf module,
//! so that the index ([`super::index`]), values ([`super::values`]) and
//! effects ([`super::effects`]) can all use these types without importing
//! one another in a circle. The logic stays in those modules.

use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

use super::name::Name;

/// A value, as one file can describe it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Val {
    /// An instance of the class this qualified name names (an annotation,
    /// `self`, `cls()`).
    Instance(Name),
    /// What calling this qualified name gives: an instance of a class, the
    /// return value of a function.
    Call(Name),
    /// A module-level name of another (or this) module: `pkg.mod.client`.
    Global(Name),
    /// An attribute of a value: `self.client`.
    Attr(Box<Val>, Name),
    /// What calling a method of a value gives: `self.make_client()`.
    MethodCall(Box<Val>, Name),
}

/// What rules ask a value to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueKind {
    /// `requests.Session`, `httpx.Client`.
    SyncClient,
    /// An asyncio event loop.
    Loop,
    /// A `pathlib.Path` (its `open`/`read_text`/... block).
    Path,
    /// A `threading` lock, semaphore or condition.
    ThreadLock,
    /// An `asyncio` lock, semaphore or condition.
    AsyncioLock,
    /// A lock released by the path that takes it: `Lock`, `RLock`,
    /// `Condition` (`threading` or `asyncio`), not a semaphore.
    Mutex,
}

/// A function a lock event calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Callee {
    /// A qualified name: a function of this file (`mod.f`, `mod.outer.inner`),
    /// an imported one, or `mod.Class.method` called on the class.
    Function(Name),
    /// `self.method()`: the class's own method or an in-project base's, on
    /// the same instance.
    Method { class: Name, method: Name },
    /// `method` called on a value whose class the project says
    /// (`self.ledger.record()`, `acct.deposit()`), with the receiver as
    /// written when a lock is held at the call and it names one object for
    /// the whole function (see `LockName::Value`).
    OnValue {
        value: Val,
        method: Name,
        receiver: Option<Name>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EffectKind {
    Blocks,
    RunsLoop,
}

/// A call that has the effect itself: `open(...)` at a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub what: Name,
    pub line: u32,
}

/// A function a call inside an async function may stand for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Target {
    /// A name, `self.m()`, a qualified name (as the lock events name it).
    Callee(Callee),
    /// `m` called on a value whose class the project says: `self.store.save()`.
    OnValue(Val, Name),
}

/// What a sync function does itself, beyond the calls its lock events
/// already record (kept only for functions that have any of it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnEffects {
    pub blocks: Option<Witness>,
    /// Blocking method calls on values the index must confirm
    /// (`self.filepath.open()` blocks if `self.filepath` is a `Path`).
    pub maybe_blocks: ThinVec<(Val, ValueKind, Witness)>,
    pub runs_loop: Option<Witness>,
    /// Methods called on receivers whose class the project says: the
    /// numbers of the lock events' callees (each a `Callee::OnValue`, with
    /// no receiver), so a file keeps each receiver and method once (all
    /// packages: 65,337 calls, 30,513 of them different in their file).
    pub value_calls: ThinVec<u32>,
}

/// The index's effects, solved once for every function on first use.
#[derive(Default)]
pub struct EffectTable {
    pub(super) solved: std::sync::OnceLock<Solved>,
}

/// Per function (by its id in the index's `FunctionTable`): how it
/// reaches each effect.
#[derive(Default)]
pub(super) struct Solved {
    pub(super) blocks: Vec<StepCell>,
    pub(super) runs_loop: Vec<StepCell>,
}

/// The first step towards an effect: the witness itself, or the callee
/// that has it (with the chain's length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    Witness,
    Through(u32),
}

/// An `Option<Step>` in four bytes (eight as an enum): all packages'
/// 71,324 functions, twice.
#[derive(Clone, Copy)]
pub(super) struct StepCell(u32);

impl StepCell {
    pub(super) const NONE: StepCell = StepCell(u32::MAX);
    const WITNESS: u32 = u32::MAX - 1;

    pub(super) fn new(step: Step) -> Self {
        match step {
            Step::Witness => StepCell(Self::WITNESS),
            Step::Through(id) => {
                // Ids are below the two values taken: a function table
                // holds fewer than 4 billion functions.
                debug_assert!(id < Self::WITNESS);
                StepCell(id)
            }
        }
    }

    pub(super) fn get(self) -> Option<Step> {
        match self.0 {
            u32::MAX => None,
            Self::WITNESS => Some(Step::Witness),
            id => Some(Step::Through(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_cell_gives_back_its_step() {
        assert_eq!(StepCell::NONE.get(), None);
        for step in [Step::Witness, Step::Through(0), Step::Through(71_324)] {
            assert_eq!(StepCell::new(step).get(), Some(step));
        }
    }
}

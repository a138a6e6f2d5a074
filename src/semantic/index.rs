//! The project index: what each file tells the others (its summary), merged
//! before project-wide questions are answered. Summaries are owned and
//! serializable so they can be cached per file (DESIGN.md).

use crate::semantic::qualified_name::{join, split_member};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

pub use crate::semantic::facts::Callee;
use crate::semantic::facts::{EffectTable, OwnEffects, Target, Val};
use crate::semantic::functions::{FunctionId, FunctionTable};
use crate::semantic::name::Name;
use crate::span::Span;

/// A function or method, as other files need to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionInfo {
    pub name: Name,
    pub line: u32,
    pub is_async: bool,
    pub is_generator: bool,
    /// Each decorator's qualified name (`None` when it cannot be resolved).
    /// A call `@deco(...)` records the callee with a trailing `()`.
    pub decorators: ThinVec<Option<Name>>,
    /// What calling it gives (RULES.md "Values"), when known.
    #[serde(default)]
    pub returns: Option<Box<Val>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub name: Name,
    pub line: u32,
    /// Qualified names of the bases (`None` for ones that cannot be resolved).
    pub bases: ThinVec<Option<Name>>,
    pub methods: ThinVec<FunctionInfo>,
    /// The attribute table of its instances (`self.x = ...`, annotations,
    /// class-body fields); `None` is an attribute of unknown value.
    #[serde(default)]
    pub attrs: ThinVec<(Name, Option<Val>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LockKind {
    Lock,
    RLock,
    Semaphore,
    BoundedSemaphore,
    Condition,
}

impl LockKind {
    pub fn is_reentrant(self) -> bool {
        matches!(self, LockKind::RLock)
    }
}

/// How many objects share a lock of one identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LockScope {
    /// A module global or a class-body attribute: one for the process.
    Global,
    /// `self.attr = Lock()`: one per instance, the same one only along
    /// `self.` calls.
    Instance,
    /// A function's local: a new lock per call.
    Local,
}

/// A lock created in this file (RULES.md "Lock identity").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// `module.NAME` or `module.Class.attr`.
    pub id: String,
    pub kind: LockKind,
    pub asyncio: bool,
    pub line: u32,
    /// Created by `self.attr = ...` in a method (one per instance).
    #[serde(default)]
    pub per_instance: bool,
}

/// A lock as a function's lock events name it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LockName {
    /// Known in this file (RULES.md "Lock identity").
    Known {
        id: String,
        kind: LockKind,
        scope: LockScope,
    },
    /// A name imported from another module: a lock if that module says so.
    Imported(String),
    /// `self.attr` in a class that never assigns `attr`: a lock if an
    /// in-project base creates one.
    Inherited { class: String, attr: String },
    /// Any other expression whose value the project says is a lock
    /// (`self.ledger.lock`, `acct.lock` for `acct: Account`, `get_lock()`):
    /// the lock its value is (RULES.md "Lock identity"). `receiver` is the
    /// object it is an attribute of, as written (`acct`, `self.ledger`),
    /// when that names one object for the whole function (a parameter,
    /// `self`, attributes of them): two receivers of one class are two
    /// instances (PF206).
    Value {
        value: Val,
        text: String,
        receiver: Option<String>,
    },
}

/// What a function does at one point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LockStep {
    /// `with L:`, `async with L:`, `L.acquire()` (`blocking: false` for a
    /// non-blocking or timed acquire, which cannot deadlock).
    Acquire {
        lock: u32,
        blocking: bool,
    },
    Call {
        callee: u32,
    },
}

/// A step taken while locks are held: where lock-order edges come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldStep {
    pub step: LockStep,
    /// Indexes into [`LockEvents::locks`], outermost first.
    pub held: Vec<u32>,
    pub span: Span,
    pub noqa_row: u32,
    /// Inside an `if` (or a conditional expression) that compares the
    /// receivers (`id(a) < id(b)`): the code chooses the order (PF206).
    #[serde(default)]
    pub ordered: bool,
}

/// A read-modify-write of shared state (`self.n += 1`, a `global` counter)
/// made with no lock held, for PF203.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedWrite {
    /// The target as written (`self.count`).
    pub target: String,
    pub span: Span,
    pub noqa_row: u32,
}

/// One function's lock summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionLocks {
    /// Its qualified name without the module's, which the summary holds
    /// (`func`, `Class.method`, `outer.inner`): where it is in its lock
    /// events' `names` ([`LockEvents::name`]), `(start, end)`.
    pub name: (u32, u32),
    pub line: u32,
    /// Every call of a possibly in-project function, once per callee:
    /// where they are in its lock events' `calls` ([`LockEvents::calls`]),
    /// `(start, end)`.
    pub calls: (u32, u32),
    /// What it does with locks and shared state, when it does any.
    #[serde(default)]
    pub locking: Option<Box<Locking>>,
    /// An `async def`, a generator or a function with a decorator not known
    /// to keep it as written: calling it has no sync effect (RULES.md
    /// "Effects").
    #[serde(default)]
    pub opaque: bool,
    /// Its own blocking / loop-running calls and calls on inferred
    /// receivers, when it has any (PF110, PF112).
    #[serde(default)]
    pub effects: Option<Box<OwnEffects>>,
}

/// What one function does with locks and shared state. Most functions do
/// none of it: boxed, the three lists are one pointer in each function's
/// record, not three (all packages: 72,301 functions, 1.2 MB).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locking {
    /// Every blocking acquisition: `(lock, line)`, first per lock.
    pub acquires: ThinVec<(u32, u32)>,
    /// The steps taken while holding a lock.
    pub held_steps: ThinVec<HeldStep>,
    pub shared_writes: ThinVec<SharedWrite>,
}

impl FunctionLocks {
    /// Every blocking acquisition: `(lock, line)`, first per lock.
    pub fn acquires(&self) -> &[(u32, u32)] {
        self.locking.as_deref().map_or(&[], |l| &l.acquires)
    }

    /// The steps taken while holding a lock.
    pub fn held_steps(&self) -> &[HeldStep] {
        self.locking.as_deref().map_or(&[], |l| &l.held_steps)
    }

    pub fn shared_writes(&self) -> &[SharedWrite] {
        self.locking.as_deref().map_or(&[], |l| &l.shared_writes)
    }

    /// Its lock records, to add to.
    pub fn locking_mut(&mut self) -> &mut Locking {
        self.locking.get_or_insert_with(Default::default)
    }
}

/// A function started as a thread (`Thread(target=f)`, `executor.submit(f)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadStart {
    pub target: u32,
    /// How it was started (`threading.Thread`), and where.
    pub how: String,
    pub line: u32,
}

/// Per function, the lock events of one file (DESIGN.md): what each
/// function acquires, what it calls, and which locks it holds meanwhile.
/// Locks and callees are named once per file and referred to by index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEvents {
    pub locks: Vec<LockName>,
    pub callees: Vec<Callee>,
    pub functions: Vec<FunctionLocks>,
    /// The functions' names, one after another: one block for the file
    /// rather than one for each function (all packages: 72,301 functions,
    /// whose names took 3.5 MB as blocks of their own).
    #[serde(default)]
    pub names: String,
    /// The functions' calls, one function's after another: one block for
    /// the file rather than one for each function that calls (all
    /// packages: 65,646 of them, 2.3 MB as lists of their own).
    #[serde(default)]
    pub calls: Vec<u32>,
    pub threads: Vec<ThreadStart>,
    /// The rules reporting from the lock graph (`Facts::LOCK_GRAPH`) that
    /// are enabled for this file: only they report in it.
    pub rules: Vec<crate::registry::Rule>,
}

impl LockEvents {
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty() && self.threads.is_empty()
    }

    /// A function's name (its qualified name without the module's).
    pub fn name(&self, function: &FunctionLocks) -> &str {
        let (start, end) = function.name;
        self.names.get(start as usize..end as usize).unwrap_or("")
    }

    /// The functions a function calls (as numbers of `callees`).
    pub fn calls(&self, function: &FunctionLocks) -> &[u32] {
        let (start, end) = function.calls;
        self.calls.get(start as usize..end as usize).unwrap_or(&[])
    }

    /// The value and method of a call on an inferred receiver, by its
    /// number among the callees (`OwnEffects::value_calls`).
    pub fn value_call(&self, callee: u32) -> Option<(&Val, &Name)> {
        match self.callees.get(callee as usize)? {
            Callee::OnValue { value, method, .. } => Some((value, method)),
            _ => None,
        }
    }

    /// Records a function named `name` (without the module's) defined at
    /// `line`; gives its position.
    pub fn add_function(&mut self, name: &str, line: u32) -> usize {
        let start = self.names.len() as u32;
        self.names.push_str(name);
        self.functions.push(FunctionLocks {
            name: (start, self.names.len() as u32),
            line,
            ..Default::default()
        });
        self.functions.len() - 1
    }
}

/// The shape of a decorator defined here, as PF100/PF302/PF303 need it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecoratorInfo {
    pub name: String,
    /// The returned wrapper is `async def`.
    pub wrapper_is_async: bool,
    /// A factory: its parameters are options and it returns the decorator.
    pub is_factory: bool,
    /// A factory whose every `return` gives the inner decorator itself:
    /// `@name` without parentheses is a mistake.
    pub plain_factory: bool,
    /// A factory that can also apply its inner decorator
    /// (`def deco(func=None, *, opt=...)`): `@name` and `@name(...)` both work.
    pub dual_use: bool,
    /// The decorator tests for coroutines (`inspect.iscoroutinefunction`).
    pub checks_coroutine: bool,
    /// The wrapper does work around its call of the wrapped function (in a
    /// `try`/`with`/loop, or with the result bound or dropped), not only
    /// `return f(...)`.
    pub acts_around_call: bool,
    /// The wrapper hands the call's result to another call.
    pub hands_on_result: bool,
}

impl DecoratorInfo {
    /// Is `@name` (`called`: `@name(...)`) this decorator's own use, so that
    /// its wrapper is what replaces the decorated function?
    pub fn applies_wrapper(&self, called: bool) -> bool {
        self.dual_use || self.is_factory == called
    }
}

/// What one file tells the project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub module: String,
    pub is_package: bool,
    /// Module-level functions.
    pub functions: Vec<FunctionInfo>,
    pub classes: Vec<ClassInfo>,
    /// Module-level imports, `local name → qualified name`: what a package's
    /// `__init__.py` re-exports.
    pub imports: Vec<(Name, Name)>,
    pub locks: Vec<LockInfo>,
    pub decorators: Vec<DecoratorInfo>,
    #[serde(default)]
    pub lock_events: LockEvents,
    /// What this file applies as a decorator (`@deco`, `@deco(...)`
    /// anywhere; `x = deco(x)` at module or class level), resolved:
    /// `mod.deco`, `mod.deco()` (called). Sorted, deduplicated.
    #[serde(default)]
    pub applied_decorators: Vec<String>,
    /// The same by the name as written (its last dotted segment:
    /// `deco`, `deco()`), resolved or not: what the file's own local
    /// decorators are matched against.
    #[serde(default)]
    pub applied_names: Vec<String>,
    /// Module-level names bound once to a known value (`client = Client()`).
    #[serde(default)]
    pub values: Vec<(String, Val)>,
}

/// A question a file leaves for the project index: a value of a type the
/// asking rule declares (PF100's `Asks`, `values::ValueIs`, ...), encoded
/// ([`Question::new`]). The rule's own `answer` reads it back
/// ([`Question::decode`]) and asks the index; no variant here names a rule.
/// A file keeps equal questions (the same encoding) once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Question(Box<[u8]>);

impl Question {
    pub fn new<T: Ask>(question: &T) -> Self {
        // Encoded after its tag on the stack: one allocation of its size.
        let mut buffer = [0u8; 132];
        buffer[..4].copy_from_slice(&tag(T::TAG));
        if let Ok(body) = postcard::to_slice(question, &mut buffer[4..]) {
            let len = 4 + body.len();
            return Self(Box::from(&buffer[..len]));
        }
        let body = crate::finding::encode(question);
        let mut bytes = Vec::with_capacity(4 + body.len());
        bytes.extend_from_slice(&tag(T::TAG));
        bytes.extend_from_slice(&body);
        Self(bytes.into_boxed_slice())
    }

    /// Is this a question of type `T`?
    pub fn is<T: Ask>(&self) -> bool {
        self.0.starts_with(&tag(T::TAG))
    }

    /// The question as the rule asked it, if it is a `T` (which may borrow
    /// its strings from the question). A question of another type is
    /// `None`, so a rule may ask questions of several types.
    pub fn decode<'q, T: Ask + Deserialize<'q>>(&'q self) -> Option<T> {
        let body = self.0.strip_prefix(&tag(T::TAG))?;
        postcard::from_bytes(body).ok()
    }
}

/// A type of question a rule asks the project ([`Question`]). Its tag,
/// written before the encoded question, tells it from the other types the
/// same rule asks; it is part of the cache format, so it is a name written
/// here rather than the Rust type's path.
pub trait Ask: Serialize {
    const TAG: &'static str;
}

/// The 4 bytes of a question type's tag (FNV-1a of its name).
const fn tag(name: &str) -> [u8; 4] {
    let bytes = name.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash.to_le_bytes()
}

/// Where a coroutine function is defined: `module:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub module: String,
    pub line: u32,
}

impl std::fmt::Display for Definition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.module, self.line)
    }
}

/// Decorators known to leave an `async def` a coroutine function.
pub const KEEPS_COROUTINE: &[&str] = &[
    "builtins.staticmethod",
    "builtins.classmethod",
    "abc.abstractmethod",
    "typing.override",
    "typing_extensions.override",
];

/// What a name in the project stands for.
#[derive(Clone, Copy, Debug)]
pub enum Symbol<'a> {
    Function {
        module: &'a FileSummary,
        function: &'a FunctionInfo,
    },
    Class {
        module: &'a FileSummary,
        class: &'a ClassInfo,
    },
    Module(&'a FileSummary),
}

/// Every checked file's summary, by module name.
#[derive(Default)]
pub struct ProjectIndex {
    /// Each module's summary, by its position in `summaries` (the effects
    /// table names modules by that position).
    modules: FxHashMap<String, u32>,
    /// Boxed: the reports' boxes move in. Unboxed, into a vector of
    /// exact size, all packages peaked 1.5 MB higher (the boxes freed
    /// as the summaries are copied out are not used again).
    #[allow(clippy::vec_box)]
    summaries: Vec<Box<FileSummary>>,
    /// Every applied decorator of the project, canonical (built on first
    /// use).
    applied: std::sync::OnceLock<FxHashSet<String>>,
    /// The effects of in-project functions, computed when asked.
    effects: EffectTable,
    /// The functions the lock events record, numbered (built on first use).
    functions: std::sync::OnceLock<FunctionTable>,
    /// Where each summary came from: its number among those given to
    /// [`ProjectIndex::new`] (a report's position, in the project stage).
    origins: Vec<u32>,
    /// The files, by that number, for messages (set by the project stage,
    /// which takes them back when it is done: no copy of a path is made).
    paths: Vec<std::path::PathBuf>,
    /// Answers already given (the same receivers and callees are asked
    /// about from many files).
    memo: Memo,
}

/// The index's memoized answers. Each is a pure function of the
/// summaries, so remembering it changes no output.
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) class_of: std::sync::Mutex<FxHashMap<Val, Option<Name>>>,
    /// [`ProjectIndex::async_method`]'s answers.
    async_method: std::sync::Mutex<AsyncMethods>,
    /// The function (by solved id) each effect question's target stands
    /// for: PF110 and PF112 ask about every call in an `async def`.
    pub(crate) effect_target: std::sync::Mutex<FxHashMap<Target, Option<u32>>>,
}

/// [`ProjectIndex::async_method`]'s answers, one entry per class and
/// method: its key `class\0method`, and per `inherited` an
/// [`AsyncAnswer`]. A map of maps (a map per class, `Definition`s with
/// their module's name) took 2.4 MB for all packages' 9,376 pairs; this
/// takes under 1 MB.
#[derive(Default)]
struct AsyncMethods(hashbrown::HashTable<(Box<str>, [AsyncAnswer; 2])>);

/// One answer of [`ProjectIndex::async_method`]: 0 not asked yet, 1 not a
/// coroutine function, otherwise `(module position + 1) << 32 | line`.
type AsyncAnswer = u64;

impl AsyncMethods {
    fn hash(class: &str, method: &str) -> u64 {
        use std::hash::Hasher;
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(class.as_bytes());
        hasher.write_u8(0);
        hasher.write(method.as_bytes());
        hasher.finish()
    }

    fn key_hash(key: &str) -> u64 {
        let (class, method) = key.split_once('\0').unwrap_or((key, ""));
        Self::hash(class, method)
    }

    fn is_key(key: &str, class: &str, method: &str) -> bool {
        key.len() == class.len() + 1 + method.len()
            && key.starts_with(class)
            && key.as_bytes()[class.len()] == 0
            && key.ends_with(method)
    }

    fn get(&self, class: &str, method: &str, slot: usize) -> Option<AsyncAnswer> {
        let hash = Self::hash(class, method);
        let (_, answers) = self
            .0
            .find(hash, |(key, _)| Self::is_key(key, class, method))?;
        Some(answers[slot]).filter(|&answer| answer != 0)
    }

    fn insert(&mut self, class: &str, method: &str, slot: usize, answer: AsyncAnswer) {
        let hash = Self::hash(class, method);
        let entry = self.0.entry(
            hash,
            |(key, _)| Self::is_key(key, class, method),
            |(key, _)| Self::key_hash(key),
        );
        let (_, answers) = entry
            .or_insert_with(|| (format!("{class}\0{method}").into_boxed_str(), [0; 2]))
            .into_mut();
        answers[slot] = answer;
    }
}

/// How many re-export or base-class links to follow before giving up.
const MAX_HOPS: usize = 16;

impl ProjectIndex {
    pub fn new<S: Into<Box<FileSummary>>>(summaries: impl IntoIterator<Item = S>) -> Self {
        Self::numbered(
            summaries
                .into_iter()
                .enumerate()
                .map(|(i, summary)| (i as u32, summary)),
        )
    }

    /// [`ProjectIndex::new`] of summaries each with its own number (its
    /// report's position): what [`ProjectIndex::origin`] gives back.
    pub fn numbered<S: Into<Box<FileSummary>>>(
        summaries: impl IntoIterator<Item = (u32, S)>,
    ) -> Self {
        let mut modules = FxHashMap::default();
        let mut kept = Vec::new();
        let mut origins = Vec::new();
        for (origin, summary) in summaries {
            let summary = summary.into();
            // Two files claiming one module name (scripts in different
            // folders): the first wins; the answer for the other is unknown.
            if let std::collections::hash_map::Entry::Vacant(entry) =
                modules.entry(summary.module.clone())
            {
                entry.insert(kept.len() as u32);
                kept.push(summary);
                origins.push(origin);
            }
        }
        Self {
            modules,
            summaries: kept,
            origins,
            applied: Default::default(),
            effects: Default::default(),
            functions: Default::default(),
            paths: Default::default(),
            memo: Default::default(),
        }
    }

    /// The functions the lock events record, numbered for the effects
    /// solve and the lock graph: modules in module-name order (the order
    /// the lock graph visits functions in, so the first site of an edge it
    /// finds is the one its messages show), each one's functions together
    /// and in the order its lock events list them.
    pub fn function_table(&self) -> &FunctionTable {
        self.functions.get_or_init(|| {
            let mut modules: Vec<(u32, &FileSummary)> = self
                .modules_with_positions()
                .filter(|(_, module)| !module.lock_events.functions.is_empty())
                .collect();
            modules.sort_unstable_by(|a, b| a.1.module.cmp(&b.1.module));
            let functions = modules
                .iter()
                .map(|(_, m)| m.lock_events.functions.len())
                .sum();
            let mut table = FunctionTable::with_capacity(functions, modules.len());
            for (position, module) in modules {
                let events = &module.lock_events;
                let locals = events.functions.iter().map(|f| events.name(f));
                table.add_module(position, &module.module, locals, |p, i, name| {
                    self.function_is_named(p, i, name)
                });
            }
            table
        })
    }

    /// The function with this id in the [`FunctionTable`], and its module.
    pub fn function(&self, id: FunctionId) -> Option<(&FileSummary, &FunctionLocks)> {
        let (position, function) = self.function_table().place(id)?;
        let module = self.summaries.get(position as usize)?;
        Some((module, module.lock_events.functions.get(function as usize)?))
    }

    /// The id of the (first) function with this qualified name.
    pub fn function_id(&self, name: &str) -> Option<FunctionId> {
        self.function_table()
            .id(name, |p, i, name| self.function_is_named(p, i, name))
    }

    /// Is `name` the qualified name of function `function` of the module
    /// at `position`?
    fn function_is_named(&self, position: u32, function: u32, name: &str) -> bool {
        let Some(module) = self.summaries.get(position as usize) else {
            return false;
        };
        let events = &module.lock_events;
        events.functions.get(function as usize).is_some_and(|f| {
            crate::semantic::functions::is_qualified(name, &module.module, events.name(f))
        })
    }

    pub(crate) fn effects_table(&self) -> &EffectTable {
        &self.effects
    }

    pub(crate) fn memo(&self) -> &Memo {
        &self.memo
    }

    /// The number the module's summary came with (the first summary
    /// with its name: [`ProjectIndex::numbered`]).
    pub fn origin(&self, module: &str) -> Option<u32> {
        let position = *self.modules.get(module)?;
        self.origins.get(position as usize).copied()
    }

    /// Lends the index the files, by the summaries' numbers, for messages
    /// that name a file and line ([`ProjectIndex::take_paths`] gives them
    /// back).
    pub fn set_paths(&mut self, paths: Vec<std::path::PathBuf>) {
        self.paths = paths;
    }

    /// The files [`ProjectIndex::set_paths`] lent.
    pub fn take_paths(&mut self) -> Vec<std::path::PathBuf> {
        std::mem::take(&mut self.paths)
    }

    /// The file given with number `origin`, if any.
    pub fn path(&self, origin: usize) -> Option<&std::path::Path> {
        self.paths.get(origin).map(|p| p.as_path())
    }

    /// `shop/bank.py:41` (or `shop.bank:41` when the file is not known).
    pub fn file_line(&self, module: &str, line: u32) -> String {
        let path = self.origin(module).and_then(|o| self.path(o as usize));
        file_line(path, module, line)
    }

    /// The name of the definition `qualified` reaches through re-exports:
    /// `pkg.deco` → `pkg.impl.deco`, `pkg.Class.m` → `pkg.impl.Class.m`.
    /// Unknown names are kept as they are.
    pub fn canonical(&self, qualified: &str) -> String {
        match self.resolve(qualified) {
            Some(Symbol::Function { module, function }) => {
                format!("{}.{}", module.module, function.name)
            }
            Some(Symbol::Class { module, class }) => format!("{}.{}", module.module, class.name),
            Some(Symbol::Module(module)) => module.module.clone(),
            None => match split_member(qualified) {
                Some((head, member)) => match self.resolve(head) {
                    Some(Symbol::Class { module, class }) => {
                        format!("{}.{}.{member}", module.module, class.name)
                    }
                    _ => qualified.to_string(),
                },
                None => qualified.to_string(),
            },
        }
    }

    /// Is a function of `module` applied as a decorator anywhere: by one of
    /// `names` in its own file (`deco`, `factory()`), or by one of
    /// `qualified` anywhere in the project (`mod.deco`, `mod.factory()`)?
    pub fn decorator_applied(&self, module: &str, names: &[String], qualified: &[String]) -> bool {
        if let Some(summary) = self.module(module)
            && names
                .iter()
                .any(|n| summary.applied_names.binary_search(n).is_ok())
        {
            return true;
        }
        if qualified.is_empty() {
            return false;
        }
        let applied = self.applied.get_or_init(|| {
            let mut set = FxHashSet::default();
            for summary in self.modules() {
                for name in &summary.applied_decorators {
                    let (bare, call) = match name.strip_suffix("()") {
                        Some(bare) => (bare, "()"),
                        None => (name.as_str(), ""),
                    };
                    set.insert(format!("{}{call}", self.canonical(bare)));
                }
            }
            set
        });
        qualified.iter().any(|q| {
            let (bare, call) = match q.strip_suffix("()") {
                Some(bare) => (bare, "()"),
                None => (q.as_str(), ""),
            };
            applied.contains(&format!("{}{call}", self.canonical(bare)))
        })
    }

    pub fn module(&self, name: &str) -> Option<&FileSummary> {
        self.modules
            .get(name)
            .map(|&position| &*self.summaries[position as usize])
    }

    /// The summary at a position [`ProjectIndex::modules_with_positions`]
    /// gave.
    pub(super) fn summary_at(&self, position: u32) -> &FileSummary {
        &self.summaries[position as usize]
    }

    pub fn len(&self) -> usize {
        self.modules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// Resolves a qualified name to what it stands for in the project,
    /// following re-exports (`from .db import fetch` in a package's
    /// `__init__.py`) with a guard against import cycles.
    pub fn resolve(&self, qualified: &str) -> Option<Symbol<'_>> {
        // The names followed borrow from `qualified` or the index: no copy.
        let mut name = qualified;
        let mut seen: [&str; MAX_HOPS] = [""; MAX_HOPS];
        for hop in 0..MAX_HOPS {
            if seen[..hop].contains(&name) {
                return None;
            }
            seen[hop] = name;
            if let Some(module) = self.module(name) {
                return Some(Symbol::Module(module));
            }
            let (module_name, member) = split_member(name)?;
            let Some(module) = self.module(module_name) else {
                // `pkg.mod.Class.method` style names are looked up by the caller.
                return None;
            };
            if let Some(function) = module.functions.iter().rev().find(|f| f.name == member) {
                return Some(Symbol::Function { module, function });
            }
            if let Some(class) = module.classes.iter().rev().find(|c| c.name == member) {
                return Some(Symbol::Class { module, class });
            }
            let (_, target) = module
                .imports
                .iter()
                .rev()
                .find(|(local, _)| local == member)?;
            name = target;
        }
        None
    }

    /// The definition of a coroutine function the project defines: an
    /// `async def` (not an async generator) whose decorators all keep it a
    /// coroutine function. Also `mod.Class.method`. `None` is unknown.
    pub fn coroutine_function(&self, qualified: &str) -> Option<Definition> {
        let (module, function) = match self.resolve(qualified) {
            Some(Symbol::Function { module, function }) => (module, function),
            Some(_) => return None,
            None => {
                let (class, method) = split_member(qualified)?;
                let (owner, function) = self.find_method(class, method)?;
                (owner, function)
            }
        };
        self.is_coroutine(function).then(|| Definition {
            module: module.module.clone(),
            line: function.line,
        })
    }

    /// `self.method()` on `class`: the method's definition if it is a
    /// coroutine function (searching the class, then its bases).
    pub fn async_method(&self, class: &str, method: &str, inherited: bool) -> Option<Definition> {
        // Every `self.m()` statement asks: memoized, the same class and
        // method come back from every call site.
        let slot = usize::from(inherited);
        let known = self
            .memo
            .async_method
            .lock()
            .ok()
            .and_then(|memo| memo.get(class, method, slot));
        let answer = match known {
            Some(answer) => answer,
            None => {
                let answer = self
                    .async_method_uncached(class, method, inherited)
                    .map_or(1, |(position, line)| {
                        (u64::from(position) + 1) << 32 | u64::from(line)
                    });
                if let Ok(mut memo) = self.memo.async_method.lock() {
                    memo.insert(class, method, slot, answer);
                }
                answer
            }
        };
        (answer > 1).then(|| Definition {
            module: self.summary_at((answer >> 32) as u32 - 1).module.clone(),
            line: answer as u32,
        })
    }

    /// [`ProjectIndex::async_method`]: the position of the module that
    /// defines the coroutine function, and its line.
    fn async_method_uncached(
        &self,
        class: &str,
        method: &str,
        inherited: bool,
    ) -> Option<(u32, u32)> {
        let (owner, function) = if inherited {
            let Some(Symbol::Class { class: info, .. }) = self.resolve(class) else {
                return None;
            };
            info.bases
                .iter()
                .flatten()
                .find_map(|base| self.find_method(base, method))?
        } else {
            self.find_method(class, method)?
        };
        if !self.is_coroutine(function) {
            return None;
        }
        Some((*self.modules.get(&owner.module)?, function.line))
    }

    fn is_coroutine(&self, function: &FunctionInfo) -> bool {
        function.is_async
            && !function.is_generator
            && function
                .decorators
                .iter()
                .all(|d| d.as_deref().is_some_and(|d| self.keeps_coroutine(d)))
    }

    /// A decorator that leaves an `async def` a coroutine function: a known
    /// one, or an in-project decorator (or called factory) whose wrapper is
    /// `async def`.
    pub fn keeps_coroutine(&self, decorator: &str) -> bool {
        if KEEPS_COROUTINE.contains(&decorator) {
            return true;
        }
        let (name, called) = match decorator.strip_suffix("()") {
            Some(name) => (name, true),
            None => (decorator, false),
        };
        self.decorator(name)
            .is_some_and(|(_, _, d)| d.wrapper_is_async && d.applies_wrapper(called))
    }

    /// The in-project decorator or factory `qualified` names, with the
    /// module and function that define it.
    pub fn decorator(
        &self,
        qualified: &str,
    ) -> Option<(&FileSummary, &FunctionInfo, &DecoratorInfo)> {
        let Some(Symbol::Function { module, function }) = self.resolve(qualified) else {
            return None;
        };
        let info = module
            .decorators
            .iter()
            .find(|d| d.name == function.name.as_str())?;
        Some((module, function, info))
    }

    /// The qualified name (`module.Class.method`) of the `method` that
    /// `class` (a module-level class) has, defined by it or an in-project base.
    pub fn method_owner(&self, class: &str, method: &str) -> Option<String> {
        self.walk_bases(class, |_, info| {
            info.methods.iter().any(|m| m.name == method)
        })
        .map(|(module, info)| join(&[&module.module, &info.name, method]))
    }

    /// `class` and its in-project bases, depth-first (like a simple MRO),
    /// with the module defining each.
    pub fn class_and_bases(&self, class: &str) -> Vec<(&FileSummary, &ClassInfo)> {
        let mut out = Vec::new();
        self.walk_bases(class, |module, info| {
            out.push((module, info));
            false
        });
        out
    }

    /// Visits `class` and its in-project bases depth-first (like a simple
    /// MRO) until `visit` says stop (true); returns the class it stopped at.
    /// Names are borrowed, not copied: this runs for every method question.
    fn walk_bases<'a>(
        &'a self,
        class: &str,
        mut visit: impl FnMut(&'a FileSummary, &'a ClassInfo) -> bool,
    ) -> Option<(&'a FileSummary, &'a ClassInfo)> {
        let mut stack: Vec<&str> = vec![class];
        let mut seen: Vec<&str> = Vec::new();
        while let Some(name) = stack.pop() {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            if seen.len() > MAX_HOPS * 4 {
                continue;
            }
            let Some(Symbol::Class { class, module }) = self.resolve(name) else {
                continue;
            };
            if visit(module, class) {
                return Some((module, class));
            }
            // Push in reverse so the first base is searched first.
            for base in class.bases.iter().rev().flatten() {
                stack.push(base);
            }
        }
        None
    }

    pub fn modules(&self) -> impl Iterator<Item = &FileSummary> {
        self.modules
            .values()
            .map(|&position| &*self.summaries[position as usize])
    }

    /// [`ProjectIndex::modules`] with each one's position.
    pub(super) fn modules_with_positions(&self) -> impl Iterator<Item = (u32, &FileSummary)> {
        self.modules
            .values()
            .map(|&position| (position, &*self.summaries[position as usize]))
    }

    /// Finds `method` on the class `class` or its in-project bases
    /// (depth-first, like a simple MRO), with the class that defines it.
    pub fn find_method(&self, class: &str, method: &str) -> Option<(&FileSummary, &FunctionInfo)> {
        let mut found = None;
        self.walk_bases(class, |module, class| {
            found = class
                .methods
                .iter()
                .rev()
                .find(|m| m.name == method)
                .map(|m| (module, m));
            found.is_some()
        });
        found
    }
}

/// `shop/bank.py:41`: the module's file, relative to the working
/// directory (or `shop.bank:41` when the file is not known).
fn file_line(path: Option<&std::path::Path>, module: &str, line: u32) -> String {
    match path {
        Some(path) => {
            let relative = std::env::current_dir()
                .ok()
                .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
                .unwrap_or_else(|| path.to_path_buf());
            format!("{}:{line}", relative.display())
        }
        None => format!("{module}:{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thin_vec::thin_vec;

    fn function(name: &str, is_async: bool) -> FunctionInfo {
        FunctionInfo {
            name: name.into(),
            line: 1,
            is_async,
            is_generator: false,
            decorators: thin_vec![],
            returns: None,
        }
    }

    /// A module of one class.
    fn module_of_class(
        module: &str,
        class: &str,
        bases: ThinVec<Option<Name>>,
        methods: ThinVec<FunctionInfo>,
    ) -> FileSummary {
        FileSummary {
            module: module.into(),
            classes: vec![ClassInfo {
                name: class.into(),
                line: 1,
                bases,
                methods,
                attrs: thin_vec![],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn resolves_through_reexports_and_bases() {
        let db = FileSummary {
            module: "app.store.db".into(),
            functions: vec![function("fetch", true)],
            classes: vec![ClassInfo {
                name: "Base".into(),
                line: 3,
                bases: thin_vec![],
                methods: thin_vec![function("save", true)],
                attrs: thin_vec![],
            }],
            ..Default::default()
        };
        let init = FileSummary {
            module: "app.store".into(),
            is_package: true,
            imports: vec![
                ("fetch".into(), "app.store.db.fetch".into()),
                ("loop".into(), "app.store.loop".into()),
            ],
            ..Default::default()
        };
        let views = module_of_class(
            "app.views",
            "Repo",
            thin_vec![Some("app.store.db.Base".into()), None],
            thin_vec![],
        );
        let index = ProjectIndex::new([db, init, views]);
        match index.resolve("app.store.fetch") {
            Some(Symbol::Function { function, module }) => {
                assert!(function.is_async);
                assert_eq!(module.module, "app.store.db");
            }
            other => panic!("{other:?}"),
        }
        // A self-referencing re-export terminates.
        assert!(index.resolve("app.store.loop").is_none());
        let (module, method) = index.find_method("app.views.Repo", "save").unwrap();
        assert_eq!(module.module, "app.store.db");
        assert!(method.is_async);
        assert!(index.find_method("app.views.Repo", "missing").is_none());
    }

    #[test]
    fn async_methods_are_remembered_per_class_method_and_inheritance() {
        let db = module_of_class(
            "app.db",
            "Base",
            thin_vec![],
            thin_vec![function("save", true), function("load", false)],
        );
        let views = module_of_class(
            "app.views",
            "Repo",
            thin_vec![Some("app.db.Base".into())],
            thin_vec![function("save", false)],
        );
        let index = ProjectIndex::new([views, db]);
        let base_save = Some(Definition {
            module: "app.db".into(),
            line: 1,
        });
        // Asked twice: the second answer is the memo's, and the same.
        for _ in 0..2 {
            // Its own `save` is sync; the inherited one is a coroutine.
            assert_eq!(index.async_method("app.views.Repo", "save", false), None);
            assert_eq!(
                index.async_method("app.views.Repo", "save", true),
                base_save
            );
            assert_eq!(index.async_method("app.db.Base", "save", false), base_save);
            assert_eq!(index.async_method("app.db.Base", "load", false), None);
            assert_eq!(index.async_method("app.views.Repo", "missing", true), None);
        }
        // A key splits where its class ends: ("app.db.Bases", "ave") is
        // not ("app.db.Base", "save"), though the two texts run together
        // are the same.
        let memo = index.memo.async_method.lock().unwrap();
        assert_eq!(memo.get("app.db.Bases", "ave", 0), None);
        assert_eq!(memo.get("app.db.Base", "save", 1), None, "never asked");
        assert!(memo.get("app.db.Base", "save", 0).is_some());
    }

    #[test]
    fn a_question_is_the_askers_own_type() {
        #[derive(Serialize, Deserialize, Debug, PartialEq)]
        enum Asks {
            IsCoroutine { callee: String },
            Method { class: String, inherited: bool },
        }
        impl Ask for Asks {
            const TAG: &'static str = "test.Asks";
        }
        #[derive(Serialize, Deserialize, Debug, PartialEq)]
        enum Other {
            IsCoroutine { callee: String },
        }
        impl Ask for Other {
            const TAG: &'static str = "test.Other";
        }
        let asked = Asks::Method {
            class: "app.Repo".into(),
            inherited: true,
        };
        let question = Question::new(&asked);
        assert_eq!(question.decode::<Asks>(), Some(asked));
        // Equal questions are one (a file keeps each once).
        let callee = || Asks::IsCoroutine {
            callee: "app.fetch".into(),
        };
        assert_eq!(Question::new(&callee()), Question::new(&callee()));
        assert_ne!(Question::new(&callee()), question);
        // A question of another type with the same encoding is not read
        // as this one: a rule may ask several types.
        let other = Question::new(&Other::IsCoroutine {
            callee: "app.fetch".into(),
        });
        assert_eq!(other.decode::<Asks>(), None);
        assert_eq!(Question::new(&callee()).decode::<Other>(), None);
        assert!(other.decode::<Other>().is_some());
    }

    fn with_functions(name: &str, functions: &[&str]) -> FileSummary {
        let mut summary = FileSummary {
            module: name.to_string(),
            ..Default::default()
        };
        for f in functions {
            summary.lock_events.add_function(f, 0);
        }
        summary
    }

    #[test]
    fn functions_are_numbered_by_module_name_and_found_by_name() {
        let index = ProjectIndex::new([
            with_functions("shop.bank", &["deposit", "refund", "deposit"]),
            with_functions("shop.app", &["main"]),
            with_functions("shop.empty", &[]),
        ]);
        assert_eq!(index.function_table().len(), 4);
        let names: Vec<&str> = (0..4)
            .map(|id| {
                let (module, function) = index.function(id).unwrap();
                module.lock_events.name(function)
            })
            .collect();
        assert_eq!(names, ["main", "deposit", "refund", "deposit"]);
        // A name defined twice is its first definition; every definition
        // is numbered (the lock graph visits each one).
        assert_eq!(index.function_id("shop.bank.deposit"), Some(1));
        assert_eq!(index.function_id("shop.bank.refund"), Some(2));
        assert_eq!(index.function_id("shop.bank.missing"), None);
        assert_eq!(index.function_id("shop.bankdeposit"), None);
        assert_eq!(index.function_id("bank.deposit"), None);
        let ranges: Vec<_> = index
            .function_table()
            .modules()
            .iter()
            .map(|(_, r)| r.clone())
            .collect();
        assert_eq!(ranges, [0..1, 1..4]);
        assert!(index.function(4).is_none());
    }
}

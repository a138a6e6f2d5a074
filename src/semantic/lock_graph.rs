//! The project half of the lock rules: the files' lock events resolved
//! against the index (imported locks, locks inherited from in-project bases,
//! callees through imports, re-exports and bases), each function's
//! transitive acquisitions (memoized, cycle-safe), and the lock graph (an
//! edge A→B when B is acquired while A is held, directly or through a call).

use std::cell::{OnceCell, RefCell};

use rustc_hash::FxHashMap;

use crate::semantic::facts::Val;
use crate::semantic::functions::FunctionTable;
use crate::semantic::index::{
    Callee, FileSummary, FunctionLocks, LockInfo, LockKind, LockName, LockScope, LockStep,
    ProjectIndex, Symbol,
};
use crate::span::Span;

/// A lock of the project, by index into [`LockGraph::locks`].
pub type LockId = u32;
/// A function of the project, by its id in the index's
/// [`FunctionTable`] (see [`LockGraph::function`]).
pub type FunctionId = usize;

pub struct Lock {
    pub id: String,
    pub kind: LockKind,
    pub asyncio: bool,
    pub scope: LockScope,
}

/// A function as the index holds it.
#[derive(Clone, Copy)]
pub struct Function<'a> {
    pub file: &'a FileSummary,
    pub locks: &'a FunctionLocks,
}

/// One transitive acquisition: the lock, and the function and line that
/// take it (the witness shown in messages).
#[derive(Clone, Copy, Debug)]
pub struct Acquisition {
    pub lock: LockId,
    pub by: FunctionId,
    pub line: u32,
    /// A per-instance lock of the function's own `self` (directly or
    /// through `self.` calls): on a call `x.m()`, the lock of `x`.
    pub on_self: bool,
}

/// PF206: a per-instance lock acquired while the same lock of another
/// receiver of the class is held (`with a.lock:` … `with b.lock:`).
#[derive(Clone, Debug)]
pub struct SameClass {
    pub lock: LockId,
    pub site: Site,
    /// The receivers as written (`a`, `b`; `self` for the method's own).
    pub held: String,
    pub taken: String,
}

/// A step that creates an edge (or a re-acquisition).
#[derive(Clone, Copy, Debug)]
pub struct Site {
    pub function: FunctionId,
    pub span: Span,
    pub noqa_row: u32,
    /// Through a call: the callee and who in it acquires the lock.
    pub via: Option<(FunctionId, Acquisition)>,
}

/// A file's lock indexes, resolved against the project, and its callees
/// (a callee with whether it is a `self.` call), resolved on first use:
/// most callees are in functions that hold no lock and are reached from no
/// function that does, and resolving a name (imports, re-exports, bases)
/// is the expensive part of the build.
type ResolvedFile = (
    Vec<Option<LockId>>,
    Vec<OnceCell<Option<(FunctionId, bool, bool)>>>,
);

pub struct LockGraph<'a> {
    pub locks: Vec<Lock>,
    /// The functions, numbered in module-name order (shared with the
    /// effects solve).
    table: &'a FunctionTable,
    /// Per file: its locks and callees, resolved.
    files: Vec<ResolvedFile>,
    /// Each module's slot in `files`, by its position in the index.
    slots: Vec<u32>,
    /// `(held, acquired)` → the steps creating that edge, in order.
    pub edges: FxHashMap<(LockId, LockId), Vec<Site>>,
    /// A lock acquired again while held.
    pub reacquired: Vec<(LockId, Site)>,
    /// The lock of one receiver acquired while another receiver's is held.
    pub same_class: Vec<SameClass>,
    pub threads: Vec<(FunctionId, String, &'a FileSummary, u32)>,
    index: &'a ProjectIndex,
    /// `(class, method)` → the qualified name of the method's definition
    /// (the class or an in-project base), shared by every file's callees.
    owners: RefCell<FxHashMap<(&'a str, &'a str), Option<String>>>,
}

const MAX_DEPTH: usize = 64;

/// Each function's transitive acquisitions, once computed: only the
/// functions reached from a step taken while holding a lock are.
type Transitive = FxHashMap<FunctionId, Vec<Acquisition>>;

impl<'a> LockGraph<'a> {
    pub fn build(index: &'a ProjectIndex) -> Self {
        let mut table: FxHashMap<&str, &LockInfo> = FxHashMap::default();
        let mut files: Vec<&FileSummary> = index
            .modules()
            .filter(|f| !f.lock_events.is_empty() || !f.locks.is_empty())
            .collect();
        files.sort_by(|a, b| a.module.cmp(&b.module));
        for file in &files {
            for lock in &file.locks {
                table.insert(&lock.id, lock);
            }
        }
        let mut graph = LockGraph {
            locks: Vec::new(),
            table: index.function_table(),
            files: Vec::new(),
            slots: Vec::new(),
            edges: FxHashMap::default(),
            reacquired: Vec::new(),
            same_class: Vec::new(),
            threads: Vec::new(),
            index,
            owners: Default::default(),
        };
        // A file's slot, by position (the files are sorted by module, as
        // the table numbers them).
        let mut slots = vec![u32::MAX; index.len()];
        let mut at = 0;
        for &(position, _) in graph.table.modules() {
            let module = &index.summary_at(position).module;
            while files[at].module != *module {
                at += 1;
            }
            slots[position as usize] = at as u32;
        }
        graph.slots = slots;
        let resolver = Resolver {
            index,
            table: &table,
        };
        let mut lock_ids: FxHashMap<String, LockId> = FxHashMap::default();
        for file in &files {
            let events = &file.lock_events;
            let locks = events
                .locks
                .iter()
                .map(|name| {
                    let (id, kind, asyncio, scope) = resolver.resolve_lock(name)?;
                    let next = graph.locks.len() as LockId;
                    Some(*lock_ids.entry(id.clone()).or_insert_with(|| {
                        graph.locks.push(Lock {
                            id,
                            kind,
                            asyncio,
                            scope,
                        });
                        next
                    }))
                })
                .collect();
            let callees = events.callees.iter().map(|_| OnceCell::new()).collect();
            graph.files.push((locks, callees));
        }
        let mut threads = Vec::new();
        for (i, file) in files.iter().enumerate() {
            for thread in &file.lock_events.threads {
                if let Some((target, _, _)) = graph.resolve_callee(file, i, thread.target) {
                    threads.push((target, thread.how.clone(), *file, thread.line));
                }
            }
        }
        graph.threads = threads;
        graph.add_edges();
        graph
    }

    /// How many functions the project has (ids are `0..len`).
    pub fn function_count(&self) -> usize {
        self.table.len()
    }

    /// The function with this id.
    pub fn function(&self, function: FunctionId) -> Function<'a> {
        let (file, locks) = self
            .index
            .function(function as u32)
            .expect("a function id of the table");
        Function { file, locks }
    }

    /// The function's file's slot in `files`.
    fn slot(&self, function: FunctionId) -> usize {
        let (position, _) = self
            .table
            .place(function as u32)
            .expect("a function id of the table");
        self.slots[position as usize] as usize
    }

    /// The first function with this qualified name.
    fn named(&self, name: &str) -> Option<FunctionId> {
        self.index.function_id(name).map(|id| id as usize)
    }

    pub fn lock_of(&self, function: FunctionId, local: u32) -> Option<LockId> {
        self.files[self.slot(function)].0[local as usize]
    }

    /// The callee of a call in `function`, and whether it is a `self.` call.
    pub fn callee_of(&self, function: FunctionId, local: u32) -> Option<(FunctionId, bool)> {
        self.callee_via(function, local)
            .map(|(g, through_self, _)| (g, through_self))
    }

    /// The callee, whether it is a `self.` call, and whether it is a method
    /// of an inferred receiver (`acct.deposit()`, `REGISTRY.add()` on a
    /// module-level instance).
    fn callee_via(&self, function: FunctionId, local: u32) -> Option<(FunctionId, bool, bool)> {
        let slot = self.slot(function);
        self.resolve_callee(self.function(function).file, slot, local)
    }

    /// Callee `local` of `file` (the `i`th file of the graph), resolved
    /// once.
    fn resolve_callee(
        &self,
        file: &'a FileSummary,
        i: usize,
        local: u32,
    ) -> Option<(FunctionId, bool, bool)> {
        *self.files[i].1[local as usize].get_or_init(|| {
            let callee = &file.lock_events.callees[local as usize];
            if let Some(name) = self.callee_name(callee) {
                let id = self.named(&name)?;
                return Some((
                    id,
                    matches!(callee, Callee::Method { .. }),
                    matches!(callee, Callee::OnValue { .. }),
                ));
            }
            // `REGISTRY.add()`: a method of a module-level instance.
            let Callee::Function(name) = callee else {
                return None;
            };
            let (head, method) = crate::semantic::qualified_name::split_member(name)?;
            let class = self.index.class_of(&Val::Global(head.into()))?;
            let owner = self.index.method_owner(&class, method)?;
            Some((self.named(&owner)?, false, true))
        })
    }

    /// The qualified name of the function a file's callee stands for.
    fn callee_name(&self, callee: &'a Callee) -> Option<std::borrow::Cow<'a, str>> {
        use std::borrow::Cow;
        match callee {
            Callee::Function(name) => {
                if self.named(name).is_some() {
                    return Some(Cow::Borrowed(name));
                }
                match self.index.resolve(name) {
                    Some(Symbol::Function { module, function }) => {
                        Some(Cow::Owned(format!("{}.{}", module.module, function.name)))
                    }
                    Some(_) => None,
                    None => {
                        let (class, method) = name.rsplit_once('.')?;
                        self.method_owner(class, method).map(Cow::Owned)
                    }
                }
            }
            Callee::Method { class, method } => {
                let own = format!("{class}.{method}");
                if self.named(&own).is_some() {
                    return Some(Cow::Owned(own));
                }
                self.method_owner(class, method).map(Cow::Owned)
            }
            Callee::OnValue { value, method, .. } => {
                let class = self.index.class_of(value)?;
                self.index.method_owner(&class, method).map(Cow::Owned)
            }
        }
    }

    /// The function `method` called on `value` stands for.
    fn value_method(&self, value: &Val, method: &str) -> Option<FunctionId> {
        self.index
            .value_method_id(value, method)
            .map(|id| id as FunctionId)
    }

    fn method_owner(&self, class: &'a str, method: &'a str) -> Option<String> {
        if let Some(owner) = self.owners.borrow().get(&(class, method)) {
            return owner.clone();
        }
        let owner = self.index.method_owner(class, method);
        self.owners
            .borrow_mut()
            .insert((class, method), owner.clone());
        owner
    }

    /// The receiver of the per-instance lock a function's lock `local`
    /// names, as written, when it is one object (`self`, a parameter).
    fn receiver(&self, function: FunctionId, local: u32) -> Option<&'a str> {
        let file: &'a FileSummary = self.function(function).file;
        match &file.lock_events.locks[local as usize] {
            LockName::Known {
                scope: LockScope::Instance,
                ..
            }
            | LockName::Inherited { .. } => Some("self"),
            LockName::Value { receiver, .. } => receiver.as_deref(),
            _ => None,
        }
    }

    /// The receiver of a call a function makes (`self` for `self.m()`,
    /// `acct` for `acct.m()`), when it is one object; and whether the call
    /// is on an inferred value.
    fn call_receiver(&self, function: FunctionId, local: u32) -> Option<&'a str> {
        let file: &'a FileSummary = self.function(function).file;
        match &file.lock_events.callees[local as usize] {
            Callee::Method { .. } => Some("self"),
            Callee::OnValue { receiver, .. } => receiver.as_deref(),
            Callee::Function(_) => None,
        }
    }

    fn add_edges(&mut self) {
        let mut memo = Transitive::default();
        let mut on_stack = vec![false; self.function_count()];
        for f in 0..self.function_count() {
            let steps: &'a [crate::semantic::index::HeldStep] = self.function(f).locks.held_steps();
            for step in steps {
                let held: Vec<(LockId, u32)> = step
                    .held
                    .iter()
                    .filter_map(|&l| Some((self.lock_of(f, l)?, l)))
                    .collect();
                let site = Site {
                    function: f,
                    span: step.span,
                    noqa_row: step.noqa_row,
                    via: None,
                };
                match step.step {
                    LockStep::Acquire { lock, blocking } => {
                        let Some(taken) = self.lock_of(f, lock).filter(|_| blocking) else {
                            continue;
                        };
                        let taken_receiver = self.receiver(f, lock);
                        for &(h, local) in &held {
                            if h == taken
                                && local != lock
                                && self.locks[h as usize].scope == LockScope::Instance
                            {
                                // Two names of one class's lock: the same
                                // object only if the same receiver.
                                let held_receiver = self.receiver(f, local);
                                self.same_lock(
                                    h,
                                    site,
                                    held_receiver,
                                    taken_receiver,
                                    step.ordered,
                                );
                                continue;
                            }
                            self.edge(h, taken, site);
                        }
                    }
                    LockStep::Call { callee } => {
                        let Some((g, through_self, on_value)) = self.callee_via(f, callee) else {
                            continue;
                        };
                        let call_receiver = self.call_receiver(f, callee);
                        let acquired = self.transitive(g, &mut memo, &mut on_stack, 0).to_vec();
                        for acquisition in acquired {
                            let instance =
                                self.locks[acquisition.lock as usize].scope == LockScope::Instance;
                            if instance && !through_self && !on_value {
                                continue;
                            }
                            let site = Site {
                                via: Some((g, acquisition)),
                                ..site
                            };
                            // The callee's own lock is the receiver's.
                            let taken_receiver = call_receiver.filter(|_| acquisition.on_self);
                            for &(h, local) in &held {
                                if h == acquisition.lock && instance {
                                    let held_receiver = self.receiver(f, local);
                                    self.same_lock(
                                        h,
                                        site,
                                        held_receiver,
                                        taken_receiver,
                                        step.ordered,
                                    );
                                    continue;
                                }
                                self.edge(h, acquisition.lock, site);
                            }
                        }
                    }
                }
            }
        }
    }

    /// A per-instance lock taken while a lock of the same identity is
    /// held: the same receiver takes it again (PF201), another receiver's
    /// is PF206's; an unknown receiver says nothing.
    fn same_lock(
        &mut self,
        lock: LockId,
        site: Site,
        held: Option<&str>,
        taken: Option<&str>,
        ordered: bool,
    ) {
        match (held, taken) {
            (Some(a), Some(b)) if a == b => self.reacquired.push((lock, site)),
            (Some(a), Some(b)) if !ordered => self.same_class.push(SameClass {
                lock,
                site,
                held: a.to_string(),
                taken: b.to_string(),
            }),
            _ => {}
        }
    }

    fn edge(&mut self, held: LockId, taken: LockId, site: Site) {
        if held == taken {
            self.reacquired.push((taken, site));
            return;
        }
        let local = |l: LockId| self.locks[l as usize].scope == LockScope::Local;
        if local(held) || local(taken) {
            return;
        }
        let sites = self.edges.entry((held, taken)).or_default();
        if !sites
            .iter()
            .any(|s| s.span == site.span && s.function == site.function)
        {
            sites.push(site);
        }
    }

    /// Every lock `f` acquires, itself or through the calls it makes (a
    /// function's local locks are its own and not passed up). Memoized; a
    /// call back into a function being computed adds nothing.
    fn transitive<'m>(
        &self,
        f: FunctionId,
        memo: &'m mut Transitive,
        on_stack: &mut Vec<bool>,
        depth: usize,
    ) -> &'m [Acquisition] {
        if !memo.contains_key(&f) {
            let mut out: Vec<Acquisition> = Vec::new();
            let function = self.function(f);
            for &(lock, line) in function.locks.acquires() {
                if let Some(id) = self.lock_of(f, lock)
                    && self.locks[id as usize].scope != LockScope::Local
                    && !out.iter().any(|a| a.lock == id)
                {
                    let on_self = self.locks[id as usize].scope == LockScope::Instance
                        && self.receiver(f, lock) == Some("self");
                    out.push(Acquisition {
                        lock: id,
                        by: f,
                        line,
                        on_self,
                    });
                }
            }
            if depth < MAX_DEPTH {
                on_stack[f] = true;
                for &callee in function.file.lock_events.calls(function.locks) {
                    let Some((g, through_self, on_value)) = self.callee_via(f, callee) else {
                        continue;
                    };
                    if on_stack[g] {
                        continue;
                    }
                    for a in self.transitive(g, memo, on_stack, depth + 1) {
                        let instance = self.locks[a.lock as usize].scope == LockScope::Instance;
                        if (through_self || on_value || !instance)
                            && !out.iter().any(|o| o.lock == a.lock)
                        {
                            // Through `x.m()`, the callee's own lock is `x`'s.
                            out.push(Acquisition {
                                on_self: a.on_self && through_self,
                                ..*a
                            });
                        }
                    }
                }
                // The methods a sync function calls on inferred receivers,
                // as its effect events record them.
                let events = &function.file.lock_events;
                let value_calls = function.locks.effects.iter().flat_map(|e| &e.value_calls);
                for &callee in value_calls {
                    let Some((value, method)) = events.value_call(callee) else {
                        continue;
                    };
                    let Some(g) = self.value_method(value, method) else {
                        continue;
                    };
                    if on_stack[g] {
                        continue;
                    }
                    for a in self.transitive(g, memo, on_stack, depth + 1) {
                        if !out.iter().any(|o| o.lock == a.lock) {
                            out.push(Acquisition {
                                on_self: false,
                                ..*a
                            });
                        }
                    }
                }
                on_stack[f] = false;
            }
            memo.insert(f, out);
        }
        memo.get(&f).map_or(&[], Vec::as_slice)
    }

    /// The function's name without its module (`Bank.refund`).
    pub fn function_name(&self, f: FunctionId) -> &str {
        let function = self.function(f);
        function.file.lock_events.name(function.locks)
    }

    /// The lock's identity as seen from `module` (`Bank.lock_a` there,
    /// `shop.bank.Bank.lock_a` elsewhere).
    pub fn lock_name(&self, lock: LockId, module: &str) -> &str {
        strip_module(&self.locks[lock as usize].id, module)
    }
}

pub fn strip_module<'s>(name: &'s str, module: &str) -> &'s str {
    if module.is_empty() {
        return name;
    }
    name.strip_prefix(module)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or(name)
}

/// The project's identity of a lock a file names.
struct Resolver<'r> {
    index: &'r ProjectIndex,
    table: &'r FxHashMap<&'r str, &'r LockInfo>,
}

impl<'r> Resolver<'r> {
    fn resolve_lock(&self, name: &LockName) -> Option<(String, LockKind, bool, LockScope)> {
        let (index, table) = (self.index, self.table);
        let from_info = |info: &LockInfo| {
            let scope = if info.per_instance {
                LockScope::Instance
            } else {
                LockScope::Global
            };
            Some((info.id.clone(), info.kind, info.asyncio, scope))
        };
        match name {
            LockName::Known { id, kind, scope } => {
                let asyncio = table.get(id.as_str()).is_some_and(|i| i.asyncio);
                Some((id.clone(), *kind, asyncio, *scope))
            }
            LockName::Imported(qualified) => self.global_lock(qualified, 0).and_then(from_info),
            LockName::Value { value, .. } => self.value_lock(value, 0).and_then(from_info),
            LockName::Inherited { class, attr } => index
                .class_and_bases(class)
                .into_iter()
                .find_map(|(module, info)| {
                    let id = format!("{}.{}.{attr}", module.module, info.name);
                    table.get(id.as_str()).and_then(|i| from_info(i))
                }),
        }
    }

    /// The lock a value is, when the project says so (RULES.md "Lock
    /// identity"): an attribute of an instance of an in-project class that
    /// creates a lock there (`self.ledger.lock` → `bank.ledger.Ledger.lock`), a
    /// module global lock reached through imports, or what an in-project
    /// function or method returns (`get_lock()` → `locks.LOCK`).
    fn value_lock(&self, value: &Val, depth: usize) -> Option<&'r LockInfo> {
        let (index, table) = (self.index, self.table);
        if depth > 8 {
            return None;
        }
        match value {
            Val::Attr(base, attr) => {
                if let Val::Global(module) = &**base
                    && let Some(Symbol::Module(_)) = index.resolve(module)
                {
                    return self.global_lock(&format!("{module}.{attr}"), depth + 1);
                }
                let class = index.class_of(base)?;
                // The first class of the MRO that gives the attribute decides.
                for (module, info) in index.class_and_bases(&class) {
                    let id = format!("{}.{}.{attr}", module.module, info.name);
                    if let Some(lock) = table.get(id.as_str()) {
                        return Some(lock);
                    }
                    if info.attrs.iter().any(|(n, _)| n == attr.as_str())
                        || info.methods.iter().any(|m| m.name == attr.as_str())
                    {
                        return None;
                    }
                }
                None
            }
            Val::Global(name) => self.global_lock(name, depth + 1),
            // What the called function returns, or, for a `@contextmanager`,
            // what it holds around its `yield`.
            Val::Call(_) | Val::MethodCall(..) => {
                let (_, function, _) = index.called_function(value)?;
                match function.returns.as_deref() {
                    Some(returns) => self.value_lock(returns, depth + 1),
                    None => self.held_by_context_manager(value, depth),
                }
            }
            Val::Instance(_) => None,
        }
    }

    /// A module-level lock by qualified name, through re-exports and
    /// module-level names bound to one (`LOCK = get_lock()`).
    fn global_lock(&self, qualified: &str, depth: usize) -> Option<&'r LockInfo> {
        let (index, table) = (self.index, self.table);
        let mut name = qualified.to_string();
        for _ in 0..8 {
            if let Some(info) = table.get(name.as_str()) {
                return Some(info);
            }
            let (module, member) = name.rsplit_once('.')?;
            let Some(summary) = index.module(module) else {
                // `pkg.registry.REGISTRY.lock`: an attribute of a
                // module-level instance.
                if depth > 8 {
                    return None;
                }
                let value = Val::Attr(Box::new(Val::Global(module.into())), member.into());
                return self.value_lock(&value, depth + 1);
            };
            if let Some((_, value)) = summary.values.iter().find(|(n, _)| n == member) {
                return self.value_lock(value, depth + 1);
            }
            let (_, target) = summary.imports.iter().rev().find(|(l, _)| l == member)?;
            name = target.to_string();
        }
        None
    }

    /// `with self.locked():` where `locked` is a `@contextmanager` that takes
    /// one lock (`with self._lock: yield`): that lock (RULES.md "Lock
    /// identity").
    fn held_by_context_manager(&self, value: &Val, depth: usize) -> Option<&'r LockInfo> {
        if depth > 8 {
            return None;
        }
        match self.index.context_manager_lock(value)?.1 {
            LockName::Known { id, .. } => self.table.get(id.as_str()).copied(),
            LockName::Imported(name) => self.global_lock(name, depth + 1),
            LockName::Value { value, .. } => self.value_lock(value, depth + 1),
            LockName::Inherited { class, attr } => self
                .index
                .class_and_bases(class)
                .into_iter()
                .find_map(|(module, info)| {
                    let id = format!("{}.{}.{attr}", module.module, info.name);
                    self.table.get(id.as_str()).copied()
                }),
        }
    }
}

//! The project half of the lock rules: the files' lock events resolved
//! against the index (imported locks, locks inherited from in-project bases,
//! callees through imports, re-exports and bases), each function's
//! transitive acquisitions (memoized, cycle-safe), and the lock graph (an
//! edge A→B when B is acquired while A is held, directly or through a call).

use rustc_hash::FxHashMap;

use crate::semantic::index::{
    Callee, FileSummary, FunctionLocks, LockInfo, LockKind, LockName, LockScope, LockStep,
    ProjectIndex, Symbol,
};
use crate::span::Span;

/// A lock of the project, by index into [`LockGraph::locks`].
pub type LockId = u32;
/// A function of the project, by index into [`LockGraph::functions`].
pub type FunctionId = usize;

pub struct Lock {
    pub id: String,
    pub kind: LockKind,
    pub asyncio: bool,
    pub scope: LockScope,
}

pub struct Function<'a> {
    pub file: &'a FileSummary,
    pub locks: &'a FunctionLocks,
    /// The file's locks and callees, resolved.
    lock_map: usize,
}

/// One transitive acquisition: the lock, and the function and line that
/// take it (the witness shown in messages).
#[derive(Clone, Copy, Debug)]
pub struct Acquisition {
    pub lock: LockId,
    pub by: FunctionId,
    pub line: u32,
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

/// A file's lock indexes and callee indexes, resolved against the project
/// (a callee with whether it is a `self.` call).
type ResolvedFile = (Vec<Option<LockId>>, Vec<Option<(FunctionId, bool)>>);

pub struct LockGraph<'a> {
    pub locks: Vec<Lock>,
    pub functions: Vec<Function<'a>>,
    /// Per file: its locks and callees, resolved.
    files: Vec<ResolvedFile>,
    /// `(held, acquired)` → the steps creating that edge, in order.
    pub edges: FxHashMap<(LockId, LockId), Vec<Site>>,
    /// A lock acquired again while held.
    pub reacquired: Vec<(LockId, Site)>,
    pub threads: Vec<(FunctionId, String, &'a FileSummary, u32)>,
}

const MAX_DEPTH: usize = 64;

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
            functions: Vec::new(),
            files: Vec::new(),
            edges: FxHashMap::default(),
            reacquired: Vec::new(),
            threads: Vec::new(),
        };
        let mut by_name: FxHashMap<&str, FunctionId> = FxHashMap::default();
        for (i, file) in files.iter().enumerate() {
            for function in &file.lock_events.functions {
                by_name
                    .entry(&function.name)
                    .or_insert(graph.functions.len());
                graph.functions.push(Function {
                    file,
                    locks: function,
                    lock_map: i,
                });
            }
        }
        let mut lock_ids: FxHashMap<String, LockId> = FxHashMap::default();
        for file in &files {
            let events = &file.lock_events;
            let locks = events
                .locks
                .iter()
                .map(|name| {
                    let (id, kind, asyncio, scope) = resolve_lock(index, &table, name)?;
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
            let callees = events
                .callees
                .iter()
                .map(|callee| {
                    let name = resolve_callee(index, &by_name, callee)?;
                    let id = *by_name.get(name.as_str())?;
                    Some((id, matches!(callee, Callee::Method { .. })))
                })
                .collect();
            graph.files.push((locks, callees));
        }
        let mut threads = Vec::new();
        for (file, resolved) in files.iter().zip(&graph.files) {
            for thread in &file.lock_events.threads {
                if let Some((target, _)) = resolved.1[thread.target as usize] {
                    threads.push((target, thread.how.clone(), *file, thread.line));
                }
            }
        }
        graph.threads = threads;
        graph.add_edges();
        graph
    }

    pub fn lock_of(&self, function: FunctionId, local: u32) -> Option<LockId> {
        self.files[self.functions[function].lock_map].0[local as usize]
    }

    /// The callee of a call in `function`, and whether it is a `self.` call.
    pub fn callee_of(&self, function: FunctionId, local: u32) -> Option<(FunctionId, bool)> {
        self.files[self.functions[function].lock_map].1[local as usize]
    }

    fn add_edges(&mut self) {
        let mut memo: Vec<Option<Vec<Acquisition>>> = vec![None; self.functions.len()];
        let mut on_stack = vec![false; self.functions.len()];
        for f in 0..self.functions.len() {
            for step in &self.functions[f].locks.held_steps {
                let held: Vec<LockId> = step
                    .held
                    .iter()
                    .filter_map(|&l| self.lock_of(f, l))
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
                        for &h in &held {
                            self.edge(h, taken, site);
                        }
                    }
                    LockStep::Call { callee } => {
                        let Some((g, through_self)) = self.callee_of(f, callee) else {
                            continue;
                        };
                        let acquired = self.transitive(g, &mut memo, &mut on_stack, 0).to_vec();
                        for acquisition in acquired {
                            if !through_self
                                && self.locks[acquisition.lock as usize].scope
                                    == LockScope::Instance
                            {
                                continue;
                            }
                            let site = Site {
                                via: Some((g, acquisition)),
                                ..site
                            };
                            for &h in &held {
                                self.edge(h, acquisition.lock, site);
                            }
                        }
                    }
                }
            }
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
        memo: &'m mut Vec<Option<Vec<Acquisition>>>,
        on_stack: &mut Vec<bool>,
        depth: usize,
    ) -> &'m [Acquisition] {
        if memo[f].is_none() {
            let mut out: Vec<Acquisition> = Vec::new();
            let function = &self.functions[f];
            for &(lock, line) in &function.locks.acquires {
                if let Some(lock) = self.lock_of(f, lock)
                    && self.locks[lock as usize].scope != LockScope::Local
                    && !out.iter().any(|a| a.lock == lock)
                {
                    out.push(Acquisition { lock, by: f, line });
                }
            }
            if depth < MAX_DEPTH {
                on_stack[f] = true;
                for &callee in &function.locks.calls {
                    let Some((g, through_self)) = self.callee_of(f, callee) else {
                        continue;
                    };
                    if on_stack[g] {
                        continue;
                    }
                    for a in self.transitive(g, memo, on_stack, depth + 1) {
                        let instance = self.locks[a.lock as usize].scope == LockScope::Instance;
                        if (through_self || !instance) && !out.iter().any(|o| o.lock == a.lock) {
                            out.push(*a);
                        }
                    }
                }
                on_stack[f] = false;
            }
            memo[f] = Some(out);
        }
        memo[f].as_deref().unwrap_or_default()
    }

    /// The function's name without its module (`Bank.refund`).
    pub fn function_name(&self, f: FunctionId) -> &str {
        let function = &self.functions[f];
        strip_module(&function.locks.name, &function.file.module)
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
fn resolve_lock(
    index: &ProjectIndex,
    table: &FxHashMap<&str, &LockInfo>,
    name: &LockName,
) -> Option<(String, LockKind, bool, LockScope)> {
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
        LockName::Imported(qualified) => {
            let mut name = qualified.clone();
            for _ in 0..8 {
                if let Some(info) = table.get(name.as_str()) {
                    return from_info(info);
                }
                // A re-export: `from .locks import DB_LOCK` in an `__init__.py`.
                let (module, member) = name.rsplit_once('.')?;
                let summary = index.module(module)?;
                let (_, target) = summary.imports.iter().rev().find(|(l, _)| l == member)?;
                name = target.clone();
            }
            None
        }
        LockName::Inherited { class, attr } => {
            index
                .class_and_bases(class)
                .into_iter()
                .find_map(|(module, info)| {
                    let id = format!("{}.{}.{attr}", module.module, info.name);
                    table.get(id.as_str()).and_then(|i| from_info(i))
                })
        }
    }
}

/// The qualified name of the function a file's callee stands for.
fn resolve_callee(
    index: &ProjectIndex,
    by_name: &FxHashMap<&str, FunctionId>,
    callee: &Callee,
) -> Option<String> {
    match callee {
        Callee::Function(name) => {
            if by_name.contains_key(name.as_str()) {
                return Some(name.clone());
            }
            match index.resolve(name) {
                Some(Symbol::Function { module, function }) => {
                    Some(format!("{}.{}", module.module, function.name))
                }
                Some(_) => None,
                None => {
                    let (class, method) = name.rsplit_once('.')?;
                    index.method_owner(class, method)
                }
            }
        }
        Callee::Method { class, method } => {
            let own = format!("{class}.{method}");
            if by_name.contains_key(own.as_str()) {
                return Some(own);
            }
            index.method_owner(class, method)
        }
    }
}

//! Scopes, bindings and name resolution for one file, kept up to date by the
//! checker's walk. Rules ask it questions; they never resolve names themselves.

use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use crate::ast::{self, Expr};
use crate::semantic::module_name::{ModuleName, resolve_relative};
use crate::semantic::qualified_name::QualifiedName;

pub type ScopeId = usize;
pub type BindingId = usize;

#[derive(Clone, Copy, Debug)]
pub enum ScopeKind<'a> {
    Module,
    Class(&'a ast::StmtClassDef),
    Function(&'a ast::StmtFunctionDef),
    Lambda(&'a ast::ExprLambda),
    /// A comprehension's own scope: transparent for the function context.
    Comprehension,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind<'a>,
    pub parent: Option<ScopeId>,
    /// The scope's names, looked up by a hash computed once per lookup
    /// (a lookup may walk several scopes).
    names: hashbrown::HashTable<(&'a str, BindingId)>,
    /// Names declared `global` or `nonlocal` here.
    declared_outside: FxHashSet<&'a str>,
    /// A `from m import *` here: unknown names may come from it.
    pub has_star_import: bool,
    /// A `yield` appears directly in this function.
    pub is_generator: bool,
    /// Every binding made in this scope, in order.
    pub bindings: Vec<BindingId>,
}

/// The hash a scope's names are kept by.
fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

impl<'a> Scope<'a> {
    /// The binding `name` (whose [`name_hash`] is `hash`) has here.
    fn get(&self, name: &str, hash: u64) -> Option<BindingId> {
        self.names
            .find(hash, |&(n, _)| n == name)
            .map(|&(_, binding)| binding)
    }

    /// Binds `name` here; returns the binding it shadows.
    fn insert(&mut self, name: &'a str, binding: BindingId) -> Option<BindingId> {
        let hash = name_hash(name);
        match self
            .names
            .entry(hash, |&(n, _)| n == name, |&(n, _)| name_hash(n))
        {
            hashbrown::hash_table::Entry::Occupied(mut entry) => {
                Some(std::mem::replace(&mut entry.get_mut().1, binding))
            }
            hashbrown::hash_table::Entry::Vacant(entry) => {
                entry.insert((name, binding));
                None
            }
        }
    }

    fn new(kind: ScopeKind<'a>, parent: Option<ScopeId>) -> Self {
        let capacity = match kind {
            ScopeKind::Module => 64,
            ScopeKind::Class(_) | ScopeKind::Function(_) => 8,
            ScopeKind::Lambda(_) | ScopeKind::Comprehension => 0,
        };
        Self {
            kind,
            parent,
            names: hashbrown::HashTable::with_capacity(capacity),
            declared_outside: FxHashSet::default(),
            has_star_import: false,
            is_generator: false,
            bindings: Vec::with_capacity(capacity),
        }
    }

    pub fn is_declared_outside(&self, name: &str) -> bool {
        self.declared_outside.contains(name)
    }
}

#[derive(Clone, Copy, Debug)]
pub enum BindingKind<'a> {
    /// `import a.b as c` (→ `a.b`), `import a.b` (binds `a` → `a`),
    /// `from a import b` (→ `a.b`); the target is the binding's `qualified`.
    Import,
    FunctionDef(&'a ast::StmtFunctionDef),
    ClassDef(&'a ast::StmtClassDef),
    /// `x = value` (element-wise for `a, b = f(), g()`; `None` when unknown).
    Assignment(Option<&'a Expr>),
    /// `x: T = value`.
    Annotated {
        annotation: &'a Expr,
        value: Option<&'a Expr>,
    },
    Parameter(&'a ast::Parameter),
    /// `with expr as x`.
    WithItem(&'a Expr),
    /// Loop targets, `except E as x`, `match` captures and the like.
    Other,
}

#[derive(Debug)]
pub struct Binding<'a> {
    pub name: &'a str,
    pub kind: BindingKind<'a>,
    pub range: TextRange,
    pub scope: ScopeId,
    /// How many loads resolved to this binding.
    pub reads: u32,
    /// For imports: the full qualified name.
    qualified: Option<QualifiedName>,
    /// The binding of the same name this one replaced in its scope (every
    /// binding of a name in a scope, newest first, without a scan).
    pub shadowed: Option<BindingId>,
}

pub struct SemanticModel<'a> {
    pub module: ModuleName,
    scopes: Vec<Scope<'a>>,
    bindings: Vec<Binding<'a>>,
    current: ScopeId,
    /// Recent lookups that found a binding, 16 by the name's hash: a name is
    /// looked up several times in a row (a call's callee is resolved by
    /// the rules, then read). Valid while no name is bound ([`Self::bind`]
    /// and `global`/`nonlocal` move to the next `generation`).
    recent: [std::cell::Cell<RecentLookup>; 16],
    generation: u32,
}

/// A lookup of a name with this hash from `start` found `binding`, in
/// `generation` (0: no lookup).
#[derive(Clone, Copy, Default)]
struct RecentLookup {
    hash: u64,
    start: ScopeId,
    generation: u32,
    binding: BindingId,
}

pub const MODULE_SCOPE: ScopeId = 0;

impl<'a> SemanticModel<'a> {
    pub fn new(module: ModuleName) -> Self {
        Self::for_source(module, 0)
    }

    /// A model for a file of `len` bytes, its tables sized for it up front:
    /// growing the bindings by doubling copied them over and over (about a
    /// binding per 64 bytes of Python, a scope per 1,024).
    pub fn for_source(module: ModuleName, len: usize) -> Self {
        let mut scopes = Vec::with_capacity(1 + len / 1024);
        scopes.push(Scope::new(ScopeKind::Module, None));
        Self {
            module,
            scopes,
            bindings: Vec::with_capacity(len / 64),
            current: MODULE_SCOPE,
            recent: Default::default(),
            generation: 1,
        }
    }

    // ----- building (called by the checker) -----

    pub fn push_scope(&mut self, kind: ScopeKind<'a>) -> ScopeId {
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind, Some(self.current)));
        self.current = id;
        id
    }

    pub fn pop_scope(&mut self) {
        self.current = self.scopes[self.current].parent.unwrap_or(MODULE_SCOPE);
    }

    pub fn set_current_scope(&mut self, id: ScopeId) {
        self.current = id;
    }

    pub fn declare_outside(&mut self, name: &'a str) {
        self.generation += 1;
        self.scopes[self.current].declared_outside.insert(name);
    }

    pub fn mark_star_import(&mut self) {
        self.scopes[self.current].has_star_import = true;
    }

    pub fn mark_generator(&mut self) {
        if let Some(id) = self.function_scope_id() {
            self.scopes[id].is_generator = true;
        }
    }

    pub fn bind(&mut self, name: &'a str, kind: BindingKind<'a>, range: TextRange) -> BindingId {
        self.generation += 1;
        let scope = self.binding_scope_for(name);
        let id = self.bindings.len();
        self.bindings.push(Binding {
            name,
            kind,
            range,
            scope,
            reads: 0,
            qualified: None,
            shadowed: None,
        });
        self.bindings[id].shadowed = self.scopes[scope].insert(name, id);
        self.scopes[scope].bindings.push(id);
        id
    }

    fn bind_import_target(&mut self, name: &'a str, target: String, range: TextRange) {
        let id = self.bind(name, BindingKind::Import, range);
        self.bindings[id].qualified = Some(QualifiedName::new(target));
    }

    /// `import` statements: the relative part is resolved against this
    /// module, so `from .db import fetch` binds `fetch` → `shop.db.fetch`.
    pub fn bind_import_from(&mut self, stmt: &'a ast::StmtImportFrom) {
        let base = if stmt.level > 0 {
            resolve_relative(
                &self.module,
                stmt.level,
                stmt.module.as_ref().map(|m| m.as_str()),
            )
        } else {
            stmt.module.as_ref().map(|m| m.to_string())
        };
        for alias in &stmt.names {
            if alias.name.as_str() == "*" {
                self.mark_star_import();
                continue;
            }
            let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            match &base {
                Some(base) => self.bind_import_target(
                    local,
                    crate::semantic::qualified_name::join(&[base, alias.name.as_str()]),
                    alias.range(),
                ),
                // An unresolvable relative import stays unknown.
                None => {
                    self.bind(local, BindingKind::Other, alias.range());
                }
            }
        }
    }

    pub fn bind_import(&mut self, stmt: &'a ast::StmtImport) {
        for alias in &stmt.names {
            let full = alias.name.as_str();
            match &alias.asname {
                Some(asname) => {
                    self.bind_import_target(asname.as_str(), full.to_string(), alias.range())
                }
                None => {
                    let top = full.split('.').next().unwrap_or(full);
                    self.bind_import_target(top, top.to_string(), alias.range());
                }
            }
        }
    }

    /// Where an assignment to `name` lands: the current scope, or the module
    /// (`global`) / an enclosing function (`nonlocal`).
    fn binding_scope_for(&self, name: &str) -> ScopeId {
        let scope = &self.scopes[self.current];
        if !scope.declared_outside.contains(name) {
            return self.current;
        }
        let mut up = scope.parent;
        while let Some(id) = up {
            let s = &self.scopes[id];
            if matches!(s.kind, ScopeKind::Function(_)) && s.get(name, name_hash(name)).is_some() {
                return id;
            }
            up = s.parent;
        }
        MODULE_SCOPE
    }

    // ----- questions -----

    pub fn current_scope_id(&self) -> ScopeId {
        self.current
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id]
    }

    pub fn scopes(&self) -> impl Iterator<Item = (ScopeId, &Scope<'a>)> {
        self.scopes.iter().enumerate()
    }

    pub fn binding(&self, id: BindingId) -> &Binding<'a> {
        &self.bindings[id]
    }

    /// The binding `name` refers to from the current scope, Python's way:
    /// enclosing class bodies are skipped, `global` goes to the module.
    pub fn lookup(&self, name: &str) -> Option<BindingId> {
        self.lookup_from(self.current, name)
    }

    pub fn lookup_from(&self, start: ScopeId, name: &str) -> Option<BindingId> {
        let hash = name_hash(name);
        // The same lookup in the same state finds the same binding (its
        // name is `name`, so the hash's lookup was of `name`).
        let recent = &self.recent[(hash >> 60) as usize];
        let last = recent.get();
        if last.generation == self.generation
            && last.hash == hash
            && last.start == start
            && self.bindings[last.binding].name == name
        {
            return Some(last.binding);
        }
        let found = self.find(start, name, hash)?;
        recent.set(RecentLookup {
            hash,
            start,
            generation: self.generation,
            binding: found,
        });
        Some(found)
    }

    /// [`Self::lookup_from`] without the recent lookups.
    fn find(&self, start: ScopeId, name: &str, hash: u64) -> Option<BindingId> {
        let mut id = start;
        let mut first = true;
        loop {
            let scope = &self.scopes[id];
            if scope.declared_outside.contains(name) && id != MODULE_SCOPE {
                // Resolve from the enclosing scopes, where the binding lives.
                first = false;
                id = scope.parent?;
                continue;
            }
            if (first || !matches!(scope.kind, ScopeKind::Class(_)))
                && let Some(binding) = scope.get(name, hash)
            {
                return Some(binding);
            }
            first = false;
            id = scope.parent?;
        }
    }

    /// The binding of `name` in one scope (a class body's method).
    pub fn binding_in_scope(&self, scope: ScopeId, name: &str) -> Option<BindingId> {
        self.scopes[scope].get(name, name_hash(name))
    }

    /// Records a load of `name`: marks the binding it resolves to as read.
    pub fn record_read(&mut self, name: &str) {
        if let Some(id) = self.lookup(name) {
            self.bindings[id].reads += 1;
        }
    }

    /// Loads of `name` resolved to any binding of it in `scope`.
    pub fn reads_in_scope(&self, scope: ScopeId, name: &str) -> u32 {
        self.scopes[scope]
            .bindings
            .iter()
            .map(|&b| &self.bindings[b])
            .filter(|b| b.name == name)
            .map(|b| b.reads)
            .sum()
    }

    fn star_import_visible(&self, from: ScopeId) -> bool {
        let mut id = Some(from);
        while let Some(s) = id {
            if self.scopes[s].has_star_import {
                return true;
            }
            id = self.scopes[s].parent;
        }
        false
    }

    /// The qualified name `expr` stands for, through imports: `t.sleep`
    /// after `import time as t` is `time.sleep`; `open` is `builtins.open`
    /// unless shadowed; a module-level `def fetch` is `<module>.fetch`.
    /// `None` when unknown (a local variable, a star import, a call result).
    pub fn resolve_qualified_name(&self, expr: &Expr) -> Option<QualifiedName> {
        self.resolve_qualified_name_in(self.current, expr)
    }

    /// [`SemanticModel::resolve_qualified_name`] as seen from `scope` (for
    /// rules that judge a function after the walk, from its final bindings).
    pub fn resolve_qualified_name_in(&self, scope: ScopeId, expr: &Expr) -> Option<QualifiedName> {
        // The members after the root name, last first (`a.b.c`: `c`, `b`):
        // the name is then built in one allocation of its size.
        let mut members: [&str; 8] = [""; 8];
        let mut depth = 0;
        let mut root = expr;
        while let Expr::Attribute(attr) = root {
            if depth == members.len() {
                return self.resolve_deep_name_in(scope, expr);
            }
            members[depth] = attr.attr.as_str();
            depth += 1;
            root = &attr.value;
        }
        let Expr::Name(name) = root else {
            return None;
        };
        let (head, tail) = self.resolve_root(scope, name.id.as_str())?;
        let members = &members[..depth];
        let len = head.len()
            + tail.map_or(0, |t| t.len() + 1)
            + members.iter().map(|m| m.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        out.push_str(head);
        if let Some(tail) = tail {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(tail);
        }
        for member in members.iter().rev() {
            out.push('.');
            out.push_str(member);
        }
        Some(QualifiedName::new(out))
    }

    /// [`SemanticModel::resolve_qualified_name_in`] for attribute chains
    /// deeper than it collects.
    fn resolve_deep_name_in(&self, scope: ScopeId, expr: &Expr) -> Option<QualifiedName> {
        match expr {
            Expr::Attribute(attr) => {
                let base = self.resolve_qualified_name_in(scope, &attr.value)?;
                Some(base.append(attr.attr.as_str()))
            }
            _ => self.resolve_qualified_name_in(scope, expr),
        }
    }

    pub fn resolve_name(&self, name: &str) -> Option<QualifiedName> {
        self.resolve_name_in(self.current, name)
    }

    fn resolve_name_in(&self, scope: ScopeId, name: &str) -> Option<QualifiedName> {
        let (head, tail) = self.resolve_root(scope, name)?;
        Some(QualifiedName::new(match tail {
            Some(tail) => dotted(&[head, tail]),
            None => head.to_string(),
        }))
    }

    /// What `name` stands for, borrowed: an import's target (`(target,
    /// None)`), a module-level definition of this file (`(module,
    /// Some(name))`) or a builtin (`("builtins", Some(name))`).
    fn resolve_root<'n>(
        &'n self,
        scope: ScopeId,
        name: &'n str,
    ) -> Option<(&'n str, Option<&'n str>)> {
        match self.lookup_from(scope, name) {
            Some(id) => {
                let binding = &self.bindings[id];
                match binding.kind {
                    BindingKind::Import => binding.qualified.as_ref().map(|q| (q.as_str(), None)),
                    BindingKind::FunctionDef(_) | BindingKind::ClassDef(_)
                        if binding.scope == MODULE_SCOPE =>
                    {
                        Some((self.module.name.as_str(), Some(name)))
                    }
                    _ => None,
                }
            }
            None if self.star_import_visible(scope) => None,
            None if ruff_python_stdlib::builtins::is_python_builtin(name, 14, false) => {
                Some(("builtins", Some(name)))
            }
            None => None,
        }
    }

    /// The qualified name of a module-level definition of this file.
    pub fn resolve_name_at_module(&self, name: &str) -> String {
        self.module_member(name).into_string()
    }

    fn module_member(&self, name: &str) -> QualifiedName {
        QualifiedName::new(dotted(&[&self.module.name, name]))
    }

    /// The expression last bound to `name` (`x = value`, `x: T = value`,
    /// `with value as x`), seen from the current scope.
    pub fn bound_value(&self, name: &str) -> Option<&'a Expr> {
        let binding = &self.bindings[self.lookup(name)?];
        match binding.kind {
            BindingKind::Assignment(value) => value,
            BindingKind::Annotated { value, .. } => value,
            BindingKind::WithItem(value) => Some(value),
            _ => None,
        }
    }

    /// The value of `name` when it is a module-level `Name = value` (or
    /// `Name: T = value`) bound exactly once so far: a type alias candidate
    /// (`StrMap = Mapping[str, str]`). `None` for anything rebound, local,
    /// imported or defined.
    pub fn module_alias_value(&self, name: &str) -> Option<&'a Expr> {
        let binding = &self.bindings[self.lookup(name)?];
        if binding.scope != MODULE_SCOPE {
            return None;
        }
        let bound = self.scopes[MODULE_SCOPE]
            .bindings
            .iter()
            .filter(|&&b| self.bindings[b].name == name)
            .count();
        if bound != 1 {
            return None;
        }
        match binding.kind {
            BindingKind::Assignment(value) => value,
            BindingKind::Annotated { value, .. } => value,
            _ => None,
        }
    }

    /// The annotation of the binding of `name` (parameter or `x: T`).
    pub fn bound_annotation(&self, name: &str) -> Option<&'a Expr> {
        let binding = &self.bindings[self.lookup(name)?];
        match binding.kind {
            BindingKind::Parameter(p) => p.annotation.as_deref(),
            BindingKind::Annotated { annotation, .. } => Some(annotation),
            _ => None,
        }
    }

    /// The innermost scope that is not a comprehension: the function or
    /// lambda whose body we are in, `None` in a class body or at module level.
    pub fn function_scope_id(&self) -> Option<ScopeId> {
        let mut id = self.current;
        loop {
            match self.scopes[id].kind {
                ScopeKind::Comprehension => id = self.scopes[id].parent?,
                ScopeKind::Function(_) | ScopeKind::Lambda(_) => return Some(id),
                ScopeKind::Class(_) | ScopeKind::Module => return None,
            }
        }
    }

    /// The `def` whose body we are in (nested sync `def`, `lambda` and class
    /// bodies end the enclosing function's context).
    pub fn current_function(&self) -> Option<&'a ast::StmtFunctionDef> {
        match self.scopes[self.function_scope_id()?].kind {
            ScopeKind::Function(def) => Some(def),
            _ => None,
        }
    }

    /// RULES.md "function context": the innermost function is `async def`.
    pub fn in_async_function(&self) -> bool {
        self.current_function().is_some_and(|f| f.is_async)
    }

    /// The class whose body directly contains the current scope's `def`
    /// (for a method), or whose body we are in.
    pub fn enclosing_class(&self) -> Option<&'a ast::StmtClassDef> {
        let mut id = self.current;
        loop {
            let scope = &self.scopes[id];
            match scope.kind {
                ScopeKind::Class(class) => return Some(class),
                ScopeKind::Function(_) | ScopeKind::Lambda(_) | ScopeKind::Comprehension => {
                    id = scope.parent?;
                    if let ScopeKind::Class(class) = self.scopes[id].kind {
                        return Some(class);
                    }
                    if !matches!(scope.kind, ScopeKind::Comprehension) {
                        return None;
                    }
                }
                ScopeKind::Module => return None,
            }
        }
    }

    /// The dotted path of a scope, for identities: `shop.bank` for the
    /// module, `shop.bank.Account` for a class body, `shop.bank.run.Local`
    /// for a class defined in a function.
    pub fn scope_qualname(&self, id: ScopeId) -> String {
        self.scope_qualname_with(id, None)
    }

    /// [`SemanticModel::scope_qualname`] followed by `.member` when given:
    /// built in one allocation (it is asked for at every call).
    pub fn scope_qualname_with<'s>(&'s self, id: ScopeId, member: Option<&str>) -> String {
        // Innermost first; reversed when joined. Deeper nesting than the
        // buffer holds is rare: it falls back to a vector.
        let mut buffer: [&'s str; 16] = [""; 16];
        let mut overflow: Vec<&'s str> = Vec::new();
        let mut len = 0;
        let mut push = |part: &'s str| {
            if len < buffer.len() {
                buffer[len] = part;
            } else {
                if overflow.is_empty() {
                    overflow.extend_from_slice(&buffer);
                }
                overflow.push(part);
            }
            len += 1;
        };
        let mut scope = Some(id);
        while let Some(s) = scope {
            match self.scopes[s].kind {
                ScopeKind::Class(class) => push(class.name.as_str()),
                ScopeKind::Function(def) => push(def.name.as_str()),
                ScopeKind::Lambda(_) => push("<lambda>"),
                ScopeKind::Comprehension | ScopeKind::Module => {}
            }
            scope = self.scopes[s].parent;
        }
        push(self.module.name.as_str());
        let parts = if overflow.is_empty() {
            &mut buffer[..len]
        } else {
            &mut overflow[..]
        };
        parts.reverse();
        match member {
            Some(member) => {
                let mut out = dotted(parts);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(member);
                out
            }
            None => dotted(parts),
        }
    }

    /// The scope a class body opened (found by identity of the node).
    pub fn class_scope(&self, class: &ast::StmtClassDef) -> Option<ScopeId> {
        self.scopes
            .iter()
            .position(|s| matches!(s.kind, ScopeKind::Class(c) if std::ptr::eq(c, class)))
    }

    /// Is the current scope the module's top level?
    pub fn at_module_level(&self) -> bool {
        self.current == MODULE_SCOPE
    }

    /// Does `name` have a binding in the current function's own scope that is
    /// declared `global`/`nonlocal`?
    pub fn is_declared_outside(&self, name: &str) -> bool {
        self.scopes[self.current].declared_outside.contains(name)
    }
}

/// The non-empty `parts` joined with dots, in one allocation.
pub fn dotted(parts: &[&str]) -> String {
    let len = parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len);
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> SemanticModel<'static> {
        SemanticModel::new(ModuleName {
            name: "shop".to_string(),
            is_package: false,
        })
    }

    /// The recent lookups never answer for a state they were not made in:
    /// a new binding, a `global`, another start scope, another name with
    /// the same text elsewhere in memory.
    #[test]
    fn recent_lookups_follow_every_binding() {
        let mut semantic = model();
        let range = TextRange::default();
        let first = semantic.bind("x", BindingKind::Other, range);
        assert_eq!(semantic.lookup("x"), Some(first));
        assert_eq!(semantic.lookup("x"), Some(first));
        // A nested scope (its kind does not matter to a lookup here).
        let inner = semantic.push_scope(ScopeKind::Comprehension);
        assert_eq!(semantic.lookup("x"), Some(first));
        let local = semantic.bind("x", BindingKind::Other, range);
        assert_eq!(semantic.lookup("x"), Some(local));
        assert_eq!(semantic.lookup_from(MODULE_SCOPE, "x"), Some(first));
        // The same text at another address is the same name.
        let copy = String::from("x");
        assert_eq!(semantic.lookup(&copy), Some(local));
        semantic.declare_outside("y");
        let global = semantic.bind("y", BindingKind::Other, range);
        assert_eq!(semantic.binding(global).scope, MODULE_SCOPE);
        assert_eq!(semantic.lookup("y"), Some(global));
        semantic.pop_scope();
        let shadow = semantic.bind("x", BindingKind::Other, range);
        assert_eq!(semantic.lookup("x"), Some(shadow));
        assert_eq!(semantic.lookup_from(inner, "x"), Some(local));
        assert_eq!(semantic.lookup("z"), None);
    }
}

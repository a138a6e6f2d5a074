//! Lock identity (RULES.md "Lock identity"): which expressions stand for a
//! lock, of which kind, and under which name the project knows it. PF107 and
//! PF111 ask [`lock_for`] during the walk; the file summary records every
//! lock a file creates ([`file_locks`]) for the project-wide lock rules.
//!
//! A lock is a name bound to a lock constructor (module global, class body,
//! function local), or an attribute a class gives one: `attr = Lock()` in
//! its body, or `self.attr = Lock()` in one of its methods. An attribute is
//! a lock only when every assignment the class makes to it creates the same
//! kind of lock (or is `None`, for lazily created locks): a class that also
//! assigns a parameter or a call result to it could hold anything.

use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::ast::{self, Expr, Stmt};
use crate::semantic::index::{LockInfo, LockKind, LockScope};
use crate::semantic::model::{BindingKind, MODULE_SCOPE, ScopeId};
use crate::semantic::{QualifiedName, ScopeKind, SemanticModel};
use crate::source::Locator;

/// A lock an expression refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockRef {
    /// `module.NAME`, `module.Class.attr`, or `module.function.NAME` for a
    /// function's local lock.
    pub id: String,
    pub kind: LockKind,
    /// An `asyncio` lock (else a `threading` one).
    pub asyncio: bool,
    /// Shared by the whole process, one per instance, or one per call.
    pub scope: LockScope,
}

impl LockRef {
    /// The short name used in messages: the identity without the module
    /// (`Bank.lock`, `CACHE_LOCK`).
    pub fn display_name<'s>(&'s self, module: &str) -> &'s str {
        if module.is_empty() {
            return &self.id;
        }
        self.id
            .strip_prefix(module)
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(&self.id)
    }

    /// `threading.Lock`, `asyncio.Semaphore`, ...
    pub fn type_name(&self) -> String {
        let module = if self.asyncio { "asyncio" } else { "threading" };
        format!("{module}.{}", kind_name(self.kind))
    }
}

fn kind_name(kind: LockKind) -> &'static str {
    match kind {
        LockKind::Lock => "Lock",
        LockKind::RLock => "RLock",
        LockKind::Semaphore => "Semaphore",
        LockKind::BoundedSemaphore => "BoundedSemaphore",
        LockKind::Condition => "Condition",
    }
}

/// The lock a constructor's qualified name creates, and whether it is an
/// `asyncio` one: `threading.Lock` → `(Lock, false)`.
pub fn lock_kind(name: &QualifiedName) -> Option<(LockKind, bool)> {
    match name.as_str() {
        "_thread.allocate_lock" | "_thread.LockType" => return Some((LockKind::Lock, false)),
        "_thread.RLock" => return Some((LockKind::RLock, false)),
        _ => {}
    }
    let (module, member) = name.as_str().rsplit_once('.')?;
    let asyncio = match module {
        "threading" => false,
        "asyncio" | "asyncio.locks" => true,
        _ => return None,
    };
    let kind = match member {
        "Lock" => LockKind::Lock,
        "RLock" if !asyncio => LockKind::RLock,
        "Semaphore" => LockKind::Semaphore,
        "BoundedSemaphore" => LockKind::BoundedSemaphore,
        "Condition" => LockKind::Condition,
        _ => return None,
    };
    Some((kind, asyncio))
}

/// Field specifiers whose factory keyword creates the attribute's value:
/// `_lock: threading.Lock = field(default_factory=threading.Lock)`.
const FIELD_FUNCTIONS: &[&str] = &[
    "dataclasses.field",
    "attrs.field",
    "attr.ib",
    "attr.attrib",
    "attr.field",
];

/// The lock `value` creates, resolving names as seen from `scope`: a call of
/// a lock constructor (any arguments), or a dataclass/attrs field whose
/// factory is one.
pub fn lock_constructor(
    semantic: &SemanticModel,
    scope: ScopeId,
    value: &Expr,
) -> Option<(LockKind, bool)> {
    let Expr::Call(call) = value else {
        return None;
    };
    let callee = semantic.resolve_qualified_name_in(scope, &call.func)?;
    if let Some(found) = lock_kind(&callee) {
        return Some(found);
    }
    if callee.is_any(FIELD_FUNCTIONS) {
        let factory = call.arguments.keywords.iter().find(|k| {
            matches!(
                k.arg.as_ref().map(|a| a.as_str()),
                Some("default_factory" | "factory")
            )
        })?;
        return lock_kind(&semantic.resolve_qualified_name_in(scope, &factory.value)?);
    }
    None
}

/// The lock `expr` refers to, seen from the current scope, or `None` when
/// it is not known to be one (a parameter, an imported name, an attribute of
/// an object that is not `self`/`cls`/a class of this file).
pub fn lock_for(semantic: &SemanticModel, expr: &Expr) -> Option<LockRef> {
    match expr {
        Expr::Name(name) => {
            let binding = semantic.binding(semantic.lookup(name.id.as_str())?);
            let value = match binding.kind {
                BindingKind::Assignment(value) => value,
                BindingKind::Annotated { value, .. } => value,
                _ => None,
            }?;
            let (kind, asyncio) = lock_constructor(semantic, binding.scope, value)?;
            let scope = match semantic.scope(binding.scope).kind {
                ScopeKind::Module | ScopeKind::Class(_) => LockScope::Global,
                _ => LockScope::Local,
            };
            Some(LockRef {
                id: semantic.scope_qualname_with(binding.scope, Some(name.id.as_str())),
                kind,
                asyncio,
                scope,
            })
        }
        Expr::Attribute(attr) => {
            let Expr::Name(receiver) = &*attr.value else {
                return None;
            };
            let class_scope = owner_class_scope(semantic, receiver.id.as_str())?;
            let ((kind, asyncio), per_instance) =
                class_attribute_lock(semantic, class_scope, attr.attr.as_str())?;
            Some(LockRef {
                id: semantic.scope_qualname_with(class_scope, Some(attr.attr.as_str())),
                kind,
                asyncio,
                scope: if per_instance {
                    LockScope::Instance
                } else {
                    LockScope::Global
                },
            })
        }
        _ => None,
    }
}

/// The class whose attributes `name.attr` reads: `name` is the first
/// parameter of a method (`self`, `cls`; not in a `staticmethod`) or a class
/// defined in this file.
fn owner_class_scope(semantic: &SemanticModel, name: &str) -> Option<ScopeId> {
    let binding = semantic.binding(semantic.lookup(name)?);
    match binding.kind {
        BindingKind::Parameter(parameter) => {
            let scope = semantic.scope(binding.scope);
            let ScopeKind::Function(def) = scope.kind else {
                return None;
            };
            let class_scope = scope.parent?;
            if !matches!(semantic.scope(class_scope).kind, ScopeKind::Class(_)) {
                return None;
            }
            let receiver = receiver_parameter(semantic, class_scope, def)?;
            std::ptr::eq(receiver, parameter).then_some(class_scope)
        }
        BindingKind::ClassDef(class) => semantic.class_scope(class),
        _ => None,
    }
}

/// A method's `self`/`cls`: its first positional parameter, unless it is a
/// `staticmethod`.
fn receiver_parameter<'a>(
    semantic: &SemanticModel,
    class_scope: ScopeId,
    def: &'a ast::StmtFunctionDef,
) -> Option<&'a ast::Parameter> {
    let is_static = def.decorator_list.iter().any(|d| {
        semantic
            .resolve_qualified_name_in(class_scope, &d.expression)
            .is_some_and(|n| n.is("builtins.staticmethod"))
    });
    if is_static {
        return None;
    }
    let parameters = &def.parameters;
    parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .next()
        .map(|p| &p.parameter)
}

/// What one assignment stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stored {
    Lock(LockKind, bool),
    /// Annotated as a lock (`lock: threading.Lock`, `self.lock:
    /// threading.Lock = lock`): the annotation decides, whatever is
    /// assigned (RULES.md "Values").
    Annotated(LockKind, bool),
    /// `None`: a lock created later, or not at all.
    Nothing,
    /// Anything else: the attribute could hold anything.
    Other,
}

struct Assignment<'a> {
    name: &'a str,
    stored: Stored,
    range: TextRange,
    /// `self.name = ...` in a method (else the class body or module).
    in_method: bool,
}

/// The lock kind of `attr` on the class of `class_scope`, when every
/// assignment the class makes to it agrees, and whether a method creates it
/// (one lock per instance) rather than the class body (one for all).
fn class_attribute_lock(
    semantic: &SemanticModel,
    class_scope: ScopeId,
    attr: &str,
) -> Option<((LockKind, bool), bool)> {
    let assignments = class_assignments(semantic, class_scope);
    let own = || assignments.iter().filter(|a| a.name == attr);
    let (lock, _) = consistent_lock(own())?;
    Some((lock, own().any(|a| a.in_method)))
}

/// `self.attr` in a method of a class that never assigns `attr` itself: the
/// lock, if it is one, comes from a base class (decided by the project
/// index). Returns the class's scope and the attribute.
pub fn inherited_attribute<'e>(
    semantic: &SemanticModel,
    expr: &'e Expr,
) -> Option<(ScopeId, &'e str)> {
    let Expr::Attribute(attr) = expr else {
        return None;
    };
    let Expr::Name(receiver) = &*attr.value else {
        return None;
    };
    let class_scope = receiver_class(semantic, receiver.id.as_str())?;
    let name = attr.attr.as_str();
    let assigned = class_assignments(semantic, class_scope)
        .iter()
        .any(|a| a.name == name);
    (!assigned).then_some((class_scope, name))
}

/// The class of the method whose `self`/`cls` parameter `name` is.
pub fn receiver_class(semantic: &SemanticModel, name: &str) -> Option<ScopeId> {
    let binding = semantic.binding(semantic.lookup(name)?);
    if !matches!(binding.kind, BindingKind::Parameter(_)) {
        return None;
    }
    owner_class_scope(semantic, name)
}

/// The lock all `assignments` agree on, with the first one creating it.
fn consistent_lock<'i, 'a: 'i>(
    assignments: impl Iterator<Item = &'i Assignment<'a>>,
) -> Option<((LockKind, bool), TextRange)> {
    let mut found: Option<((LockKind, bool), TextRange)> = None;
    let assignments: Vec<&Assignment> = assignments.collect();
    let annotated = assignments.iter().filter_map(|a| match a.stored {
        Stored::Annotated(kind, asyncio) => Some(((kind, asyncio), a.range)),
        _ => None,
    });
    for (lock, range) in annotated {
        match found {
            Some((previous, _)) if previous != lock => return None,
            Some(_) => {}
            None => found = Some((lock, range)),
        }
    }
    if found.is_some() {
        return found;
    }
    for assignment in assignments {
        match assignment.stored {
            Stored::Annotated(..) => {}
            Stored::Lock(kind, asyncio) => match found {
                Some((lock, _)) if lock != (kind, asyncio) => return None,
                Some(_) => {}
                None => found = Some(((kind, asyncio), assignment.range)),
            },
            Stored::Nothing => {}
            Stored::Other => return None,
        }
    }
    found
}

/// Every assignment a class makes to its own attributes: names bound in its
/// body, and `self.X = ...` in its methods (through `if`/`try`/`with`/loops,
/// not into nested functions). Constructors resolve from the class body.
fn class_assignments<'a>(
    semantic: &SemanticModel<'a>,
    class_scope: ScopeId,
) -> Vec<Assignment<'a>> {
    let ScopeKind::Class(class) = semantic.scope(class_scope).kind else {
        return Vec::new();
    };
    let mut scan = AssignmentScan {
        semantic,
        scope: class_scope,
        out: Vec::new(),
        in_method: false,
    };
    scan.body(&class.body, None);
    scan.out
}

struct AssignmentScan<'s, 'a> {
    semantic: &'s SemanticModel<'a>,
    scope: ScopeId,
    out: Vec<Assignment<'a>>,
    in_method: bool,
}

impl<'a> AssignmentScan<'_, 'a> {
    /// `receiver` is `None` in the class body, the method's `self` in a method.
    fn body(&mut self, body: &'a [Stmt], receiver: Option<&str>) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) if receiver.is_none() => {
                    if let Some(parameter) = receiver_parameter(self.semantic, self.scope, def) {
                        self.in_method = true;
                        self.body(&def.body, Some(parameter.name.as_str()));
                        self.in_method = false;
                    }
                }
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        self.target(target, Some(&assign.value), receiver);
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let Some((kind, asyncio)) = self.annotated_lock(&assign.annotation) {
                        self.annotated(&assign.target, kind, asyncio, receiver);
                    } else if let Some(value) = &assign.value {
                        // `x: Lock` alone declares; it stores nothing.
                        self.target(&assign.target, Some(value), receiver);
                    }
                }
                Stmt::AugAssign(assign) => self.target(&assign.target, None, receiver),
                Stmt::If(s) => {
                    self.body(&s.body, receiver);
                    for clause in &s.elif_else_clauses {
                        self.body(&clause.body, receiver);
                    }
                }
                Stmt::Try(s) => {
                    self.body(&s.body, receiver);
                    for handler in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = handler;
                        self.body(&h.body, receiver);
                    }
                    self.body(&s.orelse, receiver);
                    self.body(&s.finalbody, receiver);
                }
                Stmt::With(s) => self.body(&s.body, receiver),
                Stmt::For(s) => {
                    self.body(&s.body, receiver);
                    self.body(&s.orelse, receiver);
                }
                Stmt::While(s) => {
                    self.body(&s.body, receiver);
                    self.body(&s.orelse, receiver);
                }
                Stmt::Match(s) => {
                    for case in &s.cases {
                        self.body(&case.body, receiver);
                    }
                }
                _ => {}
            }
        }
    }

    fn target(&mut self, target: &'a Expr, value: Option<&'a Expr>, receiver: Option<&str>) {
        match target {
            Expr::Name(name) if receiver.is_none() => self.record(name.id.as_str(), value, target),
            Expr::Attribute(attr) => {
                let on_receiver = matches!(
                    (&*attr.value, receiver),
                    (Expr::Name(n), Some(r)) if n.id.as_str() == r
                );
                if on_receiver {
                    self.record(attr.attr.as_str(), value, target);
                }
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let values = match value {
                    Some(Expr::Tuple(t)) if t.elts.len() == elts.len() => Some(&t.elts[..]),
                    Some(Expr::List(l)) if l.elts.len() == elts.len() => Some(&l.elts[..]),
                    _ => None,
                };
                for (i, elt) in elts.iter().enumerate() {
                    self.target(elt, values.map(|v| &v[i]), receiver);
                }
            }
            Expr::Starred(starred) => self.target(&starred.value, None, receiver),
            _ => {}
        }
    }

    /// The lock an annotation names (`threading.Lock`, `Optional[Lock]`,
    /// `"asyncio.Lock"`).
    fn annotated_lock(&self, annotation: &Expr) -> Option<(LockKind, bool)> {
        // Cheap first: the annotation names a lock class.
        let text = match annotation {
            Expr::StringLiteral(s) => s.value.to_str(),
            _ => {
                let mut found = false;
                crate::ast::helpers::any_over_expr(annotation, |e| {
                    let name = match e {
                        Expr::Name(n) => n.id.as_str(),
                        Expr::Attribute(a) => a.attr.as_str(),
                        _ => "",
                    };
                    found |= name.ends_with("Lock")
                        || name.ends_with("Semaphore")
                        || name.ends_with("Condition");
                    false
                });
                if !found {
                    return None;
                }
                ""
            }
        };
        if !text.is_empty()
            && !["Lock", "Semaphore", "Condition"]
                .iter()
                .any(|k| text.contains(k))
        {
            return None;
        }
        let value =
            crate::semantic::values::annotation_value(self.semantic, self.scope, annotation)?;
        let crate::semantic::values::Val::Instance(name) = value else {
            return None;
        };
        lock_kind(&QualifiedName::new(name.as_str()))
    }

    /// `lock: threading.Lock` in the class body (a dataclass field, or an
    /// attribute its methods set) or `self.lock: threading.Lock = ...` in a
    /// method: one lock per instance.
    fn annotated(
        &mut self,
        target: &'a Expr,
        kind: LockKind,
        asyncio: bool,
        receiver: Option<&str>,
    ) {
        let name = match (target, receiver) {
            (Expr::Name(name), None) => name.id.as_str(),
            (Expr::Attribute(attr), Some(r)) if matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == r) => {
                attr.attr.as_str()
            }
            _ => return,
        };
        self.out.push(Assignment {
            name,
            stored: Stored::Annotated(kind, asyncio),
            range: target.range(),
            in_method: true,
        });
    }

    fn record(&mut self, name: &'a str, value: Option<&'a Expr>, target: &Expr) {
        let stored = match value {
            Some(Expr::NoneLiteral(_)) => Stored::Nothing,
            Some(value) => match lock_constructor(self.semantic, self.scope, value) {
                Some((kind, asyncio)) => Stored::Lock(kind, asyncio),
                None => Stored::Other,
            },
            None => Stored::Other,
        };
        // `field(default_factory=Lock)`: a new lock for each instance.
        let per_instance = matches!(stored, Stored::Lock(..))
            && matches!(value, Some(Expr::Call(call))
            if !call.arguments.keywords.is_empty()
                && self.semantic
                    .resolve_qualified_name_in(self.scope, &call.func)
                    .is_some_and(|n| n.is_any(FIELD_FUNCTIONS)));
        self.out.push(Assignment {
            name,
            stored,
            range: value.map_or(target.range(), Ranged::range),
            in_method: self.in_method || per_instance,
        });
    }
}

/// Every lock the file creates, for its summary: module globals, class
/// attributes (of classes anywhere in the file), in source order.
pub fn file_locks(semantic: &SemanticModel, locator: &Locator) -> Vec<LockInfo> {
    let mut locks = Vec::new();
    // Module globals: every binding of the name must agree, as for attributes.
    let module = semantic.scope(MODULE_SCOPE);
    let mut globals: Vec<Assignment> = Vec::new();
    for &id in &module.bindings {
        let binding = semantic.binding(id);
        let stored = match binding.kind {
            BindingKind::Assignment(Some(Expr::NoneLiteral(_)))
            | BindingKind::Annotated {
                value: Some(Expr::NoneLiteral(_)),
                ..
            } => Stored::Nothing,
            BindingKind::Assignment(Some(value))
            | BindingKind::Annotated {
                value: Some(value), ..
            } => match lock_constructor(semantic, MODULE_SCOPE, value) {
                Some((kind, asyncio)) => Stored::Lock(kind, asyncio),
                None => Stored::Other,
            },
            BindingKind::Annotated { value: None, .. } => Stored::Nothing,
            _ => Stored::Other,
        };
        globals.push(Assignment {
            name: binding.name,
            stored,
            range: binding.range,
            in_method: false,
        });
    }
    collect_consistent(semantic, MODULE_SCOPE, &globals, locator, &mut locks);
    for (id, scope) in semantic.scopes() {
        if matches!(scope.kind, ScopeKind::Class(_)) {
            let assignments = class_assignments(semantic, id);
            collect_consistent(semantic, id, &assignments, locator, &mut locks);
        }
    }
    locks.sort_by_key(|l| l.line);
    locks
}

fn collect_consistent(
    semantic: &SemanticModel,
    scope: ScopeId,
    assignments: &[Assignment],
    locator: &Locator,
    out: &mut Vec<LockInfo>,
) {
    // Only a name assigned a lock (or annotated as one) can be one; most
    // scopes assign none.
    if !assignments
        .iter()
        .any(|a| matches!(a.stored, Stored::Lock(..) | Stored::Annotated(..)))
    {
        return;
    }
    let mut by_name: FxHashMap<&str, Vec<&Assignment>> = FxHashMap::default();
    let mut order = Vec::new();
    for assignment in assignments {
        by_name
            .entry(assignment.name)
            .or_insert_with(|| {
                order.push(assignment.name);
                Vec::new()
            })
            .push(assignment);
    }
    for name in order {
        if let Some(((kind, asyncio), range)) = consistent_lock(by_name[name].iter().copied()) {
            out.push(LockInfo {
                id: semantic.scope_qualname_with(scope, Some(name)),
                kind,
                asyncio,
                line: locator.row(range.start()),
                per_instance: by_name[name].iter().any(|a| a.in_method),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::Checker;
    use crate::parse::parse_module;
    use crate::registry::RuleSet;
    use crate::semantic::ModuleName;
    use crate::settings::FileSettings;

    fn module(name: &str) -> ModuleName {
        ModuleName {
            name: name.to_string(),
            is_package: false,
        }
    }

    /// The lock each `with` item of the function `probe` refers to, seen
    /// from inside `probe` (`None` for an item that is not a known lock).
    fn probe(source: &str) -> Vec<Option<(String, LockKind, bool)>> {
        let locator = Locator::new(source);
        let parsed = parse_module(source).unwrap();
        let settings = FileSettings::default();
        let checker = Checker::new(
            SemanticModel::new(module("shop.bank")),
            &locator,
            &settings,
            RuleSet::default(),
        );
        let output = checker.check(parsed.suite());
        let (mut semantic, def_scopes) = (output.semantic, output.def_scopes);
        let mut found = None;
        find_probe(parsed.suite(), &mut found);
        let def = found.expect("a `def probe`");
        semantic.set_current_scope(def_scopes[&def.range().start()]);
        let mut out = Vec::new();
        for stmt in &def.body {
            if let Stmt::With(with) = stmt {
                for item in &with.items {
                    out.push(
                        lock_for(&semantic, &item.context_expr).map(|l| (l.id, l.kind, l.asyncio)),
                    );
                }
            }
        }
        out
    }

    fn find_probe<'a>(body: &'a [Stmt], found: &mut Option<&'a ast::StmtFunctionDef>) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) if def.name.as_str() == "probe" => *found = Some(def),
                Stmt::FunctionDef(def) => find_probe(&def.body, found),
                Stmt::ClassDef(class) => find_probe(&class.body, found),
                _ => {}
            }
        }
    }

    fn lock(id: &str, kind: LockKind, asyncio: bool) -> Option<(String, LockKind, bool)> {
        Some((id.to_string(), kind, asyncio))
    }

    #[test]
    fn constructor_names() {
        let kind = |n: &str| lock_kind(&QualifiedName::new(n));
        assert_eq!(kind("threading.RLock"), Some((LockKind::RLock, false)));
        assert_eq!(kind("asyncio.Semaphore"), Some((LockKind::Semaphore, true)));
        assert_eq!(
            kind("asyncio.locks.Condition"),
            Some((LockKind::Condition, true))
        );
        assert_eq!(kind("asyncio.RLock"), None);
        assert_eq!(kind("asyncio.Event"), None);
        assert_eq!(kind("threading.Event"), None);
        assert_eq!(kind("multiprocessing.Lock"), None);
    }

    #[test]
    fn module_globals_in_any_import_spelling() {
        let found = probe(
            "import threading\n\
             import threading as th\n\
             from threading import RLock as Reentrant\n\
             import asyncio\n\
             from asyncio import Semaphore\n\
             A = threading.Lock()\n\
             B = th.BoundedSemaphore(3)\n\
             C = Reentrant()\n\
             D: asyncio.Lock = asyncio.Lock()\n\
             E = Semaphore(10)\n\
             F = threading.Event()\n\
             def probe():\n\
             \x20   with A, B, C, D, E, F, undefined:\n\
             \x20       pass\n",
        );
        assert_eq!(
            found,
            vec![
                lock("shop.bank.A", LockKind::Lock, false),
                lock("shop.bank.B", LockKind::BoundedSemaphore, false),
                lock("shop.bank.C", LockKind::RLock, false),
                lock("shop.bank.D", LockKind::Lock, true),
                lock("shop.bank.E", LockKind::Semaphore, true),
                None,
                None,
            ]
        );
    }

    #[test]
    fn locals_and_enclosing_functions() {
        let found = probe(
            "import threading\n\
             def outer():\n\
             \x20   shared = threading.Lock()\n\
             \x20   def probe(param):\n\
             \x20       local = threading.Condition()\n\
             \x20       with shared, local, param:\n\
             \x20           pass\n",
        );
        assert_eq!(
            found,
            vec![
                lock("shop.bank.outer.shared", LockKind::Lock, false),
                lock("shop.bank.outer.probe.local", LockKind::Condition, false),
                None,
            ]
        );
    }

    #[test]
    fn shadowed_or_unknown_names_are_not_locks() {
        let found = probe(
            "import threading\n\
             from .locks import DB_LOCK\n\
             LOCK = threading.Lock()\n\
             def probe(LOCK):\n\
             \x20   with LOCK, DB_LOCK:\n\
             \x20       pass\n",
        );
        assert_eq!(found, vec![None, None]);
        // `Lock` from a module other than threading/asyncio.
        let found = probe(
            "from multiprocessing import Lock\n\
             L = Lock()\n\
             def probe():\n\
             \x20   with L:\n\
             \x20       pass\n",
        );
        assert_eq!(found, vec![None]);
    }

    /// A class with locks as class attributes, `self.` attributes set in
    /// methods, and attributes that are not (or not always) locks.
    const BANK: &str = "import asyncio\n\
             import threading\n\
             class Bank:\n\
             \x20   lock_a = threading.Lock()\n\
             \x20   _lazy = None\n\
             \x20   def __init__(self, lock):\n\
             \x20       self.lock_b = threading.RLock()\n\
             \x20       self.given = lock\n\
             \x20       self.mixed = threading.Lock()\n\
             \x20       if lock:\n\
             \x20           self.mixed = lock\n\
             \x20   def start(this):\n\
             \x20       this._lazy = asyncio.Lock()\n\
             \x20   @classmethod\n\
             \x20   def probe(cls):\n\
             \x20       with cls.lock_a, cls.lock_b, cls._lazy, cls.given, cls.mixed, cls.missing:\n\
             \x20           pass\n";

    #[test]
    fn class_attributes_and_self_attributes() {
        // The same class, then a dataclass using it.
        let with_pool = format!(
            "from dataclasses import dataclass, field\n{BANK}\
             @dataclass\n\
             class Pool:\n\
             \x20   guard: threading.Lock = field(default_factory=threading.Lock)\n\
             \x20   def probe(self):\n\
             \x20       with self.guard, Pool.guard, Bank.lock_a:\n\
             \x20           pass\n"
        );
        let found = probe(&with_pool);
        // `probe` is found last: Pool.probe.
        assert_eq!(
            found,
            vec![
                lock("shop.bank.Pool.guard", LockKind::Lock, false),
                lock("shop.bank.Pool.guard", LockKind::Lock, false),
                lock("shop.bank.Bank.lock_a", LockKind::Lock, false),
            ]
        );
        let found = probe(BANK);
        assert_eq!(
            found,
            vec![
                lock("shop.bank.Bank.lock_a", LockKind::Lock, false),
                lock("shop.bank.Bank.lock_b", LockKind::RLock, false),
                lock("shop.bank.Bank._lazy", LockKind::Lock, true),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn self_only_in_methods() {
        // A staticmethod's first parameter is not `self`; nor is a module
        // function's; a nested function's `self` is a closure variable.
        let found = probe(
            "import threading\n\
             class Worker:\n\
             \x20   def __init__(self):\n\
             \x20       self.lock = threading.Lock()\n\
             \x20   @staticmethod\n\
             \x20   def probe(self):\n\
             \x20       with self.lock:\n\
             \x20           pass\n",
        );
        assert_eq!(found, vec![None]);
        let found = probe(
            "import threading\n\
             class Worker:\n\
             \x20   def __init__(self):\n\
             \x20       self.lock = threading.Lock()\n\
             def probe(self):\n\
             \x20   with self.lock:\n\
             \x20       pass\n",
        );
        assert_eq!(found, vec![None]);
    }

    #[test]
    fn summary_records_created_locks() {
        let source = "import asyncio\n\
             import threading\n\
             REGISTRY_LOCK = threading.RLock()\n\
             maybe = threading.Lock()\n\
             maybe = object()\n\
             class Account:\n\
             \x20   count_lock = asyncio.Semaphore(2)\n\
             \x20   def __init__(self):\n\
             \x20       self.balance_lock = threading.Lock()\n\
             \x20       self.other = make()\n\
             def factory():\n\
             \x20   class Local:\n\
             \x20       def __init__(self):\n\
             \x20           self.cond = threading.Condition()\n\
             \x20   return Local\n";
        let locator = Locator::new(source);
        let parsed = parse_module(source).unwrap();
        let settings = FileSettings::default();
        let checker = Checker::new(
            SemanticModel::new(module("shop.bank")),
            &locator,
            &settings,
            RuleSet::default(),
        );
        let semantic = checker.check(parsed.suite()).semantic;
        let locks: Vec<_> = file_locks(&semantic, &locator)
            .into_iter()
            .map(|l| (l.id, l.kind, l.asyncio, l.line))
            .collect();
        assert_eq!(
            locks,
            vec![
                ("shop.bank.REGISTRY_LOCK".into(), LockKind::RLock, false, 3),
                (
                    "shop.bank.Account.count_lock".into(),
                    LockKind::Semaphore,
                    true,
                    7
                ),
                (
                    "shop.bank.Account.balance_lock".into(),
                    LockKind::Lock,
                    false,
                    9
                ),
                (
                    "shop.bank.factory.Local.cond".into(),
                    LockKind::Condition,
                    false,
                    14
                ),
            ]
        );
    }
}

//! Values of names and attributes (RULES.md "Values of names and
//! attributes"): what class a value is an instance of, where the code says
//! it. Project-wide and flow-insensitive; unknown means silent.
//!
//! A file describes a value symbolically ([`Val`]) from its own scopes
//! ([`value_of`]); the description is carried in the file's summary (class
//! attribute tables, function returns, module-level instances) and resolved
//! against the project index ([`ProjectIndex::class_of`]) once every file
//! is known. Values made only of known library constructors resolve
//! without the index ([`library_class`]).

use crate::semantic::qualified_name::{join, split_member};
use rustc_hash::FxHashMap;
use thin_vec::ThinVec;

use crate::ast::{self, Expr, Stmt};
pub use crate::semantic::facts::{Val, ValueKind};
use crate::semantic::index::{ClassInfo, FunctionInfo, ProjectIndex, Symbol};
use crate::semantic::model::{MODULE_SCOPE, ScopeId};
use crate::semantic::name::Name;
use crate::semantic::typing::annotation_types;
use crate::semantic::{BindingKind, ScopeKind, SemanticModel};

pub const LOOP: &str = "asyncio.AbstractEventLoop";

/// Known library classes, by the names code writes them with, and the
/// class rules know them as.
const LIBRARY_CLASSES: &[(&str, &str)] = &[
    ("asyncio.AbstractEventLoop", LOOP),
    ("asyncio.events.AbstractEventLoop", LOOP),
    ("asyncio.BaseEventLoop", LOOP),
    ("asyncio.base_events.BaseEventLoop", LOOP),
    ("requests.Session", "requests.Session"),
    ("requests.sessions.Session", "requests.Session"),
    ("httpx.Client", "httpx.Client"),
    ("httpx.AsyncClient", "httpx.AsyncClient"),
    ("aiohttp.ClientSession", "aiohttp.ClientSession"),
    ("socket.socket", "socket.socket"),
    ("pathlib.Path", "pathlib.Path"),
    ("pathlib.PosixPath", "pathlib.Path"),
    ("pathlib.WindowsPath", "pathlib.Path"),
    ("subprocess.Popen", "subprocess.Popen"),
    (
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.ThreadPoolExecutor",
    ),
    (
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.ProcessPoolExecutor",
    ),
    ("threading.Lock", "threading.Lock"),
    ("threading.RLock", "threading.RLock"),
    ("threading.Semaphore", "threading.Semaphore"),
    ("threading.BoundedSemaphore", "threading.BoundedSemaphore"),
    ("threading.Condition", "threading.Condition"),
    ("asyncio.Lock", "asyncio.Lock"),
    ("asyncio.Semaphore", "asyncio.Semaphore"),
    ("asyncio.BoundedSemaphore", "asyncio.BoundedSemaphore"),
    ("asyncio.Condition", "asyncio.Condition"),
];

/// Library functions returning a known library value.
const LIBRARY_RETURNS: &[(&str, &str)] = &[
    ("asyncio.get_event_loop", LOOP),
    ("asyncio.get_running_loop", LOOP),
    ("asyncio.new_event_loop", LOOP),
    ("asyncio.events.get_event_loop", LOOP),
    ("asyncio.events.get_running_loop", LOOP),
    ("asyncio.events.new_event_loop", LOOP),
];

fn library_name(qualified: &str) -> Option<&'static str> {
    LIBRARY_CLASSES
        .iter()
        .find(|(name, _)| *name == qualified)
        .map(|(_, class)| *class)
}

/// The library class of a value made only of known library names
/// (`asyncio.get_event_loop()`, `requests.Session()`, `x: httpx.Client`).
/// `None` when the project (or nothing) would have to say.
pub fn library_class(value: &Val) -> Option<&'static str> {
    match value {
        Val::Instance(name) | Val::Call(name) => library_name(name).or_else(|| {
            LIBRARY_RETURNS
                .iter()
                .find(|(f, _)| matches!(value, Val::Call(_)) && f == name)
                .map(|(_, class)| *class)
        }),
        _ => None,
    }
}

impl ValueKind {
    pub fn accepts(self, class: &str) -> bool {
        match self {
            ValueKind::SyncClient => matches!(class, "requests.Session" | "httpx.Client"),
            ValueKind::Loop => class == LOOP,
            ValueKind::Path => class == "pathlib.Path",
            ValueKind::ThreadLock => matches!(
                class,
                "threading.Lock"
                    | "threading.RLock"
                    | "threading.Semaphore"
                    | "threading.BoundedSemaphore"
                    | "threading.Condition"
            ),
            ValueKind::Mutex => matches!(
                class,
                "threading.Lock"
                    | "threading.RLock"
                    | "threading.Condition"
                    | "asyncio.Lock"
                    | "asyncio.Condition"
            ),
            ValueKind::AsyncioLock => matches!(
                class,
                "asyncio.Lock"
                    | "asyncio.Semaphore"
                    | "asyncio.BoundedSemaphore"
                    | "asyncio.Condition"
            ),
        }
    }
}

/// What a file can say alone about a value being of a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Yes,
    No,
    /// The project index must say (an in-project class, a module instance).
    Ask(Val),
}

/// Is `expr` (seen from the current scope) of this kind? Library values
/// are decided here; values the project defines are left to the index.
pub fn decide(semantic: &SemanticModel, expr: &Expr, kind: ValueKind) -> Decision {
    let Some(value) = value_of(semantic, semantic.current_scope_id(), expr) else {
        return Decision::No;
    };
    match library_class(&value) {
        Some(class) if kind.accepts(class) => Decision::Yes,
        Some(_) => Decision::No,
        None => Decision::Ask(value),
    }
}

/// How deep one value description may nest (chains, assignments).
const MAX_DEPTH: u32 = 12;

/// The value `expr` has, seen from `scope`. `None` is unknown.
pub fn value_of(semantic: &SemanticModel, scope: ScopeId, expr: &Expr) -> Option<Val> {
    value_in(semantic, scope, expr, 0)
}

fn value_in(semantic: &SemanticModel, scope: ScopeId, expr: &Expr, depth: u32) -> Option<Val> {
    if depth > MAX_DEPTH {
        return None;
    }
    match expr {
        Expr::Name(name) => name_value(semantic, scope, name.id.as_str(), depth),
        Expr::Attribute(attr) => {
            if let Some(base) = value_in(semantic, scope, &attr.value, depth + 1) {
                return Some(Val::Attr(Box::new(base), attr.attr.as_str().into()));
            }
            None
        }
        Expr::Call(call) => {
            if !call.arguments.keywords.is_empty() || !call.arguments.args.is_empty() {
                // Arguments do not change the class; fall through.
            }
            // `cls(...)` in a classmethod, `type(self)(...)`.
            if let Some(class) = own_class_call(semantic, scope, &call.func) {
                return Some(Val::Instance(class.into()));
            }
            if let Expr::Attribute(attr) = &*call.func
                && let Some(base) = value_in(semantic, scope, &attr.value, depth + 1)
            {
                // `mod.Client()` through an imported module is a plain call.
                if let Val::Global(module) = &base {
                    return Some(Val::Call(join(&[module, attr.attr.as_str()]).into()));
                }
                return Some(Val::MethodCall(Box::new(base), attr.attr.as_str().into()));
            }
            let name = semantic.resolve_qualified_name_in(scope, &call.func)?;
            Some(Val::Call(name.as_str().into()))
        }
        _ => None,
    }
}

/// The value a name is bound to: every binding of it in its scope must
/// agree (flow-insensitive; a name rebound to another class is unknown).
fn name_value(semantic: &SemanticModel, scope: ScopeId, name: &str, depth: u32) -> Option<Val> {
    let id = semantic.lookup_from(scope, name)?;
    let home = semantic.binding(id).scope;
    // Every binding of the name in its scope must give the same value.
    let mut found: Option<Val> = None;
    let mut next = Some(id);
    while let Some(id) = next {
        let other = semantic.binding(id);
        let value = binding_value(semantic, home, other, depth)?;
        match &found {
            Some(previous) if *previous != value => return None,
            _ => found = Some(value),
        }
        next = other.shadowed;
    }
    found
}

fn binding_value(
    semantic: &SemanticModel,
    home: ScopeId,
    binding: &crate::semantic::model::Binding,
    depth: u32,
) -> Option<Val> {
    match binding.kind {
        BindingKind::Import => semantic
            .resolve_qualified_name_in(home, &Expr::Name(name_expr(binding.name)))
            .map(|q| Val::Global(q.as_str().into())),
        BindingKind::Parameter(parameter) => {
            if let Some(annotation) = &parameter.annotation {
                return annotation_value(semantic, home, annotation);
            }
            self_class(semantic, home, parameter).map(|class| Val::Instance(class.into()))
        }
        BindingKind::Annotated { annotation, .. } => annotation_value(semantic, home, annotation),
        BindingKind::Assignment(Some(value)) => {
            if home == MODULE_SCOPE && !semantic.module.name.is_empty() {
                // A module global: the same value other modules reach by name.
                value_in(semantic, home, value, depth + 1)?;
                return Some(Val::Global(
                    join(&[&semantic.module.name, binding.name]).into(),
                ));
            }
            value_in(semantic, home, value, depth + 1)
        }
        BindingKind::WithItem(value) => {
            // `with httpx.Client() as c:`: library clients enter as themselves.
            let value = value_in(semantic, home, value, depth + 1)?;
            library_class(&value).map(|class| Val::Instance(class.into()))
        }
        _ => None,
    }
}

fn name_expr(name: &str) -> ast::ExprName {
    ast::ExprName {
        range: Default::default(),
        node_index: Default::default(),
        id: name.into(),
        ctx: ast::ExprContext::Load,
    }
}

/// `self` (the first parameter of a plain method of a module-level
/// class): an instance of that class.
fn self_class(
    semantic: &SemanticModel,
    scope: ScopeId,
    parameter: &ast::Parameter,
) -> Option<String> {
    let ScopeKind::Function(def) = semantic.scope(scope).kind else {
        return None;
    };
    let first = def.parameters.iter_non_variadic_params().next()?;
    if !std::ptr::eq(&first.parameter, parameter) {
        return None;
    }
    let class_scope = semantic.scope(scope).parent?;
    if !matches!(semantic.scope(class_scope).kind, ScopeKind::Class(_)) {
        return None;
    }
    let plain = def.decorator_list.iter().all(|d| {
        semantic
            .resolve_qualified_name_in(class_scope, &d.expression)
            .is_some_and(|n| !n.is_any(&["builtins.staticmethod", "builtins.classmethod"]))
    });
    plain.then(|| semantic.scope_qualname(class_scope))
}

/// `cls(...)` in a classmethod, `type(self)(...)`: the enclosing class.
fn own_class_call(semantic: &SemanticModel, scope: ScopeId, func: &Expr) -> Option<String> {
    let function_scope = enclosing_function_scope(semantic, scope)?;
    let ScopeKind::Function(def) = semantic.scope(function_scope).kind else {
        return None;
    };
    let class_scope = semantic.scope(function_scope).parent?;
    if !matches!(semantic.scope(class_scope).kind, ScopeKind::Class(_)) {
        return None;
    }
    let first = def
        .parameters
        .iter_non_variadic_params()
        .next()?
        .parameter
        .name
        .as_str();
    let is_first = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == first);
    let classmethod = def.decorator_list.iter().any(|d| {
        semantic
            .resolve_qualified_name_in(class_scope, &d.expression)
            .is_some_and(|n| n.is("builtins.classmethod"))
    });
    let matched = match func {
        Expr::Name(_) if classmethod => is_first(func),
        Expr::Call(inner) => {
            matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "type")
                && semantic
                    .resolve_qualified_name_in(scope, &inner.func)
                    .is_some_and(|n| n.is("builtins.type"))
                && inner.arguments.args.len() == 1
                && inner.arguments.keywords.is_empty()
                && is_first(&inner.arguments.args[0])
                && !classmethod
        }
        _ => false,
    };
    matched.then(|| semantic.scope_qualname(class_scope))
}

fn enclosing_function_scope(semantic: &SemanticModel, scope: ScopeId) -> Option<ScopeId> {
    let mut id = scope;
    loop {
        match semantic.scope(id).kind {
            ScopeKind::Comprehension => id = semantic.scope(id).parent?,
            ScopeKind::Function(_) => return Some(id),
            _ => return None,
        }
    }
}

/// The class an annotation names: `C`, `Optional[C]`, `C | None`, `"C"`,
/// `Final[C]`. A union of two classes is unknown.
pub fn annotation_value(
    semantic: &SemanticModel,
    scope: ScopeId,
    annotation: &Expr,
) -> Option<Val> {
    annotation_value_in(semantic, scope, annotation, true)
}

fn annotation_value_in(
    semantic: &SemanticModel,
    scope: ScopeId,
    annotation: &Expr,
    typevars: bool,
) -> Option<Val> {
    let mut annotation = annotation;
    // `Final[C]`, `ClassVar[C]`.
    if let Expr::Subscript(subscript) = annotation
        && semantic
            .resolve_qualified_name_in(scope, &subscript.value)
            .is_some_and(|n| {
                n.is_any(&["typing.Final", "typing_extensions.Final", "typing.ClassVar"])
            })
    {
        annotation = &subscript.slice;
    }
    let types = annotation_types(semantic, annotation);
    let [ty] = types.as_slice() else {
        return None;
    };
    // A `TypeVar` of this file: its bound (`T = TypeVar("T", bound=C)`).
    if let Expr::Name(name) = ty
        && let Some(id) = semantic.lookup_from(scope, name.id.as_str())
        && let binding = semantic.binding(id)
        && binding.scope == MODULE_SCOPE
        && let BindingKind::Assignment(Some(value)) = binding.kind
    {
        return if typevars {
            typevar_bound(semantic, value)
        } else {
            None
        };
    }
    let name = match ty {
        Expr::StringLiteral(string) => dotted_name(semantic, scope, string.value.to_str())?,
        Expr::Subscript(_) => return None,
        other => semantic
            .resolve_qualified_name_in(scope, other)?
            .to_string(),
    };
    if name.starts_with("builtins.") || name.starts_with("typing.") {
        return None;
    }
    Some(Val::Instance(name.into()))
}

/// A string annotation naming a class (`"Client"`, `"db.Client"`,
/// `"Optional[Client]"` is not read: unknown).
fn dotted_name(semantic: &SemanticModel, scope: ScopeId, text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_suffix("| None").map_or(text, str::trim);
    let mut parts = text.split('.');
    let head = parts.next()?;
    if !parts.clone().chain([head]).all(is_identifier) {
        return None;
    }
    let resolved = semantic.resolve_qualified_name_in(scope, &Expr::Name(name_expr(head)))?;
    let mut out = resolved.to_string();
    for part in parts {
        out.push('.');
        out.push_str(part);
    }
    Some(out)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------
// What a file records for the others.

/// The attribute table of a module-level class: `self.x = ...` in any
/// method, `self.x: C`, class-body annotations and assignments (dataclass
/// fields). An annotation decides; without one, every assigned value must
/// agree (`None` is ignored: lazy initialisation). `None` is unknown.
pub fn class_attributes(
    semantic: &SemanticModel,
    class: &ast::StmtClassDef,
    class_scope: ScopeId,
    def_scopes: &FxHashMap<ruff_text_size::TextSize, ScopeId>,
) -> ThinVec<(Name, Option<Val>)> {
    let mut table = AttrTable::default();
    for stmt in &class.body {
        match stmt {
            Stmt::AnnAssign(assign) => {
                if let Expr::Name(name) = &*assign.target {
                    table.annotated(
                        name.id.as_str(),
                        annotation_value(semantic, class_scope, &assign.annotation),
                    );
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Name(name) = target {
                        table.assigned(
                            name.id.as_str(),
                            &assign.value,
                            value_of(semantic, class_scope, &assign.value),
                        );
                    }
                }
            }
            Stmt::FunctionDef(def) => {
                let Some(&scope) = def_scopes.get(&ruff_text_size::Ranged::range(def).start())
                else {
                    continue;
                };
                let Some(first) = def.parameters.iter_non_variadic_params().next() else {
                    continue;
                };
                let self_name = first.parameter.name.as_str();
                walk_self_assignments(&def.body, &mut |target, annotation, value| {
                    let Expr::Attribute(attr) = target else {
                        return;
                    };
                    if !matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == self_name) {
                        return;
                    }
                    let name = attr.attr.as_str();
                    if let Some(annotation) = annotation {
                        table.annotated(name, annotation_value(semantic, scope, annotation));
                    } else if let Some(value) = value {
                        table.assigned(name, value, value_of(semantic, scope, value));
                    }
                });
            }
            _ => {}
        }
    }
    table.finish()
}

/// One attribute: its name, its annotation's value (if annotated), and the
/// assigned values (`None` for an unknown one).
type AttrEntry = (String, Option<Option<Val>>, Vec<Option<Val>>);

#[derive(Default)]
struct AttrTable {
    /// Per attribute: the annotation's value (if annotated), and the
    /// assigned values (`None` for an unknown one).
    entries: Vec<AttrEntry>,
}

impl AttrTable {
    fn entry(&mut self, name: &str) -> &mut AttrEntry {
        let position = match self.entries.iter().position(|e| e.0 == name) {
            Some(p) => p,
            None => {
                self.entries.push((name.to_string(), None, Vec::new()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[position]
    }

    fn annotated(&mut self, name: &str, value: Option<Val>) {
        let entry = self.entry(name);
        match &entry.1 {
            // Two different annotations: unknown.
            Some(previous) if *previous != value => entry.1 = Some(None),
            _ => entry.1 = Some(value),
        }
    }

    fn assigned(&mut self, name: &str, expr: &Expr, value: Option<Val>) {
        if expr.is_none_literal_expr() {
            return;
        }
        self.entry(name).2.push(value);
    }

    fn finish(self) -> ThinVec<(Name, Option<Val>)> {
        self.entries
            .into_iter()
            .map(|(name, annotated, assigned)| {
                let value = match annotated {
                    Some(value) => value,
                    None => {
                        let mut values = assigned.into_iter();
                        let first = values.next().flatten();
                        match first {
                            Some(first) if values.all(|v| v.as_ref() == Some(&first)) => {
                                Some(first)
                            }
                            _ => None,
                        }
                    }
                };
                (name.into(), value)
            })
            .collect()
    }
}

/// Every `target = value` / `target: T = value` / `a = b = value` in a
/// function body (not in nested `def`s or classes).
fn walk_self_assignments<'a>(
    body: &'a [Stmt],
    visit: &mut dyn FnMut(&'a Expr, Option<&'a Expr>, Option<&'a Expr>),
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    visit(target, None, Some(&assign.value));
                }
            }
            Stmt::AnnAssign(assign) => visit(
                &assign.target,
                Some(&assign.annotation),
                assign.value.as_deref(),
            ),
            Stmt::AugAssign(_) => {}
            Stmt::If(s) => {
                walk_self_assignments(&s.body, visit);
                for clause in &s.elif_else_clauses {
                    walk_self_assignments(&clause.body, visit);
                }
            }
            Stmt::For(s) => {
                walk_self_assignments(&s.body, visit);
                walk_self_assignments(&s.orelse, visit);
            }
            Stmt::While(s) => {
                walk_self_assignments(&s.body, visit);
                walk_self_assignments(&s.orelse, visit);
            }
            Stmt::With(s) => walk_self_assignments(&s.body, visit),
            Stmt::Try(s) => {
                walk_self_assignments(&s.body, visit);
                for handler in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    walk_self_assignments(&h.body, visit);
                }
                walk_self_assignments(&s.orelse, visit);
                walk_self_assignments(&s.finalbody, visit);
            }
            Stmt::Match(s) => {
                for case in &s.cases {
                    walk_self_assignments(&case.body, visit);
                }
            }
            _ => {}
        }
    }
}

/// What calling a function gives: its return annotation, or the value
/// every `return` gives when they all agree. An `async def`, a generator
/// or a function with a decorator that may replace it: unknown.
pub fn function_returns(
    semantic: &SemanticModel,
    def: &ast::StmtFunctionDef,
    scope: Option<ScopeId>,
    is_generator: bool,
) -> Option<Val> {
    if def.is_async || is_generator {
        return None;
    }
    let scope = scope?;
    let outer = semantic.scope(scope).parent?;
    let known = def.decorator_list.iter().all(|d| {
        semantic
            .resolve_qualified_name_in(outer, &d.expression)
            .is_some_and(|n| {
                n.is_any(&[
                    "builtins.staticmethod",
                    "builtins.classmethod",
                    "functools.cache",
                    "functools.lru_cache",
                    "abc.abstractmethod",
                    "typing.override",
                ])
            })
    });
    if !known {
        return None;
    }
    if let Some(annotation) = &def.returns {
        return annotation_value(semantic, outer, annotation);
    }
    let mut returns = Vec::new();
    collect_returns(&def.body, &mut returns);
    let mut values = returns.into_iter().map(|r| match r {
        Some(value) => value_of(semantic, scope, value),
        None => None,
    });
    let first = values.next()??;
    values.all(|v| v.as_ref() == Some(&first)).then_some(first)
}

fn collect_returns<'a>(body: &'a [Stmt], out: &mut Vec<Option<&'a Expr>>) {
    for stmt in body {
        match stmt {
            Stmt::Return(r) => out.push(r.value.as_deref()),
            Stmt::If(s) => {
                collect_returns(&s.body, out);
                for clause in &s.elif_else_clauses {
                    collect_returns(&clause.body, out);
                }
            }
            Stmt::For(s) => {
                collect_returns(&s.body, out);
                collect_returns(&s.orelse, out);
            }
            Stmt::While(s) => {
                collect_returns(&s.body, out);
                collect_returns(&s.orelse, out);
            }
            Stmt::With(s) => collect_returns(&s.body, out),
            Stmt::Try(s) => {
                collect_returns(&s.body, out);
                for handler in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    collect_returns(&h.body, out);
                }
                collect_returns(&s.orelse, out);
                collect_returns(&s.finalbody, out);
            }
            Stmt::Match(s) => {
                for case in &s.cases {
                    collect_returns(&case.body, out);
                }
            }
            _ => {}
        }
    }
}

/// Module-level names bound to a known value (`client = Client()`,
/// `loop: AbstractEventLoop = ...`), bound once.
pub fn module_values(semantic: &SemanticModel) -> Vec<(String, Val)> {
    let module = semantic.scope(MODULE_SCOPE);
    // Per name, the value every binding agrees on (`None`: unknown).
    let mut values: Vec<(&str, Option<Val>)> = Vec::new();
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for &id in &module.bindings {
        let binding = semantic.binding(id);
        let value = match binding.kind {
            BindingKind::Assignment(Some(value)) => {
                typevar_bound(semantic, value).or_else(|| value_of(semantic, MODULE_SCOPE, value))
            }
            BindingKind::Annotated { annotation, .. } => {
                annotation_value(semantic, MODULE_SCOPE, annotation)
            }
            _ => None,
        };
        match seen.get(binding.name) {
            Some(&i) => {
                if values[i].1 != value {
                    values[i].1 = None;
                }
            }
            None => {
                seen.insert(binding.name, values.len());
                values.push((binding.name, value));
            }
        }
    }
    values
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), value?)))
        .collect()
}

/// `T = TypeVar("T", bound=C)`: an annotation `T` means `C`.
fn typevar_bound(semantic: &SemanticModel, value: &Expr) -> Option<Val> {
    let Expr::Call(call) = value else {
        return None;
    };
    if !semantic
        .resolve_qualified_name_in(MODULE_SCOPE, &call.func)
        .is_some_and(|n| n.is_any(&["typing.TypeVar", "typing_extensions.TypeVar"]))
    {
        return None;
    }
    let bound = call.arguments.find_keyword("bound")?;
    annotation_value_in(semantic, MODULE_SCOPE, &bound.value, false)
}

// ---------------------------------------------------------------------------
// Answering from the index.

impl ProjectIndex {
    /// The class `value` is an instance of: an in-project class's canonical
    /// qualified name, or a known library class. `None` is unknown.
    /// Memoized per index: rules ask about the same receivers in every file.
    pub fn class_of(&self, value: &Val) -> Option<Name> {
        if let Some(known) = self.memo().class_of.lock().ok()?.get(value) {
            return known.clone();
        }
        let class: Option<Name> = self.class_of_depth(value, 0).map(Name::from);
        if let Ok(mut memo) = self.memo().class_of.lock() {
            memo.insert(value.clone(), class.clone());
        }
        class
    }

    fn class_of_depth(&self, value: &Val, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH * 2 {
            return None;
        }
        if let Some(class) = library_class(value) {
            return Some(class.to_string());
        }
        match value {
            Val::Instance(name) => match self.resolve(name) {
                Some(Symbol::Class { module, class }) => Some(join(&[&module.module, &class.name])),
                // A `TypeVar` with a bound: the bound.
                None => match self.global_value(name, depth)? {
                    value @ Val::Instance(_) => self.class_of_depth(&value, depth + 1),
                    _ => None,
                },
                _ => None,
            },
            Val::Call(name) => match self.resolve(name) {
                None => {
                    let (class, method) = split_member(name)?;
                    self.class_method_call(class, method, depth)
                }
                Some(symbol) => match symbol {
                    Symbol::Class { module, class } => Some(join(&[&module.module, &class.name])),
                    Symbol::Function { function, .. } => {
                        self.class_of_depth(function.returns.as_deref()?, depth + 1)
                    }
                    Symbol::Module(_) => None,
                },
            },
            Val::Global(name) => {
                let value = self.global_value(name, depth)?;
                self.class_of_depth(&value, depth + 1)
            }
            Val::Attr(base, attr) => {
                if let Val::Global(module) = &**base
                    && let Some(Symbol::Module(_)) = self.resolve(module)
                {
                    return self
                        .class_of_depth(&Val::Global(join(&[module, attr]).into()), depth + 1);
                }
                let class = self.class_of_depth(base, depth + 1)?;
                let value = self.attribute(&class, attr)?;
                self.class_of_depth(&value, depth + 1)
            }
            Val::MethodCall(base, method) => {
                if let Val::Global(module) = &**base
                    && let Some(Symbol::Module(_)) = self.resolve(module)
                {
                    return self
                        .class_of_depth(&Val::Call(join(&[module, method]).into()), depth + 1);
                }
                if let Val::Global(name) = &**base {
                    return self.class_method_call(name, method, depth);
                }
                let class = self.class_of_depth(base, depth + 1)?;
                let (_, function) = self.find_method(&class, method)?;
                self.class_of_depth(function.returns.as_deref()?, depth + 1)
            }
        }
    }

    /// `Client.create()`: a class's own classmethod or staticmethod.
    fn class_method_call(&self, class: &str, method: &str, depth: u32) -> Option<String> {
        let Some(Symbol::Class { module, class }) = self.resolve(class) else {
            return None;
        };
        let class = join(&[&module.module, &class.name]);
        let (_, function) = self.find_method(&class, method)?;
        let static_like = function.decorators.iter().any(|d| {
            matches!(
                d.as_deref(),
                Some("builtins.classmethod" | "builtins.staticmethod")
            )
        });
        if !static_like {
            return None;
        }
        self.class_of_depth(function.returns.as_deref()?, depth + 1)
    }

    /// The value of a module-level name (`pkg.mod.client`), through
    /// re-exports.
    fn global_value(&self, name: &str, depth: u32) -> Option<Val> {
        let mut name = name;
        for _ in depth..MAX_DEPTH * 2 {
            let (module_name, member) = split_member(name)?;
            let module = self.module(module_name)?;
            if let Some((_, value)) = module.values.iter().find(|(n, _)| n == member) {
                return Some(value.clone());
            }
            let (_, target) = module.imports.iter().rev().find(|(l, _)| l == member)?;
            name = target;
        }
        None
    }

    /// The value of `attr` on instances of `class` (its table, then the
    /// in-project bases'). A class that assigns it with an unknown value
    /// decides: unknown.
    fn attribute(&self, class: &str, attr: &str) -> Option<Val> {
        for (_, info) in self.class_and_bases(class) {
            if let Some((_, value)) = info.attrs.iter().find(|(n, _)| n == attr) {
                return value.clone();
            }
            // A method or property of that name: not an instance value.
            if info.methods.iter().any(|m| m.name == attr) {
                return None;
            }
        }
        None
    }

    /// `method` of the class `value` is an instance of (through the
    /// in-project bases), with the module defining it.
    pub fn method_of(
        &self,
        value: &Val,
        method: &str,
    ) -> Option<(&crate::semantic::index::FileSummary, &FunctionInfo)> {
        let class = self.class_of(value)?;
        self.find_method(&class, method)
    }

    /// Is `value` of this kind (a sync client, a loop)?
    pub fn value_is(&self, value: &Val, kind: ValueKind) -> bool {
        self.class_of(value).is_some_and(|c| kind.accepts(&c))
    }
}

/// The class table of a summary's class, for tests and debugging.
pub fn attrs_of<'a>(class: &'a ClassInfo, attr: &str) -> Option<&'a Option<Val>> {
    class.attrs.iter().find(|(n, _)| n == attr).map(|(_, v)| v)
}

/// A question: is this value inferred to be of this kind (a sync client, a
/// loop)?
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ValueIs {
    pub value: Val,
    pub kind: ValueKind,
}

impl crate::semantic::index::Ask for ValueIs {
    const TAG: &'static str = "values.ValueIs";
}

/// The answer to a finding deferred until the project says what a value is
/// ([`ValueIs`]): the finding, if it is.
pub fn answer_deferred(
    pending: &crate::finding::Pending,
    question: &crate::semantic::index::Question,
    index: &ProjectIndex,
) -> Option<crate::finding::Finding> {
    answer_deferred_if(pending, question, |value, kind| index.value_is(value, kind))
}

/// [`answer_deferred`] with the rule's own test of the value.
pub fn answer_deferred_if(
    pending: &crate::finding::Pending,
    question: &crate::semantic::index::Question,
    is: impl FnOnce(&Val, ValueKind) -> bool,
) -> Option<crate::finding::Finding> {
    let (Some(ValueIs { value, kind }), crate::finding::PendingContext::Finding(finding)) =
        (question.decode(), &pending.context)
    else {
        return None;
    };
    is(&value, kind).then(|| (**finding).clone())
}

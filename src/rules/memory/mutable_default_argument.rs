//! PF601: a mutable object as a parameter default that the function mutates
//! or lets escape.

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::SemanticModel;
use crate::semantic::typing::{annotation_types, type_name};
use ruff_text_size::{Ranged, TextSize};
pub struct MutableDefaultArgument;

impl<'a> Check<'a> for MutableDefaultArgument {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, Function::Def(def));
        }
    }

    #[inline]
    fn on_lambda(cx: &mut Context<'a>, _: &mut (), lambda: &'a ast::ExprLambda) {
        check(cx, Function::Lambda(lambda));
    }
}

const MUTABLE_CALLS: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
    "collections.Counter",
    "collections.ChainMap",
    "collections.UserDict",
    "collections.UserList",
];

const READ_ONLY: &[&str] = &[
    "Sequence",
    "Mapping",
    "AbstractSet",
    "Set",
    "Iterable",
    "Collection",
    "Container",
];

/// The function whose defaults are checked.
#[derive(Clone, Copy)]
pub(crate) enum Function<'a> {
    Def(&'a ast::StmtFunctionDef),
    Lambda(&'a ast::ExprLambda),
}

pub(crate) fn check(cx: &mut Context, function: Function) {
    let parameters = match function {
        Function::Def(def) => {
            // An `@overload` stub has no body that runs.
            let overload = def.decorator_list.iter().any(|d| {
                cx.semantic()
                    .resolve_qualified_name(&d.expression)
                    .is_some_and(|n| n.is_any(&["typing.overload", "typing_extensions.overload"]))
            });
            if overload {
                return;
            }
            &*def.parameters
        }
        Function::Lambda(lambda) => match &lambda.parameters {
            Some(parameters) => &**parameters,
            None => return,
        },
    };
    for parameter in parameters.iter_non_variadic_params() {
        let Some(default) = parameter.default.as_deref() else {
            continue;
        };
        if !is_mutable(cx.semantic(), default) {
            continue;
        }
        if let Some(annotation) = &parameter.parameter.annotation
            && is_read_only(cx.semantic(), annotation)
        {
            continue;
        }
        let name = parameter.parameter.name.as_str();
        let Some(change) = first_change(function, name) else {
            continue;
        };
        let line = cx.locator().row(change.at);
        let message = format!(
            "mutable default for parameter `{name}` is created once and shared by every call, and {} (line {line}): default to `None` and create it in the body",
            change.what
        );
        cx.report(Rule::MutableDefaultArgument, default.range(), message);
    }
}

/// A mutation of the default, or a way it leaves the call.
struct Change {
    what: String,
    at: TextSize,
}

/// The first statement, in source order, that mutates `name` or lets it
/// escape, before anything rebinds it.
fn first_change<'n>(function: Function<'n>, name: &'n str) -> Option<Change> {
    let mut finder = ChangeFinder {
        name,
        globals: Vec::new(),
        rebound_at: None,
        found: None,
    };
    match function {
        Function::Def(def) => {
            finder.rebound_at = first_rebinding(&def.body, name);
            finder.globals = declared_global(&def.body);
            finder.visit_body(&def.body);
        }
        Function::Lambda(lambda) => finder.visit_expr(&lambda.body),
    }
    finder.found
}

/// The names a function body declares `global` or `nonlocal`.
fn declared_global(body: &[Stmt]) -> Vec<&str> {
    struct Globals<'a>(Vec<&'a str>);
    impl<'a> Visitor<'a> for Globals<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Global(g) => self.0.extend(g.names.iter().map(|n| n.as_str())),
                Stmt::Nonlocal(n) => self.0.extend(n.names.iter().map(|n| n.as_str())),
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut globals = Globals(Vec::new());
    globals.visit_body(body);
    globals.0
}

/// Where `name` is first bound again (`tags = list(tags)`, `for tags in`,
/// `with ... as tags`, `del tags`): from there on it may be another object.
fn first_rebinding(body: &[Stmt], name: &str) -> Option<TextSize> {
    struct Rebinding<'n> {
        name: &'n str,
        at: Option<TextSize>,
    }
    impl<'a> Visitor<'a> for Rebinding<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.at.is_some() {
                return;
            }
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                // `tags += [...]` changes the list in place.
                Stmt::AugAssign(assign) => self.visit_expr(&assign.value),
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(n) if n.id.as_str() == self.name && !n.ctx.is_load() => {
                    self.at.get_or_insert(n.start());
                }
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Rebinding { name, at: None };
    finder.visit_body(body);
    finder.at
}

/// Methods that change the object they are called on.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "popleft",
    "remove",
    "discard",
    "clear",
    "sort",
    "reverse",
    "appendleft",
    "extendleft",
    "rotate",
    "move_to_end",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
    "__setitem__",
    "__delitem__",
];

/// Methods that store their argument itself (not a copy of its contents)
/// in their receiver.
const STORING_METHODS: &[&str] = &[
    "append",
    "add",
    "insert",
    "appendleft",
    "setdefault",
    "put",
    "put_nowait",
];

struct ChangeFinder<'n> {
    name: &'n str,
    /// Names the function declares `global`/`nonlocal`.
    globals: Vec<&'n str>,
    rebound_at: Option<TextSize>,
    found: Option<Change>,
}

impl ChangeFinder<'_> {
    fn stores_target(&self, target: &Expr) -> Option<String> {
        match target {
            Expr::Name(n) if self.globals.contains(&n.id.as_str()) => {
                Some(format!("it is stored in the global `{}`", n.id))
            }
            _ => Self::stores(target),
        }
    }

    fn found(&mut self, what: String, at: TextSize) {
        if self.found.is_none() && self.rebound_at.is_none_or(|r| at < r) {
            self.found = Some(Change { what, at });
        }
    }

    /// `name`, `name[k]`, `name[k][j]`: state reached from the default.
    fn rooted(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(n) => n.id.as_str() == self.name,
            Expr::Subscript(s) => self.rooted(&s.value),
            _ => false,
        }
    }

    /// The value of `expr` is the default itself or holds it: `name`,
    /// `(a, name)`, `{"k": name}`, `name or {}`, `x if c else name`.
    fn holds(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(n) => n.id.as_str() == self.name,
            Expr::Tuple(t) => t.elts.iter().any(|e| self.holds(e)),
            Expr::List(l) => l.elts.iter().any(|e| self.holds(e)),
            Expr::Set(s) => s.elts.iter().any(|e| self.holds(e)),
            Expr::Dict(d) => d.items.iter().any(|item| {
                self.holds(&item.value) || item.key.as_ref().is_some_and(|k| self.holds(k))
            }),
            Expr::Starred(s) => self.holds(&s.value),
            Expr::BoolOp(b) => b.values.iter().any(|e| self.holds(e)),
            Expr::If(i) => self.holds(&i.body) || self.holds(&i.orelse),
            Expr::Named(n) => self.holds(&n.value),
            _ => false,
        }
    }

    /// An assignment target that keeps the value beyond the call.
    fn stores(target: &Expr) -> Option<String> {
        match target {
            Expr::Attribute(a) => Some(match &*a.value {
                Expr::Name(n) => format!("it is stored on `{}.{}`", n.id, a.attr),
                _ => format!("it is stored on attribute `{}`", a.attr),
            }),
            Expr::Subscript(_) => Some("it is stored into a container".to_string()),
            Expr::Tuple(t) => t.elts.iter().find_map(Self::stores),
            Expr::List(l) => l.elts.iter().find_map(Self::stores),
            Expr::Starred(s) => Self::stores(&s.value),
            _ => None,
        }
    }
}

impl<'a> Visitor<'a> for ChangeFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found.is_some() {
            return;
        }
        let name = self.name;
        match stmt {
            // A nested function or class may shadow the name; its body
            // runs (if ever) at another time.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if self.rooted_target(target) {
                        self.found(format!("`{name}[...] = ...` changes it"), stmt.start());
                    } else if self.holds(&assign.value)
                        && let Some(what) = self.stores_target(target)
                    {
                        self.found(what, stmt.start());
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value
                    && self.holds(value)
                    && let Some(what) = self.stores_target(&assign.target)
                {
                    self.found(what, stmt.start());
                }
            }
            Stmt::AugAssign(assign) if self.rooted(&assign.target) => {
                self.found(
                    format!("`{name} {}=` changes it", assign.op.as_str()),
                    stmt.start(),
                );
            }
            Stmt::Delete(delete)
                if delete
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Subscript(s) if self.rooted(&s.value))) =>
            {
                self.found(format!("`del {name}[...]` changes it"), stmt.start());
            }
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) if self.holds(value) => {
                self.found("it is returned".to_string(), stmt.start());
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found.is_some() {
            return;
        }
        match expr {
            Expr::Lambda(lambda) => {
                let shadows = lambda
                    .parameters
                    .as_ref()
                    .is_some_and(|p| p.iter().any(|p| p.name().as_str() == self.name));
                if !shadows {
                    visitor::walk_expr(self, expr);
                }
                return;
            }
            Expr::Call(call) => {
                if let Expr::Attribute(attr) = &*call.func {
                    let method = attr.attr.as_str();
                    if MUTATING_METHODS.contains(&method) && self.rooted(&attr.value) {
                        let receiver = if attr.value.is_name_expr() {
                            self.name.to_string()
                        } else {
                            format!("{}[...]", self.name)
                        };
                        self.found(
                            format!("`{receiver}.{method}(...)` changes it"),
                            expr.start(),
                        );
                    } else if STORING_METHODS.contains(&method)
                        // `self.add("checkbutton", cnf)` is the object's own
                        // method (tkinter's `Menu.add`), not a container.
                        && !matches!(&*attr.value, Expr::Name(n) if matches!(n.id.as_str(), "self" | "cls"))
                        && call.arguments.args.iter().any(|a| self.holds(a))
                    {
                        self.found(format!("it is stored by `.{method}(...)`"), expr.start());
                    }
                }
            }
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            }) if self.holds(value) => {
                self.found("it is yielded".to_string(), expr.start());
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

impl ChangeFinder<'_> {
    /// `name[k] = v`, `name[a:b] = v` (also inside a tuple target).
    fn rooted_target(&self, target: &Expr) -> bool {
        match target {
            Expr::Subscript(s) => self.rooted(&s.value),
            Expr::Tuple(t) => t.elts.iter().any(|e| self.rooted_target(e)),
            Expr::List(l) => l.elts.iter().any(|e| self.rooted_target(e)),
            Expr::Starred(s) => self.rooted_target(&s.value),
            _ => false,
        }
    }
}

fn is_mutable(semantic: &SemanticModel, expr: &Expr) -> bool {
    match expr {
        Expr::List(_)
        | Expr::Dict(_)
        | Expr::Set(_)
        | Expr::ListComp(_)
        | Expr::DictComp(_)
        | Expr::SetComp(_) => true,
        Expr::Call(call) => semantic
            .resolve_qualified_name(&call.func)
            .is_some_and(|n| n.is_any(MUTABLE_CALLS)),
        // `items=(seen := [])`: the default is still that one list.
        Expr::Named(named) => is_mutable(semantic, &named.value),
        _ => false,
    }
}

/// `Sequence[str]`, `Optional[Mapping[str, int]]`, `Iterable | None`: the
/// signature promises not to mutate the argument.
fn is_read_only(semantic: &SemanticModel, annotation: &Expr) -> bool {
    if let Expr::StringLiteral(string) = annotation {
        // Not parsed: any read-only name in it is enough to stay silent.
        let text = string.value.to_str();
        return READ_ONLY.iter().any(|name| {
            text.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == *name)
        });
    }
    let types = annotation_types(semantic, annotation);
    !types.is_empty()
        && types.iter().all(|ty| {
            type_name(semantic, ty).is_some_and(|name| {
                let module = name.parent().unwrap_or("");
                matches!(module, "typing" | "typing_extensions" | "collections.abc")
                    && READ_ONLY.contains(&name.member())
                    && !(module != "collections.abc" && name.member() == "Set")
            })
        })
}

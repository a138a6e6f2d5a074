//! PF4: context managers and resources.

pub mod bad_context_manager_protocol;
pub mod contextmanager_multiple_yields;
pub mod contextmanager_unprotected_yield;
pub mod exit_swallows_exceptions;
pub mod open_without_with;
pub mod resource_without_with;

use crate::ast::{self, Expr, Stmt};
use crate::context::Context;
use crate::registry::Rule;
use crate::semantic::generator_flow::{self, YieldFlow};
use crate::semantic::model::BindingKind;
use crate::semantic::ownership::unmanaged_resources;
use crate::semantic::{ScopeKind, SemanticModel};

/// The last segment of every opener PF400/PF401 know (`open`, `Popen`,
/// `ZipFile`, ...): a body without a call named like one is not scanned.
const OPENER_NAMES: &[&str] = &[
    "open",
    "open_code",
    "input",
    "FileInput",
    "LZMAFile",
    "TemporaryFile",
    "NamedTemporaryFile",
    "SpooledTemporaryFile",
    "socket",
    "create_connection",
    "Popen",
    "ZipFile",
    "TarFile",
    "taropen",
    "Pool",
    "ThreadPoolExecutor",
    "ProcessPoolExecutor",
];

/// The scopes (function or module) whose own body calls something named
/// like an opener.
pub(crate) type Openers = rustc_hash::FxHashSet<crate::semantic::model::ScopeId>;

/// During the walk: remembers the scopes (function or module) whose own
/// body calls something named like an opener, so that only those bodies get
/// the ownership scan at their end.
pub(crate) fn note_opener_call(cx: &mut Context, state: &mut Openers, call: &ast::ExprCall) {
    let name = match &*call.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.as_str(),
        _ => return,
    };
    if OPENER_NAMES.contains(&name) {
        let scope = cx
            .semantic()
            .function_scope_id()
            .unwrap_or(crate::semantic::model::MODULE_SCOPE);
        state.insert(scope);
    }
}

/// PF400 and PF401 share one scan of each body: a function's at its end
/// (`in_function`), the module's top level at the end of the file.
pub(crate) fn check_unmanaged<'a>(
    cx: &mut Context<'a>,
    state: &mut Openers,
    body: &'a [Stmt],
    in_function: bool,
) {
    let scope = if in_function {
        cx.semantic().current_scope_id()
    } else {
        crate::semantic::model::MODULE_SCOPE
    };
    if !state.contains(&scope) {
        return;
    }
    let files = cx.enabled(Rule::OpenWithoutWith);
    let others = cx.enabled(Rule::ResourceWithoutWith);
    let semantic = cx.semantic();
    let patched = mock_patched_names(semantic, body, in_function);
    let found = unmanaged_resources(body, in_function, |call, in_comprehension| {
        // `with mock.patch("subprocess.Popen"):` / `@patch("builtins.open")`:
        // the opener is a mock.
        if !patched.is_empty() && patched.contains(&last_segment(&call.func)) {
            return None;
        }
        if files && let Some(what) = open_without_with::opener(semantic, call, in_comprehension) {
            return Some((Rule::OpenWithoutWith, what));
        }
        if others
            && let Some(what) = resource_without_with::opener(semantic, call, in_comprehension)
        {
            return Some((Rule::ResourceWithoutWith, what));
        }
        None
    });
    for resource in found {
        let (rule, what) = resource.kind;
        let message = match rule {
            Rule::OpenWithoutWith => open_without_with::message(what, resource.bound_to),
            _ => resource_without_with::message(what, resource.bound_to),
        };
        let statement = Context::header_range(resource.statement);
        cx.report_in_statement(rule, resource.call, statement, message);
    }
}

fn last_segment(func: &Expr) -> &str {
    match func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.as_str(),
        _ => "",
    }
}

/// The names `mock.patch(...)` replaces around `body`: its `with` items
/// (anywhere in the body) and the decorators of the function and of its
/// class. The last segment of each target: `"subprocess.Popen"` → `Popen`,
/// `patch.object(socket, "socket")` → `socket`.
fn mock_patched_names<'a>(
    semantic: &SemanticModel<'a>,
    body: &'a [Stmt],
    in_function: bool,
) -> Vec<&'a str> {
    use crate::ast::visitor::{self, Visitor};
    struct Finder<'a>(Vec<&'a str>);
    impl<'a> Finder<'a> {
        fn patch(&mut self, expr: &'a Expr) {
            let Expr::Call(call) = expr else { return };
            let target = match &*call.func {
                Expr::Name(n) if n.id.as_str() == "patch" => call.arguments.args.first(),
                Expr::Attribute(a) if a.attr.as_str() == "patch" => call.arguments.args.first(),
                Expr::Attribute(a)
                    if a.attr.as_str() == "object"
                        && matches!(&*a.value, Expr::Attribute(p) if p.attr.as_str() == "patch")
                            | matches!(&*a.value, Expr::Name(p) if p.id.as_str() == "patch") =>
                {
                    call.arguments.args.get(1)
                }
                _ => None,
            };
            // `"builtins.open"`, `"%s.open" % __name__`, `f"{__name__}.open"`,
            // `__name__ + ".open"`: the text after the last dot.
            let text = match target {
                Some(Expr::StringLiteral(target)) => Some(target.value.to_str()),
                Some(Expr::BinOp(ast::ExprBinOp {
                    left, op, right, ..
                })) => match (op, &**left, &**right) {
                    (ast::Operator::Mod, Expr::StringLiteral(s), _)
                    | (ast::Operator::Add, _, Expr::StringLiteral(s)) => Some(s.value.to_str()),
                    _ => None,
                },
                Some(Expr::FString(f)) => f.value.iter().last().and_then(|part| match part {
                    ast::FStringPart::Literal(s) => Some(&*s.value),
                    ast::FStringPart::FString(f) => match f.elements.last() {
                        Some(ast::InterpolatedStringElement::Literal(l)) => Some(&*l.value),
                        _ => None,
                    },
                }),
                _ => None,
            };
            if let Some(text) = text {
                self.0.push(text.rsplit('.').next().unwrap_or(text));
            }
        }
    }
    impl<'a> Visitor<'a> for Finder<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::With(with) => {
                    for item in &with.items {
                        self.patch(&item.context_expr);
                    }
                    visitor::walk_stmt(self, stmt);
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut finder = Finder(Vec::new());
    finder.visit_body(body);
    if in_function {
        // The function's decorators, and those of the classes around it.
        let mut scope = Some(semantic.current_scope_id());
        while let Some(id) = scope {
            let s = semantic.scope(id);
            let decorators = match s.kind {
                ScopeKind::Function(def) => &def.decorator_list[..],
                ScopeKind::Class(class) => &class.decorator_list[..],
                _ => &[],
            };
            for decorator in decorators {
                finder.patch(&decorator.expression);
            }
            scope = s.parent;
        }
    }
    finder.0
}

/// `receiver` is a call of one of `types`, or a name bound to one in this or
/// an enclosing function (`zf = ZipFile(p)`, `with ZipFile(p) as zf`).
fn is_instance_of(
    semantic: &SemanticModel,
    receiver: &Expr,
    in_comprehension: bool,
    types: &[&str],
) -> bool {
    let is_constructor = |call: &ast::ExprCall| {
        semantic
            .resolve_qualified_name(&call.func)
            .is_some_and(|n| n.is_any(types))
    };
    match receiver {
        Expr::Call(call) => is_constructor(call),
        // In a comprehension the name may be the comprehension's own variable.
        Expr::Name(name) if !in_comprehension => {
            let Some(id) = semantic.lookup(name.id.as_str()) else {
                return false;
            };
            let binding = semantic.binding(id);
            if !matches!(
                semantic.scope(binding.scope).kind,
                ScopeKind::Function(_) | ScopeKind::Lambda(_)
            ) {
                return false;
            }
            let value = match binding.kind {
                BindingKind::Assignment(value) | BindingKind::Annotated { value, .. } => value,
                BindingKind::WithItem(value) => Some(value),
                _ => None,
            };
            matches!(value, Some(Expr::Call(call)) if is_constructor(call))
        }
        _ => false,
    }
}

/// The yield paths of a `@contextmanager`/`@asynccontextmanager` generator.
fn contextmanager_flow(cx: &Context, def: &ast::StmtFunctionDef) -> Option<YieldFlow> {
    let semantic = cx.semantic();
    let decorated = def.decorator_list.iter().any(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| {
                n.is_any(&[
                    "contextlib.contextmanager",
                    "contextlib.asynccontextmanager",
                ])
            })
    });
    if !decorated {
        return None;
    }
    let is_broad = |handler: &ast::ExceptHandler| {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        let Some(type_) = &handler.type_ else {
            return true;
        };
        let types = match &**type_ {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            other => vec![other],
        };
        types.into_iter().any(|t| {
            semantic
                .resolve_qualified_name(t)
                .is_some_and(|n| n.is_any(&["builtins.Exception", "builtins.BaseException"]))
        })
    };
    Some(generator_flow::analyze(&def.body, &is_broad))
}

/// A method defined directly in a class body.
fn is_method(cx: &Context) -> bool {
    let semantic = cx.semantic();
    matches!(
        semantic.scope(semantic.current_scope_id()).kind,
        ScopeKind::Class(_)
    )
}

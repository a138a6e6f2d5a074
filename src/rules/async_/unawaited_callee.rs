//! PF100: which coroutine function a call names: an `async def` of this
//! file (a candidate judged at the end of the file), a method reached
//! through `self`/`cls`/`super()`, or a question for the project index.

use ruff_text_size::{Ranged, TextRange};
use serde::{Deserialize, Serialize};

use crate::ast::{self, Expr};
use crate::context::Context;
use crate::finding::PendingContext;
use crate::registry::Rule;
use crate::semantic::index::{KEEPS_COROUTINE, Question};
use crate::semantic::model::BindingKind;
use crate::semantic::qualified_name::join;
use crate::semantic::values::Val;
use crate::semantic::{ScopeKind, SemanticModel};

/// How a PF100 site uses the coroutine (kept with a pending question).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Site {
    Discarded,
    TruthTested,
    /// Returned from the named `async def`.
    ReturnedFrom(Box<str>),
}

/// PF100's questions for the project index.
#[derive(Serialize, Deserialize)]
pub(super) enum Asks<'a> {
    /// Is this qualified name a coroutine function defined in the project?
    IsCoroutineFunction { callee: &'a str },
    /// Is `method` of this class (or an in-project base) an `async def`?
    /// With `inherited`, the class's own body is skipped (`super().m()`).
    IsAsyncMethod {
        class: &'a str,
        method: &'a str,
        inherited: bool,
    },
    /// Is `method` of the class that `receiver` is inferred to be (or an
    /// in-project base) an `async def`? (RULES.md "Values")
    AsyncMethodOn { receiver: Val, method: &'a str },
}

impl crate::semantic::index::Ask for Asks<'_> {
    const TAG: &'static str = "PF100.Asks";
}

/// A call of an `async def` of this file, judged once every body is walked
/// (an `async def` with a `yield` is an async generator, not a coroutine).
pub struct Candidate<'a> {
    pub(super) def: &'a ast::StmtFunctionDef,
    pub(super) call: TextRange,
    pub(super) statement: Option<TextRange>,
    pub(super) callee: Box<str>,
    pub(super) context: Site,
}

pub(super) fn attribute_text(attr: &ast::ExprAttribute) -> Option<String> {
    match &*attr.value {
        Expr::Name(n) => Some(join(&[n.id.as_str(), attr.attr.as_str()])),
        Expr::Attribute(inner) => attribute_text(inner).map(|t| join(&[&t, attr.attr.as_str()])),
        _ => None,
    }
}

/// Is `name` the first parameter of the method we are in?
pub(super) fn is_self_or_cls(semantic: &SemanticModel, name: &str) -> bool {
    let Some(function) = semantic.current_function() else {
        return false;
    };
    if semantic.enclosing_class().is_none() {
        return false;
    }
    let Some(id) = semantic.lookup(name) else {
        return false;
    };
    let binding = semantic.binding(id);
    if !matches!(binding.kind, BindingKind::Parameter(_)) {
        return false;
    }
    let is_static = function.decorator_list.iter().any(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is("builtins.staticmethod"))
    });
    !is_static
        && function
            .parameters
            .iter_non_variadic_params()
            .next()
            .is_some_and(|p| p.parameter.name.as_str() == name)
        && matches!(semantic.scope(binding.scope).kind, ScopeKind::Function(f) if std::ptr::eq(f, function))
}

/// `self.m()`: the class's own `m` decides when it has one; otherwise (or
/// for `super().m()`) the project index looks through the bases.
pub(super) fn method_call<'a>(
    cx: &mut Context<'a>,
    state: &mut Vec<Candidate<'a>>,
    call: &'a ast::ExprCall,
    method: &str,
    receiver: &str,
    ctx: Site,
) {
    let inherited = receiver == SUPER;
    let semantic = cx.semantic();
    let Some(class) = semantic.enclosing_class() else {
        return;
    };
    if !inherited
        && let Some(&scope) = cx.def_scopes.get(&class.range().start())
        && let Some(id) = semantic.binding_in_scope(scope, method)
    {
        match semantic.binding(id).kind {
            BindingKind::FunctionDef(def) if def.is_async => {
                let callee = join(&[receiver, method]);
                local_candidate(cx, state, def, call, &callee, ctx);
                return;
            }
            // A sync method, or an attribute: not a coroutine here.
            _ => return,
        }
    }
    // Bases: only a module-level class has a name the index knows.
    let class_is_global = semantic
        .lookup_from(crate::semantic::model::MODULE_SCOPE, class.name.as_str())
        .is_some_and(|id| matches!(semantic.binding(id).kind, BindingKind::ClassDef(c) if std::ptr::eq(c, class)));
    // A method the class body does not define comes from a base: with no
    // base but builtins (`object`, `Exception`) the index has none to give.
    let may_inherit = || {
        class.bases().iter().any(|base| {
            semantic
                .resolve_qualified_name_in(crate::semantic::model::MODULE_SCOPE, base)
                .is_some_and(|name| !name.as_str().starts_with("builtins."))
        })
    };
    if class_is_global && may_inherit() {
        let qualified = semantic.resolve_name_at_module(class.name.as_str());
        // `self.m` / `super().m` is rebuilt from the question when answered:
        // test suites ask this at every `self.assertEqual(...)`. Only
        // another receiver (`cls.m`) is kept as the subject.
        let subject = (!inherited && receiver != "self").then(|| join(&[receiver, method]));
        let question = Asks::IsAsyncMethod {
            class: &qualified,
            method,
            inherited,
        };
        cx.ask(
            Rule::UnawaitedCoroutine,
            Question::new(&question),
            call.range(),
            subject.as_deref(),
            PendingContext::data(&ctx),
        );
    }
}

/// The receiver [`method_call`] is given for `super().m()`.
pub(super) const SUPER: &str = "super()";

/// An `async def` of this file: decided now if its decorators are all known
/// to keep it a coroutine function (the generator check waits for the end
/// of the file); left to the index if an in-project decorator might.
pub(super) fn local_candidate<'a>(
    cx: &mut Context<'a>,
    state: &mut Vec<Candidate<'a>>,
    def: &'a ast::StmtFunctionDef,
    call: &ast::ExprCall,
    callee: &str,
    ctx: Site,
) {
    let semantic = cx.semantic();
    let all_known = def.decorator_list.iter().all(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is_any(KEEPS_COROUTINE))
    });
    if all_known {
        let statement = cx.current_statement();
        state.push(Candidate {
            def,
            call: call.range(),
            statement,
            callee: callee.into(),
            context: ctx,
        });
        return;
    }
    // A module-level function with decorators: the index knows whether
    // those decorators are in-project async wrappers.
    let module_level = semantic
        .lookup_from(crate::semantic::model::MODULE_SCOPE, def.name.as_str())
        .is_some_and(|id| matches!(semantic.binding(id).kind, BindingKind::FunctionDef(d) if std::ptr::eq(d, def)));
    if module_level {
        let question = Asks::IsCoroutineFunction {
            callee: &semantic.resolve_name_at_module(def.name.as_str()),
        };
        cx.ask(
            Rule::UnawaitedCoroutine,
            Question::new(&question),
            call.range(),
            Some(callee),
            PendingContext::data(&ctx),
        );
    }
}

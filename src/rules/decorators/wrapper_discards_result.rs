//! PF301: a decorator's wrapper calls the wrapped function, drops the
//! result and can then return `None`. Judged at the end of the file: where
//! the file applies the decorator, a finding only matters if one of the
//! decorated functions returns a value.

use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::ScopeKind;
use crate::semantic::decorators::{
    Wrapper, discarded_calls, is_method, returned_wrapper, returns_name, returns_value,
};
use crate::semantic::flow::yields;

pub struct WrapperDiscardsResult;

impl<'a> Check<'a> for WrapperDiscardsResult {
    type State = State;
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, state: &mut State, stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, state, def);
        }
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, state: &mut State) {
        check_candidates(cx, state);
    }
}

/// What the walk gathers for the end of the file.
#[derive(Default)]
pub struct State {
    candidates: Vec<Candidate>,
    /// Decorator name as written (last part of `@a.b`, `@a.b(...)`) → does
    /// some function it decorates in this file return a value?
    applications: FxHashMap<String, bool>,
}

struct Candidate {
    /// The names `@` would use: the decorator, the factory or the class
    /// around it.
    names: Vec<String>,
    /// Defined inside a function that does not return it: only this file
    /// can apply it.
    local: bool,
    call: TextRange,
    message: String,
}

pub(crate) fn check(cx: &mut Context, state: &mut State, def: &ast::StmtFunctionDef) {
    record_applications(state, def);
    let semantic = cx.semantic();
    let Some(wrapper) = returned_wrapper(def, is_method(semantic, def), false) else {
        return;
    };
    // A generator wrapper's `return` value is not what its caller gets;
    // `-> None` says the wrapped function returns nothing (an ASGI `send`,
    // a websocket endpoint); a test decorator wraps tests, which return
    // nothing either.
    if yields(&wrapper.def.body)
        || wrapper
            .def
            .returns
            .as_deref()
            .is_some_and(Expr::is_none_literal_expr)
        || is_test_decorator(&wrapper)
    {
        return;
    }
    let calls = discarded_calls(semantic, &wrapper);
    if calls.is_empty() {
        return;
    }
    let mut names = vec![def.name.to_string()];
    let mut local = false;
    match semantic.scope(semantic.current_scope_id()).kind {
        ScopeKind::Function(outer) => {
            names.push(outer.name.to_string());
            local = !returns_name(&outer.body, def.name.as_str());
        }
        ScopeKind::Class(class) => names.push(class.name.to_string()),
        _ => {}
    }
    for call in calls {
        let message = format!(
            "wrapper `{}` of decorator `{}` drops the result of `{}(...)` and can then return `None`: every decorated function returns `None`",
            wrapper.def.name, def.name, wrapper.wrapped
        );
        state.candidates.push(Candidate {
            names: names.clone(),
            local,
            call: call.range(),
            message,
        });
    }
}

/// The wrapped parameter is a test (`test`, `testfunc`, `test_method`), or
/// the wrapper can skip it (`self.skipTest(...)`, `raise unittest.SkipTest`,
/// `pytest.skip(...)`).
fn is_test_decorator(wrapper: &Wrapper) -> bool {
    struct Skips {
        found: bool,
    }
    impl<'a> Visitor<'a> for Skips {
        fn visit_expr(&mut self, expr: &'a Expr) {
            let name = match expr {
                Expr::Name(n) => Some(n.id.as_str()),
                Expr::Attribute(a) => Some(a.attr.as_str()),
                _ => None,
            };
            if name.is_some_and(|n| matches!(n, "skipTest" | "SkipTest" | "skip")) {
                self.found = true;
            }
            if !self.found {
                visitor::walk_expr(self, expr);
            }
        }
    }
    if wrapper.wrapped.starts_with("test") {
        return true;
    }
    let mut skips = Skips { found: false };
    skips.visit_body(&wrapper.def.body);
    skips.found
}

/// `@name` / `@mod.name(...)` on `def`: remembers whether it returns a value.
fn record_applications(state: &mut State, def: &ast::StmtFunctionDef) {
    if def.decorator_list.is_empty() {
        return;
    }
    let gives_value = returns_value(&def.body);
    for decorator in &def.decorator_list {
        let callee = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        let name = match callee {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => continue,
        };
        *state.applications.entry(name.to_string()).or_default() |= gives_value;
    }
}

/// A decorator this file applies only to functions without a return value
/// (test methods, handlers) loses nothing; one it never applies is judged
/// as written, unless no other file can reach it.
pub(crate) fn check_candidates(cx: &mut Context, state: &mut State) {
    let state = std::mem::take(state);
    for candidate in state.candidates {
        let uses: Vec<bool> = candidate
            .names
            .iter()
            .filter_map(|n| state.applications.get(n).copied())
            .collect();
        let report = if uses.is_empty() {
            !candidate.local
        } else {
            uses.contains(&true)
        };
        if report {
            cx.report(
                Rule::WrapperDiscardsResult,
                candidate.call,
                candidate.message,
            );
        }
    }
}

//! PF602: a module-level container that functions add to and nothing ever
//! removes from.
//!
//! During the walk every use of a module-level name is sorted into adds,
//! removals and harmless reads; at the end of the file a container whose
//! every use was seen, with adds from functions and no removal, is reported.
//! A use of any other kind (passed to a call, aliased, returned) means
//! something else may empty it: unknown, so silent.

use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::ast::{self, Expr, Stmt};
use crate::context::{Callee, Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::model::{BindingId, MODULE_SCOPE};

use super::container_uses::{
    ADDS, READING_BUILTINS, READS, REMOVES, is_growable_container, is_registration,
};
use crate::semantic::{BindingKind, SemanticModel};

pub struct UnboundedModuleCache;

impl<'a> Check<'a> for UnboundedModuleCache {
    type State = ModuleContainers;
    const STMTS: u64 = kinds::stmt::FOR | kinds::stmt::AUG_ASSIGN | kinds::stmt::DELETE;
    const EXPRS: u64 = kinds::expr::SUBSCRIPT | kinds::expr::COMPARE;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a Stmt) {
        match stmt {
            Stmt::For(for_stmt) => check_iterable(cx, state, &for_stmt.iter),
            Stmt::AugAssign(_) | Stmt::Delete(_) => check_stmt(cx, state, stmt),
            _ => {}
        }
    }

    #[inline]
    fn on_expr(cx: &mut Context<'a>, state: &mut Self::State, expr: &'a Expr) {
        if matches!(expr, Expr::Subscript(_) | Expr::Compare(_)) {
            check_expr(cx, state, expr);
        }
    }

    #[inline]
    fn on_call(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        call: &'a ast::ExprCall,
        _: &mut Callee<'a>,
    ) {
        check_call(cx, state, call);
    }

    #[inline]
    fn on_comprehension_iter(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        generator: &'a ast::Comprehension,
    ) {
        check_iterable(cx, state, &generator.iter);
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, state: &mut Self::State) {
        check_unbounded(cx, state);
    }
}

/// What the walk saw of module-level names.
#[derive(Default)]
pub struct ModuleContainers {
    uses: FxHashMap<BindingId, Uses>,
    /// Module functions called at import time (`def_op("NOP", 9)` at module
    /// level): they fill tables from the code, not from traffic.
    called_at_import: FxHashSet<String>,
}

/// The uses of one module-level binding seen so far.
#[derive(Default)]
pub struct Uses {
    /// Adds made inside functions, with the function's name.
    adds: Vec<(TextRange, String)>,
    removed: bool,
    /// Loads of the name accounted for as adds, removals or reads.
    accounted: u32,
}

/// The module-level binding a load of `expr` refers to.
fn module_binding(semantic: &SemanticModel, expr: &Expr) -> Option<BindingId> {
    let Expr::Name(name) = expr else { return None };
    let id = semantic.lookup(name.id.as_str())?;
    (semantic.binding(id).scope == MODULE_SCOPE).then_some(id)
}

enum Use {
    Add,
    Remove,
    Read,
}

fn record(cx: &mut Context, state: &mut ModuleContainers, id: BindingId, at: TextRange, what: Use) {
    // Adds made at import time, in a registration decorator or while a class
    // is being created are bounded by the code, not by the traffic.
    let add_in = match what {
        Use::Add => {
            let semantic = cx.semantic();
            semantic
                .current_function()
                .filter(|def| !is_registration(semantic, def))
                .map(|def| def.name.to_string())
        }
        _ => None,
    };
    let uses = state.uses.entry(id).or_default();
    uses.accounted += 1;
    match what {
        Use::Add => uses.adds.extend(add_in.map(|f| (at, f))),
        Use::Remove => uses.removed = true,
        Use::Read => {}
    }
}

/// `C.append(x)`, `C.pop()`, `C.get(k)`, `len(C)`.
pub(crate) fn check_call(cx: &mut Context, state: &mut ModuleContainers, call: &ast::ExprCall) {
    if cx.semantic().at_module_level()
        && let Expr::Name(callee) = &*call.func
    {
        state.called_at_import.insert(callee.id.to_string());
    }
    if let Expr::Attribute(attr) = &*call.func {
        let Some(id) = module_binding(cx.semantic(), &attr.value) else {
            return;
        };
        let method = attr.attr.as_str();
        let what = if ADDS.contains(&method) {
            Use::Add
        } else if REMOVES.contains(&method) {
            Use::Remove
        } else if READS.contains(&method) {
            Use::Read
        } else {
            return;
        };
        record(cx, state, id, call.range(), what);
        return;
    }
    let [argument] = &call.arguments.args[..] else {
        return;
    };
    let Some(id) = module_binding(cx.semantic(), argument) else {
        return;
    };
    let reads = cx
        .semantic()
        .resolve_qualified_name(&call.func)
        .and_then(|n| n.as_str().strip_prefix("builtins.").map(str::to_string))
        .is_some_and(|b| READING_BUILTINS.contains(&b.as_str()));
    if reads {
        record(cx, state, id, call.range(), Use::Read);
    }
}

/// `C[k]`, `C[k] = v`, `del C[k]`, `k in C`.
pub(crate) fn check_expr(cx: &mut Context, state: &mut ModuleContainers, expr: &Expr) {
    match expr {
        Expr::Subscript(subscript) => {
            let Some(id) = module_binding(cx.semantic(), &subscript.value) else {
                return;
            };
            let what = match subscript.ctx {
                ast::ExprContext::Store if !subscript.slice.is_slice_expr() => Use::Add,
                ast::ExprContext::Load => Use::Read,
                // `del C[k]`, `C[:] = []`.
                _ => Use::Remove,
            };
            record(cx, state, id, subscript.range(), what);
        }
        Expr::Compare(compare) => {
            for (op, comparator) in compare.ops.iter().zip(&compare.comparators) {
                if matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn)
                    && let Some(id) = module_binding(cx.semantic(), comparator)
                {
                    record(cx, state, id, comparator.range(), Use::Read);
                }
            }
        }
        _ => {}
    }
}

/// `for x in C:` and a comprehension's `for x in C`.
pub(crate) fn check_iterable(cx: &mut Context, state: &mut ModuleContainers, iter: &Expr) {
    if let Some(id) = module_binding(cx.semantic(), iter) {
        record(cx, state, id, iter.range(), Use::Read);
    }
}

/// `C |= {...}` adds, `C -= {...}` removes; `del C` removes everything.
pub(crate) fn check_stmt(cx: &mut Context, state: &mut ModuleContainers, stmt: &Stmt) {
    match stmt {
        Stmt::AugAssign(s) => {
            let Some(id) = module_binding(cx.semantic(), &s.target) else {
                return;
            };
            let what = match s.op {
                ast::Operator::BitOr | ast::Operator::Add => Use::Add,
                _ => Use::Remove,
            };
            record(cx, state, id, s.range(), what);
        }
        Stmt::Delete(s) => {
            for target in &s.targets {
                if let Some(id) = module_binding(cx.semantic(), target) {
                    // `del C` is not a load: nothing to account for.
                    state.uses.entry(id).or_default().removed = true;
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn check_unbounded(cx: &mut Context, state: &mut ModuleContainers) {
    let ModuleContainers {
        uses,
        called_at_import,
    } = std::mem::take(state);
    let semantic = cx.semantic();
    let module = semantic.scope(MODULE_SCOPE);
    let mut findings = Vec::new();
    for (id, mut uses) in uses {
        let binding = semantic.binding(id);
        let name = binding.name;
        uses.adds
            .retain(|(_, function)| !called_at_import.contains(function));
        if uses.removed || uses.adds.is_empty() || uses.accounted != binding.reads {
            continue;
        }
        // `global NAME` in a function: rebound (or first bound) there.
        if semantic
            .scopes()
            .any(|(_, scope)| scope.is_declared_outside(name))
        {
            continue;
        }
        if name.starts_with("__") && name.ends_with("__") {
            continue;
        }
        let value = match binding.kind {
            BindingKind::Assignment(value) | BindingKind::Annotated { value, .. } => value,
            _ => None,
        };
        if !value.is_some_and(|v| is_growable_container(semantic, v)) {
            continue;
        }
        let bindings = module
            .bindings
            .iter()
            .filter(|&&b| semantic.binding(b).name == name)
            .count();
        if bindings != 1 {
            continue;
        }
        let (_, function) = &uses.adds[0];
        let message = format!(
            "module-level `{name}` is added to in `{function}` and never removed from or rebound: it grows for the life of the process"
        );
        findings.push((binding.range, message));
    }
    findings.sort_by_key(|(range, _)| range.start());
    for (range, message) in findings {
        cx.report(Rule::UnboundedModuleCache, range, message);
    }
}

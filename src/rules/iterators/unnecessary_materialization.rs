//! PF503: a list built only to be iterated once: `for x in list(<expr>)`,
//! or a list comprehension bound to a name whose one use is a loop or a
//! reducer.

use super::materialization_bindings::{find_assignment, reads_namespace, reducer_use};
use super::materialization_effects::{PURE_CALLS, may_change_during};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;
use crate::rules::iterators::list_comprehension_in_call::is_async_comprehension;
use crate::semantic::model::ScopeId;
use crate::semantic::{BindingKind, ScopeKind, SemanticModel};
use ruff_text_size::Ranged;
pub struct UnnecessaryMaterialization;

impl<'a> Check<'a> for UnnecessaryMaterialization {
    type State = ();
    const STMTS: u64 = kinds::stmt::FOR;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::For(for_stmt) = stmt {
            check_for(cx, for_stmt);
        }
    }

    #[inline]
    fn on_file_end(cx: &mut Context<'a>, _: &mut ()) {
        check_functions(cx);
    }
}

/// `for x in list(<expr>)`.
pub(crate) fn check_for(cx: &mut Context, for_stmt: &ast::StmtFor) {
    if for_stmt.is_async {
        return;
    }
    let Expr::Call(call) = &*for_stmt.iter else {
        return;
    };
    let [argument] = &call.arguments.args[..] else {
        return;
    };
    if !call.arguments.keywords.is_empty() || argument.is_starred_expr() {
        return;
    }
    let semantic = cx.semantic();
    if !semantic
        .resolve_qualified_name(&call.func)
        .is_some_and(|n| n.is("builtins.list"))
    {
        return;
    }
    let scope = semantic.current_scope_id();
    if reads_namespace(semantic, scope, argument)
        || may_change_during(semantic, scope, argument, &for_stmt.body)
    {
        return;
    }
    let message = "`list(...)` copies everything before the loop starts, and the loop is all that reads it: iterate the expression directly".to_string();
    cx.report(Rule::UnnecessaryMaterialization, call.range(), message);
}

/// After the walk: a list comprehension bound to a local name whose only
/// use is the next statement's `for` loop or a reducer call in it.
pub(crate) fn check_functions(cx: &mut Context) {
    let semantic = cx.semantic();
    let mut findings = Vec::new();
    for (scope_id, scope) in semantic.scopes() {
        let ScopeKind::Function(def) = scope.kind else {
            continue;
        };
        for &id in &scope.bindings {
            let binding = semantic.binding(id);
            let BindingKind::Assignment(Some(Expr::ListComp(comp))) = binding.kind else {
                continue;
            };
            let name = binding.name;
            let bound_once = scope
                .bindings
                .iter()
                .filter(|&&b| semantic.binding(b).name == name)
                .count()
                == 1;
            if !bound_once
                || binding.reads != 1
                || scope.is_declared_outside(name)
                || is_async_comprehension(&comp.generators, &[&comp.elt])
                || calls_something(semantic, scope_id, &comp.elt)
            {
                continue;
            }
            let Some((assign, next)) = find_assignment(&def.body, binding.range) else {
                continue;
            };
            let Some(next) = next else { continue };
            let comprehension = Expr::ListComp(comp.clone());
            let used_by = match next {
                Stmt::For(for_stmt)
                    if !for_stmt.is_async
                        && matches!(&*for_stmt.iter, Expr::Name(n) if n.id.as_str() == name) =>
                {
                    if may_change_during(semantic, scope_id, &comprehension, &for_stmt.body) {
                        continue;
                    }
                    "the `for` loop that follows".to_string()
                }
                other => match reducer_use(semantic, scope_id, other, name) {
                    Some(reducer) => format!("`{reducer}()`"),
                    None => continue,
                },
            };
            let message = format!(
                "the list `{name}` is built only to be iterated once, by {used_by}: a generator expression gives the same result without holding the whole list"
            );
            findings.push((comp.range(), assign.range(), message));
        }
    }
    for (range, statement, message) in findings {
        cx.report_in_statement(Rule::UnnecessaryMaterialization, range, statement, message);
    }
}

/// `[t.delay() for t in ts]`: the elements start work, eagerly on purpose
/// (every call made before the loop or the reducer sees the first one).
/// Pure builtins (`len(x)`) and string methods (`line.strip()`) do not count.
fn calls_something(semantic: &SemanticModel, scope: ScopeId, element: &Expr) -> bool {
    crate::ast::helpers::any_over_expr(element, |e| {
        let Expr::Call(call) = e else { return false };
        if let Some(name) = semantic.resolve_qualified_name_in(scope, &call.func) {
            return !name
                .as_str()
                .strip_prefix("builtins.")
                .is_some_and(|b| PURE_CALLS.contains(&b));
        }
        !matches!(&*call.func, Expr::Attribute(a) if STR_METHODS.contains(&a.attr.as_str()))
    })
}

/// String methods that only compute a value.
const STR_METHODS: &[&str] = &[
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "casefold",
    "split",
    "rsplit",
    "splitlines",
    "startswith",
    "endswith",
    "replace",
    "removeprefix",
    "removesuffix",
    "partition",
    "rpartition",
    "format",
    "join",
    "encode",
    "decode",
    "title",
];

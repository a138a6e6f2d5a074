//! PF300: a decorator's wrapper without `functools.wraps`.

use ruff_text_size::Ranged;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::decorators::{copies_metadata, is_method, returned_wrapper};

pub const META: RuleMeta = RuleMeta {
    code: "PF300",
    name: "missing-functools-wraps",
    default_on: true,
    fix: FixAvailability::Safe,
    summary: "a decorator's wrapper is not decorated with `functools.wraps`",
    doc: include_str!("../../../rules/PF300.md"),
};

pub(crate) fn check(cx: &mut Checker, decorator: &ast::StmtFunctionDef) {
    let semantic = cx.semantic();
    let is_method = is_method(semantic, decorator);
    // `functools.wraps(f)` as a bare statement builds a decorator and drops
    // it: the author meant to wrap, whatever the signature.
    let discarded_wraps = decorator.body.iter().any(|stmt| {
        matches!(stmt, ast::Stmt::Expr(e) if matches!(&*e.value, Expr::Call(call)
            if semantic.resolve_qualified_name(&call.func).is_some_and(|n| n.is("functools.wraps"))))
    });
    let Some(wrapper) = returned_wrapper(decorator, is_method, discarded_wraps) else {
        return;
    };
    // A decorator on the wrapper that is handed the wrapped function
    // (`@wraps(f)`, `@six.wraps(f)`) may copy the metadata: stay silent.
    if wrapper
        .def
        .decorator_list
        .iter()
        .any(|d| may_copy_metadata(cx, &d.expression, wrapper.wrapped))
    {
        return;
    }
    if copies_metadata(&decorator.body, wrapper.def.name.as_str()) {
        return;
    }
    let message = format!(
        "wrapper `{}` in decorator `{}` does not use `functools.wraps({})`: the decorated function loses its name, docstring and signature",
        wrapper.def.name, decorator.name, wrapper.wrapped
    );
    let finding = cx.report(
        Rule::MissingFunctoolsWraps,
        wrapper.def.name.range(),
        message,
    );
    finding.labels.push(crate::report::Label {
        span: finding.span,
        message: format!("add `@functools.wraps({})`", wrapper.wrapped),
    });
}

fn may_copy_metadata(cx: &Checker, decorator: &Expr, wrapped: &str) -> bool {
    let Expr::Call(call) = decorator else {
        return false;
    };
    if cx
        .semantic()
        .resolve_qualified_name(&call.func)
        .is_some_and(|n| n.is("functools.wraps"))
    {
        return true;
    }
    let mut mentions = Mentions {
        name: wrapped,
        found: false,
    };
    mentions.visit_arguments(&call.arguments);
    mentions.found
}

struct Mentions<'n> {
    name: &'n str,
    found: bool,
}

impl<'a> Visitor<'a> for Mentions<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(n) if n.id.as_str() == self.name => self.found = true,
            _ => visitor::walk_expr(self, expr),
        }
    }
}

//! PF301: a decorator's wrapper calls the wrapped function, drops the
//! result and can then return `None`.

use ruff_text_size::Ranged;

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::decorators::{discarded_calls, is_method, returned_wrapper, yields};

pub const META: RuleMeta = RuleMeta {
    code: "PF301",
    name: "wrapper-discards-result",
    default_on: true,
    fix: FixAvailability::None,
    summary: "a decorator's wrapper drops the wrapped function's result",
    doc: include_str!("../../../rules/PF301.md"),
};

pub(crate) fn check(cx: &mut Checker, decorator: &ast::StmtFunctionDef) {
    let semantic = cx.semantic();
    let Some(wrapper) = returned_wrapper(decorator, is_method(semantic, decorator), false) else {
        return;
    };
    // A generator wrapper's `return` value is not what its caller gets.
    if yields(&wrapper.def.body) {
        return;
    }
    let calls = discarded_calls(semantic, &wrapper);
    for call in calls {
        let message = format!(
            "wrapper `{}` of decorator `{}` drops the result of `{}(...)` and can then return `None`: every decorated function returns `None`",
            wrapper.def.name, decorator.name, wrapper.wrapped
        );
        cx.report(Rule::WrapperDiscardsResult, call.range(), message);
    }
}

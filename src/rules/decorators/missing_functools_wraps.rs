//! PF300: a decorator's wrapper without `functools.wraps`.

use super::wraps_applied::{answer, applied_question};
use super::wraps_fix::wraps_fix;
use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::finding::{Finding, Pending};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::decorators::{copies_metadata, is_method, returned_wrapper};
use crate::semantic::index::{ProjectIndex, Question};
use ruff_text_size::Ranged;
pub struct MissingFunctoolsWraps;

impl<'a> Check<'a> for MissingFunctoolsWraps {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, def);
        }
    }

    fn answer(pending: &Pending, question: &Question, index: &ProjectIndex) -> Option<Finding> {
        answer(pending, question, index)
    }
}

pub(crate) fn check(cx: &mut Context, decorator: &ast::StmtFunctionDef) {
    let semantic = cx.semantic();
    let is_method = is_method(semantic, decorator);
    // `functools.wraps(f)` as a bare statement builds a decorator and drops
    // it: the author meant to wrap, whatever the signature.
    let discarded_wraps = decorator.body.iter().any(|stmt| {
        matches!(stmt, ast::Stmt::Expr(e) if matches!(&*e.value, Expr::Call(call)
            if may_be_wraps(&call.func)
                && semantic.resolve_qualified_name(&call.func).is_some_and(|n| n.is("functools.wraps"))))
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
    // A parameter with a default is an injected factory or callback
    // (`def make_handler(send, build=Response)`), not the wrapped function.
    let wrapped_has_default = decorator.parameters.iter_non_variadic_params().any(|p| {
        p.parameter.name.as_str() == wrapped_name(&wrapper)
                // `func=None`: a decorator usable with and without arguments.
                && p.default.as_deref().is_some_and(|d| !d.is_none_literal_expr())
    });
    if wrapped_has_default || only_raised(wrapper.def, wrapper.wrapped) {
        return;
    }
    // A generic wrapper (`*args, **kwargs` both passed on) is a decorator
    // whatever uses it; a fixed-signature closure (an ASGI `send` wrapper,
    // a fixture's factory, `operator.lt` adapters) is one only if the
    // project applies it as one.
    let question = if discarded_wraps || passes_everything_on(wrapper.def, wrapper.wrapped) {
        None
    } else {
        Some(applied_question(cx, decorator))
    };
    let message = format!(
        "wrapper `{}` in decorator `{}` does not use `functools.wraps({})`: the decorated function loses its name, docstring and signature",
        wrapper.def.name, decorator.name, wrapper.wrapped
    );
    let fix = wraps_fix(cx, wrapper.def, wrapper.wrapped);
    let finding = cx.report(
        Rule::MissingFunctoolsWraps,
        wrapper.def.name.range(),
        message,
    );
    finding.fix = fix;
    finding.labels.push(crate::finding::Label {
        span: finding.span,
        message: format!("add `@functools.wraps({})`", wrapper.wrapped),
    });
    if let Some(question) = question {
        cx.defer_last_finding(question);
    }
}

/// Can `func` name `functools.wraps`: a bare name (maybe an alias), or an
/// attribute `.wraps` (not resolved otherwise: it is not).
fn may_be_wraps(func: &Expr) -> bool {
    match func {
        Expr::Name(_) => true,
        Expr::Attribute(attr) => attr.attr.as_str() == "wraps",
        _ => false,
    }
}

fn wrapped_name<'a>(wrapper: &crate::semantic::decorators::Wrapper<'a>) -> &'a str {
    wrapper.wrapped
}

/// Does `wrapper` take `*args, **kwargs` and pass both on to `wrapped`
/// (`wrapped(*args, **kwargs)`, `wrapped(self, *args, **kw)`)?
fn passes_everything_on(wrapper: &ast::StmtFunctionDef, wrapped: &str) -> bool {
    let (Some(args), Some(kwargs)) = (&wrapper.parameters.vararg, &wrapper.parameters.kwarg) else {
        return false;
    };
    struct Finder<'n> {
        wrapped: &'n str,
        args: &'n str,
        kwargs: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
            if !self.found && !matches!(stmt, ast::Stmt::FunctionDef(_) | ast::Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found {
                return;
            }
            if let Expr::Call(call) = expr
                && matches!(&*call.func, Expr::Name(n) if n.id.as_str() == self.wrapped)
            {
                let star = call.arguments.args.iter().any(|a| {
                    matches!(a, Expr::Starred(s) if matches!(&*s.value, Expr::Name(n) if n.id.as_str() == self.args))
                });
                let double = call.arguments.keywords.iter().any(|k| {
                    k.arg.is_none()
                        && matches!(&k.value, Expr::Name(n) if n.id.as_str() == self.kwargs)
                });
                if star && double {
                    self.found = true;
                    return;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        wrapped,
        args: args.name.as_str(),
        kwargs: kwargs.name.as_str(),
        found: false,
    };
    finder.visit_body(&wrapper.body);
    finder.found
}

/// Is every call of `wrapped` in `wrapper` inside a `raise` (`raise
/// exc_class(msg)`)? Then `wrapped` is an exception class.
fn only_raised(wrapper: &ast::StmtFunctionDef, wrapped: &str) -> bool {
    struct Finder<'n> {
        wrapped: &'n str,
        in_raise: bool,
        raised: bool,
        elsewhere: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
            match stmt {
                ast::Stmt::FunctionDef(_) | ast::Stmt::ClassDef(_) => {}
                ast::Stmt::Raise(_) => {
                    self.in_raise = true;
                    visitor::walk_stmt(self, stmt);
                    self.in_raise = false;
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr
                && matches!(&*call.func, Expr::Name(n) if n.id.as_str() == self.wrapped)
            {
                if self.in_raise {
                    self.raised = true;
                } else {
                    self.elsewhere = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        wrapped,
        in_raise: false,
        raised: false,
        elsewhere: false,
    };
    finder.visit_body(&wrapper.body);
    finder.raised && !finder.elsewhere
}

fn may_copy_metadata(cx: &Context, decorator: &Expr, wrapped: &str) -> bool {
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

//! PF300: a decorator's wrapper without `functools.wraps`.

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::context::{Check, Context};
use crate::finding::{Applicability, Edit, Finding, Fix, Pending, PendingContext};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::ScopeKind;
use crate::semantic::decorators::{copies_metadata, is_method, returned_wrapper};
use crate::semantic::index::{ProjectIndex, Question};
use ruff_text_size::{Ranged, TextRange, TextSize};
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

fn wrapped_name<'a>(wrapper: &crate::semantic::decorators::Wrapper<'a>) -> &'a str {
    wrapper.wrapped
}

/// "Is `decorator` applied as a decorator somewhere?": by its own name (or,
/// in a factory, by the factory called), in this file or, for a module-level
/// function or method, anywhere in the project.
fn applied_question(cx: &Context, decorator: &ast::StmtFunctionDef) -> Question {
    let semantic = cx.semantic();
    let module = semantic.module.name.clone();
    let own = decorator.name.as_str();
    let prefix = if module.is_empty() {
        String::new()
    } else {
        format!("{module}.")
    };
    let mut names = vec![own.to_string(), format!("{own}()")];
    let mut qualified = Vec::new();
    let scope = semantic.scope(semantic.current_scope_id());
    let parent_is_module = scope
        .parent
        .is_none_or(|p| p == crate::semantic::model::MODULE_SCOPE);
    match scope.kind {
        ScopeKind::Module => {
            qualified.push(format!("{prefix}{own}"));
            qualified.push(format!("{prefix}{own}()"));
        }
        ScopeKind::Class(class) if parent_is_module => {
            qualified.push(format!("{prefix}{}.{own}", class.name));
            qualified.push(format!("{prefix}{}.{own}()", class.name));
        }
        // The middle level of a factory: `@factory(...)` applies it.
        ScopeKind::Function(factory) => {
            names.push(format!("{}()", factory.name));
            if parent_is_module {
                qualified.push(format!("{prefix}{}()", factory.name));
            }
        }
        _ => {}
    }
    names.sort_unstable();
    Question::DecoratorApplied {
        module,
        names,
        qualified,
    }
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

pub(crate) fn answer(
    pending: &Pending,
    question: &Question,
    index: &ProjectIndex,
) -> Option<Finding> {
    let (
        Question::DecoratorApplied {
            module,
            names,
            qualified,
        },
        PendingContext::Finding(finding),
    ) = (question, &pending.context)
    else {
        return None;
    };
    index
        .decorator_applied(module, names, qualified)
        .then(|| (**finding).clone())
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

/// The fix: `@functools.wraps(f)` right above the wrapper's `def` (below its
/// own decorators), spelled in the file's import style, plus the import when
/// nothing usable is imported. `None` when a name it would need is taken.
fn wraps_fix(cx: &Context, wrapper: &ast::StmtFunctionDef, wrapped: &str) -> Option<Fix> {
    let text = cx.locator().text();
    let newline = crate::source::line_ending(text);
    let suite = cx.module_suite();
    let semantic = cx.semantic();
    // A name usable here for `target`: bound to it, or not bound yet (a
    // module-level import below the decorator).
    let usable = |name: &str, target: &str| match semantic.resolve_name(name) {
        Some(q) => q.is(target),
        None => semantic.lookup(name).is_none(),
    };
    let mut from_functools: Option<&ast::StmtImportFrom> = None;
    let mut wraps_name: Option<&str> = None;
    let mut module_name: Option<&str> = None;
    for stmt in suite {
        match stmt {
            ast::Stmt::Import(import) => {
                for alias in &import.names {
                    if alias.name.as_str() == "functools" {
                        let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        if module_name.is_none() && usable(local, "functools") {
                            module_name = Some(local);
                        }
                    }
                }
            }
            ast::Stmt::ImportFrom(import)
                if import.level == 0
                    && import
                        .module
                        .as_ref()
                        .is_some_and(|m| m.as_str() == "functools") =>
            {
                if import.names.iter().any(|a| a.name.as_str() == "*") {
                    continue;
                }
                for alias in &import.names {
                    if alias.name.as_str() == "wraps" {
                        let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        if wraps_name.is_none() && usable(local, "functools.wraps") {
                            wraps_name = Some(local);
                        }
                    }
                }
                from_functools.get_or_insert(import);
            }
            _ => {}
        }
    }
    let mut edits = Vec::new();
    let expression = if let Some(name) = wraps_name {
        format!("{name}({wrapped})")
    } else if let Some(module) = module_name {
        format!("{module}.wraps({wrapped})")
    } else if let Some(import) = from_functools.filter(|_| semantic.lookup("wraps").is_none()) {
        // `from functools import partial` → `from functools import partial, wraps`,
        // in alphabetical place when the list is sorted.
        let (at, content) = match import.names.iter().find(|a| a.name.as_str() > "wraps") {
            Some(after) => (after.start(), "wraps, ".to_string()),
            None => (import.names.last()?.end(), ", wraps".to_string()),
        };
        edits.push(insertion(cx, at, content));
        format!("wraps({wrapped})")
    } else if semantic.lookup("functools").is_none() {
        let (at, content) = import_insertion(suite, text, newline);
        edits.push(insertion(cx, at, content));
        format!("functools.wraps({wrapped})")
    } else {
        return None;
    };
    // The `def` line: its indentation, and the new decorator goes before it.
    let line_start = text[..wrapper.name.start().to_usize()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    edits.push(insertion(
        cx,
        TextSize::try_from(line_start).ok()?,
        format!("{indent}@{expression}{newline}"),
    ));
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Add `@{expression}`"),
        edits,
    })
}

fn insertion(cx: &Context, at: TextSize, content: String) -> Edit {
    Edit {
        content,
        span: cx.locator().span(TextRange::empty(at)),
    }
}

/// Where `import functools` goes: after the leading imports (which include
/// `from __future__` ones), else after the module docstring, else before the
/// first statement (below a shebang, coding line or header comment).
fn import_insertion(suite: &[ast::Stmt], text: &str, newline: &str) -> (TextSize, String) {
    let mut rest = suite;
    let mut docstring = None;
    if let Some((first, tail)) = rest.split_first()
        && let ast::Stmt::Expr(expr) = first
        && expr.value.is_string_literal_expr()
    {
        docstring = Some(first);
        rest = tail;
    }
    let last_import = rest
        .iter()
        .take_while(|s| matches!(s, ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_)))
        .last();
    let after_line = |stmt: &ast::Stmt| -> Option<TextSize> {
        let end = stmt.end().to_usize();
        let newline_at = text[end..].find('\n')?;
        TextSize::try_from(end + newline_at + 1).ok()
    };
    let line = format!("import functools{newline}");
    if let Some(import) = last_import {
        return match after_line(import) {
            Some(at) => (at, line),
            None => (TextSize::of(text), format!("{newline}import functools")),
        };
    }
    if let Some(doc) = docstring {
        return match after_line(doc) {
            Some(at) => (at, format!("{newline}{line}")),
            None => (
                TextSize::of(text),
                format!("{newline}{newline}import functools"),
            ),
        };
    }
    match suite.first() {
        Some(first) => {
            let start = first.start().to_usize();
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (
                TextSize::try_from(line_start).unwrap_or_default(),
                format!("{line}{newline}"),
            )
        }
        None => (TextSize::default(), line),
    }
}

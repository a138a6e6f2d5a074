//! PF500: a list comprehension built only to be consumed once.

use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::checker::Checker;
use crate::report::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PF500",
    name: "list-comprehension-in-call",
    default_on: true,
    fix: FixAvailability::Sometimes,
    summary: "a list comprehension passed to a function that consumes it once",
    doc: include_str!("../../../rules/PF500.md"),
};

pub(crate) fn check(cx: &mut Checker, call: &ast::ExprCall) {
    // Cheap test first: most calls have no comprehension argument.
    if !matches!(
        call.arguments.args.first(),
        Some(Expr::ListComp(_) | Expr::SetComp(_))
    ) {
        return;
    }
    let Some(name) = cx.semantic().resolve_qualified_name(&call.func) else {
        return;
    };
    let Some(builtin) = name.as_str().strip_prefix("builtins.") else {
        return;
    };
    let args = &call.arguments.args;
    let keywords = &call.arguments.keywords;
    let Some(first) = args.first() else { return };
    if args.iter().any(|a| a.is_starred_expr()) || keywords.iter().any(|k| k.arg.is_none()) {
        return;
    }
    let keyword_names = || {
        keywords
            .iter()
            .filter_map(|k| k.arg.as_ref().map(|a| a.as_str()))
    };
    let allowed = match builtin {
        "any" | "all" => args.len() == 1 && keywords.is_empty(),
        "sum" => args.len() <= 2 && keyword_names().all(|k| k == "start"),
        "min" | "max" => args.len() == 1 && keyword_names().all(|k| k == "key" || k == "default"),
        "set" | "frozenset" | "tuple" | "dict" | "enumerate" => {
            args.len() == 1 && keywords.is_empty()
        }
        _ => false,
    };
    if !allowed {
        return;
    }
    let (generators, elements): (&[ast::Comprehension], Vec<&Expr>) = match first {
        Expr::ListComp(comp) => (&comp.generators, vec![&comp.elt]),
        // `sum({...})` depends on the duplicates the set removes.
        Expr::SetComp(comp) if matches!(builtin, "any" | "all" | "min" | "max") => {
            (&comp.generators, vec![&comp.elt])
        }
        _ => return,
    };
    if is_async_comprehension(generators, &elements) {
        return;
    }
    let kind = if matches!(first, Expr::ListComp(_)) {
        "list"
    } else {
        "set"
    };
    let message = format!(
        "`{builtin}()` gets a {kind} comprehension it consumes once: pass a generator expression instead of building the whole {kind}"
    );
    let range = first.range();
    // `max(x for x in y,)` is a syntax error: a trailing comma keeps the
    // parentheses (found by the fuzzer).
    let trailing_comma =
        cx.locator().text()[TextRange::new(range.end(), call.arguments.end())].contains(',');
    let sole = args.len() == 1 && keywords.is_empty() && !trailing_comma;
    let (open, close) = if sole { ("", "") } else { ("(", ")") };
    let one = TextSize::from(1);
    let fix = Fix {
        applicability: if matches!(builtin, "any" | "all") {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: "Use a generator expression".to_string(),
        edits: vec![
            Edit {
                content: open.to_string(),
                span: cx.locator().span(TextRange::at(range.start(), one)),
            },
            Edit {
                content: close.to_string(),
                span: cx.locator().span(TextRange::at(range.end() - one, one)),
            },
        ],
    };
    cx.report(Rule::ListComprehensionInCall, range, message).fix = Some(fix);
}

/// A comprehension with `await` or `async for` becomes an async generator
/// without its brackets. An `await` only in the first iterable runs eagerly,
/// so it does not count.
pub(crate) fn is_async_comprehension(
    generators: &[ast::Comprehension],
    elements: &[&Expr],
) -> bool {
    let mut finder = AsyncFinder(false);
    for (i, generator) in generators.iter().enumerate() {
        if generator.is_async {
            return true;
        }
        if i > 0 {
            finder.visit_expr(&generator.iter);
        }
        for condition in &generator.ifs {
            finder.visit_expr(condition);
        }
    }
    for element in elements {
        finder.visit_expr(element);
    }
    finder.0
}

struct AsyncFinder(bool);

impl<'a> Visitor<'a> for AsyncFinder {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Await(_) => self.0 = true,
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_comprehension(&mut self, comprehension: &'a ast::Comprehension) {
        if comprehension.is_async {
            self.0 = true;
        }
        visitor::walk_comprehension(self, comprehension);
    }
}

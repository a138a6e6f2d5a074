//! PF500: a list (or set) comprehension handed to `any`/`all`, which lose
//! their short-circuit; and PF504 (same walk): one handed to another builtin
//! that consumes it once (`sum`, `min`, `max`, `set`, `tuple`, ...).

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr};
use crate::context::{Callee, Check, Context};
use crate::finding::{Applicability, Edit, Fix};
use crate::registry::Rule;
use ruff_text_size::{Ranged, TextRange, TextSize};
pub struct ListComprehensionInCall;

impl<'a> Check<'a> for ListComprehensionInCall {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, _: &mut Callee<'a>) {
        check(cx, call, Rule::ListComprehensionInCall);
    }
}

/// PF500 and PF504 (`only` says which one this call reports for): one check,
/// by the builtin the comprehension is handed to.
pub(crate) fn check(cx: &mut Context, call: &ast::ExprCall, only: Rule) {
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
    let rule = if matches!(builtin, "any" | "all") {
        Rule::ListComprehensionInCall
    } else {
        Rule::ListComprehensionInReducer
    };
    if !allowed || rule != only {
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
    let message = if rule == Rule::ListComprehensionInCall {
        format!(
            "`{builtin}()` gets a {kind} comprehension: every element is computed before `{builtin}()` can stop at the first that decides; pass a generator expression"
        )
    } else {
        format!(
            "`{builtin}()` gets a {kind} comprehension it consumes once: pass a generator expression instead of building the whole {kind}"
        )
    };
    let range = first.range();
    // `max(x for x in y,)` is a syntax error: a trailing comma keeps the
    // parentheses (found by the fuzzer).
    let trailing_comma =
        cx.locator().text()[TextRange::new(range.end(), call.arguments.end())].contains(',');
    let sole = args.len() == 1 && keywords.is_empty() && !trailing_comma;
    let (open, close) = if sole { ("", "") } else { ("(", ")") };
    let one = TextSize::from(1);
    let text = cx.locator().text();
    let bracket = |at: TextSize, content: &str| {
        let own = TextRange::at(at, one);
        // A bracket alone on its line goes with its line: no line of
        // only whitespace is left behind.
        let range = if content.is_empty() {
            own_line(text, own).unwrap_or(own)
        } else {
            own
        };
        Edit {
            content: content.to_string(),
            span: cx.locator().span(range),
        }
    };
    let fix = Fix {
        applicability: if rule == Rule::ListComprehensionInCall {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: "Use a generator expression".to_string(),
        edits: vec![
            bracket(range.start(), open),
            bracket(range.end() - one, close),
        ],
    };
    cx.report(rule, range, message).fix = Some(fix);
}

/// The whole line of `bracket` (its indentation and line break included)
/// when nothing else is on it.
fn own_line(text: &str, bracket: TextRange) -> Option<TextRange> {
    let start = usize::from(bracket.start());
    let end = usize::from(bracket.end());
    let before = &text[..start];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if !before[line_start..].chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let after = &text[end..];
    let blank = after
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(after.len());
    let line_end = match &after.as_bytes()[blank..] {
        [b'\r', b'\n', ..] => end + blank + 2,
        [b'\n' | b'\r', ..] => end + blank + 1,
        [] => end + blank,
        _ => return None,
    };
    Some(TextRange::new(
        TextSize::try_from(line_start).ok()?,
        TextSize::try_from(line_end).ok()?,
    ))
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

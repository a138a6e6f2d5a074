//! PF300's fix: `@functools.wraps(f)` above the wrapper's `def`, and the
//! import it needs.

use crate::ast::{self};
use crate::context::Context;
use crate::finding::{Applicability, Edit, Fix};
use ruff_text_size::{Ranged, TextRange, TextSize};

/// The fix: `@functools.wraps(f)` right above the wrapper's `def` (below its
/// own decorators), spelled in the file's import style, plus the import when
/// nothing usable is imported. `None` when a name it would need is taken.
pub(super) fn wraps_fix(
    cx: &Context,
    wrapper: &ast::StmtFunctionDef,
    wrapped: &str,
) -> Option<Fix> {
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

pub(super) fn insertion(cx: &Context, at: TextSize, content: String) -> Edit {
    Edit {
        content,
        span: cx.locator().span(TextRange::empty(at)),
    }
}

/// Where `import functools` goes: after the leading imports (which include
/// `from __future__` ones), else after the module docstring, else before the
/// first statement (below a shebang, coding line or header comment).
pub(super) fn import_insertion(
    suite: &[ast::Stmt],
    text: &str,
    newline: &str,
) -> (TextSize, String) {
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

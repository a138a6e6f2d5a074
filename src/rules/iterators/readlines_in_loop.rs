//! PF501: `for line in f.readlines()` reads the whole file before the first
//! line is looked at.

use crate::semantic::known::{FILE_OPENERS, PATH_TYPES};
use ruff_text_size::{Ranged, TextRange};

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::finding::{Applicability, Edit, Fix};
use crate::kinds;
use crate::registry::Rule;
use crate::semantic::typing::{annotation_types, type_name};
use crate::semantic::{BindingKind, SemanticModel};

pub struct ReadlinesInLoop;

impl<'a> Check<'a> for ReadlinesInLoop {
    type State = ();
    const STMTS: u64 = kinds::stmt::FOR;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::For(for_stmt) = stmt {
            check_for(cx, for_stmt);
        }
    }

    #[inline]
    fn on_comprehension_iter(cx: &mut Context<'a>, _: &mut (), generator: &'a ast::Comprehension) {
        check_comprehension(cx, generator);
    }
}

/// The openers of PF400: calls that return an open file.
/// File types a parameter may be annotated with.
const FILE_TYPES: &[&str] = &[
    "typing.IO",
    "typing.TextIO",
    "typing.BinaryIO",
    "typing_extensions.IO",
    "typing_extensions.TextIO",
    "typing_extensions.BinaryIO",
    "io.IOBase",
    "io.RawIOBase",
    "io.BufferedIOBase",
    "io.TextIOBase",
    "io.FileIO",
    "io.BufferedReader",
    "io.BufferedRandom",
    "io.BufferedRWPair",
    "io.TextIOWrapper",
];

/// `for … in <iter>:` — `body` is the loop body, where the fix must not
/// change what reading the file means.
pub(crate) fn check_for(cx: &mut Context, for_stmt: &ast::StmtFor) {
    if for_stmt.is_async {
        return;
    }
    check(cx, &for_stmt.iter, Some(&for_stmt.body));
}

/// A comprehension's `for … in <iter>` (checked from the scope the iterable
/// is evaluated in).
pub(crate) fn check_comprehension(cx: &mut Context, generator: &ast::Comprehension) {
    if generator.is_async {
        return;
    }
    check(cx, &generator.iter, None);
}

fn check(cx: &mut Context, iter: &Expr, body: Option<&[Stmt]>) {
    let Expr::Call(call) = iter else { return };
    let Expr::Attribute(method) = &*call.func else {
        return;
    };
    let no_arguments = call.arguments.args.is_empty() && call.arguments.keywords.is_empty();
    let (receiver, readlines) = match method.attr.as_str() {
        // `readlines(hint)` reads only about `hint` bytes: a deliberate batch.
        "readlines" if no_arguments => (&*method.value, true),
        "splitlines" if call.arguments.keywords.is_empty() && call.arguments.args.len() <= 1 => {
            let Expr::Call(read) = &*method.value else {
                return;
            };
            let Expr::Attribute(read_method) = &*read.func else {
                return;
            };
            if read_method.attr.as_str() != "read"
                || !read.arguments.args.is_empty()
                || !read.arguments.keywords.is_empty()
            {
                return;
            }
            (&*read_method.value, false)
        }
        _ => return,
    };
    if !is_file(cx.semantic(), receiver) {
        return;
    }
    let shown = &cx.locator().text()[receiver.range()];
    let shown = if shown.len() > 40 || shown.contains('\n') {
        "the file".to_string()
    } else {
        format!("`{shown}`")
    };
    let message = if readlines {
        format!(
            "`.readlines()` reads all of {shown} into a list before the loop starts: iterate {shown} directly"
        )
    } else {
        format!(
            "`.read().splitlines()` reads all of {shown} into memory before the loop starts: iterate {shown} directly (and strip line endings)"
        )
    };
    let fix = readlines
        .then(|| readlines_fix(cx, receiver, method, call, body))
        .flatten();
    cx.report(Rule::ReadlinesInLoop, receiver.range(), message)
        .fix = fix;
}

/// Drops `.readlines()`. Withheld when the loop body uses the file itself:
/// reading or writing it while iterating it is not the same as iterating a
/// list read up front.
fn readlines_fix(
    cx: &Context,
    receiver: &Expr,
    method: &ast::ExprAttribute,
    call: &ast::ExprCall,
    body: Option<&[Stmt]>,
) -> Option<Fix> {
    if let (Expr::Name(name), Some(body)) = (receiver, body) {
        let mut finder = NameFinder {
            name: name.id.as_str(),
            found: false,
        };
        finder.visit_body(body);
        if finder.found {
            return None;
        }
    }
    // The `.` before `readlines`, past any closing parentheses of the receiver.
    let between = TextRange::new(receiver.end(), method.attr.start());
    let text = &cx.locator().text()[between];
    if text.contains('#') {
        return None;
    }
    let dot = text.rfind('.')?;
    let start = receiver.end() + ruff_text_size::TextSize::try_from(dot).ok()?;
    // `f.readlines()if x` must not become `fif x` (found by the fuzzer).
    let glued = cx.locator().text()[call.end().to_usize()..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    Some(Fix {
        applicability: Applicability::Safe,
        message: "Iterate the file directly".to_string(),
        edits: vec![Edit {
            content: if glued { " " } else { "" }.to_string(),
            span: cx.locator().span(TextRange::new(start, call.end())),
        }],
    })
}

struct NameFinder<'n> {
    name: &'n str,
    found: bool,
}

impl<'a> Visitor<'a> for NameFinder<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.id.as_str() == self.name
        {
            self.found = true;
        }
        visitor::walk_expr(self, expr);
    }
}

/// A direct opener call, a name bound by `with opener(...) as f` or
/// `f = opener(...)`, or a parameter annotated with a file type.
fn is_file(semantic: &SemanticModel, expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => is_opener_call(semantic, call),
        Expr::Name(name) => {
            let Some(id) = semantic.lookup(name.id.as_str()) else {
                return false;
            };
            match semantic.binding(id).kind {
                BindingKind::WithItem(Expr::Call(call))
                | BindingKind::Assignment(Some(Expr::Call(call)))
                | BindingKind::Annotated {
                    value: Some(Expr::Call(call)),
                    ..
                } => is_opener_call(semantic, call),
                BindingKind::Parameter(parameter) => parameter
                    .annotation
                    .as_deref()
                    .is_some_and(|a| is_file_annotation(semantic, a)),
                _ => false,
            }
        }
        _ => false,
    }
}

fn is_opener_call(semantic: &SemanticModel, call: &ast::ExprCall) -> bool {
    if let Some(name) = semantic.resolve_qualified_name(&call.func) {
        return name.is_any(FILE_OPENERS);
    }
    // `Path(p).open()`, or `.open()` on a name bound to `Path(...)`.
    let Expr::Attribute(attr) = &*call.func else {
        return false;
    };
    if attr.attr.as_str() != "open" {
        return false;
    }
    let path_call = match &*attr.value {
        Expr::Call(inner) => Some(inner),
        Expr::Name(name) => match semantic.bound_value(name.id.as_str()) {
            Some(Expr::Call(inner)) => Some(inner),
            _ => None,
        },
        _ => None,
    };
    path_call.is_some_and(|inner| {
        semantic
            .resolve_qualified_name(&inner.func)
            .is_some_and(|n| n.is_any(PATH_TYPES))
    })
}

/// Every member of the annotation (after `Optional`/`Union`) is a file type.
fn is_file_annotation(semantic: &SemanticModel, annotation: &Expr) -> bool {
    let types = annotation_types(semantic, annotation);
    !types.is_empty()
        && types
            .iter()
            .all(|ty| type_name(semantic, ty).is_some_and(|n| n.is_any(FILE_TYPES)))
}

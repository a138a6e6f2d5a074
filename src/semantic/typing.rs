//! Reading annotations: which types an annotation allows once `Optional`,
//! `Union`, `X | None` and `Annotated` are unwrapped.

use crate::ast::{self, Expr};
use crate::semantic::SemanticModel;

/// The member types of an annotation (`Optional[httpx.Client]` →
/// `[httpx.Client]`, `Sequence[int] | None` → `[Sequence[int]]`). String
/// annotations are not looked into: unknown.
pub fn annotation_types<'e>(semantic: &SemanticModel, annotation: &'e Expr) -> Vec<&'e Expr> {
    let mut out = Vec::new();
    collect(semantic, annotation, &mut out, 0);
    out
}

fn collect<'e>(semantic: &SemanticModel, expr: &'e Expr, out: &mut Vec<&'e Expr>, depth: u32) {
    if depth > 32 {
        return;
    }
    match expr {
        Expr::NoneLiteral(_) => {}
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::BitOr,
            right,
            ..
        }) => {
            collect(semantic, left, out, depth + 1);
            collect(semantic, right, out, depth + 1);
        }
        Expr::Subscript(subscript) => {
            let name = semantic.resolve_qualified_name(&subscript.value);
            let member = name.as_ref().and_then(|n| typing_member(n.as_str()));
            match member {
                Some("Optional") => collect(semantic, &subscript.slice, out, depth + 1),
                Some("Union") => match &*subscript.slice {
                    Expr::Tuple(tuple) => {
                        for elt in &tuple.elts {
                            collect(semantic, elt, out, depth + 1);
                        }
                    }
                    other => collect(semantic, other, out, depth + 1),
                },
                Some("Annotated") => match &*subscript.slice {
                    Expr::Tuple(tuple) if !tuple.elts.is_empty() => {
                        collect(semantic, &tuple.elts[0], out, depth + 1)
                    }
                    other => collect(semantic, other, out, depth + 1),
                },
                _ => out.push(expr),
            }
        }
        _ => out.push(expr),
    }
}

/// `Optional` for `typing.Optional` / `typing_extensions.Optional`.
fn typing_member(name: &str) -> Option<&str> {
    name.strip_prefix("typing.")
        .or_else(|| name.strip_prefix("typing_extensions."))
}

/// The qualified name of a member type, looking through a subscript
/// (`Sequence[int]` → `typing.Sequence`).
pub fn type_name(semantic: &SemanticModel, ty: &Expr) -> Option<crate::semantic::QualifiedName> {
    match ty {
        Expr::Subscript(subscript) => semantic.resolve_qualified_name(&subscript.value),
        other => semantic.resolve_qualified_name(other),
    }
}

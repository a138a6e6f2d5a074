//! Reading annotations: which types an annotation allows once `Optional`,
//! `Union`, `X | None` and `Annotated` are unwrapped.

use crate::ast::{self, Expr};
use crate::semantic::SemanticModel;

/// The member types of an annotation (`Optional[httpx.Client]` →
/// `[httpx.Client]`, `Sequence[int] | None` → `[Sequence[int]]`). String
/// annotations are not looked into: unknown. A module-level alias
/// (`StrMap = Mapping[str, str]`, then `m: StrMap`) stands for its value.
pub fn annotation_types<'e>(semantic: &SemanticModel<'e>, annotation: &'e Expr) -> Vec<&'e Expr> {
    let mut out = Vec::new();
    collect(semantic, annotation, &mut out, 0);
    out
}

fn collect<'e>(semantic: &SemanticModel<'e>, expr: &'e Expr, out: &mut Vec<&'e Expr>, depth: u32) {
    if depth > 32 {
        // An alias cycle (`A = A`) or absurd nesting: unknown.
        out.push(expr);
        return;
    }
    if let Some(target) = alias_target(semantic, expr) {
        collect(semantic, target, out, depth + 1);
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

/// What a module-level type alias name stands for: `StrMap` after
/// `StrMap = Mapping[str, str]`. Only values shaped like a type expression
/// (a name, a dotted name, a subscript, an `X | Y` union) count.
fn alias_target<'e>(semantic: &SemanticModel<'e>, expr: &Expr) -> Option<&'e Expr> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let value = semantic.module_alias_value(name.id.as_str())?;
    match value {
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => Some(value),
        Expr::BinOp(ast::ExprBinOp {
            op: ast::Operator::BitOr,
            ..
        }) => Some(value),
        _ => None,
    }
}

/// `Optional` for `typing.Optional` / `typing_extensions.Optional`.
fn typing_member(name: &str) -> Option<&str> {
    name.strip_prefix("typing.")
        .or_else(|| name.strip_prefix("typing_extensions."))
}

/// The qualified name of a member type, looking through a subscript
/// (`Sequence[int]` → `typing.Sequence`), and through module-level aliases
/// (`Seq = Sequence`, then `Seq[int]` → `typing.Sequence`).
pub fn type_name<'e>(
    semantic: &SemanticModel<'e>,
    ty: &'e Expr,
) -> Option<crate::semantic::QualifiedName> {
    let mut ty = ty;
    for _ in 0..32 {
        if let Expr::Subscript(subscript) = ty {
            ty = &subscript.value;
        }
        if let Some(name) = semantic.resolve_qualified_name(ty) {
            return Some(name);
        }
        ty = alias_target(semantic, ty)?;
    }
    None
}

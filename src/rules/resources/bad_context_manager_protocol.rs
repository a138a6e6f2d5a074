//! PF405: `__enter__`/`__exit__` (and the async pair) that the `with`
//! statement cannot call the way it does.

use ruff_text_size::Ranged;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::kinds;
use crate::registry::Rule;

pub struct BadContextManagerProtocol;

impl<'a> Check<'a> for BadContextManagerProtocol {
    type State = ();
    const STMTS: u64 = kinds::stmt::FUNCTION_DEF;

    #[inline]
    fn on_stmt(cx: &mut Context<'a>, _: &mut (), stmt: &'a ast::Stmt) {
        if let ast::Stmt::FunctionDef(def) = stmt {
            check(cx, def);
        }
    }
}

/// Decorators that leave a method's signature and kind as written.
const TRANSPARENT_DECORATORS: &[&str] = &[
    "abc.abstractmethod",
    "typing.override",
    "typing_extensions.override",
];

pub(crate) fn check(cx: &mut Context, def: &ast::StmtFunctionDef) {
    let name = def.name.as_str();
    let (is_async_protocol, is_exit) = match name {
        "__enter__" => (false, false),
        "__exit__" => (false, true),
        "__aenter__" => (true, false),
        "__aexit__" => (true, true),
        _ => return,
    };
    if !super::is_method(cx) {
        return;
    }
    let semantic = cx.semantic();
    let transparent = def.decorator_list.iter().all(|d| {
        semantic
            .resolve_qualified_name(&d.expression)
            .is_some_and(|n| n.is_any(TRANSPARENT_DECORATORS))
    });
    if !transparent || is_stub(&def.body) {
        return;
    }
    let statement = if def.is_async && !is_async_protocol {
        format!(
            "`{name}` is an `async def`, but `with` calls it without awaiting; use `async with` and `__a{}__`",
            &name[2..name.len() - 2]
        )
    } else if !def.is_async && is_async_protocol && !may_return_awaitable(&def.body) {
        format!(
            "`{name}` is a plain `def`, but `async with` awaits its result; define it with `async def`"
        )
    } else if is_exit && !accepts_positional(&def.parameters, 3) {
        format!(
            "`{name}` cannot take the three exception arguments (`exc_type, exc, tb`) the `with` statement passes"
        )
    } else if !is_exit && !accepts_positional(&def.parameters, 0) {
        format!("`{name}` cannot be called with `self` alone, as the `with` statement does")
    } else {
        return;
    };
    cx.report(Rule::BadContextManagerProtocol, def.name.range(), statement);
}

/// `def __aenter__(self) -> T: ...` in a `Protocol` or a stub: a
/// declaration, not an implementation.
fn is_stub(body: &[Stmt]) -> bool {
    body.iter().all(|stmt| {
        matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
            if matches!(&**value, Expr::EllipsisLiteral(_) | Expr::StringLiteral(_)))
    })
}

/// Callable as `method(self, *n positional arguments)`.
fn accepts_positional(parameters: &ast::Parameters, n: usize) -> bool {
    let positional: Vec<_> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .collect();
    let required = positional.iter().filter(|p| p.default.is_none()).count();
    let enough = positional.len() > n || parameters.vararg.is_some();
    let no_required_keyword = parameters.kwonlyargs.iter().all(|p| p.default.is_some());
    enough && required <= n + 1 && no_required_keyword
}

/// A plain `def __aenter__` that returns a computed value may be handing
/// over an awaitable (`return self._inner.__aenter__()`): unknown, silent.
fn may_return_awaitable(body: &[Stmt]) -> bool {
    #[derive(Default)]
    struct Returns(bool);
    impl<'a> Visitor<'a> for Returns {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Return(ast::StmtReturn {
                    value: Some(value), ..
                }) => {
                    let trivial = matches!(
                        &**value,
                        Expr::NoneLiteral(_)
                            | Expr::BooleanLiteral(_)
                            | Expr::NumberLiteral(_)
                            | Expr::StringLiteral(_)
                    ) || matches!(&**value, Expr::Name(n) if n.id.as_str() == "self");
                    self.0 |= !trivial;
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut returns = Returns::default();
    returns.visit_body(body);
    returns.0
}

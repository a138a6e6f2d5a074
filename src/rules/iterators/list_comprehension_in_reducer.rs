//! PF504: a list comprehension handed to `sum`, `min`, `max`, `set`,
//! `frozenset`, `tuple`, `dict` or `enumerate`, which consume it once. The
//! check is PF500's (`list_comprehension_in_call::check`).

use crate::ast;
use crate::context::{Callee, Check, Context};
use crate::registry::Rule;

pub struct ListComprehensionInReducer;

impl<'a> Check<'a> for ListComprehensionInReducer {
    type State = ();

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, _: &mut Callee<'a>) {
        super::list_comprehension_in_call::check(cx, call, Rule::ListComprehensionInReducer);
    }
}

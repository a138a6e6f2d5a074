//! PF112: inside an async function, a call to an in-project sync function
//! whose effects block (RULES.md "Effects"). The walk records each sync
//! function's own effects (`effect_events`, beside the lock events); a call
//! made inside an async function is a question the project index answers by
//! following the calls. PF110's project-wide half asks the same of loops.

use crate::ast;
use crate::context::{Callee, Check, Context, Facts};
use crate::finding::{Finding, Pending};
use crate::registry::Rule;
use crate::semantic::effects::EffectKind;
use crate::semantic::index::{ProjectIndex, Question};

use super::effect_events::{answer, ask};

pub struct BlockingCallViaHelper;

impl<'a> Check<'a> for BlockingCallViaHelper {
    type State = ();
    const FACTS: Facts = Facts::LOCK_EVENTS.union(Facts::EFFECTS);

    #[inline]
    fn on_call(cx: &mut Context<'a>, _: &mut (), call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
        if callee.in_async_function(cx) {
            ask(cx, call, Rule::BlockingCallViaHelper, EffectKind::Blocks);
        }
    }

    fn answer(pending: &Pending, question: &Question, index: &ProjectIndex) -> Option<Finding> {
        answer(pending, question, index)
    }
}

//! PF002: a `# noqa: PFxxx` that suppressed nothing. Produced by the
//! pipeline's noqa filter (`pipeline::finish`), which knows what each
//! comment suppressed; the walk has nothing to do for it.

use crate::context::Check;

pub struct UnusedNoqa;

impl Check<'_> for UnusedNoqa {
    type State = ();
}

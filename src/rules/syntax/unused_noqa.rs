//! PF002: a `# noqa: PFxxx` that suppressed nothing. Produced by the
//! pipeline's noqa filter (`pipeline::finish`), which knows what each
//! comment suppressed; the walk has nothing to do for it.

use crate::rules::{FixAvailability, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PF002",
    name: "unused-noqa",
    default_on: false,
    fix: FixAvailability::None,
    summary: "a `# noqa: PFxxx` code that suppresses nothing",
    doc: include_str!("../../../rules/PF002.md"),
};

//! PF001: the file does not parse (or cannot be decoded). Produced by the
//! pipeline, not by the walk: a file that does not parse is not walked.

use crate::rules::{FixAvailability, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PF001",
    name: "syntax-error",
    default_on: true,
    fix: FixAvailability::None,
    summary: "the file does not parse",
    doc: include_str!("../../../rules/PF001.md"),
};

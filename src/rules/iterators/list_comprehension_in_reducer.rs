//! PF504: a list comprehension handed to `sum`, `min`, `max`, `set`,
//! `frozenset`, `tuple`, `dict` or `enumerate`, which consume it once. The
//! check shares PF500's walk (`list_comprehension_in_call::check`).

use crate::rules::{FixAvailability, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PF504",
    name: "list-comprehension-in-reducer",
    default_on: false,
    fix: FixAvailability::Safe,
    summary: "a list comprehension passed to a builtin that consumes it once",
    doc: include_str!("../../../rules/PF504.md"),
};

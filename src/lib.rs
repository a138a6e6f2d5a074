//! pitfalls: a Python linter for the bugs code review catches.
//!
//! The pipeline runs one way (DESIGN.md): discover → read + parse + one walk
//! per file, in parallel, each producing an owned [`report::FileReport`] →
//! the merged [`semantic::index::ProjectIndex`] → pending questions answered
//! → noqa filter → sort → render.

pub mod adopt;
pub mod cache;
pub mod check;
pub mod checker;
pub mod cli;
pub mod context;
pub mod discover;
pub mod finding;
pub mod fix;
pub mod kinds;
pub mod noqa;
pub mod parse;
pub mod pipeline;
pub mod registry;
pub mod render;
pub mod report;
pub mod rules;
pub mod semantic;
pub mod server;
pub mod settings;
pub mod source;
pub mod span;

/// The syntax tree types, re-exported from the parser module so that the
/// parser can be swapped in one place.
pub use parse::ast;

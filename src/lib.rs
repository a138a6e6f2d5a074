//! pitfalls: a Python linter for the bugs code review catches.
//!
//! The pipeline runs one way (DESIGN.md): discover → read + parse + one walk
//! per file, in parallel, each producing an owned [`report::FileReport`] →
//! the merged [`semantic::index::ProjectIndex`] → pending questions answered
//! → noqa filter → sort → render.

// The parser allocates a node per expression, so the allocator matters:
// with glibc's malloc a quarter of a stdlib run went to malloc/free.
// jemalloc, as Ruff uses on Unix: against mimalloc v2 (our allocator until
// 2026-12-07) the same CPU time and 15-16% less peak memory (standard
// library 61.4 -> 52.2 MB, all packages 109.3 -> 92.1 MB). The time a run
// spent in mimalloc's malloc was mostly one load: the next free block's
// link, from memory freed long before (perf, `mov (%rdx),%rcx`).
// jemalloc does not build with MSVC: mimalloc there, as Ruff does.
// Around either, the parser's own arenas ([`arena`]). Declared here, not in
// `main.rs`, so the tests run with it too.
#[global_allocator]
static GLOBAL: arena::Allocator = arena::Allocator;

pub mod adopt;
pub mod arena;
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
pub mod numbered;
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

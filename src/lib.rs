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

/// jemalloc's options, read when it starts (`MALLOC_CONF`'s own syntax;
/// `_RJEM_MALLOC_CONF` in the environment still overrides them). One
/// arena for all threads, not four per CPU: the project stage frees on
/// one thread what another allocated, and the discovery walk's threads
/// and the pool's each started heaps of their own. A thread's cache keeps
/// blocks up to 1 KiB, not 32 KiB. Peak memory, medians of 10 runs: all
/// packages 65.6 -> 63.2 MiB, the standard library 39.2 -> 37.2 MiB; the
/// same time (CPU 1.000x and 0.997x).
#[cfg(not(windows))]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: &[u8; 26] = b"narenas:1,tcache_max:1024\0";

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

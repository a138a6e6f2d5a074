use std::process::ExitCode;

use clap::Parser;

// The parser allocates a node per expression, so the allocator matters:
// with glibc's malloc a quarter of a stdlib run went to malloc/free.
// jemalloc, as Ruff uses on Unix: against mimalloc v2 (our allocator until
// 2026-12-07) the same CPU time and 15-16% less peak memory (standard
// library 61.4 -> 52.2 MB, all packages 109.3 -> 92.1 MB). The time a run
// spent in mimalloc's malloc was mostly one load: the next free block's
// link, from memory freed long before (perf, `mov (%rdx),%rcx`).
#[cfg(not(windows))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

// jemalloc does not build with MSVC: mimalloc there, as Ruff does.
#[cfg(windows)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}

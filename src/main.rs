use std::process::ExitCode;

use clap::Parser;

// The parser allocates a node per expression: with glibc's malloc a quarter
// of a stdlib run went to malloc/free; mimalloc (v2) takes about a fifth off
// the CPU time for ~20 MB more peak memory (perf and scripts/bench, README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `arena_eager_commit` (`mi_option_arena_eager_commit` in
/// mimalloc.h; the Rust bindings do not name it).
#[cfg(target_os = "linux")]
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// On Linux mimalloc commits its whole first arena up front by default, and
/// memory freed there stays resident: the stdlib run peaked ~20 MB higher
/// than with the arena committed as it is used (same instructions). The
/// arena is reserved at the first allocation, before `main`: the option is
/// set from the program's constructors (`.init_array`), which run first.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static MIMALLOC_OPTIONS: extern "C" fn() = set_mimalloc_options;

#[cfg(target_os = "linux")]
extern "C" fn set_mimalloc_options() {
    // SAFETY: setting an option is a plain store in mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}

use std::process::ExitCode;

use clap::Parser;

// The parser allocates a node per expression: with glibc's malloc a quarter
// of a stdlib run went to malloc/free; mimalloc (v2) takes about a fifth off
// the CPU time for ~20 MB more peak memory (perf and scripts/bench, README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}

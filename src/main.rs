use std::process::ExitCode;

use clap::Parser;

// The parser allocates a node per expression; the system allocator spent a
// quarter of the run in malloc/free (measured with perf on the stdlib).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}

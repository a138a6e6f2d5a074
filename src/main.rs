use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}

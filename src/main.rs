use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}

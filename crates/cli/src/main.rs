//! `trialtables` binary: parse arguments, call [`trialtables::run`], map the result to an
//! exit code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: the parser threads allocate many small strings,
/// and glibc's malloc was ~15% of a run's CPU in the profile (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = trialtables::Cli::parse();
    match trialtables::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

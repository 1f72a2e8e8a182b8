#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    triage::cli::run_command_line()
}

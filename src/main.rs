//! The `polsim` binary: parse arguments, run the command, map errors to exit
//! codes (0 ok, 1 a run or file failure, 2 bad input).

use clap::Parser;

/// mimalloc rather than the system's allocator: its memory comes in large
/// regions it asks the kernel to back with huge pages, so the tens of
/// megabytes of the pilot's exact values are not faulted in 4 KiB at a
/// time (a default Palmyra run took about 22,000 page faults with glibc's
/// allocator). See docs/performance.md, "The allocator".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Die quietly when the reader of stdout goes away (`polsim ... | head`),
    // as command-line tools do, instead of panicking on a failed print.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default before any other
    // thread exists has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Ctrl-C, SIGTERM and SIGHUP remove the results being written (the
    // previous results stay whole) before the process dies of the signal.
    if let Err(e) = polsim::output::files::clean_up_on_signals() {
        eprintln!(
            "warning: cannot catch Ctrl-C ({e}); an interrupted run may leave a temporary folder, removed by the next run"
        );
    }
    let cli = polsim::cli::Cli::parse();
    let color = cli.color;
    if let Err(err) = polsim::cli::run(cli) {
        match &err {
            polsim::Error::Scenario(report) => {
                eprintln!("{}", polsim::cli::render_report(report, color))
            }
            // Echoes of the input cut short, control characters escaped.
            other => eprintln!("{}", polsim::diag::tidy(&other.to_string())),
        }
        std::process::exit(err.exit_code());
    }
}

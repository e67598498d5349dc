//! Runs the binary and measures wall time and peak resident memory (through `/usr/bin/time`
//! when the machine has it; without it the peak is not reported).

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::support::{Run, run};

const TIME: &str = "/usr/bin/time";

/// One measured run.
pub struct Measured {
    /// What the binary printed and returned.
    pub run: Run,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Peak resident set size in MiB, when measurable.
    pub peak_mib: Option<f64>,
}

/// Runs `command` (feeding `stdin`), measuring it.
pub fn measured(command: Command, stdin: Option<&str>) -> Measured {
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let command = if Path::new(TIME).exists() {
        wrapped(&command, report.path())
    } else {
        command
    };
    let started = Instant::now();
    let run = run(command, stdin);
    let seconds = started.elapsed().as_secs_f64();
    let peak_mib = std::fs::read_to_string(report.path())
        .ok()
        .and_then(|text| text.lines().last()?.trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0);
    Measured {
        run,
        seconds,
        peak_mib,
    }
}

/// `command` under `/usr/bin/time -f %M -o report`, with the same directory and environment.
fn wrapped(command: &Command, report: &Path) -> Command {
    let mut time = Command::new(TIME);
    time.args(["-f", "%M", "-o"])
        .arg(report)
        .arg(command.get_program())
        .args(command.get_args())
        .env_clear();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            time.env(key, value);
        }
    }
    if let Some(dir) = command.get_current_dir() {
        time.current_dir(dir);
    }
    time
}

/// Prints one figure line (the stress run is read with `--nocapture`).
pub fn report(what: &str, measured: &Measured) {
    let peak = measured
        .peak_mib
        .map_or_else(|| "n/a".to_string(), |mib| format!("{mib:.0} MiB"));
    let _ = writeln!(
        std::io::stderr(),
        "STRESS {what}: exit {} in {:.2} s, peak RSS {peak}",
        measured.run.code,
        measured.seconds
    );
}

/// The run ended in a decision (allow 0, block 1, sign-off 3), or failed closed with exit 2
/// and a one-line message.
pub fn assert_judged_or_failed_closed(measured: &Measured) {
    let run = &measured.run;
    match run.code {
        0 | 1 | 3 => {}
        2 => assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr),
        code => panic!("exit {code}: {}", run.stderr),
    }
}

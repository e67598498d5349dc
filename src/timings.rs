//! How long each stage of the gate took, and how much it read, for `--verbose`. The gate
//! collects; only the CLI prints.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::analyze::Observer;

/// Stage durations in the order the stages first ran, plus what was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    /// Changed files judged.
    pub files: usize,
    /// Bytes of changed lines read (added and removed lines' text).
    pub bytes: u64,
}

impl Timings {
    /// Adds `took` to `stage` (a stage that runs once per pushed ref adds up).
    pub fn record(&mut self, stage: &'static str, took: Duration) {
        match self.stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += took,
            None => self.stages.push((stage, took)),
        }
    }

    /// Runs `work`, recording how long it took under `stage`.
    pub fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        self.record(stage, started.elapsed());
        result
    }

    /// Adds every stage and count of `other`.
    pub fn merge(&mut self, other: &Timings) {
        for (stage, took) in &other.stages {
            self.record(stage, *took);
        }
        self.files += other.files;
        self.bytes += other.bytes;
    }

    /// The stages and their durations, in order.
    #[must_use]
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    /// One line per stage, then the counts, for stderr.
    #[must_use]
    pub fn render(&self) -> String {
        let width = self.stages.iter().map(|(name, _)| name.len()).max();
        let mut out = String::new();
        for (stage, took) in &self.stages {
            let _ = writeln!(
                out,
                "blastgate: {stage:<width$} {:>9.1} ms",
                took.as_secs_f64() * 1000.0,
                width = width.unwrap_or_default()
            );
        }
        let total: Duration = self
            .stages
            .iter()
            .filter(|(name, _)| !name.contains('.'))
            .map(|(_, took)| *took)
            .sum();
        let _ = writeln!(
            out,
            "blastgate: {} files, {} bytes changed, {:.1} ms in all",
            self.files,
            self.bytes,
            total.as_secs_f64() * 1000.0
        );
        out
    }
}

/// The analysis' steps ([`crate::analyze::STEPS`]) as `--verbose` names them.
const STEP_STAGES: [(&str, &str); crate::analyze::STEPS.len()] = [
    ("contents", "analyze.contents"),
    ("structure", "analyze.structure"),
    ("domain", "analyze.domain"),
    ("history", "analyze.history"),
];

/// Times the analysis' steps while passing everything on to another observer (a progress bar).
#[derive(Debug)]
pub struct StepClock<'a> {
    forward: Option<&'a dyn Observer>,
    laps: Mutex<Vec<(&'static str, Duration)>>,
}

impl<'a> StepClock<'a> {
    /// A clock that forwards to `forward`, if any.
    #[must_use]
    pub fn new(forward: Option<&'a dyn Observer>) -> Self {
        Self {
            forward,
            laps: Mutex::default(),
        }
    }

    /// Adds the steps seen so far to `timings` as `analyze.<step>`.
    pub fn record_into(self, timings: &mut Timings) {
        let laps = self
            .laps
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (stage, took) in laps {
            timings.record(stage, took);
        }
    }
}

impl Observer for StepClock<'_> {
    fn begin(&self, files: usize) {
        if let Some(forward) = self.forward {
            forward.begin(files);
        }
    }

    fn step_done(&self, step: &'static str, took: Duration) {
        let stage = STEP_STAGES
            .iter()
            .find(|(known, _)| *known == step)
            .map_or("analyze.other", |(_, stage)| *stage);
        if let Ok(mut laps) = self.laps.lock() {
            laps.push((stage, took));
        }
        if let Some(forward) = self.forward {
            forward.step_done(step, took);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Repeated stages add up in first-run order; sub-steps (`analyze.x`) are not counted twice.
    #[test]
    fn stages_add_up_in_order() {
        let mut timings = Timings::default();
        timings.record("diff", Duration::from_millis(2));
        timings.record("analyze", Duration::from_millis(5));
        timings.record("analyze.domain", Duration::from_millis(4));
        let mut other = Timings {
            files: 3,
            bytes: 10,
            ..Timings::default()
        };
        other.record("diff", Duration::from_millis(1));
        timings.merge(&other);
        let names: Vec<&str> = timings.stages().iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["diff", "analyze", "analyze.domain"]);
        assert_eq!(timings.stages()[0].1, Duration::from_millis(3));
        let text = timings.render();
        assert!(
            text.contains("3 files, 10 bytes changed, 8.0 ms in all"),
            "{text}"
        );
    }
}

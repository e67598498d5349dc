//! A progress bar on stderr for long analyses. It is shown only when the caller enables it
//! (stderr is a terminal, not `-q`, a human format) and the work is long; stages never see
//! it: they talk to an [`Observer`], which this implements.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analyze::{Observer, STEPS};

/// Fewer changed files than this finish before a bar would be worth drawing.
pub const MIN_FILES: usize = 200;

/// A bar that is created when a long piece of work begins, or never.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    label: &'static str,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress {
    /// A bar labelled `label`, drawn only if `enabled` and the work turns out long.
    #[must_use]
    pub fn new(label: &'static str, enabled: bool) -> Self {
        Self {
            enabled,
            label,
            bar: Mutex::new(None),
        }
    }

    /// A bar that never draws.
    #[must_use]
    pub fn disabled() -> Self {
        Self::new("", false)
    }

    /// Starts (or restarts) the bar for `total` units, if enabled and `total` is worth it.
    pub fn start(&self, total: u64, worth_showing: bool) {
        let mut slot = self.slot();
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        if !(self.enabled && worth_showing) {
            return;
        }
        // indicatif redraws at most 20 times a second, so a fast run costs next to nothing.
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        // The template is a constant; should it ever fail to parse, a plain bar will do.
        let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(self.label);
        bar.enable_steady_tick(Duration::from_millis(200));
        *slot = Some(bar);
    }

    /// Advances by `units`, saying what is being done now.
    pub fn inc(&self, units: u64, doing: &'static str) {
        if let Some(bar) = self.slot().as_ref() {
            bar.inc(units);
            bar.set_message(doing);
        }
    }

    /// Shows `done` of `total` units, starting the bar on first use; for work whose workers
    /// report their own count (replay's parallel commits).
    pub fn show(&self, done: u64, total: u64) {
        if self.slot().is_none() {
            self.start(total, true);
        }
        if let Some(bar) = self.slot().as_ref() {
            bar.set_position(done);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = self.slot().take() {
            bar.finish_and_clear();
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        // A panic while holding the lock leaves only a bar behind: keep going with it.
        self.bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Observer for Progress {
    fn begin(&self, files: usize) {
        self.start((files * STEPS.len()) as u64, files >= MIN_FILES);
        self.inc(0, STEPS[0]);
    }

    fn step_done(&self, step: &'static str, _took: Duration) {
        let files = self
            .slot()
            .as_ref()
            .and_then(ProgressBar::length)
            .map_or(0, |len| len / STEPS.len() as u64);
        let next = STEPS.iter().skip_while(|known| **known != step).nth(1);
        match next {
            Some(next) => self.inc(files, next),
            None => self.finish(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disabled bar and a short run never create a bar; a long enabled run does, and
    /// the last step clears it.
    #[test]
    fn bar_only_for_long_enabled_work() {
        let off = Progress::disabled();
        off.begin(MIN_FILES * 10);
        assert!(off.slot().is_none());
        let on = Progress::new("analysing", true);
        on.begin(MIN_FILES - 1);
        assert!(on.slot().is_none());
        on.begin(MIN_FILES);
        assert!(on.slot().is_some());
        for step in STEPS {
            on.step_done(step, Duration::ZERO);
        }
        assert!(on.slot().is_none());
    }
}

//! blastgate: a pre-merge risk gate for AI-assisted changes.
//!
//! The pipeline, one stage per module:
//! `diff` (read the change) → `provenance` + `analyze` (facts) → `score` (points, against
//! the `policy`) → `decide` (allow / review / block) → `signoff` (senior approvals from
//! git notes, checked against the base policy's keys) → `report` (text, JSON).
//! `gate` runs the stages in order; `cli` parses arguments and maps errors to exit codes.

pub mod analyze;
pub mod build;
pub mod calendar;
pub mod cli;
pub mod decide;
pub mod diff;
pub mod digest;
pub mod escape;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod git;
pub mod hook;
#[cfg(test)]
mod house_rules;
pub mod pattern;
pub mod policy;
pub mod progress;
pub mod provenance;
pub mod replay;
pub mod report;
pub mod score;
pub mod short_id;
pub mod signal;
pub mod signoff;
pub mod timings;
pub mod vocabulary;

//! blastgate: a pre-merge risk gate for AI-assisted changes.
//!
//! The pipeline, one stage per module:
//! `diff` (read the change) → `provenance` + `analyze` (facts) → `score` (points, against
//! the `policy`) → `decide` (allow / review / block) → `report` (text, JSON).
//! `gate` runs the stages in order; `cli` parses arguments and maps errors to exit codes.

pub mod analyze;
pub mod cli;
pub mod decide;
pub mod diff;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod hook;
pub mod policy;
pub mod provenance;
pub mod report;
pub mod score;
pub mod signal;
pub mod vocabulary;

//! Renders evaluations for people (text, Markdown), programs (JSON, SARIF) and CI logs
//! (GitHub workflow commands), and a replay of history ([`replay`]: text, JSON, HTML). Knows
//! nothing of how anything was computed; everything it shows is carried by the
//! [`Evaluation`] or the [`Replay`](crate::replay::Replay). The human formats (text, Markdown,
//! GitHub) render one `view::View` of an evaluation, so they show the same things.

mod approval;
mod github;
mod json;
mod markdown;
pub mod replay;
mod sarif;
mod text;
mod view;
mod waivers;

use crate::gate::{Evaluation, PushOutcome};

pub use json::{SCHEMA_VERSION, schema};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, coloured on a terminal.
    Text,
    /// One JSON document (schema in the README).
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// Markdown, for pull-request comments and step summaries.
    Markdown,
    /// GitHub Actions workflow commands, so findings show on the diff.
    Github,
}

/// Rendering knobs.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Emit ANSI colour (text only).
    pub color: bool,
}

/// Renders one `check` evaluation.
#[must_use]
pub fn check(evaluation: &Evaluation, format: Format, style: Style) -> String {
    match format {
        Format::Text => text::check(evaluation, style),
        Format::Json => json::check(evaluation),
        Format::Sarif => sarif::check(evaluation),
        Format::Markdown => markdown::check(evaluation),
        Format::Github => github::check(evaluation),
    }
}

/// Renders a whole push (one section per ref).
#[must_use]
pub fn push(outcome: &PushOutcome, format: Format, style: Style) -> String {
    match format {
        Format::Text => text::push(outcome, style),
        Format::Json => json::push(outcome),
        Format::Sarif => sarif::push(outcome),
        Format::Markdown => markdown::push(outcome),
        Format::Github => github::push(outcome),
    }
}

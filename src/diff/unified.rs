//! Parser for unified diffs as `git diff` prints them (placeholder until the parser lands).

use super::model::FileChange;

/// Where and why a diff could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What was expected.
    pub message: String,
}

/// Parses unified diff text.
pub fn parse(_text: &[u8]) -> Result<Vec<FileChange>, ParseError> {
    Err(ParseError {
        line: 1,
        message: "the unified diff parser is not built yet".into(),
    })
}

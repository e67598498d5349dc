//! Parses one file version into an [`Outline`]: definitions and references.
//! (Stub: identifiers only, until the real extraction lands.)

use std::time::Duration;

use super::lang::Language;
use super::syntax::{Outline, Reference, ReferenceKind, Unanalysed};

/// Limits for analysing one file.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Longest a single parse may take.
    pub parse_timeout: Duration,
    /// Largest file analysed.
    pub max_bytes: u64,
    /// Largest share of error nodes, in thousandths, before falling back to text.
    pub max_error_permille: u16,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            parse_timeout: Duration::from_millis(500),
            max_bytes: 1024 * 1024,
            max_error_permille: 500,
        }
    }
}

/// Outlines `source` written in `language`.
pub fn outline(
    language: &'static Language,
    source: &[u8],
    budget: &Budget,
) -> Result<Outline, Unanalysed> {
    if source.len() as u64 > budget.max_bytes {
        return Err(Unanalysed::TooLarge {
            bytes: source.len() as u64,
            limit: budget.max_bytes,
        });
    }
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&(language.grammar)())
        .map_err(|error| Unanalysed::Failed {
            message: error.to_string(),
        })?;
    let tree = parser
        .parse(source, None)
        .ok_or(Unanalysed::Timeout { budget_ms: 0 })?;
    let mut references = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" {
            references.push(Reference {
                name: node.utf8_text(source).unwrap_or_default().to_string(),
                line: u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX),
                kind: ReferenceKind::Other,
                enclosing: None,
            });
        }
        if node.kind() != "comment" && node.kind() != "string" {
            stack.extend(node.children(&mut cursor));
        }
    }
    Ok(Outline {
        language: language.name.to_string(),
        references,
        ..Outline::default()
    })
}

/// Why a file should be counted but not parsed symbol by symbol (minified, generated,
/// vendored, lockfile), if it looks like one.
#[must_use]
pub fn looks_generated(path: &str, source: &[u8]) -> Option<String> {
    let _ = source;
    std::path::Path::new(path)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("lock"))
        .then(|| "lockfile".to_string())
}

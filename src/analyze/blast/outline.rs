//! Parses one file version into an [`Outline`]: its definitions (with signatures, visibility
//! and rename-proof body hashes) and the names it refers to.
//!
//! Per file: size check, parse with a deadline on this thread's parser, then one walk of the
//! tree (`walk`) for the definitions query's matches, references, tokens and the error share;
//! the matches become definitions (`extract`) and the tokens and references are given to the
//! definitions around them (`attribute`). A tree with errors is normal; what parsed is still
//! outlined unless too much did not. A panic inside one file's analysis becomes [`Unanalysed::Failed`].

mod attribute;
mod extract;
mod generated;
mod hash;
pub(crate) mod parse;
mod visibility;
mod walk;

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use tree_sitter::Tree;

use crate::analyze::blast::syntax::{Outline, Unanalysed};
use crate::analyze::lang::{Compiled, Language};

pub use generated::{generated_by_content, generated_by_path, looks_generated};

/// Limits for analysing one file.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Longest a single parse may take.
    pub parse_timeout: Duration,
    /// Largest file analysed.
    pub max_bytes: u64,
    /// Largest share of the file in error nodes, in thousandths, before falling back to text.
    pub max_error_permille: u16,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            parse_timeout: Duration::from_millis(500),
            // The default policy's `limits.max_file_bytes` (a policy test keeps them equal).
            max_bytes: 1024 * 1024,
            max_error_permille: 500,
        }
    }
}

/// UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Outlines `source` written in `language`.
///
/// `error_permille` is measured in bytes: bytes inside `ERROR` nodes plus one per `MISSING`
/// node, per thousand bytes of the file.
pub fn outline(
    language: &'static Language,
    source: &[u8],
    budget: &Budget,
) -> Result<Outline, Unanalysed> {
    guarded(source, budget, || {
        let compiled = compiled(language)?;
        // Blank out a BOM instead of cutting it: byte offsets and lines stay the same, and
        // the first definition no longer starts with three stray bytes.
        let source: Cow<[u8]> = match source.strip_prefix(BOM) {
            Some(rest) => Cow::Owned([b"   ".as_slice(), rest].concat()),
            None => Cow::Borrowed(source),
        };
        let tree = parse::parse(language, compiled, &source, budget.parse_timeout)?;
        from_tree(language, compiled, &source, &tree, budget)
    })
}

/// [`outline`] of a version another analyzer already parsed with `language`'s grammar (`tree`
/// is the tree of exactly `source`): the same outline, without a second parse. `None` when
/// `source` starts with a byte order mark, which [`outline`] parses blanked out.
pub fn outline_parsed(
    language: &'static Language,
    source: &[u8],
    tree: &Tree,
    budget: &Budget,
) -> Option<Result<Outline, Unanalysed>> {
    if source.starts_with(BOM) {
        return None;
    }
    Some(guarded(source, budget, || {
        from_tree(language, compiled(language)?, source, tree, budget)
    }))
}

/// The size check, then `analyse` with a panic turned into [`Unanalysed::Failed`].
fn guarded(
    source: &[u8],
    budget: &Budget,
    analyse: impl FnOnce() -> Result<Outline, Unanalysed>,
) -> Result<Outline, Unanalysed> {
    let bytes = source.len() as u64;
    if bytes > budget.max_bytes {
        return Err(Unanalysed::TooLarge {
            bytes,
            limit: budget.max_bytes,
        });
    }
    catch_unwind(AssertUnwindSafe(analyse)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic without a message".to_string());
        Err(Unanalysed::Failed { message })
    })
}

fn compiled(language: &'static Language) -> Result<&'static Compiled, Unanalysed> {
    language.compiled().map_err(|message| Unanalysed::Failed {
        message: message.to_string(),
    })
}

/// Definitions, references, hashes and the error share of `tree`, parsed from `source`.
fn from_tree(
    language: &'static Language,
    compiled: &Compiled,
    source: &[u8],
    tree: &Tree,
    budget: &Budget,
) -> Result<Outline, Unanalysed> {
    let definitions = compiled
        .definitions()
        .map_err(|message| Unanalysed::Failed {
            message: message.to_string(),
        })?;
    let walked = walk::walk(compiled, definitions, tree, source);
    let permille = (walked.error_bytes * 1000)
        .checked_div(source.len())
        .unwrap_or(0)
        .min(1000);
    let error_permille = u16::try_from(permille).unwrap_or(1000);
    if error_permille > budget.max_error_permille {
        return Err(Unanalysed::TooManyErrors {
            percent: u32::from(error_permille).div_ceil(10),
        });
    }
    let found = extract::finish(language, compiled, walked.raws, tree, source);
    let mut references = walked.references;
    let body_hashes = walked.record.attribute(&found, &mut references, source);
    let definitions = found
        .into_iter()
        .zip(body_hashes)
        .map(
            |(found, body_hash)| crate::analyze::blast::syntax::Definition {
                body_hash,
                ..found.definition
            },
        )
        .collect();
    Ok(Outline {
        language: language.name.to_string(),
        definitions,
        references,
        token_hash: walked.token_hash,
        error_permille,
    })
}

#[cfg(test)]
mod tests;

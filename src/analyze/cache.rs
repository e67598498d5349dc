//! Outlines cached per blob. (Stub until the real cache lands: computes every time.)

use std::path::Path;

use super::lang::Language;
use super::outline::{self, Budget};
use super::syntax::{Outline, Unanalysed};

/// The per-blob outline cache.
#[derive(Debug, Default)]
pub struct Cache;

impl Cache {
    /// Opens the cache under the git directory.
    #[must_use]
    pub fn open(git_dir: &Path) -> Self {
        let _ = git_dir;
        Self
    }

    /// A cache that stores nothing.
    #[must_use]
    pub fn disabled() -> Self {
        Self
    }

    /// The outline of `blob_id`, from the cache or computed from `bytes`.
    pub fn outline(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
    ) -> Result<Outline, Unanalysed> {
        let _ = blob_id;
        let source = bytes().ok_or(Unanalysed::NoContent)?;
        outline::outline(language, &source, budget)
    }
}

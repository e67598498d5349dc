//! Blob contents the diff read, kept for the stages after it.
//!
//! The diff reads both sides of every changed file to tell text from binary by their bytes
//! ([`super::text`]); the analyzers and the sign-off fingerprint need the same bytes. Reading
//! a blob out of a pack means inflating it, and on a change with large files (a 2 MB bundle)
//! each read cost as much as the rest of the check. Only content read from the object database
//! by its full id is kept: that id names exactly these bytes.

use std::collections::HashMap;
use std::sync::Arc;

/// Blob contents by full hex id; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Blobs(Arc<HashMap<String, Arc<[u8]>>>);

impl Blobs {
    /// The kept content of blob `id`, if the diff read it.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&[u8]> {
        self.0.get(id).map(|bytes| &**bytes)
    }
}

/// Collects what the diff reads.
#[derive(Debug, Default)]
pub(crate) struct Kept(HashMap<String, Arc<[u8]>>);

impl Kept {
    /// Keeps `bytes` as the content of blob `id`.
    pub(crate) fn keep(&mut self, id: &str, bytes: Arc<[u8]>) {
        self.0.entry(id.to_string()).or_insert(bytes);
    }

    /// What was kept, for the change.
    pub(crate) fn done(self) -> Blobs {
        Blobs(Arc::new(self.0))
    }
}

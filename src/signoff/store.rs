//! Approvals live as git notes in [`NOTES_REF`], on the head commit they approved. Writing
//! appends a block to the note (never replaces one); reading returns every note of the ref,
//! because an approval is found by its content fingerprint, wherever it was written (that
//! is what survives a rebase).

use git2::{Oid, Repository, Signature};

/// The notes ref that carries approvals.
pub const NOTES_REF: &str = "refs/notes/blastgate";

/// The refspecs that carry the notes to and from a remote.
pub const PUSH_COMMAND: &str = "git push origin refs/notes/blastgate";
/// See [`PUSH_COMMAND`].
pub const FETCH_COMMAND: &str = "git fetch origin refs/notes/blastgate:refs/notes/blastgate";

/// A note of the ref and the commit it annotates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNote {
    /// Full id of the annotated commit.
    pub commit: String,
    /// The note's text (invalid UTF-8 replaced).
    pub text: String,
}

/// Whether the notes ref exists in this repository.
#[must_use]
pub fn exists(repo: &Repository) -> bool {
    repo.find_reference(NOTES_REF).is_ok()
}

/// Every note of [`NOTES_REF`]; none when the ref does not exist.
pub fn read_all(repo: &Repository) -> Result<Vec<StoredNote>, git2::Error> {
    if !exists(repo) {
        return Ok(Vec::new());
    }
    let mut notes = Vec::new();
    for entry in repo.notes(Some(NOTES_REF))? {
        let (_, annotated) = entry?;
        notes.push(read(repo, annotated)?);
    }
    Ok(notes)
}

fn read(repo: &Repository, commit: Oid) -> Result<StoredNote, git2::Error> {
    let note = repo.find_note(Some(NOTES_REF), commit)?;
    Ok(StoredNote {
        commit: commit.to_string(),
        text: String::from_utf8_lossy(note.message_bytes()).into_owned(),
    })
}

/// Appends `block` to the note on `commit`, keeping what is there.
pub fn append(
    repo: &Repository,
    commit: Oid,
    block: &str,
    who: &Signature<'_>,
) -> Result<(), git2::Error> {
    let existing = repo
        .find_note(Some(NOTES_REF), commit)
        .ok()
        .map(|note| String::from_utf8_lossy(note.message_bytes()).into_owned());
    let text = match existing {
        Some(mut text) => {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
            text.push_str(block);
            text
        }
        None => block.to_owned(),
    };
    repo.note(who, who, Some(NOTES_REF), commit, &text, true)?;
    Ok(())
}

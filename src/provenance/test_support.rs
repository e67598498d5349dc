//! Small builders for test commits. Trailers are given pre-parsed, as the diff stage
//! hands them over (last paragraph only), so a test controls exactly what is a trailer.

use crate::diff::{Commit, Identity, Note, Trailer};
use crate::git::CommitId;
use std::fmt::Write as _;

/// `Name <email>` at a fixed time.
pub(super) fn who(name: &str, email: &str) -> Identity {
    Identity {
        name: name.to_owned(),
        email: email.to_owned(),
        time: 1_700_000_000,
    }
}

/// A commit by Jane Doe with `message` and the given `(key, value)` trailers; `label` names
/// it in the test and makes its id (the label's bytes in hex, padded with zeros).
pub(super) fn commit(label: &str, message: &str, trailers: &[(&str, &str)]) -> Commit {
    let hex = label.bytes().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    });
    Commit {
        id: CommitId::parse(&format!("{hex:0<40}")).expect("a label of at most 20 bytes"),
        parents: Vec::new(),
        message: message.to_owned(),
        author: who("Jane Doe", "jane@example.org"),
        committer: who("Jane Doe", "jane@example.org"),
        trailers: trailers
            .iter()
            .map(|(key, value)| Trailer {
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            })
            .collect(),
        notes: Vec::new(),
    }
}

/// A plain commit whose author (and committer) is `name <email>`.
pub(super) fn authored(id: &str, message: &str, name: &str, email: &str) -> Commit {
    Commit {
        author: who(name, email),
        committer: who(name, email),
        ..commit(id, message, &[])
    }
}

/// A plain commit carrying one note under `refs/notes/ai`.
pub(super) fn noted(id: &str, note: &str) -> Commit {
    Commit {
        notes: vec![Note {
            notes_ref: "refs/notes/ai".to_owned(),
            text: note.to_owned(),
        }],
        ..commit(id, "Change things", &[])
    }
}

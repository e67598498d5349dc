//! The approval record and the note text that carries it.
//!
//! A note holds one or more blocks, each: the header line [`HEADER`], the record as one line
//! of JSON (exactly the bytes that were signed), then an armored signature (SSH or PGP).
//! [`parse_note`] is total: any text gives one result per block, never a panic, and anything
//! it cannot read is an error that becomes a rejected approval.

use serde::{Deserialize, Serialize};

use crate::vocabulary::Decision;

/// First line of every approval block.
pub const HEADER: &str = "blastgate-approval v1";

/// Records longer than this are refused unread (a real one is well under 4 KiB).
const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// Blocks read per note. A real note holds one block per approval of one head commit; a
/// note of thousands of forged blocks must not cost thousands of checks (issue 12).
pub const MAX_BLOCKS_PER_NOTE: usize = 32;

/// One senior's approval of one change, as signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Format version; 1.
    pub version: u32,
    /// Content fingerprint of the approved change (`sha256:…`).
    pub fingerprint: String,
    /// sha256 of the policy that judged the change.
    pub policy_sha256: String,
    /// Head commit when approved.
    pub head: String,
    /// Base commit (merge-base) when approved.
    pub base: String,
    /// The branch being gated when approved, if known; lets a report list this branch's
    /// earlier approvals (for content that has since changed) without listing every branch's.
    pub branch: Option<String>,
    /// The decision at approval time.
    pub decision: Decision,
    /// The score at approval time.
    pub score: f64,
    /// Finding ids at approval time, each once.
    pub findings: Vec<String>,
    /// Whether the change was judged as AI-assisted.
    pub ai_assisted: bool,
    /// AI evidence at approval time, `tool: marker` per line.
    pub ai_evidence: Vec<String>,
    /// Who approved.
    pub approver: Approver,
    /// When, in seconds since the Unix epoch.
    pub approved_at: i64,
    /// The same time in RFC 3339, for people.
    pub approved_at_text: String,
    /// The approver's comment (`-m`).
    pub comment: String,
    /// An override of a `block` (break-glass), not an ordinary approval.
    pub break_glass: bool,
}

/// The approver as they identify themselves; verification checks this claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    /// Display name.
    pub name: String,
    /// Email, matched against the policy's seniors.
    pub email: String,
}

/// Which signature format a block carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// `ssh-keygen -Y sign`.
    Ssh,
    /// `OpenPGP` (`gpg --detach-sign --armor`).
    Pgp,
}

/// A record with its signed bytes and signature, as read from a note.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedRecord {
    /// The parsed record.
    pub record: Record,
    /// The exact JSON line that was signed.
    pub payload: String,
    /// Signature format.
    pub kind: SignatureKind,
    /// The armored signature, lines joined with `\n`, with a final newline.
    pub signature: String,
}

/// Why a block of a note could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// A record without a signature.
    #[error("note is not signed")]
    Unsigned {
        /// Who the record claims approved, when readable.
        claimed: Option<String>,
    },
    /// Anything else.
    #[error("note is malformed: {0}")]
    Malformed(String),
    /// Blocks past [`MAX_BLOCKS_PER_NOTE`].
    #[error(
        "{ignored} more block(s) in this note ignored unread: a note holds at most {MAX_BLOCKS_PER_NOTE}"
    )]
    TooManyBlocks {
        /// How many were left unread.
        ignored: usize,
    },
}

impl Record {
    /// The canonical one-line JSON that is signed.
    ///
    /// # Panics
    /// Never: the record has only strings, numbers and lists, which always serialise.
    #[must_use]
    pub fn payload(&self) -> String {
        serde_json::to_string(self).expect("records serialise infallibly")
    }
}

/// One block of note text.
#[must_use]
pub fn block(payload: &str, signature: &str) -> String {
    let mut text = format!("{HEADER}\n{payload}\n{}", signature.trim_end());
    text.push('\n');
    text
}

impl NoteError {
    /// A malformed note; its text (which may quote the note) is made one printable line.
    fn malformed(message: &str) -> Self {
        Self::Malformed(one_line(message))
    }
}

/// Text from a note, safe to print on one line: control characters (newlines, escape
/// sequences) are shown escaped, so a forged note cannot add lines to a report or drive
/// the terminal. The rule is [`crate::escape::one_line`]'s.
#[must_use]
pub fn one_line(text: &str) -> String {
    crate::escape::one_line(text).into_owned()
}

/// Reads the blocks of a note; one result per block (or per unreadable stretch), at most
/// [`MAX_BLOCKS_PER_NOTE`] of them, then one [`NoteError::TooManyBlocks`] for the rest.
#[must_use]
pub fn parse_note(text: &str) -> Vec<Result<SignedRecord, NoteError>> {
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .collect();
    let mut results = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        if results.len() == MAX_BLOCKS_PER_NOTE {
            let ignored = lines[at..].iter().filter(|line| **line == HEADER).count();
            if ignored > 0 {
                results.push(Err(NoteError::TooManyBlocks { ignored }));
            }
            break;
        }
        if lines[at].trim().is_empty() {
            at += 1;
            continue;
        }
        if lines[at] != HEADER {
            let found: String = lines[at].chars().take(40).collect();
            results.push(Err(NoteError::malformed(&format!(
                "expected `{HEADER}`, found `{found}`"
            ))));
            // Resynchronise on the next header.
            at += 1;
            while at < lines.len() && lines[at] != HEADER {
                at += 1;
            }
            continue;
        }
        let (result, next) = parse_block(&lines, at + 1);
        results.push(result);
        at = next;
    }
    if results.is_empty() {
        results.push(Err(NoteError::malformed("the note is empty")));
    }
    results
}

/// Parses the block whose header was just before `at`; returns the result and where the
/// next block may start.
fn parse_block(lines: &[&str], at: usize) -> (Result<SignedRecord, NoteError>, usize) {
    let Some(payload) = lines.get(at).copied() else {
        return (Err(NoteError::malformed("truncated after the header")), at);
    };
    let record = read_record(payload);
    let Some((kind, end_marker)) = lines.get(at + 1).and_then(|line| begin(line)) else {
        let claimed = record.as_ref().ok().map(|r| one_line(&r.approver.email));
        let error = match record {
            Err(error) => error,
            Ok(_) => NoteError::Unsigned { claimed },
        };
        return (Err(error), at + 1);
    };
    let mut signature = String::new();
    let mut next = at + 1;
    while let Some(line) = lines.get(next) {
        signature.push_str(line);
        signature.push('\n');
        next += 1;
        if *line == end_marker {
            let result = record.map(|record| SignedRecord {
                record,
                payload: payload.to_owned(),
                kind,
                signature,
            });
            return (result, next);
        }
        if *line == HEADER {
            break;
        }
    }
    (Err(NoteError::malformed("truncated signature")), next)
}

fn read_record(payload: &str) -> Result<Record, NoteError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(NoteError::malformed(&format!(
            "record is {} bytes, more than {MAX_PAYLOAD_BYTES}",
            payload.len()
        )));
    }
    let record: Record = serde_json::from_str(payload)
        .map_err(|error| NoteError::malformed(&format!("record is not valid: {error}")))?;
    if record.version != 1 {
        return Err(NoteError::malformed(&format!(
            "unsupported record version {}",
            record.version
        )));
    }
    Ok(record)
}

/// The kind and closing line of an armored signature that `line` opens.
fn begin(line: &str) -> Option<(SignatureKind, &'static str)> {
    match line {
        "-----BEGIN SSH SIGNATURE-----" => {
            Some((SignatureKind::Ssh, "-----END SSH SIGNATURE-----"))
        }
        "-----BEGIN PGP SIGNATURE-----" => {
            Some((SignatureKind::Pgp, "-----END PGP SIGNATURE-----"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::rfc3339;
    use proptest::prelude::*;

    fn record() -> Record {
        Record {
            version: 1,
            fingerprint: "sha256:00".into(),
            policy_sha256: "ab".into(),
            head: "h".into(),
            base: "b".into(),
            branch: Some("topic".into()),
            decision: Decision::Review,
            score: 42.5,
            findings: vec!["secret-added".into()],
            ai_assisted: true,
            ai_evidence: vec!["claude: Co-Authored-By: Claude".into()],
            approver: Approver {
                name: "Alice".into(),
                email: "alice@example.com".into(),
            },
            approved_at: 0,
            approved_at_text: rfc3339(0),
            comment: "ok".into(),
            break_glass: false,
        }
    }

    const SIG: &str = "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n";

    /// Two blocks come back as two records with their exact signed bytes.
    #[test]
    fn blocks_round_trip() {
        let payload = record().payload();
        let text = format!("{}\n{}", block(&payload, SIG), block(&payload, SIG));
        let parsed = parse_note(&text);
        assert_eq!(parsed.len(), 2);
        let first = parsed[0].as_ref().expect("parses");
        assert_eq!(first.record, record());
        assert_eq!(first.payload, payload);
        assert_eq!(first.signature, SIG);
        assert_eq!(first.kind, SignatureKind::Ssh);
    }

    /// Each way of being broken has its own error.
    #[test]
    fn broken_notes_are_errors() {
        let payload = record().payload();
        let unsigned = format!("{HEADER}\n{payload}\n");
        assert_eq!(
            parse_note(&unsigned),
            vec![Err(NoteError::Unsigned {
                claimed: Some("alice@example.com".into())
            })]
        );
        let cases = [
            ("", "empty"),
            ("hello\n", "expected"),
            (HEADER, "truncated after the header"),
            (&format!("{HEADER}\n{{not json\n{SIG}"), "not valid"),
            (
                &format!("{HEADER}\n{payload}\n-----BEGIN SSH SIGNATURE-----\nAAAA\n"),
                "truncated signature",
            ),
            (
                &format!(
                    "{HEADER}\n{}\n{SIG}",
                    payload.replace("\"version\":1", "\"version\":2")
                ),
                "unsupported record version 2",
            ),
            (
                &format!("{HEADER}\n{}\n{SIG}", payload.replace('}', ",\"extra\":1}")),
                "unknown field",
            ),
        ];
        for (text, expected) in cases {
            let parsed = parse_note(text);
            let message = match &parsed[0] {
                Err(error) => error.to_string(),
                Ok(_) => panic!("{text:?} parsed"),
            };
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }

    /// A note of thousands of blocks yields the first few and one error for the rest.
    #[test]
    fn blocks_past_the_limit_are_counted_not_read() {
        let one = block(&record().payload(), SIG);
        let text = one.repeat(5000);
        let parsed = parse_note(&text);
        assert_eq!(parsed.len(), MAX_BLOCKS_PER_NOTE + 1);
        assert!(parsed[..MAX_BLOCKS_PER_NOTE].iter().all(Result::is_ok));
        assert_eq!(
            parsed[MAX_BLOCKS_PER_NOTE],
            Err(NoteError::TooManyBlocks {
                ignored: 5000 - MAX_BLOCKS_PER_NOTE
            })
        );
        assert_eq!(
            parse_note(&one.repeat(MAX_BLOCKS_PER_NOTE)).len(),
            MAX_BLOCKS_PER_NOTE
        );
    }

    proptest! {
        /// Any text, including mangled real notes, parses to results without panicking,
        /// and never to more records than it has headers.
        #[test]
        fn never_panics(prefix in ".{0,40}", cut in 0usize..400, noise in "[\\PC\n]{0,200}") {
            let real = block(&record().payload(), SIG);
            let cut = real.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(real.len());
            let text = format!("{prefix}{}{noise}", &real[..cut]);
            let parsed = parse_note(&text);
            let ok = parsed.iter().filter(|r| r.is_ok()).count();
            prop_assert!(ok <= text.matches(HEADER).count());
            prop_assert!(!parsed.is_empty());
        }
    }
}

//! A commit's id: one type for what was a `String` in reports, an `Oid` in git calls and an
//! empty string for "no commit". Serialised as git writes it (full hex); shown alone by
//! [`CommitId::short`].

use std::fmt;

use git2::Oid;

/// The id of a commit in the repository being judged.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitId(Oid);

impl CommitId {
    /// The id git2 calls take.
    #[must_use]
    pub fn oid(self) -> Oid {
        self.0
    }

    /// Reads a full id as git writes it (40 or 64 hex digits). Anything else, an abbreviation
    /// or text read from a forged note, is `None`: ids are compared, never guessed.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        if !super::is_oid(text) {
            return None;
        }
        Oid::from_str(text).ok().map(Self)
    }

    /// As a report shows the id alone (see [`crate::short_id`] for ids shown together).
    #[must_use]
    pub fn short(self) -> String {
        crate::short_id::short(&self.to_string()).to_string()
    }
}

impl From<Oid> for CommitId {
    fn from(oid: Oid) -> Self {
        Self(oid)
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommitId({})", self.0)
    }
}

impl serde::Serialize for CommitId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl schemars::JsonSchema for CommitId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CommitId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A full commit id (40 or 64 hex digits).",
            "pattern": "^([0-9a-f]{40}|[0-9a-f]{64})$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full ids round-trip; abbreviations, zero-padded junk and non-hex text are refused.
    #[test]
    fn parses_only_full_ids() {
        let full = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
        let id = CommitId::parse(full).expect("a full id");
        assert_eq!(id.to_string(), full);
        assert_eq!(id.short(), "1a2b3c4d5e6f");
        assert_eq!(
            serde_json::to_string(&id).expect("serialises"),
            format!("\"{full}\"")
        );
        assert!(CommitId::parse("1a2b3c4d5e6f").is_none());
        assert!(CommitId::parse(&"g".repeat(40)).is_none());
        assert!(CommitId::parse("").is_none());
    }
}

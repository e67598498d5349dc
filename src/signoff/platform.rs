//! Pull-request reviews from the hosting platform (`--approvals FILE`), in the shape of
//! GitHub's "List reviews for a pull request" API. The platform vouches for who clicked
//! approve; these count as platform-verified, not signature-verified.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why the approvals file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read the approvals file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a list of reviews.
    #[error(
        "{} is not a list of pull-request reviews as `gh api repos/OWNER/REPO/pulls/N/reviews` prints them: {message}",
        path.display()
    )]
    Shape {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// One review, as the API returns it (other fields are ignored).
#[derive(Debug, Deserialize)]
struct ApiReview {
    user: Option<ApiUser>,
    state: String,
    commit_id: Option<String>,
    submitted_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiUser {
    login: String,
}

/// The review that stands for one login: their latest approving or change-requesting one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformReview {
    /// The reviewer's login.
    pub login: String,
    /// `APPROVED`, `CHANGES_REQUESTED` or `DISMISSED`.
    pub state: String,
    /// The commit the review was made on.
    pub commit_id: String,
    /// When, in seconds since the Unix epoch, when the API said.
    pub submitted_at: Option<i64>,
}

/// Reads the file; one entry per login that ever approved (comments do not change a state).
pub fn read(path: &Path) -> Result<Vec<PlatformReview>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text).map_err(|message| Error::Shape {
        path: path.to_path_buf(),
        message,
    })
}

/// [`read`] on text.
pub fn parse(text: &str) -> Result<Vec<PlatformReview>, String> {
    let reviews: Vec<ApiReview> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut latest: BTreeMap<String, (usize, PlatformReview)> = BTreeMap::new();
    let mut ever_approved = std::collections::BTreeSet::new();
    for (index, review) in reviews.into_iter().enumerate() {
        // COMMENTED and PENDING reviews leave the reviewer's approval state as it was.
        if !matches!(
            review.state.as_str(),
            "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
        ) {
            continue;
        }
        let Some(user) = review.user else { continue };
        let login = user.login.to_lowercase();
        if review.state == "APPROVED" {
            ever_approved.insert(login.clone());
        }
        let submitted_at = match review.submitted_at.as_deref() {
            Some(text) => Some(
                crate::calendar::parse_rfc3339(text).ok_or_else(|| format!("review {index}: `submitted_at` `{text}` is not a time like 2026-01-01T00:00:00Z"))?,
            ),
            None => None,
        };
        let entry = PlatformReview {
            login: user.login,
            state: review.state,
            commit_id: review.commit_id.unwrap_or_default(),
            submitted_at,
        };
        let newer = latest
            .get(&login)
            .is_none_or(|(_, old)| supersedes(&entry, old));
        if newer {
            latest.insert(login, (index, entry));
        }
    }
    let mut result: Vec<(usize, PlatformReview)> = latest
        .into_iter()
        .filter(|(login, _)| ever_approved.contains(login))
        .map(|(_, entry)| entry)
        .collect();
    result.sort_by_key(|(index, _)| *index);
    Ok(result.into_iter().map(|(_, review)| review).collect())
}

/// Whether `new`, listed after `old`, is the login's standing review instead. The API lists
/// reviews oldest first, and a later time also wins if the file was reordered. Without both
/// times the order is unknown, so a withdrawal stands over an approval: an undated
/// `APPROVED` never undoes a dated `CHANGES_REQUESTED` (issue 12), nor the other way round.
fn supersedes(new: &PlatformReview, old: &PlatformReview) -> bool {
    match (new.submitted_at, old.submitted_at) {
        (Some(new_at), Some(old_at)) => new_at >= old_at,
        _ => new.state != "APPROVED" || old.state == "APPROVED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The latest state-changing review per login stands; comments do not withdraw.
    #[test]
    fn latest_review_per_login_counts() {
        let text = r#"[
          {"id": 1, "user": {"login": "alice"}, "state": "APPROVED", "commit_id": "aaa", "submitted_at": "2026-01-01T00:00:00Z"},
          {"id": 2, "user": {"login": "alice"}, "state": "COMMENTED", "commit_id": "aaa", "submitted_at": "2026-01-02T00:00:00Z"},
          {"id": 3, "user": {"login": "bob"}, "state": "APPROVED", "commit_id": "aaa", "submitted_at": "2026-01-01T00:00:00Z"},
          {"id": 4, "user": {"login": "bob"}, "state": "CHANGES_REQUESTED", "commit_id": "bbb", "submitted_at": "2026-01-03T00:00:00Z"},
          {"id": 5, "user": {"login": "carol"}, "state": "COMMENTED", "commit_id": "aaa", "submitted_at": "2026-01-01T00:00:00Z"},
          {"id": 6, "user": null, "state": "APPROVED", "commit_id": "aaa", "submitted_at": "2026-01-01T00:00:00Z"}
        ]"#;
        let reviews = parse(text).expect("parses");
        let states: Vec<(&str, &str)> = reviews
            .iter()
            .map(|r| (r.login.as_str(), r.state.as_str()))
            .collect();
        assert_eq!(
            states,
            [("alice", "APPROVED"), ("bob", "CHANGES_REQUESTED")]
        );
    }

    /// When either review has no date, the withdrawal stands, in whichever order.
    #[test]
    fn undated_approval_does_not_override_a_dated_withdrawal() {
        let review = |state: &str, at: Option<&str>| {
            let at = at.map_or("null".to_owned(), |at| format!("\"{at}\""));
            format!(
                r#"{{"user": {{"login": "bob"}}, "state": "{state}", "commit_id": "aaa", "submitted_at": {at}}}"#
            )
        };
        let dated = Some("2026-01-03T00:00:00Z");
        let cases = [
            (review("CHANGES_REQUESTED", dated), review("APPROVED", None)),
            (review("APPROVED", None), review("CHANGES_REQUESTED", dated)),
            (review("APPROVED", dated), review("DISMISSED", None)),
            (review("CHANGES_REQUESTED", None), review("APPROVED", dated)),
        ];
        for (first, second) in cases {
            let text = format!("[{first}, {second}]");
            let reviews = parse(&text).expect("parses");
            assert_ne!(reviews[0].state, "APPROVED", "{text}");
        }
        let later = parse(&format!(
            "[{}, {}]",
            review("CHANGES_REQUESTED", Some("2026-01-01T00:00:00Z")),
            review("APPROVED", dated)
        ))
        .expect("parses");
        assert_eq!(later[0].state, "APPROVED");
    }

    /// A file that is not a list of reviews is refused.
    #[test]
    fn malformed_files_are_refused() {
        assert!(parse("{}").is_err());
        assert!(parse("[{\"state\": 1}]").is_err());
    }
}

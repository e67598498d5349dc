//! The commits of a range, with identities, trailers and notes, for provenance to read.

use git2::{Oid, Repository, Sort};

use super::error::{Error, GitContext};
use super::model::{Commit, Identity, Note, Trailer};
use crate::git::CommitId;

/// Commits reachable from `head` but from none of `hide`, newest first, capped at `limit`.
/// Returns the commits and whether the cap cut the list short.
pub(crate) fn walk(
    repo: &Repository,
    head: Oid,
    hide: &[Oid],
    notes_refs: &[&str],
    limit: usize,
) -> Result<(Vec<Commit>, bool), Error> {
    let mut walk = repo.revwalk().doing(|| "walking commits".to_string())?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .doing(|| "walking commits".to_string())?;
    walk.push(head)
        .doing(|| format!("walking commits from {head}"))?;
    for oid in hide {
        walk.hide(*oid)
            .doing(|| format!("excluding commits reachable from {oid}"))?;
    }
    let mut commits = Vec::new();
    for oid in walk {
        let oid = oid.doing(|| "walking commits".to_string())?;
        if commits.len() == limit {
            return Ok((commits, true));
        }
        commits.push(read(repo, oid, notes_refs)?);
    }
    Ok((commits, false))
}

/// Reads one commit.
pub(crate) fn read(repo: &Repository, oid: Oid, notes_refs: &[&str]) -> Result<Commit, Error> {
    let commit = repo
        .find_commit(oid)
        .doing(|| format!("reading commit {oid}"))?;
    let message = String::from_utf8_lossy(commit.message_raw_bytes()).into_owned();
    Ok(Commit {
        id: oid.into(),
        parents: commit.parent_ids().map(CommitId::from).collect(),
        trailers: trailers(&message),
        author: identity(&commit.author()),
        committer: identity(&commit.committer()),
        notes: notes(repo, oid, notes_refs),
        message,
    })
}

fn identity(signature: &git2::Signature<'_>) -> Identity {
    Identity {
        name: String::from_utf8_lossy(signature.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(signature.email_bytes()).into_owned(),
        time: signature.when().seconds(),
    }
}

/// Trailers by git's own rules (libgit2's port of `interpret-trailers`): only the last
/// paragraph, so a `Co-authored-by:` quoted in the body is not a trailer. A folded value
/// (continuation lines start with whitespace) is unfolded as `interpret-trailers --parse`
/// does, so a marker split over two lines is still the marker (issue 12).
pub(crate) fn trailers(message: &str) -> Vec<Trailer> {
    let Ok(parsed) = git2::message_trailers_bytes(continuations_as_spaces(message)) else {
        return Vec::new();
    };
    parsed
        .iter()
        .map(|(key, value)| Trailer {
            key: String::from_utf8_lossy(key).trim().to_string(),
            value: unfold(&String::from_utf8_lossy(value)),
        })
        .collect()
}

/// git continues a trailer on any line that starts with whitespace; libgit2 only on one that
/// starts with a space. A tab (or other blank) that starts a line with text becomes a space,
/// so both read the same block.
fn continuations_as_spaces(message: &str) -> String {
    message
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix(['\t', '\x0b', '\x0c']) {
            Some(rest) if !rest.trim().is_empty() => format!(" {rest}"),
            _ => line.to_owned(),
        })
        .collect()
}

/// git's `unfold_value`: each line break and the whitespace after it become one space.
fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            while chars.next_if(char::is_ascii_whitespace).is_some() {}
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

fn notes(repo: &Repository, oid: Oid, notes_refs: &[&str]) -> Vec<Note> {
    notes_refs
        .iter()
        .filter_map(|notes_ref| {
            let note = repo.find_note(Some(notes_ref), oid).ok()?;
            Some(Note {
                notes_ref: (*notes_ref).to_string(),
                text: String::from_utf8_lossy(note.message_bytes()).into_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the final paragraph holds trailers; a quoted trailer in the body is prose.
    #[test]
    fn trailers_come_from_the_last_paragraph_only() {
        let message = "Fix parser\n\nCo-authored-by: Quoted <q@example.com> is how tools sign.\n\nReviewed-by: Ann <ann@example.com>\nAssisted-by: Claude:claude-3-opus\n";
        let keys: Vec<_> = trailers(message).into_iter().map(|t| t.key).collect();
        assert_eq!(keys, ["Reviewed-by", "Assisted-by"]);
    }

    /// Trailers read as `git interpret-trailers --parse` reads them, folded values
    /// included: the same `key: value` lines for every message of the table.
    #[test]
    fn trailers_match_git_interpret_trailers() {
        let messages = [
            "Fix\n\nCo-Authored-By: Claude\n <noreply@anthropic.com>\n",
            "Fix\n\nCo-Authored-By: Claude\n\t<noreply@anthropic.com>\nSigned-off-by: A <a@example.com>\n",
            "Fix\n\nAssisted-by:\n  Claude:claude-3-opus\n   coccinelle\n",
            "Fix\n\nReviewed-by: Ann <ann@example.com>\nGenerated-by : ChatGPT\n",
            "Fix\n\nbody line\n\nSigned-off-by: A <a@example.com>\n  \n",
            "Fix\n\n\tindented body\n\nAI-Agent: claude\n\t\tcode\n",
        ];
        for message in messages {
            let output = std::process::Command::new("git")
                .args(["-c", "core.commentChar=#", "interpret-trailers", "--parse"])
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    use std::io::Write as _;
                    child
                        .stdin
                        .take()
                        .expect("piped stdin")
                        .write_all(message.as_bytes())?;
                    child.wait_with_output()
                })
                .expect("git runs");
            let git: Vec<String> = String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_owned)
                .collect();
            let ours: Vec<String> = trailers(message)
                .into_iter()
                .map(|t| format!("{}: {}", t.key, t.value))
                .collect();
            assert_eq!(ours, git, "{message:?}");
        }
    }

    /// A message without a trailer block has no trailers.
    #[test]
    fn plain_message_has_no_trailers() {
        assert!(trailers("Just a subject\n\nAnd a body: with a colon.\n").is_empty());
    }
}

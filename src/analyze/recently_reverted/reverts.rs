//! Which commits were later reverted or hot-fixed, read from commit messages alone.
//!
//! A revert is what `git revert` writes: a `Revert "…"` subject and a `This reverts commit
//! <sha>` body; a `Revert "…"` subject without the body is matched to the nearest older commit
//! with exactly that subject. A fix is a later commit whose message names the commit (a hex
//! prefix of at least 7 digits that resolves to exactly one commit of the list) on a line with
//! one of [`FIX_WORDS`], or anywhere when its subject has one ("Fix crash" … "since abc1234").
//! Only the message's own text counts: quoted text (`>` lines, HTML `<blockquote>` and
//! `<details>` blocks, comments) is someone else's, such as the release notes and commit
//! links Dependabot pastes into a bump, and a review bot's "Written for commit <sha>" line is
//! no claim of a fix. Replay and the history-aware signal share this one detector.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// Words that make a message naming a commit a fix of it (matched as whole words,
/// case-insensitively). Data, not code: extend the table, not the matcher.
pub const FIX_WORDS: &[&str] = &[
    "fix",
    "fixes",
    "fixed",
    "fixup",
    "hotfix",
    "hot-fix",
    "regression",
    "broke",
    "broken",
    "breaks",
    "repair",
    "repairs",
];

/// How a commit was undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Undo {
    /// Reverted (`git revert`).
    Revert,
    /// Fixed by a commit that names it.
    Fix,
}

impl Undo {
    /// The word used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revert => "reverted",
            Self::Fix => "fixed",
        }
    }
}

/// One commit as the detector needs it.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// Full hex id.
    pub id: &'a str,
    /// Full commit message.
    pub text: &'a str,
}

/// `by` reverted or fixed `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The commit that was undone (full id).
    pub target: String,
    /// The commit that undid it (full id).
    pub by: String,
    /// Revert or fix.
    pub kind: Undo,
}

static REVERTS_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^This reverts commit ([0-9a-fA-F]{7,40})\b").expect("valid regex")
});
static REVERT_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^Revert "(.+)"\s*$"#).expect("valid regex"));
static HEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9a-fA-F]{7,40}\b").expect("valid regex"));
static WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z][A-Za-z-]*").expect("valid regex"));

/// Every revert and fix among `messages`, which are ordered newest first (as `git log`
/// prints them). A link always points from a newer commit to an older one; a commit does
/// not undo itself.
#[must_use]
pub fn find(messages: &[Message<'_>]) -> Vec<Link> {
    let ids = Ids::new(messages);
    let mut links = Vec::new();
    for (position, message) in messages.iter().enumerate() {
        let older = &messages[position + 1..];
        if let Some(target) = reverted(message.text, older, &ids, position) {
            links.push(Link {
                target,
                by: message.id.to_string(),
                kind: Undo::Revert,
            });
            continue;
        }
        let own = own_lines(message.text);
        let subject_fixes = own.first().is_some_and(|subject| has_fix_word(subject));
        let mut targets: Vec<String> = own
            .iter()
            .filter(|line| subject_fixes || has_fix_word(line))
            .flat_map(|line| HEX.find_iter(line))
            .filter_map(|hex| ids.resolve_older(hex.as_str(), position))
            .collect();
        targets.dedup();
        links.extend(targets.into_iter().map(|target| Link {
            target,
            by: message.id.to_string(),
            kind: Undo::Fix,
        }));
    }
    links
}

/// The commit a revert message undoes: the body's sha, else the quoted subject.
fn reverted(text: &str, older: &[Message<'_>], ids: &Ids<'_>, position: usize) -> Option<String> {
    if let Some(found) = REVERTS_BODY.captures(text) {
        return ids.resolve_older(&found[1], position);
    }
    let subject = text.lines().next().unwrap_or_default();
    let quoted = REVERT_SUBJECT.captures(subject)?;
    let quoted = quoted.get(1)?.as_str();
    older
        .iter()
        .find(|message| message.text.lines().next() == Some(quoted))
        .map(|message| message.id.to_string())
}

/// The lines of a message its author wrote: without quoted lines (`> …`), HTML comments and
/// the insides of `<blockquote>` and `<details>` blocks (pasted release notes, changelogs and
/// commit lists). The subject is always the first.
fn own_lines(text: &str) -> Vec<&str> {
    let mut own = Vec::new();
    let (mut quoted, mut comment) = (0_usize, false);
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        let opens = lower.matches("<blockquote").count() + lower.matches("<details").count();
        let closes = lower.matches("</blockquote").count() + lower.matches("</details").count();
        let was_quoted = quoted > 0 || opens > 0;
        quoted = (quoted + opens).saturating_sub(closes);
        let was_comment = comment || line.contains("<!--");
        comment = if comment {
            !line.contains("-->")
        } else {
            line.contains("<!--")
                && !line
                    .rsplit("<!--")
                    .next()
                    .is_some_and(|rest| rest.contains("-->"))
        };
        if own.is_empty() || !(was_quoted || was_comment || line.trim_start().starts_with('>')) {
            own.push(line);
        }
    }
    own
}

fn has_fix_word(text: &str) -> bool {
    WORDS.find_iter(text).any(|word| {
        FIX_WORDS
            .iter()
            .any(|fix| word.as_str().eq_ignore_ascii_case(fix))
    })
}

/// Full ids with their position in the list, for resolving abbreviations.
struct Ids<'a> {
    sorted: Vec<(&'a str, usize)>,
}

impl<'a> Ids<'a> {
    fn new(messages: &[Message<'a>]) -> Self {
        let mut sorted: Vec<(&str, usize)> = messages
            .iter()
            .enumerate()
            .map(|(position, message)| (message.id, position))
            .collect();
        sorted.sort_unstable();
        Self { sorted }
    }

    /// The one id starting with `prefix` that is older than `position`; `None` when there is
    /// none or the prefix is ambiguous.
    fn resolve_older(&self, prefix: &str, position: usize) -> Option<String> {
        let prefix = prefix.to_ascii_lowercase();
        let start = self.sorted.partition_point(|(id, _)| *id < prefix.as_str());
        let mut matches = self.sorted[start..]
            .iter()
            .take_while(|(id, _)| id.starts_with(&prefix));
        let (id, found_at) = matches.next()?;
        if matches.next().is_some() || *found_at <= position {
            return None;
        }
        Some((*id).to_string())
    }
}

/// Index of links by the undone commit: the first (newest) link wins.
#[must_use]
pub fn by_target(links: &[Link]) -> HashMap<&str, &Link> {
    let mut map = HashMap::new();
    for link in links.iter().rev() {
        map.insert(link.target.as_str(), link);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaa1111111111111111111111111111111111";
    const B: &str = "bbbbbbb2222222222222222222222222222222222";
    const C: &str = "ccccccc3333333333333333333333333333333333";

    fn links(list: &[(&str, &str)]) -> Vec<(String, String, Undo)> {
        let messages: Vec<Message<'_>> =
            list.iter().map(|(id, text)| Message { id, text }).collect();
        find(&messages)
            .into_iter()
            .map(|link| {
                (
                    link.target[..7].to_string(),
                    link.by[..7].to_string(),
                    link.kind,
                )
            })
            .collect()
    }

    /// What `git revert` writes links the revert to the reverted commit by its sha.
    #[test]
    fn git_revert_message_links_by_sha() {
        let revert = format!("Revert \"Add cache\"\n\nThis reverts commit {B}.\n");
        let found = links(&[(C, &revert), (B, "Add cache"), (A, "Initial")]);
        assert_eq!(found, [("bbbbbbb".into(), "ccccccc".into(), Undo::Revert)]);
    }

    /// Table of messages that must not be read as reverts or fixes.
    #[test]
    fn false_positives_are_not_links() {
        let cases = [
            "Revert to old layout",                 // no quotes, no sha
            "Revert \"Something never committed\"", // no older commit with that subject
            "Bump to bbbbbbb",                      // names a commit, but no fix word
            "Fix typo in README",                   // fix word, names no commit
            "Fix flaky test from ddddddd",          // names a commit that is not in the list
            "This reverts commit ccccccc (itself)", // a commit does not undo itself or newer ones
        ];
        for text in cases {
            let found = links(&[(C, text), (B, "Add cache"), (A, "Initial")]);
            assert!(found.is_empty(), "{text:?} was read as {found:?}");
        }
    }

    /// A fix word on the subject covers the body's commit names; otherwise a name counts only
    /// on a line with a fix word. Quoted release notes, HTML blocks and comments are not the
    /// message's own words, and "Written for commit <sha>" claims no fix.
    #[test]
    fn only_the_messages_own_words_name_what_it_fixes() {
        let older = [(B, "Add cache"), (A, "Initial")];
        let cases: [(&str, bool); 7] = [
            (
                "Fix crash on empty input\n\nThe check went missing in bbbbbbb2.",
                true,
            ),
            (
                "Tidy the parser\n\nThis fixes the regression bbbbbbb2 brought.",
                true,
            ),
            (
                "Bump lib from 1 to 2\n\n<details>\n<summary>Commits</summary>\n<ul>\n<li>fix(core): crash (<a href=\"https://github.com/o/r/commit/bbbbbbb2\">bbbbbbb</a>)</li>\n</ul>\n</details>",
                false,
            ),
            ("Bump lib\n\n> fix: regression from bbbbbbb2", false),
            (
                "Add a setting\n\n## Bug Fixes\n- none\n<sup>Written for commit bbbbbbb2.</sup>",
                false,
            ),
            (
                "Add a setting\n\n<!-- fixed by the bot\nbbbbbbb2 -->",
                false,
            ),
            (
                "Add a setting\n\n<blockquote>\n<p>fixes bbbbbbb2</p>\n</blockquote>\nfix docs",
                false,
            ),
        ];
        for (text, links_b) in cases {
            let mut list = vec![(C, text)];
            list.extend(older);
            let found = links(&list);
            assert_eq!(!found.is_empty(), links_b, "{text:?}: {found:?}");
        }
    }

    /// A quoted subject without the body finds the nearest older commit with that subject.
    #[test]
    fn quoted_subject_without_body_matches_the_subject() {
        let found = links(&[
            (C, "Revert \"Add cache\""),
            (B, "Add cache"),
            (A, "Add cache"),
        ]);
        assert_eq!(found, [("bbbbbbb".into(), "ccccccc".into(), Undo::Revert)]);
    }

    /// A fix names the commit by an abbreviated sha and uses a word from the table.
    #[test]
    fn fix_naming_a_commit_links_to_it() {
        let found = links(&[
            (C, "Hotfix: null check missing since BBBBBBB2"),
            (B, "Add cache"),
            (A, "Initial"),
        ]);
        assert_eq!(found, [("bbbbbbb".into(), "ccccccc".into(), Undo::Fix)]);
    }

    /// A prefix shared by two commits names neither.
    #[test]
    fn ambiguous_prefix_names_nothing() {
        let twin = "bbbbbbb2999999999999999999999999999999999";
        let found = links(&[(C, "fix bbbbbbb2"), (B, "one"), (twin, "two")]);
        assert!(found.is_empty(), "{found:?}");
    }
}

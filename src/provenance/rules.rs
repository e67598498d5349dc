//! The rules that turn evidence into [`Authorship`], each explaining itself in a sentence.

use std::collections::HashSet;

use super::GIT_AI_NOTES_REF;
use super::marker::{Field, MarkerKind};
use super::{Evidence, Options};
use crate::diff::Commit;
use crate::git::CommitId;
use crate::vocabulary::Authorship;

/// The decision rules, in order; each one that applies explains itself in a sentence.
pub(super) fn decide(
    commits: &[Commit],
    options: &Options<'_>,
    evidence: &[Evidence],
) -> (Authorship, Vec<String>) {
    let min = options.min_confidence;
    let mut reasons = Vec::new();
    let ai: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.counted && e.kind == MarkerKind::Ai)
        .collect();
    let authorship = if let Some(strongest) = strongest(&ai) {
        let ai_commits: HashSet<CommitId> = ai.iter().filter_map(|e| e.commit).collect();
        reasons.push(format!(
            "AI-assisted: {} at or above {min} confidence in {} of {}; the strongest is {}.",
            count(ai.len(), "marker"),
            ai_commits.len(),
            count(commits.len(), "commit"),
            describe(strongest)
        ));
        match options.declared {
            // Evidence wins: a declaration is a claim, a tool's trailer is a record.
            Some(false) => reasons.push(format!(
                "The declaration \"not AI-assisted\" is overridden by {}.",
                describe(strongest)
            )),
            Some(true) => reasons.push("The change is also declared AI-assisted.".to_owned()),
            None => {}
        }
        Authorship::Ai
    } else if options.declared == Some(true) {
        reasons.push("Declared AI-assisted.".to_owned());
        Authorship::Ai
    } else if options.declared == Some(false) {
        reasons.push(format!(
            "Declared not AI-assisted, and no AI marker at or above {min} confidence contradicts it."
        ));
        Authorship::Human
    } else if commits.is_empty() {
        reasons.push(
            "No commits to read (index, working tree or diff text) and no declaration, \
             so authorship is unknown."
                .to_owned(),
        );
        Authorship::Unknown
    } else if let Some(tools) = automation_tools(commits, evidence) {
        reasons.push(format!(
            "{} carry an automation marker ({tools}) and none an AI marker.",
            if commits.len() == 1 {
                "The only commit".to_owned()
            } else {
                format!("All {} commits", commits.len())
            }
        ));
        Authorship::Automation
    } else {
        if let Some(claim) = text_only_automation(evidence) {
            reasons.push(format!(
                "{} names a bot only in text, which anyone can type; without the bot's \
                 identity (author or committer) it is not automation.",
                describe(claim)
            ));
        }
        if commits
            .iter()
            .flat_map(|c| &c.notes)
            .any(|n| n.notes_ref == GIT_AI_NOTES_REF)
        {
            // A human-only git-ai note says which lines a person typed, not that no agent
            // wrote the rest; and git-ai can keep its notes in an HTTP backend instead.
            reasons.push(
                "git-ai notes attribute no line to AI; they are not proof of a human author."
                    .to_owned(),
            );
        }
        // Every tool can turn attribution off (ai-markers.md §5.5), so silence is not "human".
        reasons.push(format!(
            "No AI marker at or above {min} confidence in {} and no declaration, \
             so authorship is unknown.",
            count(commits.len(), "commit")
        ));
        Authorship::Unknown
    };
    if let Some(weak) = evidence.iter().find(|e| !e.counted) {
        let weak_count = evidence.iter().filter(|e| !e.counted).count();
        reasons.push(format!(
            "{} below {min} confidence recorded but not counted, e.g. {}.",
            count(weak_count, "marker"),
            describe(weak)
        ));
    }
    (authorship, reasons)
}

/// `1 commit`, `3 commits`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The strongest piece of evidence, the first one among equals.
fn strongest<'e>(evidence: &[&'e Evidence]) -> Option<&'e Evidence> {
    evidence.iter().copied().reduce(|best, e| {
        if e.confidence > best.confidence {
            e
        } else {
            best
        }
    })
}

/// Automation evidence that can decide: counted, and read from an identity a message
/// cannot set. A trailer, subject or body block only corroborates.
fn decides_automation(evidence: &Evidence) -> bool {
    evidence.counted && evidence.kind == MarkerKind::Automation && evidence.field.is_identity()
}

/// Counted automation evidence in text (trailer, message, branch) of a commit that has no
/// bot identity: the claim the reason explains away.
fn text_only_automation(evidence: &[Evidence]) -> Option<&Evidence> {
    evidence.iter().find(|claim| {
        claim.counted
            && claim.kind == MarkerKind::Automation
            && !evidence
                .iter()
                .any(|e| decides_automation(e) && e.commit == claim.commit)
    })
}

/// The automation tools when every commit carries a bot identity.
fn automation_tools(commits: &[Commit], evidence: &[Evidence]) -> Option<String> {
    let automated = |commit: &Commit| {
        evidence
            .iter()
            .any(|e| decides_automation(e) && e.commit == Some(commit.id))
    };
    if !commits.iter().all(automated) {
        return None;
    }
    let mut tools: Vec<&str> = evidence
        .iter()
        .filter(|e| decides_automation(e))
        .map(|e| e.tool.as_str())
        .collect();
    tools.sort_unstable();
    tools.dedup();
    Some(tools.join(", "))
}

/// "Claude Code trailer `…` in commit 0123456789ab (high confidence)".
fn describe(evidence: &Evidence) -> String {
    let place = match (&evidence.commit, evidence.field) {
        (Some(id), _) => format!("commit {}", id.short()),
        (None, Field::Branch) => "the gated branch name".to_owned(),
        (None, field) => format!("the {}", field.place()),
    };
    format!(
        "{} {} `{}` in {place} ({} confidence)",
        evidence.tool,
        evidence.field.as_str(),
        evidence.marker,
        evidence.confidence
    )
}

#[cfg(test)]
mod tests {
    use crate::diff::Commit;
    use crate::provenance::marker::{Confidence, MarkerKind};
    use crate::provenance::test_support::{authored, commit};
    use crate::provenance::{Options, detect};
    use crate::vocabulary::Authorship;

    fn claude(id: &str) -> Commit {
        commit(
            id,
            "Fix parser",
            &[("Co-Authored-By", "Claude <noreply@anthropic.com>")],
        )
    }

    fn dependabot(id: &str) -> Commit {
        authored(
            id,
            "Bump serde from 1.0.1 to 1.0.2",
            "dependabot[bot]",
            "49699333+dependabot[bot]@users.noreply.github.com",
        )
    }

    /// Declarations decide when there is no counted AI evidence, and counted evidence
    /// overrides a "no" declaration, saying which marker did it.
    #[test]
    fn declarations_and_their_override() {
        let human = commit("h1", "Fix parser", &[]);
        let cases: Vec<(Option<bool>, Vec<Commit>, Authorship, &str)> = vec![
            (Some(true), vec![], Authorship::Ai, "Declared AI-assisted."),
            (
                Some(true),
                vec![human.clone()],
                Authorship::Ai,
                "Declared AI-assisted.",
            ),
            (
                Some(false),
                vec![human.clone()],
                Authorship::Human,
                "Declared not AI-assisted",
            ),
            (
                Some(false),
                vec![],
                Authorship::Human,
                "Declared not AI-assisted",
            ),
            (
                Some(false),
                vec![human.clone(), claude("c1")],
                Authorship::Ai,
                "\"not AI-assisted\" is overridden by Claude Code trailer",
            ),
            (
                Some(true),
                vec![claude("c1")],
                Authorship::Ai,
                "also declared AI-assisted",
            ),
            (None, vec![], Authorship::Unknown, "No commits to read"),
            (None, vec![human], Authorship::Unknown, "no declaration"),
        ];
        for (declared, commits, expected, reason) in cases {
            let options = Options {
                declared,
                ..Options::default()
            };
            let provenance = detect(&commits, None, &options);
            assert_eq!(provenance.authorship, expected, "{declared:?} {reason}");
            assert_eq!(provenance.declared, declared);
            assert!(
                provenance.reasons.iter().any(|r| r.contains(reason)),
                "{reason}: {:?}",
                provenance.reasons
            );
        }
    }

    /// A dependabot-only range is `Automation`; one human commit among bots makes it `Unknown`.
    #[test]
    fn automation_needs_every_commit() {
        let only_bots = detect(
            &[dependabot("d1"), dependabot("d2")],
            Some("dependabot/cargo/serde-1.0.2"),
            &Options::default(),
        );
        assert_eq!(only_bots.authorship, Authorship::Automation);
        assert!(
            only_bots.reasons[0].contains("Dependabot"),
            "{:?}",
            only_bots.reasons
        );
        assert!(
            only_bots
                .evidence
                .iter()
                .all(|e| e.kind == MarkerKind::Automation)
        );

        let mixed = detect(
            &[dependabot("d1"), commit("h1", "Tweak config", &[])],
            None,
            &Options::default(),
        );
        assert_eq!(mixed.authorship, Authorship::Unknown);
    }

    /// A bot named only in text (its sign-off trailer, its body block, its subject) by a
    /// commit a person wrote is not automation: text cannot downgrade a change (issue 12).
    /// The same text under the bot's own identity still is.
    #[test]
    fn automation_claimed_only_in_text_is_unknown() {
        let message = "Bump serde from 1.0.1 to 1.0.2\n\n---\nupdated-dependencies:\n- dependency-name: serde\n\nSigned-off-by: dependabot[bot] <support@github.com>\n";
        let claimed = commit(
            "t1",
            message,
            &[("Signed-off-by", "dependabot[bot] <support@github.com>")],
        );
        let provenance = detect(
            &[claimed],
            Some("dependabot/cargo/serde-1.0.2"),
            &Options::default(),
        );
        assert_eq!(provenance.authorship, Authorship::Unknown);
        assert!(
            provenance
                .reasons
                .iter()
                .any(|r| r.contains("names a bot only in text")),
            "{:?}",
            provenance.reasons
        );
        let real = Commit {
            message: message.to_owned(),
            ..dependabot("t2")
        };
        let provenance = detect(&[real], None, &Options::default());
        assert_eq!(provenance.authorship, Authorship::Automation);
    }

    /// One AI commit among many makes the whole change `Ai`, and the reason counts them.
    #[test]
    fn one_ai_commit_among_many_is_enough() {
        let commits = [
            commit("h1", "Fix parser", &[]),
            claude("c1"),
            dependabot("d1"),
        ];
        let provenance = detect(&commits, None, &Options::default());
        assert_eq!(provenance.authorship, Authorship::Ai);
        assert!(
            provenance.reasons[0].contains("in 1 of 3 commits"),
            "{:?}",
            provenance.reasons
        );
    }

    /// `min_confidence` moves the line: Low lets a branch prefix and a look-alike bot
    /// subject count; High leaves a Medium `Generated-by:` uncounted but still keeps the
    /// High Claude Code trailer.
    #[test]
    fn min_confidence_decides_what_counts() {
        let generated = [commit("g1", "Add docs", &[("Generated-by", "ChatGPT")])];
        let bump = [commit("b1", "Bump serde from 1.0.1 to 1.0.2", &[])];
        let assisted = [claude("c1")];
        let branch = Some("claude/admiring-maxwell-7yikbk");
        let cases: Vec<(Confidence, &[Commit], Option<&str>, Authorship)> = vec![
            (Confidence::Low, &[], branch, Authorship::Ai),
            (Confidence::Medium, &[], branch, Authorship::Unknown),
            // A bot's subject is text anyone can type: never automation on its own.
            (Confidence::Low, &bump, None, Authorship::Unknown),
            (Confidence::Medium, &bump, None, Authorship::Unknown),
            (Confidence::Medium, &generated, None, Authorship::Ai),
            (Confidence::High, &generated, None, Authorship::Unknown),
            (Confidence::High, &assisted, None, Authorship::Ai),
        ];
        for (min_confidence, commits, branch, expected) in cases {
            let options = Options {
                min_confidence,
                ..Options::default()
            };
            let provenance = detect(commits, branch, &options);
            assert_eq!(
                provenance.authorship, expected,
                "{min_confidence:?} {branch:?}: {:?}",
                provenance.reasons
            );
            for evidence in &provenance.evidence {
                assert_eq!(evidence.counted, evidence.confidence >= min_confidence);
            }
        }
    }
}

//! Required disclosure (`provenance.require_disclosure`): a project can ask that every
//! AI-assisted commit carry its own disclosure trailer (the kernel's and LLVM's
//! `Assisted-by:`). AI evidence in a commit that lacks it is a fact of its own, so the
//! change is judged as undisclosed, not only as AI-assisted.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Evidence;
use super::marker::MarkerKind;
use crate::analyze::Fact;
use crate::diff::Commit;
use crate::git::CommitId;
use crate::signal::Signal;

/// AI evidence found without the trailer the policy requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Undisclosed {
    /// The trailer key the policy requires, as the policy spells it.
    pub trailer: String,
    /// Commits with counted AI evidence and no such trailer (full ids, newest first).
    pub commits: Vec<CommitId>,
    /// Counted AI evidence outside the commits (branch, pull request) while no commit
    /// carries the trailer.
    pub outside_commits: bool,
    /// The tools whose evidence was found undisclosed, sorted.
    pub tools: Vec<String>,
}

impl Undisclosed {
    /// The finding: one unit per undisclosed commit, plus one for evidence outside them.
    #[must_use]
    pub fn fact(&self) -> Fact {
        let units = self.commits.len() + usize::from(self.outside_commits);
        let mut places: Vec<String> = self.commits.iter().map(|id| id.short()).collect();
        if self.outside_commits {
            places.push("the branch or pull request".to_owned());
        }
        Fact {
            signal: Signal::AiUndisclosed,
            file: None,
            line: None,
            quantity: units as f64,
            message: format!(
                "AI evidence ({}) without the `{}:` trailer the policy requires, in {}",
                self.tools.join(", "),
                self.trailer,
                places.join(", ")
            ),
            related: Vec::new(),
            subject: Some(self.trailer.clone()),
        }
    }
}

/// The commits (and outside evidence) whose counted AI evidence is not disclosed with a
/// `trailer:` trailer; `None` when everything is disclosed or there is no AI evidence.
pub(super) fn check(
    commits: &[Commit],
    evidence: &[Evidence],
    trailer: &str,
) -> Option<Undisclosed> {
    let discloses = |commit: &Commit| {
        commit
            .trailers
            .iter()
            .any(|t| t.key.trim().eq_ignore_ascii_case(trailer) && !t.value.trim().is_empty())
    };
    let ai = || {
        evidence
            .iter()
            .filter(|e| e.counted && e.kind == MarkerKind::Ai)
    };
    let mut tools = BTreeSet::new();
    let mut undisclosed = Vec::new();
    for commit in commits.iter().filter(|commit| !discloses(commit)) {
        let found: Vec<&Evidence> = ai().filter(|e| e.commit == Some(commit.id)).collect();
        if !found.is_empty() {
            tools.extend(found.iter().map(|e| e.tool.clone()));
            undisclosed.push(commit.id);
        }
    }
    let outside: Vec<&Evidence> = ai().filter(|e| e.commit.is_none()).collect();
    let outside_commits = !outside.is_empty() && !commits.iter().any(discloses);
    if outside_commits {
        tools.extend(outside.iter().map(|e| e.tool.clone()));
    }
    if undisclosed.is_empty() && !outside_commits {
        return None;
    }
    Some(Undisclosed {
        trailer: trailer.to_owned(),
        commits: undisclosed,
        outside_commits,
        tools: tools.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use crate::diff::Commit;
    use crate::provenance::test_support::commit;
    use crate::provenance::{Options, detect};
    use crate::signal::Signal;

    fn with_disclosure(commits: &[Commit]) -> Option<super::Undisclosed> {
        let options = Options {
            require_disclosure: Some("Assisted-by"),
            ..Options::default()
        };
        detect(commits, None, &options).undisclosed
    }

    /// A Claude co-author without `Assisted-by:` is undisclosed, one unit per commit; the
    /// same commit with the trailer (any case) is disclosed; a commit with no AI evidence
    /// needs no disclosure.
    #[test]
    fn ai_evidence_needs_the_trailer() {
        let claude = ("Co-Authored-By", "Claude <noreply@anthropic.com>");
        let bare = commit("u1", "Fix", &[claude]);
        let disclosed = commit("u2", "Fix", &[claude, ("assisted-by", "Claude:opus-4")]);
        let human = commit("u3", "Fix", &[]);
        let found = with_disclosure(&[bare.clone(), disclosed.clone(), human.clone()])
            .expect("the bare commit is undisclosed");
        assert_eq!(found.commits, std::slice::from_ref(&bare.id));
        assert_eq!(found.tools, ["Claude Code"]);
        let fact = found.fact();
        assert_eq!(fact.signal, Signal::AiUndisclosed);
        assert!((fact.quantity - 1.0).abs() < f64::EPSILON);
        assert!(fact.message.contains("`Assisted-by:`"), "{}", fact.message);
        assert_eq!(with_disclosure(&[disclosed, human]), None);
    }

    /// AI evidence in the pull request (no commit of its own) is undisclosed unless some
    /// commit of the change carries the trailer.
    #[test]
    fn pull_request_evidence_needs_one_disclosing_commit() {
        let body = crate::diff::RequestText {
            title: None,
            body: Some(
                "https://chatgpt.com/codex/tasks/task_e_687a53ba646c8331baa4140c5b2bec70"
                    .to_owned(),
            ),
        };
        let options = Options {
            require_disclosure: Some("Assisted-by"),
            pull_request: Some(&body),
            ..Options::default()
        };
        let plain = commit("u5", "Fix", &[]);
        let found = detect(std::slice::from_ref(&plain), None, &options)
            .undisclosed
            .expect("the request's evidence is undisclosed");
        assert!(found.outside_commits && found.commits.is_empty());
        assert!((found.fact().quantity - 1.0).abs() < f64::EPSILON);
        let disclosed = commit("u6", "Fix", &[("Assisted-by", "Codex:gpt-5")]);
        assert_eq!(detect(&[disclosed], None, &options).undisclosed, None);
    }

    /// Without a policy requirement nothing is checked.
    #[test]
    fn no_requirement_no_finding() {
        let claude = commit(
            "u4",
            "Fix",
            &[("Co-Authored-By", "Claude <noreply@anthropic.com>")],
        );
        assert_eq!(
            detect(&[claude], None, &Options::default()).undisclosed,
            None
        );
    }
}

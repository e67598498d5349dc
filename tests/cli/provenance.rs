//! Provenance cannot be downgraded by text (issue 12): a bot is known by its identity, never
//! by lines anyone can type into a message, and a folded trailer is read as git reads it.

use crate::support::{Repo, Run, blastgate, repo_with_base};

/// A workflow edit on `topic`: `ci-changed`, which the default policy sends to review for
/// AI and unknown authors, and lets through for automation.
fn workflow_change(repo: &Repo) {
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
    );
}

fn check(repo: &Repo) -> Run {
    blastgate(repo, &["check", "--base", "main", "--format", "json"])
}

/// A person's commit that only *says* it is Dependabot (its subject, body block, sign-off
/// trailer, and a `dependabot/` branch) is `unknown`, so the CI change needs review; the
/// same commit under Dependabot's own identity is automation and passes.
#[test]
fn bot_named_only_in_text_is_unknown() {
    let message = "Bump actions/checkout from 3 to 4\n\n---\nupdated-dependencies:\n- dependency-name: actions/checkout\n\nSigned-off-by: dependabot[bot] <support@github.com>\n";
    let repo = repo_with_base();
    repo.git(&[
        "checkout",
        "-q",
        "-b",
        "dependabot/github_actions/checkout-4",
    ]);
    workflow_change(&repo);
    repo.commit(message);
    let claimed = check(&repo);
    assert_eq!(claimed.code, 3, "{}{}", claimed.stdout, claimed.stderr);
    let report = claimed.json();
    assert_eq!(report["provenance"]["authorship"], "unknown");
    assert_eq!(report["rules"][0]["rule"], "ci-needs-review-when-ai");
    assert!(
        report["provenance"]["reasons"]
            .to_string()
            .contains("names a bot only in text"),
        "{}",
        report["provenance"]
    );

    let real = repo_with_base();
    workflow_change(&real);
    real.commit_as(
        "dependabot[bot]",
        "49699333+dependabot[bot]@users.noreply.github.com",
        message,
    );
    let bot = check(&real);
    assert_eq!(bot.code, 0, "{}{}", bot.stdout, bot.stderr);
    assert_eq!(bot.json()["provenance"]["authorship"], "automation");
}

/// A Claude trailer folded over two lines (the continuation starts with a tab, which
/// libgit2 alone would not follow) is still the Claude trailer, as
/// `git interpret-trailers --parse` reads it: the change is AI and the AI-only rule fires.
#[test]
fn folded_trailer_is_read_as_git_reads_it() {
    let repo = repo_with_base();
    repo.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 500, block: 900}\n  human: {block: 900}\nrules:\n  - {id: no-ai-here, decision: block, signals: [file-touched], authorship: [ai], reason: No AI changes in this repository.}\n",
    );
    repo.commit("Policy");
    repo.git(&["branch", "-f", "main", "HEAD"]);
    repo.write("src/app.py", "print('hello')\n");
    let message = "Tidy app\n\nCo-Authored-By: Claude\n\t<noreply@anthropic.com>\n";
    repo.commit(message);
    let parsed = repo.git(&["log", "-1", "--format=%(trailers:unfold)"]);
    assert_eq!(parsed, "Co-Authored-By: Claude <noreply@anthropic.com>");
    let run = check(&repo);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["provenance"]["authorship"], "ai");
    assert_eq!(report["rules"][0]["rule"], "no-ai-here");
}

//! `-v/--verbose`: stage timings on stderr after the report, nothing extra on stdout; without
//! it an allowed change leaves stderr empty.

use crate::support::{blastgate, repo_with_base};

/// Every stage is named on stderr with `-v`; stdout is the same report as without it.
#[test]
fn verbose_times_every_stage_on_stderr() {
    let repo = repo_with_base();
    repo.write("docs/guide.md", "# guide\n\nOne more line.\n");
    repo.commit("Docs");
    let quiet = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(quiet.code, 0, "{}{}", quiet.stdout, quiet.stderr);
    assert_eq!(quiet.stderr, "");
    let verbose = blastgate(
        &repo,
        &["-v", "check", "--base", "main", "--format", "json"],
    );
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    assert_eq!(verbose.stdout, quiet.stdout);
    for stage in [
        "diff",
        "policy",
        "provenance",
        "analyze",
        "analyze.contents",
        "analyze.structure",
        "analyze.domain",
        "analyze.history",
        "score",
        "decide",
        "report",
    ] {
        assert!(
            verbose
                .stderr
                .lines()
                .any(|line| line.split_whitespace().nth(1) == Some(stage)),
            "no `{stage}` line:\n{}",
            verbose.stderr
        );
    }
    assert!(
        verbose.stderr.contains("1 files, "),
        "counts missing:\n{}",
        verbose.stderr
    );
}

/// `-q` wins over `-v`: nothing at all is printed, the exit code still decides.
#[test]
fn quiet_silences_verbose() {
    let repo = repo_with_base();
    repo.write("docs/guide.md", "# guide\n");
    repo.commit("Docs");
    let run = blastgate(&repo, &["check", "--base", "main", "-q", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
}

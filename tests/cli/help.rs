//! The command-line surface, pinned: any change to flags or their help shows up in review.

use crate::support::{Repo, blastgate};

/// `blastgate --help` and `blastgate check --help`.
#[test]
fn help_texts() {
    let repo = Repo::new();
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["pre-push", "--help"],
        &["policy", "--help"],
    ] {
        let result = blastgate(&repo, args);
        assert_eq!(result.code, 0, "{args:?}: {}", result.stderr);
        insta::assert_snapshot!(args.join("_").replace("--", ""), result.stdout);
    }
}

/// Bad usage is an error with exit 2, like every other error.
#[test]
fn bad_usage_exits_2() {
    let repo = Repo::new();
    let result = blastgate(&repo, &["check", "--staged", "--diff", "x.diff"]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("cannot be used with"),
        "{}",
        result.stderr
    );
}

/// Completion scripts for the common shells and the manual page come from the same CLI
/// definition: every subcommand is in them.
#[test]
fn completions_and_manual_page() {
    let repo = Repo::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let result = blastgate(&repo, &["completions", shell]);
        assert_eq!(result.code, 0, "{shell}: {}", result.stderr);
        for subcommand in ["check", "pre-push", "pre-receive", "hook", "policy"] {
            assert!(
                result.stdout.contains(subcommand),
                "{shell} completion lacks {subcommand}"
            );
        }
    }
    let man = blastgate(&repo, &["man"]);
    assert_eq!(man.code, 0, "{}", man.stderr);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH blastgate"),
        "{}",
        &man.stdout[..man.stdout.len().min(200)]
    );
    assert!(
        man.stdout.contains("pre\\-push") || man.stdout.contains("pre-push"),
        "manual page lacks pre-push"
    );
    let bad = blastgate(&repo, &["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
}

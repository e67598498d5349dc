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

//! The README's first set-up command: the demo change must block, and say why.

use crate::support::{Repo, run};

/// `blastgate check --diff fixtures/demo/ai-change.diff --ai-assisted yes` blocks with the
/// Terraform consequence spelled out, as the README promises (run outside any repository, so
/// only the changed lines are read).
#[test]
fn demo_change_blocks_with_the_consequence() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/ai-change.diff");
    let outside = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    let mut command = repo.blastgate(&[
        "check",
        "--diff",
        demo,
        "--ai-assisted",
        "yes",
        "--color",
        "never",
    ]);
    command.current_dir(outside.path());
    let result = run(command, None);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    assert!(result.stdout.starts_with("block"), "{}", result.stdout);
    assert!(
        result.stdout.contains("destroys aws_db_instance.main and creates aws_db_instance.primary (a database): data loss unless snapshotted"),
        "{}",
        result.stdout
    );
    assert!(
        result.stdout.contains("stateful-destroy-blocks"),
        "{}",
        result.stdout
    );
}

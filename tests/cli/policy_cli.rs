//! `blastgate policy check|init|schema`.

use crate::support::{Repo, blastgate};

/// `policy init` writes the template once and refuses to overwrite it.
#[test]
fn init_never_overwrites() {
    let repo = Repo::new();
    let first = blastgate(&repo, &["policy", "init", "--template", "strict"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let path = repo.path.join(".blastgate.yaml");
    let written = std::fs::read_to_string(&path).expect("policy written");
    assert_eq!(written, include_str!("../../policies/strict.yaml"));

    std::fs::write(&path, "# mine\n").expect("edit");
    let second = blastgate(&repo, &["policy", "init"]);
    assert_eq!(second.code, 2);
    assert!(
        second.stderr.contains("already exists"),
        "{}",
        second.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        "# mine\n"
    );
}

/// `policy check` accepts the shipped templates and lists every problem of a bad file.
#[test]
fn check_lists_every_problem() {
    let repo = Repo::new();
    for template in ["default", "strict"] {
        let path = format!("{}/policies/{template}.yaml", env!("CARGO_MANIFEST_DIR"));
        let result = blastgate(&repo, &["policy", "check", &path]);
        assert_eq!(result.code, 0, "{template}: {}", result.stderr);
    }
    repo.write(
        "bad.yaml",
        "version: 1\ntiers:\n  - name: x\n    multiplier: 1\n    paths: [\"src/[\"]\nthresholds:\n  ai: {review: 500, block: 400}\n  human: {block: 600}\nweights:\n  lines-addd: 1\n",
    );
    let result = blastgate(&repo, &["policy", "check", "bad.yaml"]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    let problems = result
        .stderr
        .lines()
        .filter(|line| line.contains("bad.yaml:"))
        .count();
    assert!(problems >= 3, "{}", result.stderr);
    assert!(
        result.stderr.contains("lines-added"),
        "did-you-mean missing: {}",
        result.stderr
    );
}

/// The committed schema is what `policy schema` prints.
#[test]
fn schema_matches_committed_file() {
    let repo = Repo::new();
    let result = blastgate(&repo, &["policy", "schema"]);
    assert_eq!(result.code, 0);
    assert_eq!(result.stdout, include_str!("../../policies/schema.json"));
}

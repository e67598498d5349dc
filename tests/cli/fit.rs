//! `blastgate replay --fit` (issue 14): weights learned from a history built in the test where
//! one signal (a symbolic link added) is what every later-fixed commit has and no other commit
//! has; the fit must put that signal's weight first, the same way on every run, write a
//! fragment that is a valid policy, and refuse, writing nothing, when labels are too few.

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, lines};

/// 97 commits: a root, then 24 blocks of two ordinary AI-assisted changes, a change that also adds a
/// symbolic link, and a commit fixing that change by naming it. Every change touches two
/// files and they vary in size, so file and line counts are noise, not predictors.
fn history() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "demo\n");
    repo.commit("Initial commit");
    for block in 0..24_usize {
        for step in 0..2_usize {
            let n = block * 2 + step;
            repo.write(&format!("src/mod_{n}.py"), lines(3 + (n * 7) % 23, "m"));
            repo.write(&format!("src/extra_{n}.py"), lines(2, "e"));
            repo.commit(&format!("Add module {n}\n\n{CLAUDE_TRAILER}\n"));
        }
        repo.write(
            &format!("src/risky_{block}.py"),
            lines(3 + (block * 5) % 23, "r"),
        );
        std::os::unix::fs::symlink(
            format!("risky_{block}.py"),
            repo.path.join(format!("src/link_{block}.py")),
        )
        .expect("create symlink");
        let risky = repo.commit(&format!("Add risky module {block}\n\n{CLAUDE_TRAILER}\n"));
        repo.write(
            &format!("src/risky_{block}.py"),
            lines(3 + (block * 5) % 23, "r").replacen("r_0 = 0", "r_0 = 1", 1),
        );
        repo.write(&format!("notes/fix_{block}.py"), lines(2, "f"));
        repo.commit(&format!("Fix breakage from {}", &risky[..10]));
    }
    repo
}

/// The policy the history is judged with: symbolic links weigh nothing, so the fit has to
/// find them, not copy them.
const POLICY: &str = "version: 1
weights:
  symlink-changed: 0
thresholds:
  ai: {review: 25, block: 400}
";

fn fit_report(repo: &Repo, extra: &[&str]) -> Value {
    let policy = repo.path.parent().expect("temp dir").join("policy.yaml");
    std::fs::write(&policy, POLICY).expect("write policy");
    let policy = policy.display().to_string();
    let mut args = vec!["replay", "--fit", "--format", "json", "--policy", &policy];
    args.extend_from_slice(extra);
    let run = blastgate(repo, &args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.json()
}

/// The predicting signal's weight comes out highest; two runs give identical fits; the
/// held-out part is ranked better than by the policy, which ignores that signal; the fragment written by
/// `--fit-out` is a policy `policy check` accepts and it carries that weight.
#[test]
fn fit_puts_the_predicting_signal_first_deterministically() {
    let repo = history();
    let out = repo.path.parent().expect("temp dir").join("suggested.yaml");
    let out_arg = out.display().to_string();
    let report = fit_report(&repo, &["--fit-out", &out_arg]);
    let fit = &report["fit"];
    assert_eq!(fit["status"], "fitted", "{fit}");
    let weights = fit["fit"]["weights"].as_array().expect("weights");
    assert_eq!(weights[0]["key"], "symlink-changed", "{fit}");
    let top = weights[0]["suggested"].as_f64().expect("number");
    assert!(top > 0.0);
    for other in &weights[1..] {
        assert!(other["suggested"].as_f64().expect("number") < top, "{fit}");
    }
    // 24 later-fixed commits: the newest 30% of 97 commits (30) hold 8 of them (the newest 7 blocks, and block 16's risky change).
    assert_eq!(fit["fit"]["train"]["commits"], 67);
    assert_eq!(fit["fit"]["heldout"]["commits"], 30);
    assert_eq!(fit["fit"]["heldout"]["labels"], 8, "{fit}");
    assert_eq!(fit["fit"]["train"]["sources"]["named-fix"], 16, "{fit}");
    let after = fit["fit"]["after"]["auc"].as_f64().expect("auc after");
    let before = fit["fit"]["before"]["auc"].as_f64().expect("auc before");
    assert!(
        after > 0.95 && after > before,
        "before {before}, after {after}"
    );
    // The riskiest 10% of the held-out part (3 commits) are all later-fixed ones.
    assert_eq!(fit["fit"]["after"]["curve"][1]["caught"], 3, "{fit}");

    let again = fit_report(&repo, &[]);
    assert_eq!(
        again["fit"]["fit"], fit["fit"],
        "a second run fitted differently"
    );
    assert_eq!(again["fit"]["fragment"], fit["fragment"]);

    let fragment = std::fs::read_to_string(&out).expect("fragment written");
    assert_eq!(fit["fragment"].as_str(), Some(fragment.as_str()));
    assert!(
        fragment.contains(&format!("symlink-changed: {}", &top.to_string()[..4])),
        "{fragment}"
    );
    let check = blastgate(&repo, &["policy", "check", &out_arg]);
    assert_eq!(
        check.code, 0,
        "{fragment}\n{}{}",
        check.stdout, check.stderr
    );
}

/// Four labelled commits are too few: exit 2, one line saying how many and what to do, and
/// no fragment file.
#[test]
fn fit_refuses_with_too_few_labels_and_writes_nothing() {
    let repo = Repo::new();
    for i in 0..12 {
        repo.write(&format!("src/m{i}.py"), lines(5 + i, "m"));
        let commit = repo.commit(&format!("Add m{i}"));
        if i % 3 == 0 {
            repo.write(&format!("src/m{i}.py"), lines(4 + i, "m"));
            repo.commit(&format!("Fix breakage from {}", &commit[..10]));
        }
    }
    let out = repo.path.parent().expect("temp dir").join("suggested.yaml");
    let run = blastgate(
        &repo,
        &["replay", "--fit", "--fit-out", &out.display().to_string()],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "too few labelled commits to fit weights: 3 in the training part, at least 10 needed"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(!out.exists());
}

/// `--calibrate` with `--fit` proposes the AI review line on the fitted scores for the target
/// load, and the fragment carries it.
#[test]
fn fit_with_calibrate_puts_calibrated_thresholds_in_the_fragment() {
    let repo = history();
    let report = fit_report(&repo, &["--calibrate", "--target-load", "0.2"]);
    let calibration = &report["fit"]["calibration"];
    // The 72 AI-assisted changes: two ordinary and one risky per block.
    assert_eq!(calibration["ai_changes"], 72, "{calibration}");
    let review = calibration["review"].as_f64().expect("a review line");
    assert!(
        calibration["load"].as_f64().expect("load") <= 0.2,
        "{calibration}"
    );
    let fragment = report["fit"]["fragment"].as_str().expect("fragment");
    assert!(
        fragment.contains("# Thresholds: calibrated on the fitted scores."),
        "{fragment}"
    );
    assert!(
        fragment.contains(&format!("    review: {}", &review.to_string()[..3])),
        "{fragment}"
    );
}

/// The fit's inputs travel in shard files: three shards merged with `--fit` give the weights,
/// held-out evaluation and fragment of an unsharded `--fit`.
#[test]
fn merged_shards_fit_as_the_whole_run() {
    let repo = history();
    let whole = fit_report(&repo, &[]);
    let dir = repo.path.parent().expect("temp dir");
    let policy = dir.join("policy.yaml").display().to_string();
    let mut files = Vec::new();
    for k in 1..=3 {
        let file = dir.join(format!("shard-{k}.json")).display().to_string();
        let run = blastgate(
            &repo,
            &[
                "replay",
                "--policy",
                &policy,
                "--shard",
                &format!("{k}/3"),
                "-o",
                &file,
            ],
        );
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        files.push(file);
    }
    let mut args = vec![
        "replay", "merge", "--fit", "--policy", &policy, "--format", "json",
    ];
    args.extend(files.iter().map(String::as_str));
    let merged = blastgate(&repo, &args);
    assert_eq!(merged.code, 0, "{}{}", merged.stdout, merged.stderr);
    let merged = merged.json();
    assert_eq!(whole["fit"]["status"], "fitted", "{}", whole["fit"]);
    assert_eq!(merged["fit"], whole["fit"]);
}

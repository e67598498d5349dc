//! `blastgate replay`: a history built in the test with known reverts and a known fix,
//! judged commit by commit; the curve, load and calibration numbers are worked out by hand
//! from the test policy below (lines-deleted and file-deleted weigh nothing, so a revert that
//! removes a file scores only its `file-touched` points).

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, lines};

/// Payments files weigh ×3; an added line 0.1, a touched file 1, a file a reverted or
/// hot-fixed commit touched 10. AI review at 25.
const POLICY: &str = "version: 1
tiers:
  - name: critical
    multiplier: 3
    paths: [\"src/payments/**\"]
weights:
  lines-deleted: 0
  file-deleted: 0
  recently-reverted: 10
thresholds:
  ai: {review: 25, block: 400}
  human: {block: 600}
";

/// Commit ids of the scripted history, by name.
struct History {
    repo: Repo,
    policy: String,
    r1: String,
    r2: String,
    r3: String,
    f1: String,
    tweak: String,
    rework: String,
    revert_rework: String,
}

fn ai(repo: &Repo, message: &str) -> String {
    repo.commit(&format!("{message}\n\n{CLAUDE_TRAILER}\n"))
}

fn revert(repo: &Repo, commit: &str) -> String {
    repo.git(&["revert", "--no-edit", commit]);
    repo.git(&["rev-parse", "HEAD"])
}

/// Twenty commits: risky AI commits R1, R2, R3 later reverted, F1 later fixed by a commit
/// naming it, and a human rework of a reverted commit's file that is itself reverted.
fn history() -> History {
    let repo = Repo::new();
    let ledger: Vec<String> = (0..20).map(|i| format!("entry {i}")).collect();
    let write_ledger = |ledger: &[String]| {
        repo.write("src/payments/ledger.dat", ledger.join("\n") + "\n");
    };
    let note = |n: u32| {
        repo.write(&format!("notes/n{n}.dat"), "a\nb\n");
        repo.commit(&format!("Edit notes {n}"))
    };
    repo.write("README.md", "demo\n");
    write_ledger(&ledger);
    repo.commit("Initial commit"); // 1: 20 ledger lines ×0.3 + 3, README 0.1 + 1 = 10.1
    note(1); // 2: 1.2
    repo.write("src/payments/r1.dat", lines(100, "r1"));
    let r1 = ai(&repo, "Add payment retries"); // 3: 100 × 0.3 + 3 = 33
    note(2);
    repo.write("src/payments/r2.dat", lines(100, "r2"));
    let mut appended = ledger.clone();
    appended.extend((0..5).map(|i| format!("extra {i}")));
    write_ledger(&appended);
    let r2 = ai(&repo, "Add payment batching"); // 5: 105 × 0.3 + 6 = 37.5
    appended[0] = "entry zero".to_string();
    write_ledger(&appended);
    let tweak = repo.commit("Tweak ledger header"); // 6: 0.3 + 3 = 3.3, R2 not reverted yet
    note(3);
    revert(&repo, &r1); // 8: 3
    repo.write("src/payments/r3.dat", lines(100, "r3"));
    let r3 = ai(&repo, "Add payment webhooks"); // 9: 33
    note(4);
    revert(&repo, &r2); // 11: r2.dat 3 + ledger 3 = 6
    repo.write("src/payments/f1.dat", lines(100, "f1"));
    let f1 = ai(&repo, "Add refunds"); // 12: 33
    note(5);
    revert(&repo, &r3); // 14: 3
    repo.write(
        "src/payments/f1.dat",
        lines(100, "f1").replacen("f1_0 = 0", "f1_0 = 1", 1),
    );
    repo.commit(&format!("Fix rounding bug introduced in {}", &f1[..8])); // 15: 3.3
    let mut reworked = ledger.clone();
    reworked[0] = "entry zero".to_string();
    reworked[1] = "entry one".to_string();
    write_ledger(&reworked);
    // 16: 3.3, plus 30 from recently-reverted: R2 (reverted at 11) touched the ledger.
    let rework = repo.commit("Rework ledger totals");
    note(6);
    note(7);
    repo.write("notes/ai.dat", "x\ny\n");
    ai(&repo, "Add AI notes"); // 19: 1.2, AI but allowed
    let revert_rework = revert(&repo, &rework); // 20: 3.3 + 30 (the ledger again)
    let policy = repo.path.parent().expect("temp dir").join("policy.yaml");
    std::fs::write(&policy, POLICY).expect("write policy");
    History {
        policy: policy.display().to_string(),
        repo,
        r1,
        r2,
        r3,
        f1,
        tweak,
        rework,
        revert_rework,
    }
}

fn replay_json(history: &History, extra: &[&str]) -> Value {
    let mut args = vec!["replay", "--format", "json", "--policy", &history.policy];
    args.extend_from_slice(extra);
    let run = blastgate(&history.repo, &args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.json()
}

/// (gated, caught) per row of a curve.
fn rows(curve: &Value) -> Vec<(u64, u64)> {
    curve["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|point| {
            (
                point["gated"].as_u64().unwrap(),
                point["caught"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn judged<'a>(report: &'a Value, commit: &str) -> &'a Value {
    report["judged"]
        .as_array()
        .expect("judged list")
        .iter()
        .find(|entry| entry["commit"] == commit)
        .unwrap_or_else(|| panic!("{commit} not judged: {report}"))
}

/// The whole history: decisions per class, the later-reverted commits with what undid them,
/// and the curve with and without the history signal, all as worked out by hand.
#[test]
fn replay_reports_the_gating_curve_of_a_known_history() {
    let history = history();
    let report = replay_json(&history, &[]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["commits"], 20);
    assert_eq!(report["decisions"]["allow"], 16);
    assert_eq!(report["decisions"]["review"], 4);
    assert_eq!(report["decisions"]["block"], 0);

    let undone: Vec<(String, String)> = report["reverted"]
        .as_array()
        .expect("reverted list")
        .iter()
        .map(|entry| {
            (
                entry["commit"].as_str().unwrap().to_string(),
                entry["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (&history.rework, "revert"),
        (&history.f1, "fix"),
        (&history.r3, "revert"),
        (&history.r2, "revert"),
        (&history.r1, "revert"),
    ];
    assert_eq!(
        undone,
        expected.map(|(commit, kind)| (commit.clone(), kind.to_string()))
    );
    let rework = &report["reverted"][0];
    assert_eq!(rework["by"], history.revert_rework.as_str());
    assert_eq!(rework["score"], 33.3);
    assert_eq!(rework["score_without_history"], 3.3);

    // With history: R2 37.5; the rework's revert and the rework 33.3; F1, R3, R1 33.
    let on = &report["curve"]["history_on"];
    assert_eq!(on["reverted"], 5);
    assert_eq!(rows(on), [(1, 1), (2, 1), (4, 3), (6, 5), (10, 5)]);
    // Without: R2, F1, R3, R1, the root (10.1) and R2's revert (6) lead; the rework is 3.3.
    let off = &report["curve"]["history_off"];
    assert_eq!(rows(off), [(1, 1), (2, 2), (4, 4), (6, 4), (10, 5)]);
    // The policy sent the four risky AI commits to review: 20% gated, 4 of 5 caught.
    assert_eq!(on["policy"]["gated"], 4);
    assert_eq!(on["policy"]["caught"], 4);
    assert_eq!(on["policy"]["gated_share"], 0.2);
}

/// The history signal fires on a file a reverted commit touched, and never on one whose
/// commit is reverted only later (no peeking into the future).
#[test]
fn history_signal_uses_only_the_past() {
    let history = history();
    let report = replay_json(&history, &[]);
    let rework = judged(&report, &history.rework);
    assert_eq!(rework["score"], 33.3);
    assert_eq!(rework["score_without_history"], 3.3);
    let tweak = judged(&report, &history.tweak);
    assert_eq!(tweak["score"], 3.3);
    assert_eq!(tweak["score_without_history"], 3.3);

    // `check` sees the same fact, naming the commit that reverted the ledger change.
    let repo = &history.repo;
    let parent = format!("{}^", history.rework);
    let run = blastgate(
        repo,
        &[
            "check",
            "--base",
            &parent,
            "--head",
            &history.rework,
            "--policy",
            &history.policy,
            "--format",
            "json",
        ],
    );
    let report = run.json();
    let fact = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["id"] == "recently-reverted")
        .unwrap_or_else(|| panic!("no recently-reverted finding: {report}"));
    assert_eq!(fact["file"], "src/payments/ledger.dat");
    assert!(
        fact["message"]
            .as_str()
            .unwrap()
            .contains(&history.r2[..12]),
        "{fact}"
    );
}

/// Review load per week and tier; calibration meets its target on this history.
#[test]
fn load_and_calibration() {
    let history = history();
    let report = replay_json(&history, &["--calibrate", "--target-load", "0.25"]);
    let load = &report["load"];
    assert_eq!(load["ai_changes"], 5);
    assert_eq!(load["review"], 4);
    assert_eq!(load["weeks"][0]["name"], "2026-W01");
    assert_eq!(load["weeks"].as_array().unwrap().len(), 1);
    let tiers: Vec<(String, u64, u64)> = load["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tier| {
            (
                tier["name"].as_str().unwrap().to_string(),
                tier["ai_changes"].as_u64().unwrap(),
                tier["review"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tiers,
        [
            ("critical".to_string(), 4, 4),
            ("default".to_string(), 1, 0)
        ]
    );

    // 25% of 5 AI changes is 1: only R2 (37.5) may go to review.
    let calibration = &report["calibration"];
    assert_eq!(calibration["review"], 37.5);
    assert_eq!(calibration["block"], 400.0);
    assert!(
        calibration["load"].as_f64().unwrap() <= 0.25,
        "{calibration}"
    );
    assert_eq!(calibration["caught"], 1);
    assert_eq!(calibration["reverted"], 5);
}

/// `--last N` judges the newest N commits; a revert among them still counts.
#[test]
fn last_n_judges_the_newest_commits() {
    let history = history();
    let report = replay_json(&history, &["--last", "5"]);
    assert_eq!(report["commits"], 5);
    assert_eq!(report["reverted"][0]["commit"], history.rework.as_str());
    assert_eq!(report["curve"]["history_on"]["reverted"], 1);
}

/// The text report shows the headline sentence and the later-reverted commits.
#[test]
fn text_report_lists_the_curve_and_reverted_commits() {
    let history = history();
    let run = blastgate(&history.repo, &["replay", "--policy", &history.policy]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "no progress line without a terminal: {}",
        run.stderr
    );
    assert!(
        run.stdout.contains(
            "gating the riskiest 10% of commits would have caught 20% of the later-reverted ones"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&history.r1[..12]), "{}", run.stdout);
    assert!(run.stdout.contains("history signal: off"), "{}", run.stdout);
}

/// With `--first-parent` a merge is judged as the change it brought in, and a revert of the
/// merge counts against it; without, merges are skipped.
#[test]
fn first_parent_judges_merges() {
    let repo = Repo::new();
    repo.write("README.md", "demo\n");
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("src/feature.py", lines(300, "feature"));
    ai(&repo, "Add feature");
    repo.write("src/more.py", lines(10, "more"));
    repo.commit("More feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("docs.txt", "docs\n");
    repo.commit("Docs");
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge topic", "topic"]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["revert", "--no-edit", "-m", "1", &merge]);

    let run = blastgate(&repo, &["replay", "--first-parent", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["commits"], 4); // initial, docs, merge, revert
    assert_eq!(report["merges_skipped"], 0);
    assert_eq!(report["reverted"][0]["commit"], merge.as_str());
    // The merge brought in an AI-assisted commit of 300 lines: it needed review.
    assert_eq!(report["reverted"][0]["decision"], "review");

    let run = blastgate(&repo, &["replay", "--format", "json"]);
    let report = run.json();
    assert_eq!(report["commits"], 5);
    assert_eq!(report["merges_skipped"], 1);
}

/// An unknown revision is one line naming it, exit 2.
#[test]
fn unknown_range_is_an_error_naming_it() {
    let repo = Repo::new();
    repo.write("README.md", "demo\n");
    repo.commit("Initial commit");
    let run = blastgate(&repo, &["replay", "--range", "nope..HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    let run = blastgate(&repo, &["replay", "--range", "HEAD...HEAD"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("two dots"), "{}", run.stderr);
}

/// A commit whose policy at the time cannot be loaded is listed as not judged, never counted
/// as allowed.
#[test]
fn commit_under_an_invalid_policy_is_reported_unjudged() {
    let repo = Repo::new();
    repo.write(".blastgate.yaml", "version: 7\n");
    repo.commit("Add a broken policy");
    repo.write("README.md", "demo\n");
    let second = repo.commit("Add readme");
    let run = blastgate(&repo, &["replay", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["commits"], 1);
    assert_eq!(report["unjudged"][0]["commit"], second.as_str());
    assert!(
        report["unjudged"][0]["error"]
            .as_str()
            .unwrap()
            .contains(".blastgate.yaml"),
        "{report}"
    );
    let run = blastgate(&repo, &["replay"]);
    assert!(run.stdout.contains("could not judge"), "{}", run.stdout);
}

/// A full window of history is cached per base; a shallow clone's window, cut at the
/// boundary, is never cached, so the history is read again once it has been fetched.
#[test]
fn only_complete_history_windows_are_cached() {
    let history = history();
    let entries = |repo: &Repo| {
        let dir = repo.path.join(".git/blastgate/history");
        std::fs::read_dir(&dir).map_or(0, |kinds| {
            kinds
                .flatten()
                .map(|kind| std::fs::read_dir(kind.path()).map_or(0, Iterator::count))
                .sum::<usize>()
        })
    };
    let check = |repo: &Repo| {
        let args = [
            "check",
            "--base",
            "HEAD~1",
            "--policy",
            &history.policy,
            "-q",
        ];
        let run = blastgate(repo, &args);
        assert_ne!(run.code, 2, "{}", run.stderr);
    };
    let shallow = Repo::clone_of(&history.repo, &["--depth", "2"]);
    check(&shallow);
    assert_eq!(entries(&shallow), 0, "a shallow window was cached");
    let full = Repo::clone_of(&history.repo, &[]);
    check(&full);
    assert_eq!(entries(&full), 1);
}

/// The judged commits of each field but the timing, in report order.
fn judgements(report: &Value) -> Vec<Value> {
    report["judged"]
        .as_array()
        .expect("judged list")
        .iter()
        .map(|entry| {
            let mut entry = entry.clone();
            entry.as_object_mut().expect("entry").remove("seconds");
            entry
        })
        .collect()
}

/// A second replay takes its judgements from `.git/blastgate/replay/` and reports the same;
/// an unreadable entry is judged again; an edited `--policy` file is never served the old
/// judgements.
#[test]
fn judgements_are_kept_between_replays_but_never_for_another_policy() {
    let h = history();
    let first = replay_json(&h, &[]);
    let kept_dir = h.repo.path.join(".git/blastgate/replay");
    let entries: Vec<std::path::PathBuf> = std::fs::read_dir(&kept_dir)
        .expect("judgements kept")
        .flat_map(|run| std::fs::read_dir(run.expect("run dir").path()).expect("entries"))
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(entries.len(), 20, "{entries:?}");
    assert_eq!(judgements(&replay_json(&h, &[])), judgements(&first));

    for path in &entries {
        std::fs::write(path, b"{not json").expect("corrupt the entry");
    }
    assert_eq!(judgements(&replay_json(&h, &[])), judgements(&first));

    // Added lines now weigh 1 instead of 0.1: every score must move.
    std::fs::write(
        &h.policy,
        POLICY.replace(
            "  lines-deleted: 0\n",
            "  lines-deleted: 0\n  lines-added: 1\n",
        ),
    )
    .expect("edit the policy");
    let edited = replay_json(&h, &[]);
    let score = |report: &Value, commit: &str| {
        report["judged"]
            .as_array()
            .expect("judged")
            .iter()
            .find(|entry| entry["commit"] == commit)
            .map(|entry| entry["score"].as_f64().expect("score"))
            .expect("judged")
    };
    assert!(
        score(&edited, &h.r1) > score(&first, &h.r1),
        "{} vs {}",
        score(&edited, &h.r1),
        score(&first, &h.r1)
    );
}

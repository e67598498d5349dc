//! `blastgate replay --shard K/N` and `replay merge`: shards of a history built in the test
//! (four ISO weeks, one of them quiet, AI-assisted and human reviews in two tiers, reverts, a
//! hot fix and a commit that cannot be judged) merge into the report an unsharded run gives.

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, lines};

/// Payments files weigh ×3; AI review at 25, human review at 30; a review costs 45 minutes.
pub const POLICY: &str = "version: 1
tiers:
  - name: critical
    multiplier: 3
    paths: [\"src/payments/**\"]
weights:
  lines-deleted: 0
  file-deleted: 0
thresholds:
  ai: {review: 25, block: 400}
  human: {review: 30, block: 600}
replay:
  review_minutes: 45
";

/// The subject of an AI-assisted commit that is later reverted: markup a report must escape.
pub const HOSTILE_SUBJECT: &str = "<script>alert(1)</script> & \"q\"";

/// The scripted history and the commits tests look for.
pub struct History {
    /// The repository.
    pub repo: Repo,
    /// The commit judged under a broken policy.
    pub unjudged: String,
    /// The AI-assisted commit with [`HOSTILE_SUBJECT`], reverted later.
    pub hostile: String,
}

/// Runs git with both dates set to noon of January `day`, 2026.
fn git_on(repo: &Repo, day: u32, args: &[&str]) {
    let date = format!("2026-01-{day:02}T12:00:00Z");
    let output = repo
        .git_command(args)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn commit_on(repo: &Repo, day: u32, message: &str) -> String {
    repo.git(&["add", "-A"]);
    git_on(repo, day, &["commit", "-q", "--allow-empty", "-m", message]);
    repo.git(&["rev-parse", "HEAD"])
}

fn ai_on(repo: &Repo, day: u32, message: &str) -> String {
    commit_on(repo, day, &format!("{message}\n\n{CLAUDE_TRAILER}\n"))
}

fn revert_on(repo: &Repo, day: u32, commit: &str) {
    git_on(repo, day, &["revert", "--no-edit", commit]);
}

/// Twelve commits from 2026-W02 to 2026-W05 (W04 has none); the policy lives in the
/// repository, is broken by one commit and restored by the next (which cannot be judged).
pub fn history() -> History {
    let repo = Repo::new();
    repo.write("README.md", "demo\n");
    repo.write(".blastgate.yaml", POLICY);
    commit_on(&repo, 5, "Initial commit");
    repo.write("src/payments/a.dat", lines(100, "a"));
    let retries = ai_on(&repo, 5, "Add payment retries"); // 33: AI review, critical
    repo.write("src/payments/h.dat", lines(150, "h"));
    commit_on(&repo, 6, "Add payment ledger"); // 48: human review, critical
    repo.write("notes/x.dat", "x\ny\n");
    ai_on(&repo, 6, "Add notes"); // allow
    revert_on(&repo, 7, &retries);
    repo.write("src/lib/big.dat", lines(300, "big"));
    let hostile = ai_on(&repo, 13, HOSTILE_SUBJECT); // 31: AI review, default
    repo.write(".blastgate.yaml", "version: 7\n");
    commit_on(&repo, 13, "Break the policy");
    repo.write(".blastgate.yaml", POLICY);
    let unjudged = commit_on(&repo, 14, "Restore the policy");
    revert_on(&repo, 14, &hostile);
    repo.write("src/payments/c.dat", lines(100, "c"));
    let refunds = ai_on(&repo, 26, "Add refunds"); // AI review, critical
    repo.write("notes/y.dat", "y\n");
    commit_on(&repo, 27, "More notes");
    repo.write(
        "src/payments/c.dat",
        lines(100, "c").replacen("c_0 = 0", "c_0 = 1", 1),
    );
    commit_on(
        &repo,
        27,
        &format!("Fix rounding bug introduced in {}", &refunds[..8]),
    );
    History {
        repo,
        unjudged,
        hostile,
    }
}

/// The JSON report without what differs between any two runs (timings).
fn without_timings(mut report: Value) -> Value {
    let object = report.as_object_mut().expect("report object");
    for key in ["seconds", "commits_per_second", "slowest"] {
        assert!(object.remove(key).is_some(), "{key} missing");
    }
    for entry in object["judged"].as_array_mut().expect("judged") {
        entry.as_object_mut().expect("entry").remove("seconds");
    }
    let labels = object["labels"].as_object_mut().expect("labels");
    assert!(labels.remove("seconds").is_some(), "labels.seconds missing");
    report
}

fn ok(repo: &Repo, args: &[&str]) -> String {
    let run = blastgate(repo, args);
    assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
    run.stdout
}

/// Three shards, merged in any order, give the unsharded JSON report (timings aside) and
/// byte for byte the unsharded HTML page, with the calibration worked out on the whole.
#[test]
fn shards_merge_into_the_unsharded_report() {
    let history = history();
    let repo = &history.repo;
    let whole = ok(repo, &["replay", "--format", "json", "--calibrate"]);
    let whole: Value = serde_json::from_str(&whole).expect("json");
    assert_eq!(whole["commits"], 11, "{whole}");
    assert_eq!(whole["unjudged"][0]["commit"], history.unjudged.as_str());
    assert_eq!(whole["reverted"].as_array().map(Vec::len), Some(3));

    let dir = repo.path.parent().expect("temp dir");
    let shard = |k: usize| dir.join(format!("shard-{k}.json")).display().to_string();
    for k in 1..=3 {
        ok(
            repo,
            &["replay", "--shard", &format!("{k}/3"), "-o", &shard(k)],
        );
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(shard(k)).unwrap()).unwrap();
        assert_eq!(file["type"], "replay-shard");
        assert_eq!(file["shard"]["index"], k);
    }
    let (s1, s2, s3) = (shard(1), shard(2), shard(3));
    let merged = ok(
        repo,
        &[
            "replay",
            "merge",
            &s3,
            &s1,
            &s2,
            "--format",
            "json",
            "--calibrate",
        ],
    );
    let merged: Value = serde_json::from_str(&merged).expect("json");
    assert_eq!(without_timings(merged), without_timings(whole.clone()));

    let whole_html = ok(repo, &["replay", "--format", "html"]);
    let merged_html = ok(
        repo,
        &["replay", "merge", &s2, &s3, &s1, "--format", "html"],
    );
    assert!(
        whole_html.contains("<svg id=\"review-load\""),
        "{whole_html}"
    );
    assert_eq!(merged_html, whole_html);
}

/// A missing, doubled or foreign shard, a report instead of a shard, or a tampered shard:
/// exit 2, one line naming the file or shard, and no report written.
#[test]
fn merge_refuses_shards_that_do_not_make_one_run() {
    let history = history();
    let repo = &history.repo;
    let dir = repo.path.parent().expect("temp dir");
    let path = |name: &str| dir.join(name).display().to_string();
    for k in 1..=3 {
        ok(
            repo,
            &[
                "replay",
                "--shard",
                &format!("{k}/3"),
                "-o",
                &path(&format!("s{k}.json")),
            ],
        );
    }
    ok(
        repo,
        &[
            "replay",
            "--last",
            "4",
            "--shard",
            "3/3",
            "-o",
            &path("other.json"),
        ],
    );
    ok(
        repo,
        &["replay", "--format", "json", "-o", &path("report.json")],
    );
    let tampered = std::fs::read_to_string(path("s1.json")).unwrap().replacen(
        "\"position\":0,",
        "\"position\":1,",
        1,
    );
    std::fs::write(path("tampered.json"), tampered).unwrap();

    let out = path("merged.html");
    let cases: [(&[&str], &str); 5] = [
        (&["s1.json", "s2.json"], "shard 3/3 is missing"),
        (&["s1.json", "s2.json", "s2.json"], "are both shard 2/3"),
        (
            &["s1.json", "s2.json", "other.json"],
            "other.json is a shard of a different replay",
        ),
        (
            &["report.json"],
            "report.json is not a blastgate replay shard file",
        ),
        (
            &["tampered.json", "s2.json", "s3.json"],
            "tampered.json does not cover shard 1/3",
        ),
    ];
    for (files, expected) in cases {
        let mut args = vec!["replay", "merge", "--format", "html", "-o", &out];
        let paths: Vec<String> = files.iter().map(|file| path(file)).collect();
        args.extend(paths.iter().map(String::as_str));
        let run = blastgate(repo, &args);
        assert_eq!(run.code, 2, "{files:?}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(expected), "{files:?}: {}", run.stderr);
        assert!(!std::path::Path::new(&out).exists(), "a report was written");
    }
}

/// `--shard` takes K/N with 1 <= K <= N, and writes a shard file, never a report format.
#[test]
fn shard_argument_is_checked() {
    let history = history();
    for bad in ["0/3", "4/3", "2"] {
        let run = blastgate(&history.repo, &["replay", "--shard", bad]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains("K/N"), "{bad}: {}", run.stderr);
    }
    let run = blastgate(
        &history.repo,
        &["replay", "--shard", "1/2", "--format", "html"],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let run = blastgate(
        &history.repo,
        &["replay", "--range", "HEAD", "merge", "x.json"],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("shard files and report options"),
        "{}",
        run.stderr
    );
}

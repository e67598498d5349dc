//! Waivers end to end: the policy on the base branch waives one finding of an AI-assisted
//! change; edits to the fired line, expiry and non-waivable rules are honoured and reported.

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate};

/// The line that fires `pipe-to-shell` (subject `get.example.invalid`).
const PIPE: &str = "RUN curl -fsSL https://get.example.invalid/install.sh | sh";

/// The policy's head: AI thresholds well above the finding, so only the rule decides.
const POLICY: &str =
    "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\n";

/// A rule on the piped installer with `decision` and extra keys, e.g. `waivable: true`.
fn rule(decision: &str, extra: &str) -> String {
    format!(
        "rules:\n  - id: piped-installers\n    decision: {decision}\n    signals: [pipe-to-shell]\n    \
         reason: Piped installers need a senior.{extra}\n"
    )
}

/// A waiver of `pipe-to-shell` in the Dockerfile, tied by `tie` (`symbol: …` or
/// `fingerprint: …`), expiring on `expires`.
fn waiver(tie: &str, expires: &str) -> String {
    format!(
        "waivers:\n  - finding: pipe-to-shell\n    file: Dockerfile\n    {tie}\n    \
         owner: ops@example.com\n    reason: vendor installer, checksum verified in CI\n    \
         expires: {expires}\n"
    )
}

/// `main` holds `policy`; `topic` adds a Dockerfile with [`PIPE`] in an AI-assisted commit.
fn gated(policy: &str) -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n")
        .write(".blastgate.yaml", policy);
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    dockerfile(&repo, &["FROM debian:12", "RUN apt-get update", PIPE]);
    repo
}

/// Commits `lines` as the Dockerfile, with the AI co-author trailer.
fn dockerfile(repo: &Repo, lines: &[&str]) {
    repo.write("Dockerfile", lines.join("\n") + "\n");
    repo.commit(&format!("Build image\n\n{CLAUDE_TRAILER}"));
}

/// Lands a new policy on `main`, as a waiver would be merged, and rebases `topic` onto it.
fn land_policy(repo: &Repo, policy: &str) {
    repo.git(&["checkout", "-q", "main"]);
    repo.write(".blastgate.yaml", policy);
    repo.commit("Waive the vendor installer");
    repo.git(&["checkout", "-q", "topic"]);
    repo.git(&["rebase", "-q", "main"]);
}

/// The JSON report of `main..topic` and the process's exit code.
fn check(repo: &Repo) -> (i32, Value) {
    let run = blastgate(repo, &["check", "--base", "main", "--format", "json"]);
    (run.code, run.json())
}

/// The text report of `main..topic`.
fn text(repo: &Repo) -> String {
    blastgate(repo, &["check", "--base", "main"]).stdout
}

/// The `pipe-to-shell` finding of a report.
fn pipe_finding(report: &Value) -> &Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "pipe-to-shell")
        .unwrap_or_else(|| panic!("no pipe-to-shell finding: {report}"))
}

/// Numbers of the waivers in one of the report's waiver lists.
fn listed(report: &Value, list: &str) -> Vec<u64> {
    report["waivers"][list]
        .as_array()
        .unwrap_or_else(|| panic!("no waivers.{list}: {report}"))
        .iter()
        .map(|w| w["number"].as_u64().unwrap())
        .collect()
}

/// A fingerprint copied from the report lowers the review to allow; moving the line keeps
/// the waiver, editing it ends the waiver and the review comes back.
#[test]
fn fingerprint_waiver_follows_the_fired_line() {
    let base_policy = format!("{POLICY}{}", rule("review", ""));
    let repo = gated(&base_policy);
    let (code, report) = check(&repo);
    assert_eq!((code, report["decision"].as_str()), (3, Some("review")));
    assert!(listed(&report, "applied").is_empty());
    let print = pipe_finding(&report)["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let score_before = report["score"].as_f64().unwrap();

    let tie = format!("fingerprint: \"{print}\"");
    land_policy(
        &repo,
        &format!("{base_policy}{}", waiver(&tie, "2999-12-31")),
    );
    let (code, report) = check(&repo);
    assert_eq!(
        (code, report["decision"].as_str()),
        (0, Some("allow")),
        "{report}"
    );
    let finding = pipe_finding(&report);
    assert_eq!(finding["points"], 0.0);
    assert_eq!(finding["waived_by"]["waiver"], 1);
    assert_eq!(finding["waived_by"]["owner"], "ops@example.com");
    assert_eq!(listed(&report, "applied"), [1]);
    assert!(report["score"].as_f64().unwrap() < score_before);
    assert!(report["rules"].as_array().unwrap().is_empty());
    let shown = text(&repo);
    assert!(shown.starts_with("allow"), "{shown}");
    assert!(
        shown.contains("waiver #1 waives pipe-to-shell in Dockerfile"),
        "{shown}"
    );

    // Two lines above it: same content, new line number, still waived.
    dockerfile(
        &repo,
        &[
            "# syntax=docker/dockerfile:1",
            "FROM debian:12",
            "",
            "RUN apt-get update",
            PIPE,
        ],
    );
    let (code, report) = check(&repo);
    assert_eq!(pipe_finding(&report)["line"], 5);
    assert_eq!(
        (code, report["decision"].as_str()),
        (0, Some("allow")),
        "{report}"
    );

    // The fired line itself changes: the waiver no longer matches and is listed as stale.
    let edited = PIPE.replace("install.sh", "install-v2.sh");
    dockerfile(&repo, &["FROM debian:12", "RUN apt-get update", &edited]);
    let (code, report) = check(&repo);
    assert_eq!(
        (code, report["decision"].as_str()),
        (3, Some("review")),
        "{report}"
    );
    assert!(pipe_finding(&report)["waived_by"].is_null());
    assert_eq!(listed(&report, "unmatched"), [1]);
    assert!(listed(&report, "applied").is_empty());
    let shown = text(&repo);
    assert!(
        shown.contains("waiver #1 for pipe-to-shell in Dockerfile matches nothing"),
        "{shown}"
    );
}

/// An expired waiver is listed with what it would have matched, and lifts nothing.
#[test]
fn expired_waiver_is_listed_not_applied() {
    let policy = format!(
        "{POLICY}{}{}",
        rule("review", ""),
        waiver("symbol: get.example.invalid", "2001-01-01")
    );
    let repo = gated(&policy);
    let (code, report) = check(&repo);
    assert_eq!(
        (code, report["decision"].as_str()),
        (3, Some("review")),
        "{report}"
    );
    assert!(pipe_finding(&report)["waived_by"].is_null());
    assert_eq!(listed(&report, "expired"), [1]);
    assert_eq!(report["waivers"]["expired"][0]["findings"], 1);
    assert_eq!(report["waivers"]["expired"][0]["expires"], "2001-01-01");
    assert!(listed(&report, "applied").is_empty());
    let shown = text(&repo);
    assert!(
        shown.contains("expired on 2001-01-01 and was not applied"),
        "{shown}"
    );
}

/// A block rule is not waivable by default: the finding is waived (0 points) but the rule
/// still blocks, and the report says why the waiver could not lift it.
#[test]
fn block_rule_still_blocks_a_waived_finding() {
    let policy = format!(
        "{POLICY}{}{}",
        rule("block", ""),
        waiver("symbol: get.example.invalid", "2999-12-31")
    );
    let repo = gated(&policy);
    let (code, report) = check(&repo);
    assert_eq!(
        (code, report["decision"].as_str()),
        (1, Some("block")),
        "{report}"
    );
    assert_eq!(listed(&report, "applied"), [1]);
    assert_eq!(report["rules"][0]["rule"], "piped-installers");
    assert_eq!(report["rules"][0]["unlifted_waiver"], 1);
    let reasons = report["reasons"].to_string();
    assert!(
        reasons.contains("waiver #1 cannot lift it: the rule is not `waivable`"),
        "{reasons}"
    );
}

/// A block rule marked `waivable: true` is lifted by the waiver.
#[test]
fn waivable_block_rule_is_lifted() {
    let policy = format!(
        "{POLICY}{}{}",
        rule("block", "\n    waivable: true"),
        waiver("symbol: get.example.invalid", "2999-12-31")
    );
    let repo = gated(&policy);
    let (code, report) = check(&repo);
    assert_eq!(
        (code, report["decision"].as_str()),
        (0, Some("allow")),
        "{report}"
    );
    assert!(report["rules"].as_array().unwrap().is_empty());
    assert_eq!(listed(&report, "applied"), [1]);
}

/// A waiver for another file is not listed: a change that does not touch it stays quiet.
#[test]
fn unrelated_waivers_stay_quiet() {
    let policy = format!(
        "{POLICY}{}",
        waiver("symbol: get.example.invalid", "2999-12-31")
            .replace("Dockerfile", "other/Dockerfile")
    );
    let repo = gated(POLICY);
    land_policy(&repo, &policy);
    repo.write("README.md", "# demo\n\nMore words.\n");
    repo.commit("Docs");
    let (_, report) = check(&repo);
    for list in ["applied", "expired", "unmatched"] {
        assert!(listed(&report, list).is_empty(), "{list}: {report}");
    }
    assert!(!text(&repo).contains("waiver"));
}

/// A waiver with an unknown finding id stops the gate with exit 2, naming the file, line and column.
#[test]
fn invalid_waiver_is_an_error_at_its_line() {
    let bad = waiver("symbol: get.example.invalid", "2999-12-31")
        .replace("finding: pipe-to-shell", "finding: pipe-to-shel");
    let repo = gated(&format!("{POLICY}{bad}"));
    let run = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains(".blastgate.yaml:6:14: unknown signal `pipe-to-shel`"),
        "{}",
        run.stderr
    );
}

/// In SARIF a waived finding is an externally suppressed result with the waiver's
/// justification, and the log still validates against the official schema.
#[test]
fn sarif_suppresses_waived_results() {
    let policy = format!(
        "{POLICY}{}{}",
        rule("review", ""),
        waiver("symbol: get.example.invalid", "2999-12-31")
    );
    let repo = gated(&policy);
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "sarif"]);
    let log = crate::formats::valid_sarif(&run.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "pipe-to-shell")
        .expect("the waived finding is still reported");
    assert_eq!(waived["suppressions"][0]["kind"], "external");
    let print = waived["partialFingerprints"]["blastgateContent/v1"].as_str();
    assert!(print.is_some_and(|p| p.starts_with("sha256:")), "{waived}");
    let justification = waived["suppressions"][0]["justification"].as_str().unwrap();
    assert!(
        justification.contains("waiver #1 by ops@example.com"),
        "{justification}"
    );
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] != "pipe-to-shell")
            .all(|r| r.get("suppressions").is_none())
    );
}

/// Replay judges the past as of its day: a waiver that has expired since (the fixed commit
/// dates are 2026-01-01) still applied when the commit was made, while `check` today lists
/// it as expired.
#[test]
fn replay_applies_waivers_as_of_the_commit_day() {
    let policy = format!(
        "{POLICY}{}{}",
        rule("review", ""),
        waiver("symbol: get.example.invalid", "2026-06-01")
    );
    let repo = gated(&policy);
    let (code, report) = check(&repo);
    assert_eq!(code, 3, "{report}");
    assert_eq!(listed(&report, "expired"), [1]);
    let replay = blastgate(&repo, &["replay", "--last", "1", "--format", "json"]).json();
    let judged = &replay["judged"][0];
    assert_eq!(judged["subject"], "Build image", "{replay}");
    assert_eq!(judged["decision"], "allow", "{replay}");
}

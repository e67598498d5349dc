//! The SARIF, Markdown and GitHub reports: SARIF validated against the official 2.1.0 schema
//! (a copy under `fixtures/`, so the tests run offline), and snapshots of every format.

use serde_json::Value;

use crate::snapshots::{redact, scenario};
use crate::support::{Repo, assert_valid_report, blastgate, repo_with_base, run};

const ZERO40: &str = "0000000000000000000000000000000000000000";

/// The official SARIF 2.1.0 schema (draft-04, self-contained), compiled.
fn sarif_validator() -> jsonschema::Validator {
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/schemas/sarif-schema-2.1.0.json"
    );
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("read schema"))
            .expect("schema is JSON");
    jsonschema::draft4::new(&schema).expect("schema compiles")
}

/// Validates a SARIF log against the schema copy and returns it parsed.
pub(crate) fn valid_sarif(stdout: &str) -> Value {
    let validator = sarif_validator();
    let log: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("SARIF is not JSON ({e}):\n{stdout}"));
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    log
}

/// Every result's rule is declared, and findings that have a line carry `region.startLine`.
fn assert_results_consistent(run: &Value) {
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| rule["id"].as_str().expect("rule id"))
        .collect();
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty(), "{run}");
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        assert!(rules.contains(&id), "{id} is not declared");
        let location = &result["locations"][0]["physicalLocation"];
        if location.is_object() {
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        }
    }
}

/// The multi-language scenario's SARIF validates against the official schema, declares every
/// rule its results use, and locates line-bearing findings with `region.startLine`.
#[test]
fn sarif_validates_against_the_official_schema() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    let log = valid_sarif(&result.stdout);
    let run = &log["runs"][0];
    assert_results_consistent(run);
    let dangling = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ruleId"] == "dangling-reference")
        .map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
        .collect::<Vec<_>>();
    assert_eq!(dangling, [Some(1), Some(5)], "{run}");
    assert_eq!(run["invocations"][0]["exitCode"], 3);
    assert_eq!(run["properties"]["decision"], "review");
}

/// The validator is live: a log with a level SARIF does not know is rejected, so a passing
/// validation above means something.
#[test]
fn schema_copy_rejects_invalid_sarif() {
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "blastgate" } },
            "results": [{ "ruleId": "x", "level": "fatal", "message": { "text": "m" } }],
        }],
    });
    assert!(!sarif_validator().is_valid(&bad));
}

/// `blastgate report-schema` is the contract of the JSON report: the multi-language
/// scenario's report validates (as every report the tests read does, through `Run::json`),
/// and a report with a field the schema does not name, a decision or finding id it does not
/// know, or a field missing, is rejected, so passing validation means something.
#[test]
fn json_reports_follow_the_published_schema() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    assert_valid_report(&report);

    let printed = blastgate(&repo, &["report-schema"]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let schema: Value = serde_json::from_str(&printed.stdout).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/report-schema.json"
    ))
    .expect("docs/report-schema.json");
    assert_eq!(
        printed.stdout, committed,
        "the documented schema is the printed one"
    );

    let mut extra = report.clone();
    extra["findings"][0]["severity"] = "high".into();
    let mut decision = report.clone();
    decision["decision"] = "maybe".into();
    let mut id = report.clone();
    id["findings"][0]["id"] = "no-such-finding".into();
    let mut missing = report.clone();
    missing
        .as_object_mut()
        .expect("object")
        .remove("blast_radius");
    let mut nested = report.clone();
    nested["blast_radius"]["coverage"]["surprise"] = 1.into();
    for (what, bad) in [
        ("an unknown field", extra),
        ("an unknown decision", decision),
        ("an unknown finding id", id),
        ("a missing field", missing),
        ("an unknown nested field", nested),
    ] {
        assert!(!validator.is_valid(&bad), "{what} passed the schema");
    }
}

/// Every reported finding that has a line in the JSON report has that line as
/// `region.startLine` in SARIF, in the same order.
#[test]
fn sarif_results_carry_the_json_findings_lines() {
    let repo = scenario();
    let json = blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json();
    let sarif = blastgate(&repo, &["check", "--base", "main", "--format", "sarif"]);
    let log = valid_sarif(&sarif.stdout);
    let expected: Vec<(String, Option<u64>)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["points"].as_f64() > Some(0.0))
        .map(|f| {
            (
                f["id"].as_str().expect("id").to_string(),
                f["line"].as_u64(),
            )
        })
        .collect();
    let actual: Vec<(String, Option<u64>)> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].as_str().expect("ruleId").to_string(),
                region["startLine"].as_u64(),
            )
        })
        .collect();
    assert_eq!(actual, expected);
}

/// Snapshot of the SARIF report for the multi-language scenario.
#[test]
fn sarif_report_for_multi_language_change() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// Snapshot of the GitHub workflow commands for the multi-language scenario.
#[test]
fn github_report_for_multi_language_change() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "github"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// Snapshot of the Markdown report for the multi-language scenario.
#[test]
fn markdown_report_for_multi_language_change() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "markdown"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// A benign allowed change is a single notice line in the GitHub format, nothing else.
#[test]
fn github_report_for_benign_change_is_one_notice() {
    let repo = repo_with_base();
    repo.write("docs/guide.md", "# Guide\n\nA typo fixed.\n");
    repo.commit("Fix a typo");
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "github"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert_eq!(result.stdout.lines().count(), 1, "{}", result.stdout);
    assert!(result.stdout.starts_with("::notice::"), "{}", result.stdout);
    insta::assert_snapshot!(result.stdout);
}

/// A pre-push run with `--format sarif` validates too: one run per judged ref.
#[test]
fn pre_push_sarif_validates() {
    let repo = scenario();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    repo.git(&["remote", "add", "origin", &url]);
    repo.git(&["push", "-q", "origin", "main"]);
    let head = repo.git(&["rev-parse", "HEAD"]);
    let result = run(
        repo.blastgate(&["pre-push", "origin", &url, "--format", "sarif"]),
        Some(&format!(
            "refs/heads/change {} refs/heads/change {ZERO40}\n",
            head.trim()
        )),
    );
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    let log = valid_sarif(&result.stdout);
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{log}");
    assert_results_consistent(&runs[0]);
    assert_eq!(runs[0]["properties"]["remoteRef"], "refs/heads/change");
}

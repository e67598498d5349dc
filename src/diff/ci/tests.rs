//! Table-driven checks of what each platform's variables and payloads yield.

use std::collections::HashMap;

use super::*;

fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    move |key| map.get(key).cloned()
}

const BASE: &str = "1111111111111111111111111111111111111111";
const HEAD: &str = "2222222222222222222222222222222222222222";

/// Runs `detect` for a GitHub `event` whose payload is `payload`.
fn github_with(event: &str, payload: &str) -> Result<Option<Ci>, Error> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("event.json");
    std::fs::write(&path, payload).expect("write payload");
    let path_text = path.to_string_lossy().into_owned();
    let env = env_of(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", event),
        ("GITHUB_EVENT_PATH", &path_text),
        ("GITHUB_SHA", "3333333333333333333333333333333333333333"),
    ]);
    detect(&env)
}

/// Every request-like event yields base, head and number from the payload.
#[test]
fn github_events_name_base_head_and_number() {
    let pull = format!(
        r#"{{"pull_request": {{"number": 42, "base": {{"sha": "{BASE}"}}, "head": {{"sha": "{HEAD}"}}}}}}"#
    );
    let queue = format!(
        r#"{{"merge_group": {{"base_sha": "{BASE}", "head_sha": "{HEAD}", "head_ref": "refs/heads/gh-readonly-queue/main/pr-42-{HEAD}"}}}}"#
    );
    let cases = [
        ("pull_request", pull.as_str()),
        ("pull_request_target", &pull),
        ("pull_request_review", &pull),
        ("pull_request_review_comment", &pull),
        ("merge_group", &queue),
    ];
    for (event, payload) in cases {
        let ci = github_with(event, payload)
            .unwrap_or_else(|e| panic!("{event}: {e}"))
            .expect("on GitHub");
        assert_eq!(ci.run.pull_request, Some(42), "{event}");
        assert_eq!(ci.base.map(|b| b.spec).as_deref(), Some(BASE), "{event}");
        assert_eq!(ci.head.map(|h| h.spec).as_deref(), Some(HEAD), "{event}");
    }
}

/// A push names before/after; a new branch's zero `before` leaves the base to the repository.
#[test]
fn github_push_before_and_after() {
    let ci = github_with(
        "push",
        &format!(r#"{{"before": "{BASE}", "after": "{HEAD}"}}"#),
    )
    .expect("valid")
    .expect("on GitHub");
    assert_eq!(ci.base.map(|b| b.spec).as_deref(), Some(BASE));
    assert_eq!(ci.head.map(|h| h.spec).as_deref(), Some(HEAD));
    assert_eq!(ci.run.pull_request, None);
    let zero = "0".repeat(40);
    let ci = github_with(
        "push",
        &format!(r#"{{"before": "{zero}", "after": "{HEAD}"}}"#),
    )
    .expect("valid")
    .expect("on GitHub");
    assert_eq!(ci.base, None);
}

/// Payloads that cannot be trusted are errors, never a fallback.
#[test]
fn github_bad_payloads_are_errors() {
    let cases = [
        ("pull_request", "{not json"),
        ("pull_request", "[1, 2]"),
        (
            "pull_request",
            r#"{"pull_request": {"base": {"sha": "abc"}}}"#,
        ),
        (
            "pull_request",
            &format!(r#"{{"pull_request": {{"number": "x", "base": {{"sha": "{BASE}"}}}}}}"#),
        ),
        ("pull_request", r#"{"pull_request": {"number": 3}}"#),
        ("merge_group", r#"{"merge_group": {}}"#),
    ];
    for (event, payload) in cases {
        assert!(
            matches!(github_with(event, payload), Err(Error::CiPayload { .. })),
            "{event} {payload}"
        );
    }
}

/// A request event without its payload file is an error; other events do without one.
#[test]
fn github_payload_required_for_requests() {
    let env = env_of(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
    ]);
    assert!(matches!(detect(&env), Err(Error::CiPayload { .. })));
    let env = env_of(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("GITHUB_BASE_REF", "main"),
    ]);
    let ci = detect(&env).expect("no payload needed").expect("on GitHub");
    assert_eq!(ci.base.map(|b| b.spec).as_deref(), Some("origin/main"));
}

/// Variables, then the base and request number they should yield.
type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>, Option<u64>);

/// GitLab: diff base, then the previous tip, then the target branch; IID and commit sha.
#[test]
fn gitlab_variables() {
    let zero = "0".repeat(40);
    let cases: [Case<'_>; 3] = [
        (
            &[
                ("CI_MERGE_REQUEST_DIFF_BASE_SHA", BASE),
                ("CI_COMMIT_BEFORE_SHA", &zero),
                ("CI_MERGE_REQUEST_IID", "9"),
            ],
            Some(BASE),
            Some(9),
        ),
        (&[("CI_COMMIT_BEFORE_SHA", BASE)], Some(BASE), None),
        (
            &[
                ("CI_COMMIT_BEFORE_SHA", &zero),
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
                ("CI_MERGE_REQUEST_IID", "5"),
            ],
            Some("origin/main"),
            Some(5),
        ),
    ];
    for (vars, base, number) in cases {
        let mut all = vec![("GITLAB_CI", "true"), ("CI_COMMIT_SHA", HEAD)];
        all.extend_from_slice(vars);
        let ci = detect(&env_of(&all)).expect("valid").expect("on GitLab");
        assert_eq!(ci.base.map(|b| b.spec).as_deref(), base, "{vars:?}");
        assert_eq!(ci.run.pull_request, number, "{vars:?}");
        assert_eq!(ci.head.map(|h| h.spec).as_deref(), Some(HEAD));
    }
}

/// Outside CI nothing is detected.
#[test]
fn no_ci_no_detection() {
    assert_eq!(detect(&env_of(&[])).expect("nothing to read"), None);
}

/// A request's title and body are kept for provenance (null body: title only; blank: none);
/// a title or body that is not text is a payload the gate does not understand.
#[test]
fn request_title_and_body() {
    let pull = |title: &str, body: &str| {
        format!(
            r#"{{"pull_request": {{"number": 4, "title": {title}, "body": {body}, "base": {{"sha": "{BASE}"}}, "head": {{"sha": "{HEAD}"}}}}}}"#
        )
    };
    let ci = github_with("pull_request", &pull(r#""Fix it""#, r#""Made by\nJules""#))
        .expect("valid")
        .expect("on GitHub");
    let text = ci.run.text.expect("title and body");
    assert_eq!(text.title.as_deref(), Some("Fix it"));
    assert_eq!(text.body.as_deref(), Some("Made by\nJules"));
    let ci = github_with("pull_request", &pull(r#""Fix it""#, "null"))
        .expect("valid")
        .expect("on GitHub");
    assert_eq!(ci.run.text.and_then(|t| t.body), None);
    let ci = github_with("pull_request", &pull(r#"" ""#, r#""""#))
        .expect("valid")
        .expect("on GitHub");
    assert_eq!(ci.run.text, None);
    for (title, body) in [("7", r#""b""#), (r#""t""#, r#"{"x": 1}"#)] {
        assert!(
            matches!(
                github_with("pull_request", &pull(title, body)),
                Err(Error::CiPayload { .. })
            ),
            "{title} {body}"
        );
    }
    let all = [
        ("GITLAB_CI", "true"),
        ("CI_MERGE_REQUEST_IID", "3"),
        ("CI_MERGE_REQUEST_TITLE", "Draft: tidy"),
        ("CI_MERGE_REQUEST_DESCRIPTION", "Generated with Codex"),
    ];
    let ci = detect(&env_of(&all)).expect("valid").expect("on GitLab");
    let text = ci.run.text.expect("title and description");
    assert_eq!(
        (text.title.as_deref(), text.body.as_deref()),
        (Some("Draft: tidy"), Some("Generated with Codex"))
    );
}

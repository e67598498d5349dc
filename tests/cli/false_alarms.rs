//! Issue 13's false alarms, end to end: placeholder and marked keys are `secret-like-test-data`,
//! not the hard block, a real-shaped key in test code needs review, while a real-format key in
//! application code still blocks; a base image
//! moved to a new digest or patch release is `base-image-bumped`, while a new minor, image or
//! registry stays `base-image-changed`.

use crate::server::{push, server_and_clone, server_has};
use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of, run};

/// A private key whose body is 1600 characters of base64 from a fixed pseudo-random sequence,
/// in 64-character lines: the shape of a real key, built at run time so this file holds none.
fn key_shaped_pem() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let body: Vec<u8> = (0..1600)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ALPHABET[usize::try_from(state >> 58).expect("6 bits")]
        })
        .collect();
    let lines: Vec<&str> = body
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

const DOTTED_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n...\n-----END PRIVATE KEY-----\n";

/// The findings with `id` as (file, message).
fn findings(report: &serde_json::Value, id: &str) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == id)
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_string();
            (text("file"), text("message"))
        })
        .collect()
}

/// `main` holds `base`; a commit on `topic` (AI-assisted when `ai`) writes `change`; the
/// exit code and JSON report of `check --base main`.
fn judge(base: &[(&str, &str)], change: &[(&str, &str)], ai: bool) -> (i32, serde_json::Value) {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    for (path, content) in base {
        repo.write(path, content);
    }
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for (path, content) in change {
        repo.write(path, content);
    }
    repo.commit(&if ai {
        format!("Change\n\n{CLAUDE_TRAILER}\n")
    } else {
        "Change".to_string()
    });
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    (result.code, result.json())
}

/// A dotted key in the docs, the AWS example key id and a `dummy` Slack token, in an
/// AI-assisted change: three `secret-like-test-data` findings, each saying why, no
/// `secret-added`, no rule; the change is allowed.
#[test]
fn placeholder_and_marked_keys_are_test_data() {
    let slack = format!("xoxb-dummy-{}", "0987654321-q8Vn3XkL0pZr7TtY");
    let env = format!("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nSLACK_TOKEN={slack}\n");
    let docs = format!("# TLS\n\nPut the key in `tls.key`:\n\n```\n{DOTTED_KEY}```\n");
    let (code, report) = judge(
        &[("src/app.py", "print('hi')\n")],
        &[("docs/tls.md", &docs), ("config/.env.example", &env)],
        true,
    );
    assert_eq!(code, 0, "{report}");
    assert!(findings(&report, "secret-added").is_empty(), "{report}");
    assert!(
        findings(&report, "secret-in-test-code").is_empty(),
        "{report}"
    );
    assert_eq!(report["rules"], serde_json::json!([]), "{report}");
    let found = findings(&report, "secret-like-test-data");
    let why = |file: &str, phrase: &str| {
        assert!(
            found.iter().any(|(f, m)| f == file && m.contains(phrase)),
            "{file}: {phrase} not in {found:?}"
        );
    };
    why("docs/tls.md", "body is elided");
    why(
        "config/.env.example",
        "published as a documentation example",
    );
    why("config/.env.example", "marked `dummy`");
    assert_eq!(found.len(), 3, "{found:?}");
}

/// The rules a report's decision cites, by id.
fn rule_ids(report: &serde_json::Value) -> Vec<String> {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| rule["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A real-shaped GitHub token in a secret scanner's own Go test, in a `test_data/` file and a
/// real-shaped key under `tests/fixtures/` are `secret-in-test-code`: not blocked, but sent to
/// review by a hard rule, for a human change too; the same token in application code blocks.
#[test]
fn real_shaped_credentials_in_test_code_need_review_and_in_app_code_block() {
    let token = format!("ghp_{}", "q8Vn3XkL0pZr7TtY2mWc5HbJ9sDf4GaE1uRi");
    let go_test = format!("package detect\n\nconst sample = \"{token}\"\n");
    let data = format!("{{\"leak\": \"{token}\"}}\n");
    for ai in [true, false] {
        let (code, report) = judge(
            &[("README.md", "# demo\n")],
            &[
                ("detect/detect_test.go", &go_test),
                ("test_data/leak_repo.json", &data),
                ("tests/fixtures/tls/server.key", &key_shaped_pem()),
            ],
            ai,
        );
        assert_eq!(code, 3, "ai {ai}: {report}");
        assert_eq!(rule_ids(&report), ["secrets-in-test-code-need-review"]);
        assert!(findings(&report, "secret-added").is_empty(), "{report}");
        assert!(
            findings(&report, "secret-like-test-data").is_empty(),
            "{report}"
        );
        let found = findings(&report, "secret-in-test-code");
        let why = |file: &str, phrase: &str| {
            assert!(
                found.iter().any(|(f, m)| f == file && m.contains(phrase)),
                "{file}: {phrase} not in {found:?}"
            );
        };
        why("detect/detect_test.go", "in a test file (`_test.go`)");
        why("test_data/leak_repo.json", "`test_data/` test directory");
        why("tests/fixtures/tls/server.key", "`tests/` test directory");
        assert_eq!(found.len(), 3, "{found:?}");
    }

    let app = format!("package detect\n\nconst token = \"{token}\"\n");
    let (code, report) = judge(
        &[("README.md", "# demo\n")],
        &[("detect/detect.go", &app)],
        false,
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(findings(&report, "secret-added").len(), 1, "{report}");
}

/// The way around the secrets block this closes: a token committed in `config.go` blocks;
/// the same file written as `config_test.go` or under `tests/` does not pass as test data, it
/// needs a senior's sign-off.
#[test]
fn renaming_a_file_like_a_test_does_not_lift_the_secrets_block() {
    let token = format!("ghp_{}", "q8Vn3XkL0pZr7TtY2mWc5HbJ9sDf4GaE1uRi");
    let config = format!("package config\n\nconst Token = \"{token}\"\n");
    let (code, report) = judge(&[], &[("config/config.go", &config)], true);
    assert_eq!(code, 1, "{report}");
    assert_eq!(rule_ids(&report), ["secrets-block"]);
    for disguise in ["config/config_test.go", "tests/config.go"] {
        let (code, report) = judge(&[], &[(disguise, &config)], true);
        assert_eq!(code, 3, "{disguise}: {report}");
        assert_eq!(
            rule_ids(&report),
            ["secrets-in-test-code-need-review"],
            "{disguise}"
        );
    }
}

/// Through a real server: a real-shaped key under `tests/fixtures/` waits for a senior's
/// sign-off, a dotted one passes, the same key in application code is rejected by the hard
/// rule (`secret-added`, `secrets-block`), and nothing on the server moves but the accepted
/// push.
#[test]
fn real_key_in_app_code_is_rejected_at_push_and_a_fixture_key_waits_for_sign_off() {
    let (server, work) = server_and_clone();
    let start = server_has(&server, "main");
    let pem = key_shaped_pem();
    work.write("tests/fixtures/tls/server.key", &pem);
    work.commit("TLS test fixture");
    let (pushed, said) = push(&work, &["main"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("secret-in-test-code") && said.contains("secrets-in-test-code-need-review"),
        "{said}"
    );
    assert!(!said.contains(&pem[40..60]), "the key is printed: {said}");
    assert_eq!(server_has(&server, "main"), start);

    work.git(&["reset", "-q", "--hard", "HEAD~1"]);
    work.write("tests/fixtures/tls/server.key", DOTTED_KEY);
    let tip = work.commit("TLS test fixture, elided");
    let (pushed, said) = push(&work, &["main"]);
    assert!(pushed, "{said}");
    assert_eq!(server_has(&server, "main"), Some(tip.clone()));

    work.write("deploy/tls/server.key", &pem);
    work.commit("Ship the TLS key");
    let (pushed, said) = push(&work, &["main"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("secret-added") && said.contains("secrets-block"),
        "{said}"
    );
    assert!(!said.contains(&pem[40..60]), "the key is printed: {said}");
    assert_eq!(server_has(&server, "main"), Some(tip));

    let result = blastgate(
        &work,
        &["check", "--base", "origin/main", "--format", "json"],
    );
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    assert_eq!(
        findings(&report, "secret-added")
            .into_iter()
            .map(|(file, _)| file)
            .collect::<Vec<_>>(),
        ["deploy/tls/server.key"]
    );
}

/// Diff text judged without its repository reads the key body from the hunk: a dotted key is
/// test data (allowed), a real-shaped one blocks.
#[test]
fn diff_text_reads_the_key_body_from_the_hunk() {
    let diff = |pem: &str| {
        let added = pem.replace('\n', "\n+");
        let added = format!("+{}", added.trim_end_matches('+'));
        format!(
            "diff --git a/app/key.pem b/app/key.pem\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/app/key.pem\n@@ -0,0 +1,{} @@\n{added}",
            pem.lines().count()
        )
    };
    let outside = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    let judge = |pem: &str| {
        let mut command = repo.blastgate(&["check", "--diff", "-", "--format", "json"]);
        command.current_dir(outside.path());
        run(command, Some(&diff(pem)))
    };
    let dotted = judge(DOTTED_KEY);
    assert_eq!(dotted.code, 0, "{}{}", dotted.stdout, dotted.stderr);
    let ids = field_of(&dotted.json(), "findings", "id");
    assert!(
        ids.contains(&"secret-like-test-data".to_string()),
        "{ids:?}"
    );
    assert!(!ids.contains(&"secret-added".to_string()), "{ids:?}");

    let real = judge(&key_shaped_pem());
    assert_eq!(real.code, 1, "{}{}", real.stdout, real.stderr);
    let ids = field_of(&real.json(), "findings", "id");
    assert!(ids.contains(&"secret-added".to_string()), "{ids:?}");
}

/// A base policy that sends every base image change to review, so the exit code tells a
/// mechanical bump (0) from a change (3).
const BASE_IMAGE_REVIEW: &str = "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\nrules:\n  - id: base-images-need-review\n    decision: review\n    signals: [base-image-changed]\n    reason: A new base image changes everything built on it.\n";

const DIGEST_A: &str = "sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30";
const DIGEST_B: &str = "sha256:9a0f6a1e1d2f5b8e3c4d7a6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";

/// A Dockerfile from `from` moved to `to`, by a human, under [`BASE_IMAGE_REVIEW`]: the exit
/// code and the base image findings' ids.
fn bump(from: &str, to: &str) -> (i32, Vec<String>) {
    let dockerfile = |image: &str| {
        format!(
            "FROM {image}\nWORKDIR /app\nCOPY . .\nUSER app\nCMD [\"python\", \"-m\", \"app\"]\n"
        )
    };
    let (code, report) = judge(
        &[
            (".blastgate.yaml", BASE_IMAGE_REVIEW),
            ("Dockerfile", &dockerfile(from)),
        ],
        &[("Dockerfile", &dockerfile(to))],
        false,
    );
    let ids = field_of(&report, "findings", "id")
        .into_iter()
        .filter(|id| id.starts_with("base-image"))
        .collect();
    (code, ids)
}

/// Patch and digest-only bumps are one `base-image-bumped` fact and allowed; a new minor, a
/// new image and a new registry are `base-image-changed` and go to review.
#[test]
fn base_image_patch_and_digest_bumps_are_mechanical() {
    let digest = |tag: &str, d: &str| format!("python:{tag}@{d}");
    let cases = [
        (
            "python:3.12.1".to_string(),
            "python:3.12.2".to_string(),
            0,
            "base-image-bumped",
        ),
        (
            digest("3.12-slim", DIGEST_A),
            digest("3.12-slim", DIGEST_B),
            0,
            "base-image-bumped",
        ),
        (
            "python:3.12".into(),
            "python:3.13".into(),
            3,
            "base-image-changed",
        ),
        (
            "python:3.12.1".into(),
            "python:3.13.0".into(),
            3,
            "base-image-changed",
        ),
        (
            "python:3.12.1".into(),
            "pypy:3.12.2".into(),
            3,
            "base-image-changed",
        ),
        (
            "python:3.12.1".into(),
            "ghcr.io/acme/python:3.12.2".into(),
            3,
            "base-image-changed",
        ),
    ];
    for (from, to, code, id) in cases {
        assert_eq!(
            bump(&from, &to),
            (code, vec![id.to_string()]),
            "{from} → {to}"
        );
    }
}

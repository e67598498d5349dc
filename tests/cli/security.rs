//! Security-sensitive code end to end: the issue's examples as AI-assisted commits (sent to
//! review by `security-sensitive-needs-review-when-ai`) and as human commits (allowed, with
//! the fact still in the report).

use crate::snapshots::redact;
use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

/// One case: files on `main`, then the same files changed on a branch.
struct Case<'a> {
    base: &'a [(&'a str, &'a str)],
    change: &'a [(&'a str, Option<&'a str>)],
}

/// Builds the case, commits the change as AI-assisted (Claude Code trailer) or human
/// (declared not AI-assisted), runs `check` and returns the exit code and the JSON report.
fn judge(case: &Case<'_>, ai: bool) -> (i32, serde_json::Value) {
    let repo = Repo::new();
    repo.write("README.md", "# service\n");
    for (path, content) in case.base {
        repo.write(path, content);
    }
    repo.commit("Service");
    repo.git(&["checkout", "-q", "-b", "change"]);
    for (path, content) in case.change {
        match content {
            Some(content) => repo.write(path, content),
            None => repo.remove(path),
        };
    }
    let message = if ai {
        format!("Update the service\n\n{CLAUDE_TRAILER}\n")
    } else {
        "Update the service\n".to_string()
    };
    repo.commit(&message);
    // Silence is "unknown", not "human" (every tool can turn attribution off): the human
    // case declares itself, as a team's hook or CI does.
    let declared = if ai { "yes" } else { "no" };
    let result = blastgate(
        &repo,
        &[
            "check",
            "--base",
            "main",
            "--format",
            "json",
            "--ai-assisted",
            declared,
        ],
    );
    (result.code, result.json())
}

/// Asserts the AI-assisted version needs review and the human one is allowed, both with a
/// `security-sensitive-change` whose subject starts with `subject`.
fn assert_gated(case: &Case<'_>, subject: &str) {
    for (ai, expected) in [(true, 3), (false, 0)] {
        let (code, report) = judge(case, ai);
        assert_eq!(code, expected, "ai={ai}: {report}");
        let findings = report["findings"].as_array().expect("findings");
        assert!(
            findings.iter().any(|finding| {
                finding["id"] == "security-sensitive-change"
                    && finding["subject"]
                        .as_str()
                        .is_some_and(|s| s.starts_with(subject))
            }),
            "ai={ai}: no security-sensitive-change on {subject}: {}",
            report["findings"]
        );
        let rules = field_of(&report, "rules", "rule");
        assert_eq!(
            rules.contains(&"security-sensitive-needs-review-when-ai".to_string()),
            ai,
            "ai={ai}: {rules:?}"
        );
    }
}

const KDF_AFTER: &str = r#"import hashlib


def derive_key(master_secret, salt):
    return hashlib.pbkdf2_hmac("sha256", master_secret, salt, 100_000)
"#;

/// An encryption key derived from another secret (PBKDF2 over the master secret).
#[test]
fn key_derived_from_another_secret() {
    assert_gated(
        &Case {
            base: &[(
                "app/keys.py",
                "def derive_key(master_secret, salt):\n    return master_secret\n",
            )],
            change: &[("app/keys.py", Some(KDF_AFTER))],
        },
        "key-derivation:derive_key",
    );
}

const OAUTH_AFTER: &str = r#"from requests_oauthlib import OAuth2Session


def connect(client_id, redirect_response):
    session = OAuth2Session(client_id)
    token = session.fetch_token(TOKEN_URL, authorization_response=redirect_response)
    with open("credentials.txt", "w") as handle:
        handle.write(token["access_token"])
    return session
"#;

/// An OAuth-obtained API key written to a plaintext file.
#[test]
fn oauth_token_written_to_a_plaintext_file() {
    assert_gated(
        &Case {
            base: &[(
                "app/connect.py",
                "def connect(client_id, redirect_response):\n    return None\n",
            )],
            change: &[("app/connect.py", Some(OAUTH_AFTER))],
        },
        "secret-stored:connect",
    );
}

/// `chmod -R 777` on a directory in a Dockerfile.
#[test]
fn dockerfile_chmod_777() {
    assert_gated(
        &Case {
            base: &[(
                "Dockerfile",
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nUSER app\n",
            )],
            change: &[(
                "Dockerfile",
                Some(
                    "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN chmod -R 777 /app\nUSER app\n",
                ),
            )],
        },
        "permissive-file-mode",
    );
}

/// An API key moved out of the source into a committed `.env`.
#[test]
fn api_key_moved_from_source_to_dotenv() {
    assert_gated(
        &Case {
            base: &[(
                "app/client.py",
                "API_KEY = \"k3y-live-0123456789abcdef\"\n\n\ndef headers():\n    return {\"Authorization\": API_KEY}\n",
            )],
            change: &[
                (
                    "app/client.py",
                    Some(
                        "import os\n\nAPI_KEY = os.environ[\"API_KEY\"]\n\n\ndef headers():\n    return {\"Authorization\": API_KEY}\n",
                    ),
                ),
                (".env", Some("API_KEY=k3y-live-0123456789abcdef\n")),
            ],
        },
        "hardcoded-secret",
    );
}

const VERIFY_BEFORE: &str = "import hmac\n\n\ndef verify_client_secret(client, presented):\n    return hmac.compare_digest(client.secret, presented)\n";

/// The comparison of client secrets changed inside `verify_client_secret`: from a
/// constant-time compare to `==`.
#[test]
fn client_secret_comparison_changed() {
    assert_gated(
        &Case {
            base: &[("app/clients.py", VERIFY_BEFORE)],
            change: &[(
                "app/clients.py",
                Some(
                    "def verify_client_secret(client, presented):\n    return client.secret == presented\n",
                ),
            )],
        },
        "secret-comparison:verify_client_secret",
    );
}

/// A change elsewhere in `verify_client_secret` (an early accept) counts even though the
/// compare line itself is unchanged.
#[test]
fn change_around_an_unchanged_constant_time_compare() {
    assert_gated(
        &Case {
            base: &[("app/clients.py", VERIFY_BEFORE)],
            change: &[(
                "app/clients.py",
                Some(
                    "import hmac\n\n\ndef verify_client_secret(client, presented):\n    if client.internal:\n        return True\n    return hmac.compare_digest(client.secret, presented)\n",
                ),
            )],
        },
        "constant-time-comparison:verify_client_secret",
    );
}

/// A security construct added in each of the eight languages is gated when AI-assisted.
#[test]
fn a_construct_in_each_language() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "svc/tls.py",
            "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n",
            "tls-verification-off:fetch",
        ),
        (
            "web/tls.js",
            "function agent() {\n  return new https.Agent({ rejectUnauthorized: false });\n}\n",
            "tls-verification-off:agent",
        ),
        (
            "web/tls.ts",
            "export function agent() {\n  return new https.Agent({ rejectUnauthorized: false });\n}\n",
            "tls-verification-off:agent",
        ),
        (
            "svc/tls.go",
            "package svc\n\nfunc Config() *tls.Config {\n\treturn &tls.Config{InsecureSkipVerify: true}\n}\n",
            "tls-verification-off:Config",
        ),
        (
            "svc/Vault.java",
            "class Vault {\n    Object read(InputStream in) throws Exception {\n        return new ObjectInputStream(in).readObject();\n    }\n}\n",
            "unsafe-deserialisation:Vault.read",
        ),
        (
            "svc/vault.rb",
            "class Vault\n  def restore(blob)\n    Marshal.load(blob)\n  end\nend\n",
            "unsafe-deserialisation:Vault.restore",
        ),
        (
            "src/net.rs",
            "fn client() -> reqwest::ClientBuilder {\n    reqwest::Client::builder().danger_accept_invalid_certs(true)\n}\n",
            "tls-verification-off:client",
        ),
        (
            "svc/Vault.cs",
            "public class Vault\n{\n    public object Read(Stream s) { return new BinaryFormatter().Deserialize(s); }\n}\n",
            "unsafe-deserialisation:Vault.Read",
        ),
        (
            "svc/vault.php",
            "<?php\nfunction restore($blob) {\n    return unserialize($blob);\n}\n",
            "unsafe-deserialisation:restore",
        ),
    ];
    for (path, content, subject) in cases {
        let change = [(*path, Some(*content))];
        let (code, report) = judge(
            &Case {
                base: &[],
                change: &change,
            },
            true,
        );
        assert_eq!(code, 3, "{path}: {report}");
        let subjects = field_of(&report, "findings", "subject");
        assert!(
            subjects.iter().any(|s| s == subject),
            "{path}: {subjects:?}"
        );
    }
}

/// A rule engine that starts evaluating its rules as code needs review when AI-assisted; the
/// same change calling a model's `eval()` method instead is allowed, with no construct.
#[test]
fn code_evaluated_from_a_string() {
    let before = "def apply(rule, row):\n    return rule.check(row)\n";
    assert_gated(
        &Case {
            base: &[("app/rules.py", before)],
            change: &[(
                "app/rules.py",
                Some("def apply(rule, row):\n    return eval(rule.expression, {\"row\": row})\n"),
            )],
        },
        "dynamic-code-execution:apply",
    );
    let (code, report) = judge(
        &Case {
            base: &[("app/rules.py", before)],
            change: &[(
                "app/rules.py",
                Some("def apply(rule, row):\n    rule.model.eval()\n    return rule.check(row)\n"),
            )],
        },
        true,
    );
    assert_eq!(code, 0, "{report}");
    let ids = field_of(&report, "findings", "id");
    assert!(
        !ids.contains(&"security-sensitive-change".to_string()),
        "{ids:?}"
    );
}

/// A call reached under another name is gated as the call: a name imported as itself, a
/// name assigned the function below its use, and a lookup by string. All three were allowed.
#[test]
fn construct_called_under_another_name() {
    let before = "def restore(blob):\n    return blob\n";
    for (after, subject) in [
        (
            "from pickle import loads\n\n\ndef restore(blob):\n    return loads(blob)\n",
            "unsafe-deserialisation:restore",
        ),
        (
            "import pickle\n\n\ndef restore(blob):\n    return decode(blob)\n\n\ndecode = pickle.loads\n",
            "unsafe-deserialisation:restore",
        ),
        (
            "import subprocess\n\n\ndef restore(blob):\n    return getattr(subprocess, \"run\")(f\"tar xzf {blob}\", shell=True)\n",
            "shell-interpolation:restore",
        ),
    ] {
        assert_gated(
            &Case {
                base: &[("app/backup.py", before)],
                change: &[("app/backup.py", Some(after))],
            },
            subject,
        );
    }
}

/// Making a Go shell interpreter lenient (an unset variable expands to nothing instead of
/// failing) edits the function around an unchanged `interp.New`: the runner executes text,
/// so an AI-assisted edit there needs review (charmbracelet/crush 83945ff).
#[test]
fn shell_interpreter_made_lenient() {
    let before = "package shell\n\nimport \"mvdan.cc/sh/v3/interp\"\n\nfunc Runner() (*interp.Runner, error) {\n\treturn interp.New(interp.Params(\"-u\"))\n}\n";
    let after = "package shell\n\nimport \"mvdan.cc/sh/v3/interp\"\n\nvar Strict bool\n\nfunc Runner() (*interp.Runner, error) {\n\tif Strict {\n\t\treturn interp.New(interp.Params(\"-u\"))\n\t}\n\treturn interp.New()\n}\n";
    assert_gated(
        &Case {
            base: &[("internal/shell/run.go", before)],
            change: &[("internal/shell/run.go", Some(after))],
        },
        "dynamic-code-execution:Runner",
    );
}

/// Silencing a browser's CORS error by allowing every origin needs review when AI-assisted.
#[test]
fn cors_opened_to_every_origin() {
    assert_gated(
        &Case {
            base: &[(
                "src/server.js",
                "const express = require('express');\n\nfunction start(app) {\n  app.listen(3000);\n}\n",
            )],
            change: &[(
                "src/server.js",
                Some(
                    "const express = require('express');\nconst cors = require('cors');\n\nfunction start(app) {\n  app.use(cors());\n  app.listen(3000);\n}\n",
                ),
            )],
        },
        "cors-any-origin:start",
    );
}

/// A reformat of security code (whitespace, a comment, a trailing comma) fires nothing.
#[test]
fn reformatted_security_code_is_not_a_finding() {
    let (_, report) = judge(
        &Case {
            base: &[("app/clients.py", VERIFY_BEFORE)],
            change: &[(
                "app/clients.py",
                Some(
                    "import hmac\n\n\ndef verify_client_secret(client, presented):\n    # constant time\n    return hmac.compare_digest(\n        client.secret,\n        presented,\n    )\n",
                ),
            )],
        },
        true,
    );
    let ids = field_of(&report, "findings", "id");
    assert!(
        !ids.contains(&"security-sensitive-change".to_string()),
        "{ids:?}"
    );
}

/// The text report of a security-sensitive AI change: the construct, why it matters, the
/// rule that sent it to review.
#[test]
fn text_report_for_security_sensitive_ai_change() {
    let repo = Repo::new();
    repo.write("app/clients.py", VERIFY_BEFORE);
    repo.commit("Clients");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write(
        "app/clients.py",
        "def verify_client_secret(client, presented):\n    return client.secret == presented\n",
    );
    repo.commit(&format!("Simplify the client check\n\n{CLAUDE_TRAILER}\n"));
    let result = blastgate(&repo, &["check", "--base", "main", "--color", "never"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// A unified diff judged without its repository: the added lines are read as a snippet, the
/// construct is still found, and coverage says the file was read line by line.
#[test]
fn diff_text_without_repository_reads_the_changed_lines() {
    let diff = "diff --git a/app/net.py b/app/net.py\nindex 1111111..2222222 100644\n--- a/app/net.py\n+++ b/app/net.py\n@@ -1,2 +1,2 @@\n def fetch(url):\n-    return requests.get(url)\n+    return requests.get(url, verify=False)\n";
    let outside = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    let mut command = repo.blastgate(&[
        "check",
        "--diff",
        "-",
        "--ai-assisted",
        "yes",
        "--format",
        "json",
    ]);
    command.current_dir(outside.path());
    let result = crate::support::run(command, Some(diff));
    let report = result.json();
    let findings = report["findings"].as_array().expect("findings");
    let finding = findings
        .iter()
        .find(|f| f["id"] == "security-sensitive-change")
        .unwrap_or_else(|| panic!("no security finding: {}", report["findings"]));
    assert_eq!(finding["subject"], "tls-verification-off");
    assert_eq!(finding["line"], 2);
    let line_level = report["blast_radius"]["coverage"]["line_level"]
        .as_array()
        .expect("line_level");
    assert!(
        line_level
            .iter()
            .any(|entry| entry["file"] == "app/net.py" && entry["analyzer"] == "security"),
        "{line_level:?}"
    );
    assert_eq!(result.code, 3, "{}", result.stderr);
}

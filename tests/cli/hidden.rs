//! Content cannot be hidden (issue 12): NUL bytes, `binary`/`-diff` attributes, very long lines
//! and corrupt objects never turn a block into an allow, and bad repositories or output paths
//! fail with a message that says what is wrong.

use std::path::Path;
use std::time::Duration;

use crate::support::{Repo, Run, blastgate, field_of};

const CLAUDE: (&str, &str) = ("Claude", "noreply@anthropic.com");

const INFRA: &str = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";

/// What is left of `INFRA` once the database is gone.
const BUCKET_ONLY: &str = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";

/// A repository whose `main` holds the database and the bucket, on branch `topic`.
fn infra_repo() -> Repo {
    let repo = Repo::new();
    repo.write("infra/main.tf", INFRA);
    repo.commit("Infra");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo
}

fn check(repo: &Repo) -> Run {
    blastgate(repo, &["check", "--base", "main", "--format", "json"])
}

fn ids(result: &Run) -> Vec<String> {
    field_of(&result.json(), "findings", "id")
}

fn assert_finding(result: &Run, code: i32, id: &str) {
    assert_eq!(result.code, code, "{}{}", result.stdout, result.stderr);
    assert!(ids(result).contains(&id.to_string()), "{}", result.stdout);
}

/// A NUL byte in a comment does not make a `.tf` file binary, nor does it end the parse: the
/// database it destroys and the wildcard policy after the NUL are both seen, from the parsed
/// file (no line-level fallback).
#[test]
fn nul_byte_in_terraform_still_destroys_the_database() {
    let repo = infra_repo();
    let wildcard = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"*\", Resource = \"*\"}]})\n}\n";
    repo.write("infra/main.tf", format!("{BUCKET_ONLY}# \0\n{wildcard}"));
    repo.commit_as(CLAUDE.0, CLAUDE.1, "Tidy the infra");
    let result = check(&repo);
    assert_finding(&result, 1, "stateful-resource-destroyed");
    assert!(
        ids(&result).contains(&"iam-wildcard".to_string()),
        "{}",
        result.stdout
    );
    let report = result.json();
    assert_eq!(report["files"][0]["binary"], false);
    let line_level = &report["blast_radius"]["coverage"]["line_level"];
    assert_eq!(line_level.as_array().map(Vec::len), Some(0), "{line_level}");
}

/// A `.tf` file that is really not text (a NUL byte and invalid UTF-8) is judged as the worst
/// case for Terraform: review for a change without AI markers, block for an AI one.
#[test]
fn terraform_that_is_not_text_is_the_worst_case() {
    for (author, code) in [(crate::support::HUMAN, 3), (CLAUDE, 1)] {
        let repo = infra_repo();
        repo.write(
            "infra/main.tf",
            [b"\0\xff\n".as_slice(), BUCKET_ONLY.as_bytes()].concat(),
        );
        repo.commit_as(author.0, author.1, "Tidy the infra");
        let result = check(&repo);
        assert_finding(&result, code, "unanalysable-risky-file");
        let rules = field_of(&result.json(), "rules", "rule");
        assert!(
            rules.contains(&"unanalysable-risky-file-needs-review".to_string()),
            "{rules:?}"
        );
        // The second run reads what the raw bytes showed from the cache, and judges alike.
        let again = check(&repo);
        assert_finding(&again, code, "unanalysable-risky-file");
        assert_eq!(ids(&again), ids(&result));
    }
}

/// `binary` and `-diff` attributes committed in the change itself hide nothing.
#[test]
fn attributes_in_the_change_do_not_hide_terraform() {
    for attribute in ["*.tf binary\n", "*.tf -diff\n", "infra/** -text -diff\n"] {
        let repo = infra_repo();
        repo.write(".gitattributes", attribute);
        repo.write("infra/main.tf", BUCKET_ONLY);
        repo.commit("Drop the database");
        let result = check(&repo);
        assert_finding(&result, 1, "stateful-resource-destroyed");
    }
}

/// Attributes only in the checked-out worktree (not in the judged trees) change nothing: the
/// same range gets the same findings with and without them.
#[test]
fn worktree_attributes_do_not_change_the_verdict() {
    let repo = infra_repo();
    repo.write("infra/main.tf", BUCKET_ONLY);
    repo.commit("Drop the database");
    let plain = check(&repo);
    assert_finding(&plain, 1, "stateful-resource-destroyed");
    for attribute in ["*.tf binary\n", "*.tf -diff\n"] {
        repo.write(".gitattributes", attribute);
        std::fs::write(repo.path.join(".git/info/attributes"), attribute).expect("attributes");
        let hidden = check(&repo);
        assert_finding(&hidden, 1, "stateful-resource-destroyed");
        assert_eq!(ids(&hidden), ids(&plain), "{attribute}");
    }
}

/// A workflow on one line of almost 1 MB is still read, and so is one over the policy's size
/// limit: infrastructure and pipeline text is analysed up to 16 MiB (a generated install
/// manifest is not "the worst case"); padding a risky file past the limit hides nothing.
#[test]
fn very_long_workflow_lines() {
    let workflow = |pad: usize| {
        format!(
            "{{\"on\": \"push\", \"permissions\": \"write-all\", \"jobs\": {{\"build\": {{\"runs-on\": \"ubuntu-latest\", \"steps\": [{{\"run\": \"echo {}\"}}]}}}}}}\n",
            "x".repeat(pad)
        )
    };
    let judge = |content: String| {
        let repo = Repo::new();
        repo.write(
            ".github/workflows/ci.yml",
            "on: push\npermissions: read-all\njobs: {}\n",
        );
        repo.commit("CI");
        repo.git(&["checkout", "-q", "-b", "topic"]);
        repo.write(".github/workflows/ci.yml", content);
        repo.commit("One line");
        check(&repo)
    };
    let read = judge(workflow(1_000_000));
    assert!(
        ids(&read).contains(&"workflow-permissions-widened".to_string()),
        "{}",
        read.stdout
    );
    let padded = judge(workflow(1_100_000));
    assert!(
        ids(&padded).contains(&"workflow-permissions-widened".to_string())
            && ids(&padded).contains(&"oversized-file".to_string())
            && !ids(&padded).contains(&"unanalysable-risky-file".to_string()),
        "{}",
        padded.stdout
    );
}

/// A credential in a file marked binary, or in content that really is binary, still blocks,
/// also when a second run reads what the raw bytes showed from the cache.
#[test]
fn secrets_in_binary_files_block() {
    let token = format!("ghp_{}", "Zq8rT2vLm4Xn7Kp1Wd9Sb3Hc6Jf0Ga5Ye8Ru");
    let marked = Repo::new();
    marked.write("app/settings.cfg", "debug = false\n");
    marked.commit("Settings");
    marked.git(&["checkout", "-q", "-b", "topic"]);
    marked.write(".gitattributes", "*.cfg binary\n");
    marked.write(
        "app/settings.cfg",
        format!("debug = false\ntoken = {token}\n"),
    );
    marked.commit("Token");
    assert_finding(&check(&marked), 1, "secret-added");
    assert_finding(&check(&marked), 1, "secret-added");

    let binary = Repo::new();
    binary.write("assets/blob.bin", b"\0\xff\x01");
    binary.commit("Asset");
    binary.git(&["checkout", "-q", "-b", "topic"]);
    binary.write(
        "assets/blob.bin",
        [b"\0\xff\x01\n".as_slice(), token.as_bytes(), b"\n\xfe"].concat(),
    );
    binary.commit("Asset with a token");
    for _run in ["cold", "warm"] {
        let result = check(&binary);
        assert_finding(&result, 1, "secret-added");
        assert!(!result.stdout.contains(&token[4..20]), "{}", result.stdout);
    }
}

/// Runs `command`; a run that has not ended after `limit` is killed and fails the test (a
/// guard against a hang, not a synchronisation).
fn run_with_limit(mut command: std::process::Command, limit: Duration) -> Run {
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().expect("spawn blastgate");
    let pid = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    let Ok(output) = receiver.recv_timeout(limit) else {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
        panic!("blastgate did not finish within {limit:?}");
    };
    let output = output.expect("wait for blastgate");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A truncated loose commit (libgit2 alone loops forever on it) is an error, exit 2, that
/// names the object, in bounded time.
#[test]
fn truncated_loose_object_is_named() {
    let repo = infra_repo();
    repo.write("infra/main.tf", BUCKET_ONLY);
    let head = repo.commit("Drop the database");
    let file = repo
        .path
        .join(".git/objects")
        .join(&head[..2])
        .join(&head[2..]);
    let bytes = std::fs::read(&file).expect("loose commit");
    let mut permissions = std::fs::metadata(&file).expect("meta").permissions();
    #[allow(
        clippy::permissions_set_readonly_false,
        reason = "a test fixture we own"
    )]
    permissions.set_readonly(false);
    std::fs::set_permissions(&file, permissions).expect("writable");
    std::fs::write(&file, &bytes[..bytes.len() / 2]).expect("truncate");
    let result = run_with_limit(
        repo.blastgate(&["check", "--base", "main"]),
        Duration::from_secs(60),
    );
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(result.stderr.contains(&head), "{}", result.stderr);
    assert!(result.stderr.contains("truncated"), "{}", result.stderr);
}

/// Other content under a changed blob's name (a loose object rewritten in place) is an error,
/// exit 2, naming the object: libgit2 does not re-hash what it reads, so the integrity check
/// does, or the gate would judge the substitute.
#[test]
fn loose_object_with_other_content_is_named() {
    let repo = infra_repo();
    repo.write("infra/main.tf", BUCKET_ONLY);
    repo.commit("Drop the database");
    let blob = repo.git(&["rev-parse", "HEAD:infra/main.tf"]);
    let blob = blob.trim();
    let file = repo
        .path
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    let mut permissions = std::fs::metadata(&file).expect("loose blob").permissions();
    #[allow(
        clippy::permissions_set_readonly_false,
        reason = "a test fixture we own"
    )]
    permissions.set_readonly(false);
    std::fs::set_permissions(&file, permissions).expect("writable");
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, b"blob 6\0x = 2\n").expect("in memory");
    std::fs::write(&file, encoder.finish().expect("in memory")).expect("rewrite");
    let result = run_with_limit(
        repo.blastgate(&["check", "--base", "main"]),
        Duration::from_secs(60),
    );
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(result.stderr.contains(blob), "{}", result.stderr);
    assert!(
        result.stderr.contains("does not match its name"),
        "{}",
        result.stderr
    );
}

/// A malformed `info/grafts` is named as such, not reported as "not a git repository".
#[test]
fn malformed_grafts_are_named() {
    let repo = infra_repo();
    std::fs::write(repo.path.join(".git/info/grafts"), "not an object id\n").expect("grafts");
    let result = check(&repo);
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(result.stderr.contains("info/grafts"), "{}", result.stderr);
    assert!(
        !result.stderr.contains("not a git repository"),
        "{}",
        result.stderr
    );
}

/// `-o` into a path that cannot be written says why, exits 2 and creates or changes nothing there.
#[test]
fn output_that_cannot_be_written_says_why() {
    let repo = infra_repo();
    repo.write("infra/main.tf", BUCKET_ONLY);
    repo.commit("Drop the database");
    std::fs::create_dir(repo.path.join("reports")).expect("dir");
    repo.write("plain-file", "x");
    let cases = [
        ("reports", "is a directory"),
        ("missing/report.json", "does not exist"),
        ("plain-file/report.json", "is a file, not a directory"),
    ];
    for (target, why) in cases {
        let result = blastgate(&repo, &["check", "--base", "main", "-o", target]);
        assert_eq!(result.code, 2, "{target}: {}", result.stderr);
        assert!(
            result.stderr.contains(why) && result.stderr.contains(target),
            "{target}: {}",
            result.stderr
        );
    }
    let root = Path::new(&repo.path);
    let reports = std::fs::read_dir(root.join("reports")).expect("still a directory");
    assert_eq!(reports.count(), 0, "nothing written into the directory");
    assert!(!root.join("missing").exists(), "no directory created");
    assert_eq!(
        std::fs::read_to_string(root.join("plain-file")).expect("file"),
        "x"
    );
}

/// Two different ids that share their first 12 digits are printed as far as they differ: a
/// submodule moved between two such commits does not read as "now X (was X)".
#[test]
fn ids_sharing_a_prefix_print_differently() {
    let old = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
    let new = "1a2b3c4d5e6f7a8b9c0dffffffffffffffffffff";
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.git(&["add", "README.md"]);
    let gitlink = |id: &str| format!("160000,{id},vendor/lib");
    repo.git(&["update-index", "--add", "--cacheinfo", &gitlink(old)]);
    repo.git(&["commit", "-qm", "Vendor lib"]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.git(&["update-index", "--cacheinfo", &gitlink(new)]);
    repo.git(&["commit", "-qm", "Bump lib"]);
    let result = check(&repo);
    let report = result.json();
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "submodule-changed")
        .unwrap_or_else(|| panic!("{}", result.stdout));
    let message = finding["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("points at {} (was {})", &new[..21], &old[..21])),
        "{message}"
    );
}

/// Diff text that only says a Terraform file's binary content differs is judged as the worst
/// case for Terraform, not as an opaque blob.
#[test]
fn binary_terraform_in_diff_text_is_the_worst_case() {
    let diff = "diff --git a/infra/main.tf b/infra/main.tf\nindex 1111111..2222222 100644\nBinary files a/infra/main.tf and b/infra/main.tf differ\n";
    let repo = Repo::new();
    let result = crate::support::run(
        repo.blastgate(&["check", "--diff", "-", "--format", "json"]),
        Some(diff),
    );
    assert_finding(&result, 3, "unanalysable-risky-file");
}

/// The size limit holds by the bytes whatever the attributes say: a text file over it is
/// oversized with or without a `binary` or `-diff` attribute, in a commit range and in the
/// working tree (libgit2 does not learn the size of content it is told is binary).
#[test]
fn attributes_do_not_lift_the_size_limit() {
    let big = format!("def f():\n    return 1\n{}", "# padding\n".repeat(110_000));
    for attribute in ["", "*.py binary\n", "*.py -diff\n"] {
        let repo = Repo::new();
        repo.write(".gitattributes", attribute);
        repo.write("app/big.py", format!("x = 1\n{big}"));
        repo.commit("Big module");
        repo.git(&["checkout", "-q", "-b", "topic"]);
        repo.write("app/big.py", format!("x = 2\n{big}"));
        let worktree = blastgate(&repo, &["check", "--worktree", "--format", "json"]);
        repo.commit("Change it");
        let range = check(&repo);
        for (what, result) in [("range", range), ("worktree", worktree)] {
            assert!(
                ids(&result).contains(&"oversized-file".to_string()),
                "{what}, {attribute:?}: {}",
                result.stdout
            );
            assert_eq!(
                result.json()["files"][0]["binary"],
                true,
                "{what}, {attribute:?}"
            );
        }
    }
}

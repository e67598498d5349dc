//! Output cannot be spoofed (issue 12): a commit whose path, subject, author name, Terraform
//! resource name and approval note carry terminal escapes (`ESC [ 2J`, OSC 8 links), `\r`,
//! and newlines followed by CI workflow commands (`::error::`, `::stop-commands::`) prints
//! none of them raw, in any format, in replay, or through real pre-push and pre-receive hooks.

use std::os::unix::fs::PermissionsExt as _;

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, blastgate, lines};

/// Clears the screen, opens an OSC 8 link, returns the carriage, then starts CI commands.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]8;;https://evil.example/\u{7}click\u{1b}]8;;\u{7}\r\n::error::spoofed\n::stop-commands::tok\n";
/// The same, fit for one path component (no `/`), plus Markdown that would break a table,
/// add a link or inject HTML.
const HOSTILE_NAME: &str = "x\u{1b}[2J\u{1b}]8;;x\u{7}a\r\n::error::spoofed\n::stop-commands::tok|`b`<script>](javascript:x).py";

/// Base: a bucket whose resource name carries escapes (raw ESC and HCL `\n`); topic: an
/// AI-assisted commit by a hostile author name, with a hostile subject, that adds a file with
/// a hostile path and destroys the bucket; a forged approval note with hostile fields on it.
fn hostile_repo() -> (Repo, String) {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n").write(
        "infra/main.tf",
        "resource \"aws_s3_bucket\" \"data\u{1b}[2J\\n::error::spoofed\" {\n  bucket = \"data\"\n}\n",
    );
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.remove("infra/main.tf");
    repo.write(&format!("src/{HOSTILE_NAME}"), lines(30, "v"));
    let subject =
        "Tidy \u{1b}[2J\u{1b}]8;;https://evil.example/\u{7}up\u{1b}]8;;\u{7}\r::error::spoofed";
    let head = repo.commit_as(
        "Eve\u{1b}[2J\u{1b}]8;;x\u{7}Agent",
        "eve@example.com",
        &format!("{subject}\n\nGenerated with Claude Code\u{1b}[2J\r::error::spoofed\n\n{CLAUDE_TRAILER}\n"),
    );
    let record = serde_json::json!({
        "version": 1, "fingerprint": format!("sha256:{HOSTILE}"), "policy_sha256": HOSTILE,
        "head": head, "base": HOSTILE, "branch": HOSTILE, "decision": "review", "score": 1.0,
        "findings": [HOSTILE], "ai_assisted": false, "ai_evidence": [HOSTILE],
        "approver": { "name": HOSTILE, "email": format!("{HOSTILE}@example.com") },
        "approved_at": 1, "approved_at_text": HOSTILE, "comment": HOSTILE, "break_glass": false,
    });
    let note = format!(
        "blastgate-approval v1\n{record}\n-----BEGIN SSH SIGNATURE-----\n{HOSTILE}\n-----END SSH SIGNATURE-----\n"
    );
    std::fs::write(repo.path.join(".git/crafted-note"), note).expect("write note");
    let blob = repo.git(&["hash-object", "-w", ".git/crafted-note"]);
    repo.git(&[
        "notes",
        "--ref",
        "refs/notes/blastgate",
        "add",
        "-f",
        "-C",
        &blob,
        &head,
    ]);
    (repo, head)
}

/// No raw control byte but `\n`, and no line a CI runner reads as a command except the gate's
/// own annotations (`github` format only).
fn assert_clean(what: &str, output: &[u8], own_commands: bool) {
    let text = without_colour(&String::from_utf8_lossy(output));
    let raw = text
        .char_indices()
        .find(|(_, c)| *c != '\n' && (c.is_control() || ('\u{80}'..='\u{9f}').contains(c)));
    if let Some((at, c)) = raw {
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        panic!("{what}: raw {c:?} at byte {at}: {:?}", &text[from..]);
    }
    for line in text.lines() {
        let line = line.trim_start_matches("remote: ");
        if !line.starts_with("::") {
            continue;
        }
        let gate = ["::error", "::warning", "::notice"]
            .iter()
            .any(|level| line.starts_with(level))
            && !line.starts_with("::error::spoofed");
        assert!(
            own_commands && gate,
            "{what}: spoofed command line {line:?}"
        );
    }
}

/// `text` without the SGR colour sequences (`ESC [ digits m`) a coloured report adds itself;
/// the hostile values hold none, so any other escape left is theirs.
fn without_colour(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit() && c != ';')
            .unwrap_or(after.len());
        if after[digits..].starts_with('m') {
            rest = &after[digits + 1..];
        } else {
            out.push_str(&rest[at..at + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Every report format, colour on and off, judges the hostile change (it is blocked: the bucket
/// is destroyed) and prints the hostile values escaped, never raw.
#[test]
fn every_format_escapes_repository_text() {
    let (repo, _head) = hostile_repo();
    for (format, color) in [
        ("text", "never"),
        ("text", "always"),
        ("json", "never"),
        ("sarif", "never"),
        ("markdown", "never"),
        ("github", "never"),
    ] {
        let run = blastgate(
            &repo,
            &[
                "check", "--base", "main", "--format", format, "--color", color,
            ],
        );
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        assert_clean(format, run.stdout.as_bytes(), format == "github");
        assert_clean(format, run.stderr.as_bytes(), false);
        // The values are shown, escaped: nothing was dropped to look clean.
        if format != "json" && format != "sarif" {
            assert!(
                run.stdout.contains("spoofed"),
                "{format}: the hostile values must still be shown: {}",
                run.stdout
            );
        }
    }
    let markdown = blastgate(&repo, &["check", "--base", "main", "--format", "markdown"]);
    // Escaped, each shows as text; raw (no backslash before it), one would be markup.
    for raw in ["<script>", "](javascript:", "|`b`"] {
        let markup = markdown
            .stdout
            .match_indices(raw)
            .any(|(at, _)| !markdown.stdout[..at].ends_with('\\'));
        assert!(!markup, "markdown has {raw} as markup: {}", markdown.stdout);
    }
    assert!(
        markdown.stdout.contains("\\](javascript:x)"),
        "{}",
        markdown.stdout
    );
    let text = blastgate(&repo, &["check", "--base", "main", "--color", "never"]);
    assert!(text.stdout.contains("\\u{1b}[2J"), "{}", text.stdout);
    assert!(
        text.stdout.contains("resource-destroyed") || text.stdout.contains("stateful"),
        "{}",
        text.stdout
    );
}

/// `blastgate log` and `replay` print subjects, note fields and errors escaped too.
#[test]
fn replay_and_log_escape_repository_text() {
    let (repo, _head) = hostile_repo();
    for args in [
        &["replay", "--range", "main..topic"][..],
        &["replay", "--range", "main..topic", "--format", "json"][..],
        &["log"][..],
    ] {
        let run = blastgate(&repo, args);
        assert_ne!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert_clean(&format!("{args:?}"), run.stdout.as_bytes(), false);
        assert_clean(&format!("{args:?}"), run.stderr.as_bytes(), false);
    }
    let replay = blastgate(&repo, &["replay", "--range", "main..topic"]);
    assert!(
        replay.stdout.contains("Tidy \\u{1b}[2J"),
        "{}",
        replay.stdout
    );
}

/// A real `git push` through the installed pre-push hook, and into a bare server with the
/// `pre-receive` hook: the push is refused, and neither hook prints a raw escape or a command.
#[test]
fn hooks_escape_repository_text() {
    let (work, _head) = hostile_repo();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    let install = |path: std::path::PathBuf, script: String| {
        std::fs::write(&path, script).expect("write hook");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    };
    install(
        work.path.join(".git/hooks/pre-push"),
        format!("#!/bin/sh\nexec '{BINARY}' pre-push \"$@\"\n"),
    );
    let output = work
        .git_command(&["push", "origin", "topic"])
        .output()
        .expect("git push");
    assert!(
        !output.status.success(),
        "the hostile change must be refused"
    );
    assert_clean("pre-push", &output.stdout, false);
    assert_clean("pre-push", &output.stderr, false);
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("block") && said.contains("spoofed"), "{said}");

    install(
        remote.path.join("hooks/pre-receive"),
        format!("#!/bin/sh\nexec '{BINARY}' pre-receive\n"),
    );
    let output = work
        .git_command(&["push", "--no-verify", "origin", "topic"])
        .output()
        .expect("git push");
    assert!(!output.status.success(), "the server must refuse it");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("remote:") && said.contains("block") && said.contains("spoofed"),
        "{said}"
    );
    assert_clean("pre-receive", &output.stdout, false);
    assert_clean("pre-receive", &output.stderr, false);
    assert!(remote.git(&["for-each-ref", "refs/heads/topic"]).is_empty());
}

//! Test support: real git repositories in temp dirs, built with the git CLI under a hermetic
//! environment (no system or global config, fixed identities and dates, so hashes are stable),
//! and the real `blastgate` binary run against them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use tempfile::TempDir;

/// The binary under test, built by cargo for integration tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_blastgate");

/// A developer identity used for commits.
pub const HUMAN: (&str, &str) = ("Dana Developer", "dana@example.com");

/// Environment every git invocation gets; nothing from the machine leaks in.
fn hermetic(command: &mut Command, home: &Path) {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_AUTHOR_NAME", HUMAN.0)
        .env("GIT_AUTHOR_EMAIL", HUMAN.1)
        .env("GIT_COMMITTER_NAME", HUMAN.0)
        .env("GIT_COMMITTER_EMAIL", HUMAN.1)
        .env("LC_ALL", "C");
}

/// A git repository in a temp dir.
pub struct Repo {
    /// Keeps the directory alive.
    _tmp: TempDir,
    /// The working tree (or the git dir of a bare repository).
    pub path: PathBuf,
    home: PathBuf,
    clock: AtomicU32,
}

impl Repo {
    /// A new repository on branch `main`.
    pub fn new() -> Self {
        let repo = Self::empty("work");
        repo.git(&["init", "-q", "-b", "main", "."]);
        repo
    }

    /// A new bare repository (a local "remote").
    pub fn bare() -> Self {
        let repo = Self::empty("remote.git");
        repo.git(&["init", "-q", "--bare", "-b", "main", "."]);
        repo
    }

    /// A clone of `source` (by file URL, so `--depth` works).
    pub fn clone_of(source: &Repo, extra: &[&str]) -> Self {
        let repo = Self::empty("clone");
        let url = format!("file://{}", source.path.display());
        let mut args = vec!["clone", "-q"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[url.as_str(), "."]);
        repo.git(&args);
        repo
    }

    fn empty(name: &str) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let home = tmp.path().join("home");
        let path = tmp.path().join(name);
        std::fs::create_dir_all(&home).expect("home dir");
        std::fs::create_dir_all(&path).expect("repo dir");
        std::fs::write(
            home.join("gitconfig"),
            "[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n",
        )
        .expect("gitconfig");
        Self {
            _tmp: tmp,
            path,
            home,
            clock: AtomicU32::new(0),
        }
    }

    /// Runs git and returns its trimmed stdout; panics with stderr on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let output = self.git_command(args).output().expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// A git command with the hermetic environment and the next fixed date.
    pub fn git_command(&self, args: &[&str]) -> Command {
        let tick = self.clock.fetch_add(1, Ordering::SeqCst);
        let date = format!("2026-01-01T00:{:02}:{:02}Z", tick / 60, tick % 60);
        let mut command = Command::new("git");
        hermetic(&mut command, &self.home);
        command
            .current_dir(&self.path)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .args(args);
        command
    }

    /// Writes a file (creating directories).
    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) -> &Self {
        let full = self.path.join(path);
        std::fs::create_dir_all(full.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(full, content).expect("write file");
        self
    }

    /// Removes a file.
    pub fn remove(&self, path: &str) -> &Self {
        std::fs::remove_file(self.path.join(path)).expect("remove file");
        self
    }

    /// Stages everything and commits with `message`; returns the new commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Commits as another author (e.g. an AI agent identity).
    pub fn commit_as(&self, name: &str, email: &str, message: &str) -> String {
        self.git(&["add", "-A"]);
        let author = format!("{name} <{email}>");
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "--author",
            &author,
            "-m",
            message,
        ]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// The real binary, run in this repository with a clean environment.
    pub fn blastgate(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BINARY);
        hermetic(&mut command, &self.home);
        command.current_dir(&self.path).args(args);
        command
    }

    /// Every file under the repository (including `.git`) with its size and modification
    /// time, to prove a command changed nothing on disk.
    pub fn disk_state(&self) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
        let mut state = BTreeMap::new();
        let mut stack = vec![self.path.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let entry = entry.expect("dir entry");
                let meta = entry.metadata().expect("metadata");
                if meta.is_dir() {
                    stack.push(entry.path());
                } else {
                    state.insert(entry.path(), (meta.len(), meta.modified().expect("mtime")));
                }
            }
        }
        state
    }
}

/// Result of running the binary.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The JSON Schema of the reports, as `blastgate report-schema` prints it, compiled once per
/// test process.
static REPORT_SCHEMA: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
    let output = Command::new(BINARY)
        .arg("report-schema")
        .output()
        .expect("run blastgate report-schema");
    assert!(output.status.success(), "report-schema failed");
    let schema: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("report-schema prints JSON");
    jsonschema::draft202012::new(&schema).expect("the report schema compiles")
});

/// Panics unless `report` (a `check` or `push` report) is valid under the published schema.
pub fn assert_valid_report(report: &serde_json::Value) {
    let errors: Vec<String> = REPORT_SCHEMA
        .iter_errors(report)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the report does not match `blastgate report-schema`:\n{}\n{report:#}",
        errors.join("\n")
    );
}

impl Run {
    /// The stdout parsed as JSON. A `check` or `push` report is also validated against the
    /// published report schema, so every test that reads a report checks the contract.
    pub fn json(&self) -> serde_json::Value {
        let value: serde_json::Value = serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        });
        if matches!(value["type"].as_str(), Some("check" | "push")) {
            assert_valid_report(&value);
        }
        value
    }
}

/// Runs a prepared command, optionally feeding stdin.
pub fn run(mut command: Command, stdin: Option<&str>) -> Run {
    use std::io::Write as _;
    command
        .stdin(if stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("spawn blastgate");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    let output = child.wait_with_output().expect("wait for blastgate");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `blastgate ARGS` in `repo`.
pub fn blastgate(repo: &Repo, args: &[&str]) -> Run {
    run(repo.blastgate(args), None)
}

/// `n` distinct lines that are valid code in Python, Ruby and most scripting languages
/// (`prefix_7 = 7`), so structural analysis parses them like real files.
pub fn lines(n: usize, prefix: &str) -> String {
    (0..n).fold(String::new(), |mut text, i| {
        let _ = writeln!(text, "{prefix}_{i} = {i}");
        text
    })
}

/// The Claude Code trailer as the tool writes it.
pub const CLAUDE_TRAILER: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";

/// A repository with one base commit on `main` and a `topic` branch checked out.
pub fn repo_with_base() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n")
        .write("src/app.py", lines(20, "app"))
        .write("docs/guide.md", lines(5, "doc"));
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo
}

/// `field` of every entry of the report list `list` (e.g. the ids of `findings`, the paths
/// of `files`), as strings.
pub fn field_of(report: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("report has no `{list}` list: {report}"))
        .iter()
        .map(|entry| entry[field].as_str().unwrap_or_default().to_string())
        .collect()
}

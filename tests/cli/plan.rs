//! The plan as evidence (issue 13): `blastgate check --terraform-plan plan.json`. Each case
//! commits a real configuration change (the before/after trees Terraform planned in
//! `fixtures/infra/terraform/plans/`, or an AWS module with a hand-written plan) and judges
//! it with the real binary, asserting the exit code and the finding ids; what comes from the
//! plan says so, and where plan and source disagree the plan wins and the report says so.

use std::path::{Path, PathBuf};

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/infra/terraform/plans")
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).expect("fixture dir") {
            let path = entry.expect("fixture entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                let bytes = std::fs::read(&path).expect("fixture file");
                out.push((relative.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    out
}

/// A repository whose `main` holds `before` under `infra/` and whose `topic` (an AI commit,
/// by the Claude Code trailer) replaces it with `after`.
fn repo_with_change(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)]) -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    for (path, bytes) in before {
        repo.write(&format!("infra/{path}"), bytes);
    }
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for (path, _) in before {
        repo.remove(&format!("infra/{path}"));
    }
    for (path, bytes) in after {
        repo.write(&format!("infra/{path}"), bytes);
    }
    repo.commit(&format!("Change the infrastructure\n\n{CLAUDE_TRAILER}\n"));
    repo
}

/// The real-Terraform case `case`, judged with its plan (when `with_plan`).
fn judge_case(case: &str, with_plan: bool) -> Judged {
    let dir = fixtures().join(case);
    let repo = repo_with_change(&files(&dir.join("before")), &files(&dir.join("after")));
    let plan = dir.join("plan.json");
    let plan = plan.to_str().expect("UTF-8 path");
    let plans: &[&str] = if with_plan { &[plan] } else { &[] };
    judge(&repo, plans)
}

fn judge(repo: &Repo, plans: &[&str]) -> Judged {
    let mut args = vec!["check", "--base", "main", "--format", "json"];
    for plan in plans {
        args.extend(["--terraform-plan", plan]);
    }
    let result = blastgate(repo, &args);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    let report = result.json();
    Judged {
        code: result.code,
        ids: field_of(&report, "findings", "id"),
        subjects: field_of(&report, "findings", "subject"),
        messages: field_of(&report, "findings", "message"),
        report: result.stdout,
    }
}

struct Judged {
    code: i32,
    ids: Vec<String>,
    subjects: Vec<String>,
    messages: Vec<String>,
    report: String,
}

impl Judged {
    /// The message of the finding `id` on `subject`, or a failure that shows the report.
    fn message(&self, id: &str, subject: &str) -> &str {
        let at = (0..self.ids.len())
            .find(|&i| self.ids[i] == id && self.subjects[i] == subject)
            .unwrap_or_else(|| panic!("no {id} on {subject}: {}", self.report));
        &self.messages[at]
    }

    fn count(&self, id: &str) -> usize {
        self.ids.iter().filter(|i| *i == id).count()
    }
}

/// `["delete"]`: a resource removed from the configuration is a destroy from the plan, at the
/// source's line, and the source analysis agrees.
#[test]
fn plan_delete_is_resource_destroyed() {
    let judged = judge_case("delete", true);
    assert_eq!(judged.code, 3, "{}", judged.report);
    let message = judged.message("resource-destroyed", "terraform_data.gone");
    assert!(message.starts_with("from the plan "), "{message}");
    assert!(message.ends_with("the source analysis agrees"), "{message}");
    assert_eq!(judged.count("resource-destroyed"), 1, "{}", judged.report);
}

/// `["delete","create"]` and `["create","delete"]` inside a module, caused by a module input
/// the source analysis cannot follow: without the plan nothing is destroyed; with it both
/// replacements are findings, and the change needs review.
#[test]
fn plan_replacement_inside_a_module() {
    let without = judge_case("module-replace", false);
    assert_eq!(without.count("resource-replaced"), 0, "{}", without.report);
    let judged = judge_case("module-replace", true);
    assert_eq!(judged.code, 3, "{}", judged.report);
    let db = judged.message("resource-replaced", "module.app.terraform_data.db");
    assert!(db.contains("forced by triggers_replace"), "{db}");
    assert!(db.ends_with("the source analysis did not find it"), "{db}");
    let cache = judged.message("resource-replaced", "module.app.terraform_data.cache");
    assert!(
        cache.contains("creating the new one before destroying the old"),
        "{cache}"
    );
}

/// A hand-written AWS plan: the database inside a `for_each` module is replaced because an
/// input changed its engine. A stateful replacement from the plan blocks, as from source.
#[test]
fn plan_stateful_replacement_in_a_module_blocks() {
    let (repo, plan) = aws_module_change();
    let without = judge(&repo, &[]);
    assert_eq!(
        without.count("stateful-resource-replaced"),
        0,
        "{}",
        without.report
    );
    let judged = judge(&repo, &[plan.to_str().expect("UTF-8 path")]);
    assert_eq!(judged.code, 1, "{}", judged.report);
    let message = judged.message(
        "stateful-resource-replaced",
        "module.data[\"eu\"].aws_db_instance.main",
    );
    assert!(
        message.contains("(a database)") && message.contains("forced by engine"),
        "{message}"
    );
}

/// `["forget"]`: a `removed` block that keeps the object is its own finding, not a destroy.
#[test]
fn plan_forget_is_resource_forgotten() {
    let judged = judge_case("forget", true);
    let message = judged.message("resource-forgotten", "terraform_data.legacy");
    assert!(message.starts_with("from the plan "), "{message}");
    assert_eq!(judged.count("resource-destroyed"), 0, "{}", judged.report);
    assert_eq!(judged.code, 0, "{}", judged.report);
}

/// Plan and source disagree: the source warns that a `for_each` moved behind a local may
/// re-key its instances; the plan keeps them. The plan wins, the report says so, and the
/// change that needed review without the plan is allowed with it.
#[test]
fn plan_wins_over_source_and_says_so() {
    let without = judge_case("for-each-same", false);
    assert_eq!(without.code, 3, "{}", without.report);
    without.message("resource-replaced", "terraform_data.queue");
    let judged = judge_case("for-each-same", true);
    assert_eq!(judged.code, 0, "{}", judged.report);
    assert_eq!(judged.count("resource-replaced"), 0, "{}", judged.report);
    let message = judged.message("plan-contradicts-source", "terraform_data.queue");
    assert!(message.ends_with("the plan wins"), "{message}");
}

/// `--terraform-plan` repeats: each plan's findings count.
#[test]
fn several_plans() {
    let dir = fixtures().join("count-drop");
    let repo = repo_with_change(&files(&dir.join("before")), &files(&dir.join("after")));
    let count_drop = dir.join("plan.json");
    let forget = fixtures().join("forget/plan.json");
    let judged = judge(
        &repo,
        &[
            count_drop.to_str().expect("UTF-8 path"),
            forget.to_str().expect("UTF-8 path"),
        ],
    );
    judged.message("resource-destroyed", "terraform_data.worker[1]");
    judged.message("resource-destroyed", "terraform_data.worker[2]");
    judged.message("resource-forgotten", "terraform_data.legacy");
}

/// A plan file that is missing, not JSON, or not a plan: one line naming the file, exit 2,
/// no report, nothing changed on disk.
#[test]
fn bad_plan_file_is_an_error() {
    let dir = fixtures().join("delete");
    let repo = repo_with_change(&files(&dir.join("before")), &files(&dir.join("after")));
    let scratch = tempfile::tempdir().expect("temp dir");
    let truncated = scratch.path().join("truncated.json");
    std::fs::write(
        &truncated,
        "{\"format_version\": \"1.2\", \"resource_changes\": [",
    )
    .expect("write");
    let state = scratch.path().join("state.json");
    std::fs::write(&state, "{\"format_version\": \"1.0\", \"values\": {}}").expect("write");
    let missing = scratch.path().join("missing.json");
    for (path, why) in [
        (&truncated, "is not a Terraform plan in JSON"),
        (&state, "a state file rather than a plan"),
        (&missing, "no such file"),
    ] {
        let before = repo.disk_state();
        let path = path.to_str().expect("UTF-8 path");
        let result = blastgate(
            &repo,
            &["check", "--base", "main", "--terraform-plan", path],
        );
        assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
        assert_eq!(result.stdout, "");
        assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);
        assert!(
            result.stderr.contains(path) && result.stderr.contains(why),
            "{}",
            result.stderr
        );
        assert_eq!(repo.disk_state(), before);
    }
}

/// The repository of `plan_stateful_replacement_in_a_module_blocks` and its plan's path.
fn aws_module_change() -> (Repo, PathBuf) {
    let module = "variable \"engine\" {\n  type = string\n}\n\nresource \"aws_db_instance\" \"main\" {\n  identifier = \"orders-eu\"\n  engine     = var.engine\n}\n";
    let root = |engine: &str| {
        format!("module \"data\" {{\n  source   = \"./modules/data\"\n  for_each = toset([\"eu\"])\n  engine   = \"{engine}\"\n}}\n").into_bytes()
    };
    let before = vec![
        ("main.tf".to_string(), root("postgres")),
        (
            "modules/data/main.tf".to_string(),
            module.as_bytes().to_vec(),
        ),
    ];
    let mut after = before.clone();
    after[0].1 = root("aurora-postgresql");
    (
        repo_with_change(&before, &after),
        fixtures().join("aws-db-replace-in-module.json"),
    )
}

/// `sh`/`bash` running an integration's script in `repo`, with `blastgate` on PATH and
/// nothing else from this machine's environment.
fn shell(shell: &str, script: &str, repo: &Repo, scratch: &Path) -> std::process::Command {
    let bin = Path::new(crate::support::BINARY)
        .parent()
        .expect("binary dir");
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let mut command = std::process::Command::new(shell);
    command
        .env_clear()
        .env("PATH", path)
        .env("HOME", scratch)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(&repo.path)
        .args(["-c", script]);
    command
}

/// The GitHub Action's judging step, run for real: the `terraform-plan` input reaches
/// `check` as `--terraform-plan`, and the plan's stateful replacement blocks.
#[test]
fn github_action_passes_plan_files() {
    let (repo, plan) = aws_module_change();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    let action: serde_json::Value = serde_saphyr::from_str(&text).expect("action YAML");
    let step = action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|step| step["id"] == "gate")
        .expect("the judging step");
    let scratch = tempfile::tempdir().expect("temp dir");
    let (output, summary) = (
        scratch.path().join("output"),
        scratch.path().join("summary"),
    );
    let mut command = shell(
        "bash",
        step["run"].as_str().expect("script"),
        &repo,
        scratch.path(),
    );
    command
        .env("RUNNER_TEMP", scratch.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("BLASTGATE_POLICY", "")
        .env("BLASTGATE_ARGS", "--base main")
        .env(
            "BLASTGATE_TERRAFORM_PLANS",
            format!("\n{}\n", plan.display()),
        )
        .env("BLASTGATE_SARIF", "false")
        .env("BLASTGATE_ANNOTATIONS", "false");
    let result = crate::support::run(command, None);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let outputs = std::fs::read_to_string(&output).expect("step outputs");
    assert!(
        outputs.contains("decision=block") && outputs.contains("exit-code=1"),
        "{outputs}"
    );
    let report = std::fs::read_to_string(scratch.path().join("blastgate.json")).expect("report");
    assert!(
        report.contains("stateful-resource-replaced") && report.contains("from the plan"),
        "{report}"
    );
    let summary = std::fs::read_to_string(&summary).expect("step summary");
    assert!(summary.contains("from the plan"), "{summary}");
}

/// The GitLab template's script, run for real with `BLASTGATE_TERRAFORM_PLANS`: the job
/// fails with the block and the JSON artifact holds the plan's finding.
#[test]
fn gitlab_template_passes_plan_files() {
    let (repo, plan) = aws_module_change();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("integrations/gitlab/blastgate.gitlab-ci.yml"),
    )
    .expect("template");
    let template: serde_json::Value = serde_saphyr::from_str(&text).expect("template YAML");
    let script: Vec<&str> = template["blastgate"]["script"]
        .as_array()
        .expect("script")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut command = shell("sh", &script.join("\n"), &repo, scratch.path());
    command
        .env("BLASTGATE_ARGS", "--base main")
        .env("BLASTGATE_TERRAFORM_PLANS", plan.display().to_string());
    let result = crate::support::run(command, None);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report = std::fs::read_to_string(repo.path.join("blastgate.json")).expect("artifact");
    assert!(
        report.contains("stateful-resource-replaced") && report.contains("from the plan"),
        "{report}"
    );
}

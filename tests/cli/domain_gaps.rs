//! Domain gaps found by the adversarial test (issue 12): changes that did the same harm as a
//! plainly written one but were not recognised. Each is a real repository, a real commit and
//! the real binary, asserting the exit code and the finding; each has a near miss that stays
//! quiet.

use std::os::unix::fs::PermissionsExt as _;

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, blastgate, field_of};

/// Commits `files` on `main`, then `change` on branch `topic` (AI-assisted when `ai`), and
/// judges `main..topic` in JSON.
fn judge(
    files: &[(&str, &str)],
    change: &[(&str, Option<&str>)],
    ai: bool,
) -> (i32, serde_json::Value) {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for (path, content) in change {
        match content {
            Some(content) => {
                repo.write(path, content);
            }
            None => {
                repo.remove(path);
            }
        }
    }
    let message = if ai {
        format!("Change\n\n{CLAUDE_TRAILER}\n")
    } else {
        "Change".to_string()
    };
    repo.commit(&message);
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    (result.code, result.json())
}

fn ids(report: &serde_json::Value) -> Vec<String> {
    field_of(report, "findings", "id")
}

const VARIABLES_ON: &str = "variable \"enabled\" {\n  type    = bool\n  default = true\n}\n";
const DATABASE: &str = "resource \"aws_db_instance\" \"main\" {\n  count             = var.enabled ? 1 : 0\n  engine            = \"postgres\"\n  instance_class    = \"db.t3.micro\"\n  allocated_storage = 20\n}\n";

/// A variable default flipped to `false` empties a `count` in a file the change does not
/// touch: the database is destroyed, and a human change is blocked like a deleted block is.
/// Flipping it the other way creates, and is allowed.
#[test]
fn variable_default_that_empties_count_destroys() {
    let base = [
        ("infra/variables.tf", VARIABLES_ON),
        ("infra/db.tf", DATABASE),
    ];
    let off = VARIABLES_ON.replace("default = true", "default = false");
    let (code, report) = judge(&base, &[("infra/variables.tf", Some(&off))], false);
    assert_eq!(code, 1, "{report}");
    assert!(
        ids(&report).contains(&"stateful-resource-destroyed".to_string()),
        "{report}"
    );
    assert_eq!(
        report["rules"][0]["rule"], "stateful-destroy-blocks",
        "{report}"
    );

    let base_off = [
        ("infra/variables.tf", off.as_str()),
        ("infra/db.tf", DATABASE),
    ];
    let (code, report) = judge(
        &base_off,
        &[("infra/variables.tf", Some(VARIABLES_ON))],
        false,
    );
    assert_eq!(code, 0, "{report}");
    assert!(
        !ids(&report).iter().any(|id| id.contains("destroyed")),
        "{report}"
    );
}

fn security_group(cidrs: &str) -> String {
    format!(
        "resource \"aws_security_group\" \"web\" {{\n  name = \"web\"\n  ingress {{\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [{cidrs}]\n  }}\n}}\n"
    )
}

/// `0.0.0.0/1` + `128.0.0.0/1` is the whole internet: `public-ingress`, and an AI change needs
/// sign-off. A private range does not.
#[test]
fn split_cidr_ingress_is_public() {
    let base = [("infra/sg.tf", "# security groups\n")];
    let open = security_group("\"0.0.0.0/1\", \"128.0.0.0/1\"");
    let (code, report) = judge(&base, &[("infra/sg.tf", Some(&open))], true);
    assert_eq!(code, 3, "{report}");
    assert!(
        ids(&report).contains(&"public-ingress".to_string()),
        "{report}"
    );

    let private = security_group("\"10.0.0.0/8\"");
    let (_, report) = judge(&base, &[("infra/sg.tf", Some(&private))], true);
    assert!(
        !ids(&report).contains(&"public-ingress".to_string()),
        "{report}"
    );
}

/// Attaching the AWS-managed `AdministratorAccess` policy grants `*` on `*` as surely as an
/// inline wildcard statement: `iam-wildcard`, sign-off for an AI change.
#[test]
fn managed_admin_policy_attachment_is_a_wildcard() {
    let base = [(
        "infra/iam.tf",
        "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n  assume_role_policy = \"{}\"\n}\n",
    )];
    let attach = "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n  assume_role_policy = \"{}\"\n}\nresource \"aws_iam_role_policy_attachment\" \"ci_admin\" {\n  role       = aws_iam_role.ci.name\n  policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n";
    let (code, report) = judge(&base, &[("infra/iam.tf", Some(attach))], true);
    assert_eq!(code, 3, "{report}");
    assert!(
        ids(&report).contains(&"iam-wildcard".to_string()),
        "{report}"
    );

    let read_only = attach.replace("AdministratorAccess", "ReadOnlyAccess");
    let (_, report) = judge(&base, &[("infra/iam.tf", Some(&read_only))], true);
    assert!(
        !ids(&report).contains(&"iam-wildcard".to_string()),
        "{report}"
    );
}

/// A `ClusterRole` granting `*` verbs on `*` resources, bound to a service account in another
/// file: cluster-admin under another name. A read-only role is not.
#[test]
fn wildcard_role_bound_to_service_account_is_cluster_admin() {
    let role = |verbs: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: deployer\nrules:\n  - apiGroups: [\"*\"]\n    resources: [\"*\"]\n    verbs: [{verbs}]\n"
        )
    };
    let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: deployer\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: deployer\nsubjects:\n  - kind: ServiceAccount\n    name: ci\n    namespace: build\n";
    let base = [("k8s/README.md", "cluster\n")];
    let wild = role("\"*\"");
    let (code, report) = judge(
        &base,
        &[
            ("k8s/role.yaml", Some(&wild)),
            ("k8s/binding.yaml", Some(binding)),
        ],
        true,
    );
    assert_eq!(code, 3, "{report}");
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "cluster-admin-granted")
        .unwrap_or_else(|| panic!("cluster-admin-granted: {report}"));
    assert_eq!(finding["file"], "k8s/binding.yaml", "{finding}");

    let read = role("\"get\", \"list\"");
    let (_, report) = judge(
        &base,
        &[
            ("k8s/role.yaml", Some(&read)),
            ("k8s/binding.yaml", Some(binding)),
        ],
        true,
    );
    assert!(
        !ids(&report).contains(&"cluster-admin-granted".to_string()),
        "{report}"
    );
}

/// Downloading to a file and running it is the same as piping into a shell, in a Dockerfile
/// and in a script; so is piping into `python3`. A download that is only read is not.
#[test]
fn saved_and_run_downloads_are_pipe_to_shell() {
    let base = [
        ("Dockerfile", "FROM debian:12.5\nRUN apt-get update\n"),
        ("scripts/setup.sh", "#!/bin/sh\nset -e\n"),
    ];
    let docker = "FROM debian:12.5\nRUN apt-get update\nRUN curl -fsSL -o /tmp/i.sh https://get.example.com/i.sh && sh /tmp/i.sh\n";
    let (code, report) = judge(&base, &[("Dockerfile", Some(docker))], true);
    assert_eq!(code, 3, "{report}");
    assert!(
        ids(&report).contains(&"pipe-to-shell".to_string()),
        "{report}"
    );

    let script = "#!/bin/sh\nset -e\ncurl -fsSL https://tools.example.com/get.py | python3 -\n";
    let (code, report) = judge(&base, &[("scripts/setup.sh", Some(script))], true);
    assert_eq!(code, 3, "{report}");
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "pipe-to-shell")
        .unwrap_or_else(|| panic!("pipe-to-shell: {report}"));
    assert_eq!(finding["file"], "scripts/setup.sh", "{finding}");

    let fetch_only = "#!/bin/sh\nset -e\ncurl -fsSL -o data.json https://x.example.com/d.json && jq . data.json\n";
    let (_, report) = judge(&base, &[("scripts/setup.sh", Some(fetch_only))], true);
    assert!(
        !ids(&report).contains(&"pipe-to-shell".to_string()),
        "{report}"
    );
}

/// `WHERE 1=1` and `WHERE true` bound nothing: `migration-unbounded-write`. `WHERE id = 1`
/// is a bound.
#[test]
fn always_true_where_is_an_unbounded_write() {
    let base = [(
        "db/migrations/001_init.sql",
        "CREATE TABLE sessions (id int);\n",
    )];
    for sql in [
        "DELETE FROM sessions WHERE 1=1;\n",
        "UPDATE sessions SET id = 0 WHERE true;\n",
    ] {
        let (code, report) = judge(&base, &[("db/migrations/002_purge.sql", Some(sql))], true);
        assert_eq!(code, 3, "{sql}: {report}");
        assert!(
            ids(&report).contains(&"migration-unbounded-write".to_string()),
            "{sql}: {report}"
        );
    }
    let bounded = "DELETE FROM sessions WHERE id = 1;\n";
    let (code, report) = judge(
        &base,
        &[("db/migrations/002_purge.sql", Some(bounded))],
        false,
    );
    assert_eq!(code, 0, "{report}");
    assert!(
        !ids(&report).contains(&"migration-unbounded-write".to_string()),
        "{report}"
    );
}

/// A `-- +goose Down` marker in a dbmate migration hides nothing: dbmate runs the DROP, so it
/// is found. In a real goose file the Down section is still only the rollback.
#[test]
fn reverse_marker_of_another_tool_hides_nothing() {
    let base = [(
        "db/migrations/001_init.sql",
        "-- migrate:up\nCREATE TABLE users (id int);\n",
    )];
    let hidden = "-- migrate:up\nCREATE TABLE tags (id int);\n-- +goose Down\nDROP TABLE users;\n";
    let (code, report) = judge(&base, &[("db/migrations/002_tags.sql", Some(hidden))], true);
    assert_eq!(code, 3, "{report}");
    assert!(
        ids(&report).contains(&"migration-drops-data".to_string()),
        "{report}"
    );

    let goose = "-- +goose Up\nCREATE TABLE tags (id int);\n-- +goose Down\nDROP TABLE tags;\n";
    let (_, report) = judge(&base, &[("db/migrations/002_tags.sql", Some(goose))], false);
    assert!(
        !ids(&report).contains(&"migration-drops-data".to_string()),
        "{report}"
    );
}

/// A repository whose `vendor/lib` submodule has a Terraform database, bumped to a commit
/// that removes it.
fn superproject_with_submodule() -> (Repo, Repo) {
    let library = Repo::new();
    library.write(
        "main.tf",
        "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n",
    );
    library.commit("Database");
    let superproject = Repo::new();
    superproject.write("README.md", "# app\n");
    superproject.commit("Base");
    let url = format!("file://{}", library.path.display());
    superproject.git(&["submodule", "add", "-q", &url, "vendor/lib"]);
    superproject.commit("Add the library");
    (superproject, library)
}

/// A submodule bump whose commits are in the repository is judged by what it changes inside
/// the submodule: removing a database there blocks, at the submodule's path.
#[test]
fn submodule_bump_is_judged_by_its_contents() {
    let (superproject, library) = superproject_with_submodule();
    library.remove("main.tf");
    library.commit("Drop the database");
    let sub = superproject.path.join("vendor/lib");
    let sub_git = |args: &[&str]| {
        let mut command = superproject.git_command(args);
        command.current_dir(&sub);
        let output = command.output().expect("git in submodule");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    sub_git(&["pull", "-q", "origin", "main"]);
    superproject.git(&["checkout", "-q", "-b", "bump"]);
    superproject.commit("Bump the library");
    let result = blastgate(
        &superproject,
        &["check", "--base", "main", "--format", "json"],
    );
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "stateful-resource-destroyed")
        .unwrap_or_else(|| panic!("stateful-resource-destroyed: {report}"));
    assert_eq!(finding["file"], "vendor/lib/main.tf", "{finding}");
    assert!(
        !ids(&report).contains(&"submodule-unanalysed".to_string()),
        "{report}"
    );
}

/// On a server, the submodule's commits are not there: the bump is `submodule-unanalysed`, and
/// the pre-receive hook refuses an AI-assisted one (a human one needs sign-off).
#[test]
fn submodule_bump_without_its_commits_is_unanalysed_on_the_server() {
    let (superproject, library) = superproject_with_submodule();
    let server = Repo::bare();
    let url = server.path.to_string_lossy().into_owned();
    superproject.git(&["push", "-q", &url, "main"]);
    let hook = server.path.join("hooks/pre-receive");
    std::fs::write(&hook, format!("#!/bin/sh\nexec '{BINARY}' pre-receive\n")).expect("hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    library.write("lib.sh", "echo hi\n");
    let bumped = library.commit("More library");
    superproject.git(&[
        "update-index",
        "--cacheinfo",
        &format!("160000,{bumped},vendor/lib"),
    ]);
    superproject.git(&[
        "commit",
        "-q",
        "-m",
        &format!("Bump the library\n\n{CLAUDE_TRAILER}\n"),
    ]);
    let output = superproject
        .git_command(&["push", &url, "HEAD:main"])
        .output()
        .expect("git push");
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{said}");
    assert!(said.contains("submodule-unanalysed"), "{said}");
}

/// Judged in a clone without the submodule's commits, a bump declared human or unattributed
/// needs a senior's sign-off (exit 3), and an AI one is blocked (exit 1): unknown code is
/// never allowed silently.
#[test]
fn submodule_bump_without_its_commits_needs_review_or_blocks() {
    let repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "bump"]);
    let missing = "0123456789abcdef0123456789abcdef01234567";
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{missing},vendor/lib"),
    ]);
    repo.git(&["commit", "-q", "-m", "Bump"]);
    let check = ["check", "--base", "main", "--format", "json"];
    let human = blastgate(&repo, &[&check[..], &["--ai-assisted", "no"]].concat());
    assert_eq!(human.code, 3, "{}{}", human.stdout, human.stderr);
    let report = human.json();
    assert!(
        ids(&report).contains(&"submodule-unanalysed".to_string()),
        "{report}"
    );
    assert_eq!(
        report["rules"][0]["rule"], "unanalysed-submodule-needs-review",
        "{report}"
    );
    let unattributed = blastgate(&repo, &check);
    assert_eq!(unattributed.code, 3, "{}", unattributed.stdout);
    let ai = blastgate(&repo, &[&check[..], &["--ai-assisted", "yes"]].concat());
    assert_eq!(ai.code, 1, "{}", ai.stdout);
    assert!(
        ai.stdout.contains("unanalysed-submodule-blocks-ai"),
        "{}",
        ai.stdout
    );
}

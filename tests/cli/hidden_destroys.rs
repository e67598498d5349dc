//! Hidden destroys are destroys (issue 11): changes that destroy infrastructure or data without
//! looking like a deletion (a rename Terraform does not load, a move into another module,
//! `count = 0`, a local module re-pointed, JSON syntax, manifests and templates spelled
//! differently, a framework migration in an unexpected directory). Each is a real repository,
//! a real commit and the real binary, asserting the exit code and the finding; near misses
//! stay quiet.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

/// One step of a change: write a file, remove it, `git mv` it, or make it a symbolic link
/// (path, target).
pub(crate) enum Step<'a> {
    Write(&'a str, &'a str),
    Remove(&'a str),
    Move(&'a str, &'a str),
    Link(&'a str, &'a str),
}

use Step::{Move, Remove, Write};

/// Replaces whatever is at `path` in `repo` by a symbolic link to `target`.
pub(crate) fn link(repo: &Repo, path: &str, target: &str) {
    let full = repo.path.join(path);
    std::fs::create_dir_all(full.parent().expect("file has a parent")).expect("mkdir");
    if full.symlink_metadata().is_ok() {
        std::fs::remove_file(&full).expect("remove before linking");
    }
    std::os::unix::fs::symlink(target, &full).expect("symlink");
}

/// Commits `files` on `main`, then `change` on branch `topic` (AI-assisted when `ai`, by the
/// Claude Code trailer), and judges `main..topic` in JSON: the exit code, the finding ids and
/// the (id, subject) pairs.
pub(crate) fn judge(files: &[(&str, &str)], change: &[Step<'_>], ai: bool) -> Judged {
    judge_with_links(files, &[], change, ai)
}

/// [`judge`] with symbolic links (path, target) committed on `main` beside `files`.
pub(crate) fn judge_with_links(
    files: &[(&str, &str)],
    links: &[(&str, &str)],
    change: &[Step<'_>],
    ai: bool,
) -> Judged {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    for (path, content) in files {
        repo.write(path, content);
    }
    for (path, target) in links {
        link(&repo, path, target);
    }
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for step in change {
        match step {
            Write(path, content) => {
                repo.write(path, content);
            }
            Remove(path) => {
                repo.remove(path);
            }
            Move(from, to) => {
                if let Some((dir, _)) = to.rsplit_once('/') {
                    std::fs::create_dir_all(repo.path.join(dir)).expect("mkdir");
                }
                repo.git(&["mv", from, to]);
            }
            Step::Link(path, target) => link(&repo, path, target),
        }
    }
    let message = if ai {
        format!("Tidy up\n\n{CLAUDE_TRAILER}\n")
    } else {
        "Tidy up".to_string()
    };
    repo.commit(&message);
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    let report = result.json();
    let ids = field_of(&report, "findings", "id");
    let subjects = field_of(&report, "findings", "subject");
    Judged {
        code: result.code,
        pairs: ids.iter().cloned().zip(subjects).collect(),
        ids,
        report: result.stdout,
    }
}

pub(crate) struct Judged {
    pub(crate) code: i32,
    pub(crate) ids: Vec<String>,
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) report: String,
}

impl Judged {
    pub(crate) fn has(&self, id: &str, subject: &str) -> bool {
        self.pairs.iter().any(|(i, s)| i == id && s == subject)
    }

    pub(crate) fn assert(&self, code: i32, id: &str, subject: &str) {
        assert_eq!(self.code, code, "{}", self.report);
        assert!(
            self.has(id, subject),
            "no {id} on {subject}: {}",
            self.report
        );
    }

    pub(crate) fn quiet(&self, ids: &[&str]) {
        for id in ids {
            assert!(!self.ids.iter().any(|i| i == id), "{id}: {}", self.report);
        }
    }
}

const DB: &str = "resource \"aws_db_instance\" \"main\" {\n  engine            = \"postgres\"\n  instance_class    = \"db.t3.micro\"\n  allocated_storage = 20\n}\n";
const ROLE: &str = "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n}\n";
const BUCKET: &str = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";
/// Every finding that says a resource goes or is recreated.
pub(crate) const DESTROYS: &[&str] = &[
    "resource-destroyed",
    "stateful-resource-destroyed",
    "resource-replaced",
    "stateful-resource-replaced",
];

/// An AI commit renames `main.tf` holding the database to `main.tf.disabled`: Terraform no
/// longer loads it, the database is destroyed, and the block rule fires.
#[test]
fn main_tf_renamed_to_disabled_blocks() {
    let judged = judge(
        &[("infra/main.tf", DB), ("infra/iam.tf", ROLE)],
        &[Move("infra/main.tf", "infra/main.tf.disabled")],
        true,
    );
    judged.assert(1, "stateful-resource-destroyed", "aws_db_instance.main");
    assert!(
        judged.report.contains("stateful-destroy-blocks"),
        "{}",
        judged.report
    );
    // Renamed to another loaded name, it is the same resource.
    let judged = judge(
        &[("infra/main.tf", DB), ("infra/iam.tf", ROLE)],
        &[Move("infra/main.tf", "infra/database.tf")],
        true,
    );
    judged.quiet(DESTROYS);
}

/// A file moved into another root module is destroyed in the one it left, whose other files
/// stay (and are not touched by the change). A whole directory moved is not a destroy.
#[test]
fn moved_into_another_root_module() {
    let base = [
        ("envs/prod/db.tf", DB),
        ("envs/prod/iam.tf", ROLE),
        ("envs/stage/main.tf", BUCKET),
    ];
    let judged = judge(&base, &[Move("envs/prod/db.tf", "envs/stage/db.tf")], false);
    judged.assert(1, "stateful-resource-destroyed", "aws_db_instance.main");
    let judged = judge(
        &base,
        &[
            Move("envs/prod/db.tf", "envs/production/db.tf"),
            Move("envs/prod/iam.tf", "envs/production/iam.tf"),
        ],
        false,
    );
    judged.quiet(DESTROYS);
}

/// `count = 0` added to a plain resource by an AI commit needs a senior (exit 3); an empty
/// `for_each` likewise.
#[test]
fn count_zero_and_empty_for_each_destroy() {
    for meta in ["count = 0", "for_each = {}", "for_each = toset([])"] {
        let emptied = ROLE.replace("{\n", &format!("{{\n  {meta}\n"));
        let judged = judge(
            &[("infra/iam.tf", ROLE)],
            &[Write("infra/iam.tf", &emptied)],
            true,
        );
        judged.assert(3, "resource-destroyed", "aws_iam_role.ci");
    }
}

const CALL: &str = "module \"db\" {\n  source = \"./modules/db\"\n}\n";

/// A local module holding a database, removed or pointed at a directory without it: the
/// database inside is destroyed, judged from the module's files the change does not touch.
#[test]
fn local_module_removed_or_repointed() {
    let base = [
        ("infra/main.tf", CALL),
        ("infra/iam.tf", ROLE),
        ("infra/modules/db/main.tf", DB),
        ("infra/modules/cache/main.tf", BUCKET),
    ];
    for new in [
        ROLE.to_string(),
        CALL.replace("./modules/db", "./modules/cache"),
    ] {
        let judged = judge(&base, &[Write("infra/main.tf", &new)], false);
        judged.assert(
            1,
            "stateful-resource-destroyed",
            "module.db.aws_db_instance.main",
        );
    }
    // Renamed with a moved block: nothing is destroyed.
    let renamed = "module \"database\" {\n  source = \"./modules/db\"\n}\n\nmoved {\n  from = module.db\n  to   = module.database\n}\n";
    let judged = judge(&base, &[Write("infra/main.tf", renamed)], false);
    judged.quiet(DESTROYS);
}

/// Terraform JSON syntax is read: the database removed from `main.tf.json` is destroyed.
#[test]
fn terraform_json_destroy() {
    let both = "{\n  \"resource\": {\n    \"aws_db_instance\": {\n      \"main\": { \"engine\": \"postgres\" }\n    },\n    \"aws_s3_bucket\": {\n      \"logs\": { \"bucket\": \"logs\" }\n    }\n  }\n}\n";
    let bucket = "{\n  \"resource\": {\n    \"aws_s3_bucket\": {\n      \"logs\": { \"bucket\": \"logs\" }\n    }\n  }\n}\n";
    let judged = judge(
        &[("infra/main.tf.json", both)],
        &[Write("infra/main.tf.json", bucket)],
        false,
    );
    judged.assert(1, "stateful-resource-destroyed", "aws_db_instance.main");
}

/// An Alembic revision under `migrations/` (where Django's layout would be assumed) dropping
/// a table is a forward drop.
#[test]
fn alembic_under_migrations_drops_data() {
    let revision = "\"\"\"drop legacy users\"\"\"\nfrom alembic import op\n\nrevision = \"1a2b\"\ndown_revision = None\n\n\ndef upgrade():\n    op.drop_table(\"legacy_users\")\n\n\ndef downgrade():\n    pass\n";
    let judged = judge(
        &[],
        &[Write("migrations/0007_drop_legacy.py", revision)],
        true,
    );
    judged.assert(3, "migration-drops-data", "legacy_users");
}

/// A JSON Kubernetes manifest scaled to zero, and a YAML one spelled `kind : Deployment`.
#[test]
fn kubernetes_by_content() {
    let json = |replicas: u32| {
        format!(
            "{{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\",\n  \"metadata\": {{ \"name\": \"web\" }},\n  \"spec\": {{\n    \"replicas\": {replicas},\n    \"template\": {{ \"spec\": {{ \"containers\": [{{ \"name\": \"web\", \"image\": \"nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000\" }}] }} }}\n  }}\n}}\n"
        )
    };
    let judged = judge(
        &[("deploy/web.json", &json(3))],
        &[Write("deploy/web.json", &json(0))],
        true,
    );
    judged.assert(3, "workload-scaled-to-zero", "Deployment/web");
    let spaced = |replicas: u32| {
        format!(
            "apiVersion : apps/v1\nkind : Deployment\nmetadata :\n  name : api\nspec :\n  replicas : {replicas}\n"
        )
    };
    let judged = judge(
        &[("k8s/api.yml", &spaced(2))],
        &[Write("k8s/api.yml", &spaced(0))],
        true,
    );
    judged.assert(3, "workload-scaled-to-zero", "Deployment/api");
}

/// A `CloudFormation` template without the version header loses its database: stateful.
#[test]
fn cloudformation_without_header_destroys_database() {
    let both = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n  Logs:\n    Type: AWS::Logs::LogGroup\n";
    let logs = "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n";
    let judged = judge(
        &[("stack/app.yaml", both)],
        &[Write("stack/app.yaml", logs)],
        false,
    );
    judged.assert(1, "stateful-resource-destroyed", "Db");
    // The last AWS:: resource removed: the file is still read as the template it was.
    let judged = judge(
        &[(
            "stack/db.yaml",
            "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n",
        )],
        &[Write("stack/db.yaml", "Resources: {}\n")],
        false,
    );
    judged.assert(1, "stateful-resource-destroyed", "Db");
}

/// Removing a file that is no longer a step: `Remove` is used for a deleted module file.
#[test]
fn deleted_module_files_with_call_removed() {
    let judged = judge(
        &[
            ("infra/main.tf", CALL),
            ("infra/iam.tf", ROLE),
            ("infra/modules/db/main.tf", DB),
        ],
        &[Remove("infra/main.tf"), Remove("infra/modules/db/main.tf")],
        false,
    );
    judged.assert(
        1,
        "stateful-resource-destroyed",
        "module.db.aws_db_instance.main",
    );
}

const STS_TEMPLATE: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Release.Name }}-postgres\nspec:\n  serviceName: postgres\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: postgres\n          image: postgres:16.2\n";
const PVC_TEMPLATE: &str = "{{- if .Values.persistence.enabled }}\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Release.Name }}-data\nspec:\n  resources:\n    requests:\n      storage: 50Gi\n{{- end }}\n";

/// A Helm chart's `StatefulSet` or PVC template deleted, or the `StatefulSet`'s templated name
/// changed: `helm upgrade` deletes what the release no longer renders, as `kubectl apply
/// --prune` does for a plain manifest (red-team `helm-delete.sh`; each was allowed, since a
/// template was read only on its added lines). A template moved within the chart, an image
/// bumped, or a claim Helm keeps (`helm.sh/resource-policy: keep`) removed destroys nothing.
#[test]
fn helm_template_removed_or_renamed_destroys() {
    let chart = [
        (
            "charts/app/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\n",
        ),
        ("charts/app/values.yaml", "persistence:\n  enabled: true\n"),
        ("charts/app/templates/statefulset.yaml", STS_TEMPLATE),
        ("charts/app/templates/pvc.yaml", PVC_TEMPLATE),
    ];
    let sts = "StatefulSet/{{ .Release.Name }}-postgres";
    judge(
        &chart,
        &[Remove("charts/app/templates/statefulset.yaml")],
        false,
    )
    .assert(1, "stateful-resource-destroyed", sts);
    judge(&chart, &[Remove("charts/app/templates/pvc.yaml")], true).assert(
        1,
        "stateful-resource-destroyed",
        "PersistentVolumeClaim/{{ .Release.Name }}-data",
    );
    let renamed = STS_TEMPLATE.replace("-postgres\n", "-pg\n");
    judge(
        &chart,
        &[Write("charts/app/templates/statefulset.yaml", &renamed)],
        true,
    )
    .assert(1, "stateful-resource-destroyed", sts);

    let moved = judge(
        &chart,
        &[Move(
            "charts/app/templates/statefulset.yaml",
            "charts/app/templates/db/statefulset.yaml",
        )],
        true,
    );
    moved.quiet(DESTROYS);
    let bumped = STS_TEMPLATE.replace("16.2", "16.3");
    let bumped = judge(
        &chart,
        &[Write("charts/app/templates/statefulset.yaml", &bumped)],
        true,
    );
    bumped.quiet(DESTROYS);
    assert_eq!(bumped.code, 0, "{}", bumped.report);

    // Helm leaves an object annotated `helm.sh/resource-policy: keep` in the cluster.
    let kept = PVC_TEMPLATE.replace(
        "  name: {{ .Release.Name }}-data\n",
        "  name: {{ .Release.Name }}-data\n  annotations:\n    helm.sh/resource-policy: keep\n",
    );
    let mut with_kept = chart;
    with_kept[3].1 = &kept;
    judge(&with_kept, &[Remove("charts/app/templates/pvc.yaml")], true).quiet(DESTROYS);
}

const PVC: &str = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: uploads\n  namespace: prod\nspec:\n  resources:\n    requests:\n      storage: 50Gi\n";

/// A Kustomize build that deletes its PVC with a `$patch: delete` patch is a stateful
/// destroy, and one whose `namespace:` or `namePrefix:` changes re-creates every object under a
/// new name (prune deletes the old ones): each was allowed (red-team `kustomize-delete.sh`),
/// while dropping the file from `resources:` needed review. Adding a resource is quiet.
#[test]
fn kustomize_patch_delete_and_rename_destroy() {
    let base = [
        ("k8s/pvc.yaml", PVC),
        ("k8s/kustomization.yaml", "resources:\n  - pvc.yaml\n"),
    ];
    let patch = "resources:\n  - pvc.yaml\npatches:\n  - patch: |-\n      $patch: delete\n      apiVersion: v1\n      kind: PersistentVolumeClaim\n      metadata:\n        name: uploads\n        namespace: prod\n";
    judge(&base, &[Write("k8s/kustomization.yaml", patch)], true).assert(
        1,
        "stateful-resource-destroyed",
        "PersistentVolumeClaim/prod/uploads",
    );
    for (field, text) in [
        (
            "namespace",
            "namespace: prod-v2\nresources:\n  - pvc.yaml\n",
        ),
        ("namePrefix", "namePrefix: v2-\nresources:\n  - pvc.yaml\n"),
    ] {
        judge(&base, &[Write("k8s/kustomization.yaml", text)], true).assert(
            3,
            "resource-destroyed",
            field,
        );
    }
    let added = judge(
        &base,
        &[
            Write(
                "k8s/svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
            ),
            Write(
                "k8s/kustomization.yaml",
                "resources:\n  - pvc.yaml\n  - svc.yaml\n",
            ),
        ],
        true,
    );
    added.quiet(DESTROYS);
}

const CFN: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: orders\n  Archive:\n    Type: AWS::S3::Bucket\n    Condition: IsProd\n  Topic:\n    Type: AWS::SNS::Topic\n";

/// `CloudFormation` deletes a resource whose condition becomes false: a `Condition: Never` added
/// to a `DynamoDB` table, or a parameter default flipped under the condition an S3 bucket uses,
/// is a stateful destroy (red-team `cfn-condition.sh`; both were allowed). The same condition
/// on a stateless topic, or a default no stateful resource's condition reads, stays quiet.
#[test]
fn cloudformation_condition_may_delete_stateful_resource() {
    let never = CFN
        .replace(
            "  IsProd: !Equals [!Ref Env, prod]\n",
            "  IsProd: !Equals [!Ref Env, prod]\n  Never: !Equals [a, b]\n",
        )
        .replace(
            "    Type: AWS::DynamoDB::Table\n",
            "    Type: AWS::DynamoDB::Table\n    Condition: Never\n",
        );
    judge(
        &[("cfn/stack.yaml", CFN)],
        &[Write("cfn/stack.yaml", &never)],
        true,
    )
    .assert(1, "stateful-resource-destroyed", "Orders");
    let flipped = CFN.replace("Default: prod", "Default: dev");
    judge(
        &[("cfn/stack.yaml", CFN)],
        &[Write("cfn/stack.yaml", &flipped)],
        true,
    )
    .assert(1, "stateful-resource-destroyed", "Archive");
    let topic = CFN.replace(
        "    Type: AWS::SNS::Topic\n",
        "    Type: AWS::SNS::Topic\n    Condition: IsProd\n",
    );
    let quiet = judge(
        &[("cfn/stack.yaml", CFN)],
        &[Write("cfn/stack.yaml", &topic)],
        true,
    );
    quiet.quiet(&["stateful-resource-destroyed"]);
    let unread = CFN.replace(
        "  Env:\n",
        "  Size:\n    Type: Number\n    Default: 2\n  Env:\n",
    );
    let unread = judge(
        &[("cfn/stack.yaml", CFN)],
        &[Write(
            "cfn/stack.yaml",
            &unread.replace("Default: 2", "Default: 3"),
        )],
        true,
    );
    unread.quiet(&["stateful-resource-destroyed"]);
}

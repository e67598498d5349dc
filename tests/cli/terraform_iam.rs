//! Terraform IAM wildcards the literal rules cannot see (issue 13): a `dynamic "statement"`
//! over a variable's default, and `*` passed to a module input. A real repository, an
//! AI-assisted commit, the real binary: the exit code and the finding.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

/// Commits `base` as `infra/iam.tf` on `main`, then `change` on `topic` (AI-assisted), and
/// judges `main..topic`: the exit code and the (id, subject) pairs.
fn judge(base: &str, change: &str) -> (i32, Vec<(String, String)>, String) {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n")
        .write("infra/iam.tf", base);
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("infra/iam.tf", change);
    repo.commit(&format!("Widen the CI policy\n\n{CLAUDE_TRAILER}\n"));
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    let report = result.json();
    let ids = field_of(&report, "findings", "id");
    let subjects = field_of(&report, "findings", "subject");
    (
        result.code,
        ids.into_iter().zip(subjects).collect(),
        result.stdout,
    )
}

fn statements(second: &str) -> String {
    format!(
        r#"variable "statements" {{
  default = [
    {{ actions = ["s3:GetObject"], resources = ["arn:aws:s3:::logs/*"] }},
    {second}
  ]
}}

data "aws_iam_policy_document" "ci" {{
  dynamic "statement" {{
    for_each = var.statements
    content {{
      actions   = statement.value.actions
      resources = statement.value.resources
    }}
  }}
}}
"#
    )
}

/// A new element with `*` in the default a `dynamic "statement"` iterates is an
/// `iam-wildcard` on the policy document, and the AI-assisted change needs review; a narrow
/// new element is not.
#[test]
fn dynamic_statement_wildcard_needs_review() {
    let base = statements("");
    let narrow =
        statements(r#"{ actions = ["s3:PutObject"], resources = ["arn:aws:s3:::logs/*"] },"#);
    let (code, pairs, report) = judge(&base, &narrow);
    assert!(
        !pairs.iter().any(|(id, _)| id == "iam-wildcard"),
        "{report}"
    );
    assert_eq!(code, 0, "{report}");
    let wide = statements(r#"{ actions = ["*"], resources = ["*"] },"#);
    let (code, pairs, report) = judge(&base, &wide);
    assert_eq!(code, 3, "{report}");
    let wildcard = (
        "iam-wildcard".to_string(),
        "data.aws_iam_policy_document.ci".to_string(),
    );
    assert!(pairs.contains(&wildcard), "{report}");
}

/// `*` given to a module's `actions` input through a variable's default is a wildcard grant.
#[test]
fn module_input_wildcard_needs_review() {
    let call = |actions: &str| {
        format!(
            "variable \"ci_actions\" {{\n  default = {actions}\n}}\n\nmodule \"ci_role\" {{\n  source  = \"./modules/role\"\n  actions = var.ci_actions\n}}\n"
        )
    };
    let (code, pairs, report) = judge(&call("[\"s3:GetObject\"]"), &call("[\"*\"]"));
    assert_eq!(code, 3, "{report}");
    assert!(
        pairs.contains(&("iam-wildcard".to_string(), "module.ci_role".to_string())),
        "{report}"
    );
}

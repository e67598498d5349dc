//! Terraform changes a red team pushed through a real `pre-receive` hook as AI-assisted commits
//! that destroy or replace stateful resources without looking like it (file names Terraform does
//! not load, `.tofu` shadows, override files, symbolic links, replacement-forcing arguments,
//! locals). Each is a real repository, a real commit and the real binary, asserting the exit
//! code and the finding; each has a near miss that stays quiet.

use crate::hidden_destroys::{Step, judge};

const DB: &str = "resource \"aws_db_instance\" \"db\" {\n  identifier = \"prod-db\"\n  engine     = \"postgres\"\n}\n";
const VARIABLES: &str = "variable \"region\" {\n  default = \"us-east-1\"\n}\n";
const DESTROYS: &[&str] = &[
    "resource-destroyed",
    "stateful-resource-destroyed",
    "resource-replaced",
    "stateful-resource-replaced",
];

/// `db.tf` renamed to `db.TF`: Terraform loads only the lower-case suffix (terraform 1.11 plans
/// the resources of `b.TF` as absent), so the database is destroyed and the AI commit blocked.
#[test]
fn upper_case_suffix_is_not_loaded() {
    let judged = judge(
        &[("infra/db.tf", DB), ("infra/variables.tf", VARIABLES)],
        &[Step::Move("infra/db.tf", "infra/db.TF")],
        true,
    );
    judged.assert(1, "stateful-resource-destroyed", "aws_db_instance.db");
    assert!(judged.report.contains("db.TF"), "{}", judged.report);
}

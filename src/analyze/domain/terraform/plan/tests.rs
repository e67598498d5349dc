//! The plan reader on real plans (`scripts/terraform-plans.sh` made them with Terraform from
//! `fixtures/infra/terraform/plans/<case>/{before,after}`) and hand-written AWS plans, then
//! reconciled with the source analysis of the same change.

use super::*;
use crate::analyze::Fact;
use crate::analyze::domain::Versions;
use crate::analyze::domain::terraform::replacement::{ExtraRows, Tables};
use crate::analyze::domain::terraform::{Parser, analyze_with_tables};
use crate::diff::{FileChange, FileStatus};
use crate::signal::Signal;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/infra/terraform/plans"
);

fn plan(name: &str) -> Plan {
    let path = if Path::new(name).extension().is_some() {
        format!("{DIR}/{name}")
    } else {
        format!("{DIR}/{name}/plan.json")
    };
    let mut plan = read(Path::new(&path)).expect("fixture plan reads");
    plan.name = "plan.json".to_string();
    plan
}

/// `terraform_data` counted as stateful, as a policy's `stateful_types` row would.
fn data_is_stateful() -> ExtraRows {
    ExtraRows {
        stateful: vec![("terraform_data".into(), "a test resource".into())],
        force_new: Vec::new(),
    }
}

/// The facts of `plans` alone (no source facts).
fn plan_facts(plans: &[Plan], extra: &ExtraRows) -> Vec<Fact> {
    let mut facts = Vec::new();
    reconcile(&mut facts, plans, extra);
    facts
}

fn pairs(facts: &[Fact]) -> Vec<(Signal, String)> {
    facts
        .iter()
        .map(|f| (f.signal, f.subject.clone().unwrap_or_default()))
        .collect()
}

/// The source analysis of the case's `main.tf` (and module files), before → after.
fn source_facts(case: &str) -> Vec<Fact> {
    let mut files = Vec::new();
    for path in ["main.tf", "modules/app/main.tf", "modules/db/main.tf"] {
        let read = |side: &str| std::fs::read(format!("{DIR}/{case}/{side}/{path}")).ok();
        let (old, new) = (read("before"), read("after"));
        if old.is_none() && new.is_none() {
            continue;
        }
        let file = FileChange::new(
            FileStatus::Modified,
            Some(path.to_string()),
            Some(path.to_string()),
        );
        files.push((file, old, new));
    }
    let versions: Vec<Versions<'_>> = files
        .iter()
        .map(|(file, old, new)| Versions {
            file,
            old: old.as_deref(),
            new: new.as_deref(),
        })
        .collect();
    analyze_with_tables(&versions, Tables::builtin(), Parser::uncached()).facts
}

/// `["delete"]`: the resource no longer in the configuration, with Terraform's reason.
#[test]
fn delete_is_a_destroy_from_the_plan() {
    let facts = plan_facts(&[plan("delete")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [(Signal::ResourceDestroyed, "terraform_data.gone".into())]
    );
    let message = &facts[0].message;
    assert!(
        message.starts_with("from the plan plan.json: destroys terraform_data.gone"),
        "{message}"
    );
    assert!(
        message.contains("no longer in the configuration"),
        "{message}"
    );
    // Stateful types come from the same table as the source analysis's (policy rows included).
    let facts = plan_facts(&[plan("delete")], &data_is_stateful());
    assert_eq!(facts[0].signal, Signal::StatefulResourceDestroyed);
    assert!(facts[0].message.contains("data loss unless snapshotted"));
}

/// `["delete","create"]` and `["create","delete"]` inside a module: replacements with their
/// order and the attribute that forced them.
#[test]
fn replacement_inside_a_module() {
    let facts = plan_facts(&[plan("module-replace")], &data_is_stateful());
    assert_eq!(
        pairs(&facts),
        [
            (
                Signal::StatefulResourceReplaced,
                "module.app.terraform_data.cache".into()
            ),
            (
                Signal::StatefulResourceReplaced,
                "module.app.terraform_data.db".into()
            ),
        ]
    );
    assert!(
        facts[0]
            .message
            .contains("creating the new one before destroying the old"),
        "{}",
        facts[0].message
    );
    assert!(
        facts[1]
            .message
            .contains("destroying the old before creating the new"),
        "{}",
        facts[1].message
    );
    assert!(
        facts[1].message.contains("forced by triggers_replace"),
        "{}",
        facts[1].message
    );
    assert!(
        facts[1].message.contains("cannot be updated in place"),
        "{}",
        facts[1].message
    );
}

/// `["forget"]` (a `removed` block with `destroy = false`): not a destroy, still listed.
#[test]
fn forget_is_its_own_finding() {
    let facts = plan_facts(&[plan("forget")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [(Signal::ResourceForgotten, "terraform_data.legacy".into())]
    );
    assert!(facts[0].message.contains("keeps running unmanaged"));
}

/// Instances: a count drop destroys each index past the new count; a removed module call
/// destroys what was in it; a hand-written AWS plan's module instance key is kept.
#[test]
fn instances_and_modules() {
    let facts = plan_facts(&[plan("count-drop")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [
            (Signal::ResourceDestroyed, "terraform_data.worker[1]".into()),
            (Signal::ResourceDestroyed, "terraform_data.worker[2]".into()),
        ]
    );
    assert!(facts[0].message.contains("count index is out of range"));
    let facts = plan_facts(&[plan("module-removed")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [(
            Signal::ResourceDestroyed,
            "module.db.terraform_data.db".into()
        )]
    );
    let facts = plan_facts(
        &[plan("aws-db-replace-in-module.json")],
        &ExtraRows::default(),
    );
    assert_eq!(
        pairs(&facts),
        [(
            Signal::StatefulResourceReplaced,
            "module.data[\"eu\"].aws_db_instance.main".into()
        )]
    );
    assert!(
        facts[0].message.contains("(a database)") && facts[0].message.contains("forced by engine")
    );
    let facts = plan_facts(&[plan("aws-bucket-delete.json")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [
            (
                Signal::StatefulResourceDestroyed,
                "aws_s3_bucket.logs".into()
            ),
            (Signal::ResourceReplaced, "aws_instance.web[1]".into()),
            (Signal::ResourceDestroyed, "aws_instance.web[0]".into()),
        ]
    );
    assert!(
        facts[2].message.contains("deposed object 00000001"),
        "{}",
        facts[2].message
    );
}

/// Where the source analysis and the plan agree, one fact: the plan's, at the source's line.
#[test]
fn agreement_keeps_one_fact_at_the_source_line() {
    let source = source_facts("count-drop");
    assert_eq!(
        pairs(&source),
        [(Signal::ResourceDestroyed, "terraform_data.worker".into())]
    );
    let mut facts = source.clone();
    reconcile(&mut facts, &[plan("count-drop")], &ExtraRows::default());
    assert_eq!(facts.len(), 2, "{facts:#?}");
    for fact in &facts {
        assert_eq!(fact.file.as_deref(), Some("main.tf"));
        assert_eq!(fact.line, source[0].line);
        assert!(
            fact.message.ends_with("the source analysis agrees"),
            "{}",
            fact.message
        );
    }
}

/// The source cannot see that `for_each` moved behind a local with the same keys and warns
/// of re-keying; the plan keeps both instances: the plan wins and says so.
#[test]
fn plan_wins_over_the_source_and_says_so() {
    let mut facts = source_facts("for-each-same");
    assert_eq!(
        pairs(&facts),
        [(Signal::ResourceReplaced, "terraform_data.queue".into())]
    );
    reconcile(&mut facts, &[plan("for-each-same")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [(Signal::PlanContradictsSource, "terraform_data.queue".into())]
    );
    let message = &facts[0].message;
    assert!(
        message.contains("keeps it") && message.ends_with("the plan wins"),
        "{message}"
    );
    assert_eq!(facts[0].file.as_deref(), Some("main.tf"));
}

/// A source fact in a module's directory is matched through the plan's module calls; a
/// different verdict (destroy vs replace) is the plan's, with the source's words quoted.
#[test]
fn module_directory_matches_and_kind_differs() {
    let source = Fact {
        signal: Signal::StatefulResourceDestroyed,
        file: Some("infra/modules/data/main.tf".into()),
        line: Some(3),
        quantity: 1.0,
        message: "destroys aws_db_instance.main (a database)".into(),
        related: Vec::new(),
        subject: Some("aws_db_instance.main".into()),
    };
    let unrelated = Fact {
        subject: Some("aws_db_instance.other".into()),
        ..source.clone()
    };
    let mut facts = vec![source, unrelated.clone()];
    reconcile(
        &mut facts,
        &[plan("aws-db-replace-in-module.json")],
        &ExtraRows::default(),
    );
    assert_eq!(facts.len(), 2, "{facts:#?}");
    assert_eq!(
        facts[1], unrelated,
        "a resource the plan does not list keeps its fact"
    );
    assert_eq!(facts[0].signal, Signal::StatefulResourceReplaced);
    assert_eq!(facts[0].file.as_deref(), Some("infra/modules/data/main.tf"));
    let message = &facts[0].message;
    assert!(
        message.contains("the source analysis said \"destroys aws_db_instance.main"),
        "{message}"
    );
    assert!(message.ends_with("the plan wins"), "{message}");
}

/// What only the plan shows says the source analysis did not find it; two plans both count.
#[test]
fn plan_only_findings_and_several_plans() {
    let facts = plan_facts(&[plan("delete"), plan("forget")], &ExtraRows::default());
    assert_eq!(
        pairs(&facts),
        [
            (Signal::ResourceDestroyed, "terraform_data.gone".into()),
            (Signal::ResourceForgotten, "terraform_data.legacy".into()),
        ]
    );
    assert!(
        facts[0]
            .message
            .ends_with("the source analysis did not find it")
    );
    assert_eq!(facts[0].file, None);
}

/// Bad plans are one-line errors naming the file; nothing is judged from them.
#[test]
fn bad_plans_are_errors() {
    for (bytes, expect) in [
        (&b"not json"[..], "not a JSON object"),
        (b"{\"format_version\":", "EOF"),
        (b"{\"format_version\":\"1.0\",\"values\":{}}", "state file"),
        (b"{\"format_version\":\"2.0\",\"resource_changes\":[]}", "not 1.x"),
        (b"{\"resource_changes\":[]}", "no format_version"),
        (b"{\"format_version\":\"1.2\",\"errored\":true,\"resource_changes\":[]}", "incomplete"),
        (
            b"{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"obliterate\"]}}]}",
            "unknown action",
        ),
        (b"[]", "not a JSON object"),
    ] {
        let error = parse("plan.json", bytes).expect_err("refused");
        assert!(error.contains(expect), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }
    // Non-managed modes carry their own action words; they are skipped, not refused.
    let ephemeral = br#"{"format_version":"1.2","resource_changes":[{"address":"ephemeral.a.b","mode":"ephemeral","type":"a","change":{"actions":["open"]}}]}"#;
    assert_eq!(
        parse("plan.json", ephemeral).map(|p| p.changes.len()),
        Ok(0)
    );
    let missing = read(Path::new("/nonexistent/plan.json")).expect_err("missing");
    assert_eq!(
        missing.to_string(),
        "cannot read the Terraform plan /nonexistent/plan.json: no such file; pass the file `terraform show -json PLANFILE` wrote"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.json");
    std::fs::write(&path, "{").expect("write");
    let shape = read(&path).expect_err("truncated").to_string();
    assert!(
        shape.starts_with(&format!(
            "{} is not a Terraform plan in JSON: ",
            path.display()
        )),
        "{shape}"
    );
}

/// The fuzz seed with quoted keys, nested local modules and an unknown reason is accepted,
/// so the fuzzer starts from the reading path, not only from rejections.
#[test]
fn fuzz_seed_reads() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/seeds/terraform_plan/keys-and-reasons.json"
    );
    let plan = read(Path::new(path)).expect("seed reads");
    assert_eq!(
        plan.module_dirs,
        [
            ("module.a".to_string(), "m/a".to_string()),
            ("module.a.module.b".to_string(), "m/b".to_string())
        ]
    );
    assert_eq!(
        plan.changes[0].config_address,
        "module.a.module.b.aws_db_instance.m"
    );
    assert_eq!(
        plan.changes[0].replace_paths,
        ["tags.env", "ebs_block_device[0].size"]
    );
    let facts = plan_facts(&[plan], &ExtraRows::default());
    assert_eq!(facts.len(), 3);
    assert!(
        facts[1].message.contains("because some_future_reason"),
        "{}",
        facts[1].message
    );
}

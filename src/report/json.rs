//! The JSON report. Its shape is documented in the README and versioned by `schema_version`:
//! fields are only ever added within a version.

use serde::Serialize;

use std::collections::BTreeSet;

use crate::analyze::blast::structure::{Coverage, SymbolImpact};
use crate::analyze::blast::symbols::ChangeKind;
use crate::decide::{AppliedThresholds, RuleHit};
use crate::diff::{CiRun, FileStatus, Origin, Revision};
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::policy::Threshold;
use crate::provenance::Evidence;
use crate::score::{WaivedBy, Waivers};
use crate::vocabulary::{Authorship, Decision};

/// Version of the JSON report's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize, schemars::JsonSchema)]
struct CheckReport<'a> {
    schema_version: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: Body<'a>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct Body<'a> {
    decision: Decision,
    exit_code: u8,
    score: f64,
    thresholds: Thresholds<'a>,
    provenance: ProvenanceJson<'a>,
    policy: PolicyJson,
    origin: &'a Origin,
    base: Option<&'a Revision>,
    head: Option<&'a Revision>,
    /// The CI run, when judged in CI: `{platform, pull_request}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    ci: Option<&'a CiRun>,
    files: Vec<FileJson<'a>>,
    findings: Vec<Finding<'a>>,
    blast_radius: BlastJson<'a>,
    rules: &'a [RuleHit],
    waivers: &'a Waivers,
    reasons: &'a [String],
    next_steps: &'a [String],
    notes: &'a [String],
    /// Senior sign-off, when the decision needed it (`null` otherwise).
    approval: Option<&'a crate::signoff::Approvals>,
}

/// What structural analysis found. Counts are over all symbols; `symbols` has the detail.
#[derive(Serialize, schemars::JsonSchema)]
struct BlastJson<'a> {
    symbols_changed: usize,
    dependent_files: usize,
    call_sites: usize,
    dangling_references: usize,
    critical_dependents: usize,
    coverage: &'a Coverage,
    approximate: &'static str,
    symbols: &'a [SymbolImpact],
}

/// Said in every report: what name-based resolution can and cannot see.
const APPROXIMATE: &str = "References are matched by name within a language family and \
confirmed by tree-sitter in code positions (not comments or strings); in Go, Python, JS/TS, \
Rust, Java, Kotlin and C# only files that share the symbol's package or import or qualify its \
module count (wildcard and dynamic imports count, listed as undecided). Calls through \
reflection, dynamic dispatch or generated code are not seen, and same-named symbols in \
unrelated modules of other languages may be counted. Counts lean towards under-counting.";

fn blast(evaluation: &Evaluation) -> BlastJson<'_> {
    let blast = &evaluation.facts.blast;
    let changed = blast
        .symbols
        .iter()
        .filter(|s| !matches!(s.change.change, ChangeKind::Added | ChangeKind::Moved));
    let dependents: BTreeSet<&str> = blast
        .symbols
        .iter()
        .flat_map(|s| s.dependent_files.iter().map(String::as_str))
        .collect();
    BlastJson {
        symbols_changed: changed.count(),
        dependent_files: dependents.len(),
        call_sites: blast.symbols.iter().map(|s| s.call_sites.len()).sum(),
        dangling_references: blast.symbols.iter().map(|s| s.dangling.len()).sum(),
        critical_dependents: evaluation.score.critical_dependents.len(),
        coverage: &blast.coverage,
        approximate: APPROXIMATE,
        symbols: &blast.symbols,
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct Thresholds<'a> {
    applied: &'a AppliedThresholds,
    ai: ThresholdJson,
    human: ThresholdJson,
}

#[derive(Serialize, schemars::JsonSchema)]
struct ThresholdJson {
    review: Option<f64>,
    /// `null`: never blocked by score (human changes unless the policy opts in).
    block: Option<f64>,
}

impl From<&Threshold> for ThresholdJson {
    fn from(threshold: &Threshold) -> Self {
        Self {
            review: threshold.review,
            block: threshold.block,
        }
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct ProvenanceJson<'a> {
    ai_assisted: bool,
    authorship: Authorship,
    declared: Option<bool>,
    evidence: &'a [Evidence],
    reasons: &'a [String],
}

#[derive(Serialize, schemars::JsonSchema)]
struct PolicyJson {
    source: String,
    sha256: String,
    /// How points saturate (the policy's `scoring`), in one sentence.
    scoring: String,
}

#[derive(Serialize, schemars::JsonSchema)]
struct FileJson<'a> {
    path: &'a str,
    old_path: Option<&'a str>,
    status: FileStatus,
    additions: usize,
    deletions: usize,
    binary: bool,
    tier: Option<&'a str>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct Finding<'a> {
    id: crate::signal::Signal,
    file: Option<&'a str>,
    line: Option<u32>,
    subject: Option<&'a str>,
    points: f64,
    message: &'a str,
    arithmetic: &'a str,
    fingerprint: Option<&'a str>,
    waived_by: Option<&'a WaivedBy>,
}

fn body(evaluation: &Evaluation) -> Body<'_> {
    let Evaluation {
        change,
        policy,
        provenance,
        score,
        verdict,
        ..
    } = evaluation;
    Body {
        decision: verdict.decision,
        exit_code: evaluation.exit().code(),
        score: score.total,
        thresholds: Thresholds {
            applied: &verdict.thresholds,
            ai: (&policy.thresholds.ai).into(),
            human: (&policy.thresholds.human).into(),
        },
        provenance: ProvenanceJson {
            ai_assisted: verdict.treated_as_ai,
            authorship: provenance.authorship,
            declared: provenance.declared,
            evidence: &provenance.evidence,
            reasons: &provenance.reasons,
        },
        policy: PolicyJson {
            source: policy.source.to_string(),
            sha256: policy.sha256.clone(),
            scoring: policy.scoring.describe(),
        },
        origin: &change.origin,
        base: change.base.as_ref(),
        head: change.head.as_ref(),
        ci: change.ci.as_ref(),
        files: change
            .files
            .iter()
            .map(|file| FileJson {
                path: file.path(),
                old_path: file.old_path.as_deref().filter(|old| *old != file.path()),
                status: file.status,
                additions: file.additions(),
                deletions: file.deletions(),
                binary: file.binary,
                tier: score.tiers.get(file.path()).map(String::as_str),
            })
            .collect(),
        findings: score
            .contributions
            .iter()
            .map(|c| Finding {
                id: c.signal,
                file: c.file.as_deref(),
                line: c.line,
                subject: c.subject.as_deref(),
                points: c.points,
                message: &c.message,
                arithmetic: &c.arithmetic,
                fingerprint: c.fingerprint.as_deref(),
                waived_by: c.waived_by.as_ref(),
            })
            .collect(),
        blast_radius: blast(evaluation),
        rules: &verdict.rule_hits,
        waivers: &score.waivers,
        reasons: &verdict.reasons,
        next_steps: &verdict.next_steps,
        notes: &change.notes,
        approval: evaluation.approvals.as_ref(),
    }
}

pub(super) fn check(evaluation: &Evaluation) -> String {
    to_json(&CheckReport {
        schema_version: SCHEMA_VERSION,
        kind: "check",
        body: body(evaluation),
    })
}

#[derive(Serialize, schemars::JsonSchema)]
struct PushReport<'a> {
    schema_version: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    decision: Decision,
    exit_code: u8,
    refs: Vec<PushRef<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PushRef<'a> {
    local_ref: &'a str,
    local_oid: &'a str,
    remote_ref: &'a str,
    remote_oid: &'a str,
    /// Why nothing was judged, for deletions and refs the remote already has.
    skipped: Option<&'a str>,
    report: Option<Body<'a>>,
}

pub(super) fn push(outcome: &PushOutcome) -> String {
    let decision = outcome.decision();
    let refs = outcome
        .refs
        .iter()
        .map(|entry| match entry {
            RefOutcome::Nothing { pushed, why } => PushRef {
                local_ref: &pushed.local_ref,
                local_oid: &pushed.local_oid,
                remote_ref: &pushed.remote_ref,
                remote_oid: &pushed.remote_oid,
                skipped: Some(why),
                report: None,
            },
            RefOutcome::Judged { pushed, evaluation } => PushRef {
                local_ref: &pushed.local_ref,
                local_oid: &pushed.local_oid,
                remote_ref: &pushed.remote_ref,
                remote_oid: &pushed.remote_oid,
                skipped: None,
                report: Some(body(evaluation)),
            },
        })
        .collect();
    to_json(&PushReport {
        schema_version: SCHEMA_VERSION,
        kind: "push",
        decision,
        exit_code: outcome.exit().code(),
        refs,
    })
}

/// Every JSON report `check`, `pre-push` and `pre-receive` print: the schema's root, told
/// apart by `type`.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[expect(
    dead_code,
    reason = "only its schema is used; reports are built from the variants"
)]
enum AnyReport<'a> {
    Check(Box<CheckReport<'a>>),
    Push(PushReport<'a>),
}

/// The JSON Schema (draft 2020-12) of the JSON reports, generated from the types that write
/// them, so the contract cannot drift from the output. Objects are closed
/// (`unevaluatedProperties: false`): a field the schema does not name is a schema change.
#[must_use]
pub fn schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<AnyReport<'_>>()
        .to_value();
    if let Some(root) = schema.as_object_mut() {
        root.insert(
            "title".into(),
            format!("blastgate JSON report, schema_version {SCHEMA_VERSION}").into(),
        );
    }
    close_objects(&mut schema, false);
    to_json(&schema)
}

/// Closes every object schema that lists its properties (`unevaluatedProperties: false`),
/// except the variants of a flattened enum (`oneOf` next to the parent's own `properties`):
/// those are closed by the parent, which sees the properties its matching variant evaluated.
fn close_objects(value: &mut serde_json::Value, flattened_variant: bool) {
    match value {
        serde_json::Value::Object(map) => {
            let has_properties = map.contains_key("properties");
            if has_properties && !flattened_variant && !map.contains_key("additionalProperties") {
                map.insert("unevaluatedProperties".into(), false.into());
            }
            for (key, child) in map.iter_mut() {
                let variants = matches!(key.as_str(), "oneOf" | "anyOf" | "allOf");
                match child {
                    serde_json::Value::Array(items) if variants => {
                        for item in items {
                            close_objects(item, has_properties);
                        }
                    }
                    _ => close_objects(child, false),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                close_objects(item, false);
            }
        }
        _ => {}
    }
}

fn to_json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("report types serialise infallibly");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    /// Where the committed schema lives, relative to the crate root.
    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report-schema.json");

    /// `docs/report-schema.json` is what `blastgate report-schema` prints; `BLASTGATE_BLESS=1`
    /// rewrites it. A diff there is a change of the report contract, to review as one.
    #[test]
    fn committed_report_schema_is_fresh() {
        let fresh = super::schema();
        if std::env::var_os("BLASTGATE_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(COMMITTED, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == fresh,
            "docs/report-schema.json is stale. Regenerate it with\n  \
             BLASTGATE_BLESS=1 cargo test --lib report::json"
        );
    }

    /// Every object of the schema is closed, the variants of flattened enums aside, and every
    /// finding id of the catalogue is listed.
    #[test]
    fn objects_are_closed_and_ids_listed() {
        let schema: serde_json::Value = serde_json::from_str(&super::schema()).unwrap();
        let definitions = schema["$defs"].as_object().unwrap();
        for name in [
            "Finding", "FileJson", "Body", "PushRef", "Evidence", "RuleHit",
        ] {
            let definition = &definitions[name];
            assert_eq!(definition["unevaluatedProperties"], false, "{name}");
        }
        let ids = definitions["FindingId"]["enum"].as_array().unwrap();
        assert_eq!(ids.len(), crate::signal::Signal::ALL.len());
        assert!(ids.iter().any(|id| id == "secret-in-test-code"));
    }
}

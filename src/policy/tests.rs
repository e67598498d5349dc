//! End-to-end tests of [`parse`]: templates, every diagnostic with its position, bombs,
//! and the checked policy's lookups.

// Weights and multipliers are compared with the exact literals they were parsed from.
#![allow(clippy::float_cmp)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::*;
use crate::provenance::marker::Confidence;

/// The smallest valid policy.
const MINIMAL: &str =
    "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\n";

/// Parses `yaml` as a file named `p.yaml`.
fn parse_text(yaml: &str) -> Result<Policy, Error> {
    parse(
        yaml,
        Source::File {
            path: "p.yaml".into(),
        },
    )
}

/// The diagnostics `yaml` produces (panics if it is valid).
fn diagnostics(yaml: &str) -> Vec<Diagnostic> {
    match parse_text(yaml) {
        Err(Error::Invalid { diagnostics, .. }) => diagnostics,
        Err(other) => panic!("expected Invalid, got {other}"),
        Ok(_) => panic!("expected diagnostics for:\n{yaml}"),
    }
}

/// Both templates parse and validate with no unknown key, and no other name is a template.
#[test]
fn templates_parse_and_validate() {
    for name in TEMPLATES {
        let policy = builtin(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        // Templates skip the unknown-key pass when loaded; this is where it holds for them.
        let text = template_text(name).expect("a template");
        let node: super::yaml::Node = yaml::from_str(text).expect("a template parses");
        let unknown = super::keys::unknown_keys(&node, name);
        assert!(unknown.is_empty(), "{name}: {unknown:?}");
        assert_eq!(policy.source.to_string(), format!("built-in {name} policy"));
        assert_eq!(policy.weights.len(), Signal::ALL.len());
        assert!(!policy.rules.is_empty());
    }
    assert_eq!(
        builtin("default").unwrap().source.to_string(),
        "built-in default policy"
    );
    assert!(matches!(builtin("lax"), Err(Error::UnknownTemplate(name)) if name == "lax"));
    assert!(template_text("lax").is_none());
}

/// `policies/default.yaml` itself weighs every signal in the catalogue (it is the fallback).
#[test]
fn default_template_weighs_every_signal() {
    let raw: raw::RawPolicy = yaml::from_str(template_text("default").unwrap()).unwrap();
    let ids: Vec<&str> = raw
        .weights
        .0
        .iter()
        .map(|(id, _)| id.value.as_str())
        .collect();
    for signal in Signal::ALL {
        assert!(
            ids.contains(&signal.id()),
            "default.yaml has no weight for {signal}"
        );
    }
}

/// The documented defaults of the optional sections.
#[test]
fn minimal_policy_takes_defaults() {
    let policy = parse_text(MINIMAL).unwrap();
    assert!(policy.tiers.is_empty() && policy.seniors.is_empty());
    // No `rules`: the built-in hard rules still apply (issue 12).
    let rules: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        rules,
        [
            "stateful-destroy-blocks",
            "secrets-block",
            "secrets-in-test-code-need-review",
            "unanalysable-risky-file-needs-review",
            "unanalysable-risky-file-blocks-ai",
            "unanalysed-submodule-needs-review",
            "unanalysed-submodule-blocks-ai",
            "undisclosed-ai-needs-review"
        ]
    );
    assert_eq!(policy.provenance.unattributed, Unattributed::Human);
    assert_eq!(policy.provenance.min_confidence, Confidence::Medium);
    assert!(policy.provenance.markers.is_empty());
    assert_eq!(policy.limits.max_file_bytes, 1024 * 1024);
    assert_eq!(
        policy.thresholds.human,
        Threshold {
            review: None,
            block: Some(600.0)
        }
    );
    assert_eq!(
        policy.thresholds.ai,
        Threshold {
            review: Some(25.0),
            block: Some(400.0)
        }
    );
}

/// Weights a policy leaves out come from the default policy; given ones (even 0) win.
#[test]
fn missing_weights_fall_back_to_defaults() {
    let policy = parse_text(&format!(
        "{MINIMAL}weights:\n  lines-added: 2\n  ci-changed: 0\n"
    ))
    .unwrap();
    let default = builtin("default").unwrap();
    assert_eq!(policy.weight(Signal::LinesAdded), 2.0);
    assert_eq!(policy.weight(Signal::CiChanged), 0.0);
    assert_eq!(
        policy.weight(Signal::PolicyChanged),
        default.weight(Signal::PolicyChanged)
    );
    assert_eq!(policy.weights.len(), Signal::ALL.len());
}

/// The fingerprint is sha256 of the exact bytes, and the text is kept as read.
#[test]
fn sha256_is_of_the_exact_bytes() {
    let policy = parse_text(MINIMAL).unwrap();
    let digest = Sha256::digest(MINIMAL.as_bytes());
    let expected = digest.iter().fold(String::new(), |mut hex, b| {
        write!(hex, "{b:02x}").unwrap();
        hex
    });
    assert_eq!(policy.sha256, expected);
    assert_eq!(policy.text, MINIMAL);
}

/// Tiers apply in order (first match wins); `*` stays in a directory; unmatched → `default` ×1.
#[test]
fn tier_first_match_wins() {
    let yaml = format!(
        "{MINIMAL}tiers:\n  - name: auth\n    multiplier: 3\n    paths: [\"src/auth/**\"]\n  \
         - name: docs\n    multiplier: 0.2\n    paths: [\"**/*.md\", \"src/**\"]\n  \
         - name: top\n    multiplier: 2\n    paths: [\"*.rs\"]\n"
    );
    let policy = parse_text(&yaml).unwrap();
    assert_eq!(policy.tier("src/auth/README.md").name, "auth");
    assert_eq!(policy.tier("src/auth/login.rs").multiplier, 3.0);
    assert_eq!(policy.tier("README.md").name, "docs");
    assert_eq!(policy.tier("src/lib.rs").name, "docs");
    assert_eq!(policy.tier("build.rs").name, "top");
    let other = policy.tier("lib/deep/build.rs");
    assert_eq!((other.name.as_str(), other.multiplier), ("default", 1.0));
}

/// `Rule::matches`: each given criterion must hold; absent criteria match anything; a
/// rule with paths never matches a finding without a path.
#[test]
fn rule_matches_truth_table() {
    let yaml = format!(
        "{MINIMAL}rules:\n  - id: by-signal\n    decision: review\n    signals: [ci-changed]\n    reason: r\n  \
         - id: by-path\n    decision: block\n    paths: [\"infra/**\"]\n    authorship: [ai, unknown]\n    reason: r\n"
    );
    let policy = parse_text(&yaml).unwrap();
    let (by_signal, by_path) = (&policy.rules[0], &policy.rules[1]);
    let (ci, lines) = (Signal::CiChanged, Signal::LinesAdded);
    let (ai, human) = (Authorship::Ai, Authorship::Human);
    let table: [(&Rule, Signal, Option<&str>, Authorship, bool); 9] = [
        (by_signal, ci, None, human, true),
        (by_signal, ci, Some("x.yml"), ai, true),
        (by_signal, lines, Some("x.yml"), ai, false),
        (by_path, lines, Some("infra/main.tf"), ai, true),
        (by_path, ci, Some("infra/a/b.tf"), Authorship::Unknown, true),
        (by_path, lines, Some("infra/main.tf"), human, false),
        (by_path, lines, Some("src/main.rs"), ai, false),
        (by_path, lines, None, ai, false),
        (
            by_path,
            lines,
            Some("infra/main.tf"),
            Authorship::Automation,
            false,
        ),
    ];
    for (rule, signal, path, authorship, expected) in table {
        assert_eq!(
            rule.matches(signal, path, &[authorship]),
            expected,
            "{} {signal} {path:?} {authorship}",
            rule.id
        );
    }
}

/// Every validation problem has a diagnostic at the right line and column.
#[test]
fn each_problem_is_located() {
    let m = MINIMAL;
    let cases: Vec<(String, &str, u64, u64)> = vec![
        // Stops parsing: syntax, type, duplicate key, not a mapping.
        ("version: 1\nthresholds: {ai: [\n".into(), "", 2, 18),
        (format!("{m}limits:\n  max_file_bytes: lots\n"), "", 6, 19),
        (format!("{m}version: 1\n"), "duplicate", 5, 1),
        ("- 1\n".into(), "a policy is a mapping", 1, 1),
        (format!("{m}provenance:\n  unattributed: NO\n"), "", 6, 17),
        // Unknown keys.
        (format!("{m}tierz: []\n"), "unknown key `tierz` at the top level (did you mean `tiers`?)", 5, 1),
        // Infrastructure table additions.
        (format!("{m}infrastructure:\n  stateful_types:\n    - {{type: Database, what: a db}}\n"), "is not a Terraform resource type", 7, 14),
        (format!("{m}infrastructure:\n  force_new:\n    - {{type: aws_db_instance, attributes: []}}\n"), "need at least one attribute", 7, 14),
        (format!("{m}weights:\n  lines-add: 1\n"), "did you mean `lines-added`", 6, 3),
        (m.replace("block: 400", "blok: 400"), "unknown key `blok` in `thresholds.ai`", 3, 20),
        // Semantics.
        ("thresholds:\n  ai: {review: 1, block: 2}\n  human: {block: 3}\n".into(), "missing `version`", 1, 1),
        (m.replace("version: 1", "version: 2"), "unsupported `version: 2`", 1, 10),
        ("version: 1\n".into(), "missing `thresholds`", 1, 1),
        ("version: 1\nthresholds:\n  ai: {block: 4}\n  human: {block: 6}\n".into(), "missing `thresholds.ai.review`", 3, 7),
        ("version: 1\nthresholds:\n  ai: {review: 5, block: 4}\n  human: {block: 6}\n".into(), "is above `thresholds.ai.block`", 3, 16),
        ("version: 1\nthresholds:\n  ai: {review: 1, block: 4}\n  human: {review: 7, block: 6}\n".into(), "`thresholds.human.review` (7)", 4, 19),
        (m.replace("block: 600", "block: .inf"), "finite", 4, 18),
        (format!("{m}weights:\n  ci-changed: -1\n"), "weight of `ci-changed` must be a finite number ≥ 0", 6, 15),
        (format!("{m}tiers:\n  - {{name: a, multiplier: 0, paths: [x]}}\n"), "multiplier must be a finite number above 0", 6, 27),
        (format!("{m}tiers:\n  - {{name: a, multiplier: 1, paths: [\"src/[a\"]}}\n"), "invalid glob `src/[a`", 6, 38),
        (format!("{m}tiers:\n  - {{name: a, multiplier: 1, paths: [x]}}\n  - {{name: a, multiplier: 1, paths: [y]}}\n"), "duplicate tier name `a` (first defined on line 6)", 7, 12),
        (format!("{m}tiers:\n  - {{name: default, multiplier: 1, paths: [x]}}\n"), "reserved", 6, 12),
        (format!("{m}tiers:\n  - {{name: a, multiplier: 1, paths: []}}\n"), "has no paths", 6, 12),
        (format!("{m}provenance:\n  markers:\n    - {{tool: t, field: trailer, pattern: 'a(', confidence: high}}\n"), "invalid marker pattern `a(`: unclosed group", 7, 42),
        (format!("{m}rules:\n  - {{id: r, decision: allow, signals: [ci-changed], reason: x}}\n"), "a rule cannot allow", 6, 23),
        (format!("{m}rules:\n  - {{id: r, decision: block, reason: x}}\n"), "needs `signals`, `paths` or both", 6, 10),
        (format!("{m}rules:\n  - {{id: r, decision: block, signals: [ci-change], reason: x}}\n"), "unknown signal `ci-change` (did you mean `ci-changed`?)", 6, 40),
        (format!("{m}rules:\n  - {{id: r, decision: block, paths: ['a/{{b'], reason: x}}\n"), "invalid glob `a/{b`", 6, 38),
        (format!("{m}rules:\n  - {{id: Policy_Edit, decision: block, paths: [a], reason: x}}\n"), "must be kebab-case", 6, 10),
        (format!("{m}rules:\n  - {{id: r, decision: block, paths: [a], reason: x}}\n  - {{id: r, decision: block, paths: [b], reason: y}}\n"), "duplicate rule id `r` (first defined on line 6)", 7, 10),
        (format!("{m}seniors:\n  - {{name: '', email: a@example.com}}\n"), "senior `name` is empty", 6, 12),
        (format!("{m}seniors:\n  - {{name: A, email: ''}}\n"), "senior `email` is empty", 6, 22),
        (format!("{m}limits:\n  max_file_bytes: 0\n"), "must be above 0", 6, 19),
    ];
    for (yaml, expected, line, column) in cases {
        let found = diagnostics(&yaml);
        let hit = found.iter().find(|d| d.message.contains(expected));
        let Some(hit) = hit else {
            panic!("no diagnostic containing {expected:?} for:\n{yaml}\ngot: {found:#?}");
        };
        assert_eq!(
            (hit.line, hit.column),
            (line, column),
            "{expected:?} in:\n{yaml}\n{hit}"
        );
        assert_eq!(hit.file, "p.yaml");
    }
}

/// Unknown keys in three sections are all reported, each at its key, in document order.
#[test]
fn all_unknown_keys_are_reported() {
    let yaml = format!(
        "{MINIMAL}tiers:\n  - name: a\n    multiplier: 1\n    pathz: [x]\n\
         provenance:\n  unattributed: ai\n  colour: blue\nrules:\n  - id: r\n    decision: block\n    reasons: x\n"
    );
    let found = diagnostics(&yaml);
    let summary: Vec<(u64, u64, bool)> = found
        .iter()
        .map(|d| (d.line, d.column, d.message.contains("unknown key")))
        .collect();
    assert_eq!(
        summary,
        [(8, 5, true), (11, 3, true), (15, 5, true)],
        "{found:#?}"
    );
    assert!(
        found[0].message.contains(
            "in `tiers[0]` (did you mean `paths`?); allowed here: multiplier, name, paths"
        )
    );
    assert!(found[2].message.contains("did you mean `reason`?"));
}

/// Problems of several kinds are collected together, not one per run.
#[test]
fn semantic_problems_are_collected() {
    let yaml = "version: 3\nthresholds:\n  ai: {block: 4}\n  human: {review: 9, block: 6}\n\
                limits: {max_file_bytes: 0}\n";
    let found = diagnostics(yaml);
    assert_eq!(found.len(), 4, "{found:#?}");
    let error = parse_text(yaml).unwrap_err();
    assert_eq!(error.to_string(), "p.yaml: 4 problems in the policy");
    assert_eq!(
        found[0].to_string(),
        "p.yaml:1:10: unsupported `version: 3`; this blastgate reads version 1"
    );
}

/// Alias bombs are rejected quickly, with a location, instead of exhausting memory.
#[test]
fn alias_bombs_are_rejected_fast() {
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let refs = vec![format!("*{previous}"); 9].join(", ");
        writeln!(laughs, "{name}: &{name} [{refs}]").unwrap();
    }
    let items = vec!["x"; 10_000].join(", ");
    let aliases = vec!["*big"; 10_000].join(", ");
    let fan_out = format!("big: &big [{items}]\nversion: 1\nfan: [{aliases}]\n");
    let typed = format!(
        "{MINIMAL}tiers:\n  - name: t\n    multiplier: 1\n    paths: &p [{}]\n{}",
        vec!["'x/**'"; 2_000].join(", "),
        (0..2_000).fold(String::new(), |mut rules, i| {
            writeln!(rules, "  - {{name: t{i}, multiplier: 1, paths: *p}}").unwrap();
            rules
        })
    );
    for (name, yaml) in [
        ("billion laughs", laughs),
        ("fan-out", fan_out),
        ("typed fan-out", typed),
    ] {
        let started = Instant::now();
        let found = diagnostics(&yaml);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{name} took {:?}",
            started.elapsed()
        );
        assert_eq!(found.len(), 1, "{name}: {found:#?}");
        assert!(found[0].line > 1, "{name}: {}", found[0]);
    }
}

/// Policies over 1 MiB are refused before parsing.
#[test]
fn oversized_policy_is_refused() {
    let yaml = format!("{MINIMAL}#{}\n", "x".repeat(MAX_POLICY_BYTES));
    assert!(
        matches!(parse_text(&yaml), Err(Error::TooLarge { bytes, .. }) if bytes > MAX_POLICY_BYTES as u64)
    );
}

/// A policy's extra markers compile and are AI markers attributed to the policy.
#[test]
fn extra_markers_compile() {
    let yaml = format!(
        "{MINIMAL}provenance:\n  markers:\n    - tool: Internal agent\n      field: trailer\n      \
         pattern: '(?i)^x-agent:\\s*\\S'\n      confidence: high\n"
    );
    let policy = parse_text(&yaml).unwrap();
    let marker = &policy.provenance.markers[0];
    assert!(marker.pattern.is_match("X-Agent: bot"));
    assert_eq!(marker.kind, crate::provenance::marker::MarkerKind::Ai);
    assert_eq!(marker.source, "policy (p.yaml)");
}

/// An unattributed change that the policy treats as AI is also `ai` to the rules; otherwise it
/// is only `unknown`.
#[test]
fn unattributed_treated_as_ai_is_ai_to_rules() {
    let mut policy = builtin("default").unwrap();
    assert_eq!(
        policy.rule_classes(Authorship::Unknown),
        vec![Authorship::Unknown]
    );
    policy.provenance.unattributed = Unattributed::Ai;
    assert_eq!(
        policy.rule_classes(Authorship::Unknown),
        vec![Authorship::Unknown, Authorship::Ai]
    );
    assert_eq!(
        policy.rule_classes(Authorship::Human),
        vec![Authorship::Human]
    );
}

/// `replay.review_minutes`: the default policy states the built-in default, a policy may set
/// its own, and a value outside (0, 480] is located.
#[test]
fn replay_review_minutes() {
    let default = builtin("default").expect("default template");
    assert_eq!(
        default.replay.review_minutes,
        validate::DEFAULT_REVIEW_MINUTES
    );
    assert_eq!(
        parse_text(MINIMAL).expect("minimal").replay.review_minutes,
        validate::DEFAULT_REVIEW_MINUTES
    );
    let own = parse_text(&format!("{MINIMAL}replay:\n  review_minutes: 45\n")).expect("valid");
    assert_eq!(own.replay.review_minutes, 45.0);
    for bad in ["0", "-5", "481"] {
        let found = diagnostics(&format!("{MINIMAL}replay:\n  review_minutes: {bad}\n"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("replay.review_minutes"),
            "{found:?}"
        );
        assert_eq!((found[0].line, found[0].column), (6, 19), "{found:?}");
    }
}

/// The size limit is set in one place, `limits.max_file_bytes` of `policies/default.yaml`: a
/// policy without it takes the default policy's value, and the code-level defaults (for
/// library callers without a policy) are that same value.
#[test]
fn the_size_limit_comes_from_the_default_policy() {
    let limit = builtin("default").unwrap().limits.max_file_bytes;
    assert_eq!(parse_text(MINIMAL).unwrap().limits.max_file_bytes, limit);
    assert_eq!(
        crate::analyze::blast::outline::Budget::default().max_bytes,
        limit
    );
    assert_eq!(crate::diff::FileOptions::default().max_file_bytes, limit);
}

//! The policy file's serde shapes (`Raw*`), as written, with the position of every value.
//!
//! These types are the single source of truth for the format: the typed pass deserializes
//! them, `schema.rs` generates `policies/schema.json` from them (doc comments become
//! descriptions), and the unknown-key pass reads the allowed keys from that schema.
//! Every struct has `deny_unknown_fields` and none uses `flatten` (serde cannot combine them).
//!
//! Values that `validate` may complain about are `Spanned` so the complaint points at
//! them. Sections that must be present but whose absence should be reported together with
//! other problems are `Option` here and marked required in the schema.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::provenance::marker::{Confidence, Field};
use crate::signal::Signal;
use crate::vocabulary::{Authorship, Decision};

use super::Unattributed;

/// A blastgate policy: how a git change's blast radius is scored and when it needs a
/// senior's review or is blocked. Read from `.blastgate.yaml` in the base revision.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Policy", title = "blastgate policy")]
pub(crate) struct RawPolicy {
    /// Format version. Must be 1.
    #[schemars(with = "u32")]
    pub version: Option<Spanned<u32>>,
    /// Path tiers, in order: the first tier with a glob matching a file's path applies its
    /// multiplier to that file's points. Paths no tier matches are in the implicit tier
    /// `default` with multiplier 1.
    #[serde(default)]
    pub tiers: Vec<RawTier>,
    /// Points per unit of each signal (e.g. per added line, per file). Signals left out
    /// take the built-in default policy's weight; 0 disables a signal.
    #[serde(default)]
    pub weights: RawWeights,
    /// Score thresholds at which a change needs review or is blocked, for AI-assisted and
    /// for human changes.
    #[schemars(with = "RawThresholds")]
    pub thresholds: Option<Spanned<RawThresholds>>,
    /// How points saturate: repeated findings, long files, and caps per file and per signal.
    #[serde(default)]
    pub scoring: super::scoring::RawScoring,
    /// How AI assistance is detected and how changes without evidence are treated.
    #[serde(default)]
    pub provenance: RawProvenance,
    /// Hard rules: a finding a rule matches forces at least the rule's decision,
    /// whatever the score. A list of rules, or `{inherit: false, list: [...]}`. The
    /// built-in hard rules (`stateful-destroy-blocks`, `secrets-block`) apply unless
    /// redefined by id or switched off with `inherit: false`.
    #[serde(default)]
    pub rules: RawRules,
    /// Who may sign off a change that needs review.
    #[serde(default)]
    pub seniors: Vec<RawSenior>,
    /// Analysis limits.
    #[serde(default)]
    pub limits: RawLimits,
    /// Additions to the infrastructure analyzers' built-in tables.
    #[serde(default)]
    pub infrastructure: RawInfrastructure,
    /// Accountable exceptions: each silences one finding on one piece of content until it
    /// expires. A waived finding scores 0 and no longer triggers `waivable` rules.
    #[serde(default)]
    pub waivers: Vec<RawWaiver>,
    /// Senior sign-off: how many signed approvals a change needs, how old they may be, and
    /// whether a blocked change may be let through by several seniors (break-glass).
    #[serde(default)]
    pub signoff: RawSignoff,
    /// Figures `blastgate replay` uses to turn its counts into a capacity picture.
    #[serde(default)]
    pub replay: RawReplay,
}

/// Figures for `blastgate replay`'s capacity picture.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Replay")]
pub(crate) struct RawReplay {
    /// Minutes of a senior's time one `review` decision costs, for the estimated senior
    /// hours per week. Default 30; must be above 0 and at most 480.
    #[schemars(with = "Option<f64>")]
    pub review_minutes: Option<Spanned<f64>>,
}

/// Senior sign-off rules (`blastgate approve`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Signoff")]
pub(crate) struct RawSignoff {
    /// Valid approvals a `review` change needs, per tier name (`default` for paths no tier
    /// matches): the change needs the largest count over the tiers of its files. Tiers left
    /// out need 1. Example: `{default: 1, critical: 2}`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, u32>>")]
    pub approvals: Option<Spanned<std::collections::BTreeMap<String, u32>>>,
    /// Approvals older than this no longer count: a number and a unit, `d`, `h` or `m`
    /// (`30d`, `12h`). Absent: approvals do not expire.
    #[schemars(with = "Option<String>")]
    pub max_age: Option<Spanned<String>>,
    /// Let a `block` through when this many seniors approve with `--break-glass`. Absent: a
    /// block can never be overridden.
    pub break_glass: Option<RawBreakGlass>,
}

/// Break-glass override of a `block`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BreakGlass")]
pub(crate) struct RawBreakGlass {
    /// Valid break-glass approvals needed, from different seniors; at least 2.
    #[schemars(with = "u32")]
    pub approvals: Spanned<u32>,
}

/// Rows added to the Terraform analyzer's built-in tables (they add, never remove).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Infrastructure")]
pub(crate) struct RawInfrastructure {
    /// Resource types that hold data: destroying or replacing one is
    /// `stateful-resource-destroyed` / `stateful-resource-replaced`.
    #[serde(default)]
    pub stateful_types: Vec<RawStatefulType>,
    /// Attributes whose change destroys and recreates a resource of a type.
    #[serde(default)]
    pub force_new: Vec<RawForceNew>,
}

/// A resource type that holds data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "StatefulType")]
pub(crate) struct RawStatefulType {
    /// Terraform resource type, e.g. `acme_database`.
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub resource_type: Spanned<String>,
    /// What it is, for messages, e.g. `a database`.
    pub what: String,
}

/// Attributes that force replacement of a resource type.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ForceNew")]
pub(crate) struct RawForceNew {
    /// Terraform resource type, e.g. `aws_db_instance`.
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub resource_type: Spanned<String>,
    /// Top-level arguments whose change forces a new resource.
    pub attributes: Vec<String>,
}

/// A named group of paths whose points are multiplied.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Tier")]
pub(crate) struct RawTier {
    /// Unique name, shown in reports (`default` is reserved for unmatched paths).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Factor applied to the points of findings on matching paths; must be above 0.
    #[schemars(with = "f64")]
    pub multiplier: Spanned<f64>,
    /// Globs over repository-relative paths with `/` separators. `*` stays within one
    /// directory, `**` crosses directories: `docs/**`, `**/*.md`, `src/auth/**`.
    #[schemars(with = "Vec<String>")]
    pub paths: Vec<Spanned<String>>,
}

/// Signal id → points per unit, each key with its position.
#[derive(Debug, Default)]
pub(crate) struct RawWeights(pub Vec<(Spanned<String>, Spanned<f64>)>);

impl<'de> Deserialize<'de> for RawWeights {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Collects the entries in document order (duplicates are a parse error already).
        struct WeightsVisitor;

        impl<'de> Visitor<'de> for WeightsVisitor {
            type Value = RawWeights;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of signal ids to numbers")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawWeights, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawWeights(entries))
            }
        }

        deserializer.deserialize_map(WeightsVisitor)
    }
}

impl JsonSchema for RawWeights {
    fn schema_name() -> Cow<'static, str> {
        "Weights".into()
    }

    /// One property per signal in the catalogue, so editors complete and check the ids.
    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        let properties: serde_json::Map<String, serde_json::Value> = Signal::ALL
            .iter()
            .map(|signal| {
                let about = format!("Points per {}. {}", signal.unit(), signal.about());
                let schema =
                    serde_json::json!({"type": "number", "minimum": 0, "description": about});
                (signal.id().to_owned(), schema)
            })
            .collect();
        json_schema!({
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}

/// Thresholds for AI-assisted and for human changes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Thresholds")]
pub(crate) struct RawThresholds {
    /// For AI-assisted changes (and unattributed ones when `provenance.unattributed` is
    /// `ai`). Both `review` and `block` are required here.
    #[schemars(with = "RawThreshold")]
    pub ai: Option<Spanned<RawThreshold>>,
    /// For human changes (and unattributed ones by default). Optional: without it, and
    /// for each of `review` and `block` left out, human changes are never sent to review or
    /// blocked by score alone, only by rules. Setting `block` opts in to score blocks for
    /// everyone (volume alone can then block a human change).
    #[schemars(with = "Option<RawThreshold>")]
    pub human: Option<Spanned<RawThreshold>>,
}

/// Where review and block start for one kind of change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Threshold")]
pub(crate) struct RawThreshold {
    /// A score at or above this needs a senior's sign-off. Must not exceed `block`.
    #[schemars(with = "Option<f64>")]
    pub review: Option<Spanned<f64>>,
    /// A score at or above this is blocked. Required for `ai`; optional for `human`.
    #[schemars(with = "Option<f64>")]
    pub block: Option<Spanned<f64>>,
}

/// How AI assistance is detected.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Provenance")]
pub(crate) struct RawProvenance {
    /// How a change with no AI evidence and no declaration is treated: `human` (default)
    /// or `ai`.
    pub unattributed: Option<Unattributed>,
    /// The weakest marker that counts as AI evidence: `low`, `medium` (default) or `high`.
    pub min_confidence: Option<Confidence>,
    /// Extra AI markers, applied like the built-in marker table.
    #[serde(default)]
    pub markers: Vec<RawMarker>,
    /// A trailer key every AI-assisted commit must carry, e.g. `Assisted-by`; AI evidence
    /// in a commit without it is the finding `ai-undisclosed`. Unset: nothing is required.
    #[schemars(with = "Option<String>")]
    pub require_disclosure: Option<Spanned<String>>,
}

/// An extra AI marker: a regular expression applied to one field of each commit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Marker")]
pub(crate) struct RawMarker {
    /// The tool the marker identifies, shown as evidence in reports.
    #[schemars(with = "String")]
    pub tool: Spanned<String>,
    /// The commit field the pattern is matched against.
    pub field: Field,
    /// A regular expression (Rust `regex` syntax), e.g. `(?i)^x-agent:\s*\S`.
    #[schemars(with = "String")]
    pub pattern: Spanned<String>,
    /// How far a match can be trusted on its own.
    pub confidence: Confidence,
}

/// The `rules` section: a plain list, or a mapping that can opt out of the built-in hard
/// rules. Both shapes are read by hand so each keeps its own precise errors.
#[derive(Debug)]
pub(crate) struct RawRules {
    /// Keep the built-in hard rules the list does not redefine (default `true`).
    pub inherit: bool,
    /// The policy's own rules.
    pub list: Vec<RawRule>,
}

impl Default for RawRules {
    fn default() -> Self {
        Self {
            inherit: true,
            list: Vec::new(),
        }
    }
}

/// The mapping form of `rules`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RuleSet")]
pub(crate) struct RawRuleSet {
    /// `false` switches off the built-in hard rules (destroying stateful resources,
    /// committed secrets); `policy check` then warns. Default `true`.
    pub inherit: Option<bool>,
    /// The policy's own rules.
    #[serde(default)]
    pub list: Vec<RawRule>,
}

impl<'de> Deserialize<'de> for RawRules {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// A sequence is the rule list; a mapping is a [`RawRuleSet`].
        struct RulesVisitor;

        impl<'de> Visitor<'de> for RulesVisitor {
            type Value = RawRules;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of rules, or a mapping with `inherit` and `list`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawRules, A::Error> {
                let list = Vec::<RawRule>::deserialize(SeqAccessDeserializer::new(seq))?;
                Ok(RawRules {
                    inherit: true,
                    list,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRules, A::Error> {
                let set = RawRuleSet::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RawRules {
                    inherit: set.inherit.unwrap_or(true),
                    list: set.list,
                })
            }
        }

        deserializer.deserialize_any(RulesVisitor)
    }
}

impl JsonSchema for RawRules {
    fn schema_name() -> Cow<'static, str> {
        "Rules".into()
    }

    /// The list first: the unknown-key pass follows the first alternative.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let list = generator.subschema_for::<Vec<RawRule>>();
        let set = generator.subschema_for::<RawRuleSet>();
        json_schema!({"anyOf": [list, set]})
    }
}

/// A hard rule, evaluated against each finding.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub(crate) struct RawRule {
    /// Unique kebab-case id, shown in reports (e.g. `policy-edit`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What a matching finding forces: `review` or `block`.
    #[schemars(schema_with = "rule_decision_schema")]
    pub decision: Spanned<Decision>,
    /// Signal ids the rule applies to; absent: any signal. At least one of `signals` and
    /// `paths` is required.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub signals: Vec<Spanned<String>>,
    /// Path globs the rule applies to (same syntax as tier paths); absent: any path.
    /// A rule with paths never matches a finding that has no path.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub paths: Vec<Spanned<String>>,
    /// Authorship classes the rule applies to; absent or empty: any.
    #[serde(default)]
    pub authorship: Vec<Authorship>,
    /// Why, in a sentence; shown in the report when the rule fires.
    #[schemars(with = "String")]
    pub reason: Spanned<String>,
    /// Whether a waiver can lift this rule for the finding it waives. Default: `true` for
    /// `review` rules, `false` for `block` rules (a waived finding still blocks).
    pub waivable: Option<bool>,
}

/// The schema of a rule's decision: `allow` would make a rule that does nothing.
fn rule_decision_schema(_generator: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "enum": ["review", "block"]})
}

/// Someone who may sign off a change that needs review.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Senior")]
pub(crate) struct RawSenior {
    /// Display name.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Email address, as in their commits.
    #[schemars(with = "String")]
    pub email: Spanned<String>,
    /// Other addresses the same person commits with (work, personal, noreply). A change
    /// any of them wrote or committed cannot be approved by this senior.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub other_emails: Vec<Spanned<String>>,
    /// Public key their sign-offs are verified against: an SSH public key
    /// (`ssh-ed25519 AAAA… name`, allowed-signers format) or a GPG key fingerprint.
    pub signing_key: Option<String>,
    /// Login on the code-hosting platform.
    pub login: Option<String>,
}

/// Analysis limits.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Limits")]
pub(crate) struct RawLimits {
    /// Files larger than this many bytes are not analysed and count as `oversized-file`
    /// instead. Default 1048576 (1 MiB); must be above 0.
    #[schemars(with = "Option<u64>")]
    pub max_file_bytes: Option<Spanned<u64>>,
}

/// An accountable exception for one finding. It applies only while the content it is tied
/// to is unchanged, and only until it expires.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Waiver")]
pub(crate) struct RawWaiver {
    /// The finding id it silences, e.g. `public-ingress`.
    #[schemars(with = "String")]
    pub finding: Spanned<String>,
    /// Repository-relative path of the finding, e.g. `infra/lb.tf`.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// The finding's subject to tie the waiver to (symbol, resource address, job, …).
    /// At least one of `symbol` and `fingerprint` is required.
    #[schemars(with = "Option<String>")]
    pub symbol: Option<Spanned<String>>,
    /// The finding's `fingerprint` from `--format json` (`sha256:…`): a hash of the lines
    /// that fired, so any edit to them ends the waiver.
    #[schemars(with = "Option<String>")]
    pub fingerprint: Option<Spanned<String>>,
    /// Who answers for the waiver (name or email).
    #[schemars(with = "String")]
    pub owner: Spanned<String>,
    /// Why the finding is a false alarm.
    #[schemars(with = "String")]
    pub reason: Spanned<String>,
    /// Last day the waiver applies, `YYYY-MM-DD` (UTC); reports list it once expired.
    #[schemars(with = "String")]
    pub expires: Spanned<String>,
}

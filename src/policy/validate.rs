//! Raw → checked: semantic checks on a typed [`RawPolicy`], every problem collected.
//!
//! Nothing here stops at the first mistake: each check records a [`Diagnostic`] at the
//! offending value and carries on with a placeholder, and the policy is only built when
//! no diagnostic was recorded.

use std::collections::{BTreeMap, HashMap};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::RegexBuilder;
use serde_saphyr::Spanned;

use crate::pattern::Pattern;
use crate::provenance::marker::{Confidence, Marker, MarkerKind};
use crate::signal::Signal;
use crate::vocabulary::Decision;

use super::ReplayFigures;
use super::raw::{RawInfrastructure, RawPolicy, RawRule, RawThreshold, RawThresholds, RawTier};
use super::words::{did_you_mean, is_kebab_case};
use super::{
    Diagnostic, Infrastructure, Limits, Policy, ProvenancePolicy, Rule, Senior, Source, Threshold,
    Thresholds, Tier, Unattributed,
};

/// Default for `replay.review_minutes`: a planning figure for one senior review (stated in
/// `policies/default.yaml`; a team should put its own).
pub(crate) const DEFAULT_REVIEW_MINUTES: f64 = 30.0;

/// Compiled regexes from a policy may not grow beyond this (hostile patterns cost memory).
const REGEX_SIZE_LIMIT: usize = 1024 * 1024;

/// The text a raw policy was read from, and where.
pub(crate) struct PolicyText<'a> {
    /// Where the text came from.
    pub source: Source,
    /// The text.
    pub text: String,
    /// Hex sha256 of the text's bytes.
    pub sha256: String,
    /// The default policy, where weights and limits the policy leaves out come from; `None`
    /// when this *is* the default policy, which must then set every one itself.
    pub fallback: Option<&'a Policy>,
    /// The built-in hard rules a policy keeps unless it opts out; `None` for the default
    /// policy, which defines them.
    pub hard_rules: Option<&'a [Rule]>,
}

/// Checks `raw` and builds the [`Policy`], or returns every problem found, in document order.
pub(crate) fn validate(raw: RawPolicy, origin: PolicyText<'_>) -> Result<Policy, Vec<Diagnostic>> {
    let file = origin.source.file_name();
    let mut checker = Checker {
        file: &file,
        diagnostics: Vec::new(),
    };
    let version = checker.version(raw.version.as_ref());
    let tiers = checker.tiers(raw.tiers);
    let weights = checker.weights(raw.weights.0, origin.fallback.map(|p| &p.weights));
    let thresholds = checker.thresholds(raw.thresholds.as_ref());
    let scoring = checker.scoring(&raw.scoring);
    let markers = checker.markers(raw.provenance.markers, &origin.source);
    let require_disclosure = checker.disclosure(raw.provenance.require_disclosure);
    let mut rules = checker.rules(raw.rules.list);
    if raw.rules.inherit
        && let Some(hard) = origin.hard_rules
    {
        rules.extend(super::hard::missing(&rules, hard));
    }
    let seniors = checker.seniors(raw.seniors);
    let max_file_bytes = match raw.limits.max_file_bytes {
        Some(bytes) if bytes.value == 0 => {
            checker.at(&bytes, "`limits.max_file_bytes` must be above 0");
            0
        }
        Some(bytes) => bytes.value,
        None => {
            if let Some(default) = origin.fallback {
                default.limits.max_file_bytes
            } else {
                checker.at_start("the default policy must set `limits.max_file_bytes`");
                0
            }
        }
    };

    let infrastructure = checker.infrastructure(raw.infrastructure);
    let waivers = checker.waivers(raw.waivers);
    let signoff = checker.signoff(raw.signoff, &tiers);
    let replay = checker.replay(&raw.replay);

    let mut diagnostics = checker.diagnostics;
    if !diagnostics.is_empty() {
        diagnostics.sort_by_key(|d| (d.line, d.column));
        return Err(diagnostics);
    }
    Ok(Policy {
        source: origin.source,
        sha256: origin.sha256,
        text: origin.text,
        version,
        tiers,
        weights,
        thresholds,
        scoring,
        provenance: ProvenancePolicy {
            unattributed: raw.provenance.unattributed.unwrap_or(Unattributed::Human),
            min_confidence: raw.provenance.min_confidence.unwrap_or(Confidence::Medium),
            markers,
            require_disclosure,
        },
        rules,
        seniors,
        limits: Limits { max_file_bytes },
        infrastructure,
        waivers,
        signoff,
        replay,
    })
}

/// Collects diagnostics for one file.
pub(super) struct Checker<'a> {
    /// File name for diagnostics.
    file: &'a str,
    /// Found so far.
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Resource types must look like Terraform types (`provider_name`); rows need content.
    fn infrastructure(&mut self, raw: RawInfrastructure) -> Infrastructure {
        let valid_type = |text: &str| {
            text.contains('_')
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let mut infrastructure = Infrastructure::default();
        for row in raw.stateful_types {
            if !valid_type(&row.resource_type.value) {
                self.at(
                    &row.resource_type,
                    format!(
                        "`{}` is not a Terraform resource type (e.g. `aws_db_instance`)",
                        row.resource_type.value
                    ),
                );
            }
            infrastructure
                .stateful_types
                .push((row.resource_type.value, row.what));
        }
        for row in raw.force_new {
            if !valid_type(&row.resource_type.value) {
                self.at(
                    &row.resource_type,
                    format!(
                        "`{}` is not a Terraform resource type (e.g. `aws_db_instance`)",
                        row.resource_type.value
                    ),
                );
            }
            if row.attributes.is_empty() {
                self.at(
                    &row.resource_type,
                    "`force_new` rows need at least one attribute",
                );
            }
            infrastructure
                .force_new
                .push((row.resource_type.value, row.attributes));
        }
        infrastructure
    }

    /// Records a problem with the value `spanned`.
    pub(super) fn at<T>(&mut self, spanned: &Spanned<T>, message: impl Into<String>) {
        let (line, column) = (spanned.referenced.line(), spanned.referenced.column());
        self.diagnostics
            .push(Diagnostic::new(self.file, line, column, message));
    }

    /// Records a problem about the document as a whole (a missing top-level key).
    fn at_start(&mut self, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(self.file, 1, 1, message));
    }

    /// `replay.review_minutes`: a positive number of minutes, at most a working day.
    fn replay(&mut self, raw: &super::raw::RawReplay) -> ReplayFigures {
        let review_minutes = match &raw.review_minutes {
            Some(minutes) if !(minutes.value > 0.0 && minutes.value <= 480.0) => {
                self.at(
                    minutes,
                    "`replay.review_minutes` must be above 0 and at most 480 (minutes per review)",
                );
                DEFAULT_REVIEW_MINUTES
            }
            Some(minutes) => minutes.value,
            None => DEFAULT_REVIEW_MINUTES,
        };
        ReplayFigures { review_minutes }
    }

    /// `version` must be present and 1.
    fn version(&mut self, version: Option<&Spanned<u32>>) -> u32 {
        match version {
            None => self.at_start("missing `version`; add `version: 1`"),
            Some(v) if v.value != 1 => self.at(
                v,
                format!(
                    "unsupported `version: {}`; this blastgate reads version 1",
                    v.value
                ),
            ),
            Some(_) => {}
        }
        1
    }

    /// Tiers: unique non-reserved names, positive multipliers, valid globs.
    fn tiers(&mut self, raw: Vec<RawTier>) -> Vec<Tier> {
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut tiers = Vec::with_capacity(raw.len());
        for tier in raw {
            let name = tier.name.value.trim();
            if name.is_empty() {
                self.at(&tier.name, "tier name is empty");
            } else if name == "default" {
                self.at(
                    &tier.name,
                    "tier name `default` is reserved for paths no tier matches",
                );
            } else if let Some(first) = seen.get(name) {
                let message =
                    format!("duplicate tier name `{name}` (first defined on line {first})");
                self.at(&tier.name, message);
            } else {
                seen.insert(name.to_owned(), tier.name.referenced.line());
            }
            let multiplier = tier.multiplier.value;
            if !multiplier.is_finite() || multiplier <= 0.0 {
                let message = format!(
                    "tier `{name}`: multiplier must be a finite number above 0, not {multiplier}"
                );
                self.at(&tier.multiplier, message);
            }
            if tier.paths.is_empty() {
                self.at(
                    &tier.name,
                    format!("tier `{name}` has no paths; it would never match"),
                );
            }
            let globs = self.globs(&tier.paths, &format!("tier `{name}`"));
            tiers.push(Tier {
                name: tier.name.value,
                multiplier,
                patterns: tier.paths.into_iter().map(|p| p.value).collect(),
                globs,
            });
        }
        tiers
    }

    /// Compiles `patterns` into one set; `*` does not cross `/`, `**` does.
    fn globs(&mut self, patterns: &[Spanned<String>], owner: &str) -> GlobSet {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            if pattern.value.is_empty() {
                self.at(pattern, format!("{owner}: empty glob"));
                continue;
            }
            match GlobBuilder::new(&pattern.value)
                .literal_separator(true)
                .build()
            {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(error) => {
                    let message = format!(
                        "{owner}: invalid glob `{}`: {}",
                        pattern.value,
                        error.kind()
                    );
                    self.at(pattern, message);
                }
            }
        }
        // Each glob compiled on its own; only a pathological set can fail here.
        builder.build().unwrap_or_else(|error| {
            self.at_start(format!("{owner}: globs cannot be combined: {error}"));
            GlobSet::empty()
        })
    }

    /// Weights: known signal ids, finite non-negative numbers, the rest from `fallback`.
    fn weights(
        &mut self,
        raw: Vec<(Spanned<String>, Spanned<f64>)>,
        fallback: Option<&BTreeMap<Signal, f64>>,
    ) -> BTreeMap<Signal, f64> {
        let mut weights = fallback.cloned().unwrap_or_default();
        for (id, value) in raw {
            let Some(signal) = self.signal(&id) else {
                continue;
            };
            if !value.value.is_finite() || value.value < 0.0 {
                let message = format!(
                    "weight of `{}` must be a finite number ≥ 0, not {}",
                    id.value, value.value
                );
                self.at(&value, message);
            }
            weights.insert(signal, value.value);
        }
        for signal in Signal::ALL {
            if !weights.contains_key(signal) {
                self.at_start(format!(
                    "the built-in default policy must weigh every signal; `{signal}` is missing"
                ));
                weights.insert(*signal, 0.0);
            }
        }
        weights
    }

    /// Looks a signal id up, recording an "unknown signal" diagnostic if it is not one.
    pub(super) fn signal(&mut self, id: &Spanned<String>) -> Option<Signal> {
        let signal = Signal::from_id(&id.value);
        if signal.is_none() {
            let hint = did_you_mean(&id.value, Signal::ALL.iter().map(|s| s.id()))
                .map(|close| format!(" (did you mean `{close}`?)"))
                .unwrap_or_default();
            self.at(id, format!("unknown signal `{}`{hint}", id.value));
        }
        signal
    }

    /// Thresholds: `ai` with both lines, `human` optional (absent lines: never by score
    /// alone), review ≤ block, all finite ≥ 0.
    fn thresholds(&mut self, raw: Option<&Spanned<RawThresholds>>) -> Thresholds {
        let placeholder = Threshold {
            review: None,
            block: None,
        };
        let Some(raw) = raw else {
            self.at_start("missing `thresholds`; `thresholds.ai.review` and `thresholds.ai.block` are required");
            return Thresholds {
                ai: placeholder,
                human: placeholder,
            };
        };
        let ai = if let Some(ai) = raw.value.ai.as_ref() {
            self.threshold(ai, "ai", true)
        } else {
            self.at(raw, "missing `thresholds.ai`");
            placeholder
        };
        let human = raw
            .value
            .human
            .as_ref()
            .map_or(placeholder, |human| self.threshold(human, "human", false));
        Thresholds { ai, human }
    }

    /// One class's threshold; AI-assisted changes need both lines.
    fn threshold(&mut self, raw: &Spanned<RawThreshold>, class: &str, required: bool) -> Threshold {
        let review = raw.value.review.as_ref();
        let block = raw.value.block.as_ref();
        if review.is_none() && required {
            self.at(raw, format!("missing `thresholds.{class}.review`: AI-assisted changes need a review threshold"));
        }
        if block.is_none() && required {
            self.at(raw, format!("missing `thresholds.{class}.block`"));
        }
        for (value, key) in [(review, "review"), (block, "block")] {
            if let Some(value) = value.filter(|v| !v.value.is_finite() || v.value < 0.0) {
                let message = format!(
                    "`thresholds.{class}.{key}` must be a finite number ≥ 0, not {}",
                    value.value
                );
                self.at(value, message);
            }
        }
        if let (Some(review), Some(block)) = (review, block)
            && review.value > block.value
        {
            let message = format!(
                "`thresholds.{class}.review` ({}) is above `thresholds.{class}.block` ({}); review would never be reached",
                review.value, block.value
            );
            self.at(review, message);
        }
        Threshold {
            review: review.map(|v| v.value),
            block: block.map(|v| v.value),
        }
    }

    /// Extra markers: a tool name and a pattern that compiles.
    fn markers(&mut self, raw: Vec<super::raw::RawMarker>, source: &Source) -> Vec<Marker> {
        let mut markers = Vec::with_capacity(raw.len());
        for marker in raw {
            if marker.tool.value.trim().is_empty() {
                self.at(&marker.tool, "marker `tool` is empty");
            }
            let compiled = RegexBuilder::new(&marker.pattern.value)
                .size_limit(REGEX_SIZE_LIMIT)
                .build();
            match compiled {
                Ok(pattern) => markers.push(Marker {
                    tool: marker.tool.value,
                    field: marker.field,
                    pattern: Pattern::compiled(pattern),
                    confidence: marker.confidence,
                    kind: MarkerKind::Ai,
                    source: format!("policy ({source})"),
                }),
                Err(error) => {
                    // regex's message spans several lines with a caret; keep the last one.
                    let text = error.to_string();
                    let last = text.lines().last().unwrap_or_default().trim();
                    let reason = last.strip_prefix("error: ").unwrap_or(last);
                    let message = format!(
                        "invalid marker pattern `{}`: {reason}",
                        marker.pattern.value
                    );
                    self.at(&marker.pattern, message);
                }
            }
        }
        markers
    }

    /// `provenance.require_disclosure` is a trailer key, as git reads one: letters, digits
    /// and hyphens, e.g. `Assisted-by`.
    fn disclosure(&mut self, raw: Option<Spanned<String>>) -> Option<String> {
        let raw = raw?;
        let key = raw.value.trim();
        let valid = key.starts_with(|c: char| c.is_ascii_alphanumeric())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            self.at(
                &raw,
                format!(
                    "`provenance.require_disclosure` must be a trailer key such as `Assisted-by` (found `{}`)",
                    raw.value
                ),
            );
            return None;
        }
        Some(key.to_owned())
    }

    /// Rules: unique kebab-case ids, review or block, something to match on, known signals.
    fn rules(&mut self, raw: Vec<RawRule>) -> Vec<Rule> {
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut rules = Vec::with_capacity(raw.len());
        for rule in raw {
            let id = rule.id.value.clone();
            if !is_kebab_case(&id) {
                self.at(
                    &rule.id,
                    format!("rule id `{id}` must be kebab-case (e.g. `policy-edit`)"),
                );
            }
            if let Some(first) = seen.get(&id) {
                self.at(
                    &rule.id,
                    format!("duplicate rule id `{id}` (first defined on line {first})"),
                );
            } else {
                seen.insert(id.clone(), rule.id.referenced.line());
            }
            if rule.decision.value == Decision::Allow {
                self.at(
                    &rule.decision,
                    format!(
                        "rule `{id}`: decision must be `review` or `block`; a rule cannot allow"
                    ),
                );
            }
            if rule.signals.is_empty() && rule.paths.is_empty() {
                self.at(
                    &rule.id,
                    format!(
                        "rule `{id}` needs `signals`, `paths` or both; it would match every finding"
                    ),
                );
            }
            if rule.reason.value.trim().is_empty() {
                self.at(&rule.reason, format!("rule `{id}`: `reason` is empty"));
            }
            let signals = rule.signals.iter().filter_map(|s| self.signal(s)).collect();
            let globs = self.globs(&rule.paths, &format!("rule `{id}`"));
            rules.push(Rule {
                id,
                decision: rule.decision.value,
                signals,
                paths: rule.paths.into_iter().map(|p| p.value).collect(),
                authorship: rule.authorship,
                reason: rule.reason.value,
                waivable: rule
                    .waivable
                    .unwrap_or(rule.decision.value != Decision::Block),
                globs,
            });
        }
        rules
    }

    /// Seniors: a name and plausible emails, each email once over all seniors (an address
    /// shared by two people would make "who took part" ambiguous).
    fn seniors(&mut self, raw: Vec<super::raw::RawSenior>) -> Vec<Senior> {
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut seniors = Vec::with_capacity(raw.len());
        for senior in raw {
            if senior.name.value.trim().is_empty() {
                self.at(&senior.name, "senior `name` is empty");
            }
            for email in std::iter::once(&senior.email).chain(&senior.other_emails) {
                self.senior_email(email, &mut seen);
            }
            if let Some(key) = &senior.signing_key
                && super::KeyKind::of(key).is_none()
            {
                self.at(
                    &senior.email,
                    format!("senior `{}`: `signing_key` is neither an SSH public key (`ssh-ed25519 AAAA…`) nor a GPG fingerprint (40 hex digits)", senior.email.value),
                );
            }
            seniors.push(Senior {
                name: senior.name.value,
                email: senior.email.value,
                other_emails: senior.other_emails.into_iter().map(|e| e.value).collect(),
                signing_key: senior.signing_key,
                login: senior.login,
            });
        }
        seniors
    }

    /// One senior email: present, with an `@`, not listed before.
    fn senior_email(&mut self, raw: &Spanned<String>, seen: &mut HashMap<String, u64>) {
        let email = raw.value.trim().to_lowercase();
        if email.is_empty() {
            self.at(raw, "senior `email` is empty");
        } else if !email.contains('@') {
            self.at(raw, format!("senior email `{email}` has no `@`"));
        } else if let Some(first) = seen.get(&email) {
            self.at(
                raw,
                format!("duplicate senior email `{email}` (first on line {first})"),
            );
        } else {
            seen.insert(email, raw.referenced.line());
        }
    }
}

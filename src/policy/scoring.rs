//! The `scoring` section: how points saturate (issue 11, "scores measure risk, not size").
//!
//! Its raw shape, its checks and the checked [`Scoring`] live together so the section reads
//! in one place; `raw.rs` only names it as a field of the policy. Every key is optional and
//! falls back to [`Scoring::DEFAULT`], which `policies/default.yaml` spells out (a test keeps
//! the two equal).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::validate::Checker;

/// How repeated findings of one signal add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Repeat {
    /// The first `full` findings count in full; after them the k-th weighs
    /// `full × ln(k/(k−1))`, so n equal findings total `full × (1 + ln(n/full))`.
    Log,
    /// Every finding counts in full (the score is then a plain sum).
    Linear,
}

impl Repeat {
    /// The word used in the policy file.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::Log => "log",
            Self::Linear => "linear",
        }
    }
}

/// What `policy check` says about score lines for human changes: whether volume alone can
/// block one (a policy written before issue 11 keeps its explicit `thresholds.human`).
#[must_use]
pub fn human_lines_note(policy: &super::Policy) -> String {
    let lines = policy.thresholds.human;
    let who = if policy.provenance.unattributed == super::Unattributed::Ai {
        "human changes"
    } else {
        "human and unattributed changes"
    };
    match (lines.review, lines.block) {
        (None, None) => format!(
            "note: {who} are gated by rules only: no score line applies to them \
             (set `thresholds.human.block` to let volume alone block them)"
        ),
        (review, block) => {
            let mut parts = Vec::new();
            if let Some(review) = review {
                parts.push(format!(
                    "sent to review at score {}",
                    crate::score::number(review)
                ));
            }
            if let Some(block) = block {
                parts.push(format!("blocked at score {}", crate::score::number(block)));
            }
            format!(
                "note: `thresholds.human` opts in to score lines for {who}: they are {} even when \
                 only volume adds up (remove `thresholds.human` to gate them by rules only)",
                parts.join(" and ")
            )
        }
    }
}

/// Checked scoring settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scoring {
    /// How repeated findings of one signal add up.
    pub repeat: Repeat,
    /// Findings of one signal (or dependent files of one signal) that count in full.
    pub full: f64,
    /// Changed lines of one file that count in full; more saturate the same way.
    pub lines_full: f64,
    /// Most points one file can add to the score.
    pub per_file_cap: f64,
    /// Most points one signal can add to the score.
    pub per_signal_cap: f64,
}

impl Scoring {
    /// The defaults, as `policies/default.yaml` documents them.
    pub const DEFAULT: Self = Self {
        repeat: Repeat::Log,
        full: 5.0,
        lines_full: 200.0,
        per_file_cap: 250.0,
        per_signal_cap: 250.0,
    };

    /// One sentence for reports: the curve and the caps that shaped the points.
    #[must_use]
    pub fn describe(&self) -> String {
        let curve = match self.repeat {
            Repeat::Log => format!(
                "findings of one signal count in full up to {full}, then n of them count as {full}×(1+ln(n/{full})); a file's lines likewise past {}",
                crate::score::number(self.lines_full),
                full = crate::score::number(self.full),
            ),
            Repeat::Linear => "every finding counts in full".to_owned(),
        };
        format!(
            "{curve}; at most {} points per file and {} per signal",
            crate::score::number(self.per_file_cap),
            crate::score::number(self.per_signal_cap)
        )
    }
}

/// How points saturate: repeated findings of one signal count less and less, long files'
/// lines count less and less, and one file or one signal can only add so much. Every key is
/// optional; the defaults are those of the built-in default policy.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scoring")]
pub(crate) struct RawScoring {
    /// `log` (default): the first `full` findings of a signal count in full, the k-th after
    /// them weighs `full × ln(k/(k−1))`, so n equal findings total `full × (1 + ln(n/full))`.
    /// `linear`: every finding counts in full.
    pub repeat: Option<Repeat>,
    /// Findings of one signal in a change (and distinct dependent files) that count in full
    /// before the curve bends; at least 1. Default 5.
    #[schemars(with = "Option<f64>")]
    pub full: Option<Spanned<f64>>,
    /// Changed lines of one file that count in full; n lines past it count as
    /// `lines_full × (1 + ln(n/lines_full))`. At least 1. Default 200.
    #[schemars(with = "Option<f64>")]
    pub lines_full: Option<Spanned<f64>>,
    /// Upper bounds on points.
    #[serde(default)]
    pub caps: RawCaps,
}

/// Upper bounds on points, applied after the curve.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Caps")]
pub(crate) struct RawCaps {
    /// Most points one file's findings can add to the score; above 0. Default 250.
    #[schemars(with = "Option<f64>")]
    pub per_file: Option<Spanned<f64>>,
    /// Most points one signal's findings can add to the score; above 0. Default 250.
    #[schemars(with = "Option<f64>")]
    pub per_signal: Option<Spanned<f64>>,
}

impl Checker<'_> {
    /// Counts at least 1, caps above 0, all finite; absent keys take the defaults.
    pub(super) fn scoring(&mut self, raw: &RawScoring) -> Scoring {
        let default = Scoring::DEFAULT;
        let full = self.number(raw.full.as_ref(), "scoring.full", 1.0, default.full);
        let lines_full = self.number(
            raw.lines_full.as_ref(),
            "scoring.lines_full",
            1.0,
            default.lines_full,
        );
        let per_file_cap = self.number(
            raw.caps.per_file.as_ref(),
            "scoring.caps.per_file",
            f64::MIN_POSITIVE,
            default.per_file_cap,
        );
        let per_signal_cap = self.number(
            raw.caps.per_signal.as_ref(),
            "scoring.caps.per_signal",
            f64::MIN_POSITIVE,
            default.per_signal_cap,
        );
        Scoring {
            repeat: raw.repeat.unwrap_or(default.repeat),
            full,
            lines_full,
            per_file_cap,
            per_signal_cap,
        }
    }

    /// A finite number at least `min`, or `default` when absent.
    fn number(&mut self, value: Option<&Spanned<f64>>, key: &str, min: f64, default: f64) -> f64 {
        let Some(value) = value else {
            return default;
        };
        if !value.value.is_finite() || value.value < min {
            let bound = if min >= 1.0 { "at least 1" } else { "above 0" };
            self.at(
                value,
                format!(
                    "`{key}` must be a finite number {bound}, not {}",
                    value.value
                ),
            );
            return default;
        }
        value.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Source, builtin, parse};

    fn policy(extra: &str) -> Result<crate::policy::Policy, crate::policy::Error> {
        let text = format!("version: 1\nthresholds:\n  ai: {{review: 25, block: 400}}\n{extra}");
        parse(
            &text,
            Source::BuiltIn {
                template: "test".into(),
            },
        )
    }

    /// The default policy spells out exactly the code's defaults, so it documents them.
    #[test]
    fn default_policy_states_the_defaults() {
        assert_eq!(builtin("default").unwrap().scoring, Scoring::DEFAULT);
    }

    /// A policy without `scoring` gets the defaults; each key can be set on its own.
    #[test]
    fn keys_are_optional_and_read() {
        assert_eq!(policy("").unwrap().scoring, Scoring::DEFAULT);
        let set = policy("scoring:\n  repeat: linear\n  full: 2\n  caps: {per_file: 50}\n")
            .unwrap()
            .scoring;
        assert_eq!(set.repeat, Repeat::Linear);
        assert!((set.full - 2.0).abs() < f64::EPSILON);
        assert!((set.per_file_cap - 50.0).abs() < f64::EPSILON);
        assert!((set.per_signal_cap - Scoring::DEFAULT.per_signal_cap).abs() < f64::EPSILON);
    }

    /// Bad values are diagnostics at the value, all of them at once.
    #[test]
    fn bad_values_are_reported_at_their_key() {
        let error = policy(
            "scoring:\n  full: 0\n  lines_full: -3\n  caps: {per_file: 0, per_signal: -1}\n",
        )
        .unwrap_err();
        let crate::policy::Error::Invalid { diagnostics, .. } = error else {
            panic!("expected diagnostics, got {error}");
        };
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].starts_with("`scoring.full` must be a finite number at least 1"));
        assert!(messages[1].starts_with("`scoring.lines_full`"));
        assert!(messages[2].starts_with("`scoring.caps.per_file` must be a finite number above 0"));
        assert!(messages[3].starts_with("`scoring.caps.per_signal`"));
        assert_eq!(diagnostics[0].line, 5);
    }

    /// An unknown curve names the allowed ones.
    #[test]
    fn unknown_curve_is_refused() {
        let error = policy("scoring: {repeat: sqrt}\n").unwrap_err().to_string();
        assert!(error.contains("problem"), "{error}");
    }

    /// Security-sensitive directories and file names are in the critical tier by default, in
    /// every language's spelling; false friends such as `author.py` are not (issue 11).
    #[test]
    fn sensitive_paths_are_critical() {
        let policy = builtin("default").unwrap();
        let critical = [
            "app/auth.py",
            "app/oauth/google.py",
            "src/session/store.go",
            "lib/sessions/cookie.rb",
            "web/middleware/cors.ts",
            "pkg/permissions/check.go",
            "svc/jwt/verify.rs",
            "src/authentication/views.py",
            "src/auth_views.py",
            "src/basic_auth.go",
            "src/user-auth.service.ts",
            "src/authMiddleware.ts",
            "src/main/java/com/x/AuthController.java",
            "src/main/java/com/x/UserAuthService.java",
            "src/Services/BasicAuth.cs",
            "app/Http/Middleware/VerifyCsrfToken.php",
            "src/OAuth2Client.kt",
            "lib/jwt_utils.rb",
            "src/authenticator.go",
            "src/authorization.py",
            "src/password_reset.py",
            "src/credentials.rs",
            "src/secret_store.py",
            "src/encrypt.js",
            "src/security_headers.py",
            "src/permission.py",
            "app/session.go",
        ];
        for path in critical {
            assert_eq!(policy.tier(path).name, "critical", "{path}");
        }
        let ordinary = [
            "src/author.py",
            "src/authors.go",
            "src/Author.java",
            "src/CoAuthor.java",
            "src/authority.rb",
            "src/authoring/editor.ts",
            "docs/auth.md",
            "src/oauth_notes.txt",
        ];
        for path in ordinary {
            assert_ne!(policy.tier(path).name, "critical", "{path}");
        }
    }
}

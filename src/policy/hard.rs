//! The built-in hard rules: rules of the default policy that guard against harm no score
//! makes up for, or that keep the gate failing closed where it cannot read a file. A policy
//! keeps them unless it redefines them by id or opts out with `rules: {inherit: false}`, and
//! `policy check` warns when one no longer applies to its findings as strictly as the default
//! does (issue 12: a policy without `rules` must not switch them off silently).

use std::sync::LazyLock;

use super::{Policy, Rule};

/// One hard rule: its id in `policies/default.yaml` (the rule's definition) and why it is hard.
#[derive(Debug)]
pub(crate) struct HardRule {
    /// The rule id in the default policy.
    pub id: &'static str,
    /// What is lost without it, for the warning.
    pub why: &'static str,
}

/// The hard rules, by id; the default policy defines each one (checked by a test).
pub(crate) static HARD_RULES: &[HardRule] = &[
    HardRule {
        id: "stateful-destroy-blocks",
        why: "destroying or recreating a database, volume or bucket loses data",
    },
    HardRule {
        id: "secrets-block",
        why: "a committed credential is compromised once pushed",
    },
    HardRule {
        id: "secrets-in-test-code-need-review",
        why: "a real credential in a file named like a test would otherwise pass the secrets block unseen",
    },
    HardRule {
        id: "unanalysable-risky-file-needs-review",
        why: "infrastructure, migration, pipeline, hook or policy content the gate cannot read would otherwise pass unseen",
    },
    HardRule {
        id: "unanalysable-risky-file-blocks-ai",
        why: "an AI-assisted change the gate cannot read could destroy anything",
    },
    HardRule {
        id: "unanalysed-submodule-needs-review",
        why: "a submodule bump whose commits are missing brings in code nobody analysed",
    },
    HardRule {
        id: "unanalysed-submodule-blocks-ai",
        why: "an AI-assisted submodule bump that cannot be read is unknown code",
    },
    HardRule {
        id: "undisclosed-ai-needs-review",
        why: "AI-assisted commits without the disclosure trailer the policy requires would pass unseen",
    },
];

/// The hard rules as the default policy defines them.
static DEFAULTS: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let default = super::load::default_policy();
    HARD_RULES
        .iter()
        .filter_map(|hard| default.rules.iter().find(|rule| rule.id == hard.id))
        .cloned()
        .collect()
});

/// The hard rules, as defined in the default policy.
pub(crate) fn defaults() -> &'static [Rule] {
    &DEFAULTS
}

/// The hard rules `own` does not define by id: a policy's own rule of the same id replaces
/// the built-in one (and is checked by [`gaps`]).
pub(crate) fn missing(own: &[Rule], hard: &[Rule]) -> Vec<Rule> {
    hard.iter()
        .filter(|rule| !own.iter().any(|o| o.id == rule.id))
        .cloned()
        .collect()
}

/// One warning per hard rule that no longer applies to every finding it guards as strictly
/// as the default policy defines it: the same decision or a harsher one, on every path, for at
/// least the same authors, and no more waivable.
#[must_use]
pub fn gaps(policy: &Policy) -> Vec<String> {
    let mut warnings = Vec::new();
    for hard in HARD_RULES {
        let Some(builtin) = defaults().iter().find(|rule| rule.id == hard.id) else {
            continue;
        };
        let uncovered: Vec<&str> = builtin
            .signals
            .iter()
            .filter(|signal| {
                !policy.rules.iter().any(|rule| {
                    as_strict(rule, builtin)
                        && (rule.signals.is_empty() || rule.signals.contains(signal))
                })
            })
            .map(|signal| signal.id())
            .collect();
        if !uncovered.is_empty() {
            warnings.push(format!(
                "hard rule `{}` is off: no rule {}s {} on every path{}{}; {}. \
                 Remove `inherit: false` from `rules`, or keep a rule with id `{}` as the default policy defines it",
                hard.id,
                builtin.decision.as_str(),
                uncovered
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                authors(builtin),
                if builtin.waivable { "" } else { ", without waivers" },
                hard.why,
                hard.id
            ));
        }
    }
    warnings
}

/// Whether `rule` (ignoring its signals) is at least as strict as the built-in `hard` rule.
fn as_strict(rule: &Rule, hard: &Rule) -> bool {
    rule.decision >= hard.decision
        && (hard.waivable || !rule.waivable)
        && rule.paths.is_empty()
        && (rule.authorship.is_empty()
            || !hard.authorship.is_empty()
                && hard.authorship.iter().all(|a| rule.authorship.contains(a)))
}

/// ", for every author" or ", for ai changes", for the warning.
fn authors(rule: &Rule) -> String {
    if rule.authorship.is_empty() {
        ", for every author".to_string()
    } else {
        let classes: Vec<&str> = rule.authorship.iter().map(|a| a.as_str()).collect();
        format!(", for {} changes", classes.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Source, parse};
    use crate::vocabulary::Decision;

    fn policy(rules: &str) -> Policy {
        let text = format!(
            "version: 1\nthresholds:\n  ai: {{review: 25, block: 400}}\n  human: {{block: 600}}\n{rules}"
        );
        parse(
            &text,
            Source::BuiltIn {
                template: "test".into(),
            },
        )
        .expect("test policy parses")
    }

    fn ids(policy: &Policy) -> Vec<&str> {
        policy.rules.iter().map(|rule| rule.id.as_str()).collect()
    }

    /// Every hard rule is a rule of the default policy; the block rules are not waivable.
    #[test]
    fn the_default_policy_defines_every_hard_rule() {
        assert_eq!(defaults().len(), HARD_RULES.len());
        for rule in defaults() {
            assert_ne!(rule.decision, Decision::Allow, "{}", rule.id);
            if rule.decision == Decision::Block {
                assert!(!rule.waivable, "{}", rule.id);
            }
        }
        assert!(gaps(&crate::policy::builtin("default").expect("default")).is_empty());
        assert!(gaps(&crate::policy::builtin("strict").expect("strict")).is_empty());
    }

    /// No `rules`, an empty list or a list of other rules keeps the hard rules; a rule of
    /// the same id replaces one; `inherit: false` drops them and is warned about.
    #[test]
    fn hard_rules_are_kept_unless_the_policy_opts_out() {
        let hard = [
            "stateful-destroy-blocks",
            "secrets-block",
            "secrets-in-test-code-need-review",
            "unanalysable-risky-file-needs-review",
            "unanalysable-risky-file-blocks-ai",
            "unanalysed-submodule-needs-review",
            "unanalysed-submodule-blocks-ai",
            "undisclosed-ai-needs-review",
        ];
        for rules in ["", "rules: []\n", "rules: {}\n", "rules: {inherit: true}\n"] {
            let policy = policy(rules);
            assert_eq!(ids(&policy), hard, "{rules:?}");
            assert!(gaps(&policy).is_empty(), "{rules:?}");
        }
        let own = "  - {id: docs-review, decision: review, paths: [\"docs/**\"], reason: Docs.}\n";
        let listed = policy(&format!("rules:\n{own}"));
        assert_eq!(ids(&listed)[0], "docs-review");
        assert_eq!(ids(&listed)[1..], hard);

        let narrowed = policy(
            "rules:\n  - {id: secrets-block, decision: block, signals: [secret-added], authorship: [ai], reason: AI only.}\n",
        );
        assert_eq!(ids(&narrowed)[..2], ["secrets-block", hard[0]]);
        assert_eq!(ids(&narrowed)[2..], hard[2..]);
        let warnings = gaps(&narrowed);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0]
                .starts_with("hard rule `secrets-block` is off: no rule blocks `secret-added`")
        );

        let human_unread = policy(
            "rules:\n  - {id: unanalysable-risky-file-needs-review, decision: review, signals: [unanalysable-risky-file], authorship: [ai], reason: AI only.}\n",
        );
        let warnings = gaps(&human_unread);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(
            "no rule reviews `unanalysable-risky-file` on every path, for every author;"
        ));

        let off = policy(&format!("rules:\n  inherit: false\n  list:\n{own}"));
        assert_eq!(ids(&off), ["docs-review"]);
        let warnings = gaps(&off);
        assert_eq!(warnings.len(), hard.len(), "{warnings:?}");
        assert!(
            warnings[0].contains("`stateful-resource-destroyed`, `stateful-resource-replaced`")
        );
    }

    /// The mapping form is checked like the list: unknown keys and bad rules are errors.
    #[test]
    fn the_mapping_form_is_validated() {
        let text = "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\nrules:\n  inherit: no-thanks\n";
        assert!(
            parse(
                &text.replace("inherit: no-thanks", "inherit: false\n  extra: 1"),
                Source::BuiltIn {
                    template: "t".into()
                }
            )
            .is_err()
        );
        assert!(
            parse(
                text,
                Source::BuiltIn {
                    template: "t".into()
                }
            )
            .is_err()
        );
        let bad_rule = text.replace(
            "inherit: no-thanks",
            "list:\n    - {id: Bad_Id, decision: block, signals: [secret-added], reason: x}",
        );
        let error = parse(
            &bad_rule,
            Source::BuiltIn {
                template: "t".into(),
            },
        )
        .expect_err("bad rule id")
        .to_string();
        assert!(!error.is_empty());
    }
}

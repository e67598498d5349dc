//! What a plan destroys, replaces or forgets, as facts, and how they replace the source
//! analysis's guesses about the same resources.

use super::{Action, Change, Plan};
use crate::analyze::Fact;
use crate::analyze::domain::terraform::directory;
use crate::analyze::domain::terraform::replacement::{ExtraRows, Tables};
use crate::signal::Signal;

/// One documented `action_reason` value and how a message says it.
struct Reason {
    value: &'static str,
    words: &'static str,
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the table test only"))]
    source: &'static str,
}

const FORMAT: &str =
    "developer.hashicorp.com/terraform/internals/json-format (Plan Representation, action_reason)";
const CORE: &str = "github.com/hashicorp/terraform internal/command/jsonplan/plan.go (ResourceInstance* constants)";

/// `action_reason` values (Terraform ≥ 1.1; `OpenTofu` uses the same strings).
const REASONS: &[Reason] = &[
    Reason {
        value: "replace_because_cannot_update",
        words: "a changed argument cannot be updated in place",
        source: FORMAT,
    },
    Reason {
        value: "replace_because_tainted",
        words: "the object is tainted",
        source: FORMAT,
    },
    Reason {
        value: "replace_by_request",
        words: "replacement was requested with -replace",
        source: FORMAT,
    },
    Reason {
        value: "replace_by_triggers",
        words: "replace_triggered_by fired",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_no_resource_config",
        words: "it is no longer in the configuration",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_wrong_repetition",
        words: "count/for_each changed how it repeats",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_count_index",
        words: "its count index is out of range",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_each_key",
        words: "its for_each key is gone",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_no_module",
        words: "its module instance is no longer in the configuration",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_no_move_target",
        words: "it was moved to an address that is not in the configuration",
        source: FORMAT,
    },
    Reason {
        value: "delete_because_enabled_false",
        words: "its `enabled` meta-argument is false",
        source: CORE,
    },
];

/// The source-analysis signals a plan can confirm or contradict.
const LIFECYCLE: &[Signal] = &[
    Signal::ResourceDestroyed,
    Signal::StatefulResourceDestroyed,
    Signal::ResourceReplaced,
    Signal::StatefulResourceReplaced,
];

/// Replaces the source analysis's destroy and replace facts with what `plans` say about the
/// same resources, and adds what only the plans show. A source fact about a resource the
/// plans do not list stays (a plan covers one root module; the change may touch others).
/// Stateful types are the source analysis's table plus the policy's `extra` rows.
pub fn reconcile(facts: &mut Vec<Fact>, plans: &[Plan], extra: &ExtraRows) {
    if plans.is_empty() {
        return;
    }
    let tables = &Tables::with_extra(Some(extra));
    let mut reported: Vec<Vec<bool>> = plans.iter().map(|p| vec![false; p.changes.len()]).collect();
    let mut out = Vec::with_capacity(facts.len());
    for fact in facts.drain(..) {
        let (Some(file), Some(subject)) = (fact.file.clone(), fact.subject.clone()) else {
            out.push(fact);
            continue;
        };
        if !LIFECYCLE.contains(&fact.signal) {
            out.push(fact);
            continue;
        }
        let matched = matching(plans, directory(&file), &subject);
        if matched.is_empty() {
            out.push(fact);
            continue;
        }
        let destroying: Vec<(usize, usize)> = matched
            .iter()
            .copied()
            .filter(|&(p, c)| {
                matches!(
                    plans[p].changes[c].action,
                    Action::Delete | Action::Replace { .. }
                )
            })
            .collect();
        if destroying.is_empty() {
            out.push(contradiction(plans, &matched, fact));
            continue;
        }
        for (p, c) in destroying {
            if std::mem::replace(&mut reported[p][c], true) {
                continue;
            }
            let change = &plans[p].changes[c];
            let mut from_plan = plan_fact(&plans[p], change, tables);
            let same_kind = is_replace(from_plan.signal) == is_replace(fact.signal);
            from_plan.message = if same_kind {
                format!("{}; the source analysis agrees", from_plan.message)
            } else {
                format!(
                    "{}; the source analysis said \"{}\": the plan wins",
                    from_plan.message, fact.message
                )
            };
            from_plan.file = Some(file.clone());
            from_plan.line = fact.line;
            out.push(from_plan);
        }
    }
    for (p, plan) in plans.iter().enumerate() {
        for (c, change) in plan.changes.iter().enumerate() {
            if reported[p][c] || change.action == Action::Keep {
                continue;
            }
            let mut fact = plan_fact(plan, change, tables);
            if change.action != Action::Forget {
                fact.message
                    .push_str("; the source analysis did not find it");
            }
            out.push(fact);
        }
    }
    *facts = out;
}

fn is_replace(signal: Signal) -> bool {
    matches!(
        signal,
        Signal::ResourceReplaced | Signal::StatefulResourceReplaced
    )
}

/// `(plan, change)` indexes of the changes a source fact about `subject` in directory `dir`
/// speaks of: the resource (or every resource of a module subject) under the module calls
/// whose local source is `dir`, else under the root module.
fn matching(plans: &[Plan], dir: &str, subject: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (p, plan) in plans.iter().enumerate() {
        let suffix_of = |module_dir: &str| {
            !module_dir.is_empty()
                && (dir == module_dir || dir.ends_with(&format!("/{module_dir}")))
        };
        let longest = plan
            .module_dirs
            .iter()
            .filter(|(_, d)| suffix_of(d))
            .map(|(_, d)| d.len())
            .max();
        let targets: Vec<String> = match longest {
            Some(len) => plan
                .module_dirs
                .iter()
                .filter(|(_, d)| d.len() == len && suffix_of(d))
                .map(|(module, _)| format!("{module}.{subject}"))
                .collect(),
            None => vec![subject.to_string()],
        };
        for (c, change) in plan.changes.iter().enumerate() {
            let hit = targets.iter().any(|target| {
                change.config_address == *target
                    || change.previous_config_address.as_deref() == Some(target.as_str())
                    || (subject.starts_with("module.")
                        && change.config_address.starts_with(&format!("{target}.")))
            });
            if hit {
                found.push((p, c));
            }
        }
    }
    found
}

/// A source fact the plans contradict: they list the resource and neither destroy nor
/// replace it.
fn contradiction(plans: &[Plan], matched: &[(usize, usize)], fact: Fact) -> Fact {
    let (p, c) = matched[0];
    let change = &plans[p].changes[c];
    let what = if change.action == Action::Forget {
        "forgets it without destroying it"
    } else {
        "keeps it (no destroy or replacement)"
    };
    let more = match matched.len() {
        1 => String::new(),
        n => format!(" and {} more instances", n - 1),
    };
    Fact {
        signal: Signal::PlanContradictsSource,
        message: format!(
            "the source analysis said \"{}\"; the plan {} {what} ({}{more}): the plan wins",
            fact.message, plans[p].name, change.address
        ),
        quantity: 1.0,
        related: Vec::new(),
        ..fact
    }
}

/// The fact for one change, as the source analysis would word it, marked "from the plan".
fn plan_fact(plan: &Plan, change: &Change, tables: &Tables) -> Fact {
    let address = &change.address;
    let kind = tables.stateful_kind(&change.resource_type);
    let note = kind.map_or_else(String::new, |kind| format!(" ({kind})"));
    let loss = if kind.is_some() {
        ": data loss unless snapshotted"
    } else {
        ""
    };
    let because = change
        .reason
        .as_deref()
        .map(|value| {
            let words = REASONS
                .iter()
                .find(|r| r.value == value)
                .map_or(value, |r| r.words);
            format!(" because {words}")
        })
        .unwrap_or_default();
    let (signal, what) = match change.action {
        Action::Delete => {
            let signal = if kind.is_some() {
                Signal::StatefulResourceDestroyed
            } else {
                Signal::ResourceDestroyed
            };
            let object = match &change.deposed {
                Some(key) => format!("deposed object {key} of {address}"),
                None => address.clone(),
            };
            (signal, format!("destroys {object}{note}{because}{loss}"))
        }
        Action::Replace { create_first } => {
            let signal = if kind.is_some() {
                Signal::StatefulResourceReplaced
            } else {
                Signal::ResourceReplaced
            };
            let order = if create_first {
                "creating the new one before destroying the old"
            } else {
                "destroying the old before creating the new"
            };
            let forced = if change.replace_paths.is_empty() {
                String::new()
            } else {
                format!(", forced by {}", change.replace_paths.join(", "))
            };
            (
                signal,
                format!("replaces {address}{note}, {order}{forced}{because}{loss}"),
            )
        }
        Action::Forget | Action::Keep => (
            Signal::ResourceForgotten,
            format!(
                "forgets {address}{note}: removed from Terraform state, it keeps running unmanaged"
            ),
        ),
    };
    Fact {
        signal,
        file: None,
        line: None,
        quantity: 1.0,
        message: format!("from the plan {}: {what}", plan.name),
        related: Vec::new(),
        subject: Some(address.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::REASONS;

    /// Every reason row is sourced and listed once.
    #[test]
    fn reasons_are_sourced_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for reason in REASONS {
            assert!(!reason.source.is_empty() && !reason.words.is_empty());
            assert!(seen.insert(reason.value), "{}", reason.value);
        }
    }
}

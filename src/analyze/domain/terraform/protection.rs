//! Destroy protections a change weakens on a resource that exists on both sides:
//! `prevent_destroy` dropped, deletion protection turned off, final snapshots skipped, buckets
//! made force-destroyable. The resource is not destroyed yet; the next mistake can destroy it.

use super::model::{Block, Value};
use super::rules::type_of;
use super::{Entry, finding};
use crate::analyze::Fact;
use crate::signal::Signal;

/// Attributes that, when true, protect a resource from deletion.
const PROTECTIONS: &[&str] = &[
    "deletion_protection",
    "deletion_protection_enabled",
    "enable_deletion_protection",
    "purge_protection_enabled",
];
/// Attributes that, when true, let a destroy lose data.
const HAZARDS: &[&str] = &["skip_final_snapshot", "force_destroy"];

/// Backup retention settings whose `0` turns automated backups off, deleting the ones kept:
/// (resource type, attribute, source).
const BACKUPS_OFF_AT_ZERO: &[(&str, &str, &str)] = &[(
    "aws_db_instance",
    "backup_retention_period",
    "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#backup_retention_period ; RDS user guide, \"Disabling automated backups\" (existing automated backups are deleted)",
)];

/// Destroy protections weakened on a resource present on both sides.
pub fn weakened(before: &Entry, after: &Entry) -> Vec<Fact> {
    let (old, new) = (&before.block, &after.block);
    let Some(address) = new.address() else {
        return Vec::new();
    };
    let mut facts = Vec::new();
    let mut push = |line: u32, message: String| {
        facts.push(finding(
            Signal::DestroyProtectionRemoved,
            &after.file,
            line,
            &address,
            message,
        ));
    };
    let prevent = |block: &Block| {
        block
            .children("lifecycle")
            .find_map(|l| l.attr_entry("prevent_destroy").cloned())
    };
    if let Some(was) = prevent(old).filter(|a| a.value.is_true()) {
        match prevent(new) {
            Some(now) if now.value.is_true() => {}
            now => push(
                now.map_or(new.line, |a| a.line),
                format!(
                    "removes prevent_destroy from {address}: it can now be destroyed by a plan (was line {})",
                    was.line
                ),
            ),
        }
    }
    // Google's deletion_protection defaults to true, so dropping the line keeps it on there.
    let default_on = type_of(new).starts_with("google_");
    for name in PROTECTIONS {
        let was_on = old.attr(name).is_some_and(Value::is_true);
        match new.attr_entry(name) {
            Some(now) if now.value.is_false() && !old.attr(name).is_some_and(Value::is_false) => {
                push(
                    now.line,
                    format!("turns {name} off on {address}: a plan can now delete it"),
                );
            }
            None if was_on && !default_on => {
                push(
                    new.line,
                    format!("removes {name} from {address}: a plan can now delete it"),
                );
            }
            _ => {}
        }
    }
    for name in HAZARDS {
        let now = new.attr_entry(name).filter(|a| a.value.is_true());
        if let Some(now) = now.filter(|_| !old.attr(name).is_some_and(Value::is_true)) {
            let consequence = if *name == "force_destroy" {
                "destroying it also deletes everything in it"
            } else {
                "destroying it keeps no final snapshot"
            };
            push(now.line, format!("sets {name} on {address}: {consequence}"));
        }
    }
    let zero = |value: &Value| matches!(value, Value::Num(n) if n.trim() == "0");
    for (kind, name, _source) in BACKUPS_OFF_AT_ZERO {
        let now = (type_of(new) == *kind)
            .then(|| new.attr_entry(name))
            .flatten()
            .filter(|a| zero(&a.value));
        if let Some(now) = now.filter(|_| !old.attr(name).is_some_and(zero)) {
            push(
                now.line,
                format!(
                    "sets {name} = 0 on {address}: automated backups stop and the ones kept are deleted"
                ),
            );
        }
    }
    facts
}

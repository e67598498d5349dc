//! Storage lifecycle rules that delete every object: a bucket whose rule expires all it holds
//! loses its data without any resource being destroyed, so the destroy rules never see it (an
//! AI-assisted push adding such a rule reached "allow" in a red-team trial). A rule counts when
//! it is on, has a deleting action, and nothing narrows it to some objects; it is reported when
//! it is new on its address, like the grants and openings of `security`.

use super::model::{Block, Value};
use super::security::{Detection, only_new};
use super::{Fact, Module};
use crate::signal::Signal;

/// One way a storage resource holds lifecycle rules.
struct Rules {
    /// The resource type.
    resource: &'static str,
    /// The block each rule is.
    rule: &'static str,
    /// The attribute that switches a rule on and its "on" value; `None` when rules are always on.
    switch: Option<(&'static str, &'static str)>,
    /// The path of blocks under the rule whose presence, with one of `deleting` set (or any
    /// attribute when `deleting` is empty and `action` matches), deletes objects.
    action: &'static [&'static str],
    /// Attributes of the action block that delete objects; empty when `kind` decides.
    deleting: &'static [&'static str],
    /// An attribute of the action block that must have this value (`type = "Delete"`).
    kind: Option<(&'static str, &'static str)>,
    /// Paths under the rule (blocks, then an attribute or block) that narrow it to some
    /// objects when present and not empty.
    scopes: &'static [&'static [&'static str]],
    /// Where the fields are documented.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the table test only"))]
    source: &'static str,
}

const S3_SCOPES: &[&[&str]] = &[
    &["prefix"],
    &["filter", "prefix"],
    &["filter", "tag"],
    &["filter", "and"],
    &["filter", "object_size_greater_than"],
    &["filter", "object_size_less_than"],
];

/// The lifecycle rule shapes of the storage resources.
const RULES: &[Rules] = &[
    Rules {
        resource: "aws_s3_bucket_lifecycle_configuration",
        rule: "rule",
        switch: Some(("status", "Enabled")),
        action: &["expiration"],
        deleting: &["days", "date"],
        kind: None,
        scopes: S3_SCOPES,
        source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_lifecycle_configuration ; S3 API LifecycleRuleFilter: \"If the Filter element is left empty, the Lifecycle Rule applies to all objects in the bucket\" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRuleFilter.html)",
    },
    Rules {
        resource: "aws_s3_bucket",
        rule: "lifecycle_rule",
        switch: Some(("enabled", "true")),
        action: &["expiration"],
        deleting: &["days", "date"],
        kind: None,
        scopes: &[&["prefix"], &["tags"]],
        source: "https://registry.terraform.io/providers/hashicorp/aws/3.76.1/docs/resources/s3_bucket#lifecycle_rule (AWS provider 3.x inline rules)",
    },
    Rules {
        resource: "google_storage_bucket",
        rule: "lifecycle_rule",
        switch: None,
        action: &["action"],
        deleting: &[],
        kind: Some(("type", "Delete")),
        scopes: &[
            &["condition", "matches_prefix"],
            &["condition", "matches_suffix"],
            &["condition", "matches_storage_class"],
            &["condition", "with_state"],
            &["condition", "num_newer_versions"],
            &["condition", "days_since_noncurrent_time"],
            &["condition", "noncurrent_time_before"],
        ],
        source: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_bucket#lifecycle_rule",
    },
    Rules {
        resource: "azurerm_storage_management_policy",
        rule: "rule",
        switch: Some(("enabled", "true")),
        action: &["actions", "base_blob"],
        deleting: &[
            "delete_after_days_since_modification_greater_than",
            "delete_after_days_since_last_access_time_greater_than",
            "delete_after_days_since_creation_greater_than",
        ],
        kind: None,
        scopes: &[
            &["filters", "prefix_match"],
            &["filters", "match_blob_index_tag"],
        ],
        source: "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_management_policy",
    },
];

/// `destroy-protection-removed` for each lifecycle rule, new on its address, that deletes
/// every object of its bucket.
pub fn facts(module: &Module) -> Vec<Fact> {
    only_new(module, expires_everything, Signal::DestroyProtectionRemoved)
}

fn expires_everything(block: &Block, address: &str) -> Vec<Detection> {
    let Some(shape) = RULES.iter().find(|rules| {
        block.kind == "resource" && block.labels.first().map(String::as_str) == Some(rules.resource)
    }) else {
        return Vec::new();
    };
    block
        .children(shape.rule)
        .filter(|rule| deletes_everything(shape, rule))
        .take(1)
        .map(|rule| Detection {
            key: "expires-every-object".to_string(),
            line: rule.line,
            message: format!(
                "adds a lifecycle rule to {address} that deletes every object it holds (no prefix, tag or other filter narrows it)"
            ),
        })
        .collect()
}

fn deletes_everything(shape: &Rules, rule: &Block) -> bool {
    let on = shape
        .switch
        .is_none_or(|(name, on)| rule.attr(name).is_some_and(|value| switched_on(value, on)));
    let deletes = descend(rule, shape.action).into_iter().any(|action| {
        let kind = shape.kind.is_none_or(|(name, wanted)| {
            action
                .attr(name)
                .and_then(Value::as_str)
                .is_some_and(|value| value.eq_ignore_ascii_case(wanted))
        });
        let deleting = shape.deleting.is_empty()
            || shape
                .deleting
                .iter()
                .any(|name| action.attr(name).is_some_and(|v| !empty(v)));
        kind && deleting
    });
    on && deletes && !shape.scopes.iter().any(|path| narrows(rule, path))
}

/// Whether `value` is the switch's "on" (a string or a boolean); an expression may be on.
fn switched_on(value: &Value, on: &str) -> bool {
    match value {
        Value::Str(text) => text.eq_ignore_ascii_case(on),
        Value::Bool(flag) => on == "true" && *flag,
        Value::Expr(_) => true,
        _ => false,
    }
}

/// The blocks at `path` under `block`.
fn descend<'a>(block: &'a Block, path: &[&'a str]) -> Vec<&'a Block> {
    let mut level = vec![block];
    for kind in path {
        level = level.iter().flat_map(|b| b.children(kind)).collect();
    }
    level
}

/// Whether the attribute or block at `path` under `rule` is there and not empty: a block
/// narrows only if something in it is set (`filter { and { prefix = "" } }` narrows nothing).
fn narrows(rule: &Block, path: &[&str]) -> bool {
    let Some((last, blocks)) = path.split_last() else {
        return false;
    };
    descend(rule, blocks).into_iter().any(|parent| {
        parent.attr(last).is_some_and(|value| !empty(value))
            || parent.children(last).any(sets_something)
    })
}

/// Whether `block` or a block inside it has an attribute that is not empty.
fn sets_something(block: &Block) -> bool {
    block.attrs.iter().any(|attr| !empty(&attr.value)) || block.blocks.iter().any(sets_something)
}

fn empty(value: &Value) -> bool {
    match value {
        Value::Str(text) => text.is_empty(),
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        Value::Num(_) | Value::Bool(_) | Value::Expr(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::RULES;

    /// Every row cites the provider's registry page and names the fields it reads.
    #[test]
    fn every_row_cites_its_registry_page() {
        for rules in RULES {
            assert!(
                rules
                    .source
                    .starts_with("https://registry.terraform.io/providers/hashicorp/"),
                "{}",
                rules.resource
            );
            assert!(!rules.action.is_empty(), "{}", rules.resource);
            assert!(
                !rules.deleting.is_empty() || rules.kind.is_some(),
                "{}: no way to tell a deleting action",
                rules.resource
            );
        }
    }
}

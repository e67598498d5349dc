//! The serde shape of `terraform show -json` (only the fields the gate reads; the rest,
//! attribute values included, is skipped unread) and its check into a [`Plan`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::tree_view::local_source;
use super::{Action, Change, Plan};

#[derive(Debug, Deserialize)]
struct RawPlan {
    format_version: Option<String>,
    #[serde(default)]
    errored: bool,
    resource_changes: Option<Vec<RawChange>>,
    planned_values: Option<serde::de::IgnoredAny>,
    configuration: Option<RawConfiguration>,
}

#[derive(Debug, Deserialize)]
struct RawChange {
    address: String,
    previous_address: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    resource_type: String,
    deposed: Option<String>,
    change: RawChangeBody,
    action_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawChangeBody {
    actions: Vec<String>,
    #[serde(default)]
    replace_paths: Vec<Vec<serde_json::Value>>,
}

#[derive(Debug, Deserialize)]
struct RawConfiguration {
    root_module: Option<RawModule>,
}

#[derive(Debug, Deserialize)]
struct RawModule {
    #[serde(default)]
    module_calls: BTreeMap<String, RawCall>,
}

#[derive(Debug, Deserialize)]
struct RawCall {
    source: Option<String>,
    module: Option<RawModule>,
}

/// The action words of `change.actions` (the format's documented values).
const ACTIONS: &[&str] = &["no-op", "create", "read", "update", "delete", "forget"];

/// An I/O error in words for a one-line message.
pub(super) fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => error.to_string(),
    }
}

pub(super) fn parse(name: &str, bytes: &[u8]) -> Result<Plan, String> {
    // serde reads a struct from an array too; a plan is an object.
    if bytes.trim_ascii_start().first().is_some_and(|&b| b != b'{') {
        return Err("the top level is not a JSON object".to_string());
    }
    let raw: RawPlan = serde_json::from_slice(bytes).map_err(|error| error.to_string())?;
    match raw.format_version.as_deref() {
        Some(version) if version.split('.').next() == Some("1") => {}
        Some(version) => {
            return Err(format!(
                "format_version {version:?} is not 1.x, the version this reader knows"
            ));
        }
        None => return Err("no format_version".to_string()),
    }
    if raw.resource_changes.is_none() && raw.planned_values.is_none() {
        return Err(
            "no resource_changes or planned_values (a state file rather than a plan?)".to_string(),
        );
    }
    if raw.errored {
        return Err(
            "Terraform reported errors while planning (`errored: true`), so the plan is incomplete"
                .to_string(),
        );
    }
    let mut changes = Vec::new();
    for (at, change) in raw
        .resource_changes
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        // Only managed resources are destroyed: data sources are read, ephemeral ones opened
        // and closed, and their action words are not the managed ones.
        if change.mode.as_deref().is_some_and(|mode| mode != "managed") {
            continue;
        }
        let action = action(&change.change.actions)
            .map_err(|why| format!("resource_changes[{at}] ({}): {why}", change.address))?;
        changes.push(Change {
            config_address: without_keys(&change.address),
            previous_config_address: change.previous_address.as_deref().map(without_keys),
            address: change.address,
            resource_type: change.resource_type,
            action,
            reason: change.action_reason,
            replace_paths: change
                .change
                .replace_paths
                .iter()
                .map(|p| path(p))
                .collect(),
            deposed: change.deposed,
        });
    }
    let mut module_dirs = Vec::new();
    if let Some(root) = raw.configuration.and_then(|c| c.root_module) {
        calls(&root, "", Some(""), &mut module_dirs);
    }
    Ok(Plan {
        name: name.to_string(),
        changes,
        module_dirs,
    })
}

/// What an `actions` list does to the existing object; unknown words are refused (a newer
/// format the gate cannot judge must not pass as harmless).
fn action(actions: &[String]) -> Result<Action, String> {
    if actions.is_empty() {
        return Err("empty actions".to_string());
    }
    if let Some(unknown) = actions.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
        return Err(format!("unknown action {unknown:?}"));
    }
    let has = |word: &str| actions.iter().any(|a| a == word);
    Ok(if has("delete") && has("create") {
        Action::Replace {
            create_first: actions[0] == "create",
        }
    } else if has("delete") {
        Action::Delete
    } else if has("forget") {
        Action::Forget
    } else {
        Action::Keep
    })
}

/// `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`: keys are skipped with
/// their quoted strings (which may hold `]` or `.`).
pub(super) fn without_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut chars = address.chars();
    while let Some(c) = chars.next() {
        if c != '[' {
            out.push(c);
            continue;
        }
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if quoted => {
                    chars.next();
                }
                '"' => quoted = !quoted,
                ']' if !quoted => break,
                _ => {}
            }
        }
    }
    out
}

/// One `replace_paths` entry as an attribute path: names joined by `.`, indexes as `[n]`.
fn path(steps: &[serde_json::Value]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            serde_json::Value::String(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            other => {
                out.push('[');
                out.push_str(&other.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Module call paths and the directories of their local sources, depth first.
fn calls(module: &RawModule, prefix: &str, dir: Option<&str>, out: &mut Vec<(String, String)>) {
    for (name, call) in &module.module_calls {
        let path = if prefix.is_empty() {
            format!("module.{name}")
        } else {
            format!("{prefix}.module.{name}")
        };
        let call_dir = dir
            .zip(call.source.as_deref())
            .and_then(|(d, s)| local_source(d, s));
        if let Some(call_dir) = &call_dir {
            out.push((path.clone(), call_dir.clone()));
        }
        if let Some(inner) = &call.module {
            calls(inner, &path, call_dir.as_deref(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instance keys go, quoted strings holding brackets and dots included.
    #[test]
    fn keys_are_stripped() {
        for (address, config) in [
            ("aws_s3_bucket.b", "aws_s3_bucket.b"),
            ("aws_s3_bucket.b[0]", "aws_s3_bucket.b"),
            (
                r#"module.a["x.]y"].module.b[2].aws_db_instance.m["k\"]"]"#,
                "module.a.module.b.aws_db_instance.m",
            ),
        ] {
            assert_eq!(without_keys(address), config, "{address}");
        }
    }

    /// Each documented action list, and what is refused.
    #[test]
    fn actions_table() {
        let words = |list: &[&str]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        for (list, expected) in [
            (&["delete"][..], Action::Delete),
            (
                &["delete", "create"],
                Action::Replace {
                    create_first: false,
                },
            ),
            (
                &["create", "delete"],
                Action::Replace { create_first: true },
            ),
            (&["forget"], Action::Forget),
            (&["create", "forget"], Action::Forget),
            (&["no-op"], Action::Keep),
            (&["update"], Action::Keep),
            (&["read"], Action::Keep),
        ] {
            assert_eq!(action(&words(list)), Ok(expected), "{list:?}");
        }
        assert!(action(&words(&["obliterate"])).is_err());
        assert!(action(&[]).is_err());
    }

    /// Local sources resolve against their caller; remote ones and escapes do not.
    #[test]
    fn module_sources() {
        assert_eq!(
            local_source("", "./modules/db").as_deref(),
            Some("modules/db")
        );
        assert_eq!(
            local_source("modules/app", "../db").as_deref(),
            Some("modules/db")
        );
        assert_eq!(local_source("", "../shared"), None);
        assert_eq!(local_source("", "terraform-aws-modules/rds/aws"), None);
        assert_eq!(local_source("", "git::https://example.com/m.git"), None);
    }
}

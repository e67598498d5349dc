//! Rules about what a module opens up or switches: IAM policies that grant `*`, network rules
//! open to the whole internet, and backend or provider changes. A grant or an opening is only
//! reported when it is new: present after the change and not before on the same address.

use std::collections::HashSet;

use super::model::{Attr, Block, Value};
use super::{Entry, Module, finding};
use crate::analyze::Fact;
use crate::analyze::domain::{aws_managed, cidr};
use crate::signal::Signal;

/// Every fact of this file's rules for one module.
pub fn facts(module: &Module) -> Vec<Fact> {
    let mut facts = Vec::new();
    facts.extend(only_new(module, iam, Signal::IamWildcard));
    facts.extend(only_new(module, managed, Signal::IamWildcard));
    // Wildcards behind dynamic blocks, variables, locals and module inputs (issue 13).
    let seen: HashSet<Option<String>> = facts.iter().map(|f| f.subject.clone()).collect();
    facts.extend(super::iam_indirect::facts(module, &seen));
    facts.extend(only_new(module, ingress, Signal::PublicIngress));
    // A grant of `*` is already an `iam-wildcard`; the narrower grants are the rest.
    let grants = only_new(module, grant, Signal::SecuritySensitiveChange);
    let wildcards: HashSet<Option<String>> = facts.iter().map(|f| f.subject.clone()).collect();
    facts.extend(
        grants
            .into_iter()
            .filter(|fact| !wildcards.contains(&fact.subject)),
    );
    facts.extend(providers(module));
    facts
}

/// One finding candidate: a key to compare sides with, its line and message.
pub(super) struct Detection {
    pub(super) key: String,
    pub(super) line: u32,
    pub(super) message: String,
}

/// Runs `rule` on every addressable block of both sides; reports the new side's hits whose
/// `(address, key)` the old side did not have.
pub(super) fn only_new(
    module: &Module,
    rule: fn(&Block, &str) -> Vec<Detection>,
    signal: Signal,
) -> Vec<Fact> {
    fn hits(
        entries: &[Entry],
        rule: fn(&Block, &str) -> Vec<Detection>,
    ) -> Vec<(&Entry, String, Detection)> {
        entries
            .iter()
            .filter_map(|e| Some((e, e.block.address()?)))
            .flat_map(|(e, address)| {
                rule(&e.block, &address)
                    .into_iter()
                    .map(move |hit| (e, address.clone(), hit))
            })
            .collect::<Vec<_>>()
    }
    let before: HashSet<(String, String)> = hits(&module.old, rule)
        .into_iter()
        .map(|(_, address, hit)| (address, hit.key))
        .collect();
    hits(&module.new, rule)
        .into_iter()
        .filter(|(_, address, hit)| !before.contains(&(address.clone(), hit.key.clone())))
        .map(|(entry, address, hit)| finding(signal, &entry.file, hit.line, &address, hit.message))
        .collect()
}

/// Resources that grant an identity a role or policy (a narrower grant than `*` is still who
/// may do what): type prefix and suffix, the attribute naming what is granted, and the docs.
const GRANTS: &[(&str, &str, &str, &str)] = &[
    (
        "google_",
        "_iam_member",
        "role",
        "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam",
    ),
    (
        "google_",
        "_iam_binding",
        "role",
        "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam",
    ),
    (
        "google_",
        "_iam_policy",
        "policy_data",
        "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam",
    ),
    (
        "aws_iam_",
        "_policy_attachment",
        "policy_arn",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy_attachment",
    ),
    (
        "azurerm_role_assignment",
        "",
        "role_definition_name",
        "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_assignment",
    ),
    (
        "kubernetes_",
        "role_binding",
        "role_ref",
        "https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/cluster_role_binding",
    ),
    (
        "kubernetes_",
        "role_binding_v1",
        "role_ref",
        "https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/cluster_role_binding_v1",
    ),
];

/// A new or changed grant: keyed by what it grants, so a new role on the same address is new.
fn grant(block: &Block, address: &str) -> Vec<Detection> {
    let ty = block.labels.first().map_or("", String::as_str);
    if block.kind != "resource" {
        return Vec::new();
    }
    let Some((_, _, attribute, _)) = GRANTS
        .iter()
        .find(|(prefix, suffix, ..)| ty.starts_with(prefix) && ty.ends_with(suffix))
    else {
        return Vec::new();
    };
    let granted = match block.attr(attribute) {
        Some(Value::Str(text) | Value::Expr(text)) => text.clone(),
        Some(other) => format!("{other:?}"),
        None => block
            .blocks
            .iter()
            .find(|nested| nested.kind == *attribute)
            .map_or_else(String::new, |nested| format!("{:?}", nested.attrs)),
    };
    let shown = if granted.len() > 80 || granted.starts_with('[') || granted.contains('{') {
        "a new grant".to_string()
    } else {
        format!("`{granted}`")
    };
    vec![Detection {
        key: format!("grant:{granted}"),
        line: block.line,
        message: format!("{address} grants {shown}: who may do what in the cloud account changed"),
    }]
}

/// Resource types whose `policy` argument is an IAM policy document.
pub(super) const POLICY_RESOURCES: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
];

fn json_to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => Value::Num(n.to_string()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(json_to_value).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        ),
    }
}

/// Wildcard grants of an allow statement: which of actions/resources are `*`.
pub(super) fn wildcards(
    effect: Option<&str>,
    actions: &[&str],
    resources: &[&str],
) -> Vec<&'static str> {
    if effect.is_some_and(|e| !e.eq_ignore_ascii_case("allow")) {
        return Vec::new();
    }
    let mut found = Vec::new();
    if actions.contains(&"*") {
        found.push("actions");
    }
    if resources.contains(&"*") {
        found.push("resources");
    }
    found
}

/// The statements of a policy document: `jsonencode({...})` was evaluated to an object; a
/// heredoc or string holds JSON text; anything else (a data source's `.json`) is read where
/// that data source is declared.
pub(super) fn statements(policy: &Value) -> Vec<Value> {
    let document = match policy {
        Value::Str(text) => serde_json::from_str(text)
            .map(|json| json_to_value(&json))
            .ok(),
        map @ Value::Map(_) => Some(map.clone()),
        _ => None,
    };
    match document.as_ref().and_then(|d| d.get("Statement")) {
        Some(Value::List(items)) => items.clone(),
        Some(one @ Value::Map(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

fn iam(block: &Block, address: &str) -> Vec<Detection> {
    let mut grants: Vec<(usize, &'static str, u32)> = Vec::new();
    let ty = block.labels.first().map_or("", String::as_str);
    if block.kind == "data" && ty == "aws_iam_policy_document" {
        for (index, statement) in block.children("statement").enumerate() {
            let strings = |name: &str| statement.attr(name).map(Value::strings).unwrap_or_default();
            let effect = statement.attr("effect").and_then(Value::as_str);
            for what in wildcards(effect, &strings("actions"), &strings("resources")) {
                grants.push((index, what, statement.line));
            }
        }
    } else if block.kind == "resource" {
        // The policy argument of policy resources, and inline policies of roles.
        let policies: Vec<&Attr> = if POLICY_RESOURCES.contains(&ty) {
            block.attr_entry("policy").into_iter().collect()
        } else if ty == "aws_iam_role" {
            block
                .children("inline_policy")
                .filter_map(|b| b.attr_entry("policy"))
                .collect()
        } else {
            Vec::new()
        };
        for (which, policy) in policies.into_iter().enumerate() {
            for (index, statement) in statements(&policy.value).iter().enumerate() {
                let strings =
                    |name: &str| statement.get(name).map(Value::strings).unwrap_or_default();
                let effect = statement.get("Effect").and_then(Value::as_str);
                for what in wildcards(effect, &strings("Action"), &strings("Resource")) {
                    grants.push((which * 1000 + index, what, policy.line));
                }
            }
        }
    }
    grants
        .into_iter()
        .map(|(_, what, line)| Detection {
            // Keyed by what is granted, not by statement position: adding a statement before
            // an old wildcard one does not make that grant new.
            key: what.to_string(),
            line,
            message: format!("{address} allows `*` {what}: any holder of this policy can do far more than the change needs"),
        })
        .collect()
}

/// Arguments that attach AWS-managed policies by ARN, per resource type. Source: the AWS
/// provider docs of each resource (`policy_arn`, `managed_policy_arns`, `policy_arns`,
/// `managed_policy_arn`).
const ATTACHMENTS: &[(&str, &str)] = &[
    ("aws_iam_role_policy_attachment", "policy_arn"),
    ("aws_iam_user_policy_attachment", "policy_arn"),
    ("aws_iam_group_policy_attachment", "policy_arn"),
    ("aws_iam_policy_attachment", "policy_arn"),
    ("aws_iam_role", "managed_policy_arns"),
    ("aws_iam_role_policy_attachments_exclusive", "policy_arns"),
    ("aws_iam_user_policy_attachments_exclusive", "policy_arns"),
    ("aws_iam_group_policy_attachments_exclusive", "policy_arns"),
    (
        "aws_ssoadmin_managed_policy_attachment",
        "managed_policy_arn",
    ),
];

/// AWS-managed policies that grant `*` (`AdministratorAccess`, `*FullAccess`) attached by ARN.
fn managed(block: &Block, address: &str) -> Vec<Detection> {
    let ty = block.labels.first().map_or("", String::as_str);
    if block.kind != "resource" {
        return Vec::new();
    }
    let Some(attr) = ATTACHMENTS
        .iter()
        .find(|(t, _)| *t == ty)
        .and_then(|(_, name)| block.attr_entry(name))
    else {
        return Vec::new();
    };
    let arns: Vec<&str> = match &attr.value {
        Value::Str(text) | Value::Expr(text) => vec![text.as_str()],
        Value::List(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Str(text) | Value::Expr(text) => Some(text.as_str()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    arns.into_iter()
        .filter_map(|arn| {
            let row = aws_managed::admin_policy(arn)?;
            let name = arn.rsplit('/').next().unwrap_or(row.name).trim_end_matches('"');
            Some(Detection {
                key: format!("managed:{name}"),
                line: attr.line,
                message: format!(
                    "{address} attaches the AWS-managed policy {name}, which allows {} (document: {})",
                    row.grants, row.source
                ),
            })
        })
        .collect()
}

/// Sources that mean "anyone on the internet".
fn open(source: &str, azure: bool) -> bool {
    matches!(source, "0.0.0.0/0" | "::/0")
        || (azure
            && (source == "*"
                || source.eq_ignore_ascii_case("internet")
                || source.eq_ignore_ascii_case("any")))
}

/// The port range and source ranges of one rule, for judging a resource's rules together.
struct Opening {
    port: String,
    sources: Vec<(String, u32)>,
}

fn opening(rule: &Block, sources: &[&str], ports: &[&str]) -> Opening {
    let port = ports
        .iter()
        .filter_map(|name| rule.attr(name).map(Value::show))
        .collect::<Vec<_>>()
        .join("-");
    let sources = sources
        .iter()
        .filter_map(|name| rule.attr_entry(name))
        .flat_map(|attr| {
            attr.value
                .strings()
                .into_iter()
                .map(|s| (s.to_string(), attr.line))
                .collect::<Vec<_>>()
        })
        .collect();
    Opening { port, sources }
}

fn open_message(address: &str, port: &str, source: &str) -> String {
    if port.is_empty() {
        format!("{address} accepts traffic from {source}: open to the whole internet")
    } else {
        format!("{address} accepts traffic from {source} on {port}: open to the whole internet")
    }
}

/// Sources that say "anyone" outright, and then, per port range with none of those, ranges
/// that together cover the internet (`0.0.0.0/1` + `128.0.0.0/1`, in one rule or several).
fn rule_hits(address: &str, openings: &[Opening], azure: bool) -> Vec<Detection> {
    let mut hits: Vec<Detection> = Vec::new();
    let mut ports: Vec<&str> = Vec::new();
    for opening in openings {
        let port = opening.port.as_str();
        for (source, line) in opening.sources.iter().filter(|(s, _)| open(s, azure)) {
            hits.push(Detection {
                key: format!("{port}:{source}"),
                line: *line,
                message: open_message(address, port, source),
            });
        }
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    for port in ports {
        let sources: Vec<&(String, u32)> = openings
            .iter()
            .filter(|o| o.port == port)
            .flat_map(|o| &o.sources)
            .collect();
        if sources.iter().any(|(s, _)| open(s, azure)) {
            continue;
        }
        let texts: Vec<&str> = sources.iter().map(|(s, _)| s.as_str()).collect();
        let Some(share) = cidr::covers_internet(&texts) else {
            continue;
        };
        let mut key_sources = texts.clone();
        key_sources.sort_unstable();
        let on = if port.is_empty() {
            String::new()
        } else {
            format!(" on {port}")
        };
        hits.push(Detection {
            key: format!("{port}:{}", key_sources.join(",")),
            line: sources.first().map_or(0, |(_, line)| *line),
            message: format!(
                "{address} accepts traffic from {}{on}: together these cover {share}, open to the whole internet",
                texts.join(", ")
            ),
        });
    }
    hits
}

fn ingress(block: &Block, address: &str) -> Vec<Detection> {
    if block.kind != "resource" {
        return Vec::new();
    }
    let aws = ["cidr_blocks", "ipv6_cidr_blocks"];
    let ports = ["from_port", "to_port"];
    let is = |name: &str, value: &str| {
        block
            .attr(name)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    let one = |sources: &[&str], ports: &[&str]| {
        rule_hits(address, &[opening(block, sources, ports)], false)
    };
    match block.labels.first().map_or("", String::as_str) {
        "aws_security_group" => {
            let openings: Vec<Opening> = block
                .children("ingress")
                .map(|rule| opening(rule, &aws, &ports))
                .collect();
            rule_hits(address, &openings, false)
        }
        "aws_security_group_rule" if is("type", "ingress") => one(&aws, &ports),
        "aws_vpc_security_group_ingress_rule" => one(&["cidr_ipv4", "cidr_ipv6"], &ports),
        "google_compute_firewall" if !is("direction", "EGRESS") => one(&["source_ranges"], &[]),
        "azurerm_network_security_rule" => azure_rule(block, address),
        "azurerm_network_security_group" => block
            .children("security_rule")
            .flat_map(|rule| azure_rule(rule, address))
            .collect(),
        _ => Vec::new(),
    }
}

fn azure_rule(rule: &Block, address: &str) -> Vec<Detection> {
    let is = |name: &str, value: &str| {
        rule.attr(name)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    if !is("direction", "Inbound") || !is("access", "Allow") {
        return Vec::new();
    }
    let sources = ["source_address_prefix", "source_address_prefixes"];
    let openings = [opening(rule, &sources, &["destination_port_range"])];
    rule_hits(address, &openings, true)
}

/// `(subject, text, line)` of a module's backend and provider requirements.
fn requirements(entries: &[Entry]) -> Vec<(String, String, String, u32)> {
    let mut found = Vec::new();
    for entry in entries.iter().filter(|e| e.block.kind == "terraform") {
        for backend in entry
            .block
            .blocks
            .iter()
            .filter(|b| b.kind == "backend" || b.kind == "cloud")
        {
            let mut config: Vec<String> = backend
                .attrs
                .iter()
                .map(|a| format!("{}={}", a.name, a.value.show()))
                .collect();
            config.sort();
            let text = format!(
                "{} {} {}",
                backend.kind,
                backend.labels.join(" "),
                config.join(", ")
            );
            found.push((
                "terraform.backend".to_string(),
                text.trim().to_string(),
                entry.file.clone(),
                backend.line,
            ));
        }
        for providers in entry.block.children("required_providers") {
            for attr in &providers.attrs {
                let (source, version) = match &attr.value {
                    Value::Map(_) => (
                        attr.value.get("source").map(Value::show),
                        attr.value.get("version").map(Value::show),
                    ),
                    other => (None, Some(other.show())),
                };
                for (what, value) in [("source", source), ("version", version)] {
                    let text = value.unwrap_or_else(|| "unset".to_string());
                    found.push((
                        format!("provider.{}.{what}", attr.name),
                        text,
                        entry.file.clone(),
                        attr.line,
                    ));
                }
            }
        }
    }
    found
}

/// Backend type or configuration changed; a provider's source or version changed.
fn providers(module: &Module) -> Vec<Fact> {
    let old = requirements(&module.old);
    let new = requirements(&module.new);
    let mut facts = Vec::new();
    for (subject, before, file, line) in &old {
        let after = new.iter().find(|(s, ..)| s == subject);
        let message = match (after, subject.as_str()) {
            (Some((_, now, ..)), _) if now == before => continue,
            (None, s) if s.starts_with("provider.") => continue,
            (None, _) => {
                format!("removes the state backend ({before}): state moves back to the local disk")
            }
            (Some((_, now, ..)), "terraform.backend") => format!(
                "changes the state backend from `{before}` to `{now}`: state must be migrated or it is lost"
            ),
            (Some((_, now, ..)), s) => {
                let name = s.trim_start_matches("provider.");
                format!(
                    "changes {name} from {before} to {now}: the next apply runs a different provider"
                )
            }
        };
        let (file, line) = after.map_or((file, *line), |(_, _, f, l)| (f, *l));
        let subject = subject
            .rsplit_once('.')
            .filter(|_| subject.starts_with("provider."))
            .map_or(subject.as_str(), |(s, _)| s);
        facts.push(finding(
            Signal::InfraProviderChanged,
            file,
            line,
            subject,
            message,
        ));
    }
    // A backend where there was none, in a module that existed: state moves too.
    if !module.old.is_empty() {
        for (subject, now, file, line) in &new {
            if subject == "terraform.backend" && !old.iter().any(|(s, ..)| s == subject) {
                facts.push(finding(
                    Signal::InfraProviderChanged,
                    file,
                    *line,
                    subject,
                    format!("adds a state backend ({now}): state must be migrated into it"),
                ));
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::super::{Analyzer, Terraform};
    use crate::analyze::domain::Versions;
    use crate::diff::{FileChange, FileStatus};
    use crate::signal::Signal;

    /// (signal, subject, message) of a new `infra/main.tf` holding `source`.
    fn added(source: &str) -> Vec<(Signal, String, String)> {
        let file = FileChange::new(FileStatus::Added, None, Some("infra/main.tf".into()));
        let versions = Versions {
            file: &file,
            old: None,
            new: Some(source.as_bytes()),
        };
        Terraform
            .analyze(&versions)
            .facts
            .into_iter()
            .map(|f| (f.signal, f.subject.unwrap_or_default(), f.message))
            .collect()
    }

    fn group(blocks: &str) -> String {
        format!("resource \"aws_security_group\" \"web\" {{\n  name = \"web\"\n{blocks}}}\n")
    }

    fn ingress(port: u16, cidrs: &str) -> String {
        format!(
            "  ingress {{\n    from_port   = {port}\n    to_port     = {port}\n    protocol    = \"tcp\"\n    cidr_blocks = [{cidrs}]\n  }}\n"
        )
    }

    /// Halves of the internet in one rule, or split over two rules on the same port, are
    /// public ingress; a plain `0.0.0.0/0` reads as before; private or split-port ranges are
    /// not (issue 12).
    #[test]
    fn ranges_that_cover_the_internet() {
        let split = added(&group(&ingress(22, "\"0.0.0.0/1\", \"128.0.0.0/1\"")));
        assert_eq!(split.len(), 1, "{split:?}");
        assert_eq!(split[0].0, Signal::PublicIngress);
        assert!(
            split[0].2.contains("0.0.0.0/1, 128.0.0.0/1 on 22-22"),
            "{}",
            split[0].2
        );
        assert!(split[0].2.contains("100% of IPv4"), "{}", split[0].2);

        let two_rules = added(&group(
            &(ingress(22, "\"0.0.0.0/1\"") + &ingress(22, "\"128.0.0.0/1\"")),
        ));
        assert_eq!(two_rules.len(), 1, "{two_rules:?}");

        let plain = added(&group(&ingress(443, "\"0.0.0.0/0\"")));
        assert_eq!(plain.len(), 1, "{plain:?}");
        assert_eq!(
            plain[0].2,
            "aws_security_group.web accepts traffic from 0.0.0.0/0 on 443-443: open to the whole internet"
        );

        for quiet in [
            group(&ingress(22, "\"10.0.0.0/8\", \"192.168.0.0/16\"")),
            group(&(ingress(22, "\"0.0.0.0/2\"") + &ingress(80, "\"64.0.0.0/2\""))),
        ] {
            // Not `*`: a narrower grant, which is a security-sensitive change instead.
            let found = added(&quiet);
            assert!(
                found
                    .iter()
                    .all(|(signal, ..)| *signal == Signal::SecuritySensitiveChange),
                "{quiet}: {found:?}"
            );
        }
    }

    /// AWS-managed policies that grant `*`, attached by ARN in the attachment resources and a
    /// role's `managed_policy_arns`: `iam-wildcard`. Read-only and customer policies are not.
    #[test]
    fn managed_admin_policies() {
        let attachment = |arn: &str| {
            format!(
                "resource \"aws_iam_role_policy_attachment\" \"a\" {{\n  role       = \"ci\"\n  policy_arn = \"{arn}\"\n}}\n"
            )
        };
        let admin = added(&attachment("arn:aws:iam::aws:policy/AdministratorAccess"));
        assert_eq!(admin.len(), 1, "{admin:?}");
        assert_eq!(admin[0].0, Signal::IamWildcard);
        assert_eq!(admin[0].1, "aws_iam_role_policy_attachment.a");
        assert!(admin[0].2.contains("AdministratorAccess"), "{}", admin[0].2);

        let role = "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n  managed_policy_arns = [\"arn:aws:iam::aws:policy/ReadOnlyAccess\", \"arn:aws:iam::aws:policy/IAMFullAccess\"]\n}\n";
        let found = added(role);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("IAMFullAccess"), "{}", found[0].2);

        for quiet in [
            attachment("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            attachment("arn:aws:iam::123456789012:policy/AdministratorAccess"),
        ] {
            // Not `*`: a narrower grant, which is a security-sensitive change instead.
            let found = added(&quiet);
            assert!(
                found
                    .iter()
                    .all(|(signal, ..)| *signal == Signal::SecuritySensitiveChange),
                "{quiet}: {found:?}"
            );
        }
    }

    /// A role granted to an identity is security-sensitive even when it is not `*`
    /// (GoogleCloudPlatform/microservices-demo ae36b1c: `roles/container.developer` to CI).
    #[test]
    fn grants_are_security_sensitive() {
        let facts = added(
            "resource \"google_project_iam_member\" \"ci\" {\n  project = var.project\n  role    = \"roles/container.developer\"\n  member  = \"serviceAccount:ci@p.iam.gserviceaccount.com\"\n}\n",
        );
        let grants: Vec<_> = facts
            .iter()
            .filter(|(signal, ..)| *signal == Signal::SecuritySensitiveChange)
            .collect();
        assert_eq!(grants.len(), 1, "{facts:?}");
        assert_eq!(grants[0].1, "google_project_iam_member.ci");
        assert!(
            grants[0].2.contains("roles/container.developer"),
            "{}",
            grants[0].2
        );
        let plain = added("resource \"google_storage_bucket\" \"b\" {\n  name = \"b\"\n}\n");
        assert!(
            plain
                .iter()
                .all(|(signal, ..)| *signal != Signal::SecuritySensitiveChange),
            "{plain:?}"
        );
    }
}

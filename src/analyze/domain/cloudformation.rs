//! `CloudFormation` and SAM templates (YAML with `!Ref`/`!GetAtt` short tags, or JSON): what
//! updating the stack does to the resources the old template created.
//!
//! Decisions: a logical id renamed with the same Type and Properties is a replacement
//! (`CloudFormation` creates the new id and deletes the old one); renamed with different
//! Properties it is a destroy (plus an unremarkable create). A removed resource whose old
//! `DeletionPolicy` was `Retain` is left in the account, so it is not reported; one with
//! `Snapshot` loses no data, so it counts as destroyed but not as stateful.

mod conditions;
mod rules;

use std::collections::{HashMap, HashSet};

use super::tree::{self, Entry, Node};
use super::{Analysis, Analyzer, LineLevel, Versions, fact};
use crate::analyze::Fact;
use crate::analyze::lang::config_for_path;
use crate::signal::Signal;

/// See the module docs.
pub struct CloudFormation;

/// Types whose physical resource holds data. Source: the AWS resource type reference
/// (`AWS::RDS::*`, `AWS::DynamoDB::*`, …), chosen for the data they store.
const STATEFUL_TYPES: &[&str] = &[
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::Serverless::SimpleTable",
    "AWS::S3::Bucket",
    "AWS::EC2::Volume",
    "AWS::EFS::FileSystem",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::ServerlessCache",
    "AWS::SQS::Queue",
    "AWS::Kinesis::Stream",
    "AWS::MSK::Cluster",
    "AWS::EKS::Cluster",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
    "AWS::DocDB::DBInstance",
    "AWS::Neptune::DBCluster",
    "AWS::Neptune::DBInstance",
];

/// Policies that keep the physical resource (or its data) when `CloudFormation` deletes it.
/// Source: AWS docs, "`DeletionPolicy` attribute" and "`UpdateReplacePolicy` attribute".
const PROTECTING: &[&str] = &["Retain", "RetainExceptOnCreate", "Snapshot"];

impl Analyzer for CloudFormation {
    fn name(&self) -> &'static str {
        "cloudformation"
    }

    fn wants(&self, path: &str, content: &[u8]) -> bool {
        let data = config_for_path(path).is_some_and(|l| matches!(l.name, "yaml" | "json"));
        data && is_template(content)
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let read = |content: Option<&[u8]>| match content {
            None => Ok(Vec::new()),
            Some(bytes) => tree::parse(bytes),
        };
        let sides = match versions.content_missing() {
            Some(reason) => (Err(reason.to_string()), Ok(Vec::new())),
            None => (read(versions.old), read(versions.new)),
        };
        match sides {
            (Ok(old), Ok(new)) => Analysis {
                facts: compare(versions, old.first(), new.first()),
                fallbacks: Vec::new(),
            },
            (Err(reason), _) | (_, Err(reason)) => Analysis {
                facts: line_level(versions),
                fallbacks: vec![LineLevel {
                    file: versions.file.path().to_string(),
                    analyzer: "cloudformation",
                    reason,
                }],
            },
        }
    }
}

/// Whether `content` is a template: a `Resources` map with an `AWS::` type (YAML or JSON),
/// the version header being optional. Source: AWS docs, "Template anatomy" (`Resources` is the
/// only required section; `AWSTemplateFormatVersion` is optional). A byte prefilter first; a
/// file that does not parse (templated, not text, or only changed lines) counts when it names
/// both, so it is still read line by line.
fn is_template(content: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(content, needle).is_some();
    if !has(b"Resources") || !has(b"AWS::") {
        return false;
    }
    match tree::parse(content) {
        Ok(documents) if memchr::memchr(0, content).is_none() => documents.iter().any(|doc| {
            doc.get("Resources").is_some_and(|resources| {
                resources.entries().iter().any(|entry| {
                    entry
                        .value
                        .get("Type")
                        .and_then(Node::as_str)
                        .is_some_and(|ty| ty.starts_with("AWS::"))
                })
            })
        }),
        _ => true,
    }
}

/// One resource of a template.
struct Resource<'a> {
    id: &'a str,
    line: u32,
    kind: &'a str,
    node: &'a Node,
}

impl<'a> Resource<'a> {
    fn all(template: Option<&'a Node>) -> Vec<Self> {
        let entries = template
            .and_then(|t| t.get("Resources"))
            .map_or(&[][..], Node::entries);
        entries.iter().map(Resource::from).collect()
    }

    fn properties(&self) -> String {
        self.node
            .get("Properties")
            .map(Node::canonical)
            .unwrap_or_default()
    }

    fn policy(&self, attribute: &str) -> Option<&'a str> {
        self.node.get(attribute).and_then(Node::as_str)
    }

    fn stateful(&self) -> bool {
        STATEFUL_TYPES.contains(&self.kind)
    }
}

impl<'a> From<&'a Entry> for Resource<'a> {
    fn from(entry: &'a Entry) -> Self {
        Resource {
            id: &entry.key,
            line: entry.line,
            kind: entry
                .value
                .get("Type")
                .and_then(Node::as_str)
                .unwrap_or("?"),
            node: &entry.value,
        }
    }
}

fn compare(versions: &Versions<'_>, old: Option<&Node>, new: Option<&Node>) -> Vec<Fact> {
    let (old_template, new_template) = (old, new);
    let old = Resource::all(old);
    let new = Resource::all(new);
    let old_ids: HashMap<&str, &Resource<'_>> = old.iter().map(|r| (r.id, r)).collect();
    let new_ids: HashSet<&str> = new.iter().map(|r| r.id).collect();
    // Resources only in the new template, by (type, properties): rename candidates, found in
    // one lookup each so a large template stays linear.
    let mut added: HashMap<(&str, String), Vec<&Resource<'_>>> = HashMap::new();
    for resource in new.iter().filter(|r| !old_ids.contains_key(r.id)).rev() {
        added
            .entry((resource.kind, resource.properties()))
            .or_default()
            .push(resource);
    }
    let mut facts = Vec::new();
    for gone in old.iter().filter(|r| !new_ids.contains(r.id)) {
        let retained = gone
            .policy("DeletionPolicy")
            .is_some_and(|p| p.starts_with("Retain"));
        let twin = added
            .get_mut(&(gone.kind, gone.properties()))
            .and_then(Vec::pop);
        if let Some(twin) = twin {
            let signal = if gone.stateful() {
                Signal::StatefulResourceReplaced
            } else {
                Signal::ResourceReplaced
            };
            let message = format!(
                "{} {} renamed to {}: CloudFormation creates a new one and deletes the old",
                gone.kind, gone.id, twin.id
            );
            facts.push(fact(versions, signal, Some(twin.line), twin.id, message));
        } else if !retained {
            let snapshot = gone.policy("DeletionPolicy") == Some("Snapshot");
            let signal = if gone.stateful() && !snapshot {
                Signal::StatefulResourceDestroyed
            } else {
                Signal::ResourceDestroyed
            };
            let message = format!(
                "{} {} removed (was line {}): the stack update deletes it",
                gone.kind, gone.id, gone.line
            );
            facts.push(fact(versions, signal, Some(gone.line), gone.id, message));
        }
    }
    for resource in &new {
        let before = old_ids.get(resource.id).copied();
        facts.extend(rules::compare(versions, resource, before));
        if let Some(before) = before {
            facts.extend(condition_changed(
                versions,
                resource,
                before,
                old_template,
                new_template,
            ));
        }
    }
    facts
}

/// A stateful resource given a condition, or whose condition now means something else: the
/// stack update deletes it if the condition is false ([`conditions`]).
fn condition_changed(
    versions: &Versions<'_>,
    resource: &Resource<'_>,
    before: &Resource<'_>,
    old: Option<&Node>,
    new: Option<&Node>,
) -> Option<Fact> {
    let retained = resource
        .policy("DeletionPolicy")
        .is_some_and(|p| p.starts_with("Retain"));
    let condition = resource.policy("Condition")?;
    if !resource.stateful() || retained {
        return None;
    }
    let how = match before.policy("Condition") {
        None => "added",
        Some(old_condition) if old_condition != condition => "changed",
        Some(_) if conditions::meaning(old, condition) != conditions::meaning(new, condition) => {
            "now means something else (its definition or a parameter default it reads changed)"
        }
        Some(_) => return None,
    };
    let line = resource
        .node
        .get("Condition")
        .map_or(resource.line, |n| n.line);
    let message = format!(
        "{} {}: Condition {condition} {how}; when it evaluates to false, the stack update deletes the resource and its data",
        resource.kind, resource.id
    );
    Some(fact(
        versions,
        Signal::StatefulResourceDestroyed,
        Some(line),
        resource.id,
        message,
    ))
}

/// Added lines of a template that could not be parsed: world-open CIDRs.
fn line_level(versions: &Versions<'_>) -> Vec<Fact> {
    let path = versions.file.path();
    tree::added_lines(versions.file)
        .filter(|(_, content)| content.contains("0.0.0.0/0") || content.contains("::/0"))
        .map(|(line, _)| {
            fact(
                versions,
                Signal::PublicIngress,
                Some(line),
                path,
                "a rule opens to the whole internet (line-level)",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;

//! One resource before and after: replacement-forcing properties, weakened deletion
//! policies, IAM wildcards and world-open ingress.

use std::collections::HashSet;

use super::super::tree::Node;
use super::super::{Versions, aws_managed, cidr, fact};
use super::{PROTECTING, Resource};
use crate::analyze::Fact;
use crate::signal::Signal;

/// Properties whose change replaces the resource. Source: the AWS `CloudFormation` resource
/// type reference ("Update requires: Replacement"), checked where noted against the registry
/// schemas' `createOnlyProperties` (as vendored by aws-cloudformation/cfn-lint). Properties the
/// schemas list only as *conditionally* create-only (RDS `Engine`, `AvailabilityZone`) are left
/// out: they replace only in some configurations, and a wrong "replaced" would block.
const REPLACING: &[(&str, &[&str])] = &[
    (
        // Checked against createOnlyProperties.
        "AWS::RDS::DBInstance",
        &[
            "DBInstanceIdentifier",
            "DBClusterIdentifier",
            "DBSubnetGroupName",
            "DBName",
            "MasterUsername",
            "KmsKeyId",
            "StorageEncrypted",
            "CharacterSetName",
            "NcharCharacterSetName",
            "CustomIAMInstanceProfile",
            "Port",
            "Timezone",
        ],
    ),
    (
        "AWS::RDS::DBCluster",
        &[
            "DBClusterIdentifier",
            "Engine",
            "DatabaseName",
            "MasterUsername",
            "KmsKeyId",
            "StorageEncrypted",
            "DBSubnetGroupName",
        ],
    ),
    ("AWS::S3::Bucket", &["BucketName"]),
    (
        // TableName and ImportSourceSpecification checked against createOnlyProperties; the
        // reference also marks the key schema and local indexes as replacing.
        "AWS::DynamoDB::Table",
        &[
            "TableName",
            "ImportSourceSpecification",
            "KeySchema",
            "LocalSecondaryIndexes",
        ],
    ),
    (
        // Checked against createOnlyProperties (a subset of them).
        "AWS::EC2::Instance",
        &[
            "ImageId",
            "AvailabilityZone",
            "SubnetId",
            "KeyName",
            "PrivateIpAddress",
        ],
    ),
    (
        "AWS::EC2::Volume",
        &["AvailabilityZone", "Encrypted", "SnapshotId"],
    ),
    ("AWS::SQS::Queue", &["QueueName", "FifoQueue"]),
    ("AWS::EKS::Cluster", &["Name", "RoleArn"]),
    (
        "AWS::EFS::FileSystem",
        &["Encrypted", "KmsKeyId", "PerformanceMode"],
    ),
    ("AWS::Kinesis::Stream", &["Name"]),
    ("AWS::MSK::Cluster", &["ClusterName"]),
    ("AWS::OpenSearchService::Domain", &["DomainName"]),
    (
        "AWS::Redshift::Cluster",
        &["ClusterIdentifier", "DBName", "MasterUsername"],
    ),
    (
        "AWS::ElastiCache::ReplicationGroup",
        &["ReplicationGroupId"],
    ),
    (
        "AWS::DocDB::DBCluster",
        &["DBClusterIdentifier", "StorageEncrypted"],
    ),
    ("AWS::Neptune::DBCluster", &["DBClusterIdentifier"]),
];

/// Boolean properties that block deletion while `true`. Source: AWS resource type reference
/// (`AWS::RDS::DBInstance`/`DBCluster` `DeletionProtection`, `AWS::DynamoDB::Table`
/// `DeletionProtectionEnabled`).
const PROTECTION_FLAGS: &[&str] = &["DeletionProtection", "DeletionProtectionEnabled"];

/// An `AWS::S3::Bucket` lifecycle rule's expiration fields, and the fields that narrow a rule
/// to some objects; an enabled rule with the first and none of the second deletes every object.
/// Source: <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-rule.html>.
const EXPIRATIONS: &[&str] = &["ExpirationInDays", "ExpirationDate"];
const RULE_FILTERS: &[&str] = &[
    "Prefix",
    "TagFilters",
    "ObjectSizeGreaterThan",
    "ObjectSizeLessThan",
];

/// Findings about `resource` compared with `before` (the same logical id, if it existed).
pub(super) fn compare(
    versions: &Versions<'_>,
    resource: &Resource<'_>,
    before: Option<&Resource<'_>>,
) -> Vec<Fact> {
    let id = resource.id;
    let mut facts = before.map_or_else(Vec::new, |before| changed(versions, resource, before));
    let mut push = |signal, line: u32, message: String| {
        facts.push(fact(versions, signal, Some(line), id, message));
    };
    let old_statements: HashSet<String> = before
        .map(wildcards)
        .unwrap_or_default()
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    for (statement, line) in wildcards(resource) {
        if !old_statements.contains(&statement) {
            push(
                Signal::IamWildcard,
                line,
                format!("{} {id} allows `*` actions or resources", resource.kind),
            );
        }
    }
    let old_managed: HashSet<String> = before
        .map(managed)
        .unwrap_or_default()
        .into_iter()
        .map(|(arn, ..)| arn)
        .collect();
    for (arn, line, row) in managed(resource) {
        if !old_managed.contains(&arn) {
            push(
                Signal::IamWildcard,
                line,
                format!(
                    "{} {id} attaches the AWS-managed policy {}, which allows {} (document: {})",
                    resource.kind,
                    arn.rsplit('/').next().unwrap_or(&arn),
                    row.grants,
                    row.source
                ),
            );
        }
    }
    let old_rules: HashSet<String> = before
        .map(public_rules)
        .unwrap_or_default()
        .into_iter()
        .map(|(c, ..)| c)
        .collect();
    for (rule, line, ports) in public_rules(resource) {
        if !old_rules.contains(&rule) {
            push(
                Signal::PublicIngress,
                line,
                format!("{} {id} opens {ports} to the whole internet", resource.kind),
            );
        }
    }
    facts
}

/// Same logical id before and after: type change, replacement-forcing properties, weakened
/// deletion policies and protection flags.
fn changed(versions: &Versions<'_>, resource: &Resource<'_>, before: &Resource<'_>) -> Vec<Fact> {
    let id = resource.id;
    let mut facts = Vec::new();
    let mut push = |signal, line: u32, message: String| {
        facts.push(fact(versions, signal, Some(line), id, message));
    };
    let prop = |r: &Resource<'_>, name: &str| r.node.at(&["Properties", name]).map(Node::canonical);
    let keeps_old = resource
        .policy("UpdateReplacePolicy")
        .is_some_and(|p| PROTECTING.contains(&p));
    let signal = if resource.stateful() && !keeps_old {
        Signal::StatefulResourceReplaced
    } else {
        Signal::ResourceReplaced
    };
    if before.kind != resource.kind {
        push(
            signal,
            resource.line,
            format!(
                "{id} changes type from {} to {}: it is deleted and created again",
                before.kind, resource.kind
            ),
        );
    } else if let Some((_, props)) = REPLACING.iter().find(|(kind, _)| *kind == resource.kind) {
        for name in props
            .iter()
            .filter(|name| prop(resource, name) != prop(before, name))
        {
            let line = resource
                .node
                .at(&["Properties", name])
                .map_or(resource.line, |n| n.line);
            push(
                signal,
                line,
                format!(
                    "{} {id}: changing {name} requires replacement, the old one is deleted",
                    resource.kind
                ),
            );
        }
    }
    for attribute in ["DeletionPolicy", "UpdateReplacePolicy"] {
        let was = before.policy(attribute).filter(|p| PROTECTING.contains(p));
        if let Some(was) = was
            && !resource
                .policy(attribute)
                .is_some_and(|p| PROTECTING.contains(&p))
        {
            let line = resource
                .node
                .get(attribute)
                .map_or(resource.line, |n| n.line);
            push(
                Signal::DestroyProtectionRemoved,
                line,
                format!(
                    "{} {id}: {attribute} is no longer {was}, deleting or replacing it loses the data",
                    resource.kind
                ),
            );
        }
    }
    if let Some(line) = expires_every_object(resource)
        && expires_every_object(before).is_none()
    {
        push(
            Signal::DestroyProtectionRemoved,
            line,
            format!(
                "{} {id}: a lifecycle rule now deletes every object it holds (no prefix, tag or size filter narrows it)",
                resource.kind
            ),
        );
    }
    for flag in PROTECTION_FLAGS {
        let on = |r: &Resource<'_>| r.node.at(&["Properties", flag]).is_some_and(Node::is_true);
        if on(before) && !on(resource) {
            let line = resource
                .node
                .at(&["Properties", flag])
                .map_or(resource.line, |n| n.line);
            push(
                Signal::DestroyProtectionRemoved,
                line,
                format!("{} {id}: {flag} switched off", resource.kind),
            );
        }
    }
    facts
}

/// The line of the bucket's first enabled lifecycle rule that expires every object.
fn expires_every_object(resource: &Resource<'_>) -> Option<u32> {
    if resource.kind != "AWS::S3::Bucket" {
        return None;
    }
    let rules = resource
        .node
        .at(&["Properties", "LifecycleConfiguration", "Rules"])?;
    let narrows = |node: &Node| node.as_str() != Some("") && node.canonical() != "[]";
    rules
        .items()
        .iter()
        .find(|rule| {
            rule.get("Status").and_then(Node::as_str) == Some("Enabled")
                && EXPIRATIONS.iter().any(|field| rule.get(field).is_some())
                && !RULE_FILTERS
                    .iter()
                    .any(|field| rule.get(field).is_some_and(narrows))
        })
        .map(|rule| rule.line)
}

/// Allow statements with `Action: "*"` or `Resource: "*"` in any `PolicyDocument` of the
/// resource (`AWS::IAM::Policy`, `ManagedPolicy`, a role's inline `Policies`, bucket and queue
/// policies): canonical text and line.
fn wildcards(resource: &Resource<'_>) -> Vec<(String, u32)> {
    let mut documents = Vec::new();
    if let Some(properties) = resource.node.get("Properties") {
        collect(properties, "PolicyDocument", &mut documents);
    }
    documents
        .into_iter()
        .flat_map(|document| {
            let statements = document.get("Statement");
            statements.map_or(Vec::new(), |s| {
                if s.items().is_empty() {
                    vec![s]
                } else {
                    s.items().iter().collect()
                }
            })
        })
        .filter(|statement| {
            let allow = statement.get("Effect").and_then(Node::as_str) == Some("Allow");
            let star = |field: &str| {
                statement
                    .get(field)
                    .is_some_and(|n| n.scalars().contains(&"*"))
            };
            allow && (star("Action") || star("Resource"))
        })
        .map(|statement| (statement.canonical(), statement.line))
        .collect()
}

fn collect<'a>(node: &'a Node, key: &str, out: &mut Vec<&'a Node>) {
    for entry in node.entries() {
        if entry.key == key {
            out.push(&entry.value);
        } else {
            collect(&entry.value, key, out);
        }
    }
    for item in node.items() {
        collect(item, key, out);
    }
}

/// AWS-managed policies that grant `*` in `ManagedPolicyArns` (roles, users, groups):
/// ARN, line and table row.
fn managed(resource: &Resource<'_>) -> Vec<(String, u32, &'static aws_managed::Row)> {
    resource
        .node
        .at(&["Properties", "ManagedPolicyArns"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            // A plain string, or the text of an intrinsic (`!Sub arn:${AWS::Partition}:…`).
            let arn = item
                .as_str()
                .map_or_else(|| item.canonical(), str::to_string);
            let row = aws_managed::admin_policy(&arn)?;
            Some((arn, item.line, row))
        })
        .collect()
}

/// Ingress rules open to `0.0.0.0/0` or `::/0`, and rules on one port range whose ranges
/// together cover the internet (`0.0.0.0/1` + `128.0.0.0/1`): canonical text, line and port
/// range.
fn public_rules(resource: &Resource<'_>) -> Vec<(String, u32, String)> {
    let mut found = plainly_public_rules(resource);
    let mut by_ports: Vec<(String, Vec<&Node>)> = Vec::new();
    for rule in ingress_rules(resource) {
        let ports = ports(rule);
        match by_ports.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, rules)) => rules.push(rule),
            None => by_ports.push((ports, vec![rule])),
        }
    }
    for (ports, rules) in by_ports {
        if found.iter().any(|(_, _, p)| *p == ports) {
            continue;
        }
        let sources: Vec<&str> = rules
            .iter()
            .flat_map(|r| ["CidrIp", "CidrIpv6"].map(|f| r.get(f).and_then(Node::as_str)))
            .flatten()
            .collect();
        if cidr::covers_internet(&sources).is_some() {
            let canonical: Vec<String> = rules.iter().map(|r| r.canonical()).collect();
            found.push((canonical.join("+"), rules[0].line, ports));
        }
    }
    found
}

fn ingress_rules<'a>(resource: &Resource<'a>) -> Vec<&'a Node> {
    match resource.kind {
        "AWS::EC2::SecurityGroup" => resource
            .node
            .at(&["Properties", "SecurityGroupIngress"])
            .map(|r| r.items().iter().collect())
            .unwrap_or_default(),
        "AWS::EC2::SecurityGroupIngress" => resource.node.get("Properties").into_iter().collect(),
        _ => Vec::new(),
    }
}

fn ports(rule: &Node) -> String {
    let port = |field| rule.get(field).and_then(Node::as_str).unwrap_or("?");
    match (port("FromPort"), port("ToPort")) {
        (from, to) if from == to => format!("port {from}"),
        (from, to) => format!("ports {from}-{to}"),
    }
}

/// Ingress rules open to `0.0.0.0/0` or `::/0`.
fn plainly_public_rules(resource: &Resource<'_>) -> Vec<(String, u32, String)> {
    ingress_rules(resource)
        .into_iter()
        .filter(|rule| {
            rule.get("CidrIp").and_then(Node::as_str) == Some("0.0.0.0/0")
                || rule.get("CidrIpv6").and_then(Node::as_str) == Some("::/0")
        })
        .map(|rule| (rule.canonical(), rule.line, ports(rule)))
        .collect()
}

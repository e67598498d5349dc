//! Fixture pairs under `fixtures/infra/cloudformation/`: each signal fires once, each near
//! miss stays quiet.

use super::super::tree::testing::{Case, check};
use super::CloudFormation;
use crate::signal::Signal;

const fn case(
    name: &'static str,
    expect: Option<(Signal, &'static str, u32, &'static str)>,
) -> Case {
    Case {
        name,
        ext: "yaml",
        path: "infra/stack.yaml",
        expect,
    }
}

/// One row per fixture pair.
const CASES: &[Case] = &[
    case("description", None),
    case(
        "retain-dropped",
        Some((
            Signal::DestroyProtectionRemoved,
            "Orders",
            10,
            "DeletionPolicy is no longer Retain",
        )),
    ),
    case(
        "table-renamed",
        Some((
            Signal::StatefulResourceReplaced,
            "Orders",
            12,
            "changing TableName requires replacement",
        )),
    ),
    case("billing-mode", None),
    case(
        "bucket-expire-all",
        Some((
            Signal::DestroyProtectionRemoved,
            "Media",
            10,
            "deletes every object",
        )),
    ),
    // The same rule narrowed to a prefix keeps the rest of the bucket.
    case("bucket-expire-prefixed", None),
    case(
        "topic-removed",
        Some((
            Signal::ResourceDestroyed,
            "Alerts",
            2,
            "AWS::SNS::Topic Alerts removed",
        )),
    ),
    case(
        "instance-image",
        Some((
            Signal::ResourceReplaced,
            "Bastion",
            6,
            "changing ImageId requires replacement",
        )),
    ),
    case(
        "db-removed",
        Some((
            Signal::StatefulResourceDestroyed,
            "Database",
            17,
            "stack update deletes it",
        )),
    ),
    case("retained-removed", None),
    case(
        "bucket-renamed",
        Some((
            Signal::StatefulResourceReplaced,
            "LogBucket",
            4,
            "Logs renamed to LogBucket",
        )),
    ),
    case(
        "bucket-renamed-changed",
        Some((
            Signal::StatefulResourceDestroyed,
            "Logs",
            4,
            "AWS::S3::Bucket Logs removed",
        )),
    ),
    case(
        "iam-wildcard",
        Some((Signal::IamWildcard, "DeployPolicy", 11, "allows `*`")),
    ),
    case("iam-scoped", None),
    case(
        "ingress-open",
        Some((Signal::PublicIngress, "WebGroup", 11, "opens port 22")),
    ),
    case("ingress-private", None),
    Case {
        ext: "json",
        path: "infra/queues.json",
        ..case(
            "json-queue-removed",
            Some((
                Signal::StatefulResourceDestroyed,
                "Jobs",
                5,
                "AWS::SQS::Queue Jobs removed",
            )),
        )
    },
];

/// Every finding id the `CloudFormation` analyzer emits, and their near misses (including the
/// decisions: a rename with other properties is a destroy; a retained resource removed is not).
#[test]
fn fixture_table() {
    for case in CASES {
        let analysis = check(&CloudFormation, "cloudformation", case);
        assert!(analysis.fallbacks.is_empty(), "{}", case.name);
        if case.expect.is_some() {
            assert_eq!(
                analysis.facts.len(),
                1,
                "{}: {:?}",
                case.name,
                analysis.facts
            );
        }
    }
}

/// A renamed template that also changed compares the old path's old content with the new
/// path's new content; a Jinja template falls back to lines with its reason.
#[test]
fn renamed_and_templated() {
    use super::super::{Analyzer, Versions};
    use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};

    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/infra/cloudformation/db-removed"
    );
    let old = std::fs::read(format!("{dir}/before.yaml")).expect("fixture");
    let new = std::fs::read(format!("{dir}/after.yaml")).expect("fixture");
    let file = FileChange::new(
        FileStatus::Renamed,
        Some("stack.yaml".into()),
        Some("infra/stack.yaml".into()),
    );
    let analysis = CloudFormation.analyze(&Versions {
        file: &file,
        old: Some(&old),
        new: Some(&new),
    });
    assert_eq!(analysis.facts.len(), 1);
    assert_eq!(analysis.facts[0].file.as_deref(), Some("infra/stack.yaml"));

    let jinja =
        b"Resources:\n{% for q in queues %}\n  {{ q }}:\n    Type: AWS::SQS::Queue\n{% endfor %}\n";
    let mut file = FileChange::new(
        FileStatus::Modified,
        Some("stack.yaml".into()),
        Some("stack.yaml".into()),
    );
    file.hunks.push(Hunk {
        old_start: 1,
        old_lines: 0,
        new_start: 2,
        new_lines: 1,
        lines: vec![Line {
            kind: LineKind::Added,
            old_line: None,
            new_line: Some(2),
            content: "      CidrIp: 0.0.0.0/0".into(),
        }],
    });
    let analysis = CloudFormation.analyze(&Versions {
        file: &file,
        old: Some(jinja),
        new: Some(jinja),
    });
    assert_eq!(analysis.fallbacks.len(), 1);
    assert!(
        analysis.fallbacks[0].reason.contains("Jinja template"),
        "{:?}",
        analysis.fallbacks
    );
    assert_eq!(analysis.facts.len(), 1);
    assert_eq!(analysis.facts[0].signal, Signal::PublicIngress);
}

/// (signal, subject, line) of a new template.
fn added_template(template: &str) -> Vec<(Signal, String, u32)> {
    use super::super::{Analyzer, Versions};
    use crate::diff::{FileChange, FileStatus};
    let file = FileChange::new(FileStatus::Added, None, Some("infra/stack.yaml".into()));
    CloudFormation
        .analyze(&Versions {
            file: &file,
            old: None,
            new: Some(template.as_bytes()),
        })
        .facts
        .into_iter()
        .map(|f| {
            (
                f.signal,
                f.subject.unwrap_or_default(),
                f.line.unwrap_or_default(),
            )
        })
        .collect()
}

/// Issue 12 in `CloudFormation`: two ingress rules on one port that together cover the
/// internet, and an AWS-managed admin policy in `ManagedPolicyArns`. A private range and a
/// read-only policy stay quiet.
#[test]
fn split_ranges_and_managed_admin_policies() {
    let group = |a: &str, b: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Web:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: {a}\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: {b}\n"
        )
    };
    assert_eq!(
        added_template(&group("0.0.0.0/1", "128.0.0.0/1")),
        [(Signal::PublicIngress, "Web".to_string(), 8)]
    );
    assert!(added_template(&group("10.0.0.0/8", "172.16.0.0/12")).is_empty());
    let role = |arn: &str| {
        format!(
            "Resources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {{}}\n      ManagedPolicyArns:\n        - {arn}\n"
        )
    };
    assert_eq!(
        added_template(&role("arn:aws:iam::aws:policy/AdministratorAccess")),
        [(Signal::IamWildcard, "Ci".to_string(), 7)]
    );
    assert_eq!(
        added_template(&role(
            "!Sub arn:${AWS::Partition}:iam::aws:policy/IAMFullAccess"
        ))
        .len(),
        1
    );
    assert!(added_template(&role("arn:aws:iam::aws:policy/ReadOnlyAccess")).is_empty());
}

/// A template is recognised by its `Resources` map of `AWS::` types, with or without the
/// version header, in YAML or JSON (issue 11); other files naming `AWS::` are not.
#[test]
fn templates_by_content() {
    use super::super::Analyzer as _;
    let yes: &[(&str, &str)] = &[
        (
            "stack.yaml",
            "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n",
        ),
        (
            "stack.json",
            "{\"Resources\": {\"Db\": {\"Type\": \"AWS::RDS::DBInstance\"}}}",
        ),
        (
            "sam.yml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n",
        ),
    ];
    for (path, text) in yes {
        assert!(CloudFormation.wants(path, text.as_bytes()), "{path}");
    }
    let no: &[(&str, &str)] = &[
        ("notes.yaml", "Resources:\n  - see AWS::RDS docs\n"),
        (
            "stack.py",
            "Resources = {'Db': {'Type': 'AWS::RDS::DBInstance'}}",
        ),
        ("values.yaml", "image: nginx\n"),
    ];
    for (path, text) in no {
        assert!(!CloudFormation.wants(path, text.as_bytes()), "{path}");
    }
}

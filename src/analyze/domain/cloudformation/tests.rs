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

/// Every finding id the `CloudFormation` analyzer emits, and their near misses (including the
/// decisions: a rename with other properties is a destroy; a retained resource removed is not).
#[test]
fn fixture_table() {
    let cases = [
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
    for case in &cases {
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

//! Fixture pairs under `fixtures/infra/terraform/<case>/{before,after}`: each finding id has a
//! case that fires it and a near miss that must not.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::diff::{FileChange, FileStatus};

/// Old and new contents of a file, either side possibly absent.
type Sides = (Option<Vec<u8>>, Option<Vec<u8>>);

/// Old and new contents of every file of a fixture case, keyed by file name.
fn load(case: &str) -> BTreeMap<String, Sides> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/infra/terraform")
        .join(case);
    let mut files: BTreeMap<String, Sides> = BTreeMap::new();
    for (side, is_new) in [("before", false), ("after", true)] {
        let Ok(dir) = std::fs::read_dir(root.join(side)) else {
            continue;
        };
        for entry in dir {
            let entry = entry.expect("fixture entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let content = std::fs::read(entry.path()).expect("fixture file");
            let slot = files.entry(name).or_default();
            if is_new {
                slot.1 = Some(content);
            } else {
                slot.0 = Some(content);
            }
        }
    }
    assert!(!files.is_empty(), "fixture {case} is missing");
    files
}

/// Runs the analyzer over a fixture case, its files under `infra/`.
fn run(case: &str) -> Analysis {
    let files = load(case);
    let changes: Vec<(FileChange, Sides)> = files
        .into_iter()
        .map(|(name, (old, new))| {
            let path = Some(format!("infra/{name}"));
            let status = match (&old, &new) {
                (None, _) => FileStatus::Added,
                (_, None) => FileStatus::Deleted,
                _ => FileStatus::Modified,
            };
            let (old_path, new_path) = (old.as_ref().and(path.clone()), new.as_ref().and(path));
            (FileChange::new(status, old_path, new_path), (old, new))
        })
        .collect();
    let versions: Vec<Versions<'_>> = changes
        .iter()
        .map(|(file, (old, new))| Versions {
            file,
            old: old.as_deref(),
            new: new.as_deref(),
        })
        .collect();
    Terraform.analyze_all(&versions)
}

/// Fixture cases that fire: `(case, signal, subject, file, line, phrase of the message)`.
const FIRES: &[(&str, Signal, &str, &str, u32, &str)] = &[
    (
        "destroy-stateful",
        Signal::StatefulResourceDestroyed,
        "aws_db_instance.main",
        "main.tf",
        1,
        "(a database): data loss unless snapshotted",
    ),
    (
        "destroy-plain",
        Signal::ResourceDestroyed,
        "aws_iam_role.ci",
        "main.tf",
        6,
        "destroys aws_iam_role.ci",
    ),
    (
        "destroy-module",
        Signal::ResourceDestroyed,
        "module.network",
        "main.tf",
        1,
        "every resource in it",
    ),
    (
        "destroy-data",
        Signal::ResourceDestroyed,
        "data.aws_ami.ubuntu",
        "main.tf",
        6,
        "stops resolving",
    ),
    (
        "rename-db",
        Signal::StatefulResourceReplaced,
        "aws_db_instance.main",
        "main.tf",
        1,
        "creates aws_db_instance.primary: data loss unless snapshotted; add a moved block",
    ),
    (
        "count-decrease",
        Signal::StatefulResourceDestroyed,
        "aws_ebs_volume.data",
        "main.tf",
        2,
        "drops from 3 to 2: destroys aws_ebs_volume.data[2]",
    ),
    (
        "for-each-set-keys",
        Signal::StatefulResourceReplaced,
        "aws_sqs_queue.jobs",
        "main.tf",
        2,
        "no longer has \"email\"",
    ),
    (
        "for-each-added",
        Signal::StatefulResourceReplaced,
        "aws_dynamodb_table.orders",
        "main.tf",
        2,
        "from a single instance to for_each",
    ),
    (
        "count-to-for-each",
        Signal::ResourceReplaced,
        "aws_instance.web",
        "main.tf",
        2,
        "from count to for_each",
    ),
    (
        "for-each-keys",
        Signal::StatefulResourceReplaced,
        "aws_s3_bucket.logs",
        "main.tf",
        2,
        "no longer has \"us\"",
    ),
    (
        "force-new-engine",
        Signal::StatefulResourceReplaced,
        "aws_db_instance.main",
        "main.tf",
        3,
        "engine from \"postgres\" to \"mysql\" forces replacement",
    ),
    (
        "force-new-expression",
        Signal::ResourceReplaced,
        "aws_db_instance.main",
        "main.tf",
        3,
        "may force replacement",
    ),
    (
        "identifier-renamed",
        Signal::ResourceReplaced,
        "aws_db_instance.main",
        "main.tf",
        2,
        "in place from AWS provider 5.0",
    ),
    (
        "neptune-port",
        Signal::StatefulResourceReplaced,
        "aws_neptune_cluster.graph",
        "main.tf",
        4,
        "port from 8182 to 8183 forces replacement",
    ),
    (
        "sg-description",
        Signal::ResourceReplaced,
        "aws_security_group.api",
        "main.tf",
        3,
        "description from \"API\" to \"Public API\" forces replacement",
    ),
    (
        "prevent-destroy-removed",
        Signal::DestroyProtectionRemoved,
        "aws_s3_bucket.data",
        "main.tf",
        4,
        "removes prevent_destroy",
    ),
    (
        "deletion-protection-off",
        Signal::DestroyProtectionRemoved,
        "aws_db_instance.main",
        "main.tf",
        6,
        "turns deletion_protection off",
    ),
    (
        "backups-off",
        Signal::DestroyProtectionRemoved,
        "aws_db_instance.main",
        "main.tf",
        5,
        "automated backups stop",
    ),
    (
        "expire-all",
        Signal::DestroyProtectionRemoved,
        "aws_s3_bucket_lifecycle_configuration.data",
        "main.tf",
        6,
        "deletes every object",
    ),
    (
        "expire-all-json",
        Signal::DestroyProtectionRemoved,
        "aws_s3_bucket_lifecycle_configuration.data",
        "life.tf.json",
        7,
        "deletes every object",
    ),
    (
        "expire-empty-and",
        Signal::DestroyProtectionRemoved,
        "aws_s3_bucket_lifecycle_configuration.data",
        "main.tf",
        6,
        "deletes every object",
    ),
    (
        "expire-all-inline",
        Signal::DestroyProtectionRemoved,
        "aws_s3_bucket.logs",
        "main.tf",
        4,
        "deletes every object",
    ),
    (
        "expire-all-google",
        Signal::DestroyProtectionRemoved,
        "google_storage_bucket.media",
        "main.tf",
        5,
        "deletes every object",
    ),
    (
        "expire-all-azure",
        Signal::DestroyProtectionRemoved,
        "azurerm_storage_management_policy.main",
        "main.tf",
        8,
        "deletes every object",
    ),
    (
        "skip-final-snapshot",
        Signal::DestroyProtectionRemoved,
        "aws_db_instance.main",
        "main.tf",
        6,
        "no final snapshot",
    ),
    (
        "iam-jsonencode",
        Signal::IamWildcard,
        "aws_iam_policy.ci",
        "iam.tf",
        3,
        "allows `*` actions",
    ),
    (
        "iam-heredoc",
        Signal::IamWildcard,
        "aws_iam_role_policy.ci",
        "iam.tf",
        3,
        "allows `*` resources",
    ),
    (
        "iam-inline-role",
        Signal::IamWildcard,
        "aws_iam_role.app",
        "iam.tf",
        6,
        "allows `*` resources",
    ),
    (
        "iam-document",
        Signal::IamWildcard,
        "data.aws_iam_policy_document.ci",
        "iam.tf",
        2,
        "allows `*` actions",
    ),
    (
        "ingress-aws",
        Signal::PublicIngress,
        "aws_security_group.db",
        "sg.tf",
        7,
        "from 0.0.0.0/0 on 5432-5432",
    ),
    (
        "ingress-ipv6-rule",
        Signal::PublicIngress,
        "aws_vpc_security_group_ingress_rule.web",
        "sg.tf",
        4,
        "from ::/0",
    ),
    (
        "ingress-google",
        Signal::PublicIngress,
        "google_compute_firewall.ssh",
        "fw.tf",
        4,
        "from 0.0.0.0/0",
    ),
    (
        "ingress-azure",
        Signal::PublicIngress,
        "azurerm_network_security_rule.rdp",
        "nsg.tf",
        5,
        "from Internet",
    ),
    (
        "provider-version",
        Signal::InfraProviderChanged,
        "provider.aws",
        "versions.tf",
        3,
        "aws.version from \"~> 4.0\" to \"~> 5.0\"",
    ),
    (
        "backend-changed",
        Signal::InfraProviderChanged,
        "terraform.backend",
        "backend.tf",
        2,
        "state must be migrated",
    ),
];

/// Each case fires `signal` on `subject` at `file:line`, with `phrase` in the message.
#[test]
fn cases_fire() {
    let table = FIRES;
    for (case, signal, subject, file, line, phrase) in table {
        let facts = run(case).facts;
        let fact = facts
            .iter()
            .find(|f| f.signal == *signal && f.subject.as_deref() == Some(*subject))
            .unwrap_or_else(|| panic!("{case}: no {signal} on {subject} in {facts:#?}"));
        assert_eq!(
            fact.file.as_deref(),
            Some(format!("infra/{file}").as_str()),
            "{case}"
        );
        assert_eq!(fact.line, Some(*line), "{case}: {}", fact.message);
        assert!(fact.message.contains(phrase), "{case}: {}", fact.message);
    }
}

/// Near misses: each case must not produce the listed signals.
#[test]
fn near_misses_stay_quiet() {
    use Signal::*;
    let lifecycle = &[
        ResourceDestroyed,
        StatefulResourceDestroyed,
        ResourceReplaced,
        StatefulResourceReplaced,
    ][..];
    let table: &[(&str, &[Signal])] = &[
        // A moved block covers the rename.
        ("rename-db-moved", lifecycle),
        // A removed block with destroy = false forgets the resource and keeps it.
        ("removed-forget", lifecycle),
        // Tags and descriptions update in place.
        (
            "tags-only",
            &[
                ResourceReplaced,
                StatefulResourceReplaced,
                DestroyProtectionRemoved,
            ],
        ),
        // A Lambda's description updates in place (a security group's does not, above).
        ("description-only", lifecycle),
        // Fewer days of backups is still backups.
        ("backups-shortened", &[DestroyProtectionRemoved][..]),
        // Lifecycle rules that keep most objects: narrowed to a prefix, switched off, only
        // removing delete markers, or already expiring everything before the change.
        ("expire-prefixed", &[DestroyProtectionRemoved][..]),
        ("expire-disabled", &[DestroyProtectionRemoved][..]),
        ("expire-markers-only", &[DestroyProtectionRemoved][..]),
        ("expire-already", &[DestroyProtectionRemoved][..]),
        // A block moved between two files of one module is the same resource.
        ("moved-between-files", lifecycle),
        // Same for_each keys, reordered, with a changed value.
        ("for-each-same-keys", lifecycle),
        // moved blocks map each count index to its new key.
        ("count-to-for-each-moved", lifecycle),
        // More instances destroy nothing.
        ("count-increase", lifecycle),
        // A data source is never stateful.
        ("destroy-data", &[StatefulResourceDestroyed]),
        // Google's deletion_protection defaults to on.
        ("google-protection-default", &[DestroyProtectionRemoved]),
        // A wildcard that was already there is not new; a Deny wildcard grants nothing.
        ("iam-already-wildcard", &[IamWildcard]),
        ("iam-deny-wildcard", &[IamWildcard]),
        // An engine moved into an expression may keep its value: not a certain replacement.
        ("force-new-expression", &[StatefulResourceReplaced]),
        // An RDS instance's identifier is renamed in place from AWS provider 5.0.
        ("identifier-renamed", &[StatefulResourceReplaced]),
        // Private CIDRs and egress rules are not public ingress.
        ("ingress-private", &[PublicIngress]),
        ("ingress-egress-open", &[PublicIngress]),
        // The pinned provider did not change (only required_version did).
        ("provider-pinned", &[InfraProviderChanged]),
    ];
    for (case, forbidden) in table {
        let analysis = run(case);
        assert!(
            analysis.fallbacks.is_empty(),
            "{case}: {:?}",
            analysis.fallbacks
        );
        for fact in &analysis.facts {
            assert!(!forbidden.contains(&fact.signal), "{case}: {fact:#?}");
        }
    }
}

//! Fixture pairs under `fixtures/infra/kubernetes/`: each signal fires once, each near miss
//! stays quiet.

use super::super::tree::testing::{Case, check};
use super::super::{Analyzer, Versions};
use super::Kubernetes;
use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};
use crate::signal::Signal;

const fn case(
    case: &'static str,
    expect: Option<(Signal, &'static str, u32, &'static str)>,
) -> Case {
    Case {
        name: case,
        ext: "yaml",
        path: "k8s/app.yaml",
        expect,
    }
}

/// Every finding id the Kubernetes analyzer emits from parsed manifests, and their near misses.
#[test]
fn fixture_table() {
    let cases = [
        case(
            "ns-removed",
            Some((
                Signal::StatefulResourceDestroyed,
                "Namespace/shop",
                1,
                "contents are deleted",
            )),
        ),
        case("configmap-removed", None),
        case(
            "deployment-removed",
            Some((
                Signal::ResourceDestroyed,
                "Deployment/shop/web",
                10,
                "what it serves stops",
            )),
        ),
        case(
            "scaled-to-zero",
            Some((
                Signal::WorkloadScaledToZero,
                "Deployment/shop/web",
                7,
                "scaled to 0",
            )),
        ),
        case("scaled-down", None),
        case(
            "privileged",
            Some((
                Signal::PrivilegedWorkload,
                "Deployment/shop/web/app",
                14,
                "runs privileged",
            )),
        ),
        case(
            "host-path",
            Some((
                Signal::PrivilegedWorkload,
                "DaemonSet/agent",
                12,
                "host path /",
            )),
        ),
        case("image-bumped", None),
        case(
            "image-latest",
            Some((
                Signal::ImageUnpinned,
                "Deployment/shop/web/app",
                12,
                "not pinned",
            )),
        ),
        case(
            "limits-removed",
            Some((
                Signal::LimitsOrProbesRemoved,
                "Deployment/shop/web/app",
                11,
                "resource limits and livenessProbe",
            )),
        ),
        case("limits-changed", None),
        case(
            "cluster-admin",
            Some((
                Signal::ClusterAdminGranted,
                "ClusterRoleBinding/ops",
                8,
                "full control",
            )),
        ),
        case("role-edit", None),
        Case {
            path: "k8s/kustomization.yaml",
            ..case(
                "kustomize",
                Some((
                    Signal::ResourceDestroyed,
                    "database.yaml",
                    5,
                    "no longer applied",
                )),
            )
        },
        Case {
            path: "k8s/kustomization.yaml",
            ..case("kustomize-reordered", None)
        },
    ];
    for case in &cases {
        let analysis = check(&Kubernetes, "kubernetes", case);
        assert!(analysis.fallbacks.is_empty(), "{}", case.name);
    }
}

fn helm_change(added: &str) -> FileChange {
    let mut file = FileChange::new(
        FileStatus::Modified,
        Some("charts/web/templates/deployment.yaml".into()),
        Some("charts/web/templates/deployment.yaml".into()),
    );
    file.hunks.push(Hunk {
        old_start: 6,
        old_lines: 1,
        new_start: 6,
        new_lines: 1,
        lines: vec![
            Line {
                kind: LineKind::Removed,
                old_line: Some(6),
                new_line: None,
                content: "  replicas: {{ .Values.replicas }}".into(),
            },
            Line {
                kind: LineKind::Added,
                old_line: None,
                new_line: Some(6),
                content: added.into(),
            },
        ],
    });
    file
}

/// A Helm template is read line by line, says why, and still finds `replicas: 0`; a harmless
/// template edit finds nothing but still reports the fallback.
#[test]
fn helm_falls_back_to_lines() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/infra/kubernetes/helm"
    );
    let old = std::fs::read(format!("{dir}/before.yaml")).expect("fixture");
    let new = std::fs::read(format!("{dir}/after.yaml")).expect("fixture");
    for (added, expect) in [
        ("  replicas: 0", true),
        ("  replicas: {{ .Values.count }}", false),
    ] {
        let file = helm_change(added);
        assert!(Kubernetes.wants(file.path(), &new));
        let analysis = Kubernetes.analyze(&Versions {
            file: &file,
            old: Some(&old),
            new: Some(&new),
        });
        assert_eq!(analysis.fallbacks.len(), 1);
        assert!(
            analysis.fallbacks[0]
                .reason
                .contains("Helm template: {{ }} is not YAML")
        );
        let fired = analysis.facts.iter().any(|f| {
            f.signal == Signal::WorkloadScaledToZero
                && f.line == Some(6)
                && f.subject.as_deref() == Some(file.path())
                && f.message.contains("line-level")
        });
        assert_eq!(fired, expect, "{added}: {:?}", analysis.facts);
        assert_eq!(analysis.facts.len(), usize::from(expect));
    }
}

/// An object moved to another file of the same change is not destroyed.
#[test]
fn moved_between_files_is_not_destroyed() {
    let ns = b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";
    let from = FileChange::new(FileStatus::Deleted, Some("k8s/a.yaml".into()), None);
    let to = FileChange::new(FileStatus::Added, None, Some("k8s/b.yaml".into()));
    let analysis = Kubernetes.analyze_all(&[
        Versions {
            file: &from,
            old: Some(ns),
            new: None,
        },
        Versions {
            file: &to,
            old: None,
            new: Some(ns),
        },
    ]);
    assert!(analysis.facts.is_empty(), "{:?}", analysis.facts);
}

/// Image references: `latest` and untagged are unpinned; tags, digests and registry ports are not.
#[test]
fn image_pinning() {
    for (image, unpinned) in [
        ("nginx", true),
        ("nginx:latest", true),
        ("registry:5000/nginx", true),
        ("registry:5000/nginx:1.25", false),
        ("nginx@sha256:abc", false),
        ("$IMAGE", false),
    ] {
        assert_eq!(super::image_unpinned(image), unpinned, "{image}");
    }
}

/// A manifest with thousands of objects is compared in linear time (a quadratic match would
/// take seconds here), and a deleted file destroys what it held.
#[test]
fn large_manifest_and_deleted_file() {
    use std::fmt::Write as _;

    let mut big = String::new();
    for i in 0..5000 {
        let _ = write!(
            big,
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data-{i}\n  namespace: db\n"
        );
    }
    let file = FileChange::new(
        FileStatus::Modified,
        Some("k8s/pvc.yaml".into()),
        Some("k8s/pvc.yaml".into()),
    );
    let start = std::time::Instant::now();
    let analysis = Kubernetes.analyze(&Versions {
        file: &file,
        old: Some(big.as_bytes()),
        new: Some(big.as_bytes()),
    });
    assert!(analysis.facts.is_empty());
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());

    let gone = FileChange::new(FileStatus::Deleted, Some("k8s/pvc.yaml".into()), None);
    let analysis = Kubernetes.analyze(&Versions {
        file: &gone,
        old: Some(big.as_bytes()),
        new: None,
    });
    assert_eq!(analysis.facts.len(), 5000);
    assert!(
        analysis
            .facts
            .iter()
            .all(|f| f.signal == Signal::StatefulResourceDestroyed)
    );
    assert_eq!(
        analysis.facts[1].subject.as_deref(),
        Some("PersistentVolumeClaim/db/data-1")
    );
}

/// In a Helm template, a rule granting `*` verbs is read line by line as a cluster-admin grant
/// (issue 12: wildcard roles); listed verbs are not.
#[test]
fn helm_wildcard_verbs_are_read_line_by_line() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/infra/kubernetes/helm"
    );
    let old = std::fs::read(format!("{dir}/before.yaml")).expect("fixture");
    let new = std::fs::read(format!("{dir}/after.yaml")).expect("fixture");
    for (added, expect) in [
        ("    verbs: [\"*\"]", true),
        ("    verbs: ['*']", true),
        ("    verbs: [\"get\", \"list\"]", false),
    ] {
        let file = helm_change(added);
        let analysis = Kubernetes.analyze(&Versions {
            file: &file,
            old: Some(&old),
            new: Some(&new),
        });
        let fired = analysis
            .facts
            .iter()
            .any(|f| f.signal == Signal::ClusterAdminGranted && f.message.contains("`*` verbs"));
        assert_eq!(fired, expect, "{added}: {:?}", analysis.facts);
    }
}

/// Expected (signal, subject) facts.
type Expected = &'static [(Signal, &'static str)];

/// Kustomize builds that delete or rename what they applied (red-team `kustomize-delete.sh`):
/// a new `$patch: delete` patch of a PVC is a stateful removal; a changed `namespace:`,
/// `namePrefix:` or `nameSuffix:` re-creates every object under a new name (prune deletes the
/// old ones). An unchanged patch and unchanged names are quiet.
#[test]
fn kustomize_patch_delete_and_renames() {
    let base = "resources:\n  - pvc.yaml\n";
    let patch = "resources:\n  - pvc.yaml\npatches:\n  - patch: |-\n      $patch: delete\n      apiVersion: v1\n      kind: PersistentVolumeClaim\n      metadata:\n        name: uploads\n        namespace: prod\n";
    let cases: &[(&str, &str, Expected)] = &[
        (
            base,
            patch,
            &[(
                Signal::StatefulResourceDestroyed,
                "PersistentVolumeClaim/prod/uploads",
            )],
        ),
        (patch, patch, &[]),
        (
            base,
            "namespace: prod-v2\nresources:\n  - pvc.yaml\n",
            &[(Signal::ResourceDestroyed, "namespace")],
        ),
        (
            "namePrefix: v1-\nresources:\n  - pvc.yaml\n",
            "namePrefix: v2-\nresources:\n  - pvc.yaml\n",
            &[(Signal::ResourceDestroyed, "namePrefix")],
        ),
        (
            "nameSuffix: -a\nresources:\n  - pvc.yaml\n",
            "nameSuffix: -a\nresources:\n  - pvc.yaml\n  - svc.yaml\n",
            &[],
        ),
    ];
    let file = FileChange::new(
        FileStatus::Modified,
        Some("k8s/kustomization.yaml".into()),
        Some("k8s/kustomization.yaml".into()),
    );
    for (old, new, expected) in cases {
        let analysis = Kubernetes.analyze(&Versions {
            file: &file,
            old: Some(old.as_bytes()),
            new: Some(new.as_bytes()),
        });
        let got: Vec<(Signal, &str)> = analysis
            .facts
            .iter()
            .map(|f| (f.signal, f.subject.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(&got, expected, "{new}");
    }
}

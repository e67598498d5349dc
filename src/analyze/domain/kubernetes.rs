//! Kubernetes manifests, Helm templates and Kustomize: what applying the new manifests does
//! to the cluster that the old ones described.
//!
//! An object is identified by (kind, namespace, name) across every file of the change, so an
//! object moved between files is not destroyed. Helm templates are not YAML until rendered; for
//! them the changed lines are read instead and the fallback says so, and the objects their text
//! renders ([`helm`]) are compared so a template removed or no longer rendering an object is a
//! removal like a manifest's.

mod detect;
mod helm;
mod pods;
mod rbac;
pub mod values;

use std::collections::{HashMap, HashSet};

use super::tree::{self, Node};
use super::{Analysis, Analyzer, LineLevel, Versions, fact};
use crate::analyze::lang::config_for_path;
use crate::signal::Signal;

/// See the module docs.
pub struct Kubernetes;

/// Kinds whose removal loses data or everything inside them.
/// Source: Kubernetes docs, "Persistent Volumes" (reclaim policy `Delete` is the default for
/// dynamically provisioned volumes), "Namespaces" (deleting one deletes everything in it),
/// "`StatefulSets`" and "Custom Resources" (deleting a CRD deletes every custom object).
const STATEFUL_KINDS: &[&str] = &[
    "Namespace",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StatefulSet",
    "CustomResourceDefinition",
];

/// Kinds whose removal stops serving traffic: reported as `resource-destroyed`. Other kinds
/// (`ConfigMap`, RBAC, `ServiceAccount`…) are left out on purpose: removing them is routine
/// clean-up and would make the signal noise; the file-level signals still count them.
const SERVING_KINDS: &[&str] = &["Deployment", "DaemonSet", "CronJob", "Service", "Ingress"];

/// An object of a manifest, with its subject (`Kind/namespace/name`).
pub(crate) struct Object<'a> {
    subject: String,
    kind: &'a str,
    node: &'a Node,
}

impl Analyzer for Kubernetes {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn wants(&self, path: &str, content: &[u8]) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let data = config_for_path(path).is_some_and(|l| matches!(l.name, "yaml" | "json"));
        if !data || path.contains(".github/") || path.contains(".gitlab") {
            return false;
        }
        name.starts_with("kustomization.") || detect::holds_objects(content)
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        self.analyze_all(std::slice::from_ref(versions))
    }

    fn analyze_all(&self, files: &[Versions<'_>]) -> Analysis {
        let mut analysis = Analysis::default();
        let parsed: Vec<_> = files
            .iter()
            .map(|v| (v, side(v, v.old), side(v, v.new)))
            .collect();
        // Everything that exists after the change, in any file: a removal elsewhere is a move.
        let mut after = HashSet::new();
        for (versions, _, new) in &parsed {
            match new {
                Ok(docs) => after.extend(objects(docs).into_iter().map(|o| o.subject)),
                Err(_) if is_template(versions) => after.extend(
                    helm::objects(&String::from_utf8_lossy(versions.new.unwrap_or_default()))
                        .into_iter()
                        .map(|o| o.subject),
                ),
                Err(_) => {}
            }
        }
        for (versions, old, new) in &parsed {
            if versions
                .file
                .path()
                .rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with("kustomization."))
            {
                analysis.extend(kustomization(versions, old, new));
                continue;
            }
            match (old, new) {
                (Ok(old), Ok(new)) => analysis.facts.extend(compare(versions, old, new, &after)),
                (Err(reason), _) | (_, Err(reason)) => {
                    analysis.fallbacks.push(LineLevel {
                        file: versions.file.path().to_string(),
                        analyzer: "kubernetes",
                        reason: reason.clone(),
                    });
                    analysis.facts.extend(line_level(versions));
                    if is_template(versions) && versions.content_missing().is_none() {
                        analysis.facts.extend(template_removals(versions, &after));
                    }
                }
            }
        }
        // Roles and their bindings are often in different files: judged over all of them.
        // Only files read on both sides are compared: a file whose old side did not parse
        // would make every grant in its new side look added (it is read line by line instead).
        let side = |old: bool| -> rbac::Documents<'_> {
            parsed
                .iter()
                .enumerate()
                .filter_map(|(index, (_, before, after))| match (before, after) {
                    (Ok(before), Ok(after)) => {
                        Some((index, if old { before } else { after }.as_slice()))
                    }
                    _ => None,
                })
                .collect()
        };
        analysis
            .facts
            .extend(rbac::facts(files, &side(true), &side(false)));
        analysis
    }
}

/// One side's documents (none when the file is absent), or why it cannot be read.
fn side(versions: &Versions<'_>, content: Option<&[u8]>) -> Result<Vec<Node>, String> {
    if let Some(reason) = versions.content_missing() {
        return Err(reason.to_string());
    }
    let Some(content) = content else {
        return Ok(Vec::new());
    };
    let text = String::from_utf8_lossy(content);
    // `{{ }}` can parse as a YAML flow mapping by accident; under `templates/` it is Helm.
    if versions.file.path().contains("templates/") && text.contains("{{") {
        return Err("Helm template: {{ }} is not YAML".to_string());
    }
    tree::parse(content)
}

/// The objects of some documents, `List`s expanded.
pub(crate) fn objects(docs: &[Node]) -> Vec<Object<'_>> {
    let mut out = Vec::new();
    for doc in docs {
        let items = if doc.get("kind").and_then(Node::as_str) == Some("List") {
            doc.get("items")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .collect()
        } else {
            vec![doc]
        };
        for node in items {
            let (Some(kind), Some(name)) = (
                node.get("kind").and_then(Node::as_str),
                node.at(&["metadata", "name"]).and_then(Node::as_str),
            ) else {
                continue;
            };
            let subject = match node.at(&["metadata", "namespace"]).and_then(Node::as_str) {
                Some(namespace) => format!("{kind}/{namespace}/{name}"),
                None => format!("{kind}/{name}"),
            };
            out.push(Object {
                subject,
                kind,
                node,
            });
        }
    }
    out
}

fn compare(
    versions: &Versions<'_>,
    old: &[Node],
    new: &[Node],
    after: &HashSet<String>,
) -> Vec<crate::analyze::Fact> {
    let old = objects(old);
    let new = objects(new);
    // By identity, so a manifest with thousands of objects stays linear; an identity that
    // appears twice pairs the n-th new with the n-th old, so an unchanged file compares equal.
    let mut by_subject: HashMap<&str, Vec<&Object<'_>>> = HashMap::new();
    for object in old.iter().rev() {
        by_subject
            .entry(object.subject.as_str())
            .or_default()
            .push(object);
    }
    let mut facts: Vec<_> = old
        .iter()
        .filter(|o| !after.contains(&o.subject))
        .filter_map(|gone| removal(versions, gone.kind, &gone.subject, gone.node.line))
        .collect();
    for object in &new {
        let before = by_subject
            .get_mut(object.subject.as_str())
            .and_then(Vec::pop);
        facts.extend(pods::compare(versions, object, before));
    }
    facts
}

/// What deleting an object of `kind` costs, if its kind matters: the signal and the loss.
fn loss(kind: &str) -> Option<(Signal, &'static str)> {
    if STATEFUL_KINDS.contains(&kind) {
        Some((
            Signal::StatefulResourceDestroyed,
            "its data or contents are deleted with it",
        ))
    } else if SERVING_KINDS.contains(&kind) {
        Some((Signal::ResourceDestroyed, "what it serves stops"))
    } else {
        None
    }
}

/// The fact for an object of `kind` that no file describes any more, if its kind matters.
fn removal(
    versions: &Versions<'_>,
    kind: &str,
    subject: &str,
    line: u32,
) -> Option<crate::analyze::Fact> {
    let (signal, what) = loss(kind)?;
    Some(fact(
        versions,
        signal,
        Some(line),
        subject,
        format!("{subject} removed (was line {line}): {what}"),
    ))
}

/// Whether a file is a Helm template (read as text, not YAML).
fn is_template(versions: &Versions<'_>) -> bool {
    let text =
        |side: Option<&[u8]>| String::from_utf8_lossy(side.unwrap_or_default()).contains("{{");
    versions.file.path().contains("templates/") && (text(versions.old) || text(versions.new))
}

/// Objects the old template rendered that no file renders or describes after the change: a
/// deleted template, a removed document, a templated name changed (`helm upgrade` deletes them,
/// but for those annotated `helm.sh/resource-policy: keep`).
fn template_removals(
    versions: &Versions<'_>,
    after: &HashSet<String>,
) -> Vec<crate::analyze::Fact> {
    let old = String::from_utf8_lossy(versions.old.unwrap_or_default());
    helm::objects(&old)
        .into_iter()
        .filter(|o| !after.contains(&o.subject) && !helm::kept(&old, o.line))
        .filter_map(|gone| removal(versions, &gone.kind, &gone.subject, gone.line))
        .collect()
}

/// `kustomization.yaml`: an entry removed from `resources:` (or `bases:`, `components:`)
/// stops being applied, which deletes what it described when pruning.
fn kustomization(
    versions: &Versions<'_>,
    old: &Result<Vec<Node>, String>,
    new: &Result<Vec<Node>, String>,
) -> Analysis {
    let (Ok(old), Ok(new)) = (old, new) else {
        return Analysis::default();
    };
    let entries = |docs: &[Node]| -> Vec<(String, u32)> {
        let fields = ["resources", "bases", "components"];
        docs.iter()
            .flat_map(|d| fields.iter().filter_map(|f| d.get(f)))
            .flat_map(Node::items)
            .filter_map(|n| Some((n.as_str()?.to_string(), n.line)))
            .collect()
    };
    let kept: HashSet<String> = entries(new).into_iter().map(|(e, _)| e).collect();
    let mut facts: Vec<_> = entries(old)
        .into_iter()
        .filter(|(entry, _)| !kept.contains(entry))
        .map(|(entry, line)| {
            let message = format!("{entry} removed from the kustomization (was line {line}): its objects are no longer applied and are deleted on prune");
            fact(versions, Signal::ResourceDestroyed, Some(line), entry, message)
        })
        .collect();
    // A patch that deletes an object removes it from the build like a dropped entry.
    let deleted_before: HashSet<String> = deletions(old).into_iter().map(|(s, ..)| s).collect();
    facts.extend(
        deletions(new)
            .into_iter()
            .filter(|(subject, ..)| !deleted_before.contains(subject))
            .filter_map(|(subject, kind, line)| removal(versions, &kind, &subject, line)),
    );
    // Kustomize docs, "namespace", "namePrefix", "nameSuffix": every object built is renamed,
    // so the next apply creates new ones, and prune deletes the old ones (their data too).
    for field in ["namespace", "namePrefix", "nameSuffix"] {
        let value = |docs: &[Node]| {
            docs.iter()
                .find_map(|d| d.get(field))
                .map(|n| (n.as_str().unwrap_or("?").to_string(), n.line))
        };
        let (before, after) = (value(old), value(new));
        if before.as_ref().map(|b| &b.0) == after.as_ref().map(|a| &a.0) {
            continue;
        }
        let shown =
            |v: &Option<(String, u32)>| v.as_ref().map_or("unset", |v| v.0.as_str()).to_string();
        let line = after.as_ref().or(before.as_ref()).map(|v| v.1);
        let message = format!(
            "{field} changed from {} to {}: every object the kustomization builds is re-created under a new name, and prune deletes the old ones with their data",
            shown(&before),
            shown(&after)
        );
        facts.push(fact(
            versions,
            Signal::ResourceDestroyed,
            line,
            field,
            message,
        ));
    }
    Analysis {
        facts,
        fallbacks: Vec::new(),
    }
}

/// Objects a kustomization's inline patches delete (`$patch: delete`, Kustomize docs "patches"
/// and the strategic-merge-patch directive): (subject, kind, line).
fn deletions(docs: &[Node]) -> Vec<(String, String, u32)> {
    let fields = ["patches", "patchesStrategicMerge"];
    let mut out = Vec::new();
    for entry in docs
        .iter()
        .flat_map(|d| fields.iter().filter_map(|f| d.get(f)))
        .flat_map(Node::items)
    {
        let Some(text) = entry.get("patch").unwrap_or(entry).as_str() else {
            continue;
        };
        let Ok(patches) = tree::parse(text.as_bytes()) else {
            continue;
        };
        for patch in &patches {
            if patch.get("$patch").and_then(Node::as_str) != Some("delete") {
                continue;
            }
            for object in objects(std::slice::from_ref(patch)) {
                out.push((object.subject, object.kind.to_string(), entry.line));
            }
        }
    }
    out
}

/// Risky patterns on the added lines of a file that is not YAML (a Helm template).
/// The subject is the file: objects cannot be named without rendering.
fn line_level(versions: &Versions<'_>) -> Vec<crate::analyze::Fact> {
    const PATTERNS: &[(&str, Signal, &str)] = &[
        (
            "replicas: 0",
            Signal::WorkloadScaledToZero,
            "replicas set to 0: the workload stops",
        ),
        (
            "privileged: true",
            Signal::PrivilegedWorkload,
            "a container runs privileged: it owns the node",
        ),
        (
            "hostNetwork: true",
            Signal::PrivilegedWorkload,
            "a pod joins the host network",
        ),
        (
            ":latest",
            Signal::ImageUnpinned,
            "an image is `latest`: what runs can change without a commit",
        ),
        (
            "cluster-admin",
            Signal::ClusterAdminGranted,
            "cluster-admin is referenced: full control of the cluster",
        ),
        (
            "verbs: [\"*\"]",
            Signal::ClusterAdminGranted,
            "a role grants `*` verbs: with `*` resources, as much as cluster-admin",
        ),
        (
            "verbs: ['*']",
            Signal::ClusterAdminGranted,
            "a role grants `*` verbs: with `*` resources, as much as cluster-admin",
        ),
    ];
    let path = versions.file.path();
    let mut facts = Vec::new();
    for (line, content) in tree::added_lines(versions.file) {
        let content = content.trim();
        for (pattern, signal, message) in PATTERNS {
            let hit = if *pattern == "replicas: 0" {
                content
                    .strip_prefix("replicas:")
                    .is_some_and(|v| v.trim() == "0")
            } else {
                content.contains(pattern)
            };
            if hit {
                let message = format!("{message} (line-level, template not rendered)");
                facts.push(fact(versions, *signal, Some(line), path, message));
            }
        }
    }
    facts
}

/// True when an image reference can change under the same text: tag `latest`, or neither a
/// tag nor a digest. Template placeholders (`$VAR`, `{{ }}`) are not judged.
#[must_use]
pub fn image_unpinned(image: &str) -> bool {
    if image.contains('$') || image.contains("{{") || image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

#[cfg(test)]
mod tests;

//! One object before and after: replicas, pod security, containers' limits, probes and images,
//! and role bindings. A finding fires only for risk the old object did not already carry.

use std::collections::HashMap;

use super::super::tree::Node;
use super::super::{Versions, fact};
use super::{Object, image_unpinned};
use crate::analyze::Fact;
use crate::signal::Signal;

/// The pod spec of a workload: `Pod.spec`, `CronJob`'s job template, or `spec.template.spec`.
fn pod_spec<'a>(object: &Object<'a>) -> Option<&'a Node> {
    match object.kind {
        "Pod" => object.node.get("spec"),
        "CronJob" => object
            .node
            .at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => object.node.at(&["spec", "template", "spec"]),
    }
}

/// Every container of a pod spec (init and ephemeral included: they run with the same power).
fn containers(spec: Option<&Node>) -> Vec<(&str, &Node)> {
    let Some(spec) = spec else {
        return Vec::new();
    };
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .filter_map(|field| spec.get(field))
        .flat_map(Node::items)
        .map(|c| (c.get("name").and_then(Node::as_str).unwrap_or("?"), c))
        .collect()
}

/// Findings about `object` (after) compared with `before` (the same identity, if it existed).
pub(super) fn compare(
    versions: &Versions<'_>,
    object: &Object<'_>,
    before: Option<&Object<'_>>,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let subject = &object.subject;
    let mut push = |signal, node: &Node, subject: &str, message: String| {
        facts.push(fact(versions, signal, Some(node.line), subject, message));
    };

    // Scaling an existing workload to zero stops it; a new object at zero stops nothing.
    if let (Some(replicas), Some(before)) = (object.node.at(&["spec", "replicas"]), before) {
        let was = before.node.at(&["spec", "replicas"]).and_then(Node::as_str);
        if replicas.as_str() == Some("0") && was != Some("0") {
            push(
                Signal::WorkloadScaledToZero,
                replicas,
                subject,
                format!("{subject} scaled to 0 replicas: the workload stops serving"),
            );
        }
    }

    if matches!(object.kind, "RoleBinding" | "ClusterRoleBinding") {
        let role = |o: &Object<'_>| {
            o.node
                .at(&["roleRef", "name"])
                .and_then(Node::as_str)
                .map(str::to_string)
        };
        if let Some(node) = object.node.at(&["roleRef", "name"])
            && role(object).as_deref() == Some("cluster-admin")
            && before.and_then(role).as_deref() != Some("cluster-admin")
        {
            push(
                Signal::ClusterAdminGranted,
                node,
                subject,
                format!(
                    "{subject} grants cluster-admin: its subjects get full control of the cluster"
                ),
            );
        }
    }

    let spec = pod_spec(object);
    let old_spec = before.and_then(pod_spec);
    facts.extend(pod(versions, subject, spec, old_spec));
    let old_containers = containers(old_spec);
    // The n-th container of a name against the old n-th: names should be unique, and when
    // they are not an unchanged pod must still compare equal.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (name, container) in containers(spec) {
        let nth = seen.entry(name).or_default();
        let old = old_containers
            .iter()
            .filter(|(n, _)| *n == name)
            .nth(*nth)
            .map(|(_, c)| *c);
        *nth += 1;
        facts.extend(one_container(
            versions,
            &format!("{subject}/{name}"),
            container,
            old,
        ));
    }
    facts
}

/// Host namespaces and host paths the pod did not have.
fn pod(
    versions: &Versions<'_>,
    subject: &str,
    spec: Option<&Node>,
    old_spec: Option<&Node>,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut push = |signal, node: &Node, subject: &str, message: String| {
        facts.push(fact(versions, signal, Some(node.line), subject, message));
    };
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(node) = spec.and_then(|s| s.get(field))
            && node.is_true()
            && !old_spec
                .and_then(|s| s.get(field))
                .is_some_and(Node::is_true)
        {
            push(
                Signal::PrivilegedWorkload,
                node,
                subject,
                format!(
                    "{subject} sets {field}: true: the pod shares the node's {}",
                    &field[4..]
                ),
            );
        }
    }
    let host_paths = |spec: Option<&Node>| -> Vec<String> {
        spec.and_then(|s| s.get("volumes"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|v| v.get("hostPath").is_some())
            .map(|v| v.get("hostPath").map(Node::canonical).unwrap_or_default())
            .collect()
    };
    let old_paths = host_paths(old_spec);
    for volume in spec
        .and_then(|s| s.get("volumes"))
        .map(Node::items)
        .unwrap_or_default()
    {
        if let Some(host) = volume.get("hostPath")
            && !old_paths.contains(&host.canonical())
        {
            let path = host.get("path").and_then(Node::as_str).unwrap_or("?");
            push(
                Signal::PrivilegedWorkload,
                volume,
                subject,
                format!(
                    "{subject} mounts host path {path}: the pod reads or writes the node's files"
                ),
            );
        }
    }

    facts
}

/// One container against its old self (matched by name): privilege, capabilities, limits,
/// probes and image.
fn one_container(
    versions: &Versions<'_>,
    who: &str,
    container: &Node,
    old: Option<&Node>,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut push = |signal, node: &Node, subject: &str, message: String| {
        facts.push(fact(versions, signal, Some(node.line), subject, message));
    };
    let old_at = |path: &[&str]| old.and_then(|c| c.at(path));
    if let Some(node) = container.at(&["securityContext", "privileged"])
        && node.is_true()
        && !old_at(&["securityContext", "privileged"]).is_some_and(Node::is_true)
    {
        push(
            Signal::PrivilegedWorkload,
            node,
            who,
            format!("container {who} runs privileged: it has full access to the node"),
        );
    }
    let old_caps = old_at(&["securityContext", "capabilities", "add"])
        .map(Node::scalars)
        .unwrap_or_default();
    for cap in container
        .at(&["securityContext", "capabilities", "add"])
        .map(Node::items)
        .unwrap_or_default()
    {
        if let Some(name) = cap.as_str()
            && !old_caps.contains(&name)
        {
            push(
                Signal::PrivilegedWorkload,
                cap,
                who,
                format!("container {who} adds capability {name}"),
            );
        }
    }
    if let Some(old) = old {
        let limited_before = old
            .at(&["resources", "limits"])
            .is_some_and(|l| !l.entries().is_empty());
        let limited_now = container
            .at(&["resources", "limits"])
            .is_some_and(|l| !l.entries().is_empty());
        let mut lost: Vec<&str> = Vec::new();
        if limited_before && !limited_now {
            lost.push("resource limits");
        }
        for probe in ["livenessProbe", "readinessProbe"] {
            if old.get(probe).is_some() && container.get(probe).is_none() {
                lost.push(probe);
            }
        }
        if !lost.is_empty() {
            let line = container.get("name").unwrap_or(container);
            push(
                Signal::LimitsOrProbesRemoved,
                line,
                who,
                format!(
                    "container {who} lost its {}: it can starve the node or keep failing unseen",
                    lost.join(" and ")
                ),
            );
        }
    }
    if let Some(image) = container.get("image")
        && let Some(reference) = image.as_str()
        && image_unpinned(reference)
        && !old_at(&["image"])
            .and_then(Node::as_str)
            .is_some_and(image_unpinned)
    {
        push(
            Signal::ImageUnpinned,
            image,
            who,
            format!(
                "container {who} uses image {reference}, not pinned: what runs can change without a commit"
            ),
        );
    }
    facts
}

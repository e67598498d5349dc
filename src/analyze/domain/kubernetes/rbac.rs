//! RBAC roles that grant `*` verbs on `*` resources: the same power as the built-in
//! `cluster-admin` role under another name, so binding one to a service account is
//! `cluster-admin-granted` (Kubernetes docs "Using RBAC Authorization": `cluster-admin` is
//! `verbs: ["*"]` on `resources: ["*"]`; "RBAC good practices": avoid wildcards, least
//! privilege for service accounts).
//!
//! Roles and bindings are matched across every file of the change. A binding is reported when
//! it newly ties a service account to such a role; a role that newly grants wildcards with no
//! binding in the change is reported itself, since bindings outside the change can use it.

use std::collections::HashSet;

use super::super::tree::Node;
use super::super::{Versions, fact};
use super::objects;
use crate::analyze::Fact;
use crate::signal::Signal;

/// A role that grants wildcards: (`Role`/`ClusterRole`, namespace for `Role`s, name).
type RoleId = (String, String, String);

/// One side of the change: each file's documents.
pub(super) type Documents<'a> = Vec<(usize, &'a [Node])>;

fn wildcard(role: &Node) -> bool {
    role.get("rules")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|rule| {
            let has_star =
                |field: &str| rule.get(field).is_some_and(|n| n.scalars().contains(&"*"));
            has_star("verbs") && has_star("resources")
        })
}

fn namespace(node: &Node) -> String {
    node.at(&["metadata", "namespace"])
        .and_then(Node::as_str)
        .unwrap_or("default")
        .to_string()
}

/// Wildcard roles of one side, with the file index and node of each.
fn roles<'a>(side: &Documents<'a>) -> Vec<(RoleId, usize, &'a Node)> {
    let mut out = Vec::new();
    for (file, docs) in side {
        for object in objects(docs) {
            if !matches!(object.kind, "Role" | "ClusterRole") || !wildcard(object.node) {
                continue;
            }
            let Some(name) = object.node.at(&["metadata", "name"]).and_then(Node::as_str) else {
                continue;
            };
            let ns = if object.kind == "Role" {
                namespace(object.node)
            } else {
                String::new()
            };
            out.push((
                (object.kind.to_string(), ns, name.to_string()),
                *file,
                object.node,
            ));
        }
    }
    out
}

/// A binding of a service account to a wildcard role: its identity across versions, the file,
/// the line, the subject and the message.
struct Grant {
    key: String,
    file: usize,
    line: u32,
    subject: String,
    message: String,
}

fn grants(side: &Documents<'_>, wild: &HashSet<RoleId>) -> Vec<Grant> {
    let mut out = Vec::new();
    for (file, docs) in side {
        for object in objects(docs) {
            if !matches!(object.kind, "RoleBinding" | "ClusterRoleBinding") {
                continue;
            }
            let node = object.node;
            let role_kind = node
                .at(&["roleRef", "kind"])
                .and_then(Node::as_str)
                .unwrap_or("");
            let Some(role_name) = node.at(&["roleRef", "name"]).and_then(Node::as_str) else {
                continue;
            };
            let ns = if role_kind == "Role" {
                namespace(node)
            } else {
                String::new()
            };
            let role = (role_kind.to_string(), ns, role_name.to_string());
            if !wild.contains(&role) {
                continue;
            }
            for account in node.get("subjects").map(Node::items).unwrap_or_default() {
                if account.get("kind").and_then(Node::as_str) != Some("ServiceAccount") {
                    continue;
                }
                let name = account.get("name").and_then(Node::as_str).unwrap_or("?");
                let account_ns = account
                    .get("namespace")
                    .and_then(Node::as_str)
                    .map_or_else(|| namespace(node), str::to_string);
                let account = format!("{account_ns}/{name}");
                out.push(Grant {
                    key: format!("{}|{account}|{role_kind}/{role_name}", object.subject),
                    file: *file,
                    line: node.at(&["roleRef", "name"]).map_or(node.line, |n| n.line),
                    subject: object.subject.clone(),
                    message: format!(
                        "{} binds ServiceAccount {account} to {role_kind} {role_name}, which grants `*` verbs on `*` resources: as much power as cluster-admin",
                        object.subject
                    ),
                });
            }
        }
    }
    out
}

/// `cluster-admin-granted` facts for wildcard roles bound to service accounts (or newly
/// wildcard roles with no binding in the change). `files[i]` is the file of index `i`.
pub(super) fn facts(files: &[Versions<'_>], old: &Documents<'_>, new: &Documents<'_>) -> Vec<Fact> {
    let old_roles: HashSet<RoleId> = roles(old).into_iter().map(|(id, ..)| id).collect();
    let new_roles = roles(new);
    let wild_new: HashSet<RoleId> = new_roles.iter().map(|(id, ..)| id.clone()).collect();
    let before: HashSet<String> = grants(old, &old_roles).into_iter().map(|g| g.key).collect();
    let mut facts = Vec::new();
    let mut bound: HashSet<String> = HashSet::new();
    for grant in grants(new, &wild_new) {
        bound.insert(grant.key.rsplit('|').next().unwrap_or_default().to_string());
        if before.contains(&grant.key) {
            continue;
        }
        if let Some(versions) = files.get(grant.file) {
            facts.push(fact(
                versions,
                Signal::ClusterAdminGranted,
                Some(grant.line),
                grant.subject,
                grant.message,
            ));
        }
    }
    for ((kind, ns, name), file, node) in new_roles {
        let id = (kind.clone(), ns.clone(), name.clone());
        if old_roles.contains(&id) || bound.contains(&format!("{kind}/{name}")) {
            continue;
        }
        let subject = if ns.is_empty() {
            format!("{kind}/{name}")
        } else {
            format!("{kind}/{ns}/{name}")
        };
        if let Some(versions) = files.get(file) {
            facts.push(fact(
                versions,
                Signal::ClusterAdminGranted,
                Some(node.line),
                &subject,
                format!("{subject} grants `*` verbs on `*` resources: whoever is bound to it gets as much power as cluster-admin"),
            ));
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::super::Kubernetes;
    use crate::analyze::domain::{Analyzer, Versions};
    use crate::diff::{FileChange, FileStatus};
    use crate::signal::Signal;

    const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ops\n  namespace: build\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: ops\nsubjects:\n  - kind: ServiceAccount\n    name: ci\n";

    fn role(verbs: &str, resources: &str) -> String {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ops\n  namespace: build\nrules:\n  - apiGroups: [\"\"]\n    resources: [{resources}]\n    verbs: [{verbs}]\n"
        )
    }

    /// (signal, file, subject, line) for files added with `(path, before, after)` contents.
    fn judge(files: &[(&str, Option<&str>, &str)]) -> Vec<(Signal, String, String, u32)> {
        let changes: Vec<FileChange> = files
            .iter()
            .map(|(path, before, _)| {
                let status = if before.is_some() {
                    FileStatus::Modified
                } else {
                    FileStatus::Added
                };
                FileChange::new(
                    status,
                    before.map(|_| (*path).to_string()),
                    Some((*path).to_string()),
                )
            })
            .collect();
        let versions: Vec<Versions<'_>> = changes
            .iter()
            .zip(files)
            .map(|(file, (_, before, after))| Versions {
                file,
                old: before.map(str::as_bytes),
                new: Some(after.as_bytes()),
            })
            .collect();
        Kubernetes
            .analyze_all(&versions)
            .facts
            .into_iter()
            .filter(|f| f.signal == Signal::ClusterAdminGranted)
            .map(|f| {
                (
                    f.signal,
                    f.file.unwrap_or_default(),
                    f.subject.unwrap_or_default(),
                    f.line.unwrap_or_default(),
                )
            })
            .collect()
    }

    /// A file whose old side does not parse is read line by line, not compared: its
    /// unchanged grants are not reported as new (a real 1.9 MiB install manifest did that).
    #[test]
    fn a_file_unreadable_before_adds_no_grants() {
        let both = format!("{}---\n{BINDING}", role("\"*\"", "\"*\""));
        let broken = format!("{both}  bad: [unclosed\n");
        assert!(judge(&[("k8s/all.yaml", Some(&broken), &both)]).is_empty());
        assert_eq!(judge(&[("k8s/all.yaml", None, &both)]).len(), 1);
    }

    /// A namespaced Role with `*` on `*` bound to a service account in another file is
    /// reported on the binding; the same role read-only, or a binding to a user, is not; a
    /// role that turns wildcard with its binding unchanged elsewhere is reported on the role.
    #[test]
    fn wildcard_roles() {
        let wild = role("\"*\"", "\"*\"");
        let found = judge(&[
            ("k8s/role.yaml", None, &wild),
            ("k8s/bind.yaml", None, BINDING),
        ]);
        assert_eq!(
            found,
            [(
                Signal::ClusterAdminGranted,
                "k8s/bind.yaml".to_string(),
                "RoleBinding/build/ops".to_string(),
                9
            )]
        );
        let read = role("\"get\"", "\"*\"");
        assert!(
            judge(&[
                ("k8s/role.yaml", None, &read),
                ("k8s/bind.yaml", None, BINDING)
            ])
            .is_empty()
        );
        let user = BINDING.replace("kind: ServiceAccount", "kind: User");
        let found = judge(&[
            ("k8s/role.yaml", None, &wild),
            ("k8s/bind.yaml", None, &user),
        ]);
        assert_eq!(found.len(), 1, "the role itself: {found:?}");
        assert_eq!(found[0].2, "Role/build/ops");
        let widened = judge(&[("k8s/role.yaml", Some(&read), &wild)]);
        assert_eq!(widened.len(), 1, "{widened:?}");
        assert_eq!(widened[0].3, 1);
        // Already wildcard and bound before: nothing new.
        let both = format!("{wild}---\n{BINDING}");
        assert!(judge(&[("k8s/all.yaml", Some(&both), &both)]).is_empty());
    }
}

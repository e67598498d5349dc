//! Old versus new: one fact per package and kind of change, never one per line.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::model::{Dep, INHERITED, Locked, Manifest, PackageSource};
use super::version::{self, Bare};
use crate::analyze::Fact;
use crate::analyze::domain::{Versions, fact};
use crate::signal::Signal;

/// "cargo dependency", or "cargo dev dependency" for one in a scoped table.
fn what(ecosystem: &str, dep: &Dep) -> String {
    if dep.scope.is_empty() {
        format!("{ecosystem} dependency")
    } else {
        format!("{ecosystem} {} dependency", dep.scope)
    }
}

/// What changed between two versions of one manifest.
#[must_use]
pub fn manifests(
    versions: &Versions<'_>,
    ecosystem: &str,
    bare: Bare,
    old: &Manifest,
    new: &Manifest,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let emit = |signal: Signal, dep: &Dep, line: Option<u32>, message: String| {
        fact(versions, signal, line, dep.name.clone(), message)
    };
    for dep in &new.deps {
        let Some(before) = old.deps.iter().find(|d| d.same(dep)) else {
            let from = match &dep.source {
                PackageSource::Registry if dep.requirement.is_empty() => String::new(),
                PackageSource::Registry => format!(" at `{}`", dep.requirement),
                other => format!(" from {}", other.describe()),
            };
            facts.push(emit(
                Signal::DependencyAdded,
                dep,
                dep.line,
                format!("{} `{}` added{from}", what(ecosystem, dep), dep.name),
            ));
            continue;
        };
        facts.extend(
            changed(before, dep, bare)
                .into_iter()
                .map(|(signal, message)| {
                    emit(
                        signal,
                        dep,
                        dep.line,
                        format!("{} `{}`: {message}", what(ecosystem, dep), dep.name),
                    )
                }),
        );
    }
    for dep in &old.deps {
        if !new.deps.iter().any(|d| d.same(dep)) {
            facts.push(emit(
                Signal::DependencyRemoved,
                dep,
                None,
                format!("{} `{}` removed", what(ecosystem, dep), dep.name),
            ));
        }
    }
    for script in &new.scripts {
        let before = old.scripts.iter().find(|s| s.hook == script.hook);
        if before.is_some_and(|b| b.command == script.command) {
            continue;
        }
        let what = if before.is_some() { "changed" } else { "added" };
        facts.push(fact(
            versions,
            Signal::InstallScriptAdded,
            script.line,
            script.hook.clone(),
            format!(
                "install-time script `{}` {what}: runs `{}` on every install",
                script.hook, script.command
            ),
        ));
    }
    // Parsers keep no key order (TOML and JSON maps are sorted): report in file order.
    facts.sort_by_key(|fact| (fact.line.is_none(), fact.line));
    facts
}

/// The kinds of change between two declarations of one dependency, with their words.
fn changed(old: &Dep, new: &Dep, bare: Bare) -> Vec<(Signal, String)> {
    let mut out = Vec::new();
    if new.source.location() != old.source.location() && new.source != PackageSource::Registry {
        out.push((
            Signal::DependencySourceChanged,
            format!(
                "now from {} (was {})",
                new.source.describe(),
                old.source.describe()
            ),
        ));
    }
    if old.source != PackageSource::Registry || new.source != PackageSource::Registry {
        // Requirements of git, URL and path dependencies are refs, not version ranges.
        return out;
    }
    if old.requirement == INHERITED || new.requirement == INHERITED {
        // The version is the workspace's; its own manifest says how it changed.
        return out;
    }
    let transition = format!("`{}` → `{}`", old.requirement, new.requirement);
    let (was, is) = (
        version::strictness(&old.requirement, bare),
        version::strictness(&new.requirement, bare),
    );
    if let (Some(before), Some(after)) = (
        version::lowest(&old.requirement, bare),
        version::lowest(&new.requirement, bare),
    ) {
        match version::compare(&after, &before) {
            // `4.13.2` → `4.+` lowers the floor by widening the range: that is the loosening.
            Ordering::Less if is < was => {}
            Ordering::Less => out.push((
                Signal::DependencyDowngraded,
                format!("downgraded {transition}"),
            )),
            Ordering::Greater if version::major(&after) != version::major(&before) => {
                out.push((
                    Signal::DependencyMajorBump,
                    format!("major version bump {transition}"),
                ));
            }
            Ordering::Greater => {
                out.push((Signal::DependencyBumped, format!("bumped {transition}")));
            }
            Ordering::Equal => {}
        }
    }
    if is < was {
        out.push((
            Signal::DependencyLoosened,
            format!(
                "requirement loosened {transition}: {} instead of {}",
                is.describe(),
                was.describe()
            ),
        ));
    }
    out
}

/// The packages of a lockfile by name, with every version pinned for that name.
fn by_name(packages: &[Locked]) -> BTreeMap<&str, Vec<&Locked>> {
    let mut map: BTreeMap<&str, Vec<&Locked>> = BTreeMap::new();
    for package in packages {
        map.entry(package.name.as_str()).or_default().push(package);
    }
    map
}

/// What a lockfile's change does per package: sources moved off the registry and new install
/// scripts are facts of their own; the rest is summarised for the refresh fact.
#[must_use]
pub fn lockfiles(versions: &Versions<'_>, old: &[Locked], new: &[Locked]) -> (Vec<Fact>, String) {
    let (old, new) = (by_name(old), by_name(new));
    let mut facts = Vec::new();
    let (mut added, mut updated) = (0, 0);
    for (name, now) in &new {
        let before = old.get(name);
        let versions_of = |entries: &[&Locked]| -> BTreeSet<String> {
            entries.iter().map(|p| p.version.clone()).collect()
        };
        match before {
            None => added += 1,
            Some(before) if versions_of(before) != versions_of(now) => updated += 1,
            Some(_) => {}
        }
        if let Some(before) = before {
            let moved = now.iter().find(|p| {
                p.source != PackageSource::Registry && !before.iter().any(|b| b.source == p.source)
            });
            if let Some(package) = moved {
                facts.push(fact(
                    versions,
                    Signal::DependencySourceChanged,
                    None,
                    (*name).to_string(),
                    format!(
                        "locked package `{name}` now fetched from {} (was {})",
                        package.source.describe(),
                        before[0].source.describe()
                    ),
                ));
            }
        }
        let had_script = before.is_some_and(|b| b.iter().any(|p| p.install_script));
        if !had_script && now.iter().any(|p| p.install_script) {
            facts.push(fact(
                versions,
                Signal::InstallScriptAdded,
                None,
                (*name).to_string(),
                format!("locked package `{name}` runs an install script"),
            ));
        }
    }
    let removed = old.keys().filter(|name| !new.contains_key(*name)).count();
    let summary = format!("{updated} packages updated, {added} added, {removed} removed");
    (facts, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of change between two declarations yields its own signal, once.
    #[test]
    fn kinds_of_change() {
        let dep = |requirement: &str| Dep::new("serde", requirement, Some(1));
        let signals = |old: &Dep, new: &Dep, bare| -> Vec<Signal> {
            changed(old, new, bare)
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        };
        assert_eq!(
            signals(&dep("1.0.100"), &dep("2.0"), Bare::Caret),
            [Signal::DependencyMajorBump]
        );
        assert_eq!(
            signals(&dep("0.21"), &dep("0.22"), Bare::Caret),
            [Signal::DependencyMajorBump]
        );
        assert_eq!(
            signals(&dep("1.0.100"), &dep("1.0.200"), Bare::Caret),
            [Signal::DependencyBumped]
        );
        assert_eq!(
            signals(&dep("2.0"), &dep("1.9"), Bare::Caret),
            [Signal::DependencyDowngraded]
        );
        assert_eq!(
            signals(&dep("==1.2"), &dep(">=1.2"), Bare::Exact),
            [Signal::DependencyLoosened]
        );
        assert_eq!(
            signals(&dep("^1"), &dep("*"), Bare::Exact),
            [Signal::DependencyLoosened]
        );
        assert_eq!(
            signals(&dep("1.0"), &dep("1.0"), Bare::Caret),
            Vec::<Signal>::new()
        );
        let git = dep("1.0").from(PackageSource::Git("https://example.com/serde".into()));
        assert_eq!(
            signals(&dep("1.0"), &git, Bare::Caret),
            [Signal::DependencySourceChanged]
        );
        // Back to the registry is not a move *to* git, URL or path.
        assert_eq!(
            signals(&git, &dep("1.0"), Bare::Caret),
            Vec::<Signal>::new()
        );
        // Another commit of the same repository is not another source.
        let pinned = |commit: &str| {
            dep("").from(PackageSource::Git(format!(
                "git+https://github.com/argoproj/argo-ui.git#{commit}"
            )))
        };
        assert_eq!(
            signals(&pinned("f941b0a"), &pinned("ddb3173"), Bare::Exact),
            Vec::<Signal>::new()
        );
    }
}

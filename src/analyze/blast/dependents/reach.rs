//! Reach: direct uses, then callers of the functions containing them, level by level.
//!
//! Level 1 searches the targets. Each use found sits inside some definition (its enclosing
//! function or method); level 2 searches for uses of those definitions, level 3 for uses of
//! theirs, up to `max_depth`. All targets share one scan per level. Bounds keep a hub function
//! from turning a pre-push hook into a whole-repository crawl; hitting one sets `truncated`.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::confirm::{Hit, Probe};
use super::namespace::Home;
use super::{Error, Reach, SearchOptions, Site, Target};

/// Most enclosing definitions followed per target at each level; more are dropped (and the
/// reach marked truncated) in a stable order, by file then name.
pub(super) const MAX_NAMES_PER_LEVEL: usize = 50;

/// Runs the levels; `run` searches the tree for a set of probes (one scan and confirm).
pub(super) fn reach(
    targets: &[Target],
    homes: Vec<Option<Home>>,
    options: &SearchOptions,
    mut run: impl FnMut(&[Probe]) -> Result<Vec<Hit>, Error>,
) -> Result<Vec<Reach>, Error> {
    let count = targets.len();
    let probes: Vec<Probe> = targets
        .iter()
        .zip(homes)
        .map(|(target, home)| Probe {
            name: target.name.clone(),
            family: target.family,
            container: target.container.clone(),
            defined_in: target.defined_in.clone(),
            home,
        })
        .collect();
    let (mut reaches, mut frontier) = direct(targets, run(&probes)?, options);
    let mut seen: Vec<HashSet<Probe>> = probes
        .iter()
        .map(|probe| HashSet::from([probe.clone()]))
        .collect();

    let mut transitive: Vec<BTreeSet<String>> = vec![BTreeSet::new(); count];
    for _depth in 2..=options.max_depth {
        let mut level: Vec<Probe> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index: HashMap<Probe, usize> = HashMap::new();
        for target in 0..count {
            let next = std::mem::take(&mut frontier[target]);
            let fresh: Vec<Probe> = next
                .into_iter()
                .map(|ordered| ordered.0)
                .filter(|probe| !seen[target].contains(probe))
                .collect();
            if fresh.len() > MAX_NAMES_PER_LEVEL {
                reaches[target].truncated = true;
            }
            for probe in fresh.into_iter().take(MAX_NAMES_PER_LEVEL) {
                seen[target].insert(probe.clone());
                let at = *index.entry(probe.clone()).or_insert_with(|| {
                    level.push(probe);
                    owners.push(Vec::new());
                    level.len() - 1
                });
                owners[at].push(target);
            }
        }
        if level.is_empty() {
            break;
        }
        for hit in run(&level)? {
            for &target in &owners[hit.probe] {
                if reaches[target]
                    .direct_files
                    .binary_search(&hit.site.path)
                    .is_err()
                {
                    transitive[target].insert(hit.site.path.clone());
                }
                if let Some(next) = follow(&hit, targets[target].family)
                    && !seen[target].contains(&next)
                {
                    frontier[target].insert(Ordered(next));
                }
            }
        }
    }
    for (target, reach) in reaches.iter_mut().enumerate() {
        // Callers left unexplored at the last level: the depth bound cut the reach short.
        if frontier[target]
            .iter()
            .any(|next| !seen[target].contains(&next.0))
        {
            reach.truncated = true;
        }
        reach.transitive_files = std::mem::take(&mut transitive[target])
            .into_iter()
            .collect();
    }
    Ok(reaches)
}

/// The first level: each target's direct uses, and the definitions around them whose callers
/// the next level searches (for targets that follow callers).
fn direct(
    targets: &[Target],
    hits: Vec<Hit>,
    options: &SearchOptions,
) -> (Vec<Reach>, Vec<BTreeSet<Ordered>>) {
    let count = targets.len();
    let mut reaches = vec![Reach::default(); count];
    let mut frontier: Vec<BTreeSet<Ordered>> = vec![BTreeSet::new(); count];
    let mut sites: Vec<Vec<Site>> = vec![Vec::new(); count];
    let mut undecided: Vec<BTreeSet<String>> = vec![BTreeSet::new(); count];
    let mut reexported: Vec<BTreeSet<String>> = vec![BTreeSet::new(); count];
    for hit in hits {
        let target = hit.probe;
        if targets[target].follow_callers
            && let Some(next) = follow(&hit, targets[target].family)
        {
            frontier[target].insert(Ordered(next));
        }
        if hit.undecided {
            undecided[target].insert(hit.site.path.clone());
        }
        if hit.reexported {
            reexported[target].insert(hit.site.path.clone());
        }
        sites[target].push(hit.site);
    }
    for (target, mut found) in sites.into_iter().enumerate() {
        let reach = &mut reaches[target];
        found.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        reach.direct_files = found.iter().map(|site| site.path.clone()).collect();
        reach.direct_files.dedup();
        reach.undecided_files = std::mem::take(&mut undecided[target]).into_iter().collect();
        reach.reexported_files = std::mem::take(&mut reexported[target])
            .into_iter()
            .collect();
        if found.len() > options.max_sites_per_target {
            found.truncate(options.max_sites_per_target);
            reach.truncated = true;
        }
        reach.direct_sites = found;
    }
    (reaches, frontier)
}
/// The definition around a hit, as the probe of the next level.
fn follow(hit: &Hit, family: &'static str) -> Option<Probe> {
    let enclosing = hit.enclosing.as_ref()?;
    Some(Probe {
        name: enclosing.name.clone(),
        family,
        container: enclosing.container.clone(),
        defined_in: hit.site.path.clone(),
        // Methods are narrowed by their container, not by namespace.
        home: hit.home.clone().filter(|_| enclosing.container.is_none()),
    })
}

/// A probe ordered by file, then name, then container: the order in which the per-level bound
/// keeps names, so the same change always reports the same reach.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ordered(Probe);

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (&self.0, &other.0);
        (&a.defined_in, &a.name, &a.container, a.family).cmp(&(
            &b.defined_in,
            &b.name,
            &b.container,
            b.family,
        ))
    }
}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

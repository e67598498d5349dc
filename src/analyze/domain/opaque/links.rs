//! Changed files that an unchanged symbolic link points to. Terraform, kubectl and CI runners
//! read a link's target under the link's name: with `infra/bucket.tf` linking to
//! `shared/bucket.hcl`, an edit of `bucket.hcl` is a Terraform change that no analyzer sees
//! under its own name (an AI-assisted push renaming a bucket that way reached "allow" in a
//! red-team trial). Such an edit is judged the worst case for the link's kind, as a link at a
//! risky path is. Finding the links into a file means walking the whole tree the change starts
//! from; the links found are kept in the cache by tree id, so each base is walked once.

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::super::repo_path::join;
use super::profile::wanting;
use super::{BlobReader, FileContents, Signal, fact, path_kinds};
use crate::analyze::Fact;
use crate::analyze::blast::cache::derived::{self, Decoder, Derived, Encoder};

/// Every symbolic link of a tree: (link path, the path it points to inside the tree).
#[derive(Debug, Default, PartialEq)]
struct Links(Vec<(String, String)>);

impl Derived for Links {
    const KIND: &'static str = "tree-links";

    fn encode(&self, out: &mut Encoder) {
        let (links, targets): (Vec<String>, Vec<String>) = self.0.iter().cloned().unzip();
        out.strings(&links);
        out.strings(&targets);
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let (links, targets) = (input.strings()?, input.strings()?);
        (links.len() == targets.len()).then(|| Links(links.into_iter().zip(targets).collect()))
    }
}

/// `unanalysable-risky-file` for each changed file an unchanged link of a risky kind reads.
#[must_use]
pub fn facts(
    contents: &[FileContents<'_>],
    source: BlobReader<'_>,
    tree: Option<Oid>,
) -> Vec<Fact> {
    let (Some(repo), Some(tree)) = (source.repo, tree) else {
        return Vec::new();
    };
    let links = source
        .cache
        .derived(&derived::digest(&[b"tree-links", tree.as_bytes()]), || {
            walk(repo, tree)
        })
        .unwrap_or_default();
    if links.0.is_empty() {
        return Vec::new();
    }
    let changed_links: Vec<&str> = contents
        .iter()
        .filter(|entry| entry.file.is_symlink())
        .flat_map(|entry| {
            [
                entry.file.old_path.as_deref(),
                entry.file.new_path.as_deref(),
            ]
        })
        .flatten()
        .collect();
    let mut facts = Vec::new();
    let kinds = |path: &str, sample: &[u8]| path_kinds(path, &wanting(path, sample), source.run_by);
    for entry in contents.iter().filter(|entry| !entry.file.is_symlink()) {
        let file = entry.file;
        let through: Vec<String> = read_as(&links, file.path())
            .into_iter()
            .filter(|(link, _)| !changed_links.contains(link))
            .map(|(_, read_as)| read_as)
            .collect();
        if through.is_empty() {
            continue;
        }
        let sample = entry.new.bytes().or(entry.old.bytes()).unwrap_or_default();
        // A target analysed as that kind under its own name (a shared `providers.tf` linked
        // into each module) is read already: only the kinds the link adds count.
        let own = kinds(file.path(), sample);
        for link in through {
            let kinds: Vec<String> = kinds(&link, sample)
                .into_iter()
                .filter(|kind| !own.contains(kind))
                .collect();
            if kinds.is_empty() {
                continue;
            }
            let kinds = kinds.join(", ");
            facts.push(fact(
                file,
                Signal::UnanalysableRiskyFile,
                link.clone(),
                format!(
                    "{kinds}: the unchanged symbolic link {link} points to this file, so tools read it as {link}; no analyzer reads it under that name, so it is judged as the worst case for its kind"
                ),
            ));
        }
    }
    facts
}

/// Most links followed from one file, as Linux follows at most 40 in one path lookup; a
/// cycle of links ends here too.
const MAX_HOPS: usize = 40;

/// The links `path` is read through, each with the path it is read as: a link to the file
/// itself, or to a directory holding it (`infra -> ../shared`, `shared/db.tf` read as
/// `infra/db.tf`), and links to those links in turn (`infra/b.tf -> ../shared/b.hcl ->
/// ../other/b.txt`), the link named being the one a tool opens.
fn read_as<'l>(links: &'l Links, path: &str) -> Vec<(&'l str, String)> {
    let mut found: Vec<(&'l str, String)> = Vec::new();
    let mut frontier = vec![path.to_string()];
    for _ in 0..MAX_HOPS {
        let next: Vec<(&'l str, String)> = frontier
            .iter()
            .flat_map(|path| {
                links.0.iter().filter_map(move |(link, target)| {
                    if path == target {
                        return Some((link.as_str(), link.clone()));
                    }
                    let rest = path.strip_prefix(target.as_str())?.strip_prefix('/')?;
                    Some((link.as_str(), format!("{link}/{rest}")))
                })
            })
            .filter(|(_, read_as)| {
                read_as != path && !found.iter().any(|(_, seen)| seen == read_as)
            })
            .collect();
        if next.is_empty() {
            break;
        }
        frontier = next.iter().map(|(_, read_as)| read_as.clone()).collect();
        found.extend(next);
    }
    found
}

/// The links of `tree` whose target lies inside it.
fn walk(repo: &Repository, tree: Oid) -> Result<Links, git2::Error> {
    let tree = repo.find_tree(tree)?;
    let mut links = Vec::new();
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        if entry.filemode() == 0o120_000
            && entry.kind() == Some(ObjectType::Blob)
            && let Ok(name) = entry.name()
            && let Ok(blob) = repo.find_blob(entry.id())
            && let Ok(target) = std::str::from_utf8(blob.content())
            && let Some(resolved) = resolve(dir, target)
        {
            links.push((format!("{dir}{name}"), resolved));
        }
        TreeWalkResult::Ok
    })?;
    Ok(Links(links))
}

/// `target` read from the directory `dir` (`a/b/`, empty at the root), as a path inside the
/// tree; `None` for an absolute target or one that leaves the tree.
fn resolve(dir: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    join(dir, target).filter(|path| !path.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target is joined to the link's directory (`repo_path::join`); an absolute one, or one
    /// naming the tree's root, is no file of the tree.
    #[test]
    fn link_targets_resolve_inside_the_tree() {
        assert_eq!(
            resolve("infra/", "../shared/bucket.hcl").as_deref(),
            Some("shared/bucket.hcl")
        );
        assert_eq!(resolve("a/", "/dev/null"), None);
        assert_eq!(resolve("a/", ".."), None);
    }

    /// A file is read through a link to it and through a link to a directory above it.
    #[test]
    fn files_are_read_through_links_to_them_or_their_directories() {
        let links = Links(vec![
            (
                "infra/bucket.tf".to_string(),
                "shared/bucket.hcl".to_string(),
            ),
            ("deploy".to_string(), "ops/terraform".to_string()),
        ]);
        assert_eq!(
            read_as(&links, "shared/bucket.hcl"),
            [("infra/bucket.tf", "infra/bucket.tf".to_string())]
        );
        assert_eq!(
            read_as(&links, "ops/terraform/db/main.hcl"),
            [("deploy", "deploy/db/main.hcl".to_string())]
        );
        assert!(read_as(&links, "ops/terraform-old/x").is_empty());
    }

    /// A link to a link reads the file under both names; a cycle of links ends.
    #[test]
    fn chains_of_links_are_followed_and_cycles_end() {
        let links = Links(vec![
            ("shared/b.hcl".to_string(), "other/b.txt".to_string()),
            ("infra/b.tf".to_string(), "shared/b.hcl".to_string()),
            ("loop/a".to_string(), "loop/b".to_string()),
            ("loop/b".to_string(), "loop/a".to_string()),
        ]);
        let names: Vec<String> = read_as(&links, "other/b.txt")
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        assert_eq!(names, ["shared/b.hcl", "infra/b.tf"]);
        let names: Vec<String> = read_as(&links, "loop/a")
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        assert_eq!(names, ["loop/b"]);
    }

    /// What is kept reads back as written.
    #[test]
    fn links_read_back() {
        let links = Links(vec![("infra/b.tf".to_string(), "shared/b.hcl".to_string())]);
        let mut out = Encoder::default();
        links.encode(&mut out);
        let bytes = out.into_bytes();
        assert_eq!(Links::decode(&mut Decoder::new(&bytes)), Some(links));
    }
}

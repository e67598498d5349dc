//! Property test against libgit2: random edits of random files (renames, rename+edit, mode
//! flips, deletions, new files) are committed into a temporary repository; the patch text
//! libgit2 prints for the two commits, read by our parser, must describe the same change as
//! the git2 reader (`diff::range`) builds from the same commits.
//!
//! 64 cases by default; `PROPTEST_CASES=1000 cargo test --lib git2_agree` runs more.

use std::collections::BTreeMap;

use git2::{DiffFindOptions, DiffFormat, IndexEntry, IndexTime, Oid, Repository, Signature};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use crate::diff::unified::parse;
use crate::diff::{FileChange, FileStatus, Range, RangeRequest, ReadOptions, range, resolve};

/// A file's content and whether it is executable.
type Tree = BTreeMap<String, (String, bool)>;

/// Names that sort and quote in interesting ways: nested, a space, non-ASCII.
const NAMES: &[&str] = &[
    "a.txt",
    "b.txt",
    "src/c.rs",
    "src/d.rs",
    "docs/e f.md",
    "naïve.txt",
    "z/y/x.txt",
];

/// Lines from a tiny alphabet so edits collide, hunks merge and renames pair up;
/// with and without a final newline.
fn content() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec!["a", "b", "c", "d", "e", ""]);
    (vec(words, 0..24), any::<bool>()).prop_map(|(lines, final_newline)| {
        let mut text = lines.join("\n");
        if final_newline && !lines.is_empty() {
            text.push('\n');
        }
        text
    })
}

/// What happens to one file of the old tree.
#[derive(Debug, Clone)]
enum Fate {
    Keep,
    Delete,
    Rewrite(String),
    /// Change the executable bit only.
    FlipMode,
    /// Rename to `moved/NAMES[index]` (or a fresh name when taken), keeping the content.
    Move(usize),
    /// Rename and replace line `at` (modulo the line count) with `line`.
    MoveAndEdit(usize, usize, &'static str),
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        2 => Just(Fate::Keep),
        1 => Just(Fate::Delete),
        2 => content().prop_map(Fate::Rewrite),
        1 => Just(Fate::FlipMode),
        2 => (0..NAMES.len()).prop_map(Fate::Move),
        2 => (0..NAMES.len(), 0..24usize, prop::sample::select(vec!["q", "r"]))
            .prop_map(|(name, at, line)| Fate::MoveAndEdit(name, at, line)),
    ]
}

fn old_tree() -> impl Strategy<Value = Tree> {
    btree_map(
        prop::sample::select(NAMES),
        (content(), any::<bool>()),
        1..NAMES.len(),
    )
    .prop_map(|files| {
        files
            .into_iter()
            .map(|(name, file)| (name.to_string(), file))
            .collect()
    })
}

/// Applies one edit per old file (in name order), then adds `added` files under `new/`.
fn new_tree(old: &Tree, edits: &[Fate], added: &[String]) -> Tree {
    let mut new = Tree::new();
    let mut moved = Vec::new();
    for ((name, (text, executable)), edit) in old.iter().zip(edits.iter().cycle()) {
        match edit {
            Fate::Keep => drop(new.insert(name.clone(), (text.clone(), *executable))),
            Fate::Delete => {}
            Fate::Rewrite(text) => drop(new.insert(name.clone(), (text.clone(), *executable))),
            Fate::FlipMode => drop(new.insert(name.clone(), (text.clone(), !executable))),
            Fate::Move(to) => moved.push((*to, text.clone(), *executable)),
            Fate::MoveAndEdit(to, at, line) => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let at = at % lines.len();
                lines[at] = line;
                moved.push((*to, lines.join("\n"), *executable));
            }
        }
    }
    for (to, text, executable) in moved {
        let mut target = format!("moved/{}", NAMES[to]);
        while new.contains_key(&target) || old.contains_key(&target) {
            target.insert(0, '_');
        }
        new.insert(target, (text, executable));
    }
    for (index, text) in added.iter().enumerate() {
        new.insert(format!("new/{index}.txt"), (text.clone(), false));
    }
    new
}

fn commit(repo: &Repository, tree: &Tree, parent: Option<Oid>) -> Oid {
    let mut index = repo.index().expect("index");
    index.clear().expect("clear index");
    for (path, (text, executable)) in tree {
        let entry = IndexEntry {
            ctime: IndexTime::new(0, 0),
            mtime: IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: if *executable { 0o100_755 } else { 0o100_644 },
            uid: 0,
            gid: 0,
            file_size: 0,
            id: Oid::ZERO_SHA1,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index
            .add_frombuffer(&entry, text.as_bytes())
            .expect("add blob");
    }
    let tree_id = index.write_tree().expect("write tree");
    let tree = repo.find_tree(tree_id).expect("tree");
    let signature = Signature::new("t", "t@example.invalid", &git2::Time::new(0, 0)).expect("sig");
    let parents: Vec<git2::Commit<'_>> = parent
        .map(|oid| repo.find_commit(oid).expect("parent"))
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(None, &signature, &signature, "c", &tree, &parents)
        .expect("commit")
}

/// The patch text libgit2 prints for `base..head`, with the reader's rename options.
fn git2_patch(repo: &Repository, base: Oid, head: Oid) -> Vec<u8> {
    let tree = |oid| repo.find_commit(oid).and_then(|c| c.tree()).expect("tree");
    let (old, new) = (tree(base), tree(head));
    let mut diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), None)
        .expect("diff");
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(true).rename_limit(2000);
    diff.find_similar(Some(&mut find)).expect("find renames");
    let mut text = Vec::new();
    diff.print(DiffFormat::Patch, |_, _, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            text.push(u8::try_from(line.origin()).expect("ASCII origin"));
        }
        text.extend_from_slice(line.content());
        true
    })
    .expect("print patch");
    text
}

fn commits(repo: &Repository, base: Oid, head: Oid) -> Range {
    let request = RangeRequest::Commit {
        id: head.into(),
        parent: Some(base.into()),
    };
    resolve(repo, request).expect("a commit and its parent resolve")
}

/// The fields both sources know: the patch text abbreviates blob ids, carries no sizes,
/// prints no mode for a pure rename, and has libgit2's exact similarity score where the
/// reader estimates one. Those are compared separately.
///
/// libgit2 prints no `similarity index` or `copy from`/`copy to` lines for a copy, only the
/// two paths: the text says "modified, under another name", which is all a parser can read.
fn comparable(file: &FileChange) -> FileChange {
    let status = match file.status {
        FileStatus::Copied => FileStatus::Modified,
        status => status,
    };
    FileChange {
        status,
        old_blob: None,
        new_blob: None,
        old_mode: None,
        new_mode: None,
        old_size: None,
        new_size: None,
        similarity: None,
        ..file.clone()
    }
}

fn by_path(mut files: Vec<FileChange>) -> Vec<FileChange> {
    files.sort_by(|a, b| a.path().cmp(b.path()));
    files
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn parser_agrees_with_git2(
        old in old_tree(),
        edits in vec(fate(), 1..NAMES.len()),
        added in vec(content(), 0..3),
    ) {
        let new = new_tree(&old, &edits, &added);
        let dir = tempfile::tempdir()?;
        let repo = Repository::init(dir.path())?;
        let base = commit(&repo, &old, None);
        let head = commit(&repo, &new, Some(base));

        let read = range(&repo, &commits(&repo, base, head), &ReadOptions::default())?;
        let text = git2_patch(&repo, base, head);
        let parsed = parse(&text).map_err(|error| {
            TestCaseError::fail(format!("{error}\n{}", String::from_utf8_lossy(&text)))
        })?;

        let parsed = by_path(parsed);
        let read = by_path(read.files);
        prop_assert_eq!(parsed.len(), read.len(), "{}", String::from_utf8_lossy(&text));
        for (ours, theirs) in parsed.iter().zip(&read) {
            prop_assert_eq!(comparable(ours), comparable(theirs), "{}", String::from_utf8_lossy(&text));
            prop_assert_eq!(ours.additions(), theirs.additions());
            prop_assert_eq!(ours.deletions(), theirs.deletions());
            if ours.old_mode.is_some() || ours.new_mode.is_some() {
                prop_assert_eq!((ours.old_mode, ours.new_mode), (theirs.old_mode, theirs.new_mode));
            } else {
                prop_assert!(!theirs.mode_changed(), "a mode change the text did not show");
            }
            for (short, full) in [(&ours.old_blob, &theirs.old_blob), (&ours.new_blob, &theirs.new_blob)] {
                if let (Some(short), Some(full)) = (short, full) {
                    prop_assert!(full.starts_with(short.as_str()), "blob {} vs {}", short, full);
                }
            }
        }
    }
}

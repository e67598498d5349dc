//! CI and hook files found by what runs them, not only by where they live: a local action a
//! workflow `uses:`, a GitLab `include:`, a script a workflow or hook calls by path, a hook
//! directory a setup script sets as `core.hooksPath`. Such a file can switch a gate or a
//! deploy off as surely as the workflow itself.
//!
//! References are read from the judged trees (base and head; for staged or working-tree
//! changes the head is the base with the changed files' new contents), never from the
//! checkout: a workflow in the base that runs `./scripts/deploy.sh` makes that script a CI
//! file even when only the script changes. A name counts only when it is a file (or, for an
//! action or hook directory, a directory) in one of the trees.

mod commands;
mod kept;
mod refs;
mod trees;

use std::collections::VecDeque;

use git2::{Oid, Repository};

use self::commands::Dialect;
use self::trees::Trees;
use super::Fact;
use super::blast::cache::Cache;
use super::contents::FileContents;
use super::path_class::classify;
use crate::diff::{ChangeSet, LineKind};
use crate::signal::Signal;

/// Files read while following references, at most; bounds the work on a hostile tree.
const MAX_FILES: usize = 400;
/// Other files (setup scripts, the root's files) read for a `core.hooksPath` setting, at most.
const MAX_SETUP_FILES: usize = 200;
/// Larger files are not read for references (generated or vendored, not hand-written steps).
const MAX_BYTES: usize = 256 * 1024;
/// Top-level directories where CI and hook files and setup scripts live; only these (and the
/// root's own files) are listed, so a large tree costs nothing extra.
const SEARCHED_DIRS: &[&str] = &[
    ".github",
    ".gitlab",
    ".circleci",
    ".buildkite",
    ".woodpecker",
    ".tekton",
    ".azure-pipelines",
    "jenkins",
    ".husky",
    ".githooks",
    ".git-hooks",
    "githooks",
    "hooks",
    ".lefthook",
    "scripts",
    "script",
    "bin",
    "tools",
    ".devcontainer",
];

/// How a file came to be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A local action (`uses: ./dir`): every file of its directory.
    Action,
    /// A pipeline file pulled in by another (`uses: ./…/x.yml`, GitLab `include:`).
    Pipeline,
    /// A script run by path.
    Script,
    /// A hook directory set by `core.hooksPath` (or husky): every file under it.
    HookDir,
    /// A file that sets `core.hooksPath`: it decides which hooks run.
    HookSetting,
    /// A changed file whose added or removed lines set `core.hooksPath` for one command
    /// (`git -c core.hooksPath=/dev/null push`); the lines it leaves alone do not count.
    OneCommandHooks,
}

/// One file or directory found by what runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFile {
    /// Repository-relative path.
    pub path: String,
    /// Whether `path` is a directory (everything under it counts).
    pub dir: bool,
    /// `ci-changed` or `hook-changed`.
    pub signal: Signal,
    /// How it is run.
    pub kind: Route,
    /// The file that runs it.
    pub by: String,
}

impl RunFile {
    fn covers(&self, path: &str) -> bool {
        if self.dir {
            path.strip_prefix(&self.path)
                .is_some_and(|rest| rest.starts_with('/'))
        } else {
            path == self.path
        }
    }

    fn message(&self, moved: &str) -> String {
        let by = &self.by;
        match self.kind {
            Route::Action => format!("local action used by {by} changed{moved}"),
            Route::Pipeline => format!("pipeline file included by {by} changed{moved}"),
            Route::Script if self.signal == Signal::HookChanged => {
                format!("script run by the hook {by} changed{moved}")
            }
            Route::Script => format!("script run by {by} changed{moved}"),
            Route::HookDir => format!("hook in the core.hooksPath set by {by} changed{moved}"),
            Route::HookSetting => {
                format!("sets core.hooksPath (which git hooks run); changed{moved}")
            }
            Route::OneCommandHooks => {
                format!("changes which git hooks a command runs (git -c core.hooksPath=…){moved}")
            }
        }
    }
}

/// Every CI and hook file of the judged trees found by what runs it.
#[derive(Debug, Clone, Default)]
pub struct RunBy {
    entries: Vec<RunFile>,
}

impl RunBy {
    /// The first entry that covers `path`, if any.
    #[must_use]
    pub fn find(&self, path: &str) -> Option<&RunFile> {
        self.entries.iter().find(|entry| entry.covers(path))
    }

    /// Every entry that covers `path`: a script run by both a workflow and a hook is a CI file
    /// and a hook file.
    pub fn find_all<'s>(&'s self, path: &'s str) -> impl Iterator<Item = &'s RunFile> + 's {
        self.entries.iter().filter(move |entry| entry.covers(path))
    }

    /// Changed files whose added or removed lines set hooks for one command
    /// ([`Route::OneCommandHooks`]), unless already found as hook files.
    fn add_one_command_hooks(&mut self, change: &ChangeSet) {
        for file in &change.files {
            let path = file.path();
            let sets = file.hunks.iter().flat_map(|hunk| &hunk.lines).any(|line| {
                line.kind != LineKind::Context && refs::sets_hooks_for_one_command(&line.content)
            });
            let known = self
                .entries
                .iter()
                .any(|e| e.signal == Signal::HookChanged && e.covers(path));
            if sets && !known {
                self.entries.push(RunFile {
                    path: path.to_string(),
                    dir: false,
                    signal: Signal::HookChanged,
                    kind: Route::OneCommandHooks,
                    by: path.to_string(),
                });
            }
        }
    }

    /// `ci-changed` / `hook-changed` for changed files found by what runs them, unless their
    /// path already says so (then [`super::files`] reported it).
    #[must_use]
    pub fn facts(&self, change: &ChangeSet) -> Vec<Fact> {
        let mut facts = Vec::new();
        for file in &change.files {
            let own = file.path();
            let mut seen: Vec<Signal> = [file.old_path.as_deref(), file.new_path.as_deref()]
                .into_iter()
                .flatten()
                .flat_map(classify)
                .map(|class| class.signal)
                .collect();
            for path in [file.old_path.as_deref(), file.new_path.as_deref()]
                .into_iter()
                .flatten()
            {
                for entry in self.find_all(path) {
                    if seen.contains(&entry.signal) {
                        continue;
                    }
                    seen.push(entry.signal);
                    let moved = if path == own {
                        String::new()
                    } else {
                        format!(" ({path})")
                    };
                    facts.push(Fact {
                        signal: entry.signal,
                        file: Some(own.to_string()),
                        line: file.first_changed_line(),
                        quantity: 1.0,
                        message: entry.message(&moved),
                        related: vec![entry.by.clone()],
                        subject: None,
                    });
                }
            }
        }
        facts
    }
}

/// Finds every file the judged trees run from CI or a hook.
#[must_use]
pub fn discover(
    change: &ChangeSet,
    contents: &[FileContents<'_>],
    (repo, base_tree): (Option<&Repository>, Option<Oid>),
    cache: &Cache,
) -> RunBy {
    let tree = |oid: Option<Oid>| {
        repo.zip(oid)
            .and_then(|(repo, oid)| repo.find_tree(oid).ok())
    };
    let head_tree = change
        .head
        .as_ref()
        .and_then(|head| head.commit)
        .and_then(|id| repo?.find_commit(id.oid()).ok())
        .map(|commit| commit.tree_id());
    let trees = Trees {
        repo,
        base: tree(base_tree),
        head: tree(head_tree),
        contents,
    };
    let mut found = Discovery::new(&trees, cache).run();
    found.add_one_command_hooks(change);
    found
}

/// The work list of files to read, and what was found.
struct Discovery<'t, 'a> {
    trees: &'t Trees<'a>,
    /// Keeps what each blob runs.
    cache: &'t Cache,
    queue: VecDeque<(String, Signal)>,
    read: Vec<String>,
    setup_read: usize,
    found: RunBy,
}

impl<'t, 'a> Discovery<'t, 'a> {
    fn new(trees: &'t Trees<'a>, cache: &'t Cache) -> Self {
        Self {
            trees,
            cache,
            queue: VecDeque::new(),
            read: Vec::new(),
            setup_read: 0,
            found: RunBy::default(),
        }
    }

    fn run(mut self) -> RunBy {
        // Roots: the root's files and the usual CI, hook and script directories. Files in a
        // CI or hook class are read for all they run; the others only for `core.hooksPath`.
        let mut roots = self.trees.files_under("", MAX_FILES);
        for dir in SEARCHED_DIRS {
            roots.extend(self.trees.files_under(dir, MAX_FILES));
        }
        for path in roots {
            let class = classify(&path)
                .into_iter()
                .find(|c| matches!(c.signal, Signal::CiChanged | Signal::HookChanged));
            match class {
                Some(class) => self.queue.push_back((path, class.signal)),
                None if setup_candidate(&path) || self.trees.is_changed(&path) => {
                    self.hooks_path_only(&path);
                }
                None => {}
            }
        }
        while let Some((path, signal)) = self.queue.pop_front() {
            if self.read.len() >= MAX_FILES {
                break;
            }
            if self.read.contains(&path) {
                continue;
            }
            self.read.push(path.clone());
            let dialect = Dialect::of(&path);
            for side in self.trees.sides(&path) {
                let found = kept::refs(self.trees, self.cache, &side, dialect);
                self.follow(&path, signal, found);
            }
        }
        self.found
    }

    /// A file outside the CI and hook classes: only a `core.hooksPath` setting counts.
    fn hooks_path_only(&mut self, path: &str) {
        // The change's own files are always read (they are in memory, and bounded by it).
        if !self.trees.is_changed(path) {
            if self.setup_read >= MAX_SETUP_FILES {
                return;
            }
            self.setup_read += 1;
        }
        for side in self.trees.sides(path) {
            let dirs = kept::hook_dirs(self.trees, self.cache, &side);
            if !dirs.is_empty() {
                self.hook_dirs(path, dirs);
            }
        }
    }

    fn hook_dirs(&mut self, by: &str, dirs: Vec<String>) {
        self.add(by, by, false, Signal::HookChanged, Route::HookSetting);
        for dir in dirs {
            if self.trees.is_dir(&dir) {
                self.add(&dir, by, true, Signal::HookChanged, Route::HookDir);
                for file in self.trees.files_under(&dir, MAX_FILES) {
                    self.queue.push_back((file, Signal::HookChanged));
                }
            }
        }
    }

    /// Records what the CI or hook file `by` runs (`found` in it) and queues it to be read in
    /// turn.
    fn follow(&mut self, by: &str, signal: Signal, found: refs::Refs) {
        for action in found.actions {
            // `./dir` names an action's directory; `./…/x.yml` a reusable workflow.
            if self.trees.is_file(&action) {
                self.add(&action, by, false, signal, Route::Pipeline);
                self.queue.push_back((action, signal));
            } else if self.trees.is_dir(&action) {
                self.add(&action, by, true, signal, Route::Action);
                for file in self.trees.files_under(&action, MAX_FILES) {
                    self.queue.push_back((file, signal));
                }
            }
        }
        for include in found.includes {
            if self.trees.is_file(&include) {
                self.add(&include, by, false, signal, Route::Pipeline);
                self.queue.push_back((include, signal));
            }
        }
        let own_dir = by.rsplit_once('/').map_or("", |(dir, _)| dir);
        for (script, relative) in found.scripts {
            let candidates = [
                (!relative).then(|| script.clone()),
                Some(join(own_dir, &script)),
            ];
            if let Some(path) = candidates
                .into_iter()
                .flatten()
                .find(|path| self.trees.is_file(path))
            {
                self.add(&path, by, false, signal, Route::Script);
                self.queue.push_back((path, signal));
            }
        }
        if !found.hook_dirs.is_empty() {
            self.hook_dirs(by, found.hook_dirs);
        }
    }

    fn add(&mut self, path: &str, by: &str, dir: bool, signal: Signal, kind: Route) {
        let known = self
            .found
            .entries
            .iter()
            .any(|e| e.path == path && e.signal == signal);
        if !known && !path.is_empty() && !path.starts_with("..") {
            self.found.entries.push(RunFile {
                path: path.to_string(),
                dir,
                signal,
                kind,
                by: by.to_string(),
            });
        }
    }
}

/// Whether a file outside the CI and hook classes may be a setup script that sets
/// `core.hooksPath`: anything in the searched directories, and the root's scripts, build and
/// package files (not its documentation, licences or lockfiles, which are large and many).
fn setup_candidate(path: &str) -> bool {
    const NAMES: &[&str] = &[
        "makefile",
        "gnumakefile",
        "justfile",
        "taskfile.yml",
        "taskfile.yaml",
        "package.json",
        ".envrc",
        "rakefile",
        "build.gradle",
        "build.gradle.kts",
    ];
    const STEMS: &[&str] = &["setup", "bootstrap", "install", "init", "configure"];
    const EXTENSIONS: &[&str] = &[
        ".sh", ".bash", ".zsh", ".py", ".js", ".mjs", ".cjs", ".ps1", ".mk",
    ];
    if path.contains('/') {
        return true;
    }
    let name = path.to_ascii_lowercase();
    NAMES.contains(&name.as_str())
        || STEMS.iter().any(|stem| name.starts_with(stem))
        || EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

/// `dir/path`, with `..` segments resolved; a path that climbs out of the repository is kept
/// with its `..` so it matches nothing.
fn join(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests;

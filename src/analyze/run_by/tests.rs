//! Discovery on real trees: what a base tree's workflows, hooks and setup scripts run.

use std::path::Path;

use git2::{Oid, Repository};

use super::*;

fn tree_of(repo: &Repository, files: &[(&str, &str)]) -> Oid {
    let root = repo.workdir().expect("non-bare").to_path_buf();
    let mut index = repo.index().expect("index");
    index.clear().expect("clear index");
    for (path, content) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("file in a dir")).expect("mkdir");
        std::fs::write(&full, content).expect("write file");
        index.add_path(Path::new(path)).expect("add");
    }
    index.write_tree().expect("write tree")
}

/// Discovery over a tree of `files`; the same without a cache, with a cache being filled,
/// and with what an earlier run kept.
fn found(files: &[(&str, &str)]) -> RunBy {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Repository::init(dir.path()).expect("init");
    let tree = tree_of(&repo, files);
    let run =
        |cache: &Cache| discover(&ChangeSet::default(), &[], (Some(&repo), Some(tree)), cache);
    let uncached = run(&Cache::disabled());
    let cache_home = dir.path().join("cache-home");
    let kept = run(&Cache::open(&cache_home));
    assert_eq!(
        format!("{kept:?}"),
        format!("{uncached:?}"),
        "while keeping"
    );
    let read_back = run(&Cache::open(&cache_home));
    assert_eq!(
        format!("{read_back:?}"),
        format!("{uncached:?}"),
        "read back"
    );
    uncached
}

/// Each discovery path of a base tree, with the signal and kind it gives; plain files and
/// names that are not files stay out.
#[test]
fn finds_files_by_what_runs_them() {
    let run_by = found(&[
        (
            ".github/workflows/ci.yml",
            "jobs:\n  a:\n    steps:\n      - uses: ./tools/action\n      - run: ./scripts/deploy.sh && bash ci/missing.sh\n",
        ),
        (
            "tools/action/action.yml",
            "runs:\n  using: composite\n  steps:\n    - run: ${{ github.action_path }}/x.sh\n      shell: bash\n",
        ),
        ("tools/action/x.sh", "echo\n"),
        (
            "scripts/deploy.sh",
            "#!/bin/sh\n. \"$(dirname \"$0\")/lib.sh\"\n",
        ),
        ("scripts/lib.sh", "x=1\n"),
        (".gitlab-ci.yml", "include:\n  - local: /ci/jobs.yml\n"),
        ("ci/jobs.yml", "job:\n  script: [make]\n"),
        ("setup.sh", "git config core.hooksPath tools/git-hooks\n"),
        (
            "tools/git-hooks/pre-push",
            "#!/bin/sh\nexec tools/check.py\n",
        ),
        ("tools/check.py", "print()\n"),
        ("src/app.py", "print()\n"),
    ]);
    let cases = [
        (
            "tools/action/action.yml",
            Some((Signal::CiChanged, Route::Action)),
        ),
        (
            "tools/action/x.sh",
            Some((Signal::CiChanged, Route::Action)),
        ),
        (
            "scripts/deploy.sh",
            Some((Signal::CiChanged, Route::Script)),
        ),
        ("scripts/lib.sh", Some((Signal::CiChanged, Route::Script))),
        ("ci/jobs.yml", Some((Signal::CiChanged, Route::Pipeline))),
        ("setup.sh", Some((Signal::HookChanged, Route::HookSetting))),
        (
            "tools/git-hooks/pre-push",
            Some((Signal::HookChanged, Route::HookDir)),
        ),
        ("tools/check.py", Some((Signal::HookChanged, Route::Script))),
        ("src/app.py", None),
        ("ci/missing.sh", None),
        ("tools/actionx/a.yml", None),
    ];
    for (path, expected) in cases {
        let got = run_by.find(path).map(|entry| (entry.signal, entry.kind));
        assert_eq!(got, expected, "{path}");
    }
}

/// `..` resolves inside the repository; climbing out matches nothing.
#[test]
fn joins_relative_paths() {
    assert_eq!(join("scripts", "../ci/x.sh"), "ci/x.sh");
    assert_eq!(join("", "../x.sh"), "../x.sh");
    assert_eq!(join("a/b", "./c"), "a/b/c");
}

//! What one CI or hook file runs, read from its text line by line (so templated YAML and
//! shell read the same way): local actions and reusable pipelines it names, scripts it calls
//! by path, and hook directories it configures.
//!
//! Candidates are only names; the caller keeps those that exist in a judged tree.

use std::sync::LazyLock;

use regex::Regex;

use super::commands::{Dialect, ScriptLines, clean};

/// What a file refers to, by kind.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Refs {
    /// `uses: ./dir` (a local action) or `uses: ./.github/workflows/x.yml` (a reusable
    /// workflow), without the `./`.
    pub actions: Vec<String>,
    /// GitLab `include:` of a file of this repository (`local:` or a bare path).
    pub includes: Vec<String>,
    /// Words that may name a script the file runs, as written (`./ci/run.sh`, `tools/x.py`),
    /// each with whether it is relative to the file's own directory (`$(dirname "$0")/x`).
    pub scripts: Vec<(String, bool)>,
    /// Directories set as `core.hooksPath` (or a husky hooks directory).
    pub hook_dirs: Vec<String>,
}

static USES: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\buses:\s*["']?\./([^\s"'@#]+)"#).ok());
static LOCAL_INCLUDE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:-\s*)?(?:include:|local:)?\s*["']?/?([\w./-]+\.ya?ml)["']?\s*$"#).ok()
});
/// Cheap test for whole files before [`HOOKS_PATH`] runs line by line.
const HOOKS_HINT_PATTERN: &str = r"(?i)hookspath|husky";
static HOOKS_HINT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(HOOKS_HINT_PATTERN).ok());
/// [`HOOKS_HINT`] for raw bytes: its letters are never part of what a lossy decoding
/// replaces, so it matches the bytes exactly when it matches their decoding.
static HOOKS_HINT_BYTES: LazyLock<Option<regex::bytes::Regex>> =
    LazyLock::new(|| regex::bytes::Regex::new(HOOKS_HINT_PATTERN).ok());
static HOOKS_PATH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?i)core\.hooksPath["']?\s*[=,\s]\s*["']?([\w./-]+)|\bhusky(?:\s+install)?\s+([\w./-]+)"#)
        .ok()
});

/// Whether a `core.hooksPath` setting that follows `before` on its line is git's `-c` option
/// (`git -c core.hooksPath=/dev/null push`): that sets it for the one command only, usually
/// to switch the script's own hooks off, and configures no one's repository.
fn for_one_command(before: &str) -> bool {
    before
        .trim_end_matches([' ', '\t', '"', '\''])
        .strip_suffix("-c")
        .is_some_and(|rest| rest.is_empty() || rest.ends_with([' ', '\t']))
}

/// Whether `line` switches git hooks for one command (`git -c core.hooksPath=…`): on a line a
/// change adds or removes, that is a change to which hooks run for what the line does.
pub(super) fn sets_hooks_for_one_command(line: &str) -> bool {
    if !HOOKS_HINT.as_ref().is_some_and(|hint| hint.is_match(line)) {
        return false;
    }
    HOOKS_PATH.as_ref().is_some_and(|re| {
        re.captures_iter(line).any(|captures| {
            captures.get(1).is_some()
                && captures
                    .get(0)
                    .is_some_and(|setting| for_one_command(&line[..setting.start()]))
        })
    })
}

/// Everything `text`, read as `dialect`, refers to.
pub(super) fn read(text: &str, dialect: Dialect) -> Refs {
    let mut refs = Refs {
        hook_dirs: hook_dirs(text),
        ..Refs::default()
    };
    let mut include_indent: Option<usize> = None;
    let mut scripts = ScriptLines::new(dialect);
    for line in text.lines() {
        if line.contains("uses:")
            && let Some(captures) = USES.as_ref().and_then(|re| re.captures(line))
        {
            refs.actions.push(clean(&captures[1]));
        }
        include_indent = includes(line, include_indent, &mut refs.includes);
        scripts.line(line);
    }
    refs.scripts = scripts.finish();
    refs
}

/// Whether `bytes` may set a hooks directory ([`hook_dirs`]), asked before decoding them: a
/// lossy copy of every large changed file was 2% of a check.
pub(super) fn may_set_hook_dirs(bytes: &[u8]) -> bool {
    HOOKS_HINT_BYTES
        .as_ref()
        .is_none_or(|hint| hint.is_match(bytes))
}

/// Directories `text` sets as `core.hooksPath` (or as husky's hooks directory).
pub(super) fn hook_dirs(text: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    // The hint first: most files never name a hooks path, and compiling the full pattern
    // was a tenth of a one-file check.
    let Some(hint) = HOOKS_HINT.as_ref().filter(|hint| hint.is_match(text)) else {
        return dirs;
    };
    let Some(re) = HOOKS_PATH.as_ref() else {
        return dirs;
    };
    for line in text.lines().filter(|line| hint.is_match(line)) {
        for captures in re.captures_iter(line) {
            if captures
                .get(0)
                .is_some_and(|setting| for_one_command(&line[..setting.start()]))
            {
                continue;
            }
            if let Some(dir) = captures.get(1).or_else(|| captures.get(2)) {
                let dir = clean(dir.as_str());
                // `husky install` alone, or `husky -h`: not a directory.
                if !dir.is_empty() && !dir.starts_with('-') && dir != "install" {
                    dirs.push(dir);
                }
            }
        }
    }
    dirs
}

/// GitLab `include:`: a bare local path on the key's line or in the list under it, or a
/// `local:` anywhere. Returns the indentation of an open `include:` list.
fn includes(line: &str, open: Option<usize>, out: &mut Vec<String>) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let trimmed = line.trim();
    let inside = open.is_some_and(|at| indent > at || trimmed.starts_with('-'));
    let key_line = trimmed.starts_with("include:");
    let local = trimmed.trim_start_matches("- ").starts_with("local:");
    if (inside || key_line || local)
        && !trimmed.contains("://")
        && let Some(captures) = LOCAL_INCLUDE.as_ref().and_then(|re| re.captures(line))
        && !trimmed.contains("project:")
        && !trimmed.contains("template:")
    {
        out.push(clean(&captures[1]));
    }
    if key_line && trimmed.trim_end() == "include:" {
        Some(indent)
    } else if inside || trimmed.is_empty() || trimmed.starts_with('#') {
        open
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read as commands (a workflow, a hook, a script).
    fn read(text: &str) -> Refs {
        super::read(text, Dialect::Commands)
    }

    /// Each way a CI or hook file names what it runs, one row each.
    #[test]
    fn finds_what_a_file_runs() {
        let workflow = "jobs:\n  a:\n    steps:\n      - uses: ./.github/actions/setup\n      - uses: \"./tools/deploy-action\"\n      - uses: actions/checkout@v4\n      - run: ./scripts/deploy.sh --prod\n      - run: |\n          bash ci/check.sh && python3 tools/gen.py\n          npm test\n          VERSION=$(node -p \"require('./package.json').version\")\n          sh ./ci/steps.json\n";
        let refs = read(workflow);
        assert_eq!(
            refs.actions,
            [".github/actions/setup", "tools/deploy-action"]
        );
        let scripts: Vec<&str> = refs.scripts.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            scripts,
            [
                "scripts/deploy.sh",
                "ci/check.sh",
                "tools/gen.py",
                "ci/steps.json"
            ]
        );

        let gitlab = "include:\n  - local: '/ci/build.yml'\n  - 'ci/test.yml'\n  - project: 'g/p'\n    file: 'x.yml'\n  - remote: 'https://x/y.yml'\nstages: [a]\n";
        assert_eq!(read(gitlab).includes, ["ci/build.yml", "ci/test.yml"]);
        assert_eq!(read("include: ci/one.yml\n").includes, ["ci/one.yml"]);

        let setup = "git config core.hooksPath .config/hooks\n\"prepare\": \"husky install .husky-hooks\"\n";
        assert_eq!(read(setup).hook_dirs, [".config/hooks", ".husky-hooks"]);
        assert_eq!(
            read("git config --local core.hooksPath=tools/hooks/\n").hook_dirs,
            ["tools/hooks"]
        );

        // Set for one command (`git -c`), not for the repository.
        let one_command = "git -c core.hooksPath=/dev/null push\ngit -c \"core.hooksPath=/dev/null\" fetch\ngit config core.hooksPath .hooks\n";
        assert_eq!(read(one_command).hook_dirs, [".hooks"]);
        assert!(sets_hooks_for_one_command(
            "  git -c core.hooksPath=/dev/null fetch"
        ));
        assert!(!sets_hooks_for_one_command(
            "git config core.hooksPath .githooks"
        ));

        let hook = "#!/bin/sh\n. \"$(dirname \"$0\")/_/husky.sh\"\n$(dirname $0)/lib.sh\nexec scripts/lint\n";
        let refs = read(hook);
        assert!(
            refs.scripts.contains(&("scripts/lint".to_string(), false)),
            "{refs:?}"
        );
        assert!(
            refs.scripts.contains(&("lib.sh".to_string(), true)),
            "{refs:?}"
        );
    }

    /// Plain words, flags, URLs and variables are not scripts.
    #[test]
    fn ignores_words_that_are_not_paths() {
        let refs =
            read("run: npm ci --prefix ./ && curl https://x.sh/a.sh | sh -\nrun: bash $SCRIPT\n");
        assert!(
            refs.scripts
                .iter()
                .all(|(s, _)| s.is_empty() || !s.contains("://")),
            "{refs:?}"
        );
        assert!(
            refs.scripts.iter().all(|(s, _)| !s.contains('$')),
            "{refs:?}"
        );
    }

    /// The hint asked of raw bytes answers as it does on their lossy decoding, so a file it
    /// turns away has no hooks directory to find.
    #[test]
    fn the_byte_hint_agrees_with_the_decoded_one() {
        let samples: [&[u8]; 6] = [
            b"git config core.hooksPath .githooks\n",
            b"\xff\xfe npx HUSKY install .hooks",
            "hus\u{212A}y .hooks".as_bytes(),
            b"no hooks here \xc3",
            b"hook spath",
            b"",
        ];
        let hint = HOOKS_HINT.as_ref().expect("the hint compiles");
        for bytes in samples {
            let text = String::from_utf8_lossy(bytes);
            assert_eq!(may_set_hook_dirs(bytes), hint.is_match(&text), "{text:?}");
            if !may_set_hook_dirs(bytes) {
                assert!(hook_dirs(&text).is_empty(), "{text:?}");
            }
        }
        assert!(may_set_hook_dirs("hus\u{212A}y .hooks".as_bytes()));
        assert!(!may_set_hook_dirs(b"hook spath"));
    }
}

//! Scripts a CI or hook file runs by path, read from its lines.
//!
//! A path counts where something runs it: after an interpreter (`bash ci/check.sh`), written
//! as a relative path (`./scripts/deploy.sh`), or, for a bare name with a script's ending
//! (`scripts/deploy.sh`), where a command starts, among the arguments of an interpreter or a
//! runner (`uv run --no-project scripts/x.py`), or on a line that feeds an interpreter
//! (`cat scripts/x.sh | bash`). Counted as a mention anywhere, names in a workflow's `paths:`
//! trigger filter, in comments, in a cache key's `hashFiles('eslint.config.js')` or in a lint
//! configuration's list of files made ordinary source files "CI": 16 of the 49 changes
//! gemini-cli's last 300 commits sent to review.

use std::sync::LazyLock;

use regex::Regex;

/// How a file's lines name what they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// Pipelines, shell, hooks, Dockerfiles, Makefiles: any line may be a command.
    Commands,
    /// A program (JavaScript, Python, …) that a pipeline runs: it runs what it imports or
    /// spawns (`require('./lib.js')`, `execSync('bash x.sh')`); a path in its data (a bundler's
    /// entry points, a lint configuration's file list) is not run.
    Program,
}

/// Endings of programs, read as [`Dialect::Program`]; every other file is read as commands.
const PROGRAM_EXTENSIONS: &[&str] = &[
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py", ".rb", ".pl", ".php",
];

impl Dialect {
    /// The dialect of the file at `path`.
    pub(super) fn of(path: &str) -> Dialect {
        if PROGRAM_EXTENSIONS.iter().any(|ext| path.ends_with(ext)) {
            Dialect::Program
        } else {
            Dialect::Commands
        }
    }

    /// Name of the dialect in a cache entry's key.
    pub(super) fn key(self) -> &'static str {
        match self {
            Dialect::Commands => "commands",
            Dialect::Program => "program",
        }
    }
}

/// Programs whose next word is a script they run. Source: the interpreters GitHub Actions'
/// `shell:` accepts, plus the usual script runners.
const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "source",
    ".",
    "exec",
    "python",
    "python3",
    "node",
    "deno",
    "bun",
    "ruby",
    "perl",
    "php",
    "pwsh",
    "powershell",
    "tsx",
    "ts-node",
];

/// Commands that run a script named among their arguments, after their own options and
/// subcommand (`uv run --no-project scripts/x.py`, `npx tsx scripts/y.ts`). Source: each tool's
/// documented `run`/`exec` form (uv, Poetry, Pipenv, PDM, Hatch, npm's npx and `npm exec`,
/// pnpm, Yarn, Bun's bunx, Deno), and the wrappers `xargs`, `timeout`, `nice`.
const RUNNERS: &[&str] = &[
    "uv", "uvx", "poetry", "pipenv", "pdm", "hatch", "npx", "npm", "pnpm", "yarn", "bunx", "deno",
    "xargs", "timeout", "nice",
];

/// Words after which a command still starts: shell keywords and prefixes (POSIX shell
/// grammar, `sudo`, `env`, `nohup`, `time`) and a Dockerfile's `RUN`.
const COMMAND_PREFIXES: &[&str] = &[
    "then", "do", "else", "!", "sudo", "env", "nohup", "time", "command", "RUN",
];

/// Keys whose value is a command, found inside a YAML flow mapping (a line that is a
/// `key: value` of its own is read whatever its key): GitHub Actions' `run`, GitLab's
/// `script`, `before_script` and `after_script`, pre-commit's `entry`, and the `command` of
/// Compose and many CI systems.
const COMMAND_KEYS: &[&str] = &[
    "run",
    "script",
    "before_script",
    "after_script",
    "entry",
    "command",
];

/// Extensions of files that are run, not read.
const SCRIPT_EXTENSIONS: &[&str] = &[
    ".sh", ".bash", ".zsh", ".py", ".rb", ".pl", ".js", ".mjs", ".cjs", ".ts", ".ps1", ".php",
];

/// Files a step reads but does not run (`require('./package.json').version`): a `./` path with
/// one of these endings is data, not a script, unless an interpreter runs it.
const DATA_EXTENSIONS: &[&str] = &[
    ".json", ".yaml", ".yml", ".toml", ".lock", ".txt", ".md", ".csv", ".xml", ".ini", ".cfg",
];

/// YAML keys whose values are names, conditions or file patterns, never commands: GitHub
/// Actions' trigger filters (`on.<event>.paths`, `branches`, `tags` and their `-ignore`
/// forms), a step's `name`, `if`, and the `key` and `path` of `actions/cache` and the artifact
/// actions. A block or list under one of them is skipped with it.
const DATA_KEYS: &[&str] = &[
    "paths",
    "paths-ignore",
    "branches",
    "branches-ignore",
    "tags",
    "tags-ignore",
    "name",
    "description",
    "if",
    "key",
    "path",
];

/// Characters that end a word of a command line.
const SEPARATORS: &str = ";&|()`'\"<>=";
/// Separators after which a new command starts.
const COMMAND_SEPARATORS: &str = ";&|(`";

/// "The repository root" in a CI step (`${{ github.workspace }}/`, `$CI_PROJECT_DIR/` …) and
/// "this script's directory" in a hook (`"$(dirname "$0")"/`, `${0%/*}/` …), quotes included.
static ROOT_PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#""?(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?|\$\{?CI_PROJECT_DIR\}?|\$\(git rev-parse --show-toplevel\))"?/"#).ok()
});
/// A GitHub Actions expression glued into a word (`python${{ env.PYTHON_VERSION }}`).
static EXPRESSION: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\$\{\{[^}]*\}\}").ok());
static OWN_DIR_PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#""?(?:\$\(dirname\s+"?\$(?:0|\{?BASH_SOURCE(?:\[0\])?\}?)"?\)|\$\{0%/\*\}|\$\{?SCRIPT_DIR\}?)"?/"#).ok()
});
/// A variable set to a quoted value (`STAGE="prod eu"`).
static QUOTED_ASSIGNMENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\b([A-Za-z_][A-Za-z0-9_]*)=(?:"[^"]*"|'[^']*')"#).ok());
/// Stands for [`OWN_DIR_PREFIX`] once a line is normalised; survives splitting into words.
const OWN_DIR: &str = "\u{0}/";

/// Reads a file's lines in order, keeping the YAML data block a line may be in.
pub(super) struct ScriptLines {
    dialect: Dialect,
    /// Indentation of an open block or list under a [`DATA_KEYS`] key.
    data_block: Option<usize>,
    /// Words that may name a script, each with whether it is relative to the file's own
    /// directory (`$(dirname "$0")/x`).
    found: Vec<(String, bool)>,
    /// Directories the file's commands may run in (`working-directory: app`, `cd tools`).
    dirs: Vec<String>,
}

impl ScriptLines {
    pub(super) fn new(dialect: Dialect) -> ScriptLines {
        ScriptLines {
            dialect,
            data_block: None,
            found: Vec::new(),
            dirs: Vec::new(),
        }
    }

    /// What the file runs: each name found, and also under each directory its commands may
    /// run in (a step's `working-directory`, a `cd`), which line it was on not told apart:
    /// more files count as run, never fewer.
    pub(super) fn finish(self) -> Vec<(String, bool)> {
        let mut found = self.found.clone();
        for (path, own_dir) in &self.found {
            if *own_dir || path.starts_with('/') {
                continue;
            }
            for dir in &self.dirs {
                let joined = clean(&format!("{dir}/{path}"));
                if !found.iter().any(|(seen, _)| *seen == joined) {
                    found.push((joined, false));
                }
            }
        }
        found
    }

    /// Reads the next line.
    pub(super) fn line(&mut self, line: &str) {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if let Some(open) = self.data_block {
            let inside = trimmed.is_empty()
                || indent > open
                || (indent == open && trimmed.starts_with('-') && !trimmed.contains(':'));
            if inside {
                return;
            }
            self.data_block = None;
        }
        if trimmed.starts_with("//") || (trimmed.starts_with('#') && !trimmed.starts_with("#!")) {
            return;
        }
        if let Some(("working-directory", dir)) = yaml_key(trimmed) {
            self.add_dir(dir);
            return;
        }
        if let Some((key, value)) = yaml_key(trimmed)
            && DATA_KEYS.contains(&key)
        {
            if matches!(value.trim(), "" | "|" | "|-" | ">" | ">-") {
                // The block is the key's: `- name: |` opens it at the key's column, two past
                // the dash, so the step's next key (`run:`) closes it.
                let dash = if trimmed.starts_with("- ") { 2 } else { 0 };
                self.data_block = Some(indent + dash);
            }
            return;
        }
        self.scripts(line);
    }

    /// Words of one line that may name a script (see the module header).
    fn scripts(&mut self, line: &str) {
        let line = match ROOT_PREFIX.as_ref() {
            Some(re) if line.contains('$') => re.replace_all(line, ""),
            _ => line.into(),
        };
        let line = match OWN_DIR_PREFIX.as_ref() {
            Some(re) if line.contains('$') => re.replace_all(&line, OWN_DIR).into_owned(),
            _ => line.into_owned(),
        };
        let line = match EXPRESSION.as_ref() {
            Some(re) if line.contains("${{") => re.replace_all(&line, "").into_owned(),
            _ => line,
        };
        let line = without_comment(&line);
        // A YAML key (`run:`, `entry:`, `- script:`) or list dash is not part of the command.
        let mut command = line.trim().trim_start_matches("- ");
        if let Some((key, rest)) = yaml_key(command) {
            if key == "uses" {
                return; // an action, read by `USES`
            }
            command = rest;
        }
        // `STAGE="prod eu" x.sh`: a quoted value is one word, whatever it holds.
        let command = match QUOTED_ASSIGNMENT.as_ref() {
            Some(re) if command.contains('=') => re.replace_all(command, "${1}=v"),
            _ => command.into(),
        };
        let command = command.as_ref();
        let places = places(command);
        // `cat scripts/x.sh | bash`, `eval "$(cat scripts/x.sh)"`, `source <(cat x.sh)`: an
        // interpreter fed by another command runs what that command reads.
        let fed = command.contains('|') || command.contains("$(") || command.contains("<(");
        let piped = fed
            && places.iter().any(|place| {
                place.starts_command
                    && (INTERPRETERS.contains(&place.program) || place.program == "eval")
            });
        for (index, place) in places.iter().enumerate() {
            let command_word = index
                .checked_sub(1)
                .and_then(|at| places.get(at))
                .filter(|previous| previous.starts_command);
            if command_word.is_some_and(|previous| previous.word == "cd") {
                self.add_dir(place.word);
            }
            // `python -m tools.runner` runs `tools/runner.py` (or its package's `__main__`).
            if place.previous == "-m" && place.program.starts_with("python") {
                let module = place.word.replace('.', "/");
                self.found.push((format!("{module}.py"), false));
                self.found.push((format!("{module}/__main__.py"), false));
                continue;
            }
            let (path, own_dir) = match place.word.strip_prefix(OWN_DIR) {
                Some(rest) => (rest, true),
                None => (place.word, false),
            };
            // `./x` or `$(dirname "$0")/x`: written as a path, whatever its ending.
            let relative = own_dir || path.starts_with("./");
            if self.runs(path, place, relative, piped) {
                let path = clean(path);
                if !path.is_empty() {
                    self.found.push((path, own_dir));
                }
            }
        }
    }

    /// Keeps a directory commands run in, when it is a plain relative path.
    fn add_dir(&mut self, dir: &str) {
        let dir = clean(dir.trim());
        let plain = !dir.is_empty() && dir != "." && !dir.starts_with('/') && !dir.contains('$');
        if plain && !self.dirs.contains(&dir) {
            self.dirs.push(dir);
        }
    }

    /// Whether `word`, found at `place` (written as a `relative` path, on a line `piped` into
    /// an interpreter), names a script that runs.
    fn runs(&self, word: &str, place: &Place<'_>, relative: bool, piped: bool) -> bool {
        if word.starts_with('-') || word.contains('$') || word.contains("://") {
            return false;
        }
        let data = DATA_EXTENSIONS.iter().any(|ext| word.ends_with(ext));
        // After an interpreter a file runs whatever its name (`sh ./steps.json` is a script).
        let previous = place.previous;
        let interpreted = INTERPRETERS.contains(&previous.rsplit('/').next().unwrap_or(previous));
        match self.dialect {
            Dialect::Program => interpreted || ((relative || word.starts_with("../")) && !data),
            Dialect::Commands => {
                interpreted
                    || (relative && !data)
                    || ((place.starts_command || place.runs_scripts() || piped)
                        && SCRIPT_EXTENSIONS.iter().any(|ext| word.ends_with(ext))
                        && !place.an_element())
            }
        }
    }
}

/// The words of `command` and where each is.
fn places(command: &str) -> Vec<Place<'_>> {
    let mut places: Vec<Place<'_>> = Vec::new();
    for (at, word) in words(command) {
        let (mut starts_command, mut prefix) = (true, false);
        if let Some(previous) = places.last() {
            let gap = &command[previous.at + previous.word.len()..at];
            // `NAME=value cmd`: the value, then the command (an empty value: the command).
            let assigns = previous.starts_command
                && !previous.prefix_value
                && gap.starts_with('=')
                && is_variable_name(previous.word);
            let value = assigns && !gap.contains(char::is_whitespace);
            // A command's key inside a flow mapping (`- { name: x, run: scripts/a.sh }`).
            let after_key = previous
                .word
                .strip_suffix(':')
                .is_some_and(|key| COMMAND_KEYS.contains(&key));
            starts_command = !value
                && (previous.prefix
                    || assigns
                    || after_key
                    || gap.chars().any(|c| COMMAND_SEPARATORS.contains(c)));
            prefix = value;
        }
        // `sudo`, `env`, … and their options (`sudo -E`, `sudo -u deploy`) come before the
        // command they run; an option's argument is a plain word, not a path.
        let chained = places.last().is_some_and(|previous| previous.prefix);
        let after_option = places
            .last()
            .is_some_and(|previous| previous.prefix && previous.word.starts_with('-'));
        let plain = !word.contains(['/', '.']);
        prefix = prefix
            || (starts_command && COMMAND_PREFIXES.contains(&word))
            || (chained && word.starts_with('-'))
            || (after_option && plain);
        let program = if starts_command {
            word.rsplit('/').next().unwrap_or(word)
        } else {
            places.last().map_or("", |previous| previous.program)
        };
        places.push(Place {
            command,
            word,
            at,
            previous: places.last().map_or("", |previous| previous.word),
            starts_command: starts_command && !prefix,
            prefix,
            prefix_value: prefix && !starts_command,
            program,
        });
    }
    places
}

/// Whether `word` can be a shell variable's name (`STAGE` in `STAGE=prod tools/a.sh`).
fn is_variable_name(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Where a word of a command line is.
struct Place<'c> {
    command: &'c str,
    /// The word itself.
    word: &'c str,
    /// Byte offset of the word in `command`.
    at: usize,
    /// The word before it (empty for the first).
    previous: &'c str,
    /// Whether a command starts at the word.
    starts_command: bool,
    /// Whether the word comes before the command it belongs to: a prefix (`sudo`, `env`), an
    /// option of one (`-E`), or the value of a variable set for the command (`prod` in
    /// `STAGE=prod`).
    prefix: bool,
    /// Whether the word is such a value (its name was where the command would start).
    prefix_value: bool,
    /// The file name of the program the word's command runs.
    program: &'c str,
}

impl Place<'_> {
    /// Whether the word's command runs scripts given as arguments (an interpreter or a
    /// runner: `python -u tools/gen.py`, `uv run scripts/x.py`).
    fn runs_scripts(&self) -> bool {
        INTERPRETERS.contains(&self.program) || RUNNERS.contains(&self.program)
    }

    /// Whether the word is a quoted element of a list or object (`'src/paths.ts',`): a
    /// command is not followed by a comma.
    fn an_element(&self) -> bool {
        let (before, after) = self.command.split_at(self.at);
        let after = after.split_once(['\'', '"']).map_or("", |(_, rest)| rest);
        matches!(before.chars().next_back(), Some('\'' | '"'))
            && after.trim_start().starts_with(',')
    }
}

/// `key` and the rest of a `key: value` (or `- key: value`) YAML line, when the key is a
/// plain word.
fn yaml_key(trimmed: &str) -> Option<(&str, &str)> {
    let line = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let (key, value) = line
        .split_once(": ")
        .or_else(|| line.strip_suffix(':').map(|key| (key, "")))?;
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then_some((key, value))
}

/// `line` without a trailing shell or YAML comment: a `#` that starts a word.
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let cut = (1..bytes.len()).find(|&at| bytes[at] == b'#' && bytes[at - 1].is_ascii_whitespace());
    cut.map_or(line, |at| &line[..at])
}

/// The words of a command line with their byte offsets.
fn words(command: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in command.char_indices() {
        let separator = c.is_whitespace() || SEPARATORS.contains(c);
        match (separator, start) {
            (true, Some(from)) => {
                words.push((from, &command[from..at]));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &command[from..]));
    }
    words
}

/// A repository-relative path: no `./`, no trailing `/`, quotes or commas.
pub(super) fn clean(path: &str) -> String {
    let path = path.trim_matches(|c| matches!(c, '"' | '\'' | ',' | '}' | ']'));
    let path = path.trim_start_matches("./").trim_end_matches('/');
    path.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts(dialect: Dialect, text: &str) -> Vec<String> {
        let mut scripts = ScriptLines::new(dialect);
        for line in text.lines() {
            scripts.line(line);
        }
        scripts.finish().into_iter().map(|(path, _)| path).collect()
    }

    /// A bare path with a script's ending runs where a command starts, or as an argument of
    /// an interpreter or runner; as any other argument it is only named.
    #[test]
    fn bare_script_names_run_where_a_command_starts() {
        let run = "run: |\n  scripts/a.sh --fast && chmod +x scripts/b.sh\n  sudo scripts/c.sh; cp scripts/d.sh /tmp\n  uv run --no-project -p 3.12 scripts/e.py\n  python${{ env.PYTHON_VERSION }} scripts/f.py\n  python3 -u tools/g.py\n  if true; then scripts/h.sh; fi\n  [[ \"$file\" == \"scripts/i.py\" ]] && echo\nRUN scripts/j.sh\nCOPY scripts/k.sh ./\ncat scripts/l.sh | sudo bash\ncat scripts/m.sh | grep x\neval \"$(cat scripts/n.sh)\"\n- { name: x, run: scripts/o.sh }\n  - name: |\n      a long name\n    run: scripts/p.sh\n";
        assert_eq!(
            scripts(Dialect::Commands, run),
            [
                "scripts/a.sh",
                "scripts/c.sh",
                "scripts/e.py",
                "scripts/f.py",
                "tools/g.py",
                "scripts/h.sh",
                "scripts/j.sh",
                "scripts/l.sh",
                "scripts/n.sh",
                "scripts/o.sh",
                "scripts/p.sh"
            ]
        );
    }

    /// Variables set for a command, a prefix's options, a step's working directory, a `cd`
    /// before the command and a Python module run with `-m`: the script still runs.
    #[test]
    fn scripts_run_behind_variables_options_and_directories() {
        let steps = "- run: STAGE=\"prod eu\" tools/a.sh\n- run: env STAGE=prod DEBUG= tools/b.sh\n- run: sudo -u deploy -E tools/c.sh\n- run: ./deploy.sh\n  working-directory: scripts\n- run: cd ops && ./e.sh\n- run: python -m tools.runner --fast\n- run: export STAGE=prod tools/f.sh\n";
        assert_eq!(
            scripts(Dialect::Commands, steps),
            [
                "tools/a.sh",
                "tools/b.sh",
                "tools/c.sh",
                "deploy.sh",
                "e.sh",
                "tools/runner.py",
                "tools/runner/__main__.py",
                "scripts/tools/a.sh",
                "ops/tools/a.sh",
                "scripts/tools/b.sh",
                "ops/tools/b.sh",
                "scripts/tools/c.sh",
                "ops/tools/c.sh",
                "scripts/deploy.sh",
                "ops/deploy.sh",
                "scripts/e.sh",
                "ops/e.sh",
                "scripts/tools/runner.py",
                "ops/tools/runner.py",
                "scripts/tools/runner/__main__.py",
                "ops/tools/runner/__main__.py",
            ]
        );
    }

    /// Comments, trigger filters, step names, conditions, cache keys and paths, and quoted
    /// elements of a list name files without running them.
    #[test]
    fn names_that_are_data_do_not_run() {
        let workflow = "# runs scripts/a.sh nightly\non:\n  pull_request:\n    paths:\n      - 'src/cli.ts'\n    - src/other.ts\n    paths-ignore: ['docs/x.py']\njobs:\n  a:\n    steps:\n      - name: scripts/b.sh\n        if: contains('scripts/c.sh', 'x')\n        uses: actions/cache@v4\n        with:\n          key: ${{ hashFiles('eslint.config.js') }}\n          path: |\n            tools/d.py\n            tools/e.py\n      - run: ./scripts/f.sh # then scripts/g.sh\n        with:\n          script: |\n            const PAIRS = [{ legacy: 'src/h.ts', session: \"src/i.ts\", }];\n            // legacy: 'src/j.ts'\n            require('./.github/scripts/k.cjs')\n";
        assert_eq!(
            scripts(Dialect::Commands, workflow),
            ["scripts/f.sh", ".github/scripts/k.cjs"]
        );
    }

    /// A program runs what it imports or spawns, not the paths in its data.
    #[test]
    fn programs_run_what_they_import_or_spawn() {
        let config = "import base from './eslint/base.js';\nconst lib = require(\"../lib/run.cjs\");\nexport default {\n  entryPoints: { cli: 'packages/cli/index.ts' },\n  files: [\n    'packages/core/src/paths.ts',\n  ],\n  data: './fixtures/x.json',\n};\nexecSync('bash scripts/deploy.sh');\n";
        // Found under the file's own directory or the root, whichever holds the file.
        assert_eq!(
            scripts(Dialect::Program, config),
            ["eslint/base.js", "../lib/run.cjs", "scripts/deploy.sh"]
        );
        assert_eq!(
            scripts(
                Dialect::Commands,
                "entryPoints: { cli: 'packages/cli/index.ts' }\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(Dialect::of("esbuild.config.js"), Dialect::Program);
        assert_eq!(Dialect::of(".github/workflows/ci.yml"), Dialect::Commands);
        assert_eq!(Dialect::of("scripts/deploy.sh"), Dialect::Commands);
    }
}

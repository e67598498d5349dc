//! What the ecosystem readers produce: the dependencies a manifest declares, the install-time
//! scripts it runs, and the packages a lockfile pins.

/// Where a dependency's code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageSource {
    /// The ecosystem's package registry (or an index configured for it).
    Registry,
    /// A git repository (URL, `github:` shorthand, …).
    Git(String),
    /// A tarball, wheel or other URL.
    Url(String),
    /// A local directory or file.
    Path(String),
}

impl PackageSource {
    /// The words for a report: "git https://…", "path ../lib".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            PackageSource::Registry => "the registry".to_string(),
            PackageSource::Git(at) => format!("git {at}"),
            PackageSource::Url(at) => format!("URL {at}"),
            PackageSource::Path(at) => format!("path {at}"),
        }
    }

    /// The same source without a git ref (`…#<commit>`): moving a git dependency to another
    /// commit of the same repository is not a change of source.
    #[must_use]
    pub fn location(&self) -> PackageSource {
        match self {
            PackageSource::Git(at) => {
                PackageSource::Git(at.split('#').next().unwrap_or(at).to_string())
            }
            other => other.clone(),
        }
    }

    /// Git, URL or path from a spelling shared by npm, pip and Composer (`git+https://…`,
    /// `github:user/repo`, `file:../x`, `https://…/x.tgz`), else the registry.
    #[must_use]
    pub fn from_spec(spec: &str) -> PackageSource {
        let spec = spec.trim();
        let lower = spec.to_ascii_lowercase();
        let git = [
            "git+",
            "git:",
            "git@",
            "github:",
            "gitlab:",
            "bitbucket:",
            "gist:",
        ];
        if git.iter().any(|prefix| lower.starts_with(prefix))
            || std::path::Path::new(&lower)
                .extension()
                .is_some_and(|e| e == "git")
        {
            PackageSource::Git(spec.to_string())
        } else if lower.starts_with("http://") || lower.starts_with("https://") {
            PackageSource::Url(spec.to_string())
        } else if [
            "file:",
            "link:",
            "portal:",
            "workspace:",
            "./",
            "../",
            "/",
            "~/",
        ]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
        {
            PackageSource::Path(spec.to_string())
        } else {
            PackageSource::Registry
        }
    }
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// The name it is declared under (normalised where the ecosystem is case-insensitive).
    pub name: String,
    /// The version requirement as written (`^1.2`, `==2.31.0`, `v4`), empty when none.
    pub requirement: String,
    /// Where it comes from.
    pub source: PackageSource,
    /// 1-based line where it is declared, when known.
    pub line: Option<u32>,
    /// Which table declares it when the ecosystem keeps several (`dev`, `build`; empty: what
    /// the product ships). A dev-only dependency that becomes a shipped one is new to the
    /// product, so the same name in two tables is two dependencies.
    pub scope: &'static str,
}

impl Dep {
    /// A registry dependency.
    #[must_use]
    pub fn new(name: impl Into<String>, requirement: impl Into<String>, line: Option<u32>) -> Self {
        Self {
            name: name.into(),
            requirement: requirement.into(),
            source: PackageSource::Registry,
            line,
            scope: "",
        }
    }

    /// The same dependency, declared in the `scope` table.
    #[must_use]
    pub fn in_scope(mut self, scope: &'static str) -> Self {
        self.scope = scope;
        self
    }

    /// Whether `other` is the same dependency (same name, same table).
    #[must_use]
    pub fn same(&self, other: &Dep) -> bool {
        self.name == other.name && self.scope == other.scope
    }

    /// The same dependency from `source`.
    #[must_use]
    pub fn from(mut self, source: PackageSource) -> Self {
        self.source = source;
        self
    }
}

/// A command the package manager runs at install time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The hook (`postinstall`, `post-install-cmd`).
    pub hook: String,
    /// What it runs.
    pub command: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
}

/// What a manifest declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Dependencies, in file order; a name declared twice keeps its first declaration.
    pub deps: Vec<Dep>,
    /// Install-time scripts.
    pub scripts: Vec<Script>,
}

impl Manifest {
    /// Adds a dependency unless the same one (name and table) is already there.
    pub fn push(&mut self, dep: Dep) {
        if !self.deps.iter().any(|known| known.same(&dep)) {
            self.deps.push(dep);
        }
    }
}

/// One package pinned by a lockfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    /// Package name.
    pub name: String,
    /// Pinned version.
    pub version: String,
    /// Where it is fetched from.
    pub source: PackageSource,
    /// The lockfile records that it runs an install script (npm `hasInstallScript`).
    pub install_script: bool,
}

/// 1-based number of the first line of `text` holding `needle` as a whole word (not inside a
/// longer name), for formats read through a parser that keeps no positions.
#[must_use]
pub fn line_of(text: &str, needle: &str) -> Option<u32> {
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '@');
    text.lines()
        .position(|line| {
            line.match_indices(needle).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + needle.len()..].chars().next();
                !before.is_some_and(word) && !after.is_some_and(word)
            })
        })
        .and_then(|index| u32::try_from(index + 1).ok())
}

/// 1-based line number from a 0-based index.
#[must_use]
pub fn number(index: usize) -> Option<u32> {
    u32::try_from(index + 1).ok()
}

/// The requirement of a dependency that takes its version from the workspace
/// (`serde.workspace = true`): not comparable with a written requirement.
pub const INHERITED: &str = "workspace";

/// A TOML document, or its first error with the line it is on.
pub fn parse_toml(text: &str) -> Result<toml::Table, String> {
    text.parse::<toml::Table>().map_err(|error| {
        let line = error.span().map(|span| {
            text.get(..span.start)
                .unwrap_or(text)
                .lines()
                .count()
                .max(1)
        });
        match line {
            Some(line) => format!("TOML error on line {line}: {}", error.message()),
            None => format!("TOML error: {}", error.message()),
        }
    })
}

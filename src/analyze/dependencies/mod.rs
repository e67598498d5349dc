//! Dependency manifests, lockfiles and GitHub Actions `uses:` read for what they bring in: a
//! package added or removed, a major bump, a downgrade, a loosened pin, code from git, a URL
//! or a path instead of the registry, a new install-time script.
//!
//! One fact per package and kind of change, never one per line. A lockfile that changed while
//! no manifest of its ecosystem changed in its directory (or below it: workspaces) is one
//! `lockfile-refreshed` fact (mechanical); lockfiles are still read, where their format is
//! known, for packages that moved off the registry or gained an install script. A manifest that
//! cannot be parsed is an `unanalysable-file` fact, never silence. Vendored copies
//! (`node_modules/`, `vendor/`) are not manifests of this project and are left to the rest of
//! the analysis.
//!
//! Each ecosystem reader is one file; [`FORMATS`] is the table of file names with the format's
//! documentation as the source of each row.

mod actions;
mod cargo;
mod compare;
mod dotnet;
mod go;
mod jvm;
mod model;
mod npm;
mod php;
mod python;
mod ruby;
pub mod version;
mod xml;

use crate::analyze::domain::{Analysis, Analyzer, Versions, fact};
use crate::signal::Signal;

use model::{Locked, Manifest};
use version::Bare;

/// How a format is recognised by its path.
#[derive(Debug, Clone, Copy)]
enum Pattern {
    /// This exact file name.
    Name(&'static str),
    /// A file name with this prefix and suffix (`requirements*.txt`).
    Around(&'static str, &'static str),
    /// A file name with this suffix (`.csproj`).
    Suffix(&'static str),
    /// A GitHub Actions workflow or a composite action.
    Workflow,
}

impl Pattern {
    fn matches(self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        match self {
            Pattern::Name(exact) => name == exact,
            Pattern::Around(prefix, suffix) => name.starts_with(prefix) && name.ends_with(suffix),
            Pattern::Suffix(suffix) => name.ends_with(suffix),
            Pattern::Workflow => {
                let yaml = std::path::Path::new(name).extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml")
                });
                (yaml && path.contains(".github/workflows/"))
                    || name == "action.yml"
                    || name == "action.yaml"
            }
        }
    }
}

/// Reads a manifest's text.
type ReadManifest = fn(&str) -> Result<Manifest, String>;
/// Reads a lockfile's text.
type ReadLockfile = fn(&str) -> Result<Vec<Locked>, String>;

/// What a file of a format declares, and how to read it.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// A manifest: dependencies with requirements, maybe install scripts.
    Manifest(ReadManifest, Bare),
    /// A lockfile, read per package when its format is known here.
    Lockfile(Option<ReadLockfile>),
}

/// One dependency file format.
#[derive(Debug, Clone, Copy)]
struct Format {
    /// The ecosystem, as reports name it; lockfiles pair with manifests of the same one.
    ecosystem: &'static str,
    /// How its files are named.
    pattern: Pattern,
    /// How to read it.
    reader: Reader,
    /// The format's documentation: the source of this row.
    #[allow(dead_code, reason = "documentation of the table, read by people")]
    docs: &'static str,
}

/// Every format read, first match wins.
const FORMATS: &[Format] = &[
    Format {
        ecosystem: "Cargo",
        pattern: Pattern::Name("Cargo.toml"),
        reader: Reader::Manifest(cargo::manifest, Bare::Caret),
        docs: "https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html",
    },
    Format {
        ecosystem: "Cargo",
        pattern: Pattern::Name("Cargo.lock"),
        reader: Reader::Lockfile(Some(cargo::lockfile)),
        docs: "https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html",
    },
    Format {
        ecosystem: "npm",
        pattern: Pattern::Name("package.json"),
        reader: Reader::Manifest(npm::manifest, Bare::Exact),
        docs: "https://docs.npmjs.com/cli/v10/configuring-npm/package-json",
    },
    Format {
        ecosystem: "npm",
        pattern: Pattern::Name("package-lock.json"),
        reader: Reader::Lockfile(Some(npm::lockfile)),
        docs: "https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json",
    },
    Format {
        ecosystem: "npm",
        pattern: Pattern::Name("npm-shrinkwrap.json"),
        reader: Reader::Lockfile(Some(npm::lockfile)),
        docs: "https://docs.npmjs.com/cli/v10/configuring-npm/npm-shrinkwrap-json",
    },
    Format {
        ecosystem: "npm",
        pattern: Pattern::Name("pnpm-lock.yaml"),
        reader: Reader::Lockfile(None),
        docs: "https://pnpm.io/git#lockfiles",
    },
    Format {
        ecosystem: "npm",
        pattern: Pattern::Name("yarn.lock"),
        reader: Reader::Lockfile(Some(npm::yarn_lock)),
        docs: "https://classic.yarnpkg.com/en/docs/yarn-lock",
    },
    Format {
        ecosystem: "npm",
        pattern: Pattern::Name("bun.lock"),
        reader: Reader::Lockfile(None),
        docs: "https://bun.sh/docs/install/lockfile",
    },
    Format {
        ecosystem: "pip",
        pattern: Pattern::Around("requirements", ".txt"),
        reader: Reader::Manifest(python::requirements, Bare::Exact),
        docs: "https://pip.pypa.io/en/stable/reference/requirements-file-format/",
    },
    Format {
        ecosystem: "pip",
        pattern: Pattern::Name("pyproject.toml"),
        reader: Reader::Manifest(python::pyproject, Bare::Exact),
        docs: "https://packaging.python.org/en/latest/specifications/pyproject-toml/ ; https://python-poetry.org/docs/dependency-specification/ ; https://docs.astral.sh/uv/concepts/projects/dependencies/",
    },
    Format {
        ecosystem: "pip",
        pattern: Pattern::Name("poetry.lock"),
        reader: Reader::Lockfile(Some(python::lockfile)),
        docs: "https://python-poetry.org/docs/basic-usage/#committing-your-poetrylock-file-to-version-control",
    },
    Format {
        ecosystem: "pip",
        pattern: Pattern::Name("uv.lock"),
        reader: Reader::Lockfile(Some(python::lockfile)),
        docs: "https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile",
    },
    Format {
        ecosystem: "pip",
        pattern: Pattern::Name("Pipfile.lock"),
        reader: Reader::Lockfile(None),
        docs: "https://pipenv.pypa.io/en/latest/pipfile.html",
    },
    Format {
        ecosystem: "Go",
        pattern: Pattern::Name("go.mod"),
        reader: Reader::Manifest(go::manifest, Bare::Exact),
        docs: "https://go.dev/ref/mod#go-mod-file",
    },
    Format {
        ecosystem: "Go",
        pattern: Pattern::Name("go.sum"),
        reader: Reader::Lockfile(None),
        docs: "https://go.dev/ref/mod#go-sum-files",
    },
    Format {
        ecosystem: "Bundler",
        pattern: Pattern::Name("Gemfile"),
        reader: Reader::Manifest(ruby::gemfile, Bare::Exact),
        docs: "https://bundler.io/guides/gemfile.html",
    },
    Format {
        ecosystem: "Bundler",
        pattern: Pattern::Name("Gemfile.lock"),
        reader: Reader::Lockfile(Some(ruby::lockfile)),
        docs: "https://bundler.io/guides/rationale.html#checking-your-code-into-version-control",
    },
    Format {
        ecosystem: "Maven",
        pattern: Pattern::Name("pom.xml"),
        reader: Reader::Manifest(jvm::pom, Bare::Exact),
        docs: "https://maven.apache.org/pom.html#Dependencies",
    },
    Format {
        ecosystem: "Gradle",
        pattern: Pattern::Name("build.gradle"),
        reader: Reader::Manifest(jvm::gradle, Bare::Exact),
        docs: "https://docs.gradle.org/current/userguide/declaring_dependencies.html",
    },
    Format {
        ecosystem: "Gradle",
        pattern: Pattern::Name("build.gradle.kts"),
        reader: Reader::Manifest(jvm::gradle, Bare::Exact),
        docs: "https://docs.gradle.org/current/userguide/declaring_dependencies.html",
    },
    Format {
        ecosystem: "Gradle",
        pattern: Pattern::Name("libs.versions.toml"),
        reader: Reader::Manifest(jvm::catalog, Bare::Exact),
        docs: "https://docs.gradle.org/current/userguide/version_catalogs.html",
    },
    Format {
        ecosystem: "Gradle",
        pattern: Pattern::Name("gradle.lockfile"),
        reader: Reader::Lockfile(None),
        docs: "https://docs.gradle.org/current/userguide/dependency_locking.html",
    },
    Format {
        ecosystem: "Composer",
        pattern: Pattern::Name("composer.json"),
        reader: Reader::Manifest(php::composer, Bare::Exact),
        docs: "https://getcomposer.org/doc/04-schema.md",
    },
    Format {
        ecosystem: "Composer",
        pattern: Pattern::Name("composer.lock"),
        reader: Reader::Lockfile(Some(php::lockfile)),
        docs: "https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control",
    },
    Format {
        ecosystem: "NuGet",
        pattern: Pattern::Suffix(".csproj"),
        reader: Reader::Manifest(dotnet::project, Bare::Exact),
        docs: "https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files",
    },
    Format {
        ecosystem: "NuGet",
        pattern: Pattern::Name("packages.config"),
        reader: Reader::Manifest(dotnet::packages_config, Bare::Exact),
        docs: "https://learn.microsoft.com/en-us/nuget/reference/packages-config",
    },
    Format {
        ecosystem: "NuGet",
        pattern: Pattern::Name("Directory.Packages.props"),
        reader: Reader::Manifest(dotnet::project, Bare::Exact),
        docs: "https://learn.microsoft.com/en-us/nuget/consume-packages/central-package-management",
    },
    Format {
        ecosystem: "NuGet",
        pattern: Pattern::Name("packages.lock.json"),
        reader: Reader::Lockfile(None),
        docs: "https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies",
    },
    Format {
        ecosystem: "GitHub Actions",
        pattern: Pattern::Workflow,
        reader: Reader::Manifest(actions::workflow, Bare::Tag),
        docs: "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepsuses",
    },
];

/// Copies of other projects' manifests, not this project's dependencies.
const VENDORED: &[&str] = &["node_modules", "vendor", "bower_components"];

/// The format of a path, unless it is none or sits in a vendored tree.
fn format_of(path: &str) -> Option<&'static Format> {
    if path.split('/').any(|segment| VENDORED.contains(&segment)) {
        return None;
    }
    FORMATS.iter().find(|format| format.pattern.matches(path))
}

/// See the module docs.
pub struct Dependencies;

impl Analyzer for Dependencies {
    fn name(&self) -> &'static str {
        "dependencies"
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        format_of(path).is_some()
    }

    fn reads_a_risky_kind(&self) -> bool {
        // A manifest over the size limit is an oversized file, not the worst case of a kind.
        false
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        self.analyze_all(std::slice::from_ref(versions))
    }

    fn analyze_all(&self, files: &[Versions<'_>]) -> Analysis {
        let mut analysis = Analysis::default();
        for versions in files {
            let Some(format) = format_of(versions.file.path()) else {
                continue;
            };
            match format.reader {
                Reader::Manifest(read, bare) => {
                    analysis
                        .facts
                        .extend(manifest(versions, format.ecosystem, read, bare));
                }
                Reader::Lockfile(read) => {
                    let refreshed = !manifest_changed_beside(versions.file.path(), format, files);
                    analysis.facts.extend(lockfile(versions, read, refreshed));
                }
            }
        }
        analysis
    }
}

/// Whether a manifest of `lock`'s ecosystem changed in the lockfile's directory or below it.
fn manifest_changed_beside(lockfile: &str, lock: &Format, files: &[Versions<'_>]) -> bool {
    let dir = lockfile.rsplit_once('/').map_or("", |(dir, _)| dir);
    files.iter().any(|other| {
        let path = other.file.path();
        let inside = dir.is_empty()
            || path
                .strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'));
        inside
            && format_of(path).is_some_and(|format| {
                format.ecosystem == lock.ecosystem && matches!(format.reader, Reader::Manifest(..))
            })
    })
}

/// Text of one side, or why it cannot be read.
fn text(bytes: Option<&[u8]>) -> Result<&str, String> {
    match bytes {
        None => Ok(""),
        Some(bytes) => std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()),
    }
}

/// The facts of one manifest's change, or one `unanalysable-file` fact saying why there are none.
fn manifest(
    versions: &Versions<'_>,
    ecosystem: &str,
    read: ReadManifest,
    bare: Bare,
) -> Vec<crate::analyze::Fact> {
    let parse = |side: Option<&[u8]>| -> Result<Manifest, String> {
        match side {
            None => Ok(Manifest::default()),
            Some(_) => read(text(side)?),
        }
    };
    let sides = versions.content_missing().map_or_else(
        || Ok((parse(versions.old)?, parse(versions.new)?)),
        |why| Err(why.to_string()),
    );
    match sides {
        Ok((old, new)) => compare::manifests(versions, ecosystem, bare, &old, &new),
        Err(reason) => vec![fact(
            versions,
            Signal::UnanalysableFile,
            None,
            versions.file.path(),
            format!(
                "{ecosystem} manifest could not be read ({reason}): its dependency changes are not judged"
            ),
        )],
    }
}

/// The facts of one lockfile's change: per-package facts where the format is read here, and
/// the refresh fact when no manifest changed beside it.
fn lockfile(
    versions: &Versions<'_>,
    read: Option<ReadLockfile>,
    refreshed: bool,
) -> Vec<crate::analyze::Fact> {
    let parsed = match (read, versions.content_missing()) {
        (None, _) => Err("format not read per package".to_string()),
        (Some(_), Some(why)) => Err(why.to_string()),
        (Some(read), None) => {
            let side = |bytes: Option<&[u8]>| -> Result<Vec<Locked>, String> {
                match bytes {
                    None => Ok(Vec::new()),
                    Some(_) => read(text(bytes)?),
                }
            };
            side(versions.old).and_then(|old| Ok((old, side(versions.new)?)))
        }
    };
    let (mut facts, summary) = match &parsed {
        Ok((old, new)) => compare::lockfiles(versions, old, new),
        Err(reason) => (Vec::new(), reason.clone()),
    };
    // Content over the size limit is already an `oversized-file`; a broken lockfile is not.
    if read.is_some()
        && versions.content_missing().is_none()
        && let Err(reason) = &parsed
    {
        facts.push(fact(
            versions,
            Signal::UnanalysableFile,
            None,
            versions.file.path(),
            format!("lockfile could not be read ({reason}): packages moved to git, URLs or paths are not judged"),
        ));
    }
    if refreshed {
        facts.push(fact(
            versions,
            Signal::LockfileRefreshed,
            None,
            versions.file.path(),
            format!(
                "lockfile {} without a manifest change ({summary}): mechanical",
                if versions.file.new_path.is_none() {
                    "removed"
                } else {
                    "regenerated"
                }
            ),
        ));
    }
    facts
}

#[cfg(test)]
mod tests;

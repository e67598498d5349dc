//! The table of dependency file formats: how each is named, which reader reads it, and the
//! format's documentation as the source of its row.

use super::model::{Locked, Manifest};
use super::version::Bare;
use super::{actions, cargo, dotnet, go, jvm, npm, php, pre_commit, python, ruby};

/// How a format is recognised by its path.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pattern {
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
    pub(super) fn matches(self, path: &str) -> bool {
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
pub(super) type ReadManifest = fn(&str) -> Result<Manifest, String>;
/// Reads a lockfile's text.
pub(super) type ReadLockfile = fn(&str) -> Result<Vec<Locked>, String>;

/// What a file of a format declares, and how to read it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Reader {
    /// A manifest: dependencies with requirements, maybe install scripts.
    Manifest(ReadManifest, Bare),
    /// A lockfile, read per package when its format is known here.
    Lockfile(Option<ReadLockfile>),
}

/// One dependency file format.
#[derive(Debug, Clone, Copy)]
pub(super) struct Format {
    /// The ecosystem, as reports name it; lockfiles pair with manifests of the same one.
    pub(super) ecosystem: &'static str,
    /// How its files are named.
    pub(super) pattern: Pattern,
    /// How to read it.
    pub(super) reader: Reader,
    /// The format's documentation: the source of this row.
    #[allow(dead_code, reason = "documentation of the table, read by people")]
    pub(super) docs: &'static str,
}

impl Format {
    /// Whether each dependency is one line of the file, so that a diff's removed and added
    /// lines, read as two small manifests, show what changed when the file contents are not
    /// available (diff text without its repository).
    pub(super) fn one_line_per_dependency(&self) -> bool {
        matches!(
            self.pattern,
            Pattern::Workflow
                | Pattern::Around(..)
                | Pattern::Name("Gemfile" | "build.gradle" | "build.gradle.kts")
        )
    }
}

/// Every format read, first match wins.
pub(super) const FORMATS: &[Format] = &[
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
    Format {
        ecosystem: "pre-commit",
        pattern: Pattern::Name(".pre-commit-config.yaml"),
        reader: Reader::Manifest(pre_commit::config, Bare::Tag),
        docs: "https://pre-commit.com/#pre-commit-configyaml---repos",
    },
];

/// Copies of other projects' manifests, not this project's dependencies.
const VENDORED: &[&str] = &["node_modules", "vendor", "bower_components"];

/// The format of a path, unless it is none or sits in a vendored tree.
pub(super) fn format_of(path: &str) -> Option<&'static Format> {
    if path.split('/').any(|segment| VENDORED.contains(&segment)) {
        return None;
    }
    FORMATS.iter().find(|format| format.pattern.matches(path))
}

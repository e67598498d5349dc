//! The table of dependency file formats: how each is named, which reader reads it, and the
//! format's documentation as the source of its row.

use super::model::{Locked, Manifest};
use super::version::Bare;
use super::{actions, cargo, dotnet, go, jvm, npm, php, pre_commit, python, ruby};

/// How a format is recognised by its path.
#[derive(Debug, Clone, Copy)]
pub(super) enum PathPattern {
    /// This exact file name.
    Name(&'static str),
    /// A file name with this prefix and suffix (`requirements*.txt`).
    Around(&'static str, &'static str),
    /// A file name with this suffix (`.csproj`).
    Suffix(&'static str),
    /// A GitHub Actions workflow or a composite action.
    Workflow,
}

impl PathPattern {
    pub(super) fn matches(self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        match self {
            PathPattern::Name(exact) => name == exact,
            PathPattern::Around(prefix, suffix) => {
                name.starts_with(prefix) && name.ends_with(suffix)
            }
            PathPattern::Suffix(suffix) => name.ends_with(suffix),
            PathPattern::Workflow => {
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
pub(super) enum FormatReader {
    /// A manifest: dependencies with requirements, maybe install scripts.
    Manifest(ReadManifest, Bare),
    /// A lockfile, read per package when its format is known here.
    Lockfile(Option<ReadLockfile>),
}

/// One dependency file format.
#[derive(Debug, Clone, Copy)]
pub(super) struct DependencyFormat {
    /// The ecosystem, as reports name it; lockfiles pair with manifests of the same one.
    pub(super) ecosystem: &'static str,
    /// How its files are named.
    pub(super) pattern: PathPattern,
    /// How to read it.
    pub(super) reader: FormatReader,
    /// The format's documentation: the source of this row.
    #[allow(dead_code, reason = "documentation of the table, read by people")]
    pub(super) docs: &'static str,
}

impl DependencyFormat {
    /// Whether each dependency is one line of the file, so that a diff's removed and added
    /// lines, read as two small manifests, show what changed when the file contents are not
    /// available (diff text without its repository).
    pub(super) fn one_line_per_dependency(&self) -> bool {
        matches!(
            self.pattern,
            PathPattern::Workflow
                | PathPattern::Around(..)
                | PathPattern::Name("Gemfile" | "build.gradle" | "build.gradle.kts")
        )
    }
}

/// Every format read, first match wins.
pub(super) const FORMATS: &[DependencyFormat] = &[
    DependencyFormat {
        ecosystem: "Cargo",
        pattern: PathPattern::Name("Cargo.toml"),
        reader: FormatReader::Manifest(cargo::manifest, Bare::Caret),
        docs: "https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html",
    },
    DependencyFormat {
        ecosystem: "Cargo",
        pattern: PathPattern::Name("Cargo.lock"),
        reader: FormatReader::Lockfile(Some(cargo::lockfile)),
        docs: "https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html",
    },
    DependencyFormat {
        ecosystem: "npm",
        pattern: PathPattern::Name("package.json"),
        reader: FormatReader::Manifest(npm::manifest, Bare::Exact),
        docs: "https://docs.npmjs.com/cli/v10/configuring-npm/package-json",
    },
    DependencyFormat {
        ecosystem: "npm",
        pattern: PathPattern::Name("package-lock.json"),
        reader: FormatReader::Lockfile(Some(npm::lockfile)),
        docs: "https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json",
    },
    DependencyFormat {
        ecosystem: "npm",
        pattern: PathPattern::Name("npm-shrinkwrap.json"),
        reader: FormatReader::Lockfile(Some(npm::lockfile)),
        docs: "https://docs.npmjs.com/cli/v10/configuring-npm/npm-shrinkwrap-json",
    },
    DependencyFormat {
        ecosystem: "npm",
        pattern: PathPattern::Name("pnpm-lock.yaml"),
        reader: FormatReader::Lockfile(None),
        docs: "https://pnpm.io/git#lockfiles",
    },
    DependencyFormat {
        ecosystem: "npm",
        pattern: PathPattern::Name("yarn.lock"),
        reader: FormatReader::Lockfile(Some(npm::yarn_lock)),
        docs: "https://classic.yarnpkg.com/en/docs/yarn-lock",
    },
    DependencyFormat {
        ecosystem: "npm",
        pattern: PathPattern::Name("bun.lock"),
        reader: FormatReader::Lockfile(None),
        docs: "https://bun.sh/docs/install/lockfile",
    },
    DependencyFormat {
        ecosystem: "pip",
        pattern: PathPattern::Around("requirements", ".txt"),
        reader: FormatReader::Manifest(python::requirements, Bare::Exact),
        docs: "https://pip.pypa.io/en/stable/reference/requirements-file-format/",
    },
    DependencyFormat {
        ecosystem: "pip",
        pattern: PathPattern::Name("pyproject.toml"),
        reader: FormatReader::Manifest(python::pyproject, Bare::Exact),
        docs: "https://packaging.python.org/en/latest/specifications/pyproject-toml/ ; https://python-poetry.org/docs/dependency-specification/ ; https://docs.astral.sh/uv/concepts/projects/dependencies/",
    },
    DependencyFormat {
        ecosystem: "pip",
        pattern: PathPattern::Name("poetry.lock"),
        reader: FormatReader::Lockfile(Some(python::lockfile)),
        docs: "https://python-poetry.org/docs/basic-usage/#committing-your-poetrylock-file-to-version-control",
    },
    DependencyFormat {
        ecosystem: "pip",
        pattern: PathPattern::Name("uv.lock"),
        reader: FormatReader::Lockfile(Some(python::lockfile)),
        docs: "https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile",
    },
    DependencyFormat {
        ecosystem: "pip",
        pattern: PathPattern::Name("Pipfile.lock"),
        reader: FormatReader::Lockfile(None),
        docs: "https://pipenv.pypa.io/en/latest/pipfile.html",
    },
    DependencyFormat {
        ecosystem: "Go",
        pattern: PathPattern::Name("go.mod"),
        reader: FormatReader::Manifest(go::manifest, Bare::Exact),
        docs: "https://go.dev/ref/mod#go-mod-file",
    },
    DependencyFormat {
        ecosystem: "Go",
        pattern: PathPattern::Name("go.sum"),
        reader: FormatReader::Lockfile(None),
        docs: "https://go.dev/ref/mod#go-sum-files",
    },
    DependencyFormat {
        ecosystem: "Bundler",
        pattern: PathPattern::Name("Gemfile"),
        reader: FormatReader::Manifest(ruby::gemfile, Bare::Exact),
        docs: "https://bundler.io/guides/gemfile.html",
    },
    DependencyFormat {
        ecosystem: "Bundler",
        pattern: PathPattern::Name("Gemfile.lock"),
        reader: FormatReader::Lockfile(Some(ruby::lockfile)),
        docs: "https://bundler.io/guides/rationale.html#checking-your-code-into-version-control",
    },
    DependencyFormat {
        ecosystem: "Maven",
        pattern: PathPattern::Name("pom.xml"),
        reader: FormatReader::Manifest(jvm::pom, Bare::Exact),
        docs: "https://maven.apache.org/pom.html#Dependencies",
    },
    DependencyFormat {
        ecosystem: "Gradle",
        pattern: PathPattern::Name("build.gradle"),
        reader: FormatReader::Manifest(jvm::gradle, Bare::Exact),
        docs: "https://docs.gradle.org/current/userguide/declaring_dependencies.html",
    },
    DependencyFormat {
        ecosystem: "Gradle",
        pattern: PathPattern::Name("build.gradle.kts"),
        reader: FormatReader::Manifest(jvm::gradle, Bare::Exact),
        docs: "https://docs.gradle.org/current/userguide/declaring_dependencies.html",
    },
    DependencyFormat {
        ecosystem: "Gradle",
        pattern: PathPattern::Name("libs.versions.toml"),
        reader: FormatReader::Manifest(jvm::catalog, Bare::Exact),
        docs: "https://docs.gradle.org/current/userguide/version_catalogs.html",
    },
    DependencyFormat {
        ecosystem: "Gradle",
        pattern: PathPattern::Name("gradle.lockfile"),
        reader: FormatReader::Lockfile(None),
        docs: "https://docs.gradle.org/current/userguide/dependency_locking.html",
    },
    DependencyFormat {
        ecosystem: "Composer",
        pattern: PathPattern::Name("composer.json"),
        reader: FormatReader::Manifest(php::composer, Bare::Exact),
        docs: "https://getcomposer.org/doc/04-schema.md",
    },
    DependencyFormat {
        ecosystem: "Composer",
        pattern: PathPattern::Name("composer.lock"),
        reader: FormatReader::Lockfile(Some(php::lockfile)),
        docs: "https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control",
    },
    DependencyFormat {
        ecosystem: "NuGet",
        pattern: PathPattern::Suffix(".csproj"),
        reader: FormatReader::Manifest(dotnet::project, Bare::Exact),
        docs: "https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files",
    },
    DependencyFormat {
        ecosystem: "NuGet",
        pattern: PathPattern::Name("packages.config"),
        reader: FormatReader::Manifest(dotnet::packages_config, Bare::Exact),
        docs: "https://learn.microsoft.com/en-us/nuget/reference/packages-config",
    },
    DependencyFormat {
        ecosystem: "NuGet",
        pattern: PathPattern::Name("Directory.Packages.props"),
        reader: FormatReader::Manifest(dotnet::project, Bare::Exact),
        docs: "https://learn.microsoft.com/en-us/nuget/consume-packages/central-package-management",
    },
    DependencyFormat {
        ecosystem: "NuGet",
        pattern: PathPattern::Name("packages.lock.json"),
        reader: FormatReader::Lockfile(None),
        docs: "https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies",
    },
    DependencyFormat {
        ecosystem: "GitHub Actions",
        pattern: PathPattern::Workflow,
        reader: FormatReader::Manifest(actions::workflow, Bare::Tag),
        docs: "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepsuses",
    },
    DependencyFormat {
        ecosystem: "pre-commit",
        pattern: PathPattern::Name(".pre-commit-config.yaml"),
        reader: FormatReader::Manifest(pre_commit::config, Bare::Tag),
        docs: "https://pre-commit.com/#pre-commit-configyaml---repos",
    },
];

/// Copies of other projects' manifests, not this project's dependencies.
const VENDORED: &[&str] = &["node_modules", "vendor", "bower_components"];

/// The format of a path, unless it is none or sits in a vendored tree.
pub(super) fn format_of(path: &str) -> Option<&'static DependencyFormat> {
    if path.split('/').any(|segment| VENDORED.contains(&segment)) {
        return None;
    }
    FORMATS.iter().find(|format| format.pattern.matches(path))
}

//! Unit tests of the dependency analyzer on real-shaped manifests and lockfiles.

use super::Dependencies;
use crate::analyze::domain::{Analyzer, Versions};
use crate::diff::{FileChange, FileStatus};
use crate::signal::Signal;

/// One file changed from `old` to `new` (`None`: added or deleted).
struct Change {
    file: FileChange,
    old: Option<&'static str>,
    new: Option<&'static str>,
}

fn change(path: &str, old: Option<&'static str>, new: Option<&'static str>) -> Change {
    let status = match (old, new) {
        (None, _) => FileStatus::Added,
        (_, None) => FileStatus::Deleted,
        _ => FileStatus::Modified,
    };
    let file = FileChange::new(
        status,
        old.map(|_| path.to_string()),
        new.map(|_| path.to_string()),
    );
    Change { file, old, new }
}

/// `(signal, subject)` of every fact about the changes, in order.
fn facts(changes: &[Change]) -> Vec<(Signal, String)> {
    let versions: Vec<Versions<'_>> = changes
        .iter()
        .filter(|c| Dependencies.wants(c.file.path(), b""))
        .map(|c| Versions {
            file: &c.file,
            old: c.old.map(str::as_bytes),
            new: c.new.map(str::as_bytes),
        })
        .collect();
    Dependencies
        .analyze_all(&versions)
        .facts
        .into_iter()
        .map(|f| (f.signal, f.subject.unwrap_or_default()))
        .collect()
}

fn one(path: &str, old: &'static str, new: &'static str) -> Vec<(Signal, String)> {
    facts(&[change(path, Some(old), Some(new))])
}

fn pairs(expected: &[(Signal, &str)]) -> Vec<(Signal, String)> {
    expected
        .iter()
        .map(|(s, n)| (*s, (*n).to_string()))
        .collect()
}

/// Cargo: a major bump, a new git dependency, a removal and a workspace-inherited entry.
#[test]
fn cargo_manifest() {
    let old = "[package]\nname = \"app\"\n\n[dependencies]\nserde = { version = \"1.0.188\", features = [\"derive\"] }\nclap = \"3.2\"\nlog = \"0.4\"\ntokio.workspace = true\n\n[dev-dependencies]\ninsta = \"1.34\"\n";
    let new = "[package]\nname = \"app\"\n\n[dependencies]\nserde = { version = \"1.0.190\", features = [\"derive\"] }\nclap = \"4.4\"\nmyfork = { git = \"https://github.com/someone/myfork\", rev = \"abc123\" }\ntokio.workspace = true\n\n[target.'cfg(unix)'.dependencies]\nnix = \"=0.27.1\"\n\n[dev-dependencies]\ninsta = \"*\"\n";
    assert_eq!(
        one("Cargo.toml", old, new),
        pairs(&[
            (Signal::DependencyBumped, "serde"),
            (Signal::DependencyMajorBump, "clap"),
            (Signal::DependencyAdded, "myfork"),
            (Signal::DependencyAdded, "nix"),
            (Signal::DependencyLoosened, "insta"),
            (Signal::DependencyRemoved, "log"),
        ])
    );
}

/// npm: bump, downgrade, pin removed, GitHub shorthand, and a new `postinstall`.
#[test]
fn npm_manifest() {
    let old = r#"{
  "name": "web",
  "scripts": { "build": "tsc", "test": "jest" },
  "dependencies": { "react": "^17.0.2", "lodash": "4.17.21", "axios": "^1.6.0" },
  "devDependencies": { "typescript": "~5.3.3" }
}"#;
    let new = r#"{
  "name": "web",
  "scripts": { "build": "tsc", "test": "jest", "postinstall": "node scripts/fetch.js" },
  "dependencies": { "react": "^18.2.0", "lodash": "^4.17.21", "axios": "^1.5.0", "left-pad": "someone/left-pad#main" },
  "devDependencies": { "typescript": "~5.3.3" }
}"#;
    assert_eq!(
        sorted(one("web/package.json", old, new)),
        sorted(pairs(&[
            (Signal::DependencyMajorBump, "react"),
            (Signal::DependencyLoosened, "lodash"),
            (Signal::DependencyDowngraded, "axios"),
            (Signal::DependencyAdded, "left-pad"),
            (Signal::InstallScriptAdded, "postinstall"),
        ]))
    );
}

/// pip: `==` to `>=` is a loosened pin; a URL requirement is a new source; hashes and
/// options are not packages.
#[test]
fn requirements_txt() {
    let old = "# pinned by pip-compile\nDjango==4.2.7 \\\n    --hash=sha256:aaaa\nrequests==2.31.0\n-r base.txt\ncelery[redis]==5.3.4 ; python_version >= \"3.8\"\nflask==3.0.0\n";
    let new = "# pinned by pip-compile\nDjango==5.0 \\\n    --hash=sha256:bbbb\nrequests>=2.31.0\n-r base.txt\ncelery[redis]==5.3.6 ; python_version >= \"3.8\"\nflask @ git+https://github.com/someone/flask@main\n-e ./libs/shared\n";
    assert_eq!(
        one("requirements-prod.txt", old, new),
        pairs(&[
            (Signal::DependencyMajorBump, "django"),
            (Signal::DependencyLoosened, "requests"),
            (Signal::DependencyBumped, "celery"),
            (Signal::DependencySourceChanged, "flask"),
            (Signal::DependencyAdded, "shared"),
        ])
    );
}

/// pyproject: PEP 621 lists, optional groups, Poetry tables and a uv source.
#[test]
fn pyproject_toml() {
    let old = "[project]\nname = \"svc\"\ndependencies = [\"httpx>=0.25\", \"pydantic>=2.4,<3\"]\n\n[project.optional-dependencies]\ndev = [\"pytest>=7\"]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nrich = \"^13.0\"\n";
    let new = "[project]\nname = \"svc\"\ndependencies = [\"httpx>=0.26\", \"pydantic>=2.4\", \"internal-lib\"]\n\n[project.optional-dependencies]\ndev = [\"pytest>=8\"]\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nrich = { version = \"^13.0\", git = \"https://github.com/someone/rich\" }\n\n[tool.uv.sources]\ninternal-lib = { path = \"../internal\" }\n";
    assert_eq!(
        one("pyproject.toml", old, new),
        pairs(&[
            (Signal::DependencyMajorBump, "httpx"),
            (Signal::DependencyLoosened, "pydantic"),
            (Signal::DependencyAdded, "internal-lib"),
            (Signal::DependencyMajorBump, "pytest"),
            (Signal::DependencySourceChanged, "rich"),
        ])
    );
}

/// Go: `/v2` is the same module one major later; a `replace` to a local path is a new source.
#[test]
fn go_mod() {
    let old = "module example.com/app\n\ngo 1.21\n\nrequire (\n\tgithub.com/go-chi/chi v1.5.4\n\tgolang.org/x/net v0.17.0 // indirect\n\tgopkg.in/yaml.v2 v2.4.0\n\tgithub.com/pkg/errors v0.9.1\n)\n";
    let new = "module example.com/app\n\ngo 1.21\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.0.10\n\tgolang.org/x/net v0.19.0 // indirect\n\tgopkg.in/yaml.v3 v3.0.1\n\tgithub.com/pkg/errors v0.9.1\n)\n\nreplace github.com/pkg/errors => ../errors\n";
    assert_eq!(
        one("go.mod", old, new),
        pairs(&[
            (Signal::DependencyMajorBump, "github.com/go-chi/chi"),
            (Signal::DependencyMajorBump, "golang.org/x/net"),
            (Signal::DependencyMajorBump, "gopkg.in/yaml"),
            (Signal::DependencySourceChanged, "github.com/pkg/errors"),
        ])
    );
}

/// Bundler: a pessimistic pin widened, a git gem, a major bump.
#[test]
fn gemfile() {
    let old = "source \"https://rubygems.org\"\n\ngem \"rails\", \"~> 7.0.8\"\ngem 'puma', '~> 6.4'\ngem \"sidekiq\", \"6.5.12\" # jobs\n";
    let new = "source \"https://rubygems.org\"\n\ngem \"rails\", \"~> 7.1.2\"\ngem 'puma', '>= 6.4'\ngem \"sidekiq\", \"7.2.0\" # jobs\ngem \"devise\", github: \"heartcombo/devise\", branch: \"main\"\n";
    assert_eq!(
        one("Gemfile", old, new),
        pairs(&[
            (Signal::DependencyBumped, "rails"),
            (Signal::DependencyLoosened, "puma"),
            (Signal::DependencyMajorBump, "sidekiq"),
            (Signal::DependencyAdded, "devise"),
        ])
    );
}

/// Maven: versions through properties, plugins and the parent POM.
#[test]
fn pom_xml() {
    let old = "<?xml version=\"1.0\"?>\n<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>2.7.18</version>\n  </parent>\n  <properties>\n    <jackson.version>2.15.3</jackson.version>\n  </properties>\n  <dependencies>\n    <!-- JSON -->\n    <dependency>\n      <groupId>com.fasterxml.jackson.core</groupId>\n      <artifactId>jackson-databind</artifactId>\n      <version>${jackson.version}</version>\n    </dependency>\n  </dependencies>\n</project>\n";
    let new = "<?xml version=\"1.0\"?>\n<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.2.1</version>\n  </parent>\n  <properties>\n    <jackson.version>2.14.0</jackson.version>\n  </properties>\n  <dependencies>\n    <!-- JSON -->\n    <dependency>\n      <groupId>com.fasterxml.jackson.core</groupId>\n      <artifactId>jackson-databind</artifactId>\n      <version>${jackson.version}</version>\n    </dependency>\n  </dependencies>\n  <build><plugins><plugin><artifactId>maven-shade-plugin</artifactId><version>3.5.1</version></plugin></plugins></build>\n</project>\n";
    assert_eq!(
        one("pom.xml", old, new),
        pairs(&[
            (
                Signal::DependencyMajorBump,
                "org.springframework.boot:spring-boot-starter-parent"
            ),
            (
                Signal::DependencyDowngraded,
                "com.fasterxml.jackson.core:jackson-databind"
            ),
            (
                Signal::DependencyAdded,
                "org.apache.maven.plugins:maven-shade-plugin"
            ),
        ])
    );
}

/// Gradle: Kotlin DSL coordinates and plugins, and the version catalog.
#[test]
fn gradle_and_catalog() {
    let old = "plugins {\n    id(\"org.springframework.boot\") version \"3.1.5\"\n}\n\ndependencies {\n    implementation(\"com.squareup.okhttp3:okhttp:4.12.0\")\n    testImplementation(\"junit:junit:4.13.2\")\n}\n";
    let new = "plugins {\n    id(\"org.springframework.boot\") version \"3.2.0\"\n}\n\ndependencies {\n    implementation(\"com.squareup.okhttp3:okhttp:5.0.0-alpha.12\")\n    testImplementation(\"junit:junit:4.+\")\n}\n";
    assert_eq!(
        one("app/build.gradle.kts", old, new),
        pairs(&[
            (Signal::DependencyBumped, "org.springframework.boot"),
            (Signal::DependencyMajorBump, "com.squareup.okhttp3:okhttp"),
            (Signal::DependencyLoosened, "junit:junit"),
        ])
    );
    let old = "[versions]\nkotlin = \"1.9.21\"\n\n[libraries]\nkotlin-stdlib = { module = \"org.jetbrains.kotlin:kotlin-stdlib\", version.ref = \"kotlin\" }\n\n[plugins]\nktlint = { id = \"org.jlleitschuh.gradle.ktlint\", version = \"11.6.1\" }\n";
    let new = "[versions]\nkotlin = \"2.0.0\"\n\n[libraries]\nkotlin-stdlib = { module = \"org.jetbrains.kotlin:kotlin-stdlib\", version.ref = \"kotlin\" }\n\n[plugins]\nktlint = { id = \"org.jlleitschuh.gradle.ktlint\", version = \"12.0.2\" }\n";
    assert_eq!(
        one("gradle/libs.versions.toml", old, new),
        pairs(&[
            (
                Signal::DependencyMajorBump,
                "org.jetbrains.kotlin:kotlin-stdlib"
            ),
            (Signal::DependencyMajorBump, "org.jlleitschuh.gradle.ktlint"),
        ])
    );
}

/// Composer: platform requirements are not packages; install hooks are scripts.
#[test]
fn composer_json() {
    let old = r#"{"require": {"php": "^8.1", "ext-json": "*", "laravel/framework": "^10.10"}, "require-dev": {"phpunit/phpunit": "^10.1"}}"#;
    let new = r#"{"require": {"php": "^8.2", "ext-json": "*", "laravel/framework": "^11.0", "guzzlehttp/guzzle": "^7.8"}, "require-dev": {"phpunit/phpunit": "*"},
"scripts": {"post-install-cmd": ["@php artisan key:generate"]}}"#;
    assert_eq!(
        sorted(one("composer.json", old, new)),
        sorted(pairs(&[
            (Signal::DependencyMajorBump, "laravel/framework"),
            (Signal::DependencyAdded, "guzzlehttp/guzzle"),
            (Signal::DependencyLoosened, "phpunit/phpunit"),
            (Signal::InstallScriptAdded, "post-install-cmd"),
        ]))
    );
}

/// `NuGet`: attributes and child elements, central package versions, `packages.config`.
#[test]
fn nuget_files() {
    let old = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Newtonsoft.Json\" Version=\"13.0.3\" />\n    <PackageReference Include=\"Serilog\">\n      <Version>3.1.1</Version>\n    </PackageReference>\n  </ItemGroup>\n</Project>\n";
    let new = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Newtonsoft.Json\" Version=\"12.0.3\" />\n    <PackageReference Include=\"Serilog\">\n      <Version>4.0.0</Version>\n    </PackageReference>\n    <PackageReference Include=\"Dapper\" Version=\"2.*\" />\n  </ItemGroup>\n</Project>\n";
    assert_eq!(
        one("src/Api/Api.csproj", old, new),
        pairs(&[
            (Signal::DependencyDowngraded, "Newtonsoft.Json"),
            (Signal::DependencyMajorBump, "Serilog"),
            (Signal::DependencyAdded, "Dapper"),
        ])
    );
    let old = "<Project>\n  <ItemGroup>\n    <PackageVersion Include=\"xunit\" Version=\"2.6.2\" />\n  </ItemGroup>\n</Project>\n";
    let new = "<Project>\n  <ItemGroup>\n    <PackageVersion Include=\"xunit\" Version=\"[2.6.2,)\" />\n  </ItemGroup>\n</Project>\n";
    assert_eq!(
        one("Directory.Packages.props", old, new),
        pairs(&[(Signal::DependencyLoosened, "xunit")])
    );
    let old = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  <package id=\"NUnit\" version=\"3.13.3\" targetFramework=\"net48\" />\n</packages>\n";
    let new = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  <package id=\"NUnit\" version=\"4.0.1\" targetFramework=\"net48\" />\n</packages>\n";
    assert_eq!(
        one("packages.config", old, new),
        pairs(&[(Signal::DependencyMajorBump, "NUnit")])
    );
}

/// GitHub Actions: a tag bump, a sha pin replaced by a tag, a new action, local actions ignored.
#[test]
fn workflow_uses() {
    let old = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v3\n      - uses: actions/setup-node@8f152de45cc393bb48ce5d89d36b731f54556e65 # v4.0.0\n      - uses: ./.github/actions/build\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v3\n";
    let new = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n      - uses: ./.github/actions/build\n      - name: Upload\n        uses: \"codecov/codecov-action@v4\"\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n";
    assert_eq!(
        one(".github/workflows/ci.yml", old, new),
        pairs(&[
            (Signal::DependencyMajorBump, "actions/checkout"),
            (Signal::DependencyLoosened, "actions/setup-node"),
            (Signal::DependencyAdded, "codecov/codecov-action"),
        ])
    );
}

const CARGO_LOCK_OLD: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.150\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"aaaa\"\n\n[[package]]\nname = \"log\"\nversion = \"0.4.20\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
const CARGO_LOCK_NEW: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.151\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"bbbb\"\n\n[[package]]\nname = \"log\"\nversion = \"0.4.20\"\nsource = \"git+https://github.com/someone/log?rev=1#1234abcd\"\n";

/// A lockfile changed alone is one refresh fact, plus a fact for a package whose source moved
/// off the registry; next to a changed manifest it is no refresh.
#[test]
fn lockfile_refresh_and_moved_source() {
    let alone = facts(&[change(
        "Cargo.lock",
        Some(CARGO_LOCK_OLD),
        Some(CARGO_LOCK_NEW),
    )]);
    assert_eq!(
        alone,
        pairs(&[
            (Signal::DependencySourceChanged, "log"),
            (Signal::LockfileRefreshed, "Cargo.lock"),
        ])
    );
    let with_manifest = facts(&[
        change("Cargo.lock", Some(CARGO_LOCK_OLD), Some(CARGO_LOCK_NEW)),
        change(
            "crates/app/Cargo.toml",
            Some("[dependencies]\nlibc = \"0.2.150\"\n"),
            Some("[dependencies]\nlibc = \"0.2.151\"\n"),
        ),
    ]);
    assert_eq!(
        with_manifest,
        pairs(&[
            (Signal::DependencySourceChanged, "log"),
            (Signal::DependencyBumped, "libc"),
        ])
    );
    // A manifest of another ecosystem, or in another directory, does not count.
    let elsewhere = facts(&[
        change(
            "web/yarn.lock",
            Some("a@^1:\n  version \"1.0.0\"\n"),
            Some("a@^1:\n  version \"1.0.1\"\n"),
        ),
        change("api/package.json", Some("{}"), Some("{}")),
    ]);
    assert_eq!(
        elsewhere,
        pairs(&[(Signal::LockfileRefreshed, "web/yarn.lock")])
    );
}

/// npm's lockfile marks packages with install scripts: a new one is a fact.
#[test]
fn package_lock_install_script() {
    let old = r#"{"lockfileVersion": 3, "packages": {"": {"name": "web"}, "node_modules/lodash": {"version": "4.17.21", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"}}}"#;
    let new = r#"{"lockfileVersion": 3, "packages": {"": {"name": "web"}, "node_modules/lodash": {"version": "4.17.21", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"}, "node_modules/esbuild": {"version": "0.19.8", "resolved": "https://registry.npmjs.org/esbuild/-/esbuild-0.19.8.tgz", "hasInstallScript": true}}}"#;
    assert_eq!(
        facts(&[change("package-lock.json", Some(old), Some(new))]),
        pairs(&[
            (Signal::InstallScriptAdded, "esbuild"),
            (Signal::LockfileRefreshed, "package-lock.json"),
        ])
    );
}

/// A manifest that does not parse is an unanalysable file, never silence; vendored copies
/// are not read at all.
#[test]
fn broken_manifest_fails_closed_and_vendored_is_skipped() {
    assert_eq!(
        one(
            "package.json",
            "{\"dependencies\": {}}",
            "{\"dependencies\": {\"a\": \"1\",}"
        ),
        pairs(&[(Signal::UnanalysableFile, "package.json")])
    );
    assert_eq!(
        one(
            "Cargo.toml",
            "[dependencies]\n",
            "[dependencies\nserde = 1\n"
        ),
        pairs(&[(Signal::UnanalysableFile, "Cargo.toml")])
    );
    assert!(
        one(
            "node_modules/left-pad/package.json",
            "{}",
            "{\"dependencies\": {\"a\": \"1\"}}"
        )
        .is_empty()
    );
}

/// A new manifest adds each of its dependencies; a deleted one removes them.
#[test]
fn added_and_deleted_manifests() {
    let go = "module m\n\nrequire github.com/google/uuid v1.4.0\n";
    assert_eq!(
        facts(&[change("svc/go.mod", None, Some(go))]),
        pairs(&[(Signal::DependencyAdded, "github.com/google/uuid")])
    );
    assert_eq!(
        facts(&[change("svc/go.mod", Some(go), None)]),
        pairs(&[(Signal::DependencyRemoved, "github.com/google/uuid")])
    );
}

/// Every row of the format table names its documentation.
#[test]
fn every_format_cites_its_docs() {
    for format in super::formats::FORMATS {
        assert!(format.docs.starts_with("https://"), "{}", format.ecosystem);
    }
}

/// Facts on one line (a one-line JSON map) come in key order; compare those as sets.
fn sorted(mut facts: Vec<(Signal, String)>) -> Vec<(Signal, String)> {
    facts.sort();
    facts
}

/// yarn.lock (classic and Berry), Gemfile.lock and composer.lock are read per package: a
/// package moved to git is a fact even in a refresh.
#[test]
fn more_lockfiles_read_per_package() {
    let old = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.23.0\"\n  resolved \"https://registry.yarnpkg.com/@babel/core/-/core-7.23.0.tgz#abc\"\n  dependencies:\n    debug \"^4.1.0\"\n\ndebug@^4.1.0:\n  version \"4.3.4\"\n  resolved \"https://registry.yarnpkg.com/debug/-/debug-4.3.4.tgz#def\"\n";
    let new = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.23.2\"\n  resolved \"https://registry.yarnpkg.com/@babel/core/-/core-7.23.2.tgz#abc\"\n  dependencies:\n    debug \"^4.1.0\"\n\ndebug@^4.1.0:\n  version \"4.3.4\"\n  resolved \"git+https://github.com/someone/debug.git#0123\"\n";
    assert_eq!(
        facts(&[change("yarn.lock", Some(old), Some(new))]),
        pairs(&[
            (Signal::DependencySourceChanged, "debug"),
            (Signal::LockfileRefreshed, "yarn.lock"),
        ])
    );
    let berry = super::npm::yarn_lock("\"left-pad@npm:^1.3.0\":\n  version: 1.3.0\n  resolution: \"left-pad@npm:1.3.0\"\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n").expect("berry lockfile");
    assert_eq!(berry[0].name, "left-pad");
    assert_eq!(berry[0].version, "1.3.0");
    assert_eq!(berry[0].source, super::model::PackageSource::Registry);
    assert_eq!(
        berry[1].source,
        super::model::PackageSource::Path(".".into())
    );

    let old = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.8)\n    rails (7.1.2)\n      rack (>= 2.2.4)\n\nPLATFORMS\n  ruby\n";
    let new = "GIT\n  remote: https://github.com/someone/rack.git\n  revision: 0123\n  specs:\n    rack (3.0.9)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rails (7.1.2)\n      rack (>= 2.2.4)\n\nPLATFORMS\n  ruby\n";
    assert_eq!(
        facts(&[change("Gemfile.lock", Some(old), Some(new))]),
        pairs(&[
            (Signal::DependencySourceChanged, "rack"),
            (Signal::LockfileRefreshed, "Gemfile.lock"),
        ])
    );
    let composer = super::php::lockfile(r#"{"packages": [{"name": "monolog/monolog", "version": "3.5.0", "source": {"type": "git", "url": "https://github.com/Seldaek/monolog.git"}, "dist": {"type": "zip", "url": "https://api.github.com/repos/Seldaek/monolog/zipball/abc"}}], "packages-dev": [{"name": "acme/tools", "version": "dev-main", "dist": {"type": "path", "url": "../tools"}}]}"#).expect("composer.lock");
    assert_eq!(composer[0].source, super::model::PackageSource::Registry);
    assert_eq!(
        composer[1].source,
        super::model::PackageSource::Path("../tools".into())
    );
}

/// A dev-only dependency that becomes one the product ships is added to the product (git-ai
/// 55b2d7c: `windows-sys` moved from a dev table into `[target.'cfg(windows)'.dependencies]`).
#[test]
fn dev_dependency_shipped_is_added() {
    let old = "[dependencies]\nserde = \"1\"\n\n[target.'cfg(windows)'.dev-dependencies]\nwindows-sys = \"0.61\"\n";
    let new = "[dependencies]\nserde = \"1\"\n\n[target.'cfg(windows)'.dependencies]\nwindows-sys = \"0.61\"\n\n[target.'cfg(windows)'.dev-dependencies]\nwindows-sys = \"0.61\"\n";
    let old = super::cargo::manifest(old).expect("old parses");
    let new = super::cargo::manifest(new).expect("new parses");
    let added: Vec<_> = new
        .deps
        .iter()
        .filter(|dep| !old.deps.iter().any(|known| known.same(dep)))
        .map(|dep| (dep.name.as_str(), dep.scope))
        .collect();
    assert_eq!(added, vec![("windows-sys", "")]);
}

/// npm: a devDependency moved into `dependencies` now installs with the package.
#[test]
fn npm_dev_dependency_shipped_is_added() {
    let old = r#"{"dependencies": {"zod": "^3"}, "devDependencies": {"vitest": "^2"}}"#;
    let new = r#"{"dependencies": {"zod": "^3", "vitest": "^2"}}"#;
    let old = super::npm::manifest(old).expect("old parses");
    let new = super::npm::manifest(new).expect("new parses");
    let added: Vec<_> = new
        .deps
        .iter()
        .filter(|dep| !old.deps.iter().any(|known| known.same(dep)))
        .map(|dep| (dep.name.as_str(), dep.scope))
        .collect();
    assert_eq!(added, vec![("vitest", "")]);
}

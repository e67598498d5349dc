//! The catalogue of signals: every finding id the gate can emit, with its unit and meaning.
//!
//! This is the one list that the analyzers emit into, the policy's `weights` are checked
//! against, and reports explain from. Ids are stable kebab-case; never rename one, add a new
//! id instead (policies in the wild refer to them).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! signals {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, per $unit:literal, $about:literal; )+) => {
        /// A kind of fact about a change that the policy can weigh.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Signal {
            $( $(#[$doc])* $variant, )+
        }

        impl Signal {
            /// Every signal, in catalogue order.
            pub const ALL: &'static [Signal] = &[$(Signal::$variant),+];

            /// Stable kebab-case id used in policies and reports.
            #[must_use]
            pub fn id(self) -> &'static str {
                match self { $(Signal::$variant => $id,)+ }
            }

            /// What one unit of this signal is ("line", "file", …).
            #[must_use]
            pub fn unit(self) -> &'static str {
                match self { $(Signal::$variant => $unit,)+ }
            }

            /// One-line description for help texts and SARIF rules.
            #[must_use]
            pub fn about(self) -> &'static str {
                match self { $(Signal::$variant => $about,)+ }
            }
        }
    };
}

signals! {
    /// Lines added by the change.
    LinesAdded = "lines-added", per "line", "Lines added.";
    /// Lines removed by the change.
    LinesDeleted = "lines-deleted", per "line", "Lines removed.";
    /// Any file the change touches.
    FileTouched = "file-touched", per "file", "A file is added, changed, renamed or removed.";
    /// A file removed outright.
    FileDeleted = "file-deleted", per "file", "A file is removed.";
    /// Binary content that cannot be read line by line.
    BinaryFile = "binary-file", per "file", "Binary content changed; it cannot be reviewed as text.";
    /// A file larger than the policy's analysis limit.
    OversizedFile = "oversized-file", per "file", "File is larger than the policy's analysis limit and was not analysed.";
    /// A file the gate could not read or analyse.
    UnanalysableFile = "unanalysable-file", per "file", "File could not be read or analysed.";
    /// A file of a risky kind that no analyzer could read (binary, over the size limit, or
    /// nested past the parsers' depth limit).
    UnanalysableRiskyFile = "unanalysable-risky-file", per "file", "A file of a risky kind (infrastructure, migration, pipeline, hook, Dockerfile, policy) is binary, too large or too deeply nested to analyse; it is judged as the worst case for its kind.";
    /// A symbolic link added, changed or removed.
    SymlinkChanged = "symlink-changed", per "file", "A symbolic link changed; its target can point anywhere.";
    /// A submodule pointer moved.
    SubmoduleChanged = "submodule-changed", per "file", "A submodule now points at other code that is not shown in this diff.";
    /// A submodule bump whose commits are not in the repository, so it was not analysed.
    SubmoduleUnanalysed = "submodule-unanalysed", per "file", "A submodule now points at commits that are not in the repository: what it brings in could not be analysed.";
    /// A file's mode changed (e.g. made executable).
    ModeChanged = "mode-changed", per "file", "File mode changed (e.g. made executable).";
    /// A path that is not valid UTF-8.
    NonUtf8Path = "non-utf8-path", per "file", "Path is not valid UTF-8; tools and reviewers may not see it as written.";
    /// The gate's own policy file changed.
    PolicyChanged = "policy-changed", per "file", "The blastgate policy itself changed; the change edits its own gate.";
    /// Git hook configuration or hook scripts changed.
    HookChanged = "hook-changed", per "file", "Git hook scripts or hook managers changed; they run on every developer machine.";
    /// A hook configuration change that only moves the pinned revisions of hook repositories.
    HookPinMoved = "hook-pin-moved", per "file", "Only the pinned revisions of hook repositories moved (pre-commit `rev:`): new hook code runs on every developer machine, as with a dependency bump.";
    /// CI configuration changed.
    CiChanged = "ci-changed", per "file", "CI configuration changed; it runs with the pipeline's credentials.";
    /// An exported or package-visible symbol removed.
    SymbolRemoved = "symbol-removed", per "symbol", "A symbol other files can use was removed.";
    /// An exported or package-visible symbol renamed (same body, new name).
    SymbolRenamed = "symbol-renamed", per "symbol", "A symbol other files can use was renamed; callers of the old name break.";
    /// The parameters, return type or generics of a visible symbol changed.
    PublicSignatureChanged = "public-signature-changed", per "symbol", "The signature of a symbol other files can use changed.";
    /// A symbol became less visible.
    VisibilityReduced = "visibility-reduced", per "symbol", "A symbol became less visible; outside users lose access.";
    /// Only the body of a public symbol changed.
    PublicBodyChanged = "public-body-changed", per "symbol", "The behaviour of a public symbol changed; its callers get the new behaviour.";
    /// Files that refer to a changed symbol.
    Dependents = "dependents", per "file", "Other files refer to a changed symbol (each weighted by its own tier).";
    /// Files reached through the callers of a changed symbol.
    TransitiveDependents = "transitive-dependents", per "file", "Files reached through the callers of a changed symbol, to a bounded depth.";
    /// A reference to a removed or renamed symbol that is still there after the change.
    DanglingReference = "dangling-reference", per "site", "Code still refers to a symbol the change removed or renamed: very likely a break.";
    /// A whitespace- or comment-only edit.
    CosmeticEdit = "cosmetic-edit", per "line", "Lines changed only in whitespace or comments; no structural risk.";
    /// An infrastructure resource, module or data source removed.
    ResourceDestroyed = "resource-destroyed", per "resource", "An infrastructure resource or module is removed: applying the change destroys it.";
    /// A stateful resource removed.
    StatefulResourceDestroyed = "stateful-resource-destroyed", per "resource", "A stateful resource (database, volume, bucket, cluster, queue) is destroyed: data loss unless snapshotted.";
    /// A resource destroyed and created again (renamed, re-keyed, or a replacement-forcing attribute changed).
    ResourceReplaced = "resource-replaced", per "resource", "A resource is renamed, re-keyed or has a replacement-forcing attribute changed: it is destroyed and recreated.";
    /// A stateful resource destroyed and created again.
    StatefulResourceReplaced = "stateful-resource-replaced", per "resource", "A stateful resource is destroyed and recreated: data loss unless snapshotted.";
    /// Protection against destruction weakened.
    DestroyProtectionRemoved = "destroy-protection-removed", per "resource", "Protection against destruction is weakened (prevent_destroy, deletion protection, final snapshot, retention policy).";
    /// An IAM policy granting every action or resource.
    IamWildcard = "iam-wildcard", per "statement", "An IAM policy grants `*` actions or resources.";
    /// Network access opened to the whole internet.
    PublicIngress = "public-ingress", per "rule", "A network rule opens access to 0.0.0.0/0 or ::/0.";
    /// Backend, provider source or provider version changed.
    InfraProviderChanged = "infra-provider-changed", per "block", "The state backend or a provider's source or version changed.";
    /// A workload scaled to zero replicas.
    WorkloadScaledToZero = "workload-scaled-to-zero", per "workload", "A workload is scaled to zero replicas: the service stops.";
    /// A container given host-level power.
    PrivilegedWorkload = "privileged-workload", per "container", "A container runs privileged, on the host network, with a host path or with added capabilities.";
    /// cluster-admin granted by a (Cluster)RoleBinding.
    ClusterAdminGranted = "cluster-admin-granted", per "binding", "A (Cluster)RoleBinding grants cluster-admin.";
    /// Resource limits or health probes removed.
    LimitsOrProbesRemoved = "limits-or-probes-removed", per "container", "A container lost its resource limits or health probes.";
    /// A container image moved to `latest` or no tag.
    ImageUnpinned = "image-unpinned", per "image", "A container image is `latest` or unpinned: what runs can change without a commit.";
    /// A migration that drops data.
    MigrationDropsData = "migration-drops-data", per "statement", "A migration drops a table, column, schema or database, or truncates a table.";
    /// DELETE or UPDATE without WHERE.
    MigrationUnboundedWrite = "migration-unbounded-write", per "statement", "A migration deletes or updates every row (no WHERE).";
    /// A column type change, rename or index drop.
    MigrationAltersSchema = "migration-alters-schema", per "statement", "A migration changes a column's type, renames a table or column, or drops an index.";
    /// A migration edited after it was added.
    MigrationRewritten = "migration-rewritten", per "file", "An existing migration was edited: databases that already ran it will not see the change.";
    /// A migration statement that locks a table while it scans, validates or rewrites it.
    MigrationLocksTable = "migration-locks-table", per "statement", "A migration takes a lock that blocks writes (or reads) while it scans or rewrites a table (SET NOT NULL, constraint without NOT VALID, index without CONCURRENTLY, type change).";
    /// Workflow permissions widened.
    WorkflowPermissionsWidened = "workflow-permissions-widened", per "workflow", "A CI workflow's token permissions were widened (e.g. `write-all`).";
    /// `pull_request_target` with a checkout of the pull request's head.
    UntrustedCheckout = "untrusted-checkout", per "job", "A privileged workflow (pull_request_target) checks out and runs the pull request's code.";
    /// Secrets passed to an untrusted step.
    SecretsExposed = "secrets-exposed", per "step", "Secrets are passed to a step that runs untrusted code or an unpinned third-party action.";
    /// A third-party action not pinned to a commit.
    ActionUnpinned = "action-unpinned", per "step", "A third-party action is referenced by tag or branch, not by commit sha.";
    /// A new deploy or release job.
    DeployJobAdded = "deploy-job-added", per "job", "A new deploy or release job was added to CI.";
    /// A container image that runs as root.
    ContainerRunsAsRoot = "container-runs-as-root", per "image", "A Dockerfile switches to `USER root` (or drops its non-root user).";
    /// Downloading and piping a script into a shell.
    PipeToShell = "pipe-to-shell", per "command", "A build step pipes a downloaded script into a shell (`curl … | sh`).";
    /// The base image of a Dockerfile changed.
    BaseImageChanged = "base-image-changed", per "image", "A Dockerfile's base image changed.";
    /// A credential added in the diff.
    SecretAdded = "secret-added", per "secret", "A high-confidence credential (private key, cloud or platform token) is added.";
    /// Something that runs blastgate itself changed.
    GateConfigChanged = "gate-config-changed", per "file", "A hook or CI step that runs blastgate itself changed.";
    /// A file that a recently reverted or hot-fixed commit changed.
    RecentlyReverted = "recently-reverted", per "file", "The file was changed by a commit that was later reverted or hot-fixed, among the 500 commits before the change.";
    /// AI evidence without the disclosure trailer the policy requires.
    AiUndisclosed = "ai-undisclosed", per "commit", "AI assistance was found in a commit (or its pull request) that lacks the disclosure trailer the policy requires (`provenance.require_disclosure`).";
    /// A dependency added to a manifest (or a GitHub Actions `uses:`).
    DependencyAdded = "dependency-added", per "package", "A dependency was added: new third-party code runs in the build or the product.";
    /// A dependency removed from a manifest.
    DependencyRemoved = "dependency-removed", per "package", "A dependency was removed; code that still imports it breaks.";
    /// A dependency moved to a new major version (0.x: a new minor).
    DependencyMajorBump = "dependency-major-bump", per "package", "A dependency moved to a new major version (for 0.x, a new minor): breaking changes are allowed.";
    /// A dependency moved to an older version.
    DependencyDowngraded = "dependency-downgraded", per "package", "A dependency moved to an older version: fixes, including security fixes, may be undone.";
    /// A dependency's minor or patch version moved forward.
    DependencyBumped = "dependency-bumped", per "package", "A dependency's minor or patch version moved forward.";
    /// A version requirement accepts more versions than before.
    DependencyLoosened = "dependency-loosened", per "package", "A version requirement was loosened or its pin removed (exact to range, a commit sha to a tag): future installs can pull other code.";
    /// A dependency now comes from git, a URL or a local path.
    DependencySourceChanged = "dependency-source-changed", per "package", "A dependency now comes from git, a URL or a local path instead of its registry.";
    /// An install-time script added or changed.
    InstallScriptAdded = "install-script-added", per "script", "A script that runs at install time (npm `preinstall`/`install`/`postinstall`/`prepare`, Composer install hooks, a locked package with an install script) was added or changed.";
    /// A lockfile changed without a manifest change next to it.
    LockfileRefreshed = "lockfile-refreshed", per "file", "A lockfile was regenerated without a manifest change: mechanical.";
    /// Security-sensitive code (crypto, secrets, auth, TLS, file modes, shell, SQL,
    /// deserialisation) added, removed or changed, or the function around it changed.
    SecuritySensitiveChange = "security-sensitive-change", per "construct", "Security-sensitive code (cryptography, secret handling, authentication, TLS, file modes, shell, SQL, deserialisation) was added, removed or changed, or the function around it changed.";
    /// A file only reformatted.
    Reformatted = "reformatted", per "file", "The file was only reformatted: the same code once whitespace, comments, quote style, trailing commas, redundant parentheses and import order are normalised.";
    /// A definition moved to another file and imported back, or carried by a renamed file.
    Moved = "moved", per "symbol", "A whole definition moved to another file (unchanged modulo formatting, and imported or re-exported from its new place), or went with its file when the file was renamed into another module; each use that still names the old place is a dangling reference.";
    /// One mechanical edit applied across many files.
    Codemod = "codemod", per "edit", "The same mechanical edit (one identifier replaced by another, nothing else changed) across many files, grouped into one fact.";
    /// A vendored or generated tree changed.
    GeneratedChanged = "generated-changed", per "tree", "A vendored or generated tree changed; counted once per tree, not by its lines.";
    // Workflows at zizmor's level (issue 13).
    /// An attacker-controllable context expanded into a workflow script.
    WorkflowTemplateInjection = "workflow-template-injection", per "context", "An attacker-controllable `${{ … }}` (a pull request title, a branch name, an input…) is expanded into a `run:` script or a github-script `script:`: its author can run code with the job's credentials.";
    /// A job on a privileged trigger reaching credentials.
    PrivilegedTrigger = "privileged-trigger", per "job", "A job runs on `pull_request_target`, `workflow_run` or `issue_comment` (started from a fork or by a comment) and reaches secrets, an environment, `id-token: write` or a write token.";
    /// `ACTIONS_ALLOW_UNSECURE_COMMANDS` set.
    UnsecureCommandsEnabled = "unsecure-commands-enabled", per "scope", "`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables `set-env`/`add-path`: anything printed to the log can set the environment.";
    /// `secrets: inherit` to a reusable workflow.
    SecretsInherited = "secrets-inherited", per "job", "A job passes every secret of the repository to a reusable workflow (`secrets: inherit`).";
    /// A self-hosted runner on a trigger forks can start.
    SelfHostedForkRunner = "self-hosted-fork-runner", per "job", "A job runs on a self-hosted runner on a trigger a fork's pull request or a comment can start: outsiders' code runs on that machine.";
    /// A GitLab job newly run for fork merge requests with credentials.
    ForkPipelineCredentials = "fork-pipeline-credentials", per "job", "A GitLab CI job that reads credentials (secret variables, `secrets:`, `id_tokens:`, an environment) now runs in merge request pipelines a fork can start.";
    /// A GitLab `include:` of another project or URL at a moving ref.
    PipelineIncludeUnpinned = "pipeline-include-unpinned", per "include", "A GitLab CI `include:` pulls configuration from a URL, project or component at a branch or tag, not a commit sha: it can change without a commit here.";
    /// A credential format matched on what is plainly test data.
    SecretLikeTestData = "secret-like-test-data", per "secret", "A credential format matched on test data (a placeholder or elided key body, a key header without a new body, an `EXAMPLE`/dummy marker): reported, not blocked.";
    /// A real-shaped credential whose only sign of being test data is its file's place.
    SecretInTestCode = "secret-in-test-code", per "secret", "A real-shaped credential (no placeholder, marker or elided body) in a test file or under a test directory: suites hold such values by design, but a file name is the author's choice, so a senior confirms it.";
    /// A base image moved to a new digest of its tag or a new patch release.
    BaseImageBumped = "base-image-bumped", per "image", "A Dockerfile's base image moved to a new digest of the same tag, or to a new patch release of the same image and variant: mechanical.";
    /// A Terraform plan removes a resource from state without destroying it (issue 13).
    ResourceForgotten = "resource-forgotten", per "resource", "The Terraform plan forgets a resource: removed from state, it keeps running unmanaged.";
    /// The source analysis reported a destroy or replacement the Terraform plan does not make.
    PlanContradictsSource = "plan-contradicts-source", per "resource", "The source analysis reported a destroy or replacement that the Terraform plan does not make: the plan wins.";
}

impl Signal {
    /// Looks a signal up by its id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|signal| signal.id() == id)
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Signal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// In the JSON report's schema a finding id is one of the catalogue's ids.
impl schemars::JsonSchema for Signal {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FindingId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Signal::ALL.iter().map(|signal| signal.id()).collect();
        schemars::json_schema!({
            "description": "A finding id from the catalogue (src/signal.rs, README).",
            "type": "string",
            "enum": ids,
        })
    }
}

/// By id, as written; an id this build does not know is an error (a shard file from another
/// version), never a silent default.
impl<'de> Deserialize<'de> for Signal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Signal::from_id(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding id `{id}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's list of finding ids names every id, so a new finding is documented.
    #[test]
    fn readme_lists_every_id() {
        let readme = include_str!("../README.md");
        let missing: Vec<&str> = Signal::ALL
            .iter()
            .map(|signal| signal.id())
            .filter(|id| !readme.contains(&format!("`{id}`")))
            .collect();
        assert!(missing.is_empty(), "README.md does not name {missing:?}");
    }

    /// Ids are unique and kebab-case, so policies and reports can rely on them.
    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for signal in Signal::ALL {
            let id = signal.id();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{id} is not kebab-case"
            );
            assert_eq!(Signal::from_id(id), Some(*signal));
            assert!(!signal.about().is_empty());
        }
    }
}

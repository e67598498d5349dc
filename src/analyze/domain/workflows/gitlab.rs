//! GitLab CI: new deploy jobs, images that are `latest` or untagged, and scripts that pipe a
//! download into a shell. Keywords follow GitLab's "CI/CD YAML syntax reference".

use std::collections::HashSet;

use super::super::kubernetes::image_unpinned;
use super::super::tree::{self, Node};
use super::super::{Analysis, Analyzer, Versions, fact};
use super::{documents, file_name, pipes_to_shell};
use crate::analyze::Fact;
use crate::analyze::lang::config_for_path;
use crate::analyze::run_by::{Route, RunFile};
use crate::signal::Signal;

/// See the module docs.
pub struct GitlabCi;

/// Top-level keys that are not jobs. Source: GitLab "CI/CD YAML syntax reference", global
/// keywords (plus the deprecated globals `image`, `services`, `cache`, `before_script`,
/// `after_script`).
const GLOBAL_KEYS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "spec",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
];

const SCRIPTS: &[&str] = &["before_script", "script", "after_script"];

impl Analyzer for GitlabCi {
    fn name(&self) -> &'static str {
        "gitlab-ci"
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        let yaml = config_for_path(path).is_some_and(|language| language.name == "yaml");
        yaml && (path.ends_with(".gitlab-ci.yml") || path.contains(".gitlab/ci/"))
    }

    fn wants_run_by(&self, entry: &RunFile) -> bool {
        // A file pulled in by `include: local:` is pipeline configuration, whatever its name.
        entry.kind == Route::Pipeline && !entry.path.contains(".github/")
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let (old, new) = match documents(versions, "gitlab-ci") {
            Ok(docs) => docs,
            Err(mut fallback) => {
                // Not YAML (a template): the added lines still show downloads piped to a shell.
                let file = file_name(versions);
                fallback.facts = tree::added_lines(versions.file)
                    .filter(|(_, content)| pipes_to_shell(content))
                    .map(|(line, _)| {
                        let message = "a download is piped into a shell (line-level)";
                        fact(versions, Signal::PipeToShell, Some(line), file, message)
                    })
                    .collect();
                return fallback;
            }
        };
        let file = file_name(versions);
        let mut facts = super::gitlab_access::includes(versions, file, &old, &new);
        // The whole file (globals, `default:`) is one more "job" named after its key.
        let scopes = |doc: &Node| -> Vec<(String, Node)> {
            let mut out = vec![("(global)".to_string(), doc.clone())];
            for entry in doc.entries() {
                let job = !GLOBAL_KEYS.contains(&entry.key.as_str())
                    && !entry.key.starts_with('.')
                    && !entry.value.entries().is_empty();
                if job || entry.key == "default" {
                    out.push((entry.key.clone(), entry.value.clone()));
                }
            }
            out
        };
        let old_scopes = scopes(&old);
        for (name, job) in scopes(&new) {
            let before = old_scopes.iter().find(|(n, _)| *n == name).map(|(_, j)| j);
            let subject = format!("{file}#{name}");
            facts.extend(compare(
                versions,
                &subject,
                &job,
                before,
                name == "(global)",
            ));
            if name != "(global)" && name != "default" {
                let docs = (&old, &new);
                facts.extend(super::gitlab_access::job(
                    versions, &subject, &job, before, docs,
                ));
            }
        }
        Analysis {
            facts,
            fallbacks: Vec::new(),
        }
    }
}

fn compare(
    versions: &Versions<'_>,
    subject: &str,
    job: &Node,
    before: Option<&Node>,
    global: bool,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let image = |job: &Node| -> Option<(String, u32)> {
        let node = job.get("image")?;
        let name = node.as_str().or_else(|| node.get("name")?.as_str())?;
        Some((name.to_string(), node.line))
    };
    if let Some((reference, line)) = image(job)
        && image_unpinned(&reference)
        && !before
            .and_then(image)
            .is_some_and(|(old, _)| image_unpinned(&old))
    {
        facts.push(fact(versions, Signal::ImageUnpinned, Some(line), subject, format!("{subject} runs in image {reference}, not pinned: the build can change without a commit")));
    }
    let old_lines: HashSet<String> = before
        .map(script_lines)
        .unwrap_or_default()
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    for (command, line) in script_lines(job) {
        if pipes_to_shell(&command) && !old_lines.contains(&command) {
            facts.push(fact(
                versions,
                Signal::PipeToShell,
                Some(line),
                subject,
                format!("{subject} pipes a download into a shell: the script is not reviewed"),
            ));
        }
    }
    let stage = job
        .get("stage")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_lowercase();
    let deploys = ["deploy", "release", "publish"]
        .iter()
        .any(|w| stage.contains(w))
        || job.get("environment").is_some();
    if !global && before.is_none() && deploys {
        let line = job
            .get("stage")
            .or(job.get("environment"))
            .map_or(job.line, |n| n.line);
        facts.push(fact(
            versions,
            Signal::DeployJobAdded,
            Some(line),
            subject,
            format!("new job {subject} deploys or releases"),
        ));
    }
    facts
}

/// Script lines of a job, each with its line.
fn script_lines(job: &Node) -> Vec<(String, u32)> {
    SCRIPTS
        .iter()
        .filter_map(|field| job.get(field))
        .flat_map(|node| {
            if node.items().is_empty() {
                std::slice::from_ref(node)
            } else {
                node.items()
            }
        })
        .filter_map(|item| Some((item.as_str()?.trim().to_string(), item.line)))
        .collect()
}

//! GitHub Actions: the `uses:` of workflow steps, reusable-workflow jobs and composite actions,
//! as `owner/repo[/path]@ref`. The ref is the version: a commit sha (with the version in its
//! trailing comment, as Dependabot and Renovate write it), a tag, or a branch. Local actions
//! (`./…`) and container images (`docker://…`) are not third-party dependencies here.

use super::model::{Dep, Manifest, number};

/// Reads the `uses:` lines of a workflow or `action.yml`; the first use of an action in the
/// file stands for it.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn workflow(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        let line = line.strip_prefix("- ").map_or(line, str::trim_start);
        let Some(value) = line.strip_prefix("uses:") else {
            continue;
        };
        let (value, comment) = match value.split_once(" #") {
            Some((value, comment)) => (value.trim(), comment.trim()),
            None => (value.trim(), ""),
        };
        let value = value.trim_matches(['"', '\'']);
        if value.starts_with("./") || value.starts_with("docker://") {
            continue;
        }
        let Some((name, reference)) = value.split_once('@') else {
            continue;
        };
        let requirement = if comment.is_empty() {
            reference.to_string()
        } else {
            format!("{reference} # {comment}")
        };
        manifest.push(Dep::new(name, requirement, number(index)));
    }
    Ok(manifest)
}

//! `blastgate pre-push` run by the pre-commit framework. pre-commit reads git's pre-push ref
//! list itself and hands the hook nothing on standard input: it passes the first ref that has
//! something to push as `PRE_COMMIT_*` variables (pre-commit's `hook_impl.py` and `run.py`).
//! This turns them back into one line of git's protocol, so both ways are judged alike.

use std::path::Path;

use anyhow::Context as _;

use crate::diff::Env;

/// The remote and the pre-push input line pre-commit described, or `None` when the process
/// does not run under pre-commit's pre-push stage.
pub(super) fn push_from_env(dir: &Path, env: Env<'_>) -> anyhow::Result<Option<(String, String)>> {
    let Some(remote) = env("PRE_COMMIT_REMOTE_NAME").filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let var = |name: &str| {
        env(name).filter(|v| !v.is_empty()).with_context(|| {
            format!("PRE_COMMIT_REMOTE_NAME is set but {name} is not; run blastgate pre-push from pre-commit's pre-push stage, or pass the remote name")
        })
    };
    let local_ref = var("PRE_COMMIT_LOCAL_BRANCH")?;
    let remote_ref = var("PRE_COMMIT_REMOTE_BRANCH")?;
    let repo = crate::git::open(dir)?;
    // Without PRE_COMMIT_TO_REF (a push that starts at a root commit) the local ref is pushed.
    let to = env("PRE_COMMIT_TO_REF")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| local_ref.clone());
    let to_oid = crate::git::resolve_commit(&repo, &to)?;
    let from_oid = match env("PRE_COMMIT_FROM_REF").filter(|v| !v.is_empty()) {
        Some(from) => crate::git::resolve_commit(&repo, &from)?.to_string(),
        // git's "no object" id: the remote does not have the ref yet.
        None => git2::Oid::ZERO_SHA1.to_string(),
    };
    Ok(Some((
        remote,
        format!("{local_ref} {to_oid} {remote_ref} {from_oid}\n"),
    )))
}

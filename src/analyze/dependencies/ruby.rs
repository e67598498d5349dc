//! Bundler: `gem` lines of a `Gemfile` with their requirements and `git:`, `github:`, `path:`
//! or `source:` options, and the gems of `Gemfile.lock` with their section.

use super::model::{Dep, Locked, Manifest, PackageSource, number};

/// The arguments of a call line, split on commas outside quotes and brackets, with a trailing
/// `#` comment dropped.
fn arguments(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quote: Option<char> = None;
    let mut depth = 0_u32;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => break,
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out.into_iter()
        .map(|arg| arg.trim().to_string())
        .filter(|arg| !arg.is_empty())
        .collect()
}

fn unquote(text: &str) -> Option<&str> {
    let text = text.trim();
    ['"', '\'']
        .iter()
        .find_map(|q| text.strip_prefix(*q)?.strip_suffix(*q))
}

/// `key: value` or `:key => value`.
fn option(argument: &str) -> Option<(&str, &str)> {
    if let Some((key, value)) = argument.split_once("=>") {
        return Some((key.trim().trim_start_matches(':'), value.trim()));
    }
    let (key, value) = argument.split_once(": ")?;
    (!key.starts_with(['"', '\''])).then(|| (key.trim(), value.trim()))
}

/// Reads a `Gemfile`.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn gemfile(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let Some(call) = line
            .strip_prefix("gem ")
            .or_else(|| line.strip_prefix("gem("))
        else {
            continue;
        };
        let args = arguments(call.trim_end_matches(')'));
        let Some(name) = args.first().and_then(|arg| unquote(arg)) else {
            continue; // a name built at run time: not a literal to compare
        };
        let mut requirements = Vec::new();
        let mut source = PackageSource::Registry;
        for arg in &args[1..] {
            match (option(arg), unquote(arg)) {
                (Some((key, value)), _) => {
                    let value = unquote(value).unwrap_or(value).to_string();
                    source = match key {
                        "git" => PackageSource::Git(value),
                        "github" => PackageSource::Git(format!("github:{value}")),
                        "path" => PackageSource::Path(value),
                        "source" => PackageSource::Url(value),
                        _ => continue,
                    };
                }
                (None, Some(requirement)) => requirements.push(requirement.to_string()),
                (None, None) => {}
            }
        }
        manifest.push(Dep::new(name, requirements.join(", "), number(index)).from(source));
    }
    Ok(manifest)
}

/// Reads a `Gemfile.lock`: the gems of its `GEM` (registry), `GIT` and `PATH` sections.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn lockfile(text: &str) -> Result<Vec<Locked>, String> {
    let mut out = Vec::new();
    let mut section = "";
    let mut remote = String::new();
    for line in text.lines() {
        if !line.starts_with(' ') {
            section = line.trim();
            remote.clear();
            continue;
        }
        if let Some(value) = line.strip_prefix("  remote: ") {
            remote = value.trim().to_string();
            continue;
        }
        // Gems sit four spaces deep under `specs:`; their own dependencies six.
        let Some(spec) = line.strip_prefix("    ").filter(|s| !s.starts_with(' ')) else {
            continue;
        };
        let source = match section {
            "GEM" => PackageSource::Registry,
            "GIT" => PackageSource::Git(remote.clone()),
            "PATH" => PackageSource::Path(remote.clone()),
            _ => continue,
        };
        let (name, version) = spec.split_once(' ').unwrap_or((spec, ""));
        out.push(Locked {
            name: name.to_string(),
            version: version.trim_matches(['(', ')']).to_string(),
            source,
            install_script: false,
        });
    }
    Ok(out)
}

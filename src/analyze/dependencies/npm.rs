//! npm (also pnpm and yarn, which share `package.json`): dependency maps, install-time
//! lifecycle scripts, and `package-lock.json` and `yarn.lock` packages with where they
//! resolve from.

use serde_json::Value;

use super::model::{Dep, Locked, Manifest, PackageSource, Script, line_of};

/// The dependency maps of `package.json`, with the scope each declares (empty: installed
/// with the package).
const SECTIONS: &[(&str, &str)] = &[
    ("dependencies", ""),
    ("devDependencies", "dev"),
    ("optionalDependencies", ""),
    ("peerDependencies", "peer"),
];

/// Lifecycle scripts npm runs on `npm install` (npm docs, "Life Cycle Operations").
const INSTALL_HOOKS: &[&str] = &["preinstall", "install", "postinstall", "prepare"];

fn json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text)
        .map_err(|error| format!("JSON error on line {}: {error}", error.line()))
}

/// Reads a `package.json`.
pub fn manifest(text: &str) -> Result<Manifest, String> {
    let doc = json(text)?;
    let mut manifest = Manifest::default();
    for (section, scope) in SECTIONS {
        let Some(map) = doc.get(*section).and_then(Value::as_object) else {
            continue;
        };
        for (name, spec) in map {
            manifest
                .push(dependency(text, name, spec.as_str().unwrap_or_default()).in_scope(scope));
        }
    }
    if let Some(scripts) = doc.get("scripts").and_then(Value::as_object) {
        for hook in INSTALL_HOOKS {
            if let Some(command) = scripts.get(*hook).and_then(Value::as_str) {
                manifest.scripts.push(Script {
                    hook: (*hook).to_string(),
                    command: command.to_string(),
                    line: line_of(text, &format!("\"{hook}\"")),
                });
            }
        }
    }
    Ok(manifest)
}

/// One dependency: a range, an `npm:` alias, or a git/URL/path spec.
fn dependency(text: &str, name: &str, spec: &str) -> Dep {
    let line = line_of(text, &format!("\"{name}\""));
    if let Some(alias) = spec.strip_prefix("npm:") {
        let requirement = alias.rsplit_once('@').map_or("", |(_, version)| version);
        return Dep::new(name, requirement, line);
    }
    let source = match PackageSource::from_spec(spec) {
        // `user/repo` (and `user/repo#ref`) is GitHub shorthand.
        PackageSource::Registry
            if spec.contains('/') && !spec.starts_with('@') && !spec.contains(' ') =>
        {
            PackageSource::Git(spec.to_string())
        }
        other => other,
    };
    Dep::new(name, spec, line).from(source)
}

/// Where a locked package's `resolved` URL points.
fn resolved(entry: &Value) -> PackageSource {
    if entry.get("link").and_then(Value::as_bool) == Some(true) {
        return PackageSource::Path(
            entry
                .get("resolved")
                .and_then(Value::as_str)
                .unwrap_or("(link)")
                .to_string(),
        );
    }
    entry
        .get("resolved")
        .and_then(Value::as_str)
        .map_or(PackageSource::Registry, tarball)
}

/// Reads a `package-lock.json` or `npm-shrinkwrap.json` (v2/v3 `packages`, v1 `dependencies`).
pub fn lockfile(text: &str) -> Result<Vec<Locked>, String> {
    let doc = json(text)?;
    let mut out = Vec::new();
    if let Some(packages) = doc.get("packages").and_then(Value::as_object) {
        for (key, entry) in packages {
            let Some((_, name)) = key.rsplit_once("node_modules/") else {
                continue; // the root project and workspace folders
            };
            out.push(locked(name, entry));
        }
    } else if let Some(dependencies) = doc.get("dependencies").and_then(Value::as_object) {
        let mut stack: Vec<(&String, &Value)> = dependencies.iter().collect();
        while let Some((name, entry)) = stack.pop() {
            out.push(locked(name, entry));
            if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
                stack.extend(nested.iter());
            }
        }
    }
    Ok(out)
}

fn locked(name: &str, entry: &Value) -> Locked {
    Locked {
        name: name.to_string(),
        version: entry
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        source: resolved(entry),
        install_script: entry.get("hasInstallScript").and_then(Value::as_bool) == Some(true),
    }
}

/// The package name of a yarn.lock entry key (`"@babel/core@^7.0.0", "@babel/core@^7.1"` or
/// `"@babel/core@npm:^7.0.0"`): up to the `@` that is not the scope's.
fn yarn_name(key: &str) -> Option<&str> {
    let first = key.split(',').next()?.trim().trim_matches('"');
    let at = first.get(1..)?.find('@')? + 1;
    Some(&first[..at])
}

/// Reads a `yarn.lock` (classic v1 and Berry): one entry per resolved package, its `version`
/// and where `resolved` (v1) or `resolution` (Berry) points.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn yarn_lock(text: &str) -> Result<Vec<Locked>, String> {
    let mut out: Vec<Locked> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some(name) = line.strip_suffix(':').and_then(yarn_name) {
                out.push(Locked {
                    name: name.to_string(),
                    version: String::new(),
                    source: PackageSource::Registry,
                    install_script: false,
                });
            }
            continue;
        }
        let Some(entry) = out
            .last_mut()
            .filter(|_| line.starts_with("  ") && !line.starts_with("   "))
        else {
            continue;
        };
        let (key, value) = line
            .trim()
            .split_once([' ', ':'])
            .unwrap_or((line.trim(), ""));
        let value = value.trim_start_matches(':').trim().trim_matches('"');
        match key {
            "version" => entry.version = value.to_string(),
            "resolved" => entry.source = tarball(value),
            "resolution" => {
                let spec = value.get(entry.name.len() + 1..).unwrap_or_default();
                entry.source = match spec.split_once(':') {
                    Some(("npm", _)) => PackageSource::Registry,
                    Some(("workspace" | "file" | "link" | "portal" | "exec", path)) => {
                        PackageSource::Path(path.to_string())
                    }
                    _ => tarball(spec),
                };
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Where a tarball URL or spec points: registry tarballs are `<registry>/<name>/-/<file>.tgz`.
fn tarball(url: &str) -> PackageSource {
    if url.starts_with("http") && url.contains("/-/") {
        return PackageSource::Registry;
    }
    match PackageSource::from_spec(url) {
        PackageSource::Git(at) => {
            PackageSource::Git(at.split('#').next().unwrap_or(&at).to_string())
        }
        PackageSource::Registry => PackageSource::Url(url.to_string()),
        other => other,
    }
}

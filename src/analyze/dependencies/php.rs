//! Composer: `require`/`require-dev` of `composer.json` and the install hooks of its
//! `scripts`, and `composer.lock` packages. Platform requirements (`php`, `ext-*`, `lib-*`)
//! are not packages.

use serde_json::Value;

use super::model::{Dep, Locked, Manifest, PackageSource, Script, line_of};

/// Script events Composer fires on `composer install`/`update` (Composer docs, "Scripts").
const INSTALL_HOOKS: &[&str] = &[
    "pre-install-cmd",
    "post-install-cmd",
    "pre-update-cmd",
    "post-update-cmd",
    "post-autoload-dump",
];

fn platform(name: &str) -> bool {
    name == "php"
        || name.starts_with("ext-")
        || name.starts_with("lib-")
        || name.starts_with("composer-")
}

/// Reads a `composer.json`.
pub fn composer(text: &str) -> Result<Manifest, String> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|error| format!("JSON error on line {}: {error}", error.line()))?;
    let mut manifest = Manifest::default();
    for section in ["require", "require-dev"] {
        let Some(map) = doc.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (name, requirement) in map.iter().filter(|(name, _)| !platform(name)) {
            let requirement = requirement.as_str().unwrap_or_default();
            manifest.push(Dep::new(
                name,
                requirement,
                line_of(text, &format!("\"{name}\"")),
            ));
        }
    }
    if let Some(scripts) = doc.get("scripts").and_then(Value::as_object) {
        for hook in INSTALL_HOOKS {
            let command = match scripts.get(*hook) {
                Some(Value::String(command)) => command.clone(),
                Some(Value::Array(commands)) => commands
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => continue,
            };
            manifest.scripts.push(Script {
                hook: (*hook).to_string(),
                command,
                line: line_of(text, &format!("\"{hook}\"")),
            });
        }
    }
    Ok(manifest)
}

/// Reads a `composer.lock`: `packages` and `packages-dev`; a `path` dist is a local package,
/// a package with only a VCS `source` comes from git.
pub fn lockfile(text: &str) -> Result<Vec<Locked>, String> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|error| format!("JSON error on line {}: {error}", error.line()))?;
    let packages = ["packages", "packages-dev"]
        .iter()
        .filter_map(|key| doc.get(*key).and_then(Value::as_array))
        .flatten();
    Ok(packages
        .map(|package| {
            let text = |value: Option<&Value>| {
                value
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let dist = package.get("dist");
            let source = match (
                text(dist.and_then(|d| d.get("type"))).as_str(),
                package.get("source"),
            ) {
                ("path", _) => PackageSource::Path(text(dist.and_then(|d| d.get("url")))),
                ("", Some(vcs)) => PackageSource::Git(text(vcs.get("url"))),
                _ => PackageSource::Registry,
            };
            Locked {
                name: text(package.get("name")),
                version: text(package.get("version")),
                source,
                install_script: false,
            }
        })
        .collect())
}

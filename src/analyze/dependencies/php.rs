//! Composer: `require`/`require-dev` of `composer.json` and the install hooks of its
//! `scripts`. Platform requirements (`php`, `ext-*`, `lib-*`) are not packages.

use serde_json::Value;

use super::model::{Dep, Manifest, Script, line_of};

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

//! Go modules: `go.mod` `require` and `replace` directives. A module's major version 2+ is part
//! of its path (`/v2`, gopkg.in's `.v3`), so the path is keyed without it: moving to the next
//! major is a bump of one module, not a removal and an addition.

use super::model::{Dep, Manifest, PackageSource, number};

/// The module path without its major-version suffix.
fn key(path: &str) -> String {
    let strip = |path: &str, separator: char| -> Option<String> {
        let (head, tail) = path.rsplit_once(separator)?;
        let digits = tail.strip_prefix('v')?;
        (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| head.to_string())
    };
    if path.starts_with("gopkg.in/") {
        return strip(path, '.').unwrap_or_else(|| path.to_string());
    }
    strip(path, '/').unwrap_or_else(|| path.to_string())
}

/// Reads a `go.mod`.
pub fn manifest(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    let mut replaces: Vec<(String, PackageSource, String)> = Vec::new();
    let mut block: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let (directive, rest) = match &block {
            Some(_) if line == ")" => {
                block = None;
                continue;
            }
            Some(directive) => (directive.clone(), line),
            None => {
                let (directive, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(directive.to_string());
                    continue;
                }
                (directive.to_string(), rest)
            }
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        match (directive.as_str(), words.as_slice()) {
            ("require", [path, version, ..]) => {
                manifest.push(Dep::new(key(path), *version, number(index)));
            }
            ("replace", [old, rest @ ..]) => {
                let target: Vec<&str> = rest
                    .iter()
                    .skip_while(|word| **word != "=>")
                    .skip(1)
                    .copied()
                    .collect();
                let source = match target.as_slice() {
                    [path, ..] if path.starts_with('.') || path.starts_with('/') => {
                        PackageSource::Path((*path).to_string())
                    }
                    [path, version, ..] if key(path) != key(old) => {
                        PackageSource::Url(format!("module {path} {version}"))
                    }
                    [_, version, ..] => {
                        replaces.push((key(old), PackageSource::Registry, (*version).to_string()));
                        continue;
                    }
                    _ => return Err(format!("line {}: `replace` without a target", index + 1)),
                };
                replaces.push((key(old), source, String::new()));
            }
            ("require", _) => {
                return Err(format!("line {}: `require` without a version", index + 1));
            }
            _ => {}
        }
    }
    for (name, source, version) in replaces {
        if let Some(dep) = manifest.deps.iter_mut().find(|dep| dep.name == name) {
            if version.is_empty() {
                dep.source = source;
            } else {
                dep.requirement = version;
            }
        }
    }
    Ok(manifest)
}

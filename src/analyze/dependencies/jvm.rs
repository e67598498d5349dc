//! Maven and Gradle: `pom.xml` dependencies, plugins and parent (versions through
//! `${properties}`), `build.gradle(.kts)` coordinates and plugin versions, and the
//! `libs.versions.toml` version catalog.

use super::model::{Dep, INHERITED, Manifest, line_of, number, parse_toml};
use super::xml;

/// A version that is an expression (`${spring.version}` left unresolved, Gradle `$kotlin`):
/// its value is decided elsewhere, so it is not compared.
fn requirement(version: &str) -> &str {
    if version.contains('$') {
        INHERITED
    } else {
        version
    }
}

/// Reads a `pom.xml`.
pub fn pom(text: &str) -> Result<Manifest, String> {
    let root = xml::parse(text)?;
    let properties: Vec<(String, String)> = root
        .descendants("properties")
        .iter()
        .flat_map(|block| block.children.iter())
        .map(|property| (property.name.clone(), property.text.clone()))
        .collect();
    let resolve = |version: &str| -> String {
        let name = version.strip_prefix("${").and_then(|v| v.strip_suffix('}'));
        name.and_then(|name| properties.iter().find(|(key, _)| key == name))
            .map_or_else(|| version.to_string(), |(_, value)| value.clone())
    };
    let mut manifest = Manifest::default();
    let project = root
        .children
        .iter()
        .find(|e| e.name == "project")
        .unwrap_or(&root);
    let elements = project
        .children
        .iter()
        .filter(|e| e.name == "parent")
        .chain(root.descendants("dependency"))
        .chain(root.descendants("plugin"));
    for element in elements {
        let group = element
            .child_text("groupId")
            .unwrap_or("org.apache.maven.plugins");
        let Some(artifact) = element.child_text("artifactId") else {
            continue;
        };
        let version = resolve(element.child_text("version").unwrap_or_default());
        manifest.push(Dep::new(
            format!("{group}:{artifact}"),
            requirement(&version),
            Some(element.line),
        ));
    }
    Ok(manifest)
}

/// The quoted strings of a line.
fn quoted(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = &rest[start..=start];
        let Some(len) = rest[start + 1..].find(quote) else {
            break;
        };
        out.push(&rest[start + 1..start + 1 + len]);
        rest = &rest[start + 1 + len + 1..];
    }
    out
}

/// `group:artifact:version[:classifier][@ext]`, or `group:artifact` (version from a platform).
fn coordinate(text: &str) -> Option<(String, &str)> {
    if text.contains(char::is_whitespace) || text.contains('/') {
        return None;
    }
    let text = text.split('@').next().unwrap_or(text);
    let parts: Vec<&str> = text.split(':').collect();
    let valid = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    };
    match parts.as_slice() {
        [group, artifact] if valid(group) && valid(artifact) && group.contains('.') => {
            Some((format!("{group}:{artifact}"), ""))
        }
        [group, artifact, version, ..] if valid(group) && valid(artifact) => {
            Some((format!("{group}:{artifact}"), *version))
        }
        _ => None,
    }
}

/// Reads a `build.gradle` or `build.gradle.kts`, line by line.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn gradle(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with("//") || line.starts_with('*') {
            continue;
        }
        let strings = quoted(line);
        let at = number(index);
        // plugins { id("org.springframework.boot") version "3.2.0" }
        if line.starts_with("id") && line.contains(" version ") {
            if let [id, version, ..] = strings.as_slice() {
                manifest.push(Dep::new(*id, requirement(version), at));
            }
            continue;
        }
        // implementation group: 'g', name: 'a', version: 'v'
        if line.contains("group:") && line.contains("name:") {
            let value = |key: &str| {
                let after = line.split_once(key)?.1;
                quoted(after).first().copied()
            };
            if let (Some(group), Some(name)) = (value("group:"), value("name:")) {
                let version = value("version:").unwrap_or_default();
                manifest.push(Dep::new(
                    format!("{group}:{name}"),
                    requirement(version),
                    at,
                ));
            }
            continue;
        }
        for (name, version) in strings.iter().filter_map(|s| coordinate(s)) {
            manifest.push(Dep::new(name, requirement(version), at));
        }
    }
    Ok(manifest)
}

/// Reads a Gradle version catalog (`libs.versions.toml`).
pub fn catalog(text: &str) -> Result<Manifest, String> {
    let doc = parse_toml(text)?;
    let versions = doc.get("versions").and_then(toml::Value::as_table);
    let version_of = |value: Option<&toml::Value>| -> String {
        match value {
            Some(toml::Value::String(version)) => version.clone(),
            Some(toml::Value::Table(table)) => {
                if let Some(reference) = table.get("ref").and_then(toml::Value::as_str) {
                    versions
                        .and_then(|v| v.get(reference))
                        .and_then(toml::Value::as_str)
                        .map_or_else(|| INHERITED.to_string(), str::to_string)
                } else {
                    ["strictly", "require", "prefer"]
                        .iter()
                        .find_map(|key| table.get(*key).and_then(toml::Value::as_str))
                        .unwrap_or_default()
                        .to_string()
                }
            }
            _ => String::new(),
        }
    };
    let mut manifest = Manifest::default();
    for (section, id_key) in [("libraries", "module"), ("plugins", "id")] {
        let Some(entries) = doc.get(section).and_then(toml::Value::as_table) else {
            continue;
        };
        for (alias, entry) in entries {
            let line = line_of(text, alias);
            let (name, version) = match entry {
                toml::Value::String(notation) => match notation.rsplit_once(':') {
                    Some((name, version)) => (name.to_string(), version.to_string()),
                    None => (notation.clone(), String::new()),
                },
                toml::Value::Table(table) => {
                    let get = |key: &str| table.get(key).and_then(toml::Value::as_str);
                    let name = get(id_key)
                        .map(str::to_string)
                        .or_else(|| Some(format!("{}:{}", get("group")?, get("name")?)));
                    let Some(name) = name else {
                        continue;
                    };
                    (name, version_of(table.get("version")))
                }
                _ => continue,
            };
            manifest.push(Dep::new(name, requirement(&version), line));
        }
    }
    Ok(manifest)
}

//! Cargo: `Cargo.toml` dependency tables (including target-specific and workspace ones) and
//! `Cargo.lock` packages with their `source`.

use super::model::{Dep, INHERITED, Locked, Manifest, PackageSource, line_of, parse_toml};

/// The dependency tables of a manifest, with the scope each declares.
const TABLES: &[(&str, &str)] = &[
    ("dependencies", ""),
    ("dev-dependencies", "dev"),
    ("build-dependencies", "build"),
];

/// The dependency tables directly under `table`, with their scopes.
fn sections(table: &toml::Table) -> Vec<(&toml::Table, &'static str)> {
    TABLES
        .iter()
        .filter_map(|(name, scope)| {
            let section = table.get(*name).and_then(toml::Value::as_table)?;
            Some((section, *scope))
        })
        .collect()
}

/// Reads a `Cargo.toml`.
pub fn manifest(text: &str) -> Result<Manifest, String> {
    let doc = parse_toml(text)?;
    let mut manifest = Manifest::default();
    let mut tables: Vec<(&toml::Table, &'static str)> = Vec::new();
    tables.extend(sections(&doc));
    if let Some(targets) = doc.get("target").and_then(toml::Value::as_table) {
        for target in targets.values().filter_map(toml::Value::as_table) {
            tables.extend(sections(target));
        }
    }
    if let Some(workspace) = doc
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
    {
        tables.push((workspace, ""));
    }
    for (table, scope) in tables {
        for (name, value) in table {
            manifest.push(dependency(text, name, value).in_scope(scope));
        }
    }
    Ok(manifest)
}

/// One entry of a dependency table: `"1.0"` or `{ version, git, path, registry, workspace }`.
fn dependency(text: &str, name: &str, value: &toml::Value) -> Dep {
    let line = line_of(text, name);
    let Some(table) = value.as_table() else {
        return Dep::new(name, value.as_str().unwrap_or_default(), line);
    };
    let get = |key: &str| table.get(key).and_then(toml::Value::as_str);
    if table.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
        return Dep::new(name, INHERITED, line);
    }
    let dep = Dep::new(name, get("version").unwrap_or_default(), line);
    if let Some(url) = get("git") {
        let at = ["rev", "tag", "branch"]
            .iter()
            .find_map(|key| get(key))
            .map_or_else(String::new, |at| format!("#{at}"));
        dep.from(PackageSource::Git(format!("{url}{at}")))
    } else if let Some(path) = get("path") {
        dep.from(PackageSource::Path(path.to_string()))
    } else if let Some(registry) = get("registry") {
        dep.from(PackageSource::Url(format!("registry `{registry}`")))
    } else {
        dep
    }
}

/// Reads a `Cargo.lock`: a package without `source` is a workspace member or path dependency.
pub fn lockfile(text: &str) -> Result<Vec<Locked>, String> {
    let doc = parse_toml(text)?;
    let packages = doc
        .get("package")
        .and_then(toml::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    Ok(packages
        .iter()
        .filter_map(toml::Value::as_table)
        .map(|package| {
            let get = |key: &str| package.get(key).and_then(toml::Value::as_str);
            let source = match get("source") {
                None => PackageSource::Path("(local)".to_string()),
                Some(source)
                    if source.starts_with("registry+") || source.starts_with("sparse+") =>
                {
                    PackageSource::Registry
                }
                Some(source) => match source.strip_prefix("git+") {
                    // The `#commit` fragment is what the lock resolved, not where it comes from.
                    Some(url) => {
                        PackageSource::Git(url.split('#').next().unwrap_or(url).to_string())
                    }
                    None => PackageSource::Url(source.to_string()),
                },
            };
            Locked {
                name: get("name").unwrap_or_default().to_string(),
                version: get("version").unwrap_or_default().to_string(),
                source,
                install_script: false,
            }
        })
        .collect())
}

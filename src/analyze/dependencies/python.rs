//! Python: `requirements*.txt`, `pyproject.toml` (PEP 621 `[project]`, PEP 735
//! `[dependency-groups]`, Poetry `[tool.poetry]`, uv `[tool.uv]`), and `poetry.lock`/`uv.lock`
//! packages with their source.

use super::model::{Dep, Locked, Manifest, PackageSource, line_of, number, parse_toml};

/// PEP 503 normalised name: lower case, runs of `-`, `_`, `.` as one `-`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A PEP 508 requirement (`requests[socks]>=2.31; python_version>"3.8"`, `pkg @ git+https://…`).
fn pep508(spec: &str, line: Option<u32>) -> Option<Dep> {
    let spec = spec.split(';').next().unwrap_or_default().trim();
    let end = spec.find(|c: char| !is_name_char(c)).unwrap_or(spec.len());
    let (name, rest) = spec.split_at(end);
    if name.is_empty() {
        return None;
    }
    let mut rest = rest.trim_start();
    if rest.starts_with('[') {
        rest = rest
            .split_once(']')
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        let url = url.trim();
        let source = match PackageSource::from_spec(url) {
            PackageSource::Registry => PackageSource::Url(url.to_string()),
            other => other,
        };
        return Some(Dep::new(normalise(name), "", line).from(source));
    }
    let requirement = rest.trim_start_matches('(').trim_end_matches(')').trim();
    Some(Dep::new(normalise(name), requirement, line))
}

/// A requirements line that is a URL or path: named by its `#egg=` fragment or wheel name.
fn direct(spec: &str, line: Option<u32>) -> Dep {
    let name = spec
        .split_once("#egg=")
        .map(|(_, egg)| egg.split('&').next().unwrap_or(egg).to_string())
        .or_else(|| {
            let file = spec.rsplit('/').next()?;
            let stem = file
                .strip_suffix(".whl")
                .or_else(|| file.strip_suffix(".tar.gz"))?;
            stem.split('-').next().map(str::to_string)
        })
        .or_else(|| {
            spec.trim_end_matches('/')
                .rsplit('/')
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| spec.to_string());
    let source = match PackageSource::from_spec(spec) {
        PackageSource::Registry => PackageSource::Path(spec.to_string()),
        other => other,
    };
    Dep::new(normalise(&name), "", line).from(source)
}

/// Reads a `requirements*.txt`: one requirement per line, `\` continuations, `-e` editable
/// installs; options (`-r`, `--hash`, `--index-url`) are not dependencies.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn requirements(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    let mut joined = String::new();
    let mut start = 0;
    for (index, raw) in text.lines().enumerate() {
        if joined.is_empty() {
            start = index;
        }
        if let Some(part) = raw.strip_suffix('\\') {
            joined.push_str(part);
            joined.push(' ');
            continue;
        }
        joined.push_str(raw);
        let line = std::mem::take(&mut joined);
        let line = match line.find(" #") {
            Some(at) => &line[..at],
            None if line.trim_start().starts_with('#') => "",
            None => &line,
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = number(start);
        match words.as_slice() {
            [] => {}
            ["-e" | "--editable", target, ..] => manifest.push(direct(target, at)),
            [first, ..] if first.starts_with('-') => {}
            [first, ..]
                if first.contains("://") || first.starts_with('.') || first.starts_with('/') =>
            {
                manifest.push(direct(first, at));
            }
            _ => {
                let spec: Vec<&str> = words
                    .into_iter()
                    .take_while(|w| !w.starts_with("--"))
                    .collect();
                if let Some(dep) = pep508(&spec.join(" "), at) {
                    manifest.push(dep);
                }
            }
        }
    }
    Ok(manifest)
}

/// The strings of a TOML array.
fn strings(value: Option<&toml::Value>) -> Vec<&str> {
    value
        .and_then(toml::Value::as_array)
        .map(|items| items.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default()
}

/// Reads a `pyproject.toml`.
pub fn pyproject(text: &str) -> Result<Manifest, String> {
    let doc = parse_toml(text)?;
    let mut manifest = Manifest::default();
    let mut lists: Vec<&str> = Vec::new();
    let project = doc.get("project");
    lists.extend(strings(project.and_then(|p| p.get("dependencies"))));
    let tables = [
        project.and_then(|p| p.get("optional-dependencies")),
        doc.get("dependency-groups"),
    ];
    for table in tables
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
    {
        for list in table.values() {
            lists.extend(strings(Some(list)));
        }
    }
    let tool = doc.get("tool");
    let uv = tool.and_then(|t| t.get("uv"));
    lists.extend(strings(uv.and_then(|u| u.get("dev-dependencies"))));
    for spec in lists {
        let name = spec
            .split(|c: char| !is_name_char(c))
            .next()
            .unwrap_or(spec);
        if let Some(dep) = pep508(spec, line_of(text, name)) {
            manifest.push(dep);
        }
    }
    let poetry = tool.and_then(|t| t.get("poetry"));
    let mut poetry_tables = vec![
        poetry.and_then(|p| p.get("dependencies")),
        poetry.and_then(|p| p.get("dev-dependencies")),
    ];
    if let Some(groups) = poetry
        .and_then(|p| p.get("group"))
        .and_then(toml::Value::as_table)
    {
        poetry_tables.extend(groups.values().map(|group| group.get("dependencies")));
    }
    for table in poetry_tables
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
    {
        for (name, value) in table.iter().filter(|(name, _)| name.as_str() != "python") {
            manifest.push(poetry_dependency(text, name, value));
        }
    }
    // uv: `[tool.uv.sources]` says where a declared dependency comes from.
    if let Some(sources) = uv
        .and_then(|u| u.get("sources"))
        .and_then(toml::Value::as_table)
    {
        for (name, source) in sources {
            let name = normalise(name);
            if let Some(dep) = manifest.deps.iter_mut().find(|dep| dep.name == name) {
                dep.source = table_source(source).unwrap_or(PackageSource::Registry);
            }
        }
    }
    Ok(manifest)
}

/// `git`, `url` or `path` of a Poetry dependency table or uv source.
fn table_source(value: &toml::Value) -> Option<PackageSource> {
    let get = |key: &str| {
        value
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    };
    get("git")
        .map(PackageSource::Git)
        .or_else(|| get("url").map(PackageSource::Url))
        .or_else(|| get("path").map(PackageSource::Path))
}

/// A Poetry dependency: `"^1.2"`, `{ version, git, path, url }`, or a list of those.
fn poetry_dependency(text: &str, name: &str, value: &toml::Value) -> Dep {
    let value = value
        .as_array()
        .and_then(|items| items.first())
        .unwrap_or(value);
    let line = line_of(text, name);
    if let Some(requirement) = value.as_str() {
        return Dep::new(normalise(name), requirement, line);
    }
    let requirement = value
        .get("version")
        .and_then(toml::Value::as_str)
        .unwrap_or_default();
    let dep = Dep::new(normalise(name), requirement, line);
    match table_source(value) {
        Some(source) => dep.from(source),
        None => dep,
    }
}

/// Reads a `poetry.lock` or `uv.lock`: `[[package]]` with `name`, `version` and `source`.
pub fn lockfile(text: &str) -> Result<Vec<Locked>, String> {
    let doc = parse_toml(text)?;
    let packages = doc
        .get("package")
        .and_then(toml::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    Ok(packages
        .iter()
        .map(|package| {
            let get = |key: &str| {
                package
                    .get(key)
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default()
            };
            Locked {
                name: normalise(get("name")),
                version: get("version").to_string(),
                source: package
                    .get("source")
                    .map_or(PackageSource::Registry, locked_source),
                install_script: false,
            }
        })
        .collect())
}

/// Poetry `[package.source] type = "git"|"url"|"file"|"directory"|"legacy"`, or uv
/// `source = { registry | git | url | path | directory | editable | virtual = … }`.
fn locked_source(source: &toml::Value) -> PackageSource {
    let get = |key: &str| {
        source
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    };
    let url = get("url").unwrap_or_default();
    match get("type").as_deref() {
        Some("git") => {
            return PackageSource::Git(url.split('#').next().unwrap_or(&url).to_string());
        }
        Some("url" | "file") => return PackageSource::Url(url),
        Some("directory") => return PackageSource::Path(url),
        Some(_) => return PackageSource::Registry,
        None => {}
    }
    if let Some(git) = get("git") {
        PackageSource::Git(git.split('#').next().unwrap_or(&git).to_string())
    } else if let Some(url) = get("url") {
        PackageSource::Url(url)
    } else if let Some(path) = ["path", "directory", "editable", "virtual"]
        .iter()
        .find_map(|key| get(key))
    {
        PackageSource::Path(path)
    } else {
        PackageSource::Registry
    }
}

//! Rust: modules follow the file layout under `src/`; `use` trees and paths in code.

use super::{Binds, FileScope, Home, Import};

/// Rust: a module is its file (`mod.rs`, `lib.rs` and `main.rs` stand for their directory);
/// the crate is the directory holding `src/`. `use` trees are expanded; `crate`, `self` and
/// `super` resolve against the file's own module.
pub(in crate::analyze::blast::dependents::namespace) fn rust(
    path: &str,
    code: String,
) -> FileScope {
    let parts: Vec<&str> = path.split('/').collect();
    // Outside a `src/` layout the directory is the crate and each file a module of it.
    let (crate_dir, mut segments) = if let Some(at) = parts.iter().rposition(|p| *p == "src") {
        let mut segments: Vec<String> = parts[at + 1..]
            .iter()
            .map(|part| (*part).to_string())
            .collect();
        if let Some(last) = segments.pop() {
            let stem = last.trim_end_matches(".rs");
            let root = matches!(stem, "lib" | "main") && segments.is_empty();
            if !root && stem != "mod" {
                segments.push(stem.to_string());
            }
        }
        (&parts[..at], segments)
    } else {
        let (file, dir) = parts.split_last().unwrap_or((&"", &[]));
        (dir, vec![file.trim_end_matches(".rs").to_string()])
    };
    let crate_name = crate_dir
        .last()
        .map_or(String::new(), |name| name.replace('-', "_"));
    if segments.first().is_some_and(|first| first == "bin") {
        segments.clear();
    }
    let mut imports = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim();
        let Some(at) = statement.find("use ") else {
            continue;
        };
        let head = statement[..at].trim();
        if !(head.is_empty() || head.starts_with("pub") || head.ends_with(['}', '{', ']'])) {
            continue;
        }
        let mut leaves = Vec::new();
        // `as` is the only word inside a use tree; keep it apart before dropping the spaces.
        let tree = statement[at + 4..]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" as ", "@")
            .replace(' ', "");
        expand(&tree, &mut Vec::new(), &mut leaves);
        for (prefix, leaf) in leaves {
            for (package, path) in rust_paths(&prefix, &crate_name, &segments) {
                let binds = match leaf.as_str() {
                    "*" => Binds::Everything,
                    _ => Binds::Names(vec![leaf.clone()]),
                };
                imports.push(Import {
                    package: Some(package),
                    path,
                    binds,
                });
            }
        }
    }
    for (prefix, leaf) in code_paths(&code) {
        for (package, path) in rust_paths(&prefix, &crate_name, &segments) {
            imports.push(Import {
                package: Some(package),
                path,
                binds: Binds::Names(vec![leaf.clone()]),
            });
        }
    }
    FileScope {
        home: Home {
            segments,
            package: Some(crate_name),
            global: false,
        },
        imports,
        dynamic: false,
        code: code.into(),
    }
}

/// Expands a `use` tree (`a::{b, c::{d as e}, *}`) into (module path, leaf name) pairs.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|part| !part.is_empty())
            .map(str::to_string)
            .collect();
        let inner = tree[open + 1..]
            .strip_suffix('}')
            .unwrap_or(&tree[open + 1..]);
        let depth = prefix.len();
        prefix.extend(head);
        let mut level = 0;
        let mut start = 0;
        for (at, c) in inner.char_indices() {
            match c {
                '{' => level += 1,
                '}' => level -= 1,
                ',' if level == 0 => {
                    expand(&inner[start..at], prefix, out);
                    start = at + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], prefix, out);
        prefix.truncate(depth);
        return;
    }
    let tree = tree.split('@').next().unwrap_or(tree);
    let mut parts: Vec<String> = tree
        .split("::")
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect();
    let Some(mut leaf) = parts.pop() else { return };
    let mut path: Vec<String> = prefix.iter().cloned().chain(parts).collect();
    if leaf == "self" {
        let Some(module) = path.pop() else { return };
        leaf = module;
    }
    out.push((path, leaf));
}

/// Every `a::b::c` path in code, as (module path, last segment): `crate::a::f()`,
/// `super::f()`, `other_crate::f()` and `module::f()` qualify without a `use`.
fn code_paths(code: &str) -> Vec<(Vec<String>, String)> {
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut found = Vec::new();
    let mut done = 0;
    for (at, _) in code.match_indices("::") {
        if at < done {
            continue;
        }
        let start = code[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_path(c))
            .last()
            .map_or(at, |(index, _)| index);
        let end = code[at..]
            .char_indices()
            .find(|&(_, c)| !is_path(c))
            .map_or(code.len(), |(index, _)| at + index);
        done = end;
        let path: Vec<String> = code[start..end]
            .split("::")
            .filter(|part| !part.is_empty())
            .map(str::to_string)
            .collect();
        if let Some((leaf, prefix)) = path.split_last() {
            found.push((prefix.to_vec(), leaf.clone()));
        }
    }
    found
}

/// The (crate, module path) pairs a `use` prefix may mean. A first segment other than `crate`,
/// `self` or `super` is another crate or, in 2018 paths, a module declared here: both are kept.
fn rust_paths(prefix: &[String], own_crate: &str, module: &[String]) -> Vec<(String, Vec<String>)> {
    let Some(first) = prefix.first() else {
        return vec![(own_crate.to_string(), module.to_vec())];
    };
    match first.as_str() {
        "crate" => vec![(own_crate.to_string(), prefix[1..].to_vec())],
        "self" | "super" => {
            let mut path = module.to_vec();
            let mut rest = prefix;
            while let Some((head, tail)) = rest.split_first() {
                match head.as_str() {
                    "self" => {}
                    "super" => {
                        path.pop();
                    }
                    _ => break,
                }
                rest = tail;
            }
            path.extend(rest.iter().cloned());
            vec![(own_crate.to_string(), path)]
        }
        other => {
            let mut local = module.to_vec();
            local.extend(prefix.iter().cloned());
            vec![
                (other.to_string(), prefix[1..].to_vec()),
                (own_crate.to_string(), local),
            ]
        }
    }
}

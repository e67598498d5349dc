//! Readers of one file's namespace and imports, one per row of the table.
//!
//! They work on the file's text with comments blanked (strings kept: Go and JS import paths
//! are strings), statement by statement. A reader that misreads an odd import loses only that
//! import; the caller then treats the file as not importing the target.

use super::{Binds, Home, Import, Scope};

/// `text` with comments replaced by spaces (newlines kept, so lines do not move). `#` starts
/// a comment in Python, `//` and `/* */` elsewhere; quotes are skipped so a `#` or `//` in a
/// string stays. Rust's `'` is a lifetime as often as a character, so it is not a quote there.
pub(super) fn blank_comments(text: &str, family: &str) -> String {
    let hash = family == "python";
    let single_quotes = family != "rust";
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(open) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            } else if c == open || (c == '\n' && open != '`') {
                quote = None;
            }
            continue;
        }
        let next = chars.peek().copied();
        let line_comment = if hash {
            c == '#'
        } else {
            c == '/' && next == Some('/')
        };
        if line_comment {
            out.push(' ');
            while chars.peek().is_some_and(|&c| c != '\n') {
                chars.next();
                out.push(' ');
            }
        } else if !hash && c == '/' && next == Some('*') {
            chars.next();
            out.push_str("  ");
            let mut last = ' ';
            for c in chars.by_ref() {
                out.push(if c == '\n' { '\n' } else { ' ' });
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
        } else {
            if c == '"' || c == '`' || (c == '\'' && single_quotes) {
                quote = Some(c);
            }
            out.push(c);
        }
    }
    out
}

/// Directories of `path`, without the file name.
fn dirs(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
    parts.pop();
    parts
}

/// The string literals in `text`, in order (`"a"`, `'b'`, `` `c` ``), without quotes.
fn strings(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(&after[..end]);
        rest = &after[end + 1..];
    }
    found
}

/// Identifiers separated by commas, each possibly `name as alias` or `alias: name`-free.
fn names(list: &str) -> Vec<String> {
    list.split(',')
        .filter_map(|item| {
            let item = item.trim().trim_start_matches("type ").trim();
            let name = item.split_whitespace().next()?;
            let name = name.split(':').next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

/// Go: the package clause names the package; files of one directory with the same package
/// name are one package. Imports bind the package name, an alias, `.` (everything) or `_`.
pub(super) fn go(path: &str, code: String) -> Scope {
    let package = code.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("package ")?;
        Some(rest.trim().trim_end_matches(';').to_string())
    });
    let mut imports = Vec::new();
    let mut block = false;
    for line in code.lines() {
        let line = line.trim();
        let spec = if block {
            if line.starts_with(')') {
                block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("import") {
            let rest = rest.trim();
            if let Some(inner) = rest.strip_prefix('(') {
                block = !inner.contains(')');
                inner.trim_end_matches(')')
            } else {
                rest
            }
        } else {
            continue;
        };
        let Some(quoted) = spec.find(['"', '`']) else {
            continue;
        };
        let alias = spec[..quoted].trim();
        let Some(target) = strings(&spec[quoted..]).first().copied() else {
            continue;
        };
        let binds = match alias {
            "_" => continue,
            "." => Binds::Everything,
            "" => Binds::Module(None),
            alias => Binds::Module(Some(alias.to_string())),
        };
        imports.push(Import {
            package: None,
            path: target.split('/').map(str::to_string).collect(),
            binds,
        });
    }
    Scope {
        home: Home {
            segments: dirs(path),
            package,
            global: false,
        },
        imports,
        dynamic: false,
        code,
    }
}

/// Logical statements: lines joined while brackets are open or a line ends in `\`.
fn statements(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth: usize = 0;
    for line in code.lines() {
        // An import at the start of a line begins a statement whatever came before: an
        // unbalanced bracket in a docstring or template must not swallow the imports.
        if ["import ", "from ", "export "]
            .iter()
            .any(|keyword| line.starts_with(keyword))
            && !current.trim().is_empty()
        {
            out.push(std::mem::take(&mut current));
            depth = 0;
        }
        let continued = line.trim_end().ends_with('\\');
        current.push_str(line.trim_end().trim_end_matches('\\'));
        current.push(' ');
        depth += line.matches(['(', '{', '[']).count();
        depth = depth.saturating_sub(line.matches([')', '}', ']']).count());
        if depth == 0 && !continued {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out
}

/// Python: a module is its file (`pkg/__init__.py` is `pkg`). `import a.b [as c]` binds a
/// module; `from m import x, y` binds names; relative `from .m` resolves against the package.
pub(super) fn python(path: &str, code: String) -> Scope {
    let package = dirs(path);
    let mut segments = package.clone();
    let stem = path.rsplit('/').next().unwrap_or(path);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    if stem != "__init__" {
        segments.push(stem.to_string());
    }
    let mut imports = Vec::new();
    for statement in statements(&code) {
        let statement = statement.trim();
        if let Some(rest) = statement.strip_prefix("import ") {
            for item in rest.split(',') {
                let mut words = item.split_whitespace();
                let Some(module) = words.next() else { continue };
                let alias = match (words.next(), words.next()) {
                    (Some("as"), Some(alias)) => alias,
                    _ => module,
                };
                imports.push(Import {
                    package: None,
                    path: module.split('.').map(str::to_string).collect(),
                    binds: Binds::Module(Some(alias.to_string())),
                });
            }
        } else if let Some(rest) = statement.strip_prefix("from ") {
            let Some((module, list)) = rest.split_once(" import ") else {
                continue;
            };
            let module = module.trim();
            let dots = module.chars().take_while(|&c| c == '.').count();
            let mut path = if dots > 0 {
                package[..package.len().saturating_sub(dots - 1)].to_vec()
            } else {
                Vec::new()
            };
            path.extend(
                module[dots..]
                    .split('.')
                    .filter(|part| !part.is_empty())
                    .map(str::to_string),
            );
            let list = list.trim().trim_start_matches('(').trim_end_matches(')');
            let binds = if list.trim() == "*" {
                Binds::Everything
            } else {
                Binds::Names(names(list))
            };
            imports.push(Import {
                package: None,
                path,
                binds,
            });
        }
    }
    let dynamic = code.contains("import_module(") || code.contains("__import__(");
    Scope {
        home: Home {
            segments,
            package: None,
            global: false,
        },
        imports,
        dynamic,
        code,
    }
}

/// Extensions a JS/TS import may name or leave out (TypeScript imports `./m.js` for `m.ts`).
const SCRIPT_EXTENSIONS: &[&str] = &["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];

fn without_script_extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, extension)) if SCRIPT_EXTENSIONS.contains(&extension) => stem,
        _ => name,
    }
}

/// A JS/TS module specifier as path segments: relative ones resolved against `dir`, aliases
/// (`@/x`, `~/x`, `#x`) and bare ones kept as a suffix to match.
fn specifier(dir: &[String], spec: &str) -> Vec<String> {
    let spec = without_script_extension(spec);
    let mut out: Vec<String> = if spec.starts_with('.') {
        dir.to_vec()
    } else {
        Vec::new()
    };
    for (at, part) in spec.split('/').enumerate() {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            "@" | "~" if at == 0 => {}
            part => out.push(part.trim_start_matches(['@', '~', '#']).to_string()),
        }
    }
    if out.last().is_some_and(|last| last == "index") {
        out.pop();
    }
    out
}

/// JS/TS: a module is its file (`dir/index.ts` is also `dir`). `import {a} from`, `import * as
/// m from`, default imports, `export … from`, `require()` and `import()` are read.
pub(super) fn javascript(path: &str, code: String) -> Scope {
    let dir = dirs(path);
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut segments = dir.clone();
    segments.push(without_script_extension(file).to_string());
    if segments.last().is_some_and(|last| last == "index") {
        segments.pop();
    }
    let mut imports = Vec::new();
    let mut dynamic = false;
    for statement in statements(&code) {
        let statement = statement.trim().trim_end_matches(';');
        let spec_of = |text: &str| strings(text).last().map(|spec| specifier(&dir, spec));
        if (statement.starts_with("import ") || statement.starts_with("export "))
            && let Some((clause, from)) = statement.rsplit_once(" from ")
            && let Some(path) = spec_of(from)
        {
            let clause = clause
                .trim_start_matches("import ")
                .trim_start_matches("export ")
                .trim_start_matches("type ");
            imports.push(Import {
                package: None,
                path,
                binds: js_clause(clause),
            });
            continue;
        }
        for (at, _) in statement
            .match_indices("require(")
            .chain(statement.match_indices("import("))
        {
            let call = &statement[at..];
            let argument = call
                .split_once('(')
                .map_or("", |(_, rest)| rest.trim_start());
            if !argument.starts_with(['"', '\'', '`']) {
                dynamic = true;
                continue;
            }
            let Some(path) = spec_of(argument.split(')').next().unwrap_or_default()) else {
                continue;
            };
            // `const {a, b} = require(…)` binds names, `const m = require(…)` a module.
            let left = statement[..at].trim_end().trim_end_matches('=').trim_end();
            let binds = if let Some(open) = left.rfind('{') {
                Binds::Names(names(&left[open + 1..].replace('}', "")))
            } else if let Some(name) = left
                .split_whitespace()
                .last()
                .filter(|_| left.contains(' '))
            {
                Binds::Module(Some(name.to_string()))
            } else {
                Binds::Everything
            };
            imports.push(Import {
                package: None,
                path,
                binds,
            });
        }
    }
    let module = !imports.is_empty()
        || dynamic
        || statements(&code).iter().any(|statement| {
            let statement = statement.trim_start();
            statement.starts_with("export ") || statement.starts_with("import ")
        })
        || code.contains("module.exports")
        || code.contains("exports.");
    Scope {
        home: Home {
            segments,
            package: None,
            global: !module,
        },
        imports,
        dynamic,
        code,
    }
}

/// `a, {b, c as d}` / `* as ns` / `*` / `{x}` of an import or export clause.
fn js_clause(clause: &str) -> Binds {
    let clause = clause.trim();
    if let Some(alias) = clause.strip_prefix('*') {
        return match alias.trim().strip_prefix("as ") {
            Some(alias) => Binds::Module(Some(alias.trim().to_string())),
            None => Binds::Everything,
        };
    }
    if let Some((_, alias)) = clause.split_once("* as ") {
        return Binds::Module(Some(alias.trim().to_string()));
    }
    let plain = clause.replace(['{', '}'], ",");
    Binds::Names(names(&plain))
}

/// Rust: a module is its file (`mod.rs`, `lib.rs` and `main.rs` stand for their directory);
/// the crate is the directory holding `src/`. `use` trees are expanded; `crate`, `self` and
/// `super` resolve against the file's own module.
pub(super) fn rust(path: &str, code: String) -> Scope {
    let parts: Vec<&str> = path.split('/').collect();
    let (crate_dir, mut segments) = match parts.iter().rposition(|part| *part == "src") {
        Some(at) => {
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
        }
        // Outside a `src/` layout the directory is the crate and each file a module of it.
        None => {
            let (file, dir) = parts.split_last().unwrap_or((&"", &[]));
            (dir, vec![file.trim_end_matches(".rs").to_string()])
        }
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
    Scope {
        home: Home {
            segments,
            package: Some(crate_name),
            global: false,
        },
        imports,
        dynamic: false,
        code,
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

/// The dotted name after `keyword` on a line, up to `;`, `{` or the line's end.
fn dotted_after<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = line.trim().strip_prefix(keyword)?;
    Some(rest.split(['{', ';']).next()?.trim())
}

/// Java and Kotlin: the package clause names the package; `import a.b.C` binds `C` from
/// `a.b`, `import a.b.*` everything, `import static a.b.C.m` the member `m` of `C`.
pub(super) fn java(_path: &str, code: String) -> Scope {
    let segments = code
        .lines()
        .find_map(|line| dotted_after(line, "package "))
        .map(|name| name.split('.').map(str::to_string).collect())
        .unwrap_or_default();
    let imports = code
        .lines()
        .filter_map(|line| dotted_after(line, "import "))
        .filter_map(|name| {
            let name = name
                .trim_start_matches("static ")
                .split(" as ")
                .next()?
                .trim();
            let mut parts: Vec<String> = name.split('.').map(str::to_string).collect();
            let leaf = parts.pop()?;
            Some(Import {
                package: None,
                path: parts,
                binds: if leaf == "*" {
                    Binds::Everything
                } else {
                    Binds::Names(vec![leaf])
                },
            })
        })
        .collect();
    Scope {
        home: Home {
            segments,
            package: None,
            global: false,
        },
        imports,
        dynamic: false,
        code,
    }
}

/// C#: the first `namespace` (block or file-scoped) is the file's; `using N;` brings all of
/// `N`, `using A = N.C;` the type `C`. A `global using` in another file applies to every file
/// of the project; the search checks for those separately ([`super::imported_everywhere`]).
pub(super) fn csharp(_path: &str, code: String) -> Scope {
    let segments = code
        .lines()
        .find_map(|line| dotted_after(line, "namespace "))
        .map(|name| name.split('.').map(str::to_string).collect())
        .unwrap_or_default();
    let imports = code
        .lines()
        .filter_map(|line| dotted_after(line.trim().trim_start_matches("global "), "using "))
        .filter(|name| !name.starts_with('('))
        .filter_map(|name| {
            let name = name.trim_start_matches("static ");
            if let Some((_, aliased)) = name.split_once('=') {
                let mut parts: Vec<String> =
                    aliased.trim().split('.').map(str::to_string).collect();
                let leaf = parts.pop()?;
                return Some(Import {
                    package: None,
                    path: parts,
                    binds: Binds::Names(vec![leaf]),
                });
            }
            Some(Import {
                package: None,
                path: name.split('.').map(str::to_string).collect(),
                binds: Binds::Everything,
            })
        })
        .collect();
    Scope {
        home: Home {
            segments,
            package: None,
            global: false,
        },
        imports,
        dynamic: false,
        code,
    }
}

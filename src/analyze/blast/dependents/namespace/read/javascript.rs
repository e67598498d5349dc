//! JS/TS: a module is its file; ES imports and exports, `require()` and `import()`.

use super::{Binds, FileScope, Home, Import, dirs, names, statements, strings};

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
pub(in crate::analyze::blast::dependents::namespace) fn javascript(
    path: &str,
    code: String,
) -> FileScope {
    let dir = dirs(path);
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut segments = dir.clone();
    segments.push(without_script_extension(file).to_string());
    if segments.last().is_some_and(|last| last == "index") {
        segments.pop();
    }
    let mut imports = Vec::new();
    let mut dynamic = false;
    let statements = statements(&code);
    for statement in &statements {
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
            // `const {a, b} = require(…)` binds names, `const m = require(…)` a module; a bare
            // `require(…).f` or `await import(…)` is not followed.
            let before = statement[..at].trim_end();
            let binds = match before.strip_suffix('=').map(str::trim_end) {
                Some(target) if target.ends_with('}') => match target.rfind('{') {
                    Some(open) => Binds::Names(names(&target[open + 1..target.len() - 1])),
                    None => Binds::Everything,
                },
                Some(target) => match target.rsplit(|c: char| !is_js_word(c)).next() {
                    Some(name) if !name.is_empty() => Binds::Module(Some(name.to_string())),
                    _ => Binds::Everything,
                },
                None => Binds::Everything,
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
        || statements.iter().any(|statement| {
            let statement = statement.trim_start();
            statement.starts_with("export ") || statement.starts_with("import ")
        })
        || code.contains("module.exports")
        || code.contains("exports.");
    FileScope {
        home: Home {
            segments,
            package: None,
            global: !module,
        },
        imports,
        dynamic,
        code: code.into(),
    }
}

fn is_js_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
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

//! Python: a module is its file; `import` binds modules, `from … import` names.

use super::{Binds, FileScope, Home, Import, dirs, names, statements_starting};

/// Python: a module is its file (`pkg/__init__.py` is `pkg`). `import a.b [as c]` binds a
/// module; `from m import x, y` binds names; relative `from .m` resolves against the package.
pub(in crate::analyze::blast::dependents::namespace) fn python(
    path: &str,
    code: String,
) -> FileScope {
    let package = dirs(path);
    let mut segments = package.clone();
    let stem = path.rsplit('/').next().unwrap_or(path);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    if stem != "__init__" {
        segments.push(stem.to_string());
    }
    let mut imports = Vec::new();
    for statement in statements_starting(&code, Some(&["import ", "from "])) {
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
    FileScope {
        home: Home {
            segments,
            package: None,
            global: false,
        },
        imports,
        dynamic,
        code: code.into(),
    }
}

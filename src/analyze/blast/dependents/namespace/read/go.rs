//! Go: packages are directories with a package clause; imports bind the package name.

use super::{Binds, FileScope, Home, Import, dirs, strings};

/// Go: the package clause names the package; files of one directory with the same package
/// name are one package. Imports bind the package name, an alias, `.` (everything) or `_`.
pub(in crate::analyze::blast::dependents::namespace) fn go(path: &str, code: String) -> FileScope {
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
        } else if let Some(rest) = line
            .strip_prefix("import")
            .filter(|rest| rest.starts_with([' ', '\t', '(']))
        {
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
    FileScope {
        home: Home {
            segments: dirs(path),
            package,
            global: false,
        },
        imports,
        dynamic: false,
        code: code.into(),
    }
}

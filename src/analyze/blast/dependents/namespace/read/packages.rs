//! Java, Kotlin and C#: the package or namespace declaration, and imports or usings.

use super::{Binds, FileScope, Home, Import, dotted_after};

/// Java and Kotlin: the package clause names the package; `import a.b.C` binds `C` from
/// `a.b`, `import a.b.*` everything, `import static a.b.C.m` the member `m` of `C`.
pub(in crate::analyze::blast::dependents::namespace) fn java(
    _path: &str,
    code: String,
) -> FileScope {
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
    FileScope {
        home: Home {
            segments,
            package: None,
            global: false,
        },
        imports,
        dynamic: false,
        code: code.into(),
    }
}

/// C#: the first `namespace` (block or file-scoped) is the file's; `using N;` brings all of
/// `N`, `using A = N.C;` the type `C`. A `global using` in another file applies to every file
/// of the project; the search checks for those separately ([`super::imported_everywhere`]).
pub(in crate::analyze::blast::dependents::namespace) fn csharp(
    _path: &str,
    code: String,
) -> FileScope {
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
    FileScope {
        home: Home {
            segments,
            package: None,
            global: false,
        },
        imports,
        dynamic: false,
        code: code.into(),
    }
}

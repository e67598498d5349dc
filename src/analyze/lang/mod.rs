//! The language registry: file names, extensions and shebangs → grammar and queries.
//! (Stub: only Python, until the full table lands.)

/// One row of the registry.
#[derive(Debug)]
pub struct Language {
    /// Registry name, e.g. `rust`.
    pub name: &'static str,
    /// Languages that can refer to each other's symbols share a family (`javascript` for JS,
    /// TS and TSX; `c` for C and C++).
    pub family: &'static str,
    /// File extensions without the dot.
    pub extensions: &'static [&'static str],
    /// Whole file names (`Rakefile`).
    pub file_names: &'static [&'static str],
    /// Interpreter names after `#!` (`python3`).
    pub shebangs: &'static [&'static str],
    /// The grammar.
    pub grammar: fn() -> tree_sitter::Language,
}

/// The table.
pub static LANGUAGES: &[Language] = &[Language {
    name: "python",
    family: "python",
    extensions: &["py"],
    file_names: &[],
    shebangs: &["python", "python3"],
    grammar: || tree_sitter_python::LANGUAGE.into(),
}];

/// The language of `path`, by file name, extension, then the shebang on `first_line`.
#[must_use]
pub fn for_path(path: &str, first_line: &[u8]) -> Option<&'static Language> {
    let _ = first_line;
    let extension = path.rsplit_once('.').map(|(_, ext)| ext)?;
    LANGUAGES
        .iter()
        .find(|language| language.extensions.contains(&extension))
}

/// The language registered as `name`.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|language| language.name == name)
}

//! One table per language: the grammar's spelling ([`Syntax`]) and the rows, each a construct
//! class (with its source, in `classes.rs`) and the shape that finds it. Callee names come
//! from each library's documentation; a row that names a library says which in a comment
//! when the name alone does not.

mod classes;
mod csharp;
pub mod dotenv;
mod go;
mod java;
mod javascript;
mod php;
mod python;
mod ruby;
mod rust;

use super::shape::Table;

/// Every table; a file is read with the first whose `languages` holds its language.
pub static TABLES: &[&Table] = &[
    &python::TABLE,
    &javascript::TABLE,
    &go::TABLE,
    &java::TABLE,
    &ruby::TABLE,
    &rust::TABLE,
    &csharp::TABLE,
    &php::TABLE,
    &dotenv::TABLE,
];

/// `.env`, `.env.local`, `production.env`: dotenv files, read with the shell grammar.
/// Templates (`.env.example`, `.env.sample`…) hold placeholders, not secrets.
#[must_use]
pub fn is_dotenv(file_name: &str) -> bool {
    const TEMPLATES: &[&str] = &[".example", ".sample", ".template", ".dist"];
    let dotenv = file_name == ".env"
        || file_name.starts_with(".env.")
        || file_name
            .strip_suffix(".env")
            .is_some_and(|stem| !stem.is_empty());
    dotenv && !TEMPLATES.iter().any(|suffix| file_name.ends_with(suffix))
}

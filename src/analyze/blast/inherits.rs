//! Whether a class declaration names a base class or interface it may inherit methods from.
//!
//! A method removed from such a class may still be found through its base (an override
//! deleted, the inherited method answering again), and the base is often a library's, whose
//! methods the analysis cannot see. So a removed method of a class with a base leaves no
//! dangling references: the analysis guesses towards fewer findings, as elsewhere. A class
//! without one keeps the finding.

/// How one language family's class header names its bases.
#[derive(Debug, Clone, Copy)]
enum Heritage {
    /// A parenthesised list after the name: `class A(Base):`, bases other than `object` and
    /// keyword arguments (`metaclass=…`).
    Parenthesised,
    /// One of these words after the name: `class A extends B`, `implements I`.
    Words(&'static [&'static str]),
    /// A `:` after the name, its type parameters and primary constructor:
    /// `class A<T>(x: Int) : B()`, `class A : public B`.
    Colon,
    /// `class A < B` (Ruby).
    LessThan,
}

/// Per language family, and where the syntax is defined.
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "the source column is read by the table test only")
)]
struct Row {
    family: &'static str,
    heritage: Heritage,
    source: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        family: "python",
        heritage: Heritage::Parenthesised,
        source: "Python reference, 8.8 Class definitions (inheritance list)",
    },
    Row {
        family: "javascript",
        heritage: Heritage::Words(&["extends", "implements"]),
        source: "ECMAScript 15.7 ClassHeritage; TypeScript handbook, Classes (implements)",
    },
    Row {
        family: "java",
        heritage: Heritage::Words(&["extends", "implements"]),
        source: "JLS 8.1.4 Superclasses and 8.1.5 Superinterfaces (default methods)",
    },
    Row {
        family: "php",
        heritage: Heritage::Words(&["extends", "implements"]),
        source: "PHP manual, Object Inheritance",
    },
    Row {
        family: "scala",
        heritage: Heritage::Words(&["extends", "with"]),
        source: "Scala 3 reference, Templates (extends clause)",
    },
    Row {
        family: "kotlin",
        heritage: Heritage::Colon,
        source: "Kotlin docs, Inheritance (`class Derived : Base()`)",
    },
    Row {
        family: "csharp",
        heritage: Heritage::Colon,
        source: "C# language specification, 15.2.4 Class base specification",
    },
    Row {
        family: "swift",
        heritage: Heritage::Colon,
        source: "The Swift Programming Language, Inheritance",
    },
    Row {
        family: "c",
        heritage: Heritage::Colon,
        source: "C++ standard, [class.derived] base-clause",
    },
    Row {
        family: "ruby",
        heritage: Heritage::LessThan,
        source: "Ruby docs, Class (`class Name < Superclass`)",
    },
];

/// Whether `signature`, the header of class `name` in `family`, names a base it may inherit
/// from. Families without a row (Go, Rust: no class inheritance) never do.
pub(super) fn names_a_base(family: &str, signature: &str, name: &str) -> bool {
    let Some(row) = ROWS.iter().find(|row| row.family == family) else {
        return false;
    };
    let Some(rest) = after_name(signature, name) else {
        return false;
    };
    match row.heritage {
        Heritage::Parenthesised => rest.trim_start().strip_prefix('(').is_some_and(|list| {
            let list = list.split(')').next().unwrap_or_default();
            list.split(',')
                .map(str::trim)
                .any(|base| !base.is_empty() && base != "object" && !base.contains('='))
        }),
        Heritage::Words(words) => rest
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|word| words.contains(&word)),
        Heritage::Colon => outside_brackets(rest).contains(':'),
        Heritage::LessThan => rest.trim_start().starts_with('<'),
    }
}

/// The text after the first whole-word `name`.
fn after_name<'s>(signature: &'s str, name: &str) -> Option<&'s str> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    signature.match_indices(name).find_map(|(at, _)| {
        let before = signature[..at].chars().next_back();
        let rest = &signature[at + name.len()..];
        let whole = !before.is_some_and(is_word) && !rest.chars().next().is_some_and(is_word);
        whole.then_some(rest)
    })
}

/// `text` without what is inside `(…)`, `<…>` and `[…]`: a constructor's `x: Int` or a
/// generic bound is not a base.
fn outside_brackets(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| {
            match c {
                '(' | '<' | '[' => depth += 1,
                ')' | '>' | ']' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_source_and_one_family() {
        for (at, row) in ROWS.iter().enumerate() {
            assert!(!row.source.is_empty(), "{}", row.family);
            assert!(
                ROWS[at + 1..]
                    .iter()
                    .all(|other| other.family != row.family),
                "{} twice",
                row.family
            );
        }
    }

    #[test]
    fn headers_with_and_without_a_base() {
        let cases = [
            (
                "python",
                "class Manager(BaseCallbackManager)",
                "Manager",
                true,
            ),
            ("python", "class Manager(object)", "Manager", false),
            ("python", "class Manager", "Manager", false),
            ("python", "class Manager(metaclass=Meta)", "Manager", false),
            (
                "python",
                "class Manager(Base, metaclass=Meta)",
                "Manager",
                true,
            ),
            ("javascript", "export class A extends B", "A", true),
            ("javascript", "export class A implements I", "A", true),
            (
                "javascript",
                "export class Extendsible",
                "Extendsible",
                false,
            ),
            ("java", "public class A extends B implements I", "A", true),
            ("java", "public final class A", "A", false),
            ("kotlin", "class A(val x: Int) : B()", "A", true),
            ("kotlin", "class A(val x: Int)", "A", false),
            ("csharp", "public class A<T> : B where T : C", "A", true),
            ("csharp", "public class A<T>", "A", false),
            ("c", "class C : public B", "C", true),
            ("ruby", "class Report < ApplicationRecord", "Report", true),
            ("ruby", "class Report", "Report", false),
            ("go", "type A struct", "A", false),
            ("rust", "struct A", "A", false),
        ];
        for (family, signature, name, expected) in cases {
            assert_eq!(
                names_a_base(family, signature, name),
                expected,
                "{family}: {signature}"
            );
        }
    }
}

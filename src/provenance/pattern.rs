//! A marker's pattern, compiled when a value could match it.
//!
//! The built-in table has over a hundred patterns; compiling them all was a tenth of a small
//! check's CPU time, though most never match anything in a given change. Each pattern instead
//! keeps the longest run of text every match must contain (read from the pattern's syntax
//! tree, which is cheap to build), and is compiled only for a value that contains it. The run
//! is compared ASCII-case-insensitively, so it can only let through more values than the
//! pattern matches, never fewer.

use std::sync::OnceLock;

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Runs shorter than this rule out too little to be worth looking for.
const SHORTEST_NEEDLE: usize = 3;

/// A regular expression, compiled on first need.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// Text every match contains, ASCII-lowercased; `None` when the pattern has no such run.
    needle: OnceLock<Option<String>>,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern already compiled (a policy's, checked when the policy is read).
    #[must_use]
    pub fn compiled(regex: Regex) -> Pattern {
        Pattern {
            source: regex.as_str().to_owned(),
            needle: OnceLock::new(),
            compiled: OnceLock::from(regex),
        }
    }

    /// A pattern compiled on first need. `source` must compile (the built-in table's test
    /// checks every row).
    #[must_use]
    pub fn lazy(source: &str) -> Pattern {
        Pattern {
            source: source.to_owned(),
            needle: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The leftmost match in `value`; `lowered` is `value` ASCII-lowercased (made once for
    /// every pattern tried on it).
    #[must_use]
    pub fn find<'t>(&self, value: &'t str, lowered: &str) -> Option<regex::Match<'t>> {
        if let Some(needle) = self.needle.get_or_init(|| needle(&self.source)) {
            memchr::memmem::find(lowered.as_bytes(), needle.as_bytes())?;
        }
        self.regex().find(value)
    }

    /// Whether the pattern matches somewhere in `value`.
    #[must_use]
    pub fn is_match(&self, value: &str) -> bool {
        self.find(value, &value.to_ascii_lowercase()).is_some()
    }

    fn regex(&self) -> &Regex {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).expect("a lazy pattern is one that compiles"))
    }
}

/// The longest run of text (ASCII-lowercased) that every match of `source` contains: the
/// longest stretch of the top-level sequence made of literals and one-letter case classes
/// (`[Kk]`); assertions (`^`, `\b`) take no text and do not break a run.
fn needle(source: &str) -> Option<String> {
    let hir = regex_syntax::parse(source).ok()?;
    let items: &[Hir] = match hir.kind() {
        HirKind::Concat(items) => items,
        _ => std::slice::from_ref(&hir),
    };
    let mut best = String::new();
    let mut run = String::new();
    for item in items {
        match item.kind() {
            HirKind::Look(_) => {}
            HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
                Ok(text) => run.push_str(&text.to_ascii_lowercase()),
                Err(_) => keep_longer(&mut best, &mut run),
            },
            HirKind::Class(Class::Unicode(class)) => match ascii_letter(class) {
                Some(letter) => run.push(letter),
                None => keep_longer(&mut best, &mut run),
            },
            _ => keep_longer(&mut best, &mut run),
        }
    }
    keep_longer(&mut best, &mut run);
    (best.len() >= SHORTEST_NEEDLE).then_some(best)
}

fn keep_longer(best: &mut String, run: &mut String) {
    if run.len() > best.len() {
        std::mem::swap(best, run);
    }
    run.clear();
}

/// The letter of a class that is exactly one ASCII letter in both cases (`(?i)a`), lowercased.
/// Letters whose case class holds more (`k` and the Kelvin sign) are not one.
fn ascii_letter(class: &regex_syntax::hir::ClassUnicode) -> Option<char> {
    let chars: Vec<char> = class
        .ranges()
        .iter()
        .flat_map(|range| range.start()..=range.end())
        .take(3)
        .collect();
    match chars.as_slice() {
        [upper, lower] if upper.is_ascii_uppercase() && lower.to_ascii_uppercase() == *upper => {
            Some(*lower)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needles are what every match must contain, case-folded; alternations, repetitions and
    /// classes end a run, assertions do not.
    #[test]
    fn needles_are_runs_every_match_contains() {
        assert_eq!(
            needle(r"(?i)^co-authored-by:[^<\n]*<crush@charm\.land>\s*$").as_deref(),
            Some("co-authored-by:")
        );
        assert_eq!(
            needle(r"(?m)^(💘 )?Generated with Crush[ \t]*$").as_deref(),
            Some("generated with crush")
        );
        assert_eq!(needle(r"^dependabot/").as_deref(), Some("dependabot/"));
        assert_eq!(needle(r"a|bcd"), None);
        assert_eq!(needle(r"\d+"), None);
        // `k` folds to the Kelvin sign too: it ends the run.
        assert_eq!(needle(r"(?i)kiro-agent").as_deref(), Some("iro-agent"));
    }

    /// Whether a value matches does not depend on the needle: values the needle lets through
    /// and values it holds back agree with the compiled pattern, case-folded ones included.
    #[test]
    fn the_needle_never_hides_a_match() {
        let patterns = [
            r"(?i)^co-authored-by:[^<\n]*<crush@charm\.land>\s*$",
            r"(?i)kiro-agent",
            r"(?m)^Generated with Crush[ \t]*$",
            r"^dependabot/",
        ];
        let values = [
            "Co-Authored-By: Crush <CRUSH@Charm.Land>",
            "co-authored-by: x <crush@charm.land>",
            "KIRO-AGENT",
            "\u{212A}iro-agent",
            "fix\nGenerated with Crush",
            "generated with crush",
            "dependabot/npm/x",
            "renovate/x",
            "",
        ];
        for source in patterns {
            let lazy = Pattern::lazy(source);
            let regex = Regex::new(source).expect("compiles");
            for value in values {
                assert_eq!(
                    lazy.is_match(value),
                    regex.is_match(value),
                    "{source} on {value:?}"
                );
            }
        }
        assert!(Pattern::lazy(r"(?i)kiro-agent").is_match("\u{212A}iro-agent"));
    }
}

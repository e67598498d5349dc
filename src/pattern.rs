//! A regular expression from a built-in table, compiled when a value could match it.
//!
//! The AI-marker table has over a hundred patterns and the secret formats a dozen; compiling
//! them all was a tenth of a small check's CPU time, though most never match anything in a
//! given change. Each pattern instead keeps the runs of text every match must contain (read
//! from the pattern's syntax tree, which is cheap to build), and is compiled only for a value
//! that contains all of them. Runs are compared ASCII-case-insensitively, so they can only let
//! through more values than the pattern matches, never fewer. All runs, not the longest alone:
//! a dozen bot patterns share `@users.noreply.github.com`, which every GitHub user's commit
//! email holds, and they differ in the bot's name.

use std::sync::OnceLock;

use regex::Regex;

/// Runs shorter than this rule out too little to be worth looking for.
const SHORTEST_NEEDLE: usize = 3;

/// A regular expression, compiled on first need.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// Runs of text every match contains, ASCII-lowercased; empty when the pattern has none.
    needles: OnceLock<Vec<String>>,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern already compiled (a policy's, checked when the policy is read).
    #[must_use]
    pub fn compiled(regex: Regex) -> Pattern {
        Pattern {
            source: regex.as_str().to_owned(),
            needles: OnceLock::new(),
            compiled: OnceLock::from(regex),
        }
    }

    /// A pattern compiled on first need. `source` must compile (the built-in table's test
    /// checks every row).
    #[must_use]
    pub fn lazy(source: &str) -> Pattern {
        Pattern {
            source: source.to_owned(),
            needles: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The leftmost match in `value`; `lowered` is [`fold`]`(value)` (made once for every
    /// pattern tried on it).
    #[must_use]
    pub fn find<'t>(&self, value: &'t str, lowered: &str) -> Option<regex::Match<'t>> {
        self.regex_for(lowered)?.find(value)
    }

    /// The compiled pattern, to run on a value whose [`fold`] is `lowered`; `None` when that
    /// value holds too little of the pattern's text to match, so nothing was compiled.
    #[must_use]
    pub fn regex_for(&self, lowered: &str) -> Option<&Regex> {
        let needles = self.needles.get_or_init(|| needles(&self.source));
        needles
            .iter()
            .all(|needle| memchr::memmem::find(lowered.as_bytes(), needle.as_bytes()).is_some())
            .then(|| self.regex())
    }

    /// Whether the pattern matches somewhere in `value`.
    #[must_use]
    pub fn is_match(&self, value: &str) -> bool {
        self.find(value, &fold(value)).is_some()
    }

    fn regex(&self) -> &Regex {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).expect("a lazy pattern is one that compiles"))
    }
}

/// `value` as the needles compare it: ASCII letters lowercased, and the two other letters
/// that case-fold to ASCII ones (the long s `ſ` and the Kelvin sign `K`) replaced by them, so
/// that `(?i)s` and `(?i)k` can be part of a needle. Made once per value, for every pattern.
#[must_use]
pub fn fold(value: &str) -> String {
    if value.is_ascii() {
        return value.to_ascii_lowercase();
    }
    value
        .chars()
        .map(|c| match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The runs of text (as [`fold`] writes them) that every match of `source` contains, longest
/// first: the stretches of the top-level sequence made of literals, each at least
/// [`SHORTEST_NEEDLE`] long; assertions (`^`, `\b`) take no text and do not break a run, and
/// anything else (a class, a group, a repetition) ends one. Every item of the top-level
/// sequence is in every match, so every run is too. Read from the syntax tree before
/// translation: translating applies case folding to every class, and that was most of the
/// cost of reading the table's patterns, on every run.
fn needles(source: &str) -> Vec<String> {
    use regex_syntax::ast::{Ast, Flag, FlagsItemKind};
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(source) else {
        return Vec::new();
    };
    let items: &[Ast] = match &ast {
        Ast::Concat(concat) => &concat.asts,
        other => std::slice::from_ref(other),
    };
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut caseless = false;
    for item in items {
        match item {
            Ast::Assertion(_) => {}
            // `(?i)` or `(?-i)` for what follows.
            Ast::Flags(flags) => {
                let mut negated = false;
                for flag in &flags.flags.items {
                    match flag.kind {
                        FlagsItemKind::Negation => negated = true,
                        FlagsItemKind::Flag(Flag::CaseInsensitive) => caseless = !negated,
                        FlagsItemKind::Flag(_) => {}
                    }
                }
            }
            // Exactly one character, ASCII: a non-ASCII letter can have other cases.
            Ast::Literal(literal) if literal.c.is_ascii() => {
                run.push(if caseless {
                    literal.c.to_ascii_lowercase()
                } else {
                    literal.c
                });
            }
            _ => end_run(&mut runs, &mut run),
        }
    }
    end_run(&mut runs, &mut run);
    runs.sort_by_key(|run| std::cmp::Reverse(run.len()));
    runs
}

fn end_run(runs: &mut Vec<String>, run: &mut String) {
    if run.len() >= SHORTEST_NEEDLE {
        // Compared against folded values: a case-sensitive `A` must still find `a`.
        runs.push(run.to_ascii_lowercase());
    }
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needles are what every match must contain, case-folded; alternations, repetitions and
    /// classes end a run, assertions do not.
    #[test]
    fn needles_are_runs_every_match_contains() {
        assert_eq!(
            needles(r"(?i)^co-authored-by:[^<\n]*<crush@charm\.land>\s*$"),
            ["<crush@charm.land>", "co-authored-by:"]
        );
        assert_eq!(
            needles(r"(?m)^(💘 )?Generated with Crush[ \t]*$"),
            ["generated with crush"]
        );
        assert_eq!(needles(r"^dependabot/"), ["dependabot/"]);
        assert!(needles(r"a|bcd").is_empty());
        assert!(needles(r"\d+").is_empty());
        // `k` also folds to the Kelvin sign, which `fold` writes as `k`.
        assert_eq!(needles(r"(?i)kiro-agent"), ["kiro-agent"]);
        assert_eq!(needles(r"a(?i)BCD(?-i)EFG"), ["abcdefg"]);
        assert_eq!(needles(r"(?i:abc)def"), ["def"]);
        assert!(needles(r"(?i)éte").is_empty());
    }

    /// A GitHub user's commit email holds the text a dozen bot patterns share, but not the
    /// bot's name: no pattern is compiled for it.
    #[test]
    fn a_shared_run_alone_compiles_nothing() {
        let kiro = Pattern::lazy(r"(?i)^\d+\+kiro-agent(\[bot\])?@users\.noreply\.github\.com$");
        let user = "1234+jane@users.noreply.github.com";
        assert!(kiro.find(user, user).is_none());
        assert!(
            kiro.compiled.get().is_none(),
            "compiled for a value it cannot match"
        );
        assert!(kiro.is_match("244629292+Kiro-Agent[bot]@users.noreply.github.com"));
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
            "co-authored-by: x <cru\u{17F}h@charm.land>",
            "\u{212A}IRO-AGENT and \u{17F}",
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

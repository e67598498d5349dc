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

use memchr::memmem::Finder;
use regex::Regex;

/// Runs shorter than this rule out too little to be worth looking for.
const SHORTEST_NEEDLE: usize = 3;

/// A regular expression, compiled on first need.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// Text a value must hold to match, folded, ready to search for.
    needles: OnceLock<Finders>,
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
        let needles = self
            .needles
            .get_or_init(|| Finders::of(needles(&self.source)));
        let holds = |needle: &Finder<'static>| needle.find(lowered.as_bytes()).is_some();
        (needles.all.iter().all(holds) && needles.any.iter().all(|one_of| one_of.iter().any(holds)))
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
    // Whole-string passes: walking `chars()` was a twentieth of a check with a large
    // non-ASCII file, and every other character is left as it is anyway.
    let lowered = value.to_ascii_lowercase();
    if value.is_ascii() {
        return lowered;
    }
    lowered.replace('\u{17F}', "s").replace('\u{212A}', "k")
}

/// What a value must hold, as [`fold`] writes it, for a pattern to match it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Needles {
    /// Every one of these runs, longest first.
    all: Vec<String>,
    /// For each alternation in the top-level sequence, at least one of these: the longest
    /// run of each branch (`(codex/|linear-mention)`). Left out when a branch has none.
    any: Vec<Vec<String>>,
}

/// [`Needles`] as searchers, built once: building one per search was a twentieth of the
/// secret scan of a 746-file change.
#[derive(Debug, Clone)]
struct Finders {
    all: Vec<Finder<'static>>,
    any: Vec<Vec<Finder<'static>>>,
}

impl Finders {
    fn of(needles: Needles) -> Finders {
        let finder = |needle: String| Finder::new(needle.as_bytes()).into_owned();
        Finders {
            all: needles.all.into_iter().map(finder).collect(),
            any: needles
                .any
                .into_iter()
                .map(|one_of| one_of.into_iter().map(finder).collect())
                .collect(),
        }
    }
}

/// The [`Needles`] of `source`: the stretches of its top-level sequence made of literals,
/// each at least [`SHORTEST_NEEDLE`] long (assertions such as `^` and `\b` take no text and do
/// not break a stretch; anything else ends one), and its alternations' branches. Every item of
/// the top-level sequence is in every match, so every run is, and each match goes through one
/// branch of each alternation, so it holds that branch's runs. Read from the syntax tree
/// before translation: translating applies case folding to every class, and that was most of
/// the cost of reading the table's patterns, on every run.
fn needles(source: &str) -> Needles {
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(source) else {
        return Needles::default();
    };
    let mut any = Vec::new();
    let all = runs(sequence(&ast), Some(&mut any));
    Needles { all, any }
}

/// The items of `ast` read as a sequence.
fn sequence(ast: &regex_syntax::ast::Ast) -> &[regex_syntax::ast::Ast] {
    match ast {
        regex_syntax::ast::Ast::Concat(concat) => &concat.asts,
        other => std::slice::from_ref(other),
    }
}

/// The literal runs of `items`, longest first; with `any`, each alternation's branches'
/// longest runs are added to it.
fn runs(items: &[regex_syntax::ast::Ast], mut any: Option<&mut Vec<Vec<String>>>) -> Vec<String> {
    use regex_syntax::ast::Ast;
    let mut found = Vec::new();
    let mut run = String::new();
    for item in items {
        match item {
            // Flags (`(?i)`) change no text: needles are compared case-folded anyway.
            Ast::Assertion(_) | Ast::Flags(_) => {}
            // Exactly one character, ASCII: a non-ASCII letter can have other cases.
            Ast::Literal(literal) if literal.c.is_ascii() => run.push(literal.c),
            _ => {
                end_run(&mut found, &mut run);
                let branches = match item {
                    Ast::Alternation(alternation) => Some(&alternation.asts),
                    Ast::Group(group) => match &*group.ast {
                        Ast::Alternation(alternation) => Some(&alternation.asts),
                        _ => None,
                    },
                    _ => None,
                };
                if let (Some(any), Some(branches)) = (any.as_deref_mut(), branches) {
                    let longest: Option<Vec<String>> = branches
                        .iter()
                        .map(|branch| runs(sequence(branch), None).into_iter().next())
                        .collect();
                    any.extend(longest);
                }
            }
        }
    }
    end_run(&mut found, &mut run);
    found.sort_by_key(|run| std::cmp::Reverse(run.len()));
    found
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
        let all = |source: &str| needles(source).all;
        assert_eq!(
            all(r"(?i)^co-authored-by:[^<\n]*<crush@charm\.land>\s*$"),
            ["<crush@charm.land>", "co-authored-by:"]
        );
        assert_eq!(
            all(r"(?m)^(💘 )?Generated with Crush[ \t]*$"),
            ["generated with crush"]
        );
        assert_eq!(all(r"^dependabot/"), ["dependabot/"]);
        assert!(all(r"\d+").is_empty());
        // `k` also folds to the Kelvin sign, which `fold` writes as `k`.
        assert_eq!(all(r"(?i)kiro-agent"), ["kiro-agent"]);
        assert_eq!(all(r"a(?i)BCD(?-i)EFG"), ["abcdefg"]);
        assert_eq!(all(r"(?i:abc)def"), ["def"]);
        assert!(all(r"(?i)éte").is_empty());
    }

    /// An alternation asks for one of its branches' longest runs; a branch without one (too
    /// short, or empty) leaves the alternation without a condition.
    #[test]
    fn alternations_ask_for_one_branch() {
        assert_eq!(
            needles(r"^(codex/|linear-mention|slack-mention)"),
            Needles {
                all: vec![],
                any: vec![vec![
                    "codex/".into(),
                    "linear-mention".into(),
                    "slack-mention".into()
                ]]
            }
        );
        assert_eq!(
            needles(r"\A(?i:ask|told)[ \t]+(?i:claude|ai)[ \t]+to"),
            Needles {
                all: vec![],
                any: vec![vec!["ask".into(), "told".into()]]
            }
        );
        assert_eq!(needles(r"a|bcd"), Needles::default());
        assert_eq!(
            needles(r"x(abc|)yzw"),
            Needles {
                all: vec!["yzw".into()],
                any: vec![]
            }
        );
        compiles_only_for_a_match(
            r"(?i)^(semantic-release-bot|imgbot|snyk-bot)$",
            "jane",
            "ImgBot",
        );
    }

    /// `source` answers `miss` without being compiled, and still matches `hit`.
    fn compiles_only_for_a_match(source: &str, miss: &str, hit: &str) {
        let pattern = Pattern::lazy(source);
        assert!(!pattern.is_match(miss), "{source} on {miss}");
        assert!(
            pattern.compiled.get().is_none(),
            "{source} compiled for {miss}, which it cannot match"
        );
        assert!(pattern.is_match(hit), "{source} on {hit}");
    }

    /// A GitHub user's commit email holds the text a dozen bot patterns share, but not the
    /// bot's name: no pattern is compiled for it.
    #[test]
    fn a_shared_run_alone_compiles_nothing() {
        compiles_only_for_a_match(
            r"(?i)^\d+\+kiro-agent(\[bot\])?@users\.noreply\.github\.com$",
            "1234+jane@users.noreply.github.com",
            "244629292+Kiro-Agent[bot]@users.noreply.github.com",
        );
    }

    /// Whether a value matches does not depend on the needle: values the needle lets through
    /// and values it holds back agree with the compiled pattern, case-folded ones included.
    #[test]
    fn the_needle_never_hides_a_match() {
        let patterns = [
            r"(?i)^(semantic-release-bot|imgbot|snyk-bot)$",
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

    /// The whole-string fold is the per-character one: ASCII letters lowered, `ſ` and the
    /// Kelvin sign written as `s` and `k`, every other character kept.
    #[test]
    fn fold_lowers_ascii_and_the_two_letters_that_fold_to_it() {
        let by_char = |value: &str| -> String {
            value
                .chars()
                .map(|c| match c {
                    '\u{17F}' => 's',
                    '\u{212A}' => 'k',
                    c => c.to_ascii_lowercase(),
                })
                .collect()
        };
        for value in [
            "",
            "Co-Authored-By: Claude",
            "ÉCOLE Straße \u{212A}IRO \u{17F}ECRET",
            "\u{212A}\u{17F}\u{212A}",
            "日本語 AKIA",
        ] {
            assert_eq!(fold(value), by_char(value), "{value:?}");
        }
        assert_eq!(fold("\u{212A}iro \u{17F}K"), "kiro sk");
    }
}

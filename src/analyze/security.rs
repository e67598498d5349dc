//! Security-sensitive code: cryptography and key derivation, secret hashing and comparison,
//! JWT/OAuth/session/cookie handling, authentication guards, TLS verification turned off,
//! permissive file modes, shell commands and SQL built from values, unsafe deserialisation,
//! secrets written to files, logs or the environment.
//!
//! A data table per language (`rows/*.rs`: each row a [`shape::Class`] with its source and a
//! [`shape::Shape`] matched on the tree-sitter syntax tree, never on raw text) is read over the
//! old and the new version of every changed file that contains one of the table's keywords
//! (a cheap byte scan first, so most files are never parsed here). A
//! `security-sensitive-change` fact fires, once per construct per enclosing function, when the
//! construct is added, removed or changed, or when it is unchanged but the function around it
//! changed (a new early `return True` before a constant-time compare). Tokens are compared
//! with whitespace and comments left out, so a reformat is silent. Shell and Dockerfile
//! commands that make files world-writable are read by [`modes`].

mod body_hash;
mod kept;
mod matcher;
pub mod modes;
pub mod paths;
mod rows;
pub mod shape;

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use aho_corasick::AhoCorasick;

use crate::analyze::Fact;
use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::cache::derived;
use crate::analyze::contents::Parsed;
use crate::analyze::domain::{Analysis, Analyzer, LineLevel, Pass, Versions, each_file, fact};
use crate::analyze::lang;
use crate::diff::LineKind;
use crate::signal::Signal;
use matcher::{Construct, Constructs, Scope};
use shape::{Cond, SECRET_WORDS, Shape};

/// The analyzer; registered with the domain analyzers so it runs in parallel with them.
pub struct Security;

/// Longest one parse may take; a file that takes longer is left to the structural analysis
/// (which reports it) and named in coverage.
const PARSE_TIMEOUT: Duration = Duration::from_millis(500);

/// Keywords one of which must occur in a file version for its table's rows to possibly
/// match ([`keywords`]).
static PREFILTERS: LazyLock<Vec<AhoCorasick>> = LazyLock::new(|| {
    rows::TABLES
        .iter()
        .map(|table| {
            let mut words: Vec<String> = table
                .rows
                .iter()
                .flat_map(|(_, shape)| keywords(shape))
                .chain(paths::GUARD_WORDS.words.iter().map(ToString::to_string))
                .collect();
            words.sort();
            words.dedup();
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&words)
                .expect("keywords are plain strings (tested by every_table_builds)")
        })
        .collect()
});

/// Spellings of the secret words as identifiers carry them (`api_key`, `apiKey`).
const SECRET_SPELLINGS: &[&str] = &["api_key", "private_key", "access_key", "client_secret"];

/// What a row cannot match without: the most selective text it needs. A callee must end with
/// every segment of its pattern, so the longest segment is in the source; a row that needs a
/// secret-named operand needs a secret word (a `print` or `write` without one is no match).
fn keywords(shape: &Shape) -> Vec<String> {
    let longest = |name: &str| {
        name.split('.')
            .map(|segment| segment.trim_matches('*'))
            .max_by_key(|segment| segment.len())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let secrets = || {
        SECRET_WORDS
            .iter()
            .chain(SECRET_SPELLINGS)
            .map(ToString::to_string)
            .collect()
    };
    let words: Vec<String> = match shape {
        Shape::Call(_, conds)
            if conds
                .iter()
                .any(|c| matches!(c, Cond::Secret | Cond::SecretOperand)) =>
        {
            secrets()
        }
        Shape::Call(names, conds) => match conds.iter().find_map(|c| match c {
            Cond::Keyword(key, _) if key.len() >= 4 => Some(key),
            _ => None,
        }) {
            Some(key) => vec![key.to_ascii_lowercase()],
            None => names.iter().map(|name| longest(name)).collect(),
        },
        Shape::Setting(_, values) if values == &["$secret"] => secrets(),
        Shape::Setting(keys, _) => keys.iter().map(|key| longest(key)).collect(),
        Shape::Decorator(names) => names.iter().map(|name| longest(name)).collect(),
        Shape::SecretComparison | Shape::HardcodedSecret => secrets(),
        // Backticks, and Ruby's `%x(…)` (any delimiter) that runs the same way.
        Shape::InterpolatedKind(_) => vec!["`".to_string(), "%x".to_string()],
        Shape::SqlBuilt => ["select ", "insert ", "update ", "delete ", "drop "]
            .into_iter()
            .map(ToString::to_string)
            .collect(),
    };
    words.into_iter().filter(|word| !word.is_empty()).collect()
}

/// The table for `path` (by language, or `.env` files read with the shell grammar).
fn table_for(path: &str, first_line: &[u8]) -> Option<(usize, &'static lang::Language)> {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let language = if rows::is_dotenv(file_name) {
        lang::by_name("bash")?
    } else {
        lang::for_path(path, first_line)?
    };
    let index = rows::TABLES.iter().position(|table| {
        if rows::is_dotenv(file_name) {
            std::ptr::eq(*table, &raw const rows::dotenv::TABLE)
        } else {
            table.languages.contains(&language.name)
        }
    })?;
    Some((index, language))
}

/// Reads one version: nothing when it has no keyword; `Err` names why it could not be parsed.
/// What was read is kept in `cache`.
fn read(
    index: usize,
    language: &'static lang::Language,
    source: Option<&[u8]>,
    cache: &Cache,
) -> Result<Constructs, String> {
    let Some(source) = source.filter(|source| PREFILTERS[index].is_match(*source)) else {
        return Ok(Constructs::default());
    };
    cache.derived(&digest(index, language, source), || {
        read_fresh(index, language, source)
    })
}

/// Names what [`read`] keeps of `source`: the table, the language and the bytes.
fn digest(index: usize, language: &lang::Language, source: &[u8]) -> String {
    derived::digest(&[
        b"security",
        &index.to_le_bytes(),
        language.name.as_bytes(),
        source,
    ])
}

/// Reads a changed file's version into the cache from the tree another analyzer parsed it
/// into, when this analyzer reads that version in that grammar: [`read`] then finds it there
/// instead of parsing the version again. A panic keeps nothing (the guarded read meets it).
pub fn prime(parsed: &Parsed<'_>, cache: &Cache) {
    if !cache.is_enabled() {
        return;
    }
    let path = parsed.file.file.path();
    let (old, new) = (parsed.file.old.bytes(), parsed.file.new.bytes());
    let sample = new.or(old).unwrap_or_default();
    let first_line = sample.split(|b| *b == b'\n').next().unwrap_or_default();
    let Some((index, language)) = table_for(path, first_line) else {
        return;
    };
    if language.name != parsed.grammar || !PREFILTERS[index].is_match(parsed.source) {
        return;
    }
    let find = || matcher::find(rows::TABLES[index], parsed.tree, parsed.source);
    // Whether it was kept already or is kept now, the security step reads it from the cache.
    let _ = cache.derived(&digest(index, language, parsed.source), || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(find)).map_err(drop)
    });
}

/// [`read`] without the cache, of a version that has a keyword.
fn read_fresh(
    index: usize,
    language: &'static lang::Language,
    source: &[u8],
) -> Result<Constructs, String> {
    let compiled = language.compiled().map_err(ToString::to_string)?;
    let tree =
        crate::analyze::blast::outline::parse::parse(language, compiled, source, PARSE_TIMEOUT)
            .map_err(|unanalysed| unanalysed.describe())?;
    Ok(matcher::find(rows::TABLES[index], &tree, source))
}

/// The changed lines of one side joined as a snippet, with the file line of each row.
fn changed_lines(versions: &Versions<'_>, kind: LineKind) -> (String, Vec<u32>) {
    let mut text = String::new();
    let mut lines = Vec::new();
    for line in versions.file.hunks.iter().flat_map(|h| &h.lines) {
        if line.kind == kind {
            text.push_str(&line.content);
            text.push('\n');
            lines.push(line.new_line.or(line.old_line).unwrap_or(0));
        }
    }
    (text, lines)
}

impl Analyzer for Security {
    fn name(&self) -> &'static str {
        "security"
    }

    fn wants(&self, path: &str, content: &[u8]) -> bool {
        let first_line = content.split(|b| *b == b'\n').next().unwrap_or_default();
        table_for(path, first_line).is_some()
    }

    /// Code is not a risky kind by itself: an unreadable code file is the structural
    /// analysis's finding, not the worst case for a kind.
    fn reads_a_risky_kind(&self) -> bool {
        false
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        analyze_guarded(versions, &Cache::disabled())
    }

    /// Each file on its own, side by side, with the pass's cache.
    fn analyze_all_in(&self, files: &[Versions<'_>], pass: &Pass<'_>) -> Analysis {
        each_file(files, |versions| analyze_guarded(versions, pass.cache))
    }
}

/// A panic while reading one file (a grammar or table bug) is that file's fallback, not the
/// end of the whole run.
fn analyze_guarded(versions: &Versions<'_>, cache: &Cache) -> Analysis {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyze_file(versions, cache)
    }))
    .unwrap_or_else(|_| Analysis {
        facts: Vec::new(),
        fallbacks: vec![LineLevel {
            file: versions.file.path().to_string(),
            analyzer: "security",
            reason: "security constructs not read: the analysis failed on this file".to_string(),
        }],
    })
}

/// [`analyze_guarded`] without the panic guard.
fn analyze_file(versions: &Versions<'_>, cache: &Cache) -> Analysis {
    let path = versions.file.path();
    let sample = versions.new.or(versions.old).unwrap_or_default();
    let first_line = sample.split(|b| *b == b'\n').next().unwrap_or_default();
    let Some((index, language)) = table_for(path, first_line) else {
        return Analysis::default();
    };
    let mut analysis = Analysis::default();
    analysis.facts.extend(sensitive_place(versions, cache));
    let fallback = |reason: String| LineLevel {
        file: path.to_string(),
        analyzer: "security",
        reason,
    };
    if let Some(reason) = versions.content_missing() {
        // Diff text only: the removed and added lines are read as two snippets.
        let (old, _) = changed_lines(versions, LineKind::Removed);
        let (new, new_lines) = changed_lines(versions, LineKind::Added);
        if let (Ok(old), Ok(mut new)) = (
            read(index, language, Some(old.as_bytes()), cache),
            read(index, language, Some(new.as_bytes()), cache),
        ) {
            for found in &mut new.found {
                found.line = new_lines
                    .get(found.line as usize - 1)
                    .copied()
                    .unwrap_or(found.line);
                found.scope = Scope {
                    name: String::new(),
                    function: false,
                };
            }
            analysis.facts.extend(compare(versions, &old, &new));
        }
        analysis.fallbacks.push(fallback(reason.to_string()));
        return analysis;
    }
    match (
        read(index, language, versions.old, cache),
        read(index, language, versions.new, cache),
    ) {
        (Ok(old), Ok(new)) => analysis.facts.extend(compare(versions, &old, &new)),
        (Err(reason), _) | (_, Err(reason)) => analysis
            .fallbacks
            .push(fallback(format!("security constructs not read: {reason}"))),
    }
    analysis
}

/// A change to code that sits in a security-sensitive place ([`paths`]), whatever it contains.
fn sensitive_place(versions: &Versions<'_>, cache: &Cache) -> Option<Fact> {
    let path = versions.file.path();
    let (area, word) = paths::area_of(path)?;
    if versions.file.additions() + versions.file.deletions() == 0 {
        return None;
    }
    // A reformat of the file is not a change of what it does.
    if let (Some(old), Some(new)) = (versions.old, versions.new)
        && crate::analyze::mechanical::same_code(path, old, new, cache).is_some()
    {
        return None;
    }
    Some(fact(
        versions,
        Signal::SecuritySensitiveChange,
        versions.file.first_changed_line(),
        format!("sensitive-path:{word}"),
        format!(
            "code in a {} path (`{word}`) changed: a mistake here opens access or leaks secrets",
            area.what
        ),
    ))
}

/// One fact per (construct, scope) whose tokens differ between the versions, or whose
/// enclosing function's tokens do.
fn compare(versions: &Versions<'_>, old: &Constructs, new: &Constructs) -> Vec<Fact> {
    type Key = (&'static str, Scope);
    let mut groups: BTreeMap<Key, (Vec<&Construct>, Vec<&Construct>)> = BTreeMap::new();
    for found in &old.found {
        let key = (found.class.id, found.scope.clone());
        groups.entry(key).or_default().0.push(found);
    }
    for found in &new.found {
        let key = (found.class.id, found.scope.clone());
        groups.entry(key).or_default().1.push(found);
    }
    let mut facts = Vec::new();
    for ((id, scope), (before, after)) in groups {
        let texts = |side: &[&Construct]| {
            let mut texts: Vec<String> = side.iter().map(|f| f.text.clone()).collect();
            texts.sort_unstable();
            texts
        };
        let verb = match (before.is_empty(), after.is_empty()) {
            (true, _) => "added",
            (_, true) => "removed",
            _ if texts(&before) != texts(&after) => "changed",
            _ if scope.function && old.bodies.get(&scope.name) != new.bodies.get(&scope.name) => {
                "unchanged, but the function around it changed"
            }
            _ => continue,
        };
        let Some(first) = after.first().or(before.first()) else {
            continue;
        };
        let class = first.class;
        let place = if scope.name.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", scope.name)
        };
        let line = if after.is_empty() {
            // Removed: the old line is only a hint; the file's first change is where to look.
            versions.file.first_changed_line().or(Some(first.line))
        } else {
            Some(first.line)
        };
        let subject = if scope.name.is_empty() {
            id.to_string()
        } else {
            format!("{id}:{}", scope.name)
        };
        facts.push(fact(
            versions,
            Signal::SecuritySensitiveChange,
            line,
            subject,
            format!("{}{place} {verb}: {}", class.what, class.why),
        ));
    }
    // A guard whose constructs already fired is named by them.
    let named: Vec<String> = facts
        .iter()
        .filter_map(|fact| {
            fact.subject
                .as_deref()?
                .split_once(':')
                .map(|(_, scope)| scope.to_string())
        })
        .collect();
    facts.extend(guards(versions, old, new).into_iter().filter(|fact| {
        let scope = fact
            .subject
            .as_deref()
            .and_then(|s| s.split_once(':'))
            .map(|(_, scope)| scope);
        !scope.is_some_and(|scope| named.iter().any(|n| n == scope))
    }));
    facts.sort_by_key(|fact| fact.line);
    facts
}

/// One fact per function whose name says it is a security check ([`paths::names_a_guard`])
/// and whose tokens were added, removed or changed.
fn guards(versions: &Versions<'_>, old: &Constructs, new: &Constructs) -> Vec<Fact> {
    let mut names: Vec<&String> = old.bodies.keys().chain(new.bodies.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let word = paths::names_a_guard(name)?;
            let verb = match (old.bodies.get(name), new.bodies.get(name)) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(before), Some(after)) if before != after => "changed",
                _ => return None,
            };
            Some(fact(
                versions,
                Signal::SecuritySensitiveChange,
                versions.file.first_changed_line(),
                format!("security-check:{name}"),
                format!(
                    "`{name}` {verb}: its name says it is a security check (`{word}`); a gap in it lets the wrong request through"
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests;

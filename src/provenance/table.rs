//! The built-in marker table: data rows written from `ai-markers.md`, compiled once.
//!
//! Each row names its tool, the field it reads, a Rust `regex` pattern, how far it can be
//! trusted, whether it means AI or automation, where the fact comes from, and an example
//! that the pattern must match (checked by a test, like the markdown's own
//! "56 patterns, 0 problems" check). Adding a tool is adding a row.

mod agents;
mod automation;
mod disclosure;
mod requests;
mod tools;

use std::sync::LazyLock;

use super::marker::{Confidence, Field, Marker, MarkerKind};
use crate::pattern::Pattern;

/// One row of the built-in table, before its pattern is compiled.
#[derive(Debug)]
pub(crate) struct Row {
    /// The tool or policy the marker identifies.
    pub(crate) tool: &'static str,
    /// Which field the pattern reads.
    pub(crate) field: Field,
    /// Rust `regex` syntax; see [`Field`] for how each field's value is prepared.
    pub(crate) pattern: &'static str,
    /// How far the marker can be trusted on its own.
    pub(crate) confidence: Confidence,
    /// AI or automation.
    pub(crate) kind: MarkerKind,
    /// Where the fact comes from (section and confidence letter of `ai-markers.md`).
    pub(crate) source: &'static str,
    /// A real-looking value the pattern must match in its field. Only the table test reads
    /// it; it stays in the data so every row shows what it is meant to catch.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the table test only"))]
    pub(crate) example: &'static str,
}

/// Every row, AI tools first (the generic agent-app rows last among them, so a tool's own
/// row names shared evidence), then pull-request markers, declarations and notes, then
/// automation.
pub(crate) fn rows() -> impl Iterator<Item = &'static Row> {
    tools::ROWS
        .iter()
        .chain(agents::ROWS)
        .chain(requests::ROWS)
        .chain(disclosure::ROWS)
        .chain(automation::ROWS)
}

/// The rows compiled into markers, once per process.
static BUILTIN: LazyLock<Vec<Marker>> = LazyLock::new(|| {
    rows()
        .map(|row| Marker {
            tool: row.tool.to_owned(),
            field: row.field,
            // Compiled when a value holds the text every match contains: most never are.
            pattern: Pattern::lazy(row.pattern),
            confidence: row.confidence,
            kind: row.kind,
            source: row.source.to_owned(),
        })
        .collect()
});

/// The built-in markers, compiled on first use.
#[must_use]
pub fn builtin() -> &'static [Marker] {
    &BUILTIN
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    /// Every pattern compiles and matches its own example in its own field, with the
    /// field's normalisation applied, so the table cannot drift from the facts it cites.
    #[test]
    fn every_row_compiles_and_matches_its_example() {
        let mut problems = Vec::new();
        let mut count = 0;
        for row in rows() {
            count += 1;
            let marker = match Regex::new(row.pattern) {
                Ok(pattern) => Marker {
                    tool: row.tool.to_owned(),
                    field: row.field,
                    pattern: Pattern::compiled(pattern),
                    confidence: row.confidence,
                    kind: row.kind,
                    source: row.source.to_owned(),
                },
                Err(error) => {
                    problems.push(format!("{}: {error}", row.tool));
                    continue;
                }
            };
            let example = row.field.normalize(row.example);
            if marker
                .find_in(&example, &crate::pattern::fold(&example))
                .is_none()
                || !Pattern::lazy(row.pattern).is_match(&example)
            {
                problems.push(format!(
                    "{} ({}): `{}` does not match its example `{}`",
                    row.tool,
                    row.field.as_str(),
                    row.pattern,
                    row.example
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "{count} patterns, problems:\n{}",
            problems.join("\n")
        );
        assert_eq!(builtin().len(), count);
    }

    /// A lazy pattern answers as the compiled one on every row's example, and on each example
    /// upper-cased and with `s`/`k` written as the letters that case-fold to them (`ſ`, the
    /// Kelvin sign): its needles let through at least every value the pattern matches.
    #[test]
    fn lazy_patterns_agree_with_compiled_ones_on_every_example() {
        let rows: Vec<_> = rows().collect();
        let values: Vec<String> = rows
            .iter()
            .flat_map(|row| {
                let example = row.field.normalize(row.example).into_owned();
                let upper = example.to_uppercase();
                let folded = example.replace('s', "\u{17F}").replace('k', "\u{212A}");
                [example, upper, folded]
            })
            .collect();
        for row in &rows {
            let lazy = Pattern::lazy(row.pattern);
            let compiled = Regex::new(row.pattern).expect("compiles");
            for value in &values {
                assert_eq!(
                    lazy.is_match(value),
                    compiled.is_match(value),
                    "`{}` on {value:?}",
                    row.pattern
                );
            }
        }
    }

    /// Every row says where its fact comes from, so a maintainer can re-check it.
    #[test]
    fn every_row_cites_a_source() {
        for row in rows() {
            assert!(
                row.source.starts_with("ai-markers.md §"),
                "{}: {}",
                row.tool,
                row.source
            );
        }
    }

    /// Every section a row cites exists in the repository's copy of the facts,
    /// `docs/ai-markers.md`: a `## N.` heading for `§N`, a `| N.M |` row for `§N.M`.
    #[test]
    fn every_cited_section_resolves() {
        const DOC: &str = include_str!("../../docs/ai-markers.md");
        for row in rows() {
            let cited = row
                .source
                .strip_prefix("ai-markers.md §")
                .and_then(|rest| rest.split([' ', ':']).next())
                .unwrap_or_default();
            let found = match cited.split_once('.') {
                Some(_) => DOC.contains(&format!("| {cited} |")),
                None => DOC.contains(&format!("\n## {cited}. ")),
            };
            assert!(
                found,
                "{}: {} not in docs/ai-markers.md",
                row.tool, row.source
            );
        }
    }

    /// Branch prefixes and human-writable subjects never count on their own (§5.4, §5.8).
    #[test]
    fn branch_rows_are_low_confidence() {
        for row in rows().filter(|row| row.field == Field::Branch) {
            assert_eq!(row.confidence, Confidence::Low, "{}", row.tool);
        }
    }
}

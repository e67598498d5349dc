//! The blast-radius section of the text report: the changed symbols that can break
//! something, what breaks first at the top, with a few of their call sites.

use std::fmt::Write as _;

use crate::escape::one_line;
use crate::report::Style;
use crate::report::view::{BlastRow, View};

use super::{dim, section};

/// Symbols listed; the JSON report has all of them.
const MAX_SYMBOLS: usize = 8;

/// Changed symbols that can break something (exposed, or still referenced under an old
/// name), with dependents and call sites; the Markdown table lists every changed symbol.
pub(super) fn write(out: &mut String, view: &View<'_>, style: Style) {
    let blast = &view.blast;
    let mut risky: Vec<&BlastRow<'_>> = blast
        .rows
        .iter()
        .filter(|row| row.symbol.was_exposed() || !row.dangling.is_empty())
        .collect();
    // What breaks first: dangling references, then the widest reach.
    risky.sort_by_key(|row| {
        (
            std::cmp::Reverse(row.dangling.len()),
            std::cmp::Reverse(row.dependent_files),
        )
    });
    if risky.is_empty() && blast.gaps_counted_as_risk == 0 {
        return;
    }
    section(out, "blast radius", style);
    for row in risky.iter().take(MAX_SYMBOLS) {
        let symbol = row.symbol;
        let mut line = format!(
            "  {} {} `{}` {} ({}:{})",
            symbol.visibility_word(),
            symbol.kind.as_str(),
            one_line(&symbol.qualified_name()),
            symbol.change.as_str(),
            one_line(&symbol.file),
            symbol.line
        );
        if row.dependent_files > 0 {
            let _ = write!(
                line,
                ": {}, {}",
                plural(row.dependent_files, "dependent file"),
                plural(row.call_sites.len(), "site")
            );
        }
        if row.transitive_files > 0 {
            let _ = write!(line, ", {} more through callers", row.transitive_files);
        }
        let _ = writeln!(out, "{line}");
        for site in row.dangling.iter().take(3) {
            let _ = writeln!(
                out,
                "    ✗ still used at {}:{}",
                one_line(&site.path),
                site.line
            );
        }
        let other_sites = row
            .call_sites
            .iter()
            .filter(|site| !row.dangling.contains(site));
        for site in other_sites.take(3) {
            let _ = writeln!(
                out,
                "    {}",
                dim(
                    &format!("used at {}:{}", one_line(&site.path), site.line),
                    style
                )
            );
        }
    }
    if risky.len() > MAX_SYMBOLS {
        let _ = writeln!(
            out,
            "  … {} more symbols in --format json",
            risky.len() - MAX_SYMBOLS
        );
    }
    let _ = writeln!(
        out,
        "  {}",
        dim(
            &format!(
                "{} of {} changed files analysed structurally; references matched by name (approximate)",
                blast.analysed, blast.changed_files
            ),
            style
        )
    );
}

/// `1 site`, `3 sites`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

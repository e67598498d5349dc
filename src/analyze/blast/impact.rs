//! Turns structural findings into facts: one per risky symbol change, its dependents, the
//! references it leaves dangling, and the files that could not be analysed.

use crate::analyze::Fact;
use crate::analyze::blast::structure::{BlastRadius, SymbolImpact};
use crate::analyze::blast::symbols::{ChangeKind, SymbolChange};
use crate::analyze::blast::syntax::Visibility;
use crate::signal::Signal;

/// Dangling sites reported one by one per symbol; the rest are summed in one fact.
const MAX_DANGLING_FACTS: usize = 20;
/// Call sites named in a dependents message.
const EXAMPLE_SITES: usize = 3;

/// Facts for a change's blast radius.
#[must_use]
pub fn facts(blast: &BlastRadius) -> Vec<Fact> {
    let mut facts = Vec::new();
    for impact in &blast.symbols {
        symbol_facts(impact, &mut facts);
    }
    for gap in blast
        .coverage
        .not_analysed
        .iter()
        .filter(|gap| gap.counted_as_risk)
    {
        facts.push(Fact {
            signal: Signal::UnanalysableFile,
            file: Some(gap.file.clone()),
            line: None,
            quantity: 1.0,
            message: format!("not analysed structurally: {}", gap.reason.describe()),
            related: Vec::new(),
            subject: None,
        });
    }
    facts
}

fn visibility_word(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "public",
        Visibility::Restricted => "package-visible",
        Visibility::Private => "private",
    }
}

/// The one fact that says what happened to the symbol itself, if any does.
fn headline(change: &SymbolChange, name: &str) -> Option<(Signal, String)> {
    let exposed = change.was_exposed();
    let kind = change.kind.as_str();
    match change.change {
        ChangeKind::Removed if exposed => Some((
            Signal::SymbolRemoved,
            format!("{} {kind} `{name}` removed", change.visibility_word()),
        )),
        ChangeKind::Renamed if exposed => Some((
            Signal::SymbolRenamed,
            format!(
                "{kind} `{}` renamed to `{}`",
                change.name_before(),
                change.name
            ),
        )),
        ChangeKind::SignatureChanged if exposed => Some((
            Signal::PublicSignatureChanged,
            format!(
                "signature of {kind} `{name}` changed: `{}` → `{}`",
                change.old_signature.as_deref().unwrap_or_default(),
                change.new_signature.as_deref().unwrap_or_default()
            ),
        )),
        ChangeKind::VisibilityReduced => Some((
            Signal::VisibilityReduced,
            format!(
                "{kind} `{name}` is now {} (was {})",
                visibility_word(change.new_visibility.unwrap_or(Visibility::Private)),
                change.visibility_word()
            ),
        )),
        ChangeKind::BodyChanged if change.visibility == Visibility::Public => Some((
            Signal::PublicBodyChanged,
            format!("body of public {kind} `{name}` changed"),
        )),
        ChangeKind::Moved => Some((
            Signal::Moved,
            format!(
                "{kind} `{name}` moved here from {}",
                change.old_file.as_deref().unwrap_or("another file")
            ),
        )),
        _ => None,
    }
}

fn symbol_facts(impact: &SymbolImpact, facts: &mut Vec<Fact>) {
    let change = &impact.change;
    let name = change.qualified_name();
    let fact = |signal: Signal, quantity: f64, message: String, related: Vec<String>| Fact {
        signal,
        file: Some(change.file.clone()),
        line: Some(change.line),
        quantity,
        message,
        related,
        subject: Some(name.clone()),
    };
    if let Some((signal, message)) = headline(change, &name) {
        facts.push(fact(signal, 1.0, message, Vec::new()));
    }
    if !impact.dependent_files.is_empty() {
        let examples: Vec<String> = impact
            .call_sites
            .iter()
            .take(EXAMPLE_SITES)
            .map(|site| format!("{}:{}", site.path, site.line))
            .collect();
        let files = impact.dependent_files.len();
        let more = if impact.truncated { " or more" } else { "" };
        // Counted, but the language cannot say from those files whether they see this symbol.
        let undecided = match impact.undecided_files.len() {
            0 => String::new(),
            n => format!(
                "; {n} of them only through a wildcard or dynamic import (counted: not decidable)"
            ),
        };
        facts.push(fact(
            Signal::Dependents,
            files as f64,
            format!(
                "`{}` is used in {files}{more} other file{} ({} site{}), e.g. {}{undecided}",
                change.name_before(),
                if files == 1 { "" } else { "s" },
                impact.call_sites.len(),
                if impact.call_sites.len() == 1 {
                    ""
                } else {
                    "s"
                },
                examples.join(", ")
            ),
            impact.dependent_files.clone(),
        ));
    }
    if !impact.transitive_files.is_empty() {
        let files = impact.transitive_files.len();
        facts.push(fact(
            Signal::TransitiveDependents,
            files as f64,
            format!(
                "{files} more file{} reach `{}` through its callers",
                if files == 1 { "" } else { "s" },
                change.name_before()
            ),
            impact.transitive_files.clone(),
        ));
    }
    dangling_facts(impact, facts);
}

fn dangling_facts(impact: &SymbolImpact, facts: &mut Vec<Fact>) {
    let change = &impact.change;
    let (name, before) = (change.name_before(), change.file_before());
    let message = match change.change {
        ChangeKind::Renamed => format!(
            "still uses `{name}`, which {before} renamed to `{}`",
            change.name
        ),
        ChangeKind::Moved => format!(
            "still uses `{name}` from {before}, which moved to {}",
            change.file
        ),
        _ => format!("still uses `{name}`, which {before} removed"),
    };
    for site in impact.dangling.iter().take(MAX_DANGLING_FACTS) {
        facts.push(Fact {
            signal: Signal::DanglingReference,
            file: Some(site.path.clone()),
            line: Some(site.line),
            quantity: 1.0,
            message: message.clone(),
            related: Vec::new(),
            subject: Some(change.name_before().to_string()),
        });
    }
    let rest = impact.dangling.len().saturating_sub(MAX_DANGLING_FACTS);
    if rest > 0 {
        facts.push(Fact {
            signal: Signal::DanglingReference,
            file: Some(change.file.clone()),
            line: Some(change.line),
            quantity: rest as f64,
            message: format!("{rest} more sites still use `{}`", change.name_before()),
            related: Vec::new(),
            subject: Some(change.name_before().to_string()),
        });
    }
}

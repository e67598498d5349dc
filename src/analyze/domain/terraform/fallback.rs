//! Line-level reading for Terraform files that do not parse (Jinja or ERB templates around
//! HCL): the changed lines still say when a resource block goes away or a rule opens to the
//! internet. Coarser than the parsed rules, never silent.

use crate::analyze::Fact;
use crate::diff::{FileChange, LineKind};
use crate::signal::Signal;

use super::finding;
use super::replacement::Tables;

/// `resource "T" "N"` / `data "T" "N"` / `module "N"` at the start of a line: the address.
pub fn header(line: &str) -> Option<(String, Option<String>)> {
    let mut words = line.split_whitespace();
    let kind = words.next()?;
    let mut label = || {
        let word = words.next()?;
        word.strip_prefix('"')?.strip_suffix('"').map(String::from)
    };
    match kind {
        "resource" => {
            let ty = label()?;
            let name = label()?;
            Some((format!("{ty}.{name}"), Some(ty)))
        }
        "data" => {
            let ty = label()?;
            Some((format!("data.{ty}.{}", label()?), None))
        }
        "module" => Some((format!("module.{}", label()?), None)),
        _ => None,
    }
}

/// Facts from the changed lines of `file`.
pub fn facts(file: &FileChange) -> Vec<Fact> {
    let tables = Tables::with_extra(None);
    let lines: Vec<_> = file.hunks.iter().flat_map(|hunk| &hunk.lines).collect();
    let added: Vec<String> = lines
        .iter()
        .filter(|l| l.kind == LineKind::Added)
        .filter_map(|l| header(&l.content).map(|(address, _)| address))
        .collect();
    let mut facts = Vec::new();
    for line in &lines {
        match line.kind {
            LineKind::Removed => {
                let Some((address, ty)) = header(&line.content) else {
                    continue;
                };
                // The same header added back elsewhere in the file is a move, not a destroy.
                if added.contains(&address) {
                    continue;
                }
                let kind = ty.as_deref().and_then(|ty| tables.stateful_kind(ty));
                let (signal, message) = match kind {
                    Some(kind) => (
                        Signal::StatefulResourceDestroyed,
                        format!(
                            "destroys {address} ({kind}): data loss unless snapshotted (read from the changed lines)"
                        ),
                    ),
                    None => (
                        Signal::ResourceDestroyed,
                        format!("destroys {address} (read from the changed lines)"),
                    ),
                };
                facts.push(finding(
                    signal,
                    file.path(),
                    line.old_line.unwrap_or(1),
                    &address,
                    message,
                ));
            }
            LineKind::Added
                if line.content.contains("0.0.0.0/0") || line.content.contains("::/0") =>
            {
                facts.push(finding(
                    Signal::PublicIngress,
                    file.path(),
                    line.new_line.unwrap_or(1),
                    file.path(),
                    "a rule opens to the whole internet (0.0.0.0/0 or ::/0; read from the changed lines)".to_string(),
                ));
            }
            _ => {}
        }
    }
    facts
}

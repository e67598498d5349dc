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

/// An added or removed line that weakens a destroy protection, with what it does.
fn weakens(kind: LineKind, content: &str) -> Option<&'static str> {
    let compact: String = content.split_whitespace().collect();
    match (kind, compact.as_str()) {
        (LineKind::Removed, "prevent_destroy=true") => Some("removes prevent_destroy"),
        (LineKind::Added, "prevent_destroy=false") => Some("turns prevent_destroy off"),
        (LineKind::Added, "deletion_protection=false" | "deletion_protection_enabled=false") => {
            Some("turns deletion protection off")
        }
        (LineKind::Added, "skip_final_snapshot=true") => Some("skips the final snapshot"),
        (LineKind::Added, "force_destroy=true") => Some("lets a destroy delete the contents"),
        _ => None,
    }
}

/// Facts from the changed lines of `file`.
pub fn facts(file: &FileChange, tables: &Tables) -> Vec<Fact> {
    let path = file.path();
    let lines: Vec<_> = file.hunks.iter().flat_map(|hunk| &hunk.lines).collect();
    let added: Vec<(String, Option<String>, u32)> = lines
        .iter()
        .filter(|l| l.kind == LineKind::Added)
        .filter_map(|l| header(&l.content).map(|(a, ty)| (a, ty, l.new_line.unwrap_or(1))))
        .collect();
    // `from = X` on an added line: a moved or removed block names X.
    let named_from = |address: &str| {
        lines.iter().any(|l| {
            l.kind == LineKind::Added && {
                let compact: String = l.content.split_whitespace().collect();
                compact == format!("from={address}")
            }
        })
    };
    let mut renamed_to: Vec<&str> = Vec::new();
    let mut facts = Vec::new();
    for line in &lines {
        if let Some(what) = weakens(line.kind, &line.content) {
            let at = line.new_line.or(line.old_line).unwrap_or(1);
            let message = format!("{what} (read from the changed lines)");
            facts.push(finding(
                Signal::DestroyProtectionRemoved,
                path,
                at,
                path,
                message,
            ));
        }
        match line.kind {
            LineKind::Removed => {
                let Some((address, ty)) = header(&line.content) else {
                    continue;
                };
                // The same header added back elsewhere in the file is a move, not a destroy.
                if added.iter().any(|(a, ..)| *a == address) || named_from(&address) {
                    continue;
                }
                let kind = ty.as_deref().and_then(|ty| tables.stateful_kind(ty));
                let loss = kind.map_or(String::new(), |k| {
                    format!(" ({k}): data loss unless snapshotted")
                });
                // An added header of the same resource type reads as a rename.
                let rename = added.iter().find(|(a, t, _)| {
                    ty.is_some() && *t == ty && !renamed_to.contains(&a.as_str())
                });
                let (signal, message, at) = match (rename, kind) {
                    (Some((to, _, at)), _) => {
                        renamed_to.push(to);
                        let signal = if kind.is_some() {
                            Signal::StatefulResourceReplaced
                        } else {
                            Signal::ResourceReplaced
                        };
                        (
                            signal,
                            format!(
                                "destroys {address} and creates {to}{loss}; add a moved block to rename it (read from the changed lines)"
                            ),
                            *at,
                        )
                    }
                    (None, Some(_)) => (
                        Signal::StatefulResourceDestroyed,
                        format!("destroys {address}{loss} (read from the changed lines)"),
                        line.old_line.unwrap_or(1),
                    ),
                    (None, None) => (
                        Signal::ResourceDestroyed,
                        format!("destroys {address} (read from the changed lines)"),
                        line.old_line.unwrap_or(1),
                    ),
                };
                facts.push(finding(signal, path, at, &address, message));
            }
            LineKind::Added
                if line.content.contains("0.0.0.0/0") || line.content.contains("::/0") =>
            {
                facts.push(finding(
                    Signal::PublicIngress,
                    path,
                    line.new_line.unwrap_or(1),
                    path,
                    "a rule opens to the whole internet (0.0.0.0/0 or ::/0; read from the changed lines)".to_string(),
                ));
            }
            _ => {}
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileStatus, Hunk, Line};

    /// A change read only from its diff: `-` lines removed, `+` lines added, numbered per side.
    fn diff(lines: &[&str]) -> FileChange {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some("infra/main.tf".into()),
            Some("infra/main.tf".into()),
        );
        let (mut old, mut new) = (1, 1);
        let lines = lines
            .iter()
            .map(|text| {
                let (kind, content) = match text.split_at(1) {
                    ("-", rest) => (LineKind::Removed, rest),
                    ("+", rest) => (LineKind::Added, rest),
                    (_, _) => (LineKind::Context, &text[..]),
                };
                let (old_line, new_line) = match kind {
                    LineKind::Removed => (Some(old), None),
                    LineKind::Added => (None, Some(new)),
                    LineKind::Context => (Some(old), Some(new)),
                };
                old += u32::from(kind != LineKind::Added);
                new += u32::from(kind != LineKind::Removed);
                Line {
                    kind,
                    old_line,
                    new_line,
                    content: content.to_string(),
                }
            })
            .collect();
        file.hunks.push(Hunk {
            old_start: 1,
            old_lines: old - 1,
            new_start: 1,
            new_lines: new - 1,
            lines,
        });
        file
    }

    /// `(signal, line, subject)` of each expected fact.
    type Expected<'a> = &'a [(Signal, u32, &'a str)];

    /// Changed lines alone: each case yields exactly these `(signal, line, subject)`.
    #[test]
    fn changed_lines() {
        let db_main = "-resource \"aws_db_instance\" \"main\" {";
        let db_primary = "+resource \"aws_db_instance\" \"primary\" {";
        let cases: &[(&[&str], Expected)] = &[
            // A rename without moved is a replacement, located at the new header.
            (
                &[db_main, db_primary],
                &[(Signal::StatefulResourceReplaced, 1, "aws_db_instance.main")],
            ),
            // With a moved block naming the old address, nothing is destroyed.
            (
                &[
                    db_main,
                    db_primary,
                    "+moved {",
                    "+  from = aws_db_instance.main",
                ],
                &[],
            ),
            // A removed module is destroyed (never stateful on its own).
            (
                &["-module \"network\" {"],
                &[(Signal::ResourceDestroyed, 1, "module.network")],
            ),
            (
                &["   engine = \"postgres\"", "+  skip_final_snapshot = true"],
                &[(Signal::DestroyProtectionRemoved, 2, "infra/main.tf")],
            ),
            (
                &["-    prevent_destroy = true"],
                &[(Signal::DestroyProtectionRemoved, 1, "infra/main.tf")],
            ),
            // A private CIDR opens nothing to the internet.
            (&["+  cidr_blocks = [\"10.0.0.0/8\"]"], &[]),
            (
                &["+  cidr_blocks = [\"0.0.0.0/0\"]"],
                &[(Signal::PublicIngress, 1, "infra/main.tf")],
            ),
        ];
        for (lines, expected) in cases {
            let found: Vec<(Signal, u32, String)> = facts(&diff(lines), Tables::builtin())
                .into_iter()
                .map(|f| (f.signal, f.line.unwrap_or(0), f.subject.unwrap_or_default()))
                .collect();
            let expected: Vec<(Signal, u32, String)> = expected
                .iter()
                .map(|(s, l, a)| (*s, *l, (*a).to_string()))
                .collect();
            assert_eq!(found, expected, "{lines:?}");
        }
    }
}

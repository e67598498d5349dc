//! Line-level reading for Terraform files that do not parse (Jinja or ERB templates around
//! HCL): the changed lines still say when a resource block goes away or a rule opens to the
//! internet. Coarser than the parsed rules, never silent.
//!
//! A header counts only where [`scan`] says code is: text in a heredoc, a string or a comment
//! that looks like `resource "aws_db_instance" "x" {` is not a definition, and so cannot make
//! a removed database look moved. Suppressing facts (a header added back, a `from =`) needs a
//! top-level line; reporting a removal only needs a code line, so a miscounted brace in a
//! template errs towards reporting.

use std::collections::HashMap;

use crate::analyze::Fact;
use crate::diff::{Line, LineKind};
use crate::signal::Signal;

use super::finding;
use super::replacement::Tables;
use super::scan::{self, Place};
use crate::analyze::domain::Versions;

/// `resource "T" "N"` / `data "T" "N"` / `module "N"` at the start of a line: the address, and
/// the resource type. Labels are quoted or bare identifiers, as HCL allows.
pub fn header(line: &str) -> Option<(String, Option<String>)> {
    let line = line.trim_start();
    let kind_end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    let (kind, mut rest) = line.split_at(kind_end);
    let mut label = || {
        rest = rest.trim_start();
        let (word, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            rest.split_at(end)
        };
        rest = after;
        (!word.is_empty()).then(|| word.to_string())
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

/// The addresses of the definitions in a whole file: headers on top-level lines only.
pub fn headers(text: &[u8]) -> Vec<String> {
    let places = scan::lines(text);
    String::from_utf8_lossy(text)
        .split('\n')
        .zip(places)
        .filter(|(_, place)| *place == Place::Top)
        .filter_map(|(line, _)| header(line).map(|(address, _)| address))
        .collect()
}

/// Where each changed line of a file starts, per side. From the whole side when it was read;
/// else from each hunk's lines of that side in order (diff text without the repository: a
/// heredoc opened above the hunk is not seen then).
struct Places {
    old: HashMap<u32, Place>,
    new: HashMap<u32, Place>,
}

impl Places {
    fn new(versions: &Versions<'_>) -> Self {
        let side = |content: Option<&[u8]>, number: fn(&Line) -> Option<u32>| {
            let mut places = HashMap::new();
            if let Some(content) = content {
                let all = scan::lines(content);
                for line in versions.file.hunks.iter().flat_map(|hunk| &hunk.lines) {
                    if let Some(n) = number(line) {
                        let index = usize::try_from(n.saturating_sub(1)).unwrap_or(usize::MAX);
                        places.insert(n, all.get(index).copied().unwrap_or(Place::Text));
                    }
                }
                return places;
            }
            for hunk in &versions.file.hunks {
                let lines: Vec<(u32, &str)> = hunk
                    .lines
                    .iter()
                    .filter_map(|line| Some((number(line)?, line.content.as_str())))
                    .collect();
                let text: Vec<&str> = lines.iter().map(|(_, content)| *content).collect();
                let found = scan::lines(text.join("\n").as_bytes());
                places.extend(lines.iter().map(|(n, _)| *n).zip(found));
            }
            places
        };
        Places {
            old: side(versions.old, |line| line.old_line),
            new: side(versions.new, |line| line.new_line),
        }
    }

    /// Where a changed line starts on its side (a removed line on the old side).
    fn of(&self, line: &Line) -> Place {
        let found = match line.kind {
            LineKind::Removed => line.old_line.and_then(|n| self.old.get(&n)),
            LineKind::Added | LineKind::Context => line.new_line.and_then(|n| self.new.get(&n)),
        };
        found.copied().unwrap_or(Place::Text)
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

/// Facts from the changed lines of a file.
pub fn facts(versions: &Versions<'_>, tables: &Tables) -> Vec<Fact> {
    let file = versions.file;
    let path = file.path();
    let places = Places::new(versions);
    let lines: Vec<_> = file.hunks.iter().flat_map(|hunk| &hunk.lines).collect();
    // Lines that can add a definition back or name a move: added, in code, at the top level.
    let top_added = |l: &&&Line| l.kind == LineKind::Added && places.of(l) == Place::Top;
    let added: Vec<(String, Option<String>, u32)> = lines
        .iter()
        .filter(top_added)
        .filter_map(|l| header(&l.content).map(|(a, ty)| (a, ty, l.new_line.unwrap_or(1))))
        .collect();
    // `from = X` on an added code line: a moved or removed block names X.
    let named_from = |address: &str| {
        lines.iter().any(|l| {
            l.kind == LineKind::Added && places.of(l) != Place::Text && {
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
                // A removed definition: any code line (text in a heredoc is not one).
                if places.of(line) == Place::Text {
                    continue;
                }
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
    use crate::diff::{FileChange, FileStatus, Hunk};

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
            let file = diff(lines);
            let versions = Versions {
                file: &file,
                old: None,
                new: None,
            };
            let found: Vec<(Signal, u32, String)> = facts(&versions, Tables::builtin())
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

    /// Text that looks like a definition inside a heredoc (`<<EOT`, `<<-EOT`), a `/* */`
    /// comment or an interpolation spanning lines is not one: the removed database is still
    /// destroyed, and a `from =` in a heredoc names no move. Read from the whole file and from
    /// the diff alone.
    #[test]
    fn text_is_not_a_definition() {
        let old = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
        let header = "resource \"aws_db_instance\" \"main\" {";
        let hidden = [
            format!("locals {{\n  x = <<EOT\n{header}\nEOT\n}}\n"),
            format!("locals {{\n  x = <<-EOT\n    {header}\n    EOT\n}}\n"),
            format!("/*\n{header}\n*/\n"),
            format!("locals {{\n  x = \"${{\n{header}}}\n}}\"\n}}\n"),
            "locals {\n  x = <<EOT\nmoved {\n  from = aws_db_instance.main\nEOT\n}\n".to_string(),
        ];
        for new in &hidden {
            let mut lines: Vec<String> = old.lines().map(|l| format!("-{l}")).collect();
            lines.extend(new.lines().map(|l| format!("+{l}")));
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let file = diff(&lines);
            let read = [(Some(old.as_bytes()), Some(new.as_bytes())), (None, None)];
            for (old_side, new_side) in read {
                let versions = Versions {
                    file: &file,
                    old: old_side,
                    new: new_side,
                };
                let found: Vec<(Signal, String)> = facts(&versions, Tables::builtin())
                    .into_iter()
                    .map(|f| (f.signal, f.subject.unwrap_or_default()))
                    .collect();
                assert_eq!(
                    found,
                    [(
                        Signal::StatefulResourceDestroyed,
                        "aws_db_instance.main".to_string()
                    )],
                    "{new}"
                );
            }
            assert_eq!(headers(new.as_bytes()), Vec::<String>::new(), "{new}");
        }
    }

    /// Headers with quoted or bare labels, with or without a space before the brace; a
    /// comment is not a header.
    #[test]
    fn headers_with_any_label_spelling() {
        let cases = [
            (
                "resource \"aws_s3_bucket\" \"b\" {",
                Some("aws_s3_bucket.b"),
            ),
            ("  resource aws_s3_bucket b{", Some("aws_s3_bucket.b")),
            (
                "resource \"aws_s3_bucket\" \"b\"{}",
                Some("aws_s3_bucket.b"),
            ),
            ("module \"net\" {", Some("module.net")),
            ("data \"aws_ami\" \"u\" {", Some("data.aws_ami.u")),
            ("# resource \"aws_s3_bucket\" \"b\" {", None),
            ("resources \"a\" \"b\" {", None),
            ("resource \"a\" {", None),
        ];
        for (line, expected) in cases {
            assert_eq!(
                header(line).map(|(address, _)| address).as_deref(),
                expected,
                "{line}"
            );
        }
    }
}

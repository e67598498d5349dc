//! Dockerfiles: which image a build starts from, whether it is pinned, which user the final
//! image runs as, and build steps that run a downloaded script. A base image moved to a new
//! digest of its tag or to a patch release is a mechanical bump ([`bump`]), not a change.
//!
//! Every `FROM` counts for images (a builder stage's base runs at build time with the build's
//! secrets); only the final stage counts for `USER`, because that is what ships.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

use super::{Analysis, Analyzer, LineLevel, Versions, fact, shell};
use crate::analyze::lang::{config_for_path, parse_config};
use crate::analyze::security::modes;
use crate::diff::LineKind;
use crate::signal::Signal;

mod bump;

/// See the module docs.
pub struct Dockerfile;

/// A base image reference (`FROM`), resolved against earlier stage names.
#[derive(Debug, Clone)]
struct Image {
    text: String,
    line: u32,
    /// Neither a tag other than `latest` nor a digest.
    unpinned: bool,
    /// Name, tag and digest, to tell a mechanical bump from a change.
    reference: bump::ImageReference,
}

/// Who the final stage runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum User {
    /// No `USER` in the final stage: the image default, root for almost every base image.
    Default,
    /// An explicit root user (`root`, uid `0`), at this line.
    Root(u32),
    /// Someone else.
    NonRoot,
}

/// What one version of a Dockerfile says.
#[derive(Debug)]
struct Parsed {
    images: Vec<Image>,
    user: User,
    /// The final stage's image and line, for the subject of user findings.
    final_stage: Option<(String, u32)>,
    /// `RUN` commands (continuations joined), with their line.
    runs: Vec<(String, u32)>,
    /// The grammar reported errors (the rest is still read).
    had_errors: bool,
}

fn line_of(node: Node<'_>) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

/// Reads one version; `line_map` maps 0-based rows to file lines (identity when `None`).
fn parse(source: &str, line_map: Option<&[u32]>) -> Option<Parsed> {
    let language = config_for_path("Dockerfile")?;
    let tree = parse_config(language, source.as_bytes())?;
    let root = tree.root_node();
    let map = |line: u32| match line_map {
        Some(map) => map.get(line as usize - 1).copied().unwrap_or(line),
        None => line,
    };
    let mut parsed = Parsed {
        images: Vec::new(),
        user: User::Default,
        final_stage: None,
        runs: Vec::new(),
        had_errors: root.has_error(),
    };
    let mut aliases: Vec<String> = Vec::new();
    let mut cursor = root.walk();
    for instruction in root.named_children(&mut cursor) {
        let line = map(line_of(instruction));
        let text = &source[instruction.byte_range()];
        match instruction.kind() {
            "from_instruction" => {
                parsed.user = User::Default;
                let mut inner = instruction.walk();
                let spec = instruction
                    .named_children(&mut inner)
                    .find(|n| n.kind() == "image_spec");
                if let Some(alias) = instruction.child_by_field_name("as") {
                    aliases.push(source[alias.byte_range()].to_ascii_lowercase());
                }
                let Some(spec) = spec else { continue };
                let image = source[spec.byte_range()].to_string();
                parsed.final_stage = Some((image.clone(), line));
                let name = spec
                    .child_by_field_name("name")
                    .map_or("", |n| &source[n.byte_range()]);
                // Earlier stages and `scratch` are not images pulled from a registry.
                if aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
                    || name == "scratch"
                    || image.contains('$')
                {
                    continue;
                }
                let tag = spec
                    .child_by_field_name("tag")
                    .map(|t| source[t.byte_range()].trim_start_matches(':').to_string());
                let digest = spec
                    .child_by_field_name("digest")
                    .map(|d| source[d.byte_range()].trim_start_matches('@').to_string());
                let unpinned = digest.is_none() && tag.as_deref().is_none_or(|t| t == "latest");
                parsed.images.push(Image {
                    text: image,
                    line,
                    unpinned,
                    reference: bump::ImageReference {
                        name: name.to_string(),
                        tag,
                        digest,
                    },
                });
            }
            "user_instruction" => {
                let user = instruction
                    .child_by_field_name("user")
                    .map_or("", |u| &source[u.byte_range()]);
                parsed.user = if matches!(user, "root" | "0") {
                    User::Root(line)
                } else {
                    User::NonRoot
                };
            }
            "run_instruction" => parsed.runs.push((text.replace("\\\n", " "), line)),
            _ => {}
        }
    }
    Some(parsed)
}

static HOST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://([^/\s'"|)]+)"#).expect("valid pattern (tested)"));

/// The shell command of a `RUN` instruction: past the keyword and its `--mount`/`--network`
/// options.
fn shell_command(run: &str) -> &str {
    let mut rest = run.trim_start();
    rest = rest
        .get(..3)
        .filter(|k| k.eq_ignore_ascii_case("run"))
        .map_or(rest, |_| &rest[3..]);
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix("--") {
            Some(option) => {
                rest = option
                    .split_once(char::is_whitespace)
                    .map_or("", |(_, r)| r);
            }
            None => return rest,
        }
    }
}

/// Counts of normalised texts, to tell what is new in this change.
fn counts<'a>(items: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for item in items {
        *seen
            .entry(item.split_whitespace().collect::<Vec<_>>().join(" "))
            .or_default() += 1;
    }
    seen
}

fn is_new(seen: &mut HashMap<String, usize>, text: &str) -> bool {
    let key = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match seen.get_mut(&key) {
        Some(count) if *count > 0 => {
            *count -= 1;
            false
        }
        _ => true,
    }
}

/// Facts from the old and new version (whole files, or only the changed lines when `partial`).
fn compare(versions: &Versions<'_>, old: Option<&Parsed>, new: &Parsed, partial: bool) -> Analysis {
    let mut analysis = Analysis::default();
    let mut old_images = counts(
        old.iter()
            .flat_map(|o| o.images.iter().map(|i| i.text.as_str())),
    );
    for (index, image) in new.images.iter().enumerate() {
        if !is_new(&mut old_images, &image.text) {
            continue;
        }
        // The image this one replaces: same position among the old FROMs, when there was one.
        if let Some(before) = old.and_then(|o| o.images.get(index).or(o.images.last())) {
            let (signal, consequence) = match bump::classify(&before.reference, &image.reference) {
                Some(bump) => (
                    Signal::BaseImageBumped,
                    format!("mechanical ({})", bump.describe()),
                ),
                None => (
                    Signal::BaseImageChanged,
                    "everything built on it changes".to_string(),
                ),
            };
            analysis.facts.push(fact(
                versions,
                signal,
                Some(image.line),
                &image.text,
                format!(
                    "base image {} replaces {}: {consequence}",
                    image.text, before.text
                ),
            ));
        }
        if image.unpinned {
            analysis.facts.push(fact(
                versions,
                Signal::ImageUnpinned,
                Some(image.line),
                &image.text,
                format!(
                    "{} has no version tag or digest: the build can change without a commit",
                    image.text
                ),
            ));
        }
    }
    let subject = new
        .final_stage
        .as_ref()
        .map_or("final stage", |(image, _)| image.as_str());
    let old_user = old.map(|o| &o.user);
    let root_line = match (&new.user, old_user) {
        (User::Root(line), Some(User::Default | User::NonRoot) | None) => Some(*line),
        (User::Default, Some(User::NonRoot)) if !partial => Some(
            versions
                .file
                .first_changed_line()
                .or(new.final_stage.as_ref().map(|s| s.1))
                .unwrap_or(1),
        ),
        _ => None,
    };
    if let Some(line) = root_line {
        analysis.facts.push(fact(
            versions,
            Signal::ContainerRunsAsRoot,
            Some(line),
            subject,
            "the final image runs as root: a compromised process owns the container",
        ));
    }
    let mut old_runs = counts(
        old.iter()
            .flat_map(|o| o.runs.iter().map(|(run, _)| run.as_str())),
    );
    for (run, line) in &new.runs {
        let added = is_new(&mut old_runs, run);
        if added {
            analysis
                .facts
                .extend(permissive_modes(versions, run, *line));
        }
        if added && shell::runs_download(shell_command(run)) {
            let host = HOST
                .captures(run)
                .and_then(|c| c.get(1))
                .map_or("a download", |m| m.as_str());
            analysis.facts.push(fact(
                versions,
                Signal::PipeToShell,
                Some(*line),
                host,
                format!("RUN runs a script downloaded from {host} unreviewed: whoever controls it controls the build"),
            ));
        }
    }
    analysis
}

/// World-writable modes a new `RUN` sets (`chmod -R 777`), one fact each.
fn permissive_modes<'a>(
    versions: &'a Versions<'_>,
    run: &str,
    line: u32,
) -> impl Iterator<Item = crate::analyze::Fact> + 'a {
    modes::world_writable(shell_command(run))
        .into_iter()
        .map(move |found| {
            fact(
                versions,
                Signal::SecuritySensitiveChange,
                Some(line),
                "permissive-file-mode",
                found.message(),
            )
        })
}

/// The added (or removed) lines as a small Dockerfile, and the file line of each of its rows.
fn changed_lines(versions: &Versions<'_>, kind: LineKind) -> (String, Vec<u32>) {
    let mut text = String::new();
    let mut lines = Vec::new();
    for line in versions
        .file
        .hunks
        .iter()
        .flat_map(|h| &h.lines)
        .filter(|l| l.kind == kind)
    {
        text.push_str(&line.content);
        text.push('\n');
        lines.push(line.new_line.or(line.old_line).unwrap_or(0));
    }
    (text, lines)
}

impl Analyzer for Dockerfile {
    fn name(&self) -> &'static str {
        "dockerfile"
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        config_for_path(path).is_some_and(|language| language.name == "dockerfile")
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let fallback = |reason: &str| LineLevel {
            file: versions.file.path().to_string(),
            analyzer: "dockerfile",
            reason: reason.to_string(),
        };
        let Some(new) = versions.new else {
            if versions.old.is_some() || versions.file.hunks.is_empty() {
                return Analysis::default(); // deleted, or nothing to read
            }
            // No contents (diff text): the changed lines are read as a partial Dockerfile.
            let (added, added_lines) = changed_lines(versions, LineKind::Added);
            let (removed, removed_lines) = changed_lines(versions, LineKind::Removed);
            let old = parse(&removed, Some(&removed_lines));
            let Some(new) = parse(&added, Some(&added_lines)) else {
                return Analysis::default();
            };
            let mut analysis = compare(versions, old.as_ref(), &new, true);
            analysis.fallbacks.push(fallback(
                "file contents unavailable; read the changed lines",
            ));
            return analysis;
        };
        let new_text = String::from_utf8_lossy(new);
        let Some(parsed) = parse(&new_text, None) else {
            return Analysis {
                facts: Vec::new(),
                fallbacks: vec![fallback("the Dockerfile grammar failed to load")],
            };
        };
        let old = versions
            .old
            .and_then(|old| parse(&String::from_utf8_lossy(old), None));
        let mut analysis = compare(versions, old.as_ref(), &parsed, false);
        if parsed.had_errors {
            analysis.fallbacks.push(fallback(
                "syntax the Dockerfile grammar does not know (heredoc, parser directive); instructions around it are still read",
            ));
        }
        analysis
    }
}

#[cfg(test)]
mod tests;

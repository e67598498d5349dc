//! Committed credentials: high-confidence token formats on the lines a change adds.
//!
//! Works from the hunks alone (no file contents needed), so it also gates diff text. Only
//! formats with a fixed, documented prefix are matched: a generic "high-entropy string" rule
//! would block on hashes and test vectors. The report names the kind of secret and where it
//! is, never the value: printing it would copy the credential into CI logs.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::{Analysis, Analyzer, Versions, fact};
use crate::diff::LineKind;
use crate::signal::Signal;

/// See the module docs.
pub struct Secrets;

/// One credential format: what it is called, how it looks, where the format is documented.
struct Format {
    /// Shown as the subject ("AWS access key id").
    kind: &'static str,
    /// The whole token; capture group 1 is the random part checked for placeholders (absent
    /// for private key headers, which carry no random part on their line).
    pattern: &'static str,
}

/// Credential formats. Sources:
/// - private keys: RFC 7468 §10 (`-----BEGIN PRIVATE KEY-----`), `OpenSSH` `PROTOCOL.key`,
///   RFC 4880 §6.2 (`PGP PRIVATE KEY BLOCK`);
/// - AWS: IAM user guide, "Unique identifiers" (`AKIA` long-term, `ASIA` temporary; 20
///   characters, base32 upper case);
/// - GitHub: "Behind GitHub's new authentication token formats" (github.blog, 2021-04) for
///   `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36, and the fine-grained PAT format
///   `github_pat_` + 22 + `_` + 59;
/// - GitLab: docs "Token prefixes" (`glpat-` + at least 20);
/// - Slack: api.slack.com "Token types" (`xoxb-`, `xoxp-`, `xoxa-`, `xoxo-`, `xoxs-`, `xoxr-`);
/// - Stripe: docs "API keys" (`sk_live_`, `rk_live_`; test keys are not secrets);
/// - Google: Cloud docs "API keys" (`AIza` + 35).
const FORMATS: &[Format] = &[
    Format {
        kind: "private key",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
    },
    Format {
        kind: "AWS access key id",
        pattern: r"\b(?:AKIA|ASIA)([A-Z2-7]{16})\b",
    },
    Format {
        kind: "GitHub token",
        pattern: r"\bgh[pousr]_([A-Za-z0-9]{36})\b",
    },
    Format {
        kind: "GitHub fine-grained token",
        pattern: r"\bgithub_pat_([A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
    },
    Format {
        kind: "GitLab token",
        pattern: r"\bglpat-([A-Za-z0-9_-]{20,})",
    },
    Format {
        kind: "Slack token",
        pattern: r"\bxox[abposr]-([0-9A-Za-z-]{10,})",
    },
    Format {
        kind: "Stripe live key",
        pattern: r"\b[rs]k_live_([0-9A-Za-z]{24,})\b",
    },
    Format {
        kind: "Google API key",
        pattern: r"\bAIza([0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
    },
];

/// Values published as examples, which match a format but authenticate nothing. Decision: they
/// are not reported, so documentation and SDK test data do not block a change. Source: AWS IAM
/// user guide, "Managing access keys" (the example key id).
const PUBLISHED_EXAMPLES: &[&str] = &["AKIAIOSFODNN7EXAMPLE"];

static COMPILED: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|format| {
            let regex =
                Regex::new(format.pattern).expect("the format table holds valid patterns (tested)");
            (format.kind, regex)
        })
        .collect()
});

/// A random part that is really a placeholder (`xxxxxxxx…`, `1234…`, `your_token_here`): real
/// tokens draw from 32+ symbols, so 16 random characters almost surely hold 8 distinct ones.
fn is_placeholder(random: &str) -> bool {
    let mut seen = [false; 128];
    let mut distinct = 0;
    for byte in random.bytes() {
        let slot = &mut seen[usize::from(byte & 0x7f)];
        if !*slot {
            *slot = true;
            distinct += 1;
        }
    }
    distinct < 8
}

/// Whether a match is a real credential: not a published example, not a placeholder.
fn is_real(captures: &regex::Captures<'_>) -> bool {
    let whole = captures.get(0).map_or("", |m| m.as_str());
    let random = captures.get(1).map_or("", |m| m.as_str());
    !PUBLISHED_EXAMPLES.contains(&whole) && (captures.get(1).is_none() || !is_placeholder(random))
}

/// The kinds of credential on one line, in format order.
fn kinds_on(line: &str) -> Vec<&'static str> {
    COMPILED
        .iter()
        .filter(|(_, regex)| regex.captures_iter(line).any(|c| is_real(&c)))
        .map(|(kind, _)| *kind)
        .collect()
}

/// The credentials of each kind `text` holds, in format order (kinds with none left out):
/// one pass per format over the whole text, for content too large to read line by line.
pub(super) fn found(text: &str) -> Vec<(&'static str, BTreeSet<&str>)> {
    COMPILED
        .iter()
        .map(|(kind, regex)| {
            let values = regex
                .captures_iter(text)
                .filter(is_real)
                .filter_map(|captures| captures.get(0).map(|m| m.as_str()))
                .collect::<BTreeSet<&str>>();
            (*kind, values)
        })
        .filter(|(_, values)| !values.is_empty())
        .collect()
}

impl Analyzer for Secrets {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn wants(&self, _path: &str, _content: &[u8]) -> bool {
        // A credential can sit in any text file; binary files are skipped in `analyze`.
        true
    }

    fn reads_a_risky_kind(&self) -> bool {
        // Every file: the scan of unreadable content is done by `opaque` itself.
        false
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let mut analysis = Analysis::default();
        if versions.file.binary {
            return analysis;
        }
        let added = versions
            .file
            .hunks
            .iter()
            .flat_map(|hunk| &hunk.lines)
            .filter(|line| line.kind == LineKind::Added);
        for line in added {
            for kind in kinds_on(&line.content) {
                let at = line
                    .new_line
                    .map_or_else(String::new, |n| format!(" at line {n}"));
                analysis.facts.push(fact(
                    versions,
                    Signal::SecretAdded,
                    line.new_line,
                    kind,
                    format!(
                        "a {kind} is added{at}: it is compromised once pushed; remove and rotate it"
                    ),
                ));
            }
        }
        analysis
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileChange, FileStatus, Hunk, Line};

    /// A change to `path` whose hunk adds `added` and removes `removed`.
    fn change(path: &str, added: &[&str], removed: &[&str]) -> FileChange {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some(path.to_string()),
            Some(path.to_string()),
        );
        let mut lines = Vec::new();
        for (i, text) in removed.iter().enumerate() {
            lines.push(Line {
                kind: LineKind::Removed,
                old_line: Some(u32::try_from(i + 1).expect("small")),
                new_line: None,
                content: (*text).to_string(),
            });
        }
        for (i, text) in added.iter().enumerate() {
            lines.push(Line {
                kind: LineKind::Added,
                old_line: None,
                new_line: Some(u32::try_from(i + 1).expect("small")),
                content: (*text).to_string(),
            });
        }
        file.hunks.push(Hunk {
            old_start: 1,
            old_lines: u32::try_from(removed.len()).expect("small"),
            new_start: 1,
            new_lines: u32::try_from(added.len()).expect("small"),
            lines,
        });
        file
    }

    fn run(file: &FileChange) -> Vec<crate::analyze::Fact> {
        Secrets
            .analyze(&Versions {
                file,
                old: None,
                new: None,
            })
            .facts
    }

    /// Fake credentials built at run time, so the source holds no token-shaped literal.
    fn fake(prefix: &str, body: &str) -> String {
        format!("{prefix}{body}")
    }

    const RANDOM36: &str = "q8Vn3XkL0pZr7TtY2mWc5HbJ9sDf4GaE1uRi";

    /// Every format fires on an added line, with the kind as subject and the added line.
    #[test]
    fn formats_fire() {
        let fine_grained = format!(
            "{}_{}",
            &RANDOM36[..22],
            [RANDOM36, &RANDOM36[..23]].concat()
        );
        let cases: Vec<(String, &str)> = vec![
            ("-----BEGIN RSA PRIVATE KEY-----".to_string(), "private key"),
            (
                "-----BEGIN OPENSSH PRIVATE KEY-----".to_string(),
                "private key",
            ),
            (
                fake("aws_key = AKIA", "Q7ZJ3M2KX4PLR6TW"),
                "AWS access key id",
            ),
            (fake("ASIA", "Q7ZJ3M2KX4PLR6TW"), "AWS access key id"),
            (fake("token: ghp_", RANDOM36), "GitHub token"),
            (fake("ghs_", RANDOM36), "GitHub token"),
            (
                fake("github_pat_", &fine_grained),
                "GitHub fine-grained token",
            ),
            (fake("glpat-", &RANDOM36[..20]), "GitLab token"),
            (
                fake("xoxb-", "1234567890-0987654321-q8Vn3XkL0pZr7TtY"),
                "Slack token",
            ),
            (fake("STRIPE=sk_live_", &RANDOM36[..24]), "Stripe live key"),
            (fake("key=\"AIza", &RANDOM36[..35]) + "\"", "Google API key"),
        ];
        for (text, kind) in cases {
            let file = change("config/app.env", &["x = 1", &text], &[]);
            let facts = run(&file);
            assert_eq!(facts.len(), 1, "{text}: {facts:?}");
            assert_eq!(facts[0].signal, Signal::SecretAdded);
            assert_eq!(facts[0].subject.as_deref(), Some(kind));
            assert_eq!(facts[0].line, Some(2));
            assert!(facts[0].message.contains("remove and rotate"), "{text}");
        }
    }

    /// Placeholders, the AWS documented example, test keys and removed lines do not fire.
    #[test]
    fn near_misses() {
        let placeholder = fake("ghp_", &"x".repeat(36));
        let digits = fake("AKIA", "0000000000000000");
        let removed = fake("ghp_", RANDOM36);
        let test_key = fake("sk_test_", &RANDOM36[..24]);
        let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
            (vec![placeholder.as_str()], vec![]),
            (
                vec!["token: <token>", "GITHUB_TOKEN=${{ secrets.X }}"],
                vec![],
            ),
            (vec!["AKIAIOSFODNN7EXAMPLE"], vec![]),
            (vec![digits.as_str()], vec![]),
            (vec![test_key.as_str()], vec![]),
            (vec!["-----BEGIN PUBLIC KEY-----"], vec![]),
            (vec!["unrelated"], vec![removed.as_str()]),
        ];
        for (added, removed) in cases {
            let file = change("src/lib.rs", &added, &removed);
            assert!(run(&file).is_empty(), "{added:?} / {removed:?}");
        }
    }

    /// Binary files are skipped even when their (bogus) hunks look like a token.
    #[test]
    fn binary_skipped() {
        let token = fake("ghp_", RANDOM36);
        let mut file = change("logo.png", &[&token], &[]);
        file.binary = true;
        assert!(run(&file).is_empty());
    }

    /// Neither the JSON nor the text of a fact contains any run of 8 characters of the secret
    /// (its random part), only the kind and the location.
    #[test]
    fn never_prints_the_secret() {
        let tokens = [
            fake("ghp_", RANDOM36),
            fake("AKIA", "Q7ZJ3M2KX4PLR6TW"),
            fake("glpat-", &RANDOM36[..20]),
        ];
        for token in &tokens {
            let file = change("deploy/.env", &[&format!("SECRET={token}")], &[]);
            let facts = run(&file);
            assert_eq!(facts.len(), 1);
            let json = serde_json::to_string(&facts[0]).expect("serialises");
            let text = format!("{:?} {}", facts[0], facts[0].message);
            let chars: Vec<char> = token.chars().collect();
            for window in chars.windows(8) {
                let run: String = window.iter().collect();
                assert!(!json.contains(&run), "{run} leaked into {json}");
                assert!(!text.contains(&run), "{run} leaked into {text}");
            }
        }
    }

    /// The fixture pair fires on the added key and not on the one already there.
    #[test]
    fn fixture_pair() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/infra/secrets");
        let before = std::fs::read_to_string(format!("{dir}/aws-key/before.env")).expect("fixture");
        let after = std::fs::read_to_string(format!("{dir}/aws-key/after.env")).expect("fixture");
        let old: Vec<&str> = before.lines().collect();
        let added: Vec<&str> = after.lines().filter(|l| !old.contains(l)).collect();
        let file = change(".env", &added, &[]);
        let facts = run(&file);
        assert_eq!(facts.len(), 1, "{facts:?}");
        assert_eq!(facts[0].subject.as_deref(), Some("AWS access key id"));
    }

    /// Every pattern in the table compiles.
    #[test]
    fn table_compiles() {
        assert_eq!(COMPILED.len(), FORMATS.len());
    }
}

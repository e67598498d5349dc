//! Committed credentials: high-confidence token formats on the lines a change adds.
//!
//! Works from the hunks alone (no file contents needed), so it also gates diff text. Only
//! formats with a fixed, documented prefix are matched: a generic "high-entropy string" rule
//! would block on hashes and test vectors. A match that is plainly test data (a placeholder,
//! an elided key body, a marked sample: [`test_data`]) is `secret-like-test-data`, reported but
//! not the hard block; a real-shaped one in test code is `secret-in-test-code`, which the
//! default policy sends to review. The report names the kind of secret and where it is, never the value:
//! printing it would copy the credential into CI logs.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use crate::pattern::{Pattern, fold};

use super::{Analysis, Analyzer, Versions, fact};
use crate::diff::{Hunk, LineKind};
use crate::signal::Signal;

mod test_data;

use test_data::TestData;

/// Whether `path` is test code or data: a test file as its runner finds it, or a file under a
/// test directory.
#[must_use]
pub(crate) fn is_test_path(path: &str) -> bool {
    test_data::test_place(path).is_some()
}

/// See the module docs.
pub struct Secrets;

/// One credential format: what it is called, how it looks, where the format is documented.
struct Format {
    /// Shown as the subject ("AWS access key id").
    kind: &'static str,
    /// The whole token; capture group 1 is the random part checked for placeholders (absent
    /// for private key headers, which carry no random part on their line).
    pattern: &'static str,
    /// A private key header, judged by the body behind it.
    private_key: bool,
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
/// - Google: Cloud docs "API keys" (`AIza` + 35);
/// - npm: "npm's new access token format" (github.blog, 2021-09: `npm_` + 36);
/// - AWS secret access key: AWS CLI docs "Configuration and credential file settings"
///   (`aws_secret_access_key`, 40 characters of base64 alphabet; it has no prefix of its own,
///   so only where a setting names it: the credentials file, `AWS_SECRET_ACCESS_KEY=`, a
///   template's or an SDK's `SecretAccessKey`).
const FORMATS: &[Format] = &[
    Format {
        kind: "private key",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        private_key: true,
    },
    Format {
        kind: "AWS access key id",
        pattern: r"\b(?:AKIA|ASIA)([A-Z2-7]{16})\b",
        private_key: false,
    },
    Format {
        kind: "GitHub token",
        pattern: r"\bgh[pousr]_([A-Za-z0-9]{36})\b",
        private_key: false,
    },
    Format {
        kind: "GitHub fine-grained token",
        pattern: r"\bgithub_pat_([A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        private_key: false,
    },
    Format {
        kind: "GitLab token",
        pattern: r"\bglpat-([A-Za-z0-9_-]{20,})",
        private_key: false,
    },
    Format {
        kind: "Slack token",
        pattern: r"\bxox[abposr]-([0-9A-Za-z-]{10,})",
        private_key: false,
    },
    Format {
        kind: "Stripe live key",
        pattern: r"\b[rs]k_live_([0-9A-Za-z]{24,})\b",
        private_key: false,
    },
    Format {
        kind: "Google API key",
        pattern: r"\bAIza([0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
        private_key: false,
    },
    Format {
        kind: "npm token",
        pattern: r"\bnpm_([A-Za-z0-9]{36})\b",
        private_key: false,
    },
    Format {
        kind: "AWS secret access key",
        pattern: r#"(?i)\b(?:aws_?secret_?access_?key|secret_?access_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        private_key: false,
    },
];

/// The formats' patterns, each compiled for the first text that holds its literal parts
/// ([`Pattern`]): most changes hold no credential of most formats.
static PATTERNS: LazyLock<Vec<(&'static Format, Pattern)>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|format| (format, Pattern::lazy(format.pattern)))
        .collect()
});

/// The credential kind called `name` in [`FORMATS`], as the table spells it (a kept result
/// names kinds by their text).
pub(super) fn kind_named(name: &[u8]) -> Option<&'static str> {
    FORMATS
        .iter()
        .map(|format| format.kind)
        .find(|kind| kind.as_bytes() == name)
}

/// Whether one match is test data, and why (`None`: a credential). `rest` is the rest of its
/// line, `following` the lines after it (a private key's body), `path` the file's.
fn judge<'a>(
    format: &Format,
    captures: &regex::Captures<'_>,
    rest: &'a str,
    following: impl Iterator<Item = &'a str>,
    path: Option<&str>,
) -> Option<TestData> {
    let whole = captures.get(0).map_or("", |m| m.as_str());
    if format.private_key {
        test_data::private_key(whole, rest, following, path)
    } else {
        test_data::token(whole, captures.get(1).map_or("", |m| m.as_str()), path)
    }
}

/// The lines a hunk adds after its `index`-th line, up to the next unchanged line: where the
/// body of a key added on that line is.
fn added_after(hunk: &Hunk, index: usize) -> impl Iterator<Item = &str> {
    hunk.lines[index + 1..]
        .iter()
        .filter(|line| line.kind != LineKind::Removed)
        .take_while(|line| line.kind == LineKind::Added)
        .map(|line| line.content.as_str())
}

/// The credentials of each kind `text` holds, in format order (kinds with none left out):
/// one pass per format over the whole text, for content too large to read line by line.
/// Test data is left out (its path is not known here, so a test key still counts).
pub(super) fn found(text: &str) -> Vec<(&'static str, BTreeSet<&str>)> {
    let lowered = fold(text);
    PATTERNS
        .iter()
        .filter_map(|(format, pattern)| Some((format, pattern.regex_for(&lowered)?)))
        .map(|(format, regex)| {
            let values = regex
                .captures_iter(text)
                .filter(|captures| {
                    let end = captures.get(0).map_or(text.len(), |m| m.end());
                    let mut after = text[end..].lines();
                    let rest = after.next().unwrap_or("");
                    judge(format, captures, rest, after, None).is_none()
                })
                .filter_map(|captures| captures.get(0).map(|m| m.as_str()))
                .collect::<BTreeSet<&str>>();
            (format.kind, values)
        })
        .filter(|(_, values)| !values.is_empty())
        .collect()
}

/// The kinds of credential on the `index`-th line of `hunk`, in format order, each with its
/// verdict: `None` when any match of that kind is a credential, else why they are test data.
fn kinds_on(
    line: &str,
    hunk: &Hunk,
    index: usize,
    path: &str,
) -> Vec<(&'static str, Option<TestData>)> {
    let mut kinds = Vec::new();
    let lowered = fold(line);
    for (format, pattern) in PATTERNS.iter() {
        let Some(regex) = pattern.regex_for(&lowered) else {
            continue;
        };
        let mut verdict = None;
        for captures in regex.captures_iter(line) {
            let end = captures.get(0).map_or(line.len(), |m| m.end());
            match judge(
                format,
                &captures,
                &line[end..],
                added_after(hunk, index),
                Some(path),
            ) {
                None => {
                    verdict = Some(None);
                    break;
                }
                Some(test) => {
                    verdict.get_or_insert(Some(test));
                }
            }
        }
        if let Some(verdict) = verdict {
            kinds.push((format.kind, verdict));
        }
    }
    kinds
}

/// The fact for a credential (`verdict` `None`) or test data of `kind` at `line`.
fn found_fact(
    versions: &Versions<'_>,
    line: Option<u32>,
    kind: &str,
    verdict: Option<TestData>,
) -> crate::analyze::Fact {
    let at = line.map_or_else(String::new, |n| format!(" at line {n}"));
    let (signal, message) = match verdict {
        None => (
            Signal::SecretAdded,
            format!("a {kind} is added{at}: it is compromised once pushed; remove and rotate it"),
        ),
        Some(test) if test.only_by_place() => (
            Signal::SecretInTestCode,
            format!(
                "a real-shaped {kind} is added{at} in test code ({}): a senior confirms it is not a real credential; if it is, remove and rotate it",
                test.describe()
            ),
        ),
        Some(test) => (
            Signal::SecretLikeTestData,
            format!(
                "a {kind} is added{at}, but it looks like test data ({}): not blocked; if it is real, remove and rotate it",
                test.describe()
            ),
        ),
    };
    fact(versions, signal, line, kind, message)
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
        let path = versions.file.path();
        for hunk in &versions.file.hunks {
            for (index, line) in hunk.lines.iter().enumerate() {
                if line.kind != LineKind::Added {
                    continue;
                }
                for (kind, verdict) in kinds_on(&line.content, hunk, index, path) {
                    analysis
                        .facts
                        .push(found_fact(versions, line.new_line, kind, verdict));
                }
            }
        }
        analysis
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::domain::testing::summary;
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
        let body = test_data::random_body(1600).join("\n");
        let cases: Vec<(String, &str)> = vec![
            (
                format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"),
                "private key",
            ),
            (
                format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{body}"),
                "private key",
            ),
            (
                format!(
                    "\"key\": \"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\"",
                    body.replace('\n', "\\n")
                ),
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
            (
                fake("//registry.npmjs.org/:_authToken=npm_", RANDOM36),
                "npm token",
            ),
            (
                fake(
                    "aws_secret_access_key = ",
                    &format!("{}/{}", &RANDOM36[..20], &RANDOM36[..19]),
                ),
                "AWS secret access key",
            ),
            (
                fake(
                    "      SecretAccessKey: \"",
                    &format!("{}+{}", &RANDOM36[..20], &RANDOM36[..19]),
                ) + "\"",
                "AWS secret access key",
            ),
        ];
        for (text, kind) in cases {
            let lines: Vec<&str> = std::iter::once("x = 1").chain(text.lines()).collect();
            let file = change("config/app.env", &lines, &[]);
            let facts = run(&file);
            assert_eq!(facts.len(), 1, "{text}: {facts:?}");
            assert_eq!(facts[0].signal, Signal::SecretAdded);
            assert_eq!(facts[0].subject.as_deref(), Some(kind));
            assert_eq!(facts[0].line, Some(2));
            assert!(facts[0].message.contains("remove and rotate"), "{text}");
        }
    }

    /// Placeholders, the AWS documented example and marked values are test data: one
    /// low-weight fact naming why, never `secret-added`; a real-shaped key under a test
    /// directory is `secret-in-test-code`.
    #[test]
    fn test_data_is_reported_not_blocked() {
        let body = test_data::random_body(1600);
        let mut key = vec!["-----BEGIN PRIVATE KEY-----"];
        key.extend(body.iter().map(String::as_str));
        key.push("-----END PRIVATE KEY-----");
        let placeholder = fake("ghp_", &"x".repeat(36));

        let dummy = fake("xoxb-", "dummy-0987654321-q8Vn3XkL0pZr7TtY");
        let dotted = [
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEpAIBAAKCAQEA...",
            "...",
            "-----END RSA PRIVATE KEY-----",
        ];
        let cases: Vec<(&str, Vec<&str>, &str, &str)> = vec![
            (
                "src/lib.rs",
                vec![placeholder.as_str()],
                "GitHub token",
                "placeholder",
            ),
            (
                "src/lib.rs",
                vec!["AKIAIOSFODNN7EXAMPLE"],
                "AWS access key id",
                "published",
            ),
            (
                "src/lib.rs",
                vec![dummy.as_str()],
                "Slack token",
                "marked `dummy`",
            ),
            ("docs/tls.md", dotted.to_vec(), "private key", "elided"),
        ];
        for (path, added, kind, why) in cases {
            let facts = run(&change(path, &added, &[]));
            assert_eq!(facts.len(), 1, "{added:?}: {facts:?}");
            assert_eq!(facts[0].signal, Signal::SecretLikeTestData, "{added:?}");
            assert_eq!(facts[0].subject.as_deref(), Some(kind));
            assert_eq!(facts[0].line, Some(1));
            assert!(facts[0].message.contains(why), "{}", facts[0].message);
        }
        // A real-shaped key in test code is only test data by its place: its own signal.
        let facts = run(&change("tests/fixtures/tls/server.key", &key, &[]));
        assert_eq!(
            summary(&facts),
            [(Signal::SecretInTestCode, "private key".into(), 1)]
        );
        assert!(
            facts[0].message.contains("`tests/` test directory"),
            "{}",
            facts[0].message
        );
        // The same key in application code is a credential.
        let facts = run(&change("deploy/tls/server.key", &key, &[]));
        assert_eq!(
            summary(&facts),
            [(Signal::SecretAdded, "private key".into(), 1)]
        );
    }

    /// Text that is no credential format, test keys of services, public keys and removed
    /// lines do not fire at all.
    #[test]
    fn near_misses() {
        let removed = fake("ghp_", RANDOM36);
        let test_key = fake("sk_test_", &RANDOM36[..24]);
        let digits = fake("AKIA", "0000000000000000");
        let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
            (
                vec!["token: <token>", "GITHUB_TOKEN=${{ secrets.X }}"],
                vec![],
            ),
            (vec![test_key.as_str()], vec![]),
            (vec![digits.as_str()], vec![]),
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

    /// A format's pattern compiled on need finds what the compiled pattern finds: on a token
    /// of every format, and on each upper- and lower-cased.
    #[test]
    fn lazy_patterns_find_what_compiled_ones_find() {
        let tokens = [
            "-----BEGIN RSA PRIVATE KEY-----".to_string(),
            "-----BEGIN PRIVATE KEY BLOCK-----".to_string(),
            "AKIAQ7ZJ3M2KX4PLR6TW".to_string(),
            format!("ghp_{RANDOM36}"),
            format!(
                "github_pat_{}_{RANDOM36}{}",
                &RANDOM36[..22],
                &RANDOM36[..23]
            ),
            format!("glpat-{}", &RANDOM36[..20]),
            "xoxb-1234567890-0987654321-q8Vn3XkL0pZr7TtY".to_string(),
            format!("sk_live_{}", &RANDOM36[..24]),
            format!("key=AIza{}", &RANDOM36[..35]),
        ];
        let values: Vec<String> = tokens
            .iter()
            .flat_map(|token| [token.clone(), token.to_uppercase(), token.to_lowercase()])
            .collect();
        for (format, pattern) in PATTERNS.iter() {
            let compiled = regex::Regex::new(format.pattern).expect("compiles");
            for value in &values {
                assert_eq!(
                    pattern
                        .regex_for(&fold(value))
                        .is_some_and(|regex| regex.is_match(value)),
                    compiled.is_match(value),
                    "{} on {value}",
                    format.pattern
                );
            }
        }
    }

    /// Every pattern in the table compiles.
    #[test]
    fn table_compiles() {
        for format in FORMATS {
            assert!(
                regex::Regex::new(format.pattern).is_ok(),
                "{}",
                format.pattern
            );
        }
        assert_eq!(PATTERNS.len(), FORMATS.len());
    }
}

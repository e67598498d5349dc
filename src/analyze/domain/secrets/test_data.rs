//! Telling test data from a credential, so placeholders do not hit the hard block (issue 13).
//!
//! A token format is test data when its value is a published example, a placeholder, or says
//! so (`EXAMPLE`, `dummy`). A private key header is only a key with a body behind it: a body
//! elided with dots, marked as a sample, or too short to hold any key is test data
//! (`secret-like-test-data`, reported, not blocked). A real-shaped credential in a test file or
//! under a test directory is only test data by its place: suites (and secret scanners' own
//! tests) hold key pairs and real-shaped tokens by design, but the file name is the author's
//! choice, so renaming `config.go` to `config_test.go` must not lift the hard block for free.
//! It is `secret-in-test-code`, which the default policy sends to review. Everything else is
//! judged real: the gate fails closed.

use std::sync::LazyLock;

use regex::Regex;

/// Why a match is test data rather than a credential; `describe` completes "it looks like
/// test data: …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TestData {
    /// A value published as a documentation example.
    PublishedExample,
    /// The random part repeats a handful of characters.
    Placeholder,
    /// The value says it is a sample (`EXAMPLE`, `dummy`, …).
    Marked(&'static str),
    /// The key body is cut short with dots.
    Elided,
    /// Less added text after the header than the smallest private key holds (a header named
    /// in code, or one whose body is already in the file and unchanged).
    NoKeyBody,
    /// Under a test directory.
    UnderTests(&'static str),
    /// In a test file (named as its test runner finds it).
    TestFile(&'static str),
}

impl TestData {
    /// Whether only the file's place says this is test data, not the value itself.
    pub(super) fn only_by_place(self) -> bool {
        matches!(self, TestData::UnderTests(_) | TestData::TestFile(_))
    }

    pub(super) fn describe(self) -> String {
        match self {
            TestData::PublishedExample => "a value published as a documentation example".into(),
            TestData::Placeholder => "its random part is a placeholder".into(),
            TestData::Marked(word) => format!("it is marked `{word}`"),
            TestData::Elided => "its body is elided".into(),
            TestData::NoKeyBody => "no key body is added with the header".into(),
            TestData::UnderTests(dir) => format!("it is under a `{dir}/` test directory"),
            TestData::TestFile(pattern) => format!("it is in a test file (`{pattern}`)"),
        }
    }
}

/// Values published as examples, which match a format but authenticate nothing. Source: AWS
/// IAM user guide, "Managing access keys" (the example key id).
const PUBLISHED_EXAMPLES: &[&str] = &["AKIAIOSFODNN7EXAMPLE"];

/// Words that mark a value as a sample. Sources: the AWS documentation's example credentials
/// end in `EXAMPLE` / `EXAMPLEKEY` (IAM user guide, "Managing access keys"); the others are the
/// words documentation and test suites use for fake values (`dummy`, `fake`, `sample`,
/// `placeholder`, `redacted`, `test`).
const MARKERS: &[&str] = &[
    "example",
    "dummy",
    "fake",
    "sample",
    "placeholder",
    "redacted",
    "test",
];

/// Directories of test code and data. Sources: pytest "Good Integration Practices"
/// (`tests/`), Rails guides "Testing Rails Applications" (`test/`, `test/fixtures/`), Maven
/// "Standard Directory Layout" (`src/test/`), `RSpec` (`spec/`), Jest `testMatch` default
/// (`__tests__/`), `go help test` (`testdata/` is ignored by the go tool); `test_data/` and
/// `test-data/` are the same idea spelled by hand. `fixtures/` alone is not here: Django loads
/// an app's `fixtures/` into real databases.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "__tests__",
    "testdata",
    "test_data",
    "test-data",
];

/// Test file names, as each runner finds them: `(suffix or prefix, pattern shown)`. Sources:
/// `go help test` (`*_test.go`), pytest "Conventions for Python test discovery" (`test_*.py`,
/// `*_test.py`), Jest `testMatch` default (`*.test.js`, `*.spec.ts`, …), `RSpec` (`*_spec.rb`),
/// Rails/minitest (`*_test.rb`), Maven Surefire default includes (`*Test.java`, `*Tests.java`).
const TEST_FILE_SUFFIXES: &[&str] = &[
    "_test.go",
    "_test.py",
    "_spec.rb",
    "_test.rb",
    "Test.java",
    "Tests.java",
    "Test.kt",
    "Tests.kt",
];
/// Infixes of JS/TS test files (`x.test.ts`, `x.spec.js`), with the extensions they apply to
/// (`openapi.spec.yaml` is configuration, not a test).
const TEST_FILE_INFIXES: &[&str] = &[".test.", ".spec."];
const SCRIPT_EXTENSIONS: &[&str] = &[".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"];
/// Prefixes of Python test files.
const TEST_FILE_PREFIXES: &[&str] = &["test_"];

/// The fewest base64 characters a private key body holds: a PKCS #8 Ed25519 key (RFC 8410 §7)
/// is 48 bytes, 64 characters; RSA, EC and `OpenSSH` keys are longer.
const MIN_KEY_BODY: usize = 64;

/// Most lines read after a header looking for its end: an 8192-bit RSA key is ~100 lines.
const MAX_BODY_LINES: usize = 200;

/// A marker as a whole word, any case (a key body is base64, where a marker could otherwise
/// occur by chance).
static MARKED_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b({})\b", MARKERS.join("|"))).expect("valid pattern (tested)")
});

/// A random part that is really a placeholder (`xxxxxxxx…`, `1234…`): real tokens draw from 32+
/// symbols, so 16 random characters almost surely hold 8 distinct ones.
pub(super) fn is_placeholder(random: &str) -> bool {
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

/// A marker inside a token, written all upper or all lower case (mixed case is what random
/// characters look like).
fn token_marker(token: &str) -> Option<&'static str> {
    MARKERS
        .iter()
        .copied()
        .find(|marker| token.contains(&marker.to_ascii_uppercase()) || token.contains(*marker))
}

/// Whether a token match (`whole`, with its `random` part) in the file at `path` is test
/// data, and why.
pub(super) fn token(whole: &str, random: &str, path: Option<&str>) -> Option<TestData> {
    if PUBLISHED_EXAMPLES.contains(&whole) {
        Some(TestData::PublishedExample)
    } else if is_placeholder(random) {
        Some(TestData::Placeholder)
    } else {
        token_marker(whole)
            .map(TestData::Marked)
            .or_else(|| path.and_then(test_place))
    }
}

/// Whether `path` is test code or data: a test file, or a file under a test directory.
pub(super) fn test_place(path: &str) -> Option<TestData> {
    test_file(path)
        .map(TestData::TestFile)
        .or_else(|| test_dir(path).map(TestData::UnderTests))
}

/// The test-file pattern the file name of `path` matches, if any.
fn test_file(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    TEST_FILE_SUFFIXES
        .iter()
        .copied()
        .find(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
        .or_else(|| {
            TEST_FILE_INFIXES
                .iter()
                .copied()
                .find(|infix| name.contains(infix))
                .filter(|_| SCRIPT_EXTENSIONS.iter().any(|ext| name.ends_with(ext)))
        })
        .or_else(|| {
            TEST_FILE_PREFIXES.iter().copied().find(|prefix| {
                name.starts_with(prefix)
                    && std::path::Path::new(name)
                        .extension()
                        .is_some_and(|ext| ext.eq_ignore_ascii_case("py"))
            })
        })
}

/// The body behind a private key header: `rest` of the header's line, then the `following`
/// lines up to the `-----END` line; without one, only the lines that look like a body (base64,
/// dots, quotes, armor headers, blank), so the code after a header that is merely mentioned
/// is not read as one.
fn body<'a>(rest: &'a str, following: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut lines = vec![rest];
    lines.extend(following.take(MAX_BODY_LINES));
    if let Some(end) = lines.iter().position(|line| line.contains("-----END")) {
        let cut = lines[end].split("-----END").next().unwrap_or("");
        lines.truncate(end);
        lines.push(cut);
        return lines;
    }
    let looks_like_body = |line: &&&str| {
        let line = line.trim();
        !line.is_empty()
            && line
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=.\"'\\,… \t".contains(c))
    };
    let taken = 1 + lines[1..]
        .iter()
        .take_while(|line| looks_like_body(line) || is_armor_header(line) || line.trim().is_empty())
        .count();
    lines.truncate(taken);
    lines
}

/// Whether a private key header (`header`, then `rest` of its line and the `following` lines)
/// is test data, and why. `path` is the file's, when known.
pub(super) fn private_key<'a>(
    header: &str,
    rest: &'a str,
    following: impl Iterator<Item = &'a str>,
    path: Option<&str>,
) -> Option<TestData> {
    // A key inside a one-line string spells its line breaks `\n`.
    let joined = body(rest, following)
        .join("\n")
        .replace("\\n", "\n")
        .replace("\\r", "\n");
    let text: String = joined
        .lines()
        .filter(|line| !is_armor_header(line))
        .collect::<Vec<_>>()
        .join("\n");
    let material: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .collect();
    if text.contains("...") || text.contains('…') {
        Some(TestData::Elided)
    } else if let Some(word) = MARKED_WORD
        .captures(&format!("{header}\n{text}"))
        .and_then(|c| c.get(1))
    {
        let word = word.as_str().to_ascii_lowercase();
        MARKERS
            .iter()
            .find(|marker| **marker == word)
            .map(|marker| TestData::Marked(marker))
    } else if material.len() < MIN_KEY_BODY {
        Some(TestData::NoKeyBody)
    } else if is_placeholder(&material) {
        Some(TestData::Placeholder)
    } else {
        path.and_then(test_place)
    }
}

/// An RFC 1421 / RFC 4880 armor header (`Proc-Type: 4,ENCRYPTED`, `Comment: …`): not key
/// material, and free text that could hold a marker word of its own.
fn is_armor_header(line: &str) -> bool {
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
    line.split_once(": ").is_some_and(|(name, _)| {
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// The test directory `path` lies under, if any.
fn test_dir(path: &str) -> Option<&'static str> {
    let mut dirs = path.split('/').rev().skip(1);
    dirs.find_map(|dir| TEST_DIRS.iter().copied().find(|test| *test == dir))
}

/// A base64 body of `n` characters in 64-character lines, from a fixed pseudo-random
/// sequence (built at run time so the source holds no key-shaped text).
#[cfg(test)]
pub(super) fn random_body(n: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let chars: Vec<u8> = (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ALPHABET[usize::try_from(state >> 58).expect("6 bits")]
        })
        .collect();
    chars
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).expect("ascii"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "-----BEGIN PRIVATE KEY-----";

    fn judge(rest: &str, following: &[&str], path: &str) -> Option<TestData> {
        private_key(HEADER, rest, following.iter().copied(), Some(path))
    }

    /// Real-looking bodies in application code are keys, in a PEM file, inline in a JSON
    /// string, without their end line, and behind armor headers.
    #[test]
    fn real_keys() {
        let body = random_body(1600);
        let lines: Vec<&str> = body.iter().map(String::as_str).collect();
        let mut pem = lines.clone();
        pem.push("-----END PRIVATE KEY-----");
        assert_eq!(judge("", &pem, "deploy/key.pem"), None);
        let inline = format!("\\n{}\\n-----END PRIVATE KEY-----\\n\",", body.join("\\n"));
        assert_eq!(judge(&inline, &["}"], "config/sa.json"), None);
        assert_eq!(judge("", &lines, "deploy/key.pem"), None);
        let mut encrypted = vec!["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00FF", ""];
        encrypted.extend(pem);
        assert_eq!(judge("", &encrypted, "deploy/key.pem"), None);
        // Encrypted and inline in a one-line string (pyjwt's docs/usage.rst, 2021).
        let inline = format!(
            "\\nProc-Type: 4,ENCRYPTED\\nDEK-Info: AES-128-CBC,C9C8F89E\\n\\n{}\\n-----END RSA PRIVATE KEY-----\\n\"",
            body.join("\\n")
        );
        assert_eq!(judge(&inline, &[], "docs/usage.rst"), None);
        // Armor headers are not where a marker is looked for.
        let mut commented = vec!["Comment: test key for the docs", ""];
        commented.extend(&lines);
        assert_eq!(judge("", &commented, "deploy/key.asc"), None);
        // Not under a test directory: a `tests` file name or a `contest` directory.
        assert_eq!(judge("", &lines, "src/contest/tests.pem"), None);
    }

    /// Elided, marked, empty and placeholder bodies, and keys under test directories.
    #[test]
    fn test_keys() {
        let body = random_body(1600);
        let lines: Vec<&str> = body.iter().map(String::as_str).collect();
        let end = "-----END PRIVATE KEY-----";
        let filler = "A".repeat(64);
        let cases: Vec<(String, Vec<&str>, &str, TestData)> = vec![
            (
                String::new(),
                vec!["...", end],
                "app/k.pem",
                TestData::Elided,
            ),
            (
                "\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\\n-----END PRIVATE KEY-----".into(),
                vec![],
                "docs/setup.md",
                TestData::Elided,
            ),
            (String::new(), vec!["…", end], "app/k.pem", TestData::Elided),
            (
                String::new(),
                vec!["EXAMPLE KEY DO NOT USE", end],
                "app/k.pem",
                TestData::Marked("example"),
            ),
            (
                String::new(),
                vec!["dummy", end],
                "app/k.pem",
                TestData::Marked("dummy"),
            ),
            (String::new(), vec![end], "app/k.pem", TestData::NoKeyBody),
            // A header merely mentioned in code: the code is not read as a body.
            (
                "\"):".into(),
                vec!["        key = parse_pem(text)", "        return key"],
                "app/pem.py",
                TestData::NoKeyBody,
            ),
            (
                String::new(),
                vec![&filler, &filler, end],
                "app/k.pem",
                TestData::Placeholder,
            ),
            (
                String::new(),
                lines.clone(),
                "tests/fixtures/server.key",
                TestData::UnderTests("tests"),
            ),
            (
                String::new(),
                lines.clone(),
                "crypto/testdata/rsa.pem",
                TestData::UnderTests("testdata"),
            ),
            (
                String::new(),
                lines.clone(),
                "src/test/resources/tls.key",
                TestData::UnderTests("test"),
            ),
        ];
        for (rest, following, path, expected) in cases {
            assert_eq!(
                judge(&rest, &following, path),
                Some(expected),
                "{rest} {following:?} {path}"
            );
        }
    }

    /// A marker in a real body counts only as a whole word: base64 letters spelling `test`
    /// by chance do not make a key test data.
    #[test]
    fn markers_are_whole_words() {
        let mut body = random_body(1600);
        body[3].replace_range(9..15, "xtesty");
        body[5].replace_range(0..8, "EXAMPLEq");
        let lines: Vec<&str> = body.iter().map(String::as_str).collect();
        assert_eq!(judge("", &lines, "app/k.pem"), None, "{lines:?}");
    }

    /// Tokens: the published example, placeholders and upper- or lower-case markers.
    #[test]
    fn tokens() {
        let random = "q8Vn3XkL0pZr7TtY2mWc5HbJ9sDf4GaE1uRi";
        assert_eq!(
            token(&format!("ghp_{random}"), random, Some("src/app.py")),
            None
        );
        assert_eq!(
            token(
                "AKIAIOSFODNN7EXAMPLE",
                "IOSFODNN7EXAMPLE",
                Some("src/app.py")
            ),
            Some(TestData::PublishedExample)
        );
        let fake = format!("ghp_FAKE{}", &random[4..]);
        assert_eq!(
            token(&fake, &fake[4..], Some("src/app.py")),
            Some(TestData::Marked("fake"))
        );
        let dummy = format!("glpat-dummy{}", &random[..16]);
        assert_eq!(
            token(&dummy, &dummy[6..], Some("src/app.py")),
            Some(TestData::Marked("dummy"))
        );
        let mixed = format!("ghp_FaKe{}", &random[4..]);
        assert_eq!(token(&mixed, &mixed[4..], Some("src/app.py")), None);
        assert_eq!(
            token(
                &format!("ghp_{}", "x".repeat(36)),
                &"x".repeat(36),
                Some("src/app.py")
            ),
            Some(TestData::Placeholder)
        );
    }

    /// A real-shaped token in a test file or under a test directory is test data by its place
    /// only (scanners' own tests and suites hold them by design); the same token in
    /// application code, or in a Django `fixtures/` directory, is a credential.
    #[test]
    fn tokens_in_test_places() {
        let random = "q8Vn3XkL0pZr7TtY2mWc5HbJ9sDf4GaE1uRi";
        let token_at = |path: &str| token(&format!("ghp_{random}"), random, Some(path));
        assert_eq!(
            token_at("detect/detect_test.go"),
            Some(TestData::TestFile("_test.go"))
        );
        assert!(token_at("detect/detect_test.go").is_some_and(TestData::only_by_place));
        assert!(!TestData::Marked("dummy").only_by_place());
        assert_eq!(
            token_at("tests/plugins/slack_test.py"),
            Some(TestData::TestFile("_test.py"))
        );
        assert_eq!(
            token_at("pkg/test_auth.py"),
            Some(TestData::TestFile("test_"))
        );
        assert_eq!(
            token_at("src/auth.spec.ts"),
            Some(TestData::TestFile(".spec."))
        );
        assert_eq!(
            token_at("test_data/leak_repo.json"),
            Some(TestData::UnderTests("test_data"))
        );
        assert_eq!(
            token_at("spec/fixtures/cassette.yml"),
            Some(TestData::UnderTests("spec"))
        );
        for real in [
            "src/config.py",
            "app/fixtures/initial_data.json",
            "latest_test.txt",
            "contest/settings.py",
            "_test.go",
            "docs/openapi.spec.yaml",
        ] {
            assert_eq!(token_at(real), None, "{real}");
        }
    }

    /// Every marker is a lower-case word the pattern finds.
    #[test]
    fn marker_table() {
        for marker in MARKERS {
            assert_eq!(marker.to_ascii_lowercase(), *marker);
            assert!(MARKED_WORD.is_match(&format!("-- {} --", marker.to_ascii_uppercase())));
        }
    }
}

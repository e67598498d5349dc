//! Where code is security-sensitive by its place: a file under `auth/`, `session/` or
//! `middleware/`, or named `jwt.go` or `AuthController.cs`, guards access whatever constructs
//! it contains (a changed `WWW-Authenticate` challenge has no crypto call in it).
//!
//! A path matches when one of its words is in [`AREAS`]: directory names and the file's stem
//! split at `/ _ - .` and at camelCase humps, so `bearer_auth.py` and `AuthController.cs`
//! match and `author.py` does not. Tests of such code are not matched: the facts are about
//! what ships.

/// One security-sensitive area: the words that name it, and the source of the judgement.
#[derive(Debug)]
pub struct Area {
    /// What the area is, for the report.
    pub what: &'static str,
    /// Whole words (lower case) that put a path in the area.
    pub words: &'static [&'static str],
    /// Where the judgement comes from.
    pub source: &'static str,
}

/// The areas (OWASP ASVS v4.0.3 chapters name the same concerns).
pub const AREAS: &[Area] = &[
    Area {
        what: "authentication",
        words: &[
            "auth",
            "authn",
            "authentication",
            "login",
            "logout",
            "oauth",
            "oauth2",
            "oidc",
            "saml",
            "sso",
            "mfa",
            "totp",
            "passwords",
            "password",
            "credentials",
            "credential",
        ],
        source: "OWASP ASVS V2 Authentication; https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html",
    },
    Area {
        what: "sessions and tokens",
        words: &["session", "sessions", "jwt", "cookie", "cookies", "csrf"],
        source: "OWASP ASVS V3 Session Management; https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
    },
    Area {
        what: "access control",
        words: &[
            "authz",
            "authorization",
            "authorisation",
            "permission",
            "permissions",
            "acl",
            "rbac",
            "policy",
            "policies",
            "guard",
            "guards",
            "middleware",
            "middlewares",
            "safe",
            "sandbox",
        ],
        source: "OWASP ASVS V4 Access Control; https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
    },
    Area {
        what: "cryptography and secrets",
        words: &[
            "crypto",
            "cryptography",
            "security",
            "secret",
            "secrets",
            "keys",
            "keystore",
            "vault",
        ],
        source: "OWASP ASVS V6 Stored Cryptography; https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
    },
];

/// Words that mark a test: a test of auth code is not auth code.
const TEST_WORDS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "specs",
    "testdata",
    "fixtures",
    "mocks",
    "__tests__",
];

/// The area `path` is in, if any, and the word that put it there.
#[must_use]
pub fn area_of(path: &str) -> Option<(&'static Area, String)> {
    let words = words(path);
    if words.iter().any(|word| TEST_WORDS.contains(&word.as_str())) {
        return None;
    }
    AREAS.iter().find_map(|area| {
        let word = words
            .iter()
            .find(|word| area.words.contains(&word.as_str()))?;
        Some((area, word.clone()))
    })
}

/// A function whose name says it checks or grants access (`_validate_url_is_safe`,
/// `fetchWithGuardedRedirects`, `verify_client_secret`): a change to its body changes a
/// security decision, whatever constructs it calls.
#[derive(Debug)]
pub struct GuardWords {
    /// Whole words (lower case) of a function name.
    pub words: &'static [&'static str],
    /// Where the judgement comes from.
    pub source: &'static str,
}

/// Words that name a security check in a function name.
pub const GUARD_WORDS: GuardWords = GuardWords {
    words: &[
        "safe",
        "unsafe",
        "guard",
        "guarded",
        "ssrf",
        "csrf",
        "sanitize",
        "sanitise",
        "sanitized",
        "authorize",
        "authorise",
        "authorized",
        "authenticate",
        "authenticated",
        "permission",
        "permissions",
        "permitted",
        "verify",
        "allowlist",
        "denylist",
        "blocklist",
        "allowlisted",
        "oauth",
        "login",
    ],
    source: "OWASP ASVS V4 Access Control and V5 Validation; https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
};

/// Whether a function's name (its last scope segment) names a security check.
#[must_use]
pub fn names_a_guard(scope: &str) -> Option<String> {
    let name = scope.rsplit(['.', ':']).next().unwrap_or(scope);
    name.split(['_', '-'])
        .flat_map(humps)
        .find(|word| GUARD_WORDS.words.contains(&word.as_str()))
}

/// The lower-case words of a path's directories and file stem.
fn words(path: &str) -> Vec<String> {
    let (dirs, file) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let mut words = Vec::new();
    for part in dirs.split('/').chain(std::iter::once(stem)) {
        for piece in part.split(['_', '-', '.']) {
            words.extend(humps(piece));
        }
    }
    words
}

/// `AuthController` → `auth`, `controller`; `OAuth2Client` → `oauth2`, `client`.
fn humps(piece: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = piece.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(index + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = index > 0 && chars[index - 1].is_lowercase();
        if c.is_uppercase() && !current.is_empty() && (prev_lower || next_lower) {
            // `OAuth` stays one word: a hump after a single capital is its continuation.
            if !(current.len() == 1 && current.chars().all(char::is_uppercase)) {
                words.push(std::mem::take(&mut current).to_lowercase());
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current.to_lowercase());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths of real security code match; look-alikes and tests do not.
    #[test]
    fn areas_by_path_words() {
        let cases = [
            (
                "src/mcp/server/auth/middleware/bearer_auth.py",
                Some("auth"),
            ),
            ("packages/client/src/client/auth.ts", Some("auth")),
            ("app/Http/Controllers/AuthController.php", Some("auth")),
            ("internal/agent/tools/safe.go", Some("safe")),
            ("lib/OAuth2Client.java", Some("oauth2")),
            ("src/session_store.rb", Some("session")),
            ("src/author.py", None),
            ("src/authority.rb", None),
            ("docs/keyboard.ts", None),
            ("tests/test_auth.py", None),
            ("src/auth/login.test.ts", None),
            ("web/src/App.tsx", None),
        ];
        for (path, expected) in cases {
            let word = area_of(path).map(|(_, word)| word);
            assert_eq!(word.as_deref(), expected, "{path}");
        }
    }

    /// Guard names are found by their words, not by substrings.
    #[test]
    fn guard_names() {
        assert_eq!(
            names_a_guard("_validate_url_is_safe").as_deref(),
            Some("safe")
        );
        assert_eq!(
            names_a_guard("fetchWithGuardedRedirects").as_deref(),
            Some("guarded")
        );
        assert_eq!(
            names_a_guard("Client.verify_client_secret").as_deref(),
            Some("verify")
        );
        assert_eq!(
            names_a_guard("start_openrouter_oauth_flow").as_deref(),
            Some("oauth")
        );
        assert_eq!(names_a_guard("safety_margin"), None);
        assert_eq!(names_a_guard("render_template"), None);
    }

    /// Every area cites where its judgement comes from.
    #[test]
    fn every_area_has_a_source() {
        for area in AREAS {
            assert!(area.source.contains("https://"), "{}", area.what);
            assert!(!area.words.is_empty(), "{}", area.what);
        }
    }
}

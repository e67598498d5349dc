//! Snapshots of the text and JSON reports, so any change to what users read is reviewed.
//! Hashes are stable (fixed identities and dates); the policy hash is redacted so editing the
//! default policy does not churn every snapshot.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate};

const PRICING_BEFORE: &str = "def compute_total(items):\n    return sum(items)\n\n\ndef discount(total):\n    return total * 0.9\n";
const PRICING_AFTER: &str = "def discount(total):\n    return total * 0.9\n";
const CHECKOUT_PY: &str = "from pricing import compute_total, discount\n\n\ndef checkout(items):\n    return discount(compute_total(items))\n";
const API_BEFORE: &str =
    "export function fetchUser(id: string): Promise<string> {\n  return Promise.resolve(id);\n}\n";
const API_AFTER: &str = "export function fetchUser(id: string, token: string): Promise<string> {\n  return Promise.resolve(id + token);\n}\n";
const PROFILE_TS: &str = "import { fetchUser } from \"./api\";\n\nexport async function profile(id: string) {\n  return fetchUser(id);\n}\n";
const AUTH_TS: &str = "import { fetchUser } from \"../api\";\n\nexport function guard(id: string) {\n  return fetchUser(id);\n}\n";
const RATE_BEFORE: &str =
    "package billing\n\nfunc Rate(amount int) int {\n\treturn amount * 2\n}\n";
const RATE_AFTER: &str = "package billing\n\nfunc Rate(amount int) int {\n\treturn amount * 3\n}\n";
const INVOICE_GO: &str =
    "package billing\n\nfunc Invoice(amount int) int {\n\treturn Rate(amount) + 1\n}\n";

/// An AI-assisted change across Python, TypeScript and Go plus a CI workflow: a removed
/// function that is still called, a new parameter with callers in a critical tier, a body change.
pub(crate) fn scenario() -> Repo {
    let repo = Repo::new();
    repo.write("src/pricing.py", PRICING_BEFORE)
        .write("src/checkout.py", CHECKOUT_PY)
        .write("web/api.ts", API_BEFORE)
        .write("web/profile.ts", PROFILE_TS)
        .write("web/auth/guard.ts", AUTH_TS)
        .write("billing/rate.go", RATE_BEFORE)
        .write("billing/invoice.go", INVOICE_GO)
        .write("docs/guide.md", "# Guide\n");
    repo.commit("Shop");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write("src/pricing.py", PRICING_AFTER)
        .write("web/api.ts", API_AFTER)
        .write("billing/rate.go", RATE_AFTER)
        .write(".github/workflows/deploy.yml", "on: push\njobs: {}\n")
        .remove("docs/guide.md");
    repo.commit(&format!(
        "Rework pricing, auth tokens and rates\n\n{CLAUDE_TRAILER}\n"
    ));
    repo
}

pub(crate) fn redact(text: &str) -> String {
    let sha = regex::Regex::new(r"[0-9a-f]{64}").expect("regex");
    let short = regex::Regex::new(r"sha256 [0-9a-f]{16}").expect("regex");
    short
        .replace_all(&sha.replace_all(text, "[sha256]"), "sha256 [sha256]")
        .into_owned()
}

/// The text report of a multi-language AI-assisted change that is blocked by nothing but
/// needs review: blast radius, dangling call, evidence, points, next steps.
#[test]
fn text_report_for_multi_language_change() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--color", "never"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// The JSON report of the same change.
#[test]
fn json_report_for_multi_language_change() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(redact(&result.stdout));
}

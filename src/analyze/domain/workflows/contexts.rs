//! Which `${{ … }}` expressions an outsider controls: the table of attacker-controllable
//! contexts, and the reading of an expression into the context paths it names.
//!
//! GitHub expands `${{ … }}` into a `run:` script (or an `actions/github-script` `script:`)
//! before the shell or Node reads it, so a pull request title like `a"; curl … | sh; "` becomes
//! code that runs with the job's token and secrets.

/// Where the attacker-controllable list comes from.
const GITHUB_DOCS: &str = "https://docs.github.com/en/actions/concepts/security/script-injections";
const SECURITY_LAB: &str =
    "https://securitylab.github.com/resources/github-actions-untrusted-input/";
const SECURITY_LAB_PART4: &str =
    "https://securitylab.github.com/resources/github-actions-new-patterns-and-mitigations/";
const ZIZMOR: &str = "https://docs.zizmor.sh/audits/#template-injection";

/// One attacker-controllable context: a path (`*` is any one segment, such as an array index)
/// and the page that says an outsider writes it.
pub struct Untrusted {
    /// The context path, lower case.
    pub path: &'static str,
    /// Source for the row.
    pub source: &'static str,
}

const fn row(path: &'static str, source: &'static str) -> Untrusted {
    Untrusted { path, source }
}

/// Contexts whose text anyone who can open an issue, a pull request, a comment or push a
/// branch to a fork chooses.
pub const UNTRUSTED: &[Untrusted] = &[
    row("github.event.issue.title", GITHUB_DOCS),
    row("github.event.issue.body", GITHUB_DOCS),
    row("github.event.pull_request.title", GITHUB_DOCS),
    row("github.event.pull_request.body", GITHUB_DOCS),
    row("github.event.comment.body", SECURITY_LAB),
    row("github.event.review.body", SECURITY_LAB),
    row("github.event.review_comment.body", SECURITY_LAB),
    row("github.event.discussion.title", GITHUB_DOCS),
    row("github.event.discussion.body", GITHUB_DOCS),
    row("github.event.pages.*.page_name", SECURITY_LAB),
    row("github.event.commits.*.message", SECURITY_LAB),
    row("github.event.commits.*.author.email", SECURITY_LAB),
    row("github.event.commits.*.author.name", SECURITY_LAB),
    row("github.event.head_commit.message", SECURITY_LAB),
    row("github.event.head_commit.author.email", SECURITY_LAB),
    row("github.event.head_commit.author.name", SECURITY_LAB),
    row("github.event.pull_request.head.ref", SECURITY_LAB),
    row("github.event.pull_request.head.label", SECURITY_LAB),
    row(
        "github.event.pull_request.head.repo.default_branch",
        SECURITY_LAB,
    ),
    row("github.head_ref", SECURITY_LAB),
    // `workflow_run` carries the triggering run's branch and commit, from a fork's PR.
    row("github.event.workflow_run.head_branch", SECURITY_LAB_PART4),
    row(
        "github.event.workflow_run.head_commit.message",
        SECURITY_LAB_PART4,
    ),
    row(
        "github.event.workflow_run.head_commit.author.email",
        SECURITY_LAB_PART4,
    ),
    row(
        "github.event.workflow_run.head_commit.author.name",
        SECURITY_LAB_PART4,
    ),
    row(
        "github.event.workflow_run.pull_requests.*.head.ref",
        SECURITY_LAB_PART4,
    ),
    // Inputs of a reusable workflow or composite action carry whatever the caller passes,
    // often one of the above; `workflow_dispatch` inputs are free text too.
    row("inputs.*", ZIZMOR),
    row("github.event.inputs.*", ZIZMOR),
];

/// The context paths an expression's body names (`format('{0}', github.head_ref)` names
/// `github.head_ref`), lower case, `['x']` and `[0]` read as `.x` and `.*`. String literals
/// and function names are skipped.
pub fn paths(expression: &str) -> Vec<String> {
    let chars: Vec<char> = expression.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // A string literal: '' is an escaped quote inside it.
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) != Some(&'\'') {
                    break;
                }
                i += if chars[i] == '\'' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        if !(c.is_ascii_alphabetic() || c == '_') {
            i += 1;
            continue;
        }
        let (path, end) = read_path(&chars, i);
        i = end;
        if chars.get(i) == Some(&'(') {
            continue; // a function name
        }
        if !["true", "false", "null"].contains(&path.as_str()) {
            out.push(path);
        }
    }
    out
}

/// Reads `a.b['c'][0].*` from `start`; returns the normalised path and where it ends.
fn read_path(chars: &[char], start: usize) -> (String, usize) {
    let word = |i: usize| {
        let mut j = i;
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '_' | '-'))
        {
            j += 1;
        }
        j
    };
    let mut end = word(start);
    let mut path: String = chars[start..end].iter().collect();
    loop {
        match chars.get(end) {
            Some('.') if chars.get(end + 1) == Some(&'*') => {
                path.push_str(".*");
                end += 2;
            }
            Some('.') => {
                let next = word(end + 1);
                if next == end + 1 {
                    break;
                }
                path.push('.');
                path.extend(&chars[end + 1..next]);
                end = next;
            }
            Some('[') => {
                let Some(close) = chars[end..].iter().position(|&c| c == ']') else {
                    break;
                };
                let inner: String = chars[end + 1..end + close].iter().collect();
                let inner = inner.trim().trim_matches(['\'', '"']);
                path.push('.');
                if inner.is_empty() || inner == "*" || inner.bytes().all(|b| b.is_ascii_digit()) {
                    path.push('*');
                } else {
                    path.push_str(inner);
                }
                end += close + 1;
            }
            _ => break,
        }
    }
    (path.to_ascii_lowercase(), end)
}

/// The table row `path` reads; with `whole`, also a row the object at `path` holds
/// (`toJSON(github.event.pull_request)` dumps the title too).
pub fn untrusted(path: &str, whole: bool) -> Option<&'static Untrusted> {
    let segments: Vec<&str> = path.split('.').collect();
    UNTRUSTED.iter().find(|row| {
        let pattern: Vec<&str> = row.path.split('.').collect();
        let fits = if whole {
            segments.len() <= pattern.len()
        } else {
            segments.len() == pattern.len()
        };
        fits && segments
            .iter()
            .zip(&pattern)
            .all(|(s, p)| *p == "*" || s == p)
    })
}

/// Every `${{ … }}` in `text`: (the whole expression as written, its body).
pub fn expressions(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let whole = &rest[start..start + len + 2];
        out.push((whole, &whole[3..whole.len() - 2]));
        rest = &rest[start + len + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way of writing a context is read to the same path; literals and functions are not
    /// contexts.
    #[test]
    fn expression_paths() {
        for (body, want) in [
            (
                " github.event.issue.title ",
                vec!["github.event.issue.title"],
            ),
            (
                " github.event['pull_request']['title'] ",
                vec!["github.event.pull_request.title"],
            ),
            (
                " github.event.commits[0].message ",
                vec!["github.event.commits.*.message"],
            ),
            (
                " format('{0} github.head_ref', github.HEAD_REF) ",
                vec!["github.head_ref"],
            ),
            (
                " toJSON(github.event.pull_request) ",
                vec!["github.event.pull_request"],
            ),
            (" inputs.tag-name || 'x' ", vec!["inputs.tag-name"]),
            (" steps.x.outputs.y == true ", vec!["steps.x.outputs.y"]),
        ] {
            assert_eq!(paths(body), want, "{body}");
        }
    }

    /// The table's rows, a row's parents, and its neighbours that are not attacker-controlled.
    #[test]
    fn untrusted_contexts() {
        for (path, whole, bad) in [
            ("github.event.issue.title", false, true),
            ("github.event.pull_request.head.ref", false, true),
            ("github.event.pull_request", true, true),
            ("github.event.pull_request", false, false),
            ("github.event.commits.*.message", false, true),
            ("github.head_ref", false, true),
            ("inputs.version", false, true),
            ("inputs", true, true),
            ("github", true, true),
            ("github.event.workflow_run.head_branch", false, true),
            ("github.event.pull_request.head.sha", true, false),
            ("github.event.pull_request.number", false, false),
            ("github.sha", false, false),
            ("github.event_name", false, false),
            ("secrets.token", true, false),
            ("matrix.os", false, false),
        ] {
            assert_eq!(untrusted(path, whole).is_some(), bad, "{path} {whole}");
        }
        for row in UNTRUSTED {
            assert!(row.source.starts_with("https://"), "{}", row.path);
            assert_eq!(row.path, row.path.to_ascii_lowercase());
        }
    }

    /// Expressions are found whole, several on a line, and an unclosed one is not read.
    #[test]
    fn finds_expressions() {
        let text = "echo \"${{ github.head_ref }}\" ${{inputs.a}}\necho ${{ broken";
        let found: Vec<&str> = expressions(text).into_iter().map(|(w, _)| w).collect();
        assert_eq!(found, ["${{ github.head_ref }}", "${{inputs.a}}"]);
    }
}

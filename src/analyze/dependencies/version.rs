//! Reading version requirements the same way in every ecosystem: the lowest version a
//! requirement names, its semver "major", and how many versions it lets in.
//!
//! Exact enough to tell a major bump, a downgrade and a loosened pin apart; not a resolver.
//! Operator spellings: Cargo and npm (`^`, `~`, `*`, `x`), PEP 440 (`==`, `~=`, `===`, `.*`),
//! `RubyGems` (`~>`), Maven/NuGet ranges (`[1.0,2.0)`), Gradle dynamic versions (`1.+`).

use std::cmp::Ordering;

/// What a requirement with no operator means in an ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bare {
    /// `1.2.3` is that version only (npm, Composer, Maven, `NuGet`, Go, `RubyGems`, Poetry).
    Exact,
    /// `1.2.3` means `^1.2.3` (Cargo).
    Caret,
    /// A git ref (GitHub Actions `uses:`): a commit sha is exact, a version tag can be moved,
    /// a branch is anything. A sha's version is read from its trailing `# v4.1.1` comment.
    Tag,
}

/// How many versions a requirement accepts, from loosest to strictest. A requirement moving
/// down this scale is loosened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strictness {
    /// Anything: `*`, `latest`, no requirement, a branch name.
    Any,
    /// Only a lower bound (`>=1.2`), or only exclusions.
    Floor,
    /// Compatible releases (`^1.2`, `>=1,<2`, a tag such as `v4`).
    Compatible,
    /// Patch releases (`~1.2.3`, `~=1.2.3`, `~> 1.2.3`, `==1.2.*`).
    Patch,
    /// One version (`=1.2.3`, `==1.2.3`, a commit sha).
    Exact,
}

impl Strictness {
    /// The words for a report.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Strictness::Any => "any version",
            Strictness::Floor => "a lower bound only",
            Strictness::Compatible => "a compatible range",
            Strictness::Patch => "patch releases",
            Strictness::Exact => "an exact version",
        }
    }
}

/// The numeric components of a version (`v1.2.3-rc1` → `[1, 2, 3]`).
pub type Version = Vec<u64>;

/// The parts of a requirement: comparators split on `,`, `||` and spaces between them.
fn parts(requirement: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_operator = String::new();
    for word in requirement
        .split([',', '|', ' ', '\t'])
        .filter(|word| !word.is_empty())
    {
        // `>= 1.2` (RubyGems, npm) is one comparator written as two words.
        if word.chars().all(|c| "<>=~^!".contains(c)) {
            pending_operator.push_str(word);
            continue;
        }
        out.push(format!("{}{word}", std::mem::take(&mut pending_operator)));
    }
    out
}

/// The version written at the start of `text` after its operator, if it is numeric.
fn leading_version(text: &str) -> Option<Version> {
    let rest = text.trim_start_matches(['<', '>', '=', '~', '^', '!', '[', '(', ' ']);
    let rest = rest.strip_prefix(['v', 'V']).unwrap_or(rest);
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut version = Vec::new();
    for component in rest.split('.') {
        let digits: String = component.chars().take_while(char::is_ascii_digit).collect();
        let Ok(number) = digits.parse::<u64>() else {
            break;
        };
        version.push(number);
        if digits.len() != component.len() {
            break;
        }
    }
    (!version.is_empty()).then_some(version)
}

/// The lowest version a requirement names: its first comparator that is not an upper bound
/// or an exclusion. `None` for `*`, branch names and requirements without a number.
#[must_use]
pub fn lower_bound(requirement: &str) -> Option<Version> {
    parts(requirement)
        .iter()
        .find(|part| !part.starts_with('<') && !part.starts_with("!="))
        .and_then(|part| leading_version(part))
}

/// Whether a ref is a full commit sha.
#[must_use]
pub fn is_sha(reference: &str) -> bool {
    reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}

/// A git ref and the comment after it (`<sha> # v4.1.1`).
fn reference(requirement: &str) -> (&str, &str) {
    requirement
        .split_once('#')
        .map_or((requirement.trim(), ""), |(reference, comment)| {
            (reference.trim(), comment.trim())
        })
}

/// [`lower_bound`], with refs read as [`Bare::Tag`] says.
#[must_use]
pub fn lowest(requirement: &str, bare: Bare) -> Option<Version> {
    if bare != Bare::Tag {
        return lower_bound(requirement);
    }
    let (reference, comment) = reference(requirement);
    if is_sha(reference) {
        comment
            .split_whitespace()
            .find_map(|word| leading_version(word.trim_start_matches("tag=")))
    } else {
        leading_version(reference)
    }
}

/// Compares two versions, missing components as zero (`1.2` = `1.2.0`).
#[must_use]
pub fn compare(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// The part of a version that breaks compatibility under semver: the major, or for `0.x` the
/// minor as well (Cargo and npm caret rules, semver.org §4).
#[must_use]
pub fn major(version: &[u64]) -> (u64, u64) {
    match version {
        [0, minor, ..] => (0, *minor),
        [major, ..] => (*major, 0),
        [] => (0, 0),
    }
}

/// How many versions `requirement` accepts; `bare` says what a plain version means.
#[must_use]
pub fn strictness(requirement: &str, bare: Bare) -> Strictness {
    if bare == Bare::Tag {
        let (reference, _) = reference(requirement);
        return if is_sha(reference) {
            Strictness::Exact
        } else if leading_version(reference).is_some() {
            Strictness::Compatible
        } else {
            Strictness::Any
        };
    }
    let requirement = requirement.trim();
    let parts = parts(requirement);
    let Some(first) = parts.first() else {
        return Strictness::Any;
    };
    if requirement.contains("||") {
        return Strictness::Floor;
    }
    let has_upper = parts.iter().any(|part| part.starts_with('<'));
    if let Some(range) = first.strip_prefix(['[', '(']) {
        // Maven/NuGet interval: `[1.2]` exact, `[1.0,2.0)` bounded, `[1.0,)` open.
        return match requirement.split_once(',') {
            None => Strictness::Exact,
            Some((_, upper)) if leading_version(upper.trim()).is_none() => Strictness::Floor,
            Some(_) if range.is_empty() => Strictness::Floor,
            Some(_) => Strictness::Compatible,
        };
    }
    let op: String = first
        .chars()
        .take_while(|c| "<>=~^!".contains(*c))
        .collect();
    let rest = &first[op.len()..];
    let wildcard = |rest: &str| {
        let stars = rest
            .split('.')
            .position(|c| matches!(c, "*" | "x" | "X" | "+") || c.ends_with('+'));
        match stars {
            Some(0) => Strictness::Any,
            Some(1) => Strictness::Compatible,
            Some(_) => Strictness::Patch,
            None => Strictness::Exact,
        }
    };
    match op.as_str() {
        "==" | "===" | "=" => wildcard(rest),
        "~" | "~=" | "~>" => Strictness::Patch,
        "^" => Strictness::Compatible,
        ">" | ">=" if has_upper => Strictness::Compatible,
        "" => {
            if matches!(rest, "*" | "latest" | "x" | "X" | "+") || leading_version(rest).is_none() {
                return Strictness::Any;
            }
            match (wildcard(rest), bare) {
                (Strictness::Exact, Bare::Caret) => Strictness::Compatible,
                (Strictness::Exact, Bare::Exact) if has_upper || parts.len() > 1 => {
                    Strictness::Compatible
                }
                (found, _) => found,
            }
        }
        _ => Strictness::Floor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ecosystem's spellings land on the scale where a reviewer would put them.
    #[test]
    fn strictness_of_real_requirements() {
        let cases: &[(&str, Bare, Strictness)] = &[
            ("1.0.188", Bare::Caret, Strictness::Compatible),
            ("=1.0.188", Bare::Caret, Strictness::Exact),
            ("~1.2", Bare::Caret, Strictness::Patch),
            ("*", Bare::Caret, Strictness::Any),
            ("4.17.21", Bare::Exact, Strictness::Exact),
            ("^4.17.21", Bare::Exact, Strictness::Compatible),
            ("1.x", Bare::Exact, Strictness::Compatible),
            ("latest", Bare::Exact, Strictness::Any),
            (">=1.2.0 <2.0.0", Bare::Exact, Strictness::Compatible),
            ("^1.0 || ^2.0", Bare::Exact, Strictness::Floor),
            ("==2.31.0", Bare::Exact, Strictness::Exact),
            ("==2.31.*", Bare::Exact, Strictness::Patch),
            ("~=2.31", Bare::Exact, Strictness::Patch),
            (">=2.31", Bare::Exact, Strictness::Floor),
            (">=2.31,<3", Bare::Exact, Strictness::Compatible),
            ("", Bare::Exact, Strictness::Any),
            ("~> 7.1", Bare::Exact, Strictness::Patch),
            ("[1.2.3]", Bare::Exact, Strictness::Exact),
            ("[1.0,2.0)", Bare::Exact, Strictness::Compatible),
            ("[1.0,)", Bare::Exact, Strictness::Floor),
            ("1.+", Bare::Exact, Strictness::Compatible),
            ("dev-main", Bare::Exact, Strictness::Any),
            ("v1.9.0", Bare::Exact, Strictness::Exact),
            (
                "b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1",
                Bare::Tag,
                Strictness::Exact,
            ),
            ("v4", Bare::Tag, Strictness::Compatible),
            ("main", Bare::Tag, Strictness::Any),
        ];
        for (requirement, bare, expected) in cases {
            assert_eq!(
                strictness(requirement, *bare),
                *expected,
                "{requirement:?} ({bare:?})"
            );
        }
    }

    /// The lower bound skips upper bounds and exclusions; majors follow the 0.x rule.
    #[test]
    fn lower_bounds_and_majors() {
        assert_eq!(lower_bound("<3, >=2.1"), Some(vec![2, 1]));
        assert_eq!(lower_bound("!=1.5, >= 1.4.2"), Some(vec![1, 4, 2]));
        assert_eq!(lower_bound("v0.21.0-rc.1"), Some(vec![0, 21, 0]));
        assert_eq!(lower_bound("[1.0,2.0)"), Some(vec![1, 0]));
        assert_eq!(lower_bound("*"), None);
        assert_eq!(lower_bound("main"), None);
        let sha = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
        assert_eq!(
            lowest(&format!("{sha} # v4.1.1"), Bare::Tag),
            Some(vec![4, 1, 1])
        );
        assert_eq!(lowest(sha, Bare::Tag), None);
        assert_eq!(major(&[0, 21, 3]), (0, 21));
        assert_eq!(major(&[4, 1]), (4, 0));
        assert_eq!(compare(&[1, 2], &[1, 2, 0]), Ordering::Equal);
        assert_eq!(compare(&[1, 10], &[1, 9, 9]), Ordering::Greater);
    }
}

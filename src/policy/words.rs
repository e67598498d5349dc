//! Small word helpers for messages: kebab-case ids and "did you mean" suggestions.

/// Longer words are not compared: no policy key or signal id is this long, and the
/// quadratic distance should not run on hostile input.
const MAX_WORD: usize = 64;

/// `policy-edit`, `ci2-change`: lowercase ASCII words joined by single hyphens.
pub(crate) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let length = word.chars().count();
    if length > MAX_WORD {
        return None;
    }
    let limit = (length / 3).max(1);
    candidates
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kebab-case is lowercase ASCII words and digits joined by single hyphens.
    #[test]
    fn kebab_case() {
        for good in ["policy-edit", "ci2-change", "a"] {
            assert!(is_kebab_case(good), "{good}");
        }
        for bad in ["", "Policy-Edit", "policy_edit", "-a", "a-", "a--b", "é"] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }

    /// Suggestions are the closest candidate within a third of the word's length.
    #[test]
    fn suggestions() {
        let keys = ["tiers", "thresholds", "weights"];
        assert_eq!(did_you_mean("tierz", keys.into_iter()), Some("tiers"));
        assert_eq!(
            did_you_mean("treshold", keys.into_iter()),
            Some("thresholds")
        );
        assert_eq!(did_you_mean("colour", keys.into_iter()), None);
        assert_eq!(did_you_mean(&"x".repeat(100), keys.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

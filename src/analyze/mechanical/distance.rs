//! A bounded edit distance: how many tokens must be inserted or deleted to turn one stream
//! into another, or `None` once that passes a bound.
//!
//! Myers' greedy algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986): it
//! finds the distance D in O((N+M)·D) steps, so stopping at a bound caps the work whatever
//! the input. A work bound, unlike a clock, gives the same answer on a loaded machine: the
//! verdict on a change must not depend on what else the machine was doing.

/// The number of insertions plus deletions that turn `old` into `new`, when it is at most
/// `max`; `None` when it is larger.
pub(super) fn within<T: PartialEq>(old: &[T], new: &[T], max: usize) -> Option<usize> {
    let (n, m) = (old.len(), new.len());
    let max = max.min(n + m);
    // `reach[k + offset]` is the furthest `x` (position in `old`) reached on diagonal
    // k = x - y with the current number of edits; diagonals run from -max to max, plus one
    // guard on each side.
    let offset = max + 1;
    let mut reach = vec![0usize; 2 * max + 3];
    for d in 0..=max {
        for step in 0..=d {
            // k runs -d, -d+2, …, d; shifted by `offset` it is an index.
            let index = offset + 2 * step - d;
            let from_above = step == 0 || (step != d && reach[index - 1] < reach[index + 1]);
            let mut x = if from_above {
                reach[index + 1]
            } else {
                reach[index - 1] + 1
            };
            // y = x - k, with k = index - offset; never negative on a diagonal the search reached.
            let mut y = (x + offset).checked_sub(index)?;
            while x < n && y < m && old[x] == new[y] {
                x += 1;
                y += 1;
            }
            reach[index] = x;
            if x >= n && y >= m {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::within;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn counts_insertions_and_deletions() {
        assert_eq!(within(&chars("abc"), &chars("abc"), 10), Some(0));
        assert_eq!(within(&chars(""), &chars("abc"), 10), Some(3));
        assert_eq!(within(&chars("abc"), &chars(""), 10), Some(3));
        // A substitution is one deletion and one insertion.
        assert_eq!(within(&chars("abc"), &chars("axc"), 10), Some(2));
        // The textbook example of Myers' paper: D = 5.
        assert_eq!(within(&chars("abcabba"), &chars("cbabac"), 10), Some(5));
    }

    #[test]
    fn stops_past_the_bound() {
        assert_eq!(within(&chars("abcabba"), &chars("cbabac"), 5), Some(5));
        assert_eq!(within(&chars("abcabba"), &chars("cbabac"), 4), None);
        assert_eq!(within(&chars("aaaa"), &chars("bbbb"), 7), None);
        assert_eq!(within(&chars("aaaa"), &chars("bbbb"), 8), Some(8));
    }

    #[test]
    fn agrees_with_a_full_diff() {
        // Distances of a few shuffled strings against `similar`'s own diff.
        let pairs = [
            ("the quick brown fox", "the quack brown box"),
            ("fetch(x)", "client.fetch(x, ctx)"),
            ("aaaaabbbbb", "bbbbbaaaaa"),
        ];
        for (old, new) in pairs {
            let (old, new) = (chars(old), chars(new));
            let expected: usize =
                similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new)
                    .iter()
                    .map(|op| {
                        let (tag, before, after) = op.as_tag_tuple();
                        match tag {
                            similar::DiffTag::Equal => 0,
                            _ => before.len() + after.len(),
                        }
                    })
                    .sum();
            assert_eq!(within(&old, &new, 100), Some(expected));
        }
    }
}

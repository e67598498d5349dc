//! Blanks unknown keys out of a policy's text so the typed and semantic passes can still run.
//!
//! The unknown-key pass already reported those keys; without this, `deny_unknown_fields`
//! would stop the typed pass at the first of them and a user would see their bad globs and
//! thresholds only on the next run. Blanking (spaces, newlines kept) leaves every other line
//! and column where it was, so later diagnostics still point at the right place. When the
//! blanked text does not parse, the caller simply reports the unknown keys alone.

/// `text` with the mapping entry starting at each 1-based (`line`, `column`) replaced by spaces:
/// the key, its value, and in block style the more-indented lines below it.
pub(super) fn blank_entries(text: &str, positions: &[(u64, u64)]) -> String {
    let mut lines: Vec<Vec<char>> = text
        .split('\n')
        .map(|line| line.chars().collect())
        .collect();
    for &(line, column) in positions {
        let (Ok(row), Ok(col)) = (
            usize::try_from(line.saturating_sub(1)),
            usize::try_from(column.saturating_sub(1)),
        ) else {
            continue;
        };
        let Some(current) = lines.get(row) else {
            continue;
        };
        if col >= current.len() {
            continue;
        }
        let in_flow = current[..col]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| matches!(c, '{' | ','));
        if in_flow {
            blank_flow_entry(&mut lines[row], col);
        } else {
            blank_block_entry(&mut lines, row, col);
        }
    }
    lines
        .iter()
        .map(|line| line.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `key: value` inside `{ … }`: up to the next `,` or closing bracket at the same depth.
fn blank_flow_entry(line: &mut [char], start: usize) {
    let mut depth = 0_i32;
    let mut end = line.len();
    for (index, c) in line.iter().enumerate().skip(start) {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => {
                end = index;
                break;
            }
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                end = index + 1;
                break;
            }
            _ => {}
        }
    }
    line[start..end].iter_mut().for_each(|c| *c = ' ');
}

/// A block entry: the rest of its line, then every following line indented deeper than the
/// key (its nested value), blank lines included. A parent mapping left with no entries gets
/// `{}` after its colon, so it stays a mapping rather than becoming null.
fn blank_block_entry(lines: &mut [Vec<char>], row: usize, col: usize) {
    lines[row][col..].iter_mut().for_each(|c| *c = ' ');
    for line in lines.iter_mut().skip(row + 1) {
        if !is_blank(line) && indent(line) <= col {
            break;
        }
        line.fill(' ');
    }
    let Some(parent) = (0..row)
        .rev()
        .find(|&r| !is_blank(&lines[r]) && indent(&lines[r]) < col)
    else {
        return;
    };
    let parent_indent = indent(&lines[parent]);
    let has_entries = lines[parent + 1..]
        .iter()
        .find(|line| !is_blank(line))
        .is_some_and(|line| indent(line) > parent_indent);
    let opens_block = lines[parent]
        .iter()
        .collect::<String>()
        .trim_end()
        .ends_with(':');
    if opens_block && !has_entries {
        lines[parent].extend(" {}".chars());
    }
}

fn indent(line: &[char]) -> usize {
    line.iter().take_while(|c| **c == ' ').count()
}

fn is_blank(line: &[char]) -> bool {
    line.iter().all(|c| c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Block entries lose their nested lines; flow entries lose only themselves; positions of
    /// everything else are unchanged.
    #[test]
    fn blanks_block_and_flow_entries() {
        let text = "version: 1\nweigths:\n  a: 1\n  b: 2\nthresholds:\n  ai: {review: 2, bogus: 3, block: 4}\n";
        let pruned = blank_entries(text, &[(2, 1), (6, 18)]);
        assert_eq!(
            pruned,
            "version: 1\n        \n      \n      \nthresholds:\n  ai: {review: 2,           block: 4}\n"
        );
        assert_eq!(pruned.len(), text.len());
        let last = blank_entries("a: {x: 1, y: 2}\n", &[(1, 11)]);
        assert_eq!(last, "a: {x: 1,     }\n");
        let emptied = blank_entries("weights:\n  typo: 1\nlimits: {}\n", &[(2, 3)]);
        assert_eq!(emptied, "weights: {}\n         \nlimits: {}\n");
    }
}

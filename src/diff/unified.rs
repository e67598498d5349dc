//! Parser for unified diffs as `git diff` prints them.

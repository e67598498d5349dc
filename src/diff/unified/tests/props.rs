//! Property tests: round trips through generated diffs, and no panics on any input.

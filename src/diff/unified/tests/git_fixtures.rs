//! Diffs written by the real `git` in a throwaway repository.

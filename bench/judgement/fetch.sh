#!/bin/sh
# Makes the local mirrors run.py reads: one `git clone --mirror` per repository of corpus.tsv,
# from its public GitHub URL, into DIR/<owner>+<name>.git (default DIR: ./mirrors).
# An existing mirror is updated instead (git remote update). A mirror includes refs/pull/*,
# which holds the commits of pull requests the corpus also uses.
# Usage: bench/judgement/fetch.sh [DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-mirrors}
mkdir -p "$dir"
grep -v '^#' "$here/corpus.tsv" | cut -f1 | sort -u | while read -r repo; do
    [ -n "$repo" ] || continue
    target="$dir/$(echo "$repo" | tr '/' '+').git"
    if [ -d "$target" ]; then
        echo "updating $repo"
        git -C "$target" remote update --prune
    else
        echo "mirroring $repo"
        git clone --mirror "https://github.com/$repo.git" "$target"
    fi
done

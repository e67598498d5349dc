#!/bin/sh
# Remakes the parity cases from the public repositories: one `git clone --mirror` per repository
# of corpus.tsv into DIR/<owner>+<name>.git (an existing mirror is updated), then
# `collect.py extract`, which writes each case's two file versions under cases/.
# The cases are committed; this is only needed to check them or to add rows.
# Usage: bench/parity/fetch.sh [DIR]   (default DIR: ./mirrors)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-mirrors}
mkdir -p "$dir"
grep -v '^#' "$here/corpus.tsv" | cut -f2 | sort -u | while read -r repo; do
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
dir=$(cd "$dir" && pwd)
python3 "$here/collect.py" extract --mirrors "$dir/{owner}+{name}.git"

#!/usr/bin/env bash
# Dependents and dangling references per commit, for two blastgate binaries (issue 11,
# "names resolve within their namespace"). Judges each non-merge commit among the newest N of
# HEAD (the commits `blastgate replay --last N` judges) against its parent with `check --format json` and prints one TSV row per
# commit, then the totals.
#
#   bench/namespaces/compare.sh REPO N BEFORE_BINARY AFTER_BINARY
#
# Needs bash, git and python3. Reads the repository only (the outline cache under its git
# directory aside).
set -euo pipefail
if [ $# -ne 4 ]; then
    echo "usage: $0 REPO N BEFORE_BINARY AFTER_BINARY" >&2
    exit 2
fi
repo=$1 n=$2 before=$3 after=$4
count() { # binary commit -> "dependent_files dangling_references symbols_changed"
    "$1" -C "$repo" check --base "$2^" --head "$2" --format json 2>/dev/null |
        python3 -c 'import json,sys
b=json.load(sys.stdin)["blast_radius"]
print(b["dependent_files"], b["dangling_references"], b["symbols_changed"])' ||
        echo "error error error"
}
printf 'commit\tdependents_before\tdependents_after\tdangling_before\tdangling_after\n'
totals=(0 0 0 0)
for commit in $(git -C "$repo" rev-list --max-count="$n" HEAD); do
    if [ "$(git -C "$repo" rev-list --parents -n 1 "$commit" | wc -w)" -ne 2 ]; then
        continue
    fi
    read -r dep_b dang_b _ < <(count "$before" "$commit")
    read -r dep_a dang_a _ < <(count "$after" "$commit")
    printf '%s\t%s\t%s\t%s\t%s\n' "${commit:0:10}" "$dep_b" "$dep_a" "$dang_b" "$dang_a"
    if [ "$dep_b" != error ] && [ "$dep_a" != error ]; then
        totals=($((totals[0] + dep_b)) $((totals[1] + dep_a)) $((totals[2] + dang_b)) $((totals[3] + dang_a)))
    fi
done
printf 'total\t%s\t%s\t%s\t%s\n' "${totals[@]}"

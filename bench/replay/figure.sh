#!/bin/sh
# The figure in the README: the top of `blastgate replay --format html` (headline, gating
# curve, review load per week), rendered by headless Chromium.
#
#   bench/replay/figure.sh BLASTGATE CLONE [COMMITS] [OUT.png]
#
# CLONE is a clone of the history (the README's figure: a `git clone --shared --no-checkout`
# of github.com/charmbracelet/crush at 37f36e93824e, its newest 1,000 commits).
set -eu
blastgate=$(realpath "$1")
clone=$2
commits=${3:-1000}
out=$(realpath -m "${4:-docs/replay-report.png}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$clone" && "$blastgate" replay --last "$commits" --fit --format html -o "$scratch/replay.html")
HOME=$scratch chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --window-size=900,1230 --user-data-dir="$scratch/profile" \
  --screenshot="$out" "file://$scratch/replay.html" 2>/dev/null
echo "$out"

#!/bin/bash
# Trials of the ways a workflow can run a script, through a real pre-receive hook: a bare
# server gates pushes with `BLASTGATE pre-receive`; for each way, an AI-assisted commit edits
# only the script and is pushed with --no-verify to its own branch. Every script a step runs
# (thirteen ways: the ninth after a step name written as a block, then a variable set for the
# command, a prefix's option, a step's working directory and a `cd` before the command)
# must be refused (exit 1, sent to review); `i.sh`, only named in a comment, is the control
# and is allowed. Last, a human adds `git -c core.hooksPath=/dev/null push` to a release
# script: refused (a hook change). Usage: bench/bypass/run-by-forms.sh /path/to/blastgate
set -u
BIN=$(realpath "$1"); T=$(mktemp -d); trap 'rm -rf "$T"' EXIT; cd "$T"
git init -q --bare server.git
git clone -q server.git work 2>/dev/null; cd work
git config user.email dev@example.com; git config user.name Dev
mkdir -p .github/workflows scripts
cat > .github/workflows/ci.yml <<'W'
on: push
env:
  V: "3"
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: scripts/a.sh
      - run: bash scripts/b.sh
      - run: uv run --no-project scripts/c.py
      - run: cat scripts/d.sh | sh
      - { name: x, run: scripts/e.sh }
      - run: |
          set -e
          sudo scripts/f.sh
      - run: eval "$(cat scripts/g.sh)"
      - run: python${{ env.V }} scripts/h.py
      - name: |
          a step whose name is a block
        run: scripts/j.sh
      - run: STAGE="prod eu" scripts/k.sh
      - run: sudo -u deploy -E scripts/l.sh
      - run: ./m.sh
        working-directory: scripts
      - run: cd scripts && ./n.sh
      # scripts/i.sh is only mentioned here
W
for f in a.sh b.sh c.py d.sh e.sh f.sh g.sh h.py i.sh j.sh k.sh l.sh m.sh n.sh release.sh; do echo "echo $f" > scripts/$f; done
git add -A; git commit -qm base; git push -q origin HEAD:main; git fetch -q origin
cat > ../server.git/hooks/pre-receive <<H
#!/bin/sh
exec '$BIN' pre-receive
H
chmod +x ../server.git/hooks/pre-receive; git -C ../server.git symbolic-ref HEAD refs/heads/main
for f in a.sh b.sh c.py d.sh e.sh f.sh g.sh h.py i.sh j.sh k.sh l.sh m.sh n.sh; do
  git checkout -q -B t-$f origin/main
  echo "exit 0" >> scripts/$f
  git commit -qam "tweak $f

Co-Authored-By: Claude <noreply@anthropic.com>"
  out=$(git push --no-verify origin HEAD:refs/heads/t-$f 2>&1)
  rc=$?; why=$(echo "$out" | grep -m1 -E "needs review|reached|allow|block" | sed 's/^remote: *//' | cut -c1-100); echo "$f exit $rc: $why"
done
git checkout -q -B t-rel origin/main
echo "git -c core.hooksPath=/dev/null push origin main" >> scripts/release.sh
git commit -qam "release without hooks"
out=$(git push --no-verify origin HEAD:refs/heads/t-rel 2>&1)
if [ $? = 0 ]; then echo "release.sh (human, adds a one-command hooks override) ACCEPTED"; else echo "release.sh (human, adds a one-command hooks override) refused: $(echo "$out" | grep -m1 -i "hook" | cut -c1-110)"; fi

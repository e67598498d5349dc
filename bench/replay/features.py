#!/usr/bin/env python3
"""Would file history help the fit? Held-out AUC and 10% catch of candidate features.

Reads a `blastgate replay --format json` report and the repository it was made in, and adds
to each judged commit features the score does not have, from the commits before it:
how many bug-fix commits (the fix keywords and `fix:` subjects of `src/replay/szz.rs`) and how
many commits at all touched its files among the WINDOW commits before it (the "prior faults"
and "prior changes" of defect prediction: Graves et al., TSE 2000; Kim et al., "Predicting
faults from cached history", ICSE 2007), its changed lines and files, and the lines it added
outside tests, documentation and data files (JSON, YAML, lockfiles, snapshots…: the lines SZZ
can later blame in code). Then, trained on the
older 70% of the judged commits and evaluated on the newer 30% (as `replay --fit` splits),
an L2 logistic regression of the labels on log-scaled feature sets, one row per set: AUC and
the share of labelled commits the riskiest 10% catch (ties newest first, as replay ranks).

This is an experiment, not the product's fit: it starts from the policy's score, not from
per-signal units, so compare its rows with each other and with its `score` row, not with
`replay --fit`. Labels known only after the split are used in training here (replay's fit
drops them), which flatters every row equally. Standard library only. Usage:

    bench/replay/features.py --report replay.json --repo CLONE [--window 500]
"""

import argparse
import json
import math
import re
import subprocess
from collections import defaultdict

# The `keywords` and `conventional` fix sources of src/replay/szz.rs, on the subject.
KEYWORDS = re.compile(
    r"(?i)\b(fix|fixes|fixed|fixing|bugfix|hotfix|bug|bugs|crash|crashes|regression|broken|defect|fault)\b"
)
CONVENTIONAL = re.compile(r"(?i)^fix(\([^)]*\))?!?:")
# Paths whose added lines are not counted as code: tests, documentation, examples, vendored
# or built trees, and data files (an approximation of the SZZ scope and the policy's `low` tier).
NOT_CODE = re.compile(
    r"(^|/)(tests?|__tests__|spec|testdata|fixtures|docs?|examples?|vendor|dist|node_modules)/"
    r"|_test\.(go|py|rs)$|\.(test|spec)\.[jt]sx?$|(^|/)test_[^/]*\.py$"
    r"|\.(md|rst|txt|adoc|json|ya?ml|toml|lock|sum|svg|png|jpe?g|gif|ico|snap|golden|csv|xml|html|css|po)$"
)


def is_fix(message):
    subject = message.split("\n", 1)[0]
    if subject.startswith('Revert "'):
        return False
    return bool(KEYWORDS.search(subject) or CONVENTIONAL.search(subject))


def history(repo, count):
    """The newest `count` commits of HEAD, newest first (date order, as replay walks), each
    with its message and the paths it changed against its first parent."""
    raw = subprocess.run(
        ["git", "-C", repo, "log", "--date-order", "-n", str(count), "--format=%x00%H%x01%P%x01%B", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf8", "replace")
    commits = []
    for chunk in raw.split("\x00")[1:]:
        oid, parents, message = chunk.split("\x01", 2)
        parents = parents.split()
        # One call per commit: a mirror missing an object fails that commit, not the walk.
        sides = [parents[0], oid] if parents else ["--root", oid]
        numstat = subprocess.run(
            ["git", "-C", repo, "diff-tree", "-r", "--numstat", "--no-renames", "--no-commit-id", "-z", *sides],
            capture_output=True,
        ).stdout.decode("utf8", "replace")
        added = {}
        for row in numstat.split("\x00"):
            if row.count("\t") == 2:
                plus, _minus, path = row.split("\t")
                added[path] = int(plus) if plus.isdigit() else 0  # "-" for binary files
        commits.append({"id": oid, "message": message, "files": list(added), "added": added})
    return commits


def features(commits, window):
    """Per commit id: prior fixes and prior changes of its files within `window` commits."""
    out = {}
    for index, commit in enumerate(commits):
        files = set(commit["files"])
        fixes, changes = defaultdict(int), defaultdict(int)
        for older in commits[index + 1 : index + 1 + window]:
            fix = is_fix(older["message"])
            for path in older["files"]:
                if path in files:
                    changes[path] += 1
                    fixes[path] += fix
        out[commit["id"]] = {
            "files": len(files),
            "prior_fixes": sum(fixes.values()),
            "prior_fixes_max": max(fixes.values(), default=0),
            "prior_changes": sum(changes.values()),
            "prior_changes_max": max(changes.values(), default=0),
            "added_code": sum(n for path, n in commit["added"].items() if not NOT_CODE.search(path)),
        }
    return out


def auc(scores, labels):
    """Area under the ROC curve, ties counting half (rank-sum form)."""
    order = sorted(range(len(scores)), key=lambda k: scores[k])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and scores[order[end]] == scores[order[start]]:
            end += 1
        for k in order[start:end]:
            ranks[k] = (start + end + 1) / 2
        start = end
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = sum(rank for rank, label in zip(ranks, labels) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def caught(scores, labels, share=0.1):
    """Share of labelled commits among the riskiest `share` (rows oldest first; ties newest first)."""
    order = sorted(range(len(scores)), key=lambda k: (-scores[k], -k))
    gated = math.ceil(len(scores) * share)
    return sum(labels[k] for k in order[:gated]) / max(1, sum(labels))


def fit(rows, labels, lam=1.0, steps=3000, rate=0.1):
    """L2 logistic regression on standardised columns by plain gradient descent (deterministic)."""
    width = len(rows[0])
    mean = [sum(r[k] for r in rows) / len(rows) for k in range(width)]
    spread = [max(1e-9, (sum((r[k] - mean[k]) ** 2 for r in rows) / len(rows)) ** 0.5) for k in range(width)]
    z = [[(r[k] - mean[k]) / spread[k] for k in range(width)] for r in rows]
    weights, bias, n = [0.0] * width, 0.0, len(z)
    for _ in range(steps):
        grad, grad_bias = [0.0] * width, 0.0
        for row, label in zip(z, labels):
            error = 1 / (1 + math.exp(-(bias + sum(w * x for w, x in zip(weights, row))))) - label
            grad_bias += error
            for k in range(width):
                grad[k] += error * row[k]
        weights = [weights[k] - rate * (grad[k] + lam * weights[k]) / n for k in range(width)]
        bias -= rate * grad_bias / n
    return lambda r: bias + sum(weights[k] * (r[k] - mean[k]) / spread[k] for k in range(width))


def log(value):
    return math.log1p(max(value, 0))


SETS = {
    "score": lambda r: [log(r["score"])],
    "added code lines alone": lambda r: [log(r["added_code"])],
    "score + added code": lambda r: [log(r["score"]), log(r["added_code"])],
    "score + size": lambda r: [log(r["score"]), log(r["lines"]), log(r["files"])],
    "score + prior fixes": lambda r: [log(r["score"]), log(r["prior_fixes"]), log(r["prior_fixes_max"])],
    "score + prior changes": lambda r: [log(r["score"]), log(r["prior_changes"]), log(r["prior_changes_max"])],
    "all of them": lambda r: [
        log(r["score"]), log(r["lines"]), log(r["files"]), log(r["prior_fixes"]),
        log(r["prior_fixes_max"]), log(r["prior_changes"]), log(r["prior_changes_max"]),
    ],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--window", type=int, default=500)
    args = parser.parse_args()
    report = json.load(open(args.report))
    judged = report["judged"]  # newest first
    extra = features(history(args.repo, len(judged) + report.get("merges_skipped", 0) + args.window), args.window)
    rows = []
    for entry in reversed(judged):
        row = dict(extra.get(entry["commit"], {}))
        if not row:
            continue
        row.update(score=entry["score"], lines=entry["lines"], label=int(bool(entry["labels"])))
        rows.append(row)
    cut = round(len(rows) * 0.7)
    train, test = rows[:cut], rows[cut:]
    train_labels, test_labels = [r["label"] for r in train], [r["label"] for r in test]
    print(f"{len(rows)} commits: trained on {len(train)} ({sum(train_labels)} labelled), "
          f"held out {len(test)} ({sum(test_labels)} labelled)")
    print(f"{'features':<24} {'AUC':>6} {'10% caught':>11}")
    for name, columns in SETS.items():
        model = fit([columns(r) for r in train], train_labels)
        scores = [model(columns(r)) for r in test]
        print(f"{name:<24} {auc(scores, test_labels):>6.3f} {caught(scores, test_labels):>11.1%}")


if __name__ == "__main__":
    main()

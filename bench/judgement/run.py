#!/usr/bin/env python3
"""Run blastgate over the judgement corpus and print how well it judged.

For every row of corpus.tsv it runs, in a throw-away shared clone of the repository's local
mirror, `blastgate check --base <sha>^ --head <sha> --policy <built-in default> --format json`,
then compares the decision with the label and the detected authorship with the `ai` label.

Prints precision/recall of the gated decision (review or block) per class, the false-alarm
rate on benign and mechanical changes, the share of must-review AI-assisted changes gated,
AI-detection accuracy and false attributions, human changes blocked by volume alone (blocked
with no rule hit), the time per commit, and every row where the gate and the label disagree.

Standard library only. Usage:
    bench/judgement/run.py --blastgate target/release/blastgate [--mirrors /work/.mirror]
                           [--corpus bench/judgement/corpus.tsv] [--json out.json] [--only REPO]
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GATED = ("review", "block")
# Variables through which blastgate (or git) would read CI context or user configuration:
# the benchmark judges each commit alone, as a local `check` would.
CLEARED_PREFIXES = ("GITHUB_", "GITLAB_", "CI_", "BUILDKITE", "CIRCLE", "BITBUCKET_", "GIT_")
CLEARED_NAMES = ("CI", "TF_BUILD", "JENKINS_URL", "BLASTGATE_ARGS")


def read_corpus(path):
    """Rows of the corpus as dicts; comment lines start with '#'."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 6:
            sys.exit(f"{path}:{number}: expected 6 tab-separated fields, found {len(fields)}")
        repo, sha, classes, ai, expected, why = fields
        if ai not in ("true", "false") or expected not in ("allow", "review", "block"):
            sys.exit(f"{path}:{number}: ai must be true/false and expected allow/review/block")
        rows.append({
            "repo": repo, "sha": sha, "classes": classes.split(","),
            "ai": ai == "true", "expected": expected, "why": why,
        })
    return rows


def find_mirror(mirrors, repo):
    """The local mirror of owner/name: the fetch tool's layout or fetch.sh's."""
    flat = repo.replace("/", "+")
    for candidate in (mirrors / flat / "repo", mirrors / f"{flat}.git", mirrors / flat):
        if (candidate / "objects").is_dir() or (candidate / ".git").is_dir():
            return candidate
    return None


def clean_env(home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(CLEARED_PREFIXES) and k not in CLEARED_NAMES}
    env.update({"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", "NO_COLOR": "1"})
    return env


def default_policy(blastgate, work, env):
    """The built-in default policy, written by the binary itself, so repositories' own
    .blastgate.yaml files never apply."""
    scratch = work / "policy"
    scratch.mkdir()
    subprocess.run(["git", "init", "-q", str(scratch)], check=True, env=env)
    subprocess.run([blastgate, "-C", str(scratch), "policy", "init", "--template", "default"],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return scratch / ".blastgate.yaml"


def judge(row, clone, blastgate, policy, env):
    """Runs the gate on one commit; returns what it decided and how long it took."""
    command = [blastgate, "-C", str(clone), "check", "--base", f"{row['sha']}^",
               "--head", row["sha"], "--policy", str(policy), "--format", "json"]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, errors="replace")
    seconds = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time as well as wall time: on a loaded machine the wall time measures the neighbours.
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    result = {"seconds": seconds, "cpu_seconds": cpu, "exit_code": done.returncode}
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        first = (done.stderr.strip().splitlines() or ["no output"])[0]
        result.update(decision="error", authorship=None, rules=[], findings=[], error=first)
        return result
    rules = report.get("rules") or []
    findings = report.get("findings") or []
    result.update(
        decision=report.get("decision", "error"),
        score=report.get("score"),
        authorship=(report.get("provenance") or {}).get("authorship"),
        rules=sorted({f"{r.get('rule')}:{r.get('decision')}" for r in rules}),
        block_rule=any(r.get("decision") == "block" for r in rules),
        findings=sorted({f.get("id") for f in findings if f.get("id")}),
    )
    return result


def ratio(numerator, denominator):
    return None if denominator == 0 else numerator / denominator


def percentile(values, share):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def metrics(rows):
    judged = [r for r in rows if "result" in r]
    per_class = {}
    for name in sorted({c for r in judged for c in r["classes"]}):
        members = [r for r in judged if name in r["classes"]]
        tp = sum(1 for r in members if r["result"]["decision"] in GATED and r["expected"] in GATED)
        fp = sum(1 for r in members if r["result"]["decision"] in GATED and r["expected"] not in GATED)
        fn = sum(1 for r in members if r["result"]["decision"] not in GATED and r["expected"] in GATED)
        exact = sum(1 for r in members if r["result"]["decision"] == r["expected"])
        per_class[name] = {
            "rows": len(members), "expected_gated": tp + fn,
            "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn),
            "exact": ratio(exact, len(members)),
        }
    quiet = [r for r in judged if r["expected"] == "allow"
             and ({"benign", "mechanical"} & set(r["classes"]))]
    must_review = [r for r in judged if r["ai"] and r["expected"] in GATED]
    detected = [r for r in judged if r["result"].get("authorship") is not None]
    false_attr = [r for r in detected if not r["ai"] and r["result"]["authorship"] == "ai"]
    missed = [r for r in detected if r["ai"] and r["result"]["authorship"] != "ai"]
    volume_blocks = [r for r in judged if not r["ai"] and r["result"]["decision"] == "block"
                     and not r["result"].get("block_rule")]
    seconds = [r["result"]["seconds"] for r in judged]
    cpu = [r["result"]["cpu_seconds"] for r in judged]
    return {
        "rows": len(rows), "judged": len(judged),
        "errors": sum(1 for r in judged if r["result"]["decision"] == "error"),
        "not_judged": [f"{r['repo']} {r['sha']}: {r['skipped']}" for r in rows if "skipped" in r],
        "exact_decisions": ratio(sum(1 for r in judged if r["result"]["decision"] == r["expected"]),
                                 len(judged)),
        "per_class": per_class,
        "false_alarm_benign_mechanical": ratio(
            sum(1 for r in quiet if r["result"]["decision"] in GATED), len(quiet)),
        "false_alarm_rows": len(quiet),
        "ai_must_review_gated": ratio(
            sum(1 for r in must_review if r["result"]["decision"] in GATED), len(must_review)),
        "ai_must_review_rows": len(must_review),
        "ai_detection_accuracy": ratio(len(detected) - len(false_attr) - len(missed), len(detected)),
        "ai_false_attributions": len(false_attr),
        "ai_missed": len(missed),
        "human_blocked_by_volume": len(volume_blocks),
        "seconds_median": statistics.median(seconds) if seconds else None,
        "seconds_p95": percentile(seconds, 0.95),
        "seconds_max": max(seconds) if seconds else None,
        "cpu_seconds_median": statistics.median(cpu) if cpu else None,
        "cpu_seconds_p95": percentile(cpu, 0.95),
    }


def mismatches(rows):
    out = []
    for r in rows:
        res = r.get("result")
        if res is None:
            continue
        wrong_decision = res["decision"] != r["expected"]
        got_ai = res.get("authorship") == "ai"
        if wrong_decision or got_ai != r["ai"]:
            out.append({
                "repo": r["repo"], "sha": r["sha"], "classes": r["classes"], "ai": r["ai"],
                "expected": r["expected"], "decision": res["decision"],
                "authorship": res.get("authorship"), "score": res.get("score"),
                "rules": res.get("rules", []), "findings": res.get("findings", [])[:8],
                "why": r["why"], "error": res.get("error"),
            })
    return out


def show(value):
    if value is None:
        return "n/a"
    return f"{value * 100:5.1f}%"


def print_text(m, wrong):
    print(f"judged {m['judged']} of {m['rows']} commits; {m['errors']} errors; "
          f"decision equal to the label: {show(m['exact_decisions'])}")
    for line in m["not_judged"]:
        print(f"  not judged: {line}")
    print("\nclass        rows  gated-expected  precision  recall   exact")
    for name, c in m["per_class"].items():
        print(f"{name:12} {c['rows']:4}  {c['expected_gated']:14}  {show(c['precision']):>9}  "
              f"{show(c['recall']):>6}  {show(c['exact']):>6}")
    print(f"\nfalse alarms on benign/mechanical (expected allow, gated): "
          f"{show(m['false_alarm_benign_mechanical'])} of {m['false_alarm_rows']}   target <= 5%")
    print(f"must-review AI-assisted changes gated: {show(m['ai_must_review_gated'])} "
          f"of {m['ai_must_review_rows']}   target >= 95%")
    print(f"AI detection accuracy: {show(m['ai_detection_accuracy'])}   "
          f"false attributions: {m['ai_false_attributions']}   missed: {m['ai_missed']}"
          f"   target >= 98%, 0 false")
    print(f"human changes blocked by volume alone: {m['human_blocked_by_volume']}   target 0")
    if m["seconds_median"] is not None:
        print(f"time per commit: median {m['seconds_median']:.3f}s  p95 {m['seconds_p95']:.3f}s  "
              f"max {m['seconds_max']:.3f}s   target p95 <= 0.5s")
        print(f"CPU time per commit (user+sys): median {m['cpu_seconds_median']:.3f}s  "
              f"p95 {m['cpu_seconds_p95']:.3f}s   (less sensitive to machine load than wall time)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"\nmismatches ({len(wrong)}):")
    for w in wrong:
        ai = "ai" if w["ai"] else "human"
        print(f"  {w['repo']} {w['sha'][:12]} [{','.join(w['classes'])}; {ai}] expected "
              f"{w['expected']}, got {w['decision']} (authorship {w['authorship']}, "
              f"score {w['score']})")
        detail = w["error"] or ", ".join(w["rules"] or w["findings"]) or "no findings"
        print(f"      {w['why']}\n      gate: {detail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blastgate", default=shutil.which("blastgate") or "blastgate",
                        help="the blastgate binary to judge with")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"),
                        help="directory of mirrors (owner+name/repo or owner+name.git)")
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus.tsv")
    parser.add_argument("--json", type=Path, help="also write every result and metric here")
    parser.add_argument("--only", help="judge only rows of this owner/name")
    args = parser.parse_args()
    blastgate = str(Path(args.blastgate).resolve()) if os.sep in args.blastgate else args.blastgate
    rows = read_corpus(args.corpus)
    if args.only:
        rows = [r for r in rows if r["repo"] == args.only]
    with tempfile.TemporaryDirectory(prefix="blastgate-bench-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        env = clean_env(work / "home")
        policy = default_policy(blastgate, work, env)
        clones = {}
        for row in rows:
            mirror = find_mirror(args.mirrors, row["repo"])
            if mirror is None:
                row["skipped"] = "no mirror (run fetch.sh)"
                continue
            if row["repo"] not in clones:
                clone = work / row["repo"].replace("/", "+")
                # A shared clone borrows the mirror's objects: fast, and the mirror is untouched.
                subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(mirror),
                                str(clone)], check=True, env=env)
                clones[row["repo"]] = clone
            present = subprocess.run(
                ["git", "-C", str(clones[row["repo"]]), "cat-file", "-e", f"{row['sha']}^{{commit}}"],
                env=env, capture_output=True)
            if present.returncode != 0:
                row["skipped"] = "commit not in the mirror"
                continue
            row["result"] = judge(row, clones[row["repo"]], blastgate, policy, env)
    m = metrics(rows)
    wrong = mismatches(rows)
    print_text(m, wrong)
    if args.json:
        args.json.write_text(json.dumps({"metrics": m, "mismatches": wrong, "rows": rows},
                                        indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

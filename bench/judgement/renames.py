#!/usr/bin/env python3
"""Compares two blastgate builds on every commit that renames a code file.

For each repository, the newest commits (of the last --depth on HEAD, merges left out) that
rename a file of a language with namespaces (Python, JS/TS, Rust, Go, Java, Kotlin, C#) are
judged by both builds with the built-in default policy, as run.py judges the corpus. Printed:
each commit whose decision, score or count of dangling references differs, with the dangling
and moved findings of the second build, then totals. The commits that changed are to be read
by hand: was the reference really left naming the old place?

Usage: bench/judgement/renames.py --before OLD --after NEW --mirrors DIR owner/name ...
(DIR holds mirrors as fetch.sh makes them, <owner>+<name>.git, or <owner>+<name>/repo.)
Python 3, standard library only.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from run import clean_env, default_policy, find_mirror

CODE = (".py", ".ts", ".tsx", ".js", ".mjs", ".rs", ".go", ".java", ".kt", ".cs")


def renaming_commits(clone, depth, most, env):
    """Commits (newest first) with at least one renamed code file, at most `most`."""
    done = subprocess.run(
        ["git", "-C", str(clone), "log", "--no-merges", "-M", "--diff-filter=R",
         "--name-status", "--format=@%H", "-n", str(depth), "HEAD"],
        capture_output=True, text=True, env=env)
    lines = done.stdout.splitlines()
    if done.returncode != 0:
        # A mirror missing old objects: keep the commits read before the gap, each complete.
        last = max((i for i, line in enumerate(lines) if line.startswith("@")), default=0)
        lines = lines[:last]
        print(f"{clone.name}: git log stopped ({done.stderr.strip()[:120]}); "
              f"using the commits before it", file=sys.stderr)
    picks, current, renames = [], None, False
    for line in lines + ["@"]:
        if line.startswith("@"):
            if current and renames:
                picks.append(current)
            current, renames = line[1:], False
        elif line.startswith("R"):
            parts = line.split("\t")
            renames |= len(parts) == 3 and all(p.endswith(CODE) for p in parts[1:])
    return picks[:most]


def judge(build, clone, sha, policy, env):
    """(decision, score, dangling count, dangling and moved messages) of one commit."""
    done = subprocess.run(
        [build, "-C", str(clone), "check", "--base", f"{sha}^", "--head", sha,
         "--policy", str(policy), "--format", "json"],
        capture_output=True, text=True, env=env, errors="replace")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return ("error", None, None, [done.stderr.strip()[:200]])
    findings = report["findings"]
    dangling = sum(1 for f in findings if f["id"] == "dangling-reference")
    said = [f"{f['file']}: {f['message']}" for f in findings
            if f["id"] in ("dangling-reference", "moved")]
    return (report["decision"], report["score"], dangling, said)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--mirrors", required=True)
    parser.add_argument("--depth", type=int, default=4000)
    parser.add_argument("--most", type=int, default=40)
    parser.add_argument("repos", nargs="+")
    args = parser.parse_args()
    builds = [str(Path(b).resolve()) for b in (args.before, args.after)]
    totals = {"commits": 0, "decision": 0, "score": 0}
    with tempfile.TemporaryDirectory(prefix="blastgate-renames-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        env = clean_env(work / "home")
        policy = default_policy(builds[1], work, env)
        for repo in args.repos:
            mirror = find_mirror(Path(args.mirrors), repo)
            if mirror is None:
                print(f"{repo}: no mirror", file=sys.stderr)
                continue
            clone = work / repo.replace("/", "+")
            subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(mirror),
                            str(clone)], check=True, env=env)
            shas = renaming_commits(clone, args.depth, args.most, env)
            for sha in shas:
                before, after = (judge(b, clone, sha, policy, env) for b in builds)
                totals["commits"] += 1
                totals["decision"] += before[0] != after[0]
                totals["score"] += before[:3] != after[:3]
                if before[:3] != after[:3]:
                    print(f"{repo} {sha[:10]} {before[:3]} -> {after[:3]}")
                    for line in after[3][:6]:
                        print(f"    {line}")
            print(f"{repo}: {len(shas)} commits", flush=True)
    print(f"{totals['commits']} commits; decision changed on {totals['decision']}, "
          f"decision, score or dangling count on {totals['score']}")


if __name__ == "__main__":
    main()

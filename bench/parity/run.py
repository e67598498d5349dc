#!/usr/bin/env python3
"""Parity benchmark: blastgate against the dedicated tool of each domain, on real commit x file
cases, mapped onto the shared classes of classes.tsv.

  bench/parity/run.py --blastgate target/release/blastgate --cached-peers
  bench/parity/run.py --blastgate target/release/blastgate --venv /work/venv-parity

For each row of corpus.tsv, a throw-away git repository gets the file's base version (an empty
commit when the file is new) and then its head version; blastgate judges that one commit with
`check --base HEAD~1 --head HEAD --format json` under the built-in default policy. The peer's
findings on both versions come from fixtures/peers/ (--cached-peers, made by peers.py) or are
computed now (--venv). A peer finding is *new* when its key (rule + flagged text or resource)
occurs more often in the head version than in the base version: blastgate, by design, reports
only what a change introduces, so only new peer findings are compared.

Per class it counts cases (one commit x one file): agree (both flag the class), blastgate-only,
peer-only, and the miss rate on new content (peer-only / cases the peer flags). It also counts
hard-block false alarms on test data (a `block` rule fired on a case whose path is test data),
and the time per file of each tool (blastgate's whole `check`, the peer on the head version).
Python 3 standard library only.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import peers  # noqa: E402  (sibling script: the peer runners and the corpus reader)

# CI variables and user configuration would change what blastgate reads: each case is judged
# alone, as a local `check` would judge it.
CLEARED_PREFIXES = ("GITHUB_", "GITLAB_", "CI_", "BUILDKITE", "CIRCLE", "BITBUCKET_", "GIT_")
CLEARED_NAMES = ("CI", "TF_BUILD", "JENKINS_URL", "BLASTGATE_ARGS")
IDENTITY = {
    "GIT_AUTHOR_NAME": "Parity Bench", "GIT_AUTHOR_EMAIL": "parity@example.invalid",
    "GIT_COMMITTER_NAME": "Parity Bench", "GIT_COMMITTER_EMAIL": "parity@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}
# Classes where the peer checks a state ("this workload has no probe") and blastgate checks a
# change ("a probe was removed"): a peer finding counts only on a resource the base version
# already had, since a new resource without the setting is posture, which blastgate does not claim.
CHANGE_ONLY = {
    "k8s-limits-probes": "limits-or-probes-removed: a container lost its limits or probes",
    "destroy-protection": "destroy-protection-removed: protection against destruction is weakened",
}
# Targets of issue 13.
MAX_MISS = 0.05
MIN_CHECKOV_RATIO = 20.0
MAX_NATIVE_RATIO = 2.0


def read_classes():
    """{tool: [(class, compiled rule)]} from classes.tsv."""
    table = defaultdict(list)
    with open(os.path.join(HERE, "classes.tsv"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 4:
                sys.exit(f"classes.tsv:{number}: expected 4 tab-separated fields")
            name, tool, rule, _source = fields
            table[tool].append((name, re.compile(rule)))
    return table


def read_adjudicated():
    """{(case, class): reason} of peer findings judged false alarms by hand."""
    out = {}
    with open(os.path.join(HERE, "adjudicated.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            case, name, reason = line.rstrip("\n").split("\t")
            out[(case, name)] = reason
    return out


def unknown_ids(table):
    """blastgate ids classes.tsv names that src/signal.rs does not define (a typo, or an
    analyzer not merged yet): their classes can only show peer-only cases."""
    signal_rs = os.path.join(HERE, "..", "..", "src", "signal.rs")
    try:
        with open(signal_rs, encoding="utf-8") as f:
            known = set(re.findall(r'= "([a-z0-9-]+)", per ', f.read()))
    except OSError:
        return []
    named = {rule.pattern.split("\\|")[0] for _, rule in table["blastgate"]}
    return sorted(named - known)


def classes_of(table, tool, text):
    return {name for name, rule in table[tool] if rule.fullmatch(text)}


def clean_env(home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(CLEARED_PREFIXES) and k not in CLEARED_NAMES}
    env.update({"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", "NO_COLOR": "1"})
    return env


def git(repo, env, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, env={**env, **IDENTITY},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def default_policy(blastgate, work, env):
    """The built-in default policy, written by the binary itself."""
    scratch = os.path.join(work, "policy")
    os.makedirs(scratch)
    git(scratch, env, "init", "-q")
    subprocess.run([blastgate, "-C", scratch, "policy", "init", "--template", "default"],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(scratch, ".blastgate.yaml")


def judge(blastgate, policy, row, work, env):
    """blastgate's findings on the case's file, its block rules and its time."""
    repo = os.path.join(work, row["id"])
    os.makedirs(repo)
    git(repo, env, "init", "-q")
    for side in ("base", "head"):
        data = peers.case_file(row, side)
        dest = os.path.join(repo, row["path"])
        if data is not None:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as g:
                g.write(data)
            git(repo, env, "add", "--", row["path"])
        elif os.path.exists(dest):
            git(repo, env, "rm", "-q", "--", row["path"])
        git(repo, env, "commit", "-q", "--allow-empty", "-m", f"{side} of {row['sha']}")
    command = [blastgate, "-C", repo, "check", "--base", "HEAD~1", "--head", "HEAD",
               "--policy", policy, "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, errors="replace")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        first = (done.stderr.strip().splitlines() or ["no output"])[0]
        return dict(error=first, findings=[], blocks=[], reviews=[], seconds=seconds, cpu=cpu)
    findings = [f for f in report.get("findings") or [] if f.get("file") == row["path"]]
    blocks = [r["rule"] for r in report.get("rules") or [] if r.get("decision") == "block"]
    reviews = [r["rule"] for r in report.get("rules") or [] if r.get("decision") == "review"]
    return dict(error=None, findings=findings, blocks=blocks, reviews=reviews, seconds=seconds,
                cpu=cpu,
                decision=report.get("decision"))


def new_findings(record):
    """The peer's head findings whose key (or alternative key) is not (as often) in the base
    version."""
    head = (record.get("head") or {}).get("findings", [])
    base_findings = (record.get("base") or {}).get("findings", [])
    base = Counter(f["key"] for f in base_findings)
    base_alt = Counter(f["alt_key"] for f in base_findings if "alt_key" in f)
    out = []
    for finding in head:
        if base[finding["key"]] > 0:
            base[finding["key"]] -= 1
        elif base_alt[finding.get("alt_key")] > 0:
            base_alt[finding["alt_key"]] -= 1
        else:
            out.append(finding)
    return out


def base_resources(record):
    """The resources checkov read in the base version. Fixtures made before peers.py recorded
    passed checks lack `resources`: then the resources its failed checks name stand in (every
    workload and database fails some posture check, so the two sets agree in practice)."""
    base = record.get("base") or {}
    if "resources" in base:
        return set(base["resources"])
    return {f["key"].split("|", 1)[-1] for f in base.get("findings", [])}


def peer_record(row, args):
    if args.cached_peers:
        path = os.path.join(HERE, "fixtures", "peers", row["id"] + ".json")
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    venv = os.path.abspath(args.venv)
    tool = peers.PEER[row["domain"]]
    return dict(case=row["id"], tool=tool, base=peers.judge(venv, row, "base"),
                head=peers.judge(venv, row, "head"))


def evaluate(rows, args, table):
    env = clean_env(tempfile.mkdtemp(prefix="parity-home-"))
    results = []
    with tempfile.TemporaryDirectory(prefix="parity-") as work:
        policy = default_policy(args.blastgate, work, env)
        for row in rows:
            record = peer_record(row, args)
            tool = record["tool"]
            ours = judge(args.blastgate, policy, row, work, env)
            peer_new = new_findings(record)
            peer_classes = defaultdict(list)
            unclaimed = Counter()
            existed = base_resources(record)
            for finding in peer_new:
                names = classes_of(table, tool, finding["key"])
                if finding["key"].split("|", 1)[-1] not in existed:
                    names = {n for n in names if n not in CHANGE_ONLY}
                for name in names:
                    peer_classes[name].append(finding)
                if not names:
                    unclaimed[finding["rule"]] += 1
            our_classes = defaultdict(list)
            for finding in ours["findings"]:
                text = f"{finding['id']}|{finding.get('message', '')}"
                for name in classes_of(table, "blastgate", text):
                    our_classes[name].append(finding)
            results.append(dict(
                row=row, tool=tool, ours=ours, peer_error=(record.get("head") or {}).get("error"),
                peer_seconds=(record.get("head") or {}).get("seconds"),
                peer_cpu=(record.get("head") or {}).get("cpu_seconds"),
                peer_classes=peer_classes, our_classes=our_classes, unclaimed=unclaimed,
            ))
    return results


def ratio(a, b):
    return None if not b else a / b


def pct(value):
    return "-" if value is None else f"{100 * value:.1f}%"


def summarise(results, table):
    adjudicated = read_adjudicated()
    classes = sorted({name for tool in table for name, _ in table[tool] if tool != "blastgate"})
    shared = {}
    for name in classes:
        tools = {tool for tool in table if tool != "blastgate"
                 and any(n == name for n, _ in table[tool])}
        members = [r for r in results if r["tool"] in tools and not r["peer_error"]]
        agree = [r for r in members if r["peer_classes"].get(name) and r["our_classes"].get(name)]
        ours = [r for r in members if r["our_classes"].get(name) and not r["peer_classes"].get(name)]
        theirs = [r for r in members if r["peer_classes"].get(name) and not r["our_classes"].get(name)]
        peer_false = [r for r in theirs if (r["row"]["id"], name) in adjudicated]
        shared[name] = dict(
            tools=sorted(tools), cases=len(members), agree=len(agree),
            blastgate_only=len(ours), peer_only=len(theirs),
            miss_rate=ratio(len(theirs), len(agree) + len(theirs)),
            peer_false_alarms=len(peer_false),
            adjudicated_miss_rate=ratio(len(theirs) - len(peer_false),
                                        len(agree) + len(theirs) - len(peer_false)),
            misses=[dict(case=r["row"]["id"], path=r["row"]["path"],
                         adjudicated=adjudicated.get((r["row"]["id"], name)),
                         peer=[f"{f['rule']} line {f['line']}: {f.get('message', '')}"
                               for f in r["peer_classes"][name]]) for r in theirs],
            blastgate_only_cases=[dict(case=r["row"]["id"], path=r["row"]["path"],
                                       blastgate=[f"{f['id']}: {f.get('message', '')}"
                                                  for f in r["our_classes"][name]]) for r in ours],
        )
    test_rows = [r for r in results if r["row"]["data"] == "test"]
    false_blocks = [dict(case=r["row"]["id"], path=r["row"]["path"], rules=r["ours"]["blocks"])
                    for r in test_rows if r["ours"]["blocks"]]
    test_reviews = [dict(case=r["row"]["id"], path=r["row"]["path"], rules=r["ours"]["reviews"])
                    for r in test_rows if r["ours"]["reviews"] and not r["ours"]["blocks"]]
    timing = {}
    for tool in sorted({r["tool"] for r in results}):
        members = [r for r in results if r["tool"] == tool and r["peer_seconds"] is not None]
        if not members:
            continue
        peer_median = statistics.median(r["peer_seconds"] for r in members)
        peer_cpu = statistics.median(r["peer_cpu"] or 0.0 for r in members)
        ours_median = statistics.median(r["ours"]["seconds"] for r in members)
        ours_cpu = statistics.median(r["ours"]["cpu"] for r in members)
        timing[tool] = dict(files=len(members), peer_median=peer_median, peer_cpu_median=peer_cpu,
                            blastgate_median=ours_median, blastgate_cpu_median=ours_cpu,
                            peer_over_blastgate=ratio(peer_median, ours_median),
                            peer_over_blastgate_cpu=ratio(peer_cpu, ours_cpu))
    unclaimed = Counter()
    for r in results:
        for rule, n in r["unclaimed"].items():
            unclaimed[f"{r['tool']}:{rule}"] += n
    return dict(
        cases=len(results), repos=len({r["row"]["repo"] for r in results}),
        peer_errors=[dict(case=r["row"]["id"], error=r["peer_error"]) for r in results
                     if r["peer_error"]],
        blastgate_errors=[dict(case=r["row"]["id"], error=r["ours"]["error"]) for r in results
                          if r["ours"]["error"]],
        classes=shared, test_cases=len(test_rows), hard_block_false_alarms=false_blocks,
        test_data_reviews=test_reviews,
        timing=timing, unclaimed=dict(unclaimed.most_common()),
    )


def render(summary, verbose):
    out = [f"parity: {summary['cases']} cases from {summary['repos']} repositories"]
    if summary.get("unknown_blastgate_ids"):
        out.append("  classes.tsv names ids src/signal.rs does not define: "
                   + ", ".join(summary["unknown_blastgate_ids"]))
    for kind in ("peer_errors", "blastgate_errors"):
        for e in summary[kind]:
            out.append(f"  {kind.replace('_', ' ')[:-1]}: {e['case']}: {e['error']}")
    out.append("")
    out.append(f"{'class':22} {'peer':16} {'cases':>5} {'agree':>5} {'bg-only':>7} "
               f"{'peer-only':>9} {'miss':>6} {'adj.':>6}  target (miss on adjudicated)")
    for name, c in summary["classes"].items():
        if not c["cases"]:
            continue
        miss = c["adjudicated_miss_rate"]
        target = "-" if miss is None else ("ok" if miss <= MAX_MISS else "MISSED")
        out.append(f"{name:22} {','.join(c['tools']):16} {c['cases']:>5} {c['agree']:>5} "
                   f"{c['blastgate_only']:>7} {c['peer_only']:>9} {pct(c['miss_rate']):>6} "
                   f"{pct(miss):>6}  {target}")
    false_blocks = summary["hard_block_false_alarms"]
    out.append("")
    out.append(f"hard-block false alarms on test data: {len(false_blocks)} of "
               f"{summary['test_cases']} test-data cases (target 0)")
    for f in false_blocks:
        out.append(f"  {f['case']} {f['path']}: {', '.join(f['rules'])}")
    reviews = summary.get("test_data_reviews", [])
    out.append(f"test-data cases a review rule sends to a senior: {len(reviews)} of "
               f"{summary['test_cases']}")
    rules = Counter(rule for f in reviews for rule in f["rules"])
    for rule, n in rules.most_common():
        out.append(f"  {rule}: {n}")
    out.append("")
    out.append("time per file (median; wall, then CPU time, which a busy machine does not inflate)")
    out.append(f"{'peer':15} {'files':>5} {'peer':>8} {'bg':>8} {'ratio':>7} {'peer cpu':>9} "
               f"{'bg cpu':>8} {'ratio':>7}  target (on CPU time)")
    for tool, t in summary["timing"].items():
        r = t["peer_over_blastgate_cpu"]
        if tool == "checkov":
            target = f">= {MIN_CHECKOV_RATIO:.0f}x: " + ("ok" if r and r >= MIN_CHECKOV_RATIO else "MISSED")
        elif tool in ("zizmor", "hadolint"):
            ok = r and r >= 1 / MAX_NATIVE_RATIO
            target = f"bg within {MAX_NATIVE_RATIO:.0f}x: " + ("ok" if ok else "MISSED")
        else:
            target = ""
        out.append(f"{tool:15} {t['files']:>5} {t['peer_median']:>7.3f}s "
                   f"{t['blastgate_median']:>7.3f}s {t['peer_over_blastgate'] or 0:>6.1f}x "
                   f"{t['peer_cpu_median']:>8.3f}s {t['blastgate_cpu_median']:>7.3f}s "
                   f"{r or 0:>6.1f}x  {target}")
    if summary["unclaimed"]:
        out.append("")
        out.append("new peer findings in no shared class (blastgate does not claim them):")
        out.append("  " + ", ".join(f"{k} {v}" for k, v in summary["unclaimed"].items()))
    if verbose:
        for name, c in summary["classes"].items():
            for m in c["misses"]:
                note = f" [peer false alarm: {m['adjudicated']}]" if m["adjudicated"] else ""
                out.append(f"MISS {name} {m['case']} {m['path']}: "
                           f"{' | '.join(m['peer'])[:400]}{note}")
            for m in c["blastgate_only_cases"]:
                out.append(f"ONLY {name} {m['case']} {m['path']}: "
                           f"{' | '.join(m['blastgate'])[:400]}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blastgate", required=True, help="the blastgate binary to measure")
    peer_source = ap.add_mutually_exclusive_group(required=True)
    peer_source.add_argument("--cached-peers", action="store_true",
                             help="read the peers' findings from fixtures/peers/")
    peer_source.add_argument("--venv", help="run the peers installed in this virtualenv")
    ap.add_argument("--only", help="cases whose id contains this text")
    ap.add_argument("--json", help="write the summary as JSON here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    args = ap.parse_args()
    args.blastgate = os.path.abspath(args.blastgate)
    if not os.access(args.blastgate, os.X_OK):
        print(f"{args.blastgate}: not an executable; build it (cargo build --release)",
              file=sys.stderr)
        return 2
    table = read_classes()
    rows = [r for r in peers.read_corpus() if not args.only or args.only in r["id"]]
    if args.cached_peers:
        missing = [r["id"] for r in rows if not os.path.exists(
            os.path.join(HERE, "fixtures", "peers", r["id"] + ".json"))]
        if missing:
            print(f"fixtures/peers/{missing[0]}.json (and {len(missing) - 1} more) missing: "
                  "run peers.py --venv V --skip-existing, or pass --only", file=sys.stderr)
            return 2
    summary = summarise(evaluate(rows, args, table), table)
    summary["unknown_blastgate_ids"] = unknown_ids(table)
    print(render(summary, args.verbose))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return 1 if summary["blastgate_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

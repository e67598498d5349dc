#!/bin/sh
# Real Terraform plans for the plan reader (issue 13). For each case under
# fixtures/infra/terraform/plans/<case>/: applies before/ in a scratch directory (local state),
# replaces the configuration with after/ (state and .terraform kept), plans, and writes
# <case>/plan.json: the whole `terraform show -json` of that plan, keys sorted, the run's
# timestamp removed so a re-run only changes what Terraform changed. Only the built-in
# `terraform_data` resource and `removed` blocks are used, so no provider is downloaded.
#
# CI does not run this (it must not depend on terraform): the committed plan.json files are
# the fixtures; `cargo test` reads them. Hand-written plans for provider types sit next to
# them as <name>.json (fixtures/infra/terraform/plans/aws-*.json).
# Usage: scripts/terraform-plans.sh [case...]   (default: every case directory)
set -eu
command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is not on PATH" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)/fixtures/infra/terraform/plans
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null
cases=${*:-$(cd "$here" && ls -d */ | tr -d /)}
for case in $cases; do
  dir="$here/$case"
  [ -d "$dir/before" ] || { echo "$case: no before/ directory" >&2; exit 2; }
  work=$(mktemp -d)
  cp -R "$dir/before/." "$work/"
  (cd "$work" &&
    terraform init -input=false -no-color >/dev/null &&
    terraform apply -auto-approve -input=false -no-color >/dev/null)
  find "$work" \( -name '*.tf' -o -name '*.tofu' \) -type f -delete
  cp -R "$dir/after/." "$work/"
  (cd "$work" &&
    terraform init -input=false -no-color >/dev/null &&
    terraform plan -input=false -no-color -out=plan.bin >/dev/null &&
    terraform show -json plan.bin >plan.json)
  python3 - "$work/plan.json" "$dir/plan.json" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    plan = json.load(f)
plan.pop("timestamp", None)
with open(sys.argv[2], "w") as f:
    json.dump(plan, f, indent=1, sort_keys=True)
    f.write("\n")
PY
  rm -rf "$work"
  echo "$case: plan.json written"
done

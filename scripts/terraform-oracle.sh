#!/bin/sh
# Terraform as the oracle for hidden destroys (issue 11). For each case under
# fixtures/infra/terraform/oracle/<case>/: copies before/ into a scratch directory, runs
# `terraform init` + `terraform apply` in every root module listed in `roots` (local state),
# replaces the files with after/ (state and .terraform kept), runs `terraform init` again (a
# module source may have changed) and `terraform plan -json -out`, then writes
# <case>/plan.json: per root, each resource instance and the actions on it. Only the built-in
# `terraform_data` resource is used, so no provider is downloaded.
#
# CI does not run this (it must not depend on terraform): the committed plan.json files are the
# oracle, and `cargo test --lib terraform::oracle` compares blastgate's findings with them.
# Usage: scripts/terraform-oracle.sh [case...]   (default: every case)
set -eu
command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is not on PATH" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)/fixtures/infra/terraform/oracle
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null
cases=${*:-$(ls "$here")}
for case in $cases; do
  dir="$here/$case"
  [ -d "$dir/before" ] || { echo "$case: no before/ directory" >&2; exit 2; }
  work=$(mktemp -d)
  cp -R "$dir/before/." "$work/"
  roots=$(cat "$dir/roots")
  for root in $roots; do
    (cd "$work/$root" &&
      terraform init -input=false -no-color >/dev/null &&
      terraform apply -auto-approve -input=false -no-color >/dev/null)
  done
  # The after tree replaces every configuration file; state and plugin dirs stay.
  find "$work" \( -name '*.tf' -o -name '*.tf.*' -o -name '*.tofu' \) -type f -delete
  cp -R "$dir/after/." "$work/"
  for root in $roots; do
    (cd "$work/$root" &&
      terraform init -input=false -no-color >/dev/null &&
      terraform plan -input=false -no-color -out=plan.bin >/dev/null &&
      terraform show -json plan.bin >"$work/plan-$(echo "$root" | tr / _).json")
  done
  python3 - "$work" "$dir" $roots <<'PY'
import json, sys
work, dir, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
out = {"roots": {}}
for root in roots:
    with open(f"{work}/plan-{root.replace('/', '_')}.json") as f:
        plan = json.load(f)
    out["terraform_version"] = plan["terraform_version"]
    # Only what the oracle is for: each resource instance and the actions on it.
    out["roots"][root] = [
        {"address": c["address"], "actions": c["change"]["actions"]}
        for c in plan.get("resource_changes", [])
    ]
with open(f"{dir}/plan.json", "w") as f:
    json.dump(out, f, indent=2, sort_keys=True)
    f.write("\n")
PY
  rm -rf "$work"
  echo "$case: plan.json written"
done

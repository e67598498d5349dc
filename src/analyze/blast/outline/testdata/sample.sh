#!/usr/bin/env bash
# Sample script.
source ./lib.sh

readonly LIMIT=100

helper() {
  echo "$1"
}

function main {
  # helper is mentioned in this comment
  local label="helper in a string"
  helper "$label"
}

main "$@"

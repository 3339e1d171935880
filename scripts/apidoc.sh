#!/usr/bin/env bash
# apidoc.sh [--check]: write the public API of every importable package
# (`go doc -all`) to docs/api/<package path with / as _>.txt, so that a change
# to the API shows in review as a diff of these files (kin-openapi keeps the
# same kind of snapshot). With --check, write nothing: fail with the diff when
# the committed snapshots are out of step with the code.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-write}
out=docs/api
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
module=$(go list -m)
# Importable packages only: not cmd/, not internal/, not the test suite, not the example programs.
for pkg in $(go list ./... | grep -vE "^$module/(cmd|contracttests|examples)(/|$)|/internal(/|$)"); do
  rel=${pkg#"$module"/}
  go doc -all "$pkg" >"$tmp/${rel//\//_}.txt"
done
case "$mode" in
  write)
    rm -rf "$out" && mkdir -p "$out" && cp "$tmp"/*.txt "$out"/
    echo "apidoc: wrote $(ls "$out" | wc -l) snapshot(s) to $out"
    ;;
  --check)
    if ! diff -ru "$out" "$tmp" | sed -e "s#$tmp#regenerated#g" -e "s#^--- $out#--- committed#"; then :; fi
    if ! diff -rq "$out" "$tmp" >/dev/null; then
      echo "apidoc: the public API changed; review the diff above and run 'make apidoc' to commit the new snapshots." >&2
      exit 1
    fi
    echo "apidoc: docs/api matches the code"
    ;;
  *)
    echo "usage: apidoc.sh [--check]" >&2
    exit 2
    ;;
esac

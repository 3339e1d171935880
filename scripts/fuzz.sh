#!/usr/bin/env bash
# fuzz.sh [FUZZTIME]: run every fuzz target in the module for FUZZTIME each
# (default 30s), one after another. A crash fails the run; go test writes the
# input to the package's testdata/fuzz/<Target>/ so that it becomes a
# regression test on the next `make test`. Minimization is capped at 100
# runs per input: with large seeds (whole HAR files) the default 60s budget
# stalls the fuzzer for most of a short run.
set -euo pipefail
fuzztime=${1:-30s}
cd "$(dirname "$0")/.."
targets=$(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  while read -r file; do
    pkg=$(dirname "$file")
    grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed "s#^func #$pkg #"
  done | sort -u)
if [ -z "$targets" ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi
status=0
while read -r pkg target; do
  echo "== $target ($pkg) for $fuzztime"
  if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x "$pkg"; then
    echo "fuzz: $target in $pkg FAILED; the crashing input is in $pkg/testdata/fuzz/$target/" >&2
    status=1
  fi
done <<<"$targets"
exit $status

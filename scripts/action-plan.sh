#!/usr/bin/env bash
# action-plan.sh: the first step of the GitHub Action (action.yml). Before
# anything is installed it decides which ssocontract the job needs and
# where it is cached, and writes to GITHUB_OUTPUT:
#
#   dir      where the binary lives: the cache's path ($RUNNER_TEMP/ssocontract)
#   key      the cache key: runner OS and architecture, the version (a
#            vX.Y.Z tag or commit sha; for any other ref, a hash of the
#            action's Go sources) and the Go version the module asks for
#   go       that Go version, from the action's go.mod (its toolchain line,
#            else its go line), as actions/setup-go's go-version-file reads it
#   have-go  "true" when the job's PATH has a go command (Go 1.21 or newer)
#            that can build with that Go: scripts/action.sh sets
#            GOTOOLCHAIN=<go>+auto, and the go command fetches that Go for the
#            build alone when the job's is another, without changing the PATH
#
# Inputs: INPUT_VERSION, ACTION_REF (as scripts/action.sh), INPUT_SETUP_GO
# (auto, true or false). Exit status 2 for a bad input.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (the runner sets it; locally, set it to the repository root)}
ref=${INPUT_VERSION:-${ACTION_REF:-}}

case "${INPUT_SETUP_GO:-auto}" in
  auto | true | false | "") ;;
  *) echo "::error title=ssocontract::the 'setup-go' input must be auto, true or false, not '${INPUT_SETUP_GO}'"; exit 2 ;;
esac

go_version=$(awk '$1 == "toolchain" { t = $2 } $1 == "go" { g = "go" $2 } END { print (t != "" ? t : g) }' "$action_path/go.mod")
if [ -z "$go_version" ]; then
  echo "::error title=ssocontract::no go line in $action_path/go.mod"
  exit 2
fi
if [[ "$go_version" =~ ^go1\.[0-9]+$ ]]; then
  go_version=$go_version.0 # "go 1.26" is the language; its first toolchain is go1.26.0
fi

sha256() { if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; }

if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ || "$ref" =~ ^[0-9a-f]{40}$ ]]; then
  source=$ref # go install ...@ref: the same binary whenever the ref is the same
else
  # A branch or `uses: ./` builds from the checkout: key on what is built.
  sources=()
  for f in go.mod go.sum api cmd gen internal pkg; do
    if [ -e "$action_path/$f" ]; then sources+=("$f"); fi
  done
  source=src-$(cd "$action_path" &&
    find "${sources[@]}" -type f ! -name '*_test.go' ! -path '*/testdata/*' |
    LC_ALL=C sort | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256 | cut -c1-16)
fi

have_go=false
if command -v go >/dev/null; then
  # GOTOOLCHAIN=local: the job's own go, not one the workspace's go.mod asks for.
  local_go=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
  if [[ "$local_go" =~ ^go1\.([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 21 ]; then
    have_go=true
  fi
fi

dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ssocontract
key="ssocontract-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-${source}-${go_version}"
echo "ssocontract: cache key $key; the job's go: ${local_go:-none}"
outputs="dir=$dir
key=$key
go=$go_version
have-go=$have_go"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "$outputs" >>"$GITHUB_OUTPUT"
else
  echo "$outputs"
fi

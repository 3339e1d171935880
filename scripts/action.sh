#!/usr/bin/env bash
# action.sh: the logic of the GitHub Action (action.yml at the repository
# root). The action passes its inputs as INPUT_* variables; the runner sets
# GITHUB_ACTION_PATH (this repository, checked out at the action's ref),
# GITHUB_STEP_SUMMARY, GITHUB_PATH, GITHUB_OUTPUT and RUNNER_TEMP. Run it locally the same
# way (internal/repotest does):
#
#   GITHUB_ACTION_PATH=$PWD INPUT_PATHS=capture.har bash scripts/action.sh
#
# Inputs:
#   INPUT_PATHS         captures to validate (HAR files, go-vcr cassettes or
#                       directories), separated by spaces or newlines; no glob
#                       expansion (directories are searched recursively).
#   INPUT_STRICT        "true" adds --strict.
#   INPUT_ARGS          more validate flags, split on whitespace.
#   INPUT_COVERAGE_MIN  a percentage: also run `coverage --min` over the paths.
#   INPUT_VERSION       the ref to `go install` (default: the action's ref,
#                       ACTION_REF, when it is a vX.Y.Z tag or a commit sha).
#   SSOCONTRACT_GO      the Go to build with (go1.26.0, from the module's
#                       go.mod, see scripts/action-plan.sh): GOTOOLCHAIN is
#                       set to it (+auto) for the build; default GOTOOLCHAIN=auto.
#   SSOCONTRACT_DIR     where the binary lives (the action's cache path, see
#                       scripts/action-plan.sh); default a fresh temp dir.
#                       When it already holds ssocontract (restored from the
#                       cache), nothing is installed; otherwise the binary is
#                       installed there and "built=true" written to
#                       GITHUB_OUTPUT, so the action saves it to the cache.
#
# Installing: a vX.Y.Z tag or a 40-hex sha is installed with
# `go install github.com/stytchsso/stytchsso/cmd/ssocontract@REF`, so the
# binary reports that version; any other ref (a branch, `uses: ./`), or a
# failed install, builds from GITHUB_ACTION_PATH, the very files the runner
# fetched for this ref. Either way with the go command on the PATH and
# GOTOOLCHAIN set to SSOCONTRACT_GO: when the job's Go is another, the go
# command fetches that Go for this build only. The PATH and environment of
# later steps are left alone; only ssocontract's own directory is added to
# GITHUB_PATH.
#
# Exit status: validate's when it is not 0, else coverage's; 2 for bad inputs.
set -euo pipefail
set -f # no glob expansion of paths and args

module=github.com/stytchsso/stytchsso
action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (the runner sets it; locally, set it to the repository root)}
ref=${INPUT_VERSION:-${ACTION_REF:-}}

read -r -d '' -a paths <<<"${INPUT_PATHS:-}" || true
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true
if [ "${#paths[@]}" -eq 0 ]; then
  echo "::error title=ssocontract::the 'paths' input is empty: give the captures (HAR files, go-vcr cassettes or directories) to validate"
  exit 2
fi
case "${INPUT_STRICT:-false}" in
  true) extra=(--strict "${extra[@]}") ;;
  false | "") ;;
  *) echo "::error title=ssocontract::the 'strict' input must be true or false, not '${INPUT_STRICT}'"; exit 2 ;;
esac
min=${INPUT_COVERAGE_MIN:-}
if [ -n "$min" ] && ! [[ "$min" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "::error title=ssocontract::the 'coverage-min' input must be a percentage (0-100), not '${min}'"
  exit 2
fi

bindir=${SSOCONTRACT_DIR:-}
if [ -z "$bindir" ]; then
  bindir=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ssocontract.XXXXXX")
fi
mkdir -p "$bindir"
bin=$bindir/ssocontract
toolchain=auto
if [ -n "${SSOCONTRACT_GO:-}" ]; then
  toolchain=$SSOCONTRACT_GO+auto
fi

build_from_checkout() {
  echo "ssocontract: building from the action's checkout ($action_path)"
  (cd "$action_path" && GOWORK=off GOTOOLCHAIN=$toolchain go build -o "$bin" ./cmd/ssocontract) # not the caller's go.work
}

echo "::group::Install ssocontract"
if [ -x "$bin" ]; then
  echo "ssocontract: using $bin, restored from the cache"
else
  if ! command -v go >/dev/null; then
    echo "::error title=ssocontract::no go command on the PATH to build ssocontract: set the action's setup-go input to auto or true, or run actions/setup-go before it"
    exit 2
  fi
  if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ || "$ref" =~ ^[0-9a-f]{40}$ ]]; then
    echo "ssocontract: go install $module/cmd/ssocontract@$ref"
    if ! GOBIN=$bindir GOTOOLCHAIN=$toolchain go install "$module/cmd/ssocontract@$ref"; then
      echo "::warning title=ssocontract::go install @$ref failed; building from the action's checkout instead"
      build_from_checkout
    fi
  else
    build_from_checkout
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "built=true" >>"$GITHUB_OUTPUT" # the action saves it to the cache
  fi
fi
"$bin" version || true
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$bindir" >>"$GITHUB_PATH" # later steps can run ssocontract too
fi
echo "::endgroup::"

status=0
echo "ssocontract validate --format github ${extra[*]} ${paths[*]}"
"$bin" validate --format github "${extra[@]}" -- "${paths[@]}" || status=$?

if [ -n "$min" ]; then
  cov=0
  echo "ssocontract coverage --min $min ${paths[*]}"
  "$bin" coverage --min "$min" --format markdown -- "${paths[@]}" || cov=$?
  if [ "$cov" -eq 1 ]; then
    echo "::error title=ssocontract coverage::coverage of the captures is below coverage-min ${min}% (the table is in the log above)"
  fi
  if [ "$status" -eq 0 ]; then
    status=$cov
  fi
fi
exit "$status"

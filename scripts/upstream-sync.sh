#!/usr/bin/env bash
# upstream-sync.sh UPSTREAM_FILE: the nightly drift watch (the upstream job of
# .github/workflows/contract.yml). Given Stytch's published openapi.yml, it
# asks `ssocontract sync --upstream` what moved, and:
#   - when there are additions: runs `make sync-upstream` (sync --write, make
#     generate, make contract), writes the pull request's body (the additions,
#     what the accepted list gains, the decisions still needed) and sets the
#     step outputs changed=true, body=FILE and contract=passed|failed;
#   - when only decisions are needed: fails, naming each one (::error), as
#     the drift watch always did;
#   - when nothing moved: changed=false.
# It runs in the repository root, a git work tree; the workflow's next step
# (peter-evans/create-pull-request) commits what changed. Run it locally the
# way internal/repotest does, with the variables a runner sets:
#
#   RUNNER_TEMP=$(mktemp -d) GITHUB_OUTPUT=/dev/stdout bash scripts/upstream-sync.sh openapi.yml
#
# SSOCONTRACT names the command (default: go run ./cmd/ssocontract) and is
# passed on to make; MAKE names make. Needs jq (on every GitHub runner).
#
# Exit status: 0 nothing moved, or a change is ready for a pull request
# (even when make contract failed: contract=failed says so, and the job's
# last step fails); 1 only decisions; 2 bad input.
set -euo pipefail

upstream=${1:?usage: upstream-sync.sh UPSTREAM_FILE}
tmp=${RUNNER_TEMP:?RUNNER_TEMP is not set (the runner sets it)}
output=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set (the runner sets it)}
ssocontract=${SSOCONTRACT:-go run ./cmd/ssocontract}
make=${MAKE:-make}

report=$tmp/upstream-sync.json
code=0
# shellcheck disable=SC2086 # SSOCONTRACT may be a command with arguments
$ssocontract sync --upstream "$upstream" --format json >"$report" || code=$?
if [ "$code" -gt 1 ]; then
  echo "::error title=upstream sync::ssocontract sync --upstream failed (exit $code); see above"
  exit 2
fi
additions=$(jq '.additions | length' "$report")
decisions=$(jq '.decisions | length' "$report")

# One line per decision: METHOD path where pointer aspect: ours=... upstream=... (why)
decision_lines() {
  jq -r '.decisions[] | "\(.operation) \(.where)\(if .pointer then " " + .pointer else "" end) \(.aspect): ours=\(.ours) upstream=\(.upstream) (\(.why))"' "$report"
}

if [ "$additions" -eq 0 ]; then
  echo "changed=false" >>"$output"
  if [ "$decisions" -gt 0 ]; then
    decision_lines | while IFS= read -r line; do
      echo "::error title=Stytch's spec moved (needs a decision)::$line"
    done
    echo "upstream-sync: $decisions difference(s) from Stytch's spec need a decision: adopt them in api/openapi.yaml by hand, or add them to api/upstream-accepted.json (ssocontract diff --upstream --format json prints them)" >&2
    exit 1
  fi
  echo "upstream-sync: in step with Stytch's published spec"
  exit 0
fi

contract=passed
if ! $make sync-upstream UPSTREAM="$upstream" SSOCONTRACT="$ssocontract"; then
  contract=failed
  echo "::error title=upstream sync::make sync-upstream failed on the synced spec; the pull request says so"
fi

body=$tmp/upstream-sync.md
{
  echo "Stytch's published spec (stytchauth/stytch-openapi) moved. \`make sync-upstream\` (\`ssocontract sync --upstream --write\`, \`make generate\`, \`make contract\`) wrote these additions into \`api/openapi.yaml\` and regenerated \`gen/\`:"
  echo
  jq -r '.additions[] | "- `\(.operation)` \(.where)\(if .pointer then " `" + .pointer + "`" else "" end): \(.what)"' "$report"
  if [ "$(jq '.accept // [] | length' "$report")" -gt 0 ]; then
    echo
    echo "Kept on purpose by our conventions (an error status gets our ErrorResponse body), now in \`api/upstream-accepted.json\`:"
    echo
    jq -r '.accept[] | "- `\(.operation)` \(.where): \(.aspect) ours=\(.ours) upstream=\(.upstream)"' "$report"
  fi
  if [ "$decisions" -gt 0 ]; then
    echo
    echo "Needs a decision (not applied; adopt by hand or add to \`api/upstream-accepted.json\`):"
    echo
    decision_lines | sed 's/^/- /'
  fi
  echo
  if [ "$contract" = passed ]; then
    echo "\`make contract\` passed on the synced spec. Review the new fields: the examples may want them."
  else
    echo "**\`make sync-upstream\` failed** on the synced spec (see the job log): this pull request needs work before it can merge. Usually that is what an addition implies: the suite's coverage floor wants a recording that exercises each new status and field (\`make record\`), and \`api/api_test.go\` pins the fields Stytch documents."
  fi
} >"$body"

if [ -n "$(git status --porcelain)" ]; then
  echo "changed=true" >>"$output"
else
  echo "changed=false" >>"$output"
fi
{
  echo "body=$body"
  echo "contract=$contract"
} >>"$output"
cat "$body"

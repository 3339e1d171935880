#!/usr/bin/env bash
# Breaking changes in api/openapi.yaml since a git ref, with oasdiff's checker
# (go run ./cmd/ssocontract diff). Called by `make breaking`.
#
#   scripts/breaking.sh [REF]
#
# REF defaults to the last tag (git describe --tags --abbrev=0), else HEAD^
# (the first parent). Exit status: 0 no breaking change (or nothing to
# compare with: no tag and no parent, or no spec at REF; a message says so),
# 1 breaking changes found, 2 a REF that does not exist or another error.
set -euo pipefail

cd "$(git rev-parse --show-toplevel)"
spec=api/openapi.yaml
ref="${1:-}"

if [[ -z "$ref" ]]; then
  if ref=$(git describe --tags --abbrev=0 2>/dev/null); then
    :
  elif git rev-parse --verify --quiet 'HEAD^{commit}' >/dev/null && git rev-parse --verify --quiet 'HEAD^' >/dev/null; then
    ref='HEAD^'
  else
    echo "breaking: no tag and no parent commit to compare $spec with; nothing to check." >&2
    exit 0
  fi
fi

if ! git rev-parse --verify --quiet "${ref}^{commit}" >/dev/null; then
  echo "breaking: unknown git ref '$ref'." >&2
  exit 2
fi
if ! git cat-file -e "${ref}:${spec}" 2>/dev/null; then
  echo "breaking: $spec does not exist at $ref; nothing to compare with." >&2
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
old="$tmp/openapi@$(echo "$ref" | tr '/^~' '___').yaml"
git show "${ref}:${spec}" >"$old"

echo "breaking: comparing $spec with its version at $ref" >&2
exec go run ./cmd/ssocontract diff "$old" "$spec"

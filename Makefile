# Everything a contributor or CI runs. `make` alone lists the targets.
GO                 ?= go
STATICCHECK        := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT         := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
GOTESTSUM          := gotest.tools/gotestsum@v1.13.0
JUNIT              ?= contract-live.xml
FUZZTIME           ?= 30s
BENCHTIME          ?= 1s
BENCHCOUNT         ?= 1
# The test binaries' deadline (go test -timeout). Every hang guard in the
# tests derives from it (internal/testutil/hang.go): raise it on a slow
# machine and every guard grows with it.
TEST_TIMEOUT       ?= 15m
RECORD_DIR         ?= $(CURDIR)/contracttests/testdata
BREAKING_REF       ?=
SSOCONTRACT        ?= $(GO) run ./cmd/ssocontract

SHELL         := bash
.SHELLFLAGS   := -eo pipefail -c
.DEFAULT_GOAL := help
.PHONY: help modules generate apidoc check-apidoc check-generate lint test contract contract-live record record-local bench fuzz breaking upstream-diff sync-upstream ci

help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

generate: ## Regenerate gen/ from api/openapi.yaml (oapi-codegen, pinned in tools.go).
	$(GO) generate ./gen/...
	$(GO) mod tidy

apidoc: ## Write the public API snapshots (go doc -all) to docs/api.
	@bash scripts/apidoc.sh

check-apidoc: ## Fail with a diff when docs/api is out of step with the public API.
	@bash scripts/apidoc.sh --check

modules: ## Download the module dependencies, saying so (make contract and check-generate start with it).
	@echo "modules: downloading Go modules (first run: 10-20 s on a good network; cached: instant)..."
	@start=$$SECONDS; $(GO) mod download; echo "modules: ready ($$((SECONDS - start)) s)"

check-generate: modules ## Fail with a diff when gen/, go.mod or go.sum are out of step with the spec.
	@GO="$(GO)" bash scripts/check-generate.sh

lint: ## gofmt, go vet, staticcheck (pinned) and actionlint (pinned).
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@if [ -d .github/workflows ]; then $(GO) run $(ACTIONLINT) -color=false; fi

test: ## Every test, with the race detector; a line per package as it finishes (gotestsum, pinned). TEST_TIMEOUT=15m.
	@echo "test: every package with -race, a line each as it finishes (11 min on 2 cores under a load of 20; the first run also builds gotestsum)..."
	$(GO) run $(GOTESTSUM) --format pkgname --format-hide-empty-pkg --raw-command -- \
	  $(GO) test -json -race -count=1 -timeout $(TEST_TIMEOUT) ./...

contract: check-generate ## The contract check: spec, generated code, recordings, client replay, local provider.
	@echo "contract: compiling the suite's dependencies (first run: about half a minute; cached: instant)..."
	@start=$$SECONDS; $(GO) build ./api/... ./pkg/... ./contracttests/...; echo "contract: compiled ($$((SECONDS - start)) s)"
	@echo "contract: running the contract suite (spec, recordings, client replay, local provider)..."
	CONTRACT_FLOOR_FILE=$(CURDIR)/contract-floor.txt $(GO) test -count=1 ./api/... ./contracttests/... -v 2>&1 | tee contract.out | grep -vE '^(=== (RUN|PAUSE|CONT)|    --- PASS|--- PASS)'
	@echo; cat contract-floor.txt

contract-live: ## The contract suite against Stytch (needs STYTCH_* credentials, see README; fails without them); JUnit in JUNIT.
	@missing=""; \
	for v in STYTCH_PROJECT_ID STYTCH_SECRET STYTCH_ORGANIZATION_ID STYTCH_SAML_CONNECTION_ID STYTCH_EXTERNAL_CONNECTION_ID; do \
		[ -n "$${!v:-}" ] || missing="$$missing $$v"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "contract-live: missing credentials:$$missing (unset or empty); the live suite would only skip, so this fails" >&2; \
		exit 1; \
	fi
	$(GO) run $(GOTESTSUM) --format testname --junitfile "$(JUNIT)" -- -count=1 -run 'Live' ./contracttests/...

record: ## Record fresh, redacted cassettes into RECORD_DIR from Stytch (needs STYTCH_* credentials).
	$(GO) test -count=1 -v -run '^TestRecord$$' ./contracttests/ -args -record -record-from=stytch -record-dir="$(RECORD_DIR)"

record-local: ## Record fresh, redacted cassettes into RECORD_DIR from an in-process local provider.
	$(GO) test -count=1 -v -run '^TestRecord$$' ./contracttests/ -args -record -record-from=local -record-dir="$(RECORD_DIR)"

bench: ## Benchmarks with their same-run baselines (benchstat-readable).
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./... | tee bench.out

fuzz: ## Run every fuzz target for FUZZTIME each.
	@bash scripts/fuzz.sh "$(FUZZTIME)"

breaking: ## Breaking changes in api/openapi.yaml since BREAKING_REF (default: last tag, else HEAD^).
	@bash scripts/breaking.sh "$(BREAKING_REF)"

upstream-diff: ## Differences from Stytch's published spec (UPSTREAM=file) beyond api/upstream-accepted.json.
	@if [ -z "$(UPSTREAM)" ]; then echo "set UPSTREAM to a copy of Stytch's openapi.yml (stytchauth/stytch-openapi)"; exit 2; fi
	$(GO) run ./cmd/ssocontract diff --upstream "$(UPSTREAM)" --accept api/upstream-accepted.json

sync-upstream: ## Write Stytch's additions (UPSTREAM=file) into api/openapi.yaml, then make generate and make contract.
	@if [ -z "$(UPSTREAM)" ]; then echo "set UPSTREAM to a copy of Stytch's openapi.yml (stytchauth/stytch-openapi)"; exit 2; fi
	$(SSOCONTRACT) sync --upstream "$(UPSTREAM)" --write || [ $$? -eq 1 ]
	$(MAKE) generate
	$(MAKE) contract

ci: lint check-generate check-apidoc contract test ## What .ci/run runs (lint, check-generate, check-apidoc, contract, test).

// Package repotest tests the repository's own tooling rather than Go code:
// the GitHub Action (action.yml and scripts/action.sh, run locally with the
// variables a runner sets), the progress lines of `make contract`, and the
// CI workflow's coverage of the suite's variables. It has no exported API.
package repotest

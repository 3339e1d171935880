// Package contracttests is the contract suite: it checks that the spec in
// api/, the generated client in gen/ and the real API (recorded or live)
// agree. It has no exported API; run it with `make contract`.
package contracttests

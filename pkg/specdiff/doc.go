// Package specdiff compares versions of the OpenAPI spec.
//
// [Compare] lists breaking and other changes between two versions of a spec
// with oasdiff's checker, for gating releases. [CompareUpstream] compares
// our operations, path by path, with Stytch's published spec, whose
// operationIds and schema names differ from ours, and lists every structural
// difference (fields, types, formats, required lists, enums, statuses,
// content types), so a team sees when Stytch's spec moves:
//
//	rep, err := specdiff.Compare(oldYAML, newYAML, "old.yaml", "new.yaml")
//	if err != nil { ... }
//	rep.WriteText(os.Stdout)
//	if rep.HasBreaking() { os.Exit(1) }
//
// It is a package of its own so that importers of pkg/contract (the
// validating transport runs in production) do not link oasdiff.
package specdiff

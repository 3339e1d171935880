// Package specdiff compares versions of the OpenAPI spec and writes the
// differences that are additions back into ours.
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
// [SyncUpstream] goes one step further (`ssocontract sync --upstream`): it
// writes the additions upstream (a property, an enum value, a status, an
// optional header) into our spec file with our names and $refs, by
// inserting lines at the places the YAML node tree names, so every other
// byte of the file stays; everything else is a [Decision] for a person.
// A [Learner] does the same from recorded traffic (`sync --from-traffic`),
// inferring each new field's schema from the values seen without copying
// any of them:
//
//	p, err := specdiff.SyncUpstream(specYAML, upstreamDoc, accepted)
//	if err != nil { ... }
//	os.WriteFile("api/openapi.yaml", p.Spec, 0o644) // then make generate
//	for _, d := range p.Decisions { fmt.Println(d.Operation, d.Where, d.Pointer, d.Why) }
//
// It is a package of its own so that importers of pkg/contract (the
// validating transport runs in production) do not link oasdiff.
package specdiff

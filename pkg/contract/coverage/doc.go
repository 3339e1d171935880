// Package coverage tells which operations, statuses and body fields of a
// spec a set of recorded pairs exercises, against all that the spec declares.
//
//	t := coverage.New(v) // v is a *contract.Validator
//	for i := range pairs {
//		t.Add(&pairs[i], v.Route(&pairs[i])) // or the Route of v.Check
//	}
//	err := t.Report().WriteText(os.Stdout)
package coverage

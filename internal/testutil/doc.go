// Package testutil holds the helpers this module's tests share: a
// goroutine-safe buffer for log sinks, a function that is an
// http.RoundTripper, throwaway keys and certificates, fake identifiers, file
// system fault injection and the interleaved-median timing of the
// benchmarks.
//
// It is internal and meant for _test.go files only: it imports testify, and
// nothing in it is for production code.
package testutil

// Package capture reads recorded HTTP traffic into [contract.Pair] values for
// the validator: HAR 1.2 files (exported by browsers, mitmproxy, Charles,
// Proxyman) and go-vcr v4 cassettes, one file at a time or whole directory
// trees.
//
//	pairs, err := capture.LoadPath("testdata") // a file or a directory
//	if err != nil { ... }
//	for i := range pairs {
//		for _, violation := range v.Validate(ctx, &pairs[i]) { ... }
//	}
//
// Reading is bounded: [MaxFileSize] per file and [MaxBodySize] per body after
// decompression. Errors name the file and the entry, never a body or header
// value. The YAML parser and go-vcr are linked only by programs that import
// this package.
package capture

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
// [ForEach] hands over one pair at a time instead, so that a caller need not
// hold a whole corpus (a HAR file is then read about one entry at a time).
//
// Reading is bounded: [MaxFileBytes] per file, [MaxDecodedBodyBytes] per body after
// decompression, and [MaxDecodedBytesPerFile] for all of a file's bodies and
// headers together, so that a small file of gzip bombs cannot exhaust
// memory. Cassettes parse in linear time. Files that are not regular (named
// pipes, sockets, devices) are never read: refused by name
// ([ErrNotRegularFile]) or skipped, with the reason, by [WalkFilesSkipping]
// and [ForEach]. Errors name the file, the entry and its line, never a body
// or header value. The YAML parser and go-vcr are linked only by programs
// that import this package.
package capture

// Package capture reads recorded HTTP traffic into [contract.Pair] values for
// the validator: HAR 1.2 files (exported by browsers, mitmproxy, Charles,
// Proxyman) and go-vcr v4 cassettes, one file at a time, whole directory
// trees, or a stream such as standard input.
//
//	pairs, err := capture.LoadPath("testdata") // a file or a directory
//	if err != nil { ... }
//	for i := range pairs {
//		for _, violation := range v.Validate(ctx, &pairs[i]) { ... }
//	}
//
// [ForEach] hands over one pair at a time instead, so that a caller need not
// hold a whole corpus, and [ForEachReader] does the same for a stream.
//
// # One verdict, whichever reader reads the file
//
// Each format has one reference reader, built on the libraries, and it is
// what a file means: encoding/json for HAR files (har_json.go), and for
// cassettes the YAML library go-vcr uses decoding go-vcr's own types
// (cassette.go), so that a pair carries the status, headers and bodies
// go-vcr replays and a file go-vcr refuses is refused. Faster readers live
// in internal/fast behind one contract: they hand over only pairs they are
// sure of, each once its end is confirmed, and otherwise say where the
// reference reader must go on. Differential tests and fuzz targets hold
// them to the reference pair by pair (and the cassette readers to go-vcr's
// own loading).
//
// # Bounds
//
// Reading is bounded: [MaxFileBytes] per file, [MaxDecodedBodyBytes] per
// body after decompression, and [MaxDecodedBytesPerFile] for all of a
// file's bodies and headers together, so that a small file of gzip bombs
// cannot exhaust memory. Files that are not regular (named pipes, sockets,
// devices) are never read: refused by name ([ErrNotRegularFile]) or
// skipped, with the reason, by [WalkFilesSkipping] and [ForEach]. Errors
// start with "capture:" and name the file, the entry and its line, never a
// body or header value. The YAML parser and go-vcr are linked only by
// programs that import this package.
package capture

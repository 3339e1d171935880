package testutil

import "strings"

// JSONStringSeeds are the contents of JSON string literals (between the
// quotes) that reach every branch of a JSON string decoder: PEMs, every
// escape, surrogate pairs and lone halves, invalid UTF-8, and what
// encoding/json rejects. The fuzz targets that check string decoding
// against encoding/json start from them.
var JSONStringSeeds = []string{
	"", "plain", `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n`,
	`\"\\\/\b\f\n\r\t`, `\u0041\u00e9\u4e16`, `\ud83d\ude00`, `x\ud83d\ude00y`, `\ud83d`, `\ude00`, `\udc00\ud800`,
	`\ud800\u0041`, `\ud800\ud800\udc00`, `\ud800\uzzzz`, `\ud800\`, `\ud800\u12`, "h\xffi", "\xed\xa0\x80", "é世😀",
	`\u`, `\u12`, `\u12g4`, `\x41`, `\'`, `\`, `a"b`, "a\nb", "a\x00b", "\x7f", `12345678\n12345678"`,
	"abcdefg\x1f", "abcdefgh\\n", "abcdefgh\x80\\n", strings.Repeat(`MIIEowIBAAKCAQEA\n`, 20),
}

package fast

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Cassette reads a go-vcr cassette laid out as go-vcr writes it ("---",
// "version: 2", "interactions:", then the interactions as a block sequence
// and nothing after), one interaction at a time, and calls fn with each
// interaction it is sure of: its line and go-vcr's own type holding what
// go-vcr's loading would hold in the fields a pair needs (request method,
// URL, headers and body; response code, headers and body). done says it
// read the whole document; otherwise next is the index of the first
// interaction it did not hand over, and the reference reader must go on
// from there. err is only ever fn's.
func Cassette(r io.Reader, fn func(line int, in *cassette.Interaction) error) (next int, done bool, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	var buf []byte
	failed := false // a read failed other than at the end: not sure of the end
	// readLine reads one whole line (with its newline) into buf.
	readLine := func() bool {
		buf = buf[:0]
		for {
			b, err := br.ReadSlice('\n')
			buf = append(buf, b...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				failed = err != io.EOF
				return false // the end, a last line without a newline, or a read error
			}
			line++
			return true
		}
	}
	ok := readLine()
	if ok && string(buf) == "---\n" {
		ok = readLine()
	}
	if !ok || string(buf) != "version: "+strconv.Itoa(cassette.CassetteFormatVersion)+"\n" {
		return 0, false, nil
	}
	if !readLine() || string(buf) != "interactions:\n" || !readLine() {
		return 0, false, nil
	}
	// The first item fixes the dash's indentation.
	ind := 0
	for ind < len(buf) && buf[ind] == ' ' {
		ind++
	}
	dash := []byte(string(buf[:ind]) + "- ")
	deeper := bytes.Repeat([]byte{' '}, ind+1)
	if !bytes.HasPrefix(buf, dash) {
		return 0, false, nil
	}
	item := append([]byte(nil), buf...)
	itemLine := line
	arena := new(nodeArena)
	// handOver parses the lines of one item, whose end is confirmed, and
	// hands it over if it is sure of it.
	handOver := func() (sure bool, err error) {
		if !fastClean(item) {
			return false, nil
		}
		p := &fastParser{data: item, line: itemLine, pos: ind, arena: arena}
		var node *yaml.Node
		err = p.items(ind, func(n *yaml.Node) error {
			if node != nil {
				return errNotFast
			}
			node = n
			return nil
		})
		if err != nil || node == nil || p.pos != len(item) {
			return false, nil
		}
		in, sure := interaction(node)
		arena.reset() // in holds no node
		if !sure {
			return false, nil
		}
		if err := fn(itemLine, in); err != nil {
			return false, err
		}
		next++
		return true, nil
	}
	for readLine() {
		switch {
		case bytes.HasPrefix(buf, dash): // the next item: this one has ended
			if sure, err := handOver(); !sure || err != nil {
				return next, false, err
			}
			item = append(item[:0], buf...)
			itemLine = line
		case isComment(buf):
			return next, false, nil
		case string(buf) == "\n" || bytes.HasPrefix(buf, deeper):
			item = append(item, buf...)
		default:
			// Something after the sequence, or a line the layout does
			// not allow.
			return next, false, nil
		}
	}
	if len(buf) > 0 || failed {
		// A last line without a newline, or a read error: the reference
		// reader reads the input again, and meets the error if it stays.
		return next, false, nil
	}
	if sure, err := handOver(); !sure || err != nil { // the end of the document
		return next, false, err
	}
	return next, true, nil
}

// isComment reports whether a line is a YAML comment (blanks, then "#").
func isComment(line []byte) bool {
	t := bytes.TrimLeft(line, " ")
	return len(t) > 0 && t[0] == '#'
}

// interaction maps an interaction's node onto go-vcr's type, reporting
// false when it is not sure that go-vcr's own decoding (the YAML library's,
// into these types) would give the same or would not refuse the file:
// keys are plain strings given once, strings are !!str, integers plain
// decimals, header values sequences of strings; anything else (nulls,
// other tags, booleans written otherwise) is left to the reference reader.
func interaction(n *yaml.Node) (*cassette.Interaction, bool) {
	in := new(cassette.Interaction)
	ok := fields(n, func(key string, v *yaml.Node) bool {
		switch key {
		case "id":
			return integer(v, &in.ID)
		case "request":
			return request(v, &in.Request)
		case "response":
			return response(v, &in.Response)
		}
		return true // go-vcr ignores other keys
	})
	return in, ok
}

func request(n *yaml.Node, r *cassette.Request) bool {
	return fields(n, func(key string, v *yaml.Node) bool {
		switch key {
		case "method":
			return str(v, &r.Method)
		case "url":
			return str(v, &r.URL)
		case "body":
			return str(v, &r.Body)
		case "headers":
			return header(v, &r.Headers)
		case "proto":
			return str(v, &r.Proto)
		case "host":
			return str(v, &r.Host)
		case "remote_addr":
			return str(v, &r.RemoteAddr)
		case "request_uri":
			return str(v, &r.RequestURI)
		case "proto_major":
			return integer(v, &r.ProtoMajor)
		case "proto_minor":
			return integer(v, &r.ProtoMinor)
		case "content_length":
			return integer(v, &r.ContentLength)
		case "transfer_encoding":
			return strs(v, &r.TransferEncoding)
		case "trailer":
			return header(v, &r.Trailer)
		case "form":
			return header(v, (*http.Header)(&r.Form))
		}
		return true
	})
}

func response(n *yaml.Node, r *cassette.Response) bool {
	return fields(n, func(key string, v *yaml.Node) bool {
		switch key {
		case "code":
			return integer(v, &r.Code)
		case "body":
			return str(v, &r.Body)
		case "headers":
			return header(v, &r.Headers)
		case "proto":
			return str(v, &r.Proto)
		case "status":
			return str(v, &r.Status)
		case "proto_major":
			return integer(v, &r.ProtoMajor)
		case "proto_minor":
			return integer(v, &r.ProtoMinor)
		case "content_length":
			return integer(v, &r.ContentLength)
		case "transfer_encoding":
			return strs(v, &r.TransferEncoding)
		case "trailer":
			return header(v, &r.Trailer)
		case "duration":
			var s string
			if !str(v, &s) {
				return false
			}
			d, err := time.ParseDuration(s)
			r.Duration = d
			return err == nil
		case "uncompressed":
			// A bool, and the subset parser reads no booleans: what it
			// reads here (a string, a number) go-vcr refuses.
			return false
		}
		return true
	})
}

// maxKeys is the most keys a mapping may have for the fast path, which
// looks for a key given twice by comparing every pair.
const maxKeys = 64

// fields calls member with each key of a block mapping (or {}) and its
// value, in order; false when the node is not a mapping, a key is not a
// plain string or is given twice, or member says false.
func fields(n *yaml.Node, member func(key string, v *yaml.Node) bool) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) > 2*maxKeys {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return false
		}
		for j := 0; j < i; j += 2 {
			if n.Content[j].Value == k.Value {
				return false
			}
		}
		if !member(k.Value, n.Content[i+1]) {
			return false
		}
	}
	return true
}

func str(n *yaml.Node, out *string) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return false
	}
	*out = n.Value
	return true
}

// integer accepts a plain decimal integer without a leading zero (which the
// library would read as octal, YAML 1.1's way).
func integer[T int | int64](n *yaml.Node, out *T) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Style != 0 {
		return false
	}
	digits := n.Value
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 || (digits[0] == '0' && len(n.Value) > 1) {
		return false
	}
	i, err := strconv.ParseInt(n.Value, 10, 64)
	*out = T(i)
	return err == nil
}

// strs accepts a sequence of strings (or []).
func strs(n *yaml.Node, out *[]string) bool {
	if n.Kind != yaml.SequenceNode {
		return false
	}
	vs := make([]string, len(n.Content))
	for i, e := range n.Content {
		if !str(e, &vs[i]) {
			return false
		}
	}
	*out = vs
	return true
}

// header accepts a mapping of names to sequences of strings, keeping the
// names as written, as the library's decoding into an http.Header does.
func header(n *yaml.Node, out *http.Header) bool {
	h := make(http.Header, len(n.Content)/2)
	ok := fields(n, func(key string, v *yaml.Node) bool {
		var vs []string
		if !strs(v, &vs) {
			return false
		}
		h[key] = vs
		return true
	})
	*out = h
	return ok
}

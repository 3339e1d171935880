package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// forEachCassetteFile streams a cassette file in go-vcr's layout ("---",
// "version: 2", "interactions:", then the interactions as a block
// sequence) without reading it whole: each interaction's lines are read,
// parsed by the fast parser, walked and handed over, then dropped. Any
// other layout, or anything the fast parser gives up on, sends the file to
// eachCassette's path (read whole), skipping the interactions already
// handed over.
func forEachCassetteFile(f io.ReadSeeker, path string, fn func(*contract.Pair) error) error {
	w := &cassetteWalker{source: path, b: newBudget(MaxDecodedBytesPerFile)}
	emitted, fallback, err := streamCassette(bufio.NewReaderSize(io.LimitReader(f, MaxFileBytes), 64<<10), w, fn)
	if !fallback {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	data, err := readAllLimited(f, path)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	if emitted == 0 {
		return eachCassette(data, path, w.b, fn)
	}
	root := new(yaml.Node)
	if err := yaml.Unmarshal(data, root); err != nil {
		return fmt.Errorf("cassette: %s: %w", path, yamlError(err))
	}
	return w.cassette(root, fn, emitted)
}

// streamCassette is the streaming half of forEachCassetteFile.
func streamCassette(r *bufio.Reader, w *cassetteWalker, fn func(*contract.Pair) error) (emitted int, fallback bool, err error) {
	line := 0
	var buf []byte
	// readLine reads one whole line (with its newline) into buf.
	readLine := func() bool {
		buf = buf[:0]
		for {
			b, err := r.ReadSlice('\n')
			buf = append(buf, b...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				return false // the end, or a last line without a newline
			}
			line++
			return true
		}
	}
	ok := readLine()
	if ok && string(buf) == "---\n" {
		ok = readLine()
	}
	if !ok || string(buf) != "version: 2\n" {
		return 0, true, nil
	}
	if !readLine() || string(buf) != "interactions:\n" {
		return 0, true, nil
	}
	// The first item fixes the dash's indentation.
	if !readLine() {
		return 0, true, nil
	}
	ind := 0
	for ind < len(buf) && buf[ind] == ' ' {
		ind++
	}
	dash := []byte(string(buf[:ind]) + "- ")
	deeper := bytes.Repeat([]byte{' '}, ind+1)
	if !bytes.HasPrefix(buf, dash) {
		return 0, true, nil
	}
	chunk := append([]byte(nil), buf...)
	chunkLine := line
	arena := new(nodeArena)
	// flush parses the chunk as exactly one item, then walks it.
	flush := func() (bool, error) {
		if !fastClean(chunk) {
			return true, nil
		}
		p := &fastParser{data: chunk, line: chunkLine, pos: ind, arena: arena}
		var item *yaml.Node
		err := p.items(ind, func(it *yaml.Node) error {
			if item != nil {
				return errNotFast
			}
			item = it
			return nil
		})
		if err != nil || item == nil || p.pos != len(chunk) {
			return true, nil
		}
		pair, err := w.interaction(item, emitted)
		arena.reset() // the pair holds no node
		if err != nil {
			return false, fmt.Errorf("cassette: %s: interaction %d: %w", w.source, emitted, err)
		}
		if err := fn(&pair); err != nil {
			return false, err
		}
		emitted++
		return false, nil
	}
	for readLine() {
		switch {
		case bytes.HasPrefix(buf, dash):
			if fb, err := flush(); fb || err != nil {
				return emitted, fb, err
			}
			chunk = append(chunk[:0], buf...)
			chunkLine = line
		case string(buf) == "\n" || bytes.HasPrefix(buf, deeper):
			chunk = append(chunk, buf...)
		default:
			// Something after the sequence, or a line the layout does
			// not allow.
			return emitted, true, nil
		}
	}
	if len(buf) > 0 {
		return emitted, true, nil // a last line without a newline
	}
	fb, err := flush()
	return emitted, fb, err
}

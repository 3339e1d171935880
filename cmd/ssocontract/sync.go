package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/atomicfile"
	"github.com/stytchsso/stytchsso/internal/fileinfo"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// syncHelp is the sync command's usage text.
const syncHelp = `usage: ssocontract sync --upstream FILE [--spec FILE] [--accept FILE] [--write] [--format text|json]
       ssocontract sync --from-traffic [--spec FILE] [--write] [--format text|json] CAPTURE...
Writes into our spec what Stytch's published document (--upstream) or recorded traffic
(--from-traffic: HAR files, cassettes, directories) shows and the spec lacks:
  additions (a new property, enum value, response status, optional header or parameter)
  are applied, copying upstream's schema (traffic: the schema every value seen implies,
  never a value) with our component names and $refs;
  everything else (a type or format changed, a field removed or made required, a field
  seen with two types) is listed as needing a decision, never applied.
Without --write: prints the change as a unified diff and the decisions; with --write the
spec file (and, for --upstream, the accepted list, when an addition keeps a difference by
our conventions) is rewritten atomically, every line it did not add left byte for byte.
Exit status: 0 nothing to add or decide, 1 something (like diff(1); also after --write),
2 bad usage or unreadable input, 3 no exchange of the spec's operations in the captures.
`

func runSync(args []string, s sys) int {
	fset := flag.NewFlagSet("ssocontract sync", flag.ContinueOnError)
	fset.SetOutput(s.stderr)
	upstream := fset.String("upstream", "", "Stytch's published spec `file` (openapi.yml) to take additions from")
	fromTraffic := fset.Bool("from-traffic", false, "learn from the CAPTURE arguments instead (HAR files, cassettes, directories)")
	specPath := fset.String("spec", "api/openapi.yaml", "our spec `file`; --write edits it in place")
	accept := fset.String("accept", "api/upstream-accepted.json", "with --upstream: the accepted differences `file` (empty for none)")
	write := fset.Bool("write", false, "rewrite the spec file instead of only printing the change")
	format := &formatFlag{value: "text", allowed: []string{"text", "json"}}
	fset.Var(format, "format", "output `format`: text or json")
	fset.Usage = func() {
		fmt.Fprint(s.stderr, syncHelp)
		fset.PrintDefaults()
	}
	pos, code, done := parseArgs(fset, args, s.stderr, false)
	if done {
		return code
	}
	acceptSet := false
	fset.Visit(func(f *flag.Flag) { acceptSet = acceptSet || f.Name == "accept" })
	usageErr := func(msg string) int {
		fmt.Fprintf(s.stderr, "ssocontract sync: %s\n", msg)
		return exitUsage
	}
	switch {
	case (*upstream == "") == !*fromTraffic:
		return usageErr("give --upstream FILE or --from-traffic CAPTURE... (one of them)")
	case *upstream != "" && len(pos) > 0:
		return usageErr(fmt.Sprintf("--upstream takes no other argument (got %q)", pos[0]))
	case *fromTraffic && len(pos) == 0:
		return usageErr("--from-traffic: no CAPTURE given")
	case *fromTraffic && acceptSet:
		return usageErr("--accept goes with --upstream")
	}
	fail := func(err error) int {
		fmt.Fprintf(s.stderr, "ssocontract sync: %v\n", err)
		return exitUsage
	}
	spec, err := readInput(*specPath)
	if err != nil {
		return fail(fmt.Errorf("spec: %w", err))
	}
	var p *specdiff.Proposal
	if *upstream != "" {
		p, err = syncFromUpstream(spec, *upstream, *accept)
	} else {
		var exchanges int
		p, exchanges, err = syncFromTraffic(spec, *specPath, pos, s.stderr)
		if err == nil && exchanges == 0 {
			fmt.Fprintf(s.stderr, "ssocontract sync: no exchange of the spec's operations in %s: nothing learned\n", strings.Join(pos, " "))
			return exitNothing
		}
	}
	if err != nil {
		return fail(err)
	}
	if len(p.Accept) > 0 && *accept == "" {
		// Nowhere to keep them: a person decides.
		for _, d := range p.Accept {
			p.Decisions = append(p.Decisions, specdiff.Decision{Difference: d,
				Why: `kept by our conventions, but there is no accepted list (--accept ""): accept it in one, or adopt it by hand`})
		}
		p.Accept = nil
	}
	acceptPath := ""
	var acceptOld, acceptNew []byte
	if len(p.Accept) > 0 {
		acceptPath = *accept
		if acceptOld, err = readInput(acceptPath); err != nil {
			return fail(err)
		}
		if acceptNew, err = appendAccepted(acceptOld, p.Accept); err != nil {
			return fail(fmt.Errorf("%s: %w", acceptPath, err))
		}
	}
	if *write {
		// Both files are checked before either is written.
		if err := checkWritable(*specPath, spec, p.Spec); err != nil {
			return fail(err)
		}
		if err := checkWritable(acceptPath, acceptOld, acceptNew); err != nil {
			return fail(err)
		}
		if err := writeLike(*specPath, spec, p.Spec); err != nil {
			return fail(err)
		}
		if acceptPath != "" {
			if err := writeLike(acceptPath, acceptOld, acceptNew); err != nil {
				return fail(err)
			}
		}
	}
	if format.value == "json" {
		enc := json.NewEncoder(s.stdout)
		enc.SetIndent("", "  ")
		if p.Additions == nil {
			p.Additions = []specdiff.Addition{}
		}
		if p.Decisions == nil {
			p.Decisions = []specdiff.Decision{}
		}
		_ = enc.Encode(struct {
			Spec    string `json:"spec"`
			Written bool   `json:"written"`
			*specdiff.Proposal
		}{*specPath, *write && !p.Empty(), p})
	} else {
		writeSyncText(s.stdout, *specPath, spec, acceptPath, acceptOld, acceptNew, p, *write)
	}
	if p.Empty() {
		return exitOK
	}
	return exitFail
}

func syncFromUpstream(spec []byte, upstreamPath, acceptPath string) (*specdiff.Proposal, error) {
	var accepted []specdiff.Difference
	if acceptPath != "" {
		var err error
		if accepted, err = readAccepted(acceptPath); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("%w (--accept \"\" for no accepted list)", err)
			}
			return nil, err
		}
	}
	data, err := readInput(upstreamPath)
	if err != nil {
		return nil, err
	}
	up, err := specdiff.LoadUpstream(data, upstreamPath)
	if err != nil {
		return nil, err
	}
	p, err := specdiff.SyncUpstream(spec, up, accepted)
	if err != nil {
		return nil, fmt.Errorf("upstream %s: %w", upstreamPath, err)
	}
	return p, nil
}

// maxInputBytes bounds what sync reads into memory: Stytch's whole
// published document is under 2 MB.
const maxInputBytes = 64 << 20

// readInput reads a spec, an upstream document or an accepted list: a
// regular file of at most maxInputBytes. Anything else (a FIFO, whose read
// would wait for a writer forever, a directory, a device) is refused
// without being opened.
func readInput(path string) ([]byte, error) {
	if st, err := os.Stat(path); err == nil {
		switch {
		case !st.Mode().IsRegular():
			return nil, fmt.Errorf("%s: %s, not a regular file: not read", path, fileinfo.Kind(st.Mode()))
		case st.Size() > maxInputBytes:
			return nil, fmt.Errorf("%s: %d bytes, more than the %d-byte limit: not read", path, st.Size(), maxInputBytes)
		}
	}
	return os.ReadFile(path)
}

// checkWritable refuses to replace a read-only file (the atomic rename
// would replace it regardless of its mode) when data differs from old.
func checkWritable(path string, old, data []byte) error {
	if path == "" || bytes.Equal(old, data) {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("%s is read-only: not written (make it writable, or run without --write)", path)
	}
	return atomicfile.CheckTarget(path)
}

func syncFromTraffic(spec []byte, specPath string, captures []string, stderr io.Writer) (*specdiff.Proposal, int, error) {
	doc, err := api.Parse(spec)
	if err != nil {
		return nil, 0, fmt.Errorf("spec %s: %w", specPath, err)
	}
	l := specdiff.NewLearner(doc)
	if err := learnTraffic(captures, doc, l, stderr); err != nil {
		return nil, 0, err
	}
	p, err := l.Propose(spec)
	return p, l.Exchanges(), err
}

// writeLike writes data over path, atomically and with the file's mode,
// when it differs from old.
func writeLike(path string, old, data []byte) error {
	if bytes.Equal(old, data) {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, st.Mode().Perm())
}

// appendAccepted adds differences to the accepted list (the JSON of
// `diff --upstream --format json`), kept in the comparison's order.
func appendAccepted(data []byte, add []specdiff.Difference) ([]byte, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, err
	}
	for k := range keys {
		if k != "upstream" && k != "differences" {
			return nil, fmt.Errorf("unexpected key %q: not rewritten", k)
		}
	}
	var doc struct {
		Upstream    string                `json:"upstream"`
		Differences []specdiff.Difference `json:"differences"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	doc.Differences = append(doc.Differences, add...)
	sort.SliceStable(doc.Differences, func(i, j int) bool {
		a, b := doc.Differences[i], doc.Differences[j]
		return a.Operation < b.Operation || a.Operation == b.Operation && a.Where < b.Where
	})
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func unifiedDiff(path string, old, data []byte) string {
	if bytes.Equal(old, data) {
		return ""
	}
	text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(old)), B: difflib.SplitLines(string(data)),
		FromFile: path, ToFile: path, Context: 3,
	})
	if err != nil {
		return fmt.Sprintf("(diff of %s failed: %v)\n", path, err)
	}
	return text
}

// floorNote says what an addition implies beyond the spec: make contract
// holds the recordings to every declared status and field.
const floorNote = `What else the additions imply: make contract's coverage floor counts every declared status,
request field and response field, so record a scenario that exercises each one (make record, or
make record-local once pkg/provider returns it); api/api_test.go pins the fields and enum values
Stytch documents (TestFieldsMatchStytch); new fields may also belong in the spec's examples.
`

func writeSyncText(w io.Writer, specPath string, spec []byte, acceptPath string, acceptOld, acceptNew []byte, p *specdiff.Proposal, written bool) {
	var b strings.Builder
	b.WriteString(unifiedDiff(specPath, spec, p.Spec))
	if acceptPath != "" {
		b.WriteString(unifiedDiff(acceptPath, acceptOld, acceptNew))
	}
	section := func(title string) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(title + ":\n")
	}
	verb := "to add (run with --write to apply)"
	if written {
		verb = "added"
	}
	if len(p.Additions) > 0 {
		section(fmt.Sprintf("%d %s", len(p.Additions), verb))
		for _, a := range p.Additions {
			fmt.Fprintf(&b, "  %s %s: %s\n", a.Operation, strings.TrimSpace(a.Where+" "+a.Pointer), a.What)
		}
	}
	if len(p.Accept) > 0 {
		section(fmt.Sprintf("%d difference(s) kept by our conventions, for %s", len(p.Accept), acceptPath))
		for _, d := range p.Accept {
			fmt.Fprintf(&b, "  %s\n", describeDifference(d))
		}
	}
	if len(p.Decisions) > 0 {
		section(fmt.Sprintf("%d need(s) a decision (not applied)", len(p.Decisions)))
		for _, d := range p.Decisions {
			fmt.Fprintf(&b, "  %s\n    %s\n", describeDifference(d.Difference), d.Why)
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s: %d addition(s), %d decision(s)", specPath, len(p.Additions), len(p.Decisions))
	switch {
	case p.Empty():
		b.WriteString(": nothing to do")
	case written && len(p.Additions) > 0:
		b.WriteString("; written, now run make generate")
	}
	b.WriteString("\n")
	if len(p.Additions) > 0 {
		b.WriteString(floorNote)
	}
	_, _ = io.WriteString(w, b.String())
}

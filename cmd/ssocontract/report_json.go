package main

import (
	"encoding/json"
	"io"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// jsonReporter writes one JSON document: the violations (streamed as
// pairs come), the bodies not captured (spilled to a temporary file until
// the violations are closed), the inputs that could not be read, and the
// summary last, once it is known.
type jsonReporter struct {
	o          *reportOptions
	violations *jsonArray
	missing    *jsonArray
	spilled    spill
	errs       []fileError
}

// violationRecord is one violation in JSON, with where it was found.
type violationRecord struct {
	File  string `json:"file"`
	Entry int    `json:"entry"`
	Line  int    `json:"line,omitempty"`
	contract.Violation
}

// missingBody is a checked pair whose body the capture did not record,
// named as a violation names its pair.
type missingBody struct {
	File      string        `json:"file"`
	Entry     int           `json:"entry"`
	Line      int           `json:"line,omitempty"`
	Method    string        `json:"method"`
	Path      string        `json:"path"`
	Operation string        `json:"operation"`
	Side      contract.Side `json:"side"`
}

// fileError is an input that could not be read.
type fileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

func newJSONReporter(o *reportOptions) reporter {
	j := &jsonReporter{o: o, errs: []fileError{}}
	j.violations = &jsonArray{w: o.out, name: "violations", first: true}
	j.missing = &jsonArray{w: &j.spilled, name: "bodies_not_captured"}
	return j
}

func (j *jsonReporter) start() { io.WriteString(j.o.out, "{") }

func (j *jsonReporter) pair(r *result) {
	for _, side := range r.NotCaptured {
		j.missing.add(missingBody{r.File, r.Index, r.Line, r.Route.Method, r.Route.Path, r.Operation, side})
	}
	for _, v := range r.Violations {
		j.violations.add(violationRecord{r.File, r.Index, r.Line, v})
	}
}

func (j *jsonReporter) file(f *fileDone) {
	if f.Err != nil {
		j.errs = append(j.errs, fileError{f.File, f.Err.Error()})
	}
}

func (j *jsonReporter) finish(t *totals) error {
	defer j.spilled.close()
	j.violations.end()
	j.missing.end()
	if err := j.spilled.copyTo(j.o.out); err != nil {
		return err
	}
	errs, _ := json.MarshalIndent(j.errs, "  ", "  ")
	sum, _ := json.MarshalIndent(t.sum, "  ", "  ")
	_, err := io.WriteString(j.o.out, ",\n  \"errors\": "+string(errs)+",\n  \"summary\": "+string(sum)+"\n}\n")
	return err
}

// jsonArray writes one member of the document, an array, an element at a
// time: `"name": [` on the first element, `]` at the end.
type jsonArray struct {
	w     io.Writer
	name  string
	first bool // the first member of the document (no comma before it)
	n     int
}

func (a *jsonArray) open() {
	sep := ",\n"
	if a.first {
		sep = "\n"
	}
	io.WriteString(a.w, sep+"  \""+a.name+"\": [")
}

func (a *jsonArray) add(v any) {
	if a.n == 0 {
		a.open()
	} else {
		io.WriteString(a.w, ",")
	}
	a.n++
	data, _ := json.MarshalIndent(v, "    ", "  ")
	io.WriteString(a.w, "\n    ")
	a.w.Write(data)
}

func (a *jsonArray) end() {
	if a.n == 0 {
		a.open()
		io.WriteString(a.w, "]")
		return
	}
	io.WriteString(a.w, "\n  ]")
}

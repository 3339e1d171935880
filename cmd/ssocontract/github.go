package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

// GitHub Actions workflow commands
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).

// ghEscape appends s to b escaped for a workflow command: its message, or
// with property set a property value (which also escapes ":" and ","). It
// allocates nothing beyond b, as validate writes one command per violation.
func ghEscape(b []byte, s string, property bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			b = append(b, "%25"...)
		case c == '\r':
			b = append(b, "%0D"...)
		case c == '\n':
			b = append(b, "%0A"...)
		case property && c == ':':
			b = append(b, "%3A"...)
		case property && c == ',':
			b = append(b, "%2C"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// annotation is one workflow command: ::level file=F,line=L,title=T::message.
type annotation struct {
	level   string // error, warning or notice
	file    string // "" when not a file
	line    int    // 0 when unknown
	title   string
	message string
}

func (a annotation) write(w io.Writer) {
	b := make([]byte, 0, 64+len(a.file)+len(a.title)+len(a.message))
	b = append(append(b, "::"...), a.level...)
	sep := byte(' ')
	if a.file != "" {
		b = ghEscape(append(b, sep, 'f', 'i', 'l', 'e', '='), a.file, true)
		sep = ','
		if a.line > 0 {
			b = strconv.AppendInt(append(b, ",line="...), int64(a.line), 10)
		}
	}
	if a.title != "" {
		b = ghEscape(append(append(b, sep), "title="...), a.title, true)
	}
	b = append(ghEscape(append(b, "::"...), a.message, false), '\n')
	w.Write(b)
}

// mdCell makes s safe inside a Markdown table cell: no line breaks, pipes
// escaped, no HTML.
func mdCell(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
}

// kindCount is how many violations of one kind one operation had.
type kindCount struct {
	operation, kind string
	n               int
}

// jobSummary is what the Markdown job summary of validate shows.
type jobSummary struct {
	sum      *validateSummary
	byOpKind map[[2]string]int
	errors   []fileError
	coverage *coverage.Report
	exitCode int
}

func (j *jobSummary) write(w io.Writer) {
	s := j.sum
	verdict := "passed"
	switch {
	case j.exitCode == exitUsage:
		verdict = "unreadable input"
	case j.exitCode == exitFail:
		verdict = "failed"
	case j.exitCode == exitNothing:
		verdict = "nothing checked"
	case s.CheckedPairs == 0:
		verdict = "nothing checked (allowed)"
	}
	fmt.Fprintf(w, "## ssocontract validate: %s\n\n", verdict)
	fmt.Fprintf(w, "%s\n\n", s.line())
	fmt.Fprintln(w, "| Pairs | Count |")
	fmt.Fprintln(w, "|---|---:|")
	fmt.Fprintf(w, "| checked (matched an operation of the spec) | %d |\n", s.CheckedPairs)
	fmt.Fprintf(w, "| checked, conform | %d |\n", s.ConformingPairs)
	fmt.Fprintf(w, "| checked, with violations | %d |\n", s.FailingPairs)
	fmt.Fprintf(w, "| violations | %d |\n", s.Violations)
	for _, r := range s.reasons() {
		fmt.Fprintf(w, "| skipped: %s | %d |\n", mdCell(contract.Reason(r).Describe()), s.Skipped[r])
	}
	fmt.Fprintf(w, "| request bodies not captured | %d |\n", s.RequestBodiesNotCaptured)
	fmt.Fprintf(w, "| response bodies not captured | %d |\n", s.ResponseBodiesNotCaptured)
	fmt.Fprintf(w, "| total | %d |\n", s.Pairs)
	fmt.Fprintf(w, "\nFiles: %d, unreadable: %d.\n", s.Files, s.Unreadable)

	if len(j.byOpKind) > 0 {
		var rows []kindCount
		for k, n := range j.byOpKind {
			rows = append(rows, kindCount{k[0], k[1], n})
		}
		sort.Slice(rows, func(a, b int) bool {
			if rows[a].operation != rows[b].operation {
				return rows[a].operation < rows[b].operation
			}
			return rows[a].kind < rows[b].kind
		})
		fmt.Fprintln(w, "\n### Violations by operation and kind")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| Operation | Kind | Violations |")
		fmt.Fprintln(w, "|---|---|---:|")
		for _, r := range rows {
			fmt.Fprintf(w, "| %s | %s | %d |\n", mdCell(r.operation), mdCell(r.kind), r.n)
		}
	}
	if len(j.errors) > 0 {
		fmt.Fprintln(w, "\n### Unreadable input")
		fmt.Fprintln(w)
		for _, e := range j.errors {
			fmt.Fprintf(w, "- %s: %s\n", mdCell(e.File), mdCell(e.Error))
		}
	}
	if j.coverage != nil {
		fmt.Fprintln(w, "\n### Coverage of the checked pairs")
		fmt.Fprintln(w)
		writeCoverageMarkdown(w, j.coverage)
	}
}

// writeCoverageMarkdown renders the coverage matrix: one row per operation,
// one column per response status any operation declares or any pair
// exercised (the number of pairs; "—" where the operation does not declare
// the status and no pair had it; an undeclared status seen is marked), then
// the field coverage.
func writeCoverageMarkdown(w io.Writer, r *coverage.Report) {
	var statuses []string
	seen := map[string]bool{}
	for _, o := range r.Operations {
		for _, c := range o.Statuses {
			if !seen[c.Name] {
				seen[c.Name] = true
				statuses = append(statuses, c.Name)
			}
		}
	}
	sort.Strings(statuses)
	fmt.Fprint(w, "| Operation | Pairs |")
	for _, s := range statuses {
		fmt.Fprintf(w, " %s |", mdCell(s))
	}
	fmt.Fprintln(w, " Statuses | Request fields | Response fields |")
	fmt.Fprint(w, "|---|---:|")
	for range statuses {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w, "---:|---:|---:|")
	ratio := func(n, d int, p float64) string { return fmt.Sprintf("%d/%d (%.1f%%)", n, d, p) }
	for _, o := range r.Operations {
		fmt.Fprintf(w, "| %s | %d |", mdCell(o.OperationID), o.Pairs)
		cells := map[string]string{}
		for _, c := range o.Statuses {
			switch {
			case !c.Declared:
				cells[c.Name] = fmt.Sprintf("%d (undeclared)", c.Exercised)
			case c.Exercised == 0:
				cells[c.Name] = "**0**"
			default:
				cells[c.Name] = strconv.Itoa(c.Exercised)
			}
		}
		for _, s := range statuses {
			c, ok := cells[s]
			if !ok {
				c = "—"
			}
			fmt.Fprintf(w, " %s |", c)
		}
		fmt.Fprintf(w, " %s | %s | %s |\n",
			ratio(o.StatusesCovered, o.StatusesDeclared, o.StatusPercent),
			ratio(o.RequestCovered, o.RequestDeclared, o.RequestPercent),
			ratio(o.ResponseCovered, o.ResponseDeclared, o.ResponsePercent))
	}
	fmt.Fprintf(w, "\nTotal: %d pair(s) matched an operation, %d did not; statuses %.1f%%, request fields %.1f%%, response fields %.1f%%.\n",
		r.Pairs-r.UnmatchedPairs, r.UnmatchedPairs, r.StatusPercent, r.RequestPercent, r.ResponsePercent)
}

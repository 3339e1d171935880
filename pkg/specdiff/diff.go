package specdiff

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"

	"github.com/stytchsso/stytchsso/api"
)

// Change is one difference oasdiff's checker found between two versions.
type Change struct {
	// ID is oasdiff's rule ID, such as response-required-property-removed.
	ID string `json:"id"`
	// Level is error, warning or info.
	Level string `json:"level"`
	// Breaking is true for errors and warnings (oasdiff's own definition:
	// a warning may break some clients).
	Breaking bool `json:"breaking"`
	// Method and Path name the operation, when the change is about one.
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// OperationID is the operation's ID in the new version.
	OperationID string `json:"operation_id,omitempty"`
	// Text describes the change in English.
	Text string `json:"text"`
}

// Report lists every change between two versions of a spec, breaking ones
// first.
type Report struct {
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Changes []Change `json:"changes"`
}

// HasBreaking reports whether any change is breaking.
func (r *Report) HasBreaking() bool {
	for _, c := range r.Changes {
		if c.Breaking {
			return true
		}
	}
	return false
}

// Compare loads two versions of a spec (YAML or JSON; names are used in
// messages) and lists the changes from oldSpec to newSpec, every level.
func Compare(oldSpec, newSpec []byte, oldName, newName string) (*Report, error) {
	s1, err := loadSpec(oldSpec, oldName)
	if err != nil {
		return nil, err
	}
	s2, err := loadSpec(newSpec, newName)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return nil, fmt.Errorf("specdiff: diff %s and %s: %w", oldName, newName, err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	l := checker.NewDefaultLocalizer()
	rep := &Report{Old: oldName, New: newName, Changes: make([]Change, 0, len(changes))}
	for _, c := range changes {
		rep.Changes = append(rep.Changes, Change{
			ID:          c.GetId(),
			Level:       c.GetLevel().String(),
			Breaking:    c.IsBreaking(),
			Method:      c.GetOperation(),
			Path:        c.GetPath(),
			OperationID: c.GetOperationId(),
			Text:        c.GetUncolorizedText(l),
		})
	}
	// Breaking first, keeping oasdiff's order within each group.
	out := make([]Change, 0, len(rep.Changes))
	for _, breaking := range []bool{true, false} {
		for _, c := range rep.Changes {
			if c.Breaking == breaking {
				out = append(out, c)
			}
		}
	}
	rep.Changes = out
	return rep, nil
}

// loadSpec loads one version for oasdiff, unvalidated as oasdiff's own
// loader would: a comparison must not stop at a quirk of either version.
func loadSpec(data []byte, name string) (*load.SpecInfo, error) {
	doc, _, err := api.Load(data, name, api.Unvalidated)
	if err != nil {
		return nil, err
	}
	info := &load.SpecInfo{Url: name, Spec: doc}
	if doc.Info != nil {
		info.Version = doc.Info.Version
	}
	return info, nil
}

// WriteText renders the report for people: breaking changes, then the
// others, one per line, and a summary.
func (r *Report) WriteText(w io.Writer) error {
	var breaking, other int
	for _, c := range r.Changes {
		if c.Breaking {
			breaking++
		} else {
			other++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	section := func(title string, n int, want bool) {
		if n == 0 {
			return
		}
		fmt.Fprintf(tw, "%s (%d):\n", title, n)
		for _, c := range r.Changes {
			if c.Breaking != want {
				continue
			}
			op := strings.TrimSpace(c.Method + " " + c.Path)
			if op == "" {
				op = "(spec)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t[%s]\n", c.Level, op, c.Text, c.ID)
		}
		fmt.Fprintln(tw)
	}
	section("breaking changes", breaking, true)
	section("other changes", other, false)
	fmt.Fprintf(tw, "%s -> %s: %d breaking, %d other\n", r.Old, r.New, breaking, other)
	return tw.Flush()
}

package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// junitReporter writes JUnit XML: one test suite per input, one test case
// per pair (skipped pairs are skipped cases), a failure per pair with
// violations, an error per input that could not be read. The counts of a
// suite and of the document come before their cases, so cases are spilled
// to temporary files until those counts are known.
type junitReporter struct {
	o *reportOptions
	// cases holds the current suite's cases; suites the finished suites.
	cases, suites spill
	suite         junitCounts
	all           junitCounts
	skipped       map[string]int
}

// junitCounts are the attributes of a suite or of the whole document.
type junitCounts struct {
	tests, failures, errors, skipped, checked, bodiesMissing int
}

// junitSuites is the root element, read back by the tests.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// junitSuite is a test suite as the tests read it back.
type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func newJUnitReporter(o *reportOptions) reporter {
	return &junitReporter{o: o, skipped: map[string]int{}}
}

func (j *junitReporter) start() {}

// writeCase writes one test case into the current suite.
func (j *junitReporter) writeCase(c junitCase) {
	data, _ := xml.MarshalIndent(c, "    ", "  ")
	j.cases.Write(data)
	io.WriteString(&j.cases, "\n")
}

func (j *junitReporter) pair(r *result) {
	j.suite.tests++
	if !r.checked() {
		j.suite.skipped++
		j.skipped[string(r.Route.Reason)]++
		j.writeCase(junitCase{Name: fmt.Sprintf("#%d %s skipped", r.Index, r.Route.Method), ClassName: r.File,
			Skipped: &junitSkipped{Message: r.Route.Reason.Describe()}})
		return
	}
	j.suite.checked++
	j.suite.bodiesMissing += len(r.NotCaptured)
	var failures []string
	if j.o.failOnMissingBody {
		for _, side := range r.NotCaptured {
			failures = append(failures, r.notCaptured(side).String())
		}
	}
	for _, v := range r.Violations {
		failures = append(failures, v.String())
	}
	c := junitCase{Name: fmt.Sprintf("#%d %s %d", r.Index, r.Operation, r.Status), ClassName: r.File}
	if len(failures) > 0 {
		j.suite.failures++
		c.Failure = &junitProblem{Message: fmt.Sprintf("%d problem(s)", len(failures)), Type: "contract", Text: strings.Join(failures, "\n")}
	}
	j.writeCase(c)
}

func (j *junitReporter) file(f *fileDone) {
	if f.PassedOver != "" {
		return
	}
	if f.Err != nil {
		j.suite.tests++
		j.suite.errors++
		j.writeCase(junitCase{Name: "load", ClassName: f.File, Error: &junitProblem{Message: "unreadable input", Type: "load", Text: f.Err.Error()}})
	}
	props := [][2]string{{"checked_pairs", strconv.Itoa(j.suite.checked)}, {"skipped_pairs", strconv.Itoa(j.suite.skipped)}}
	reasons := make([]string, 0, len(j.skipped))
	for r := range j.skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		props = append(props, [2]string{"skipped." + r, strconv.Itoa(j.skipped[r])})
	}
	props = append(props, [2]string{"bodies_not_captured", strconv.Itoa(j.suite.bodiesMissing)})
	j.writeSuite(f.File, props)
}

// writeSuite moves the current suite, its counts first, to the finished
// suites.
func (j *junitReporter) writeSuite(name string, props [][2]string) {
	s := j.suite
	fmt.Fprintf(&j.suites, "  <testsuite name=%s tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n", xmlAttr(name), s.tests, s.failures, s.errors, s.skipped)
	if len(props) > 0 {
		io.WriteString(&j.suites, "    <properties>\n")
		for _, p := range props {
			fmt.Fprintf(&j.suites, "      <property name=%s value=%s></property>\n", xmlAttr(p[0]), xmlAttr(p[1]))
		}
		io.WriteString(&j.suites, "    </properties>\n")
	}
	j.cases.copyTo(&j.suites)
	io.WriteString(&j.suites, "  </testsuite>\n")
	j.all.tests += s.tests
	j.all.failures += s.failures
	j.all.errors += s.errors
	j.all.skipped += s.skipped
	j.suite = junitCounts{}
	clear(j.skipped)
}

func (j *junitReporter) finish(t *totals) error {
	defer j.cases.close()
	defer j.suites.close()
	if t.nothingFails() {
		j.suite.tests++
		j.suite.failures++
		j.writeCase(junitCase{Name: "something was checked", ClassName: "ssocontract",
			Failure: &junitProblem{Message: "nothing checked", Type: "nothing-checked", Text: t.nothing}})
		j.writeSuite("ssocontract", nil)
	}
	if j.cases.err != nil {
		return j.cases.err
	}
	fmt.Fprint(j.o.out, xml.Header)
	fmt.Fprintf(j.o.out, "<testsuites name=\"ssocontract validate\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n", j.all.tests, j.all.failures, j.all.errors, j.all.skipped)
	if err := j.suites.copyTo(j.o.out); err != nil {
		return err
	}
	_, err := io.WriteString(j.o.out, "</testsuites>\n")
	return err
}

// xmlAttr quotes s as an XML attribute value.
func xmlAttr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	_ = xml.EscapeText(&b, []byte(s))
	b.WriteByte('"')
	return b.String()
}

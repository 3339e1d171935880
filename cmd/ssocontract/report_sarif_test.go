package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sarifSchema compiles the SARIF 2.1.0 JSON schema kept in testdata.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", doc))
	s, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)
	return s
}

// requireValidSARIF fails unless out is valid SARIF 2.1.0.
func requireValidSARIF(t *testing.T, s *jsonschema.Schema, out string) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err, "not JSON:\n%s", out)
	require.NoError(t, s.Validate(doc), "not valid SARIF 2.1.0:\n%s", out)
}

// sarifLog is what the tests read back of a SARIF log.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func readSARIF(t *testing.T, out string) sarifLog {
	t.Helper()
	var log sarifLog
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.Len(t, log.Runs, 1)
	return log
}

// The schema check can fail: a result without its message is refused.
func TestSARIFSchemaRefusesInvalidLogs(t *testing.T) {
	t.Parallel()
	s := sarifSchema(t)
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"schema"}]}]}`
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	require.NoError(t, err)
	assert.Error(t, s.Validate(doc), "a result needs a message")
}

func TestSARIFClean(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--strict", "--format", "sarif", testdata+"/har/valid.har", testdata+"/cassettes/valid.yaml")
	require.Equal(t, exitOK, code, stderr)
	requireValidSARIF(t, sarifSchema(t), stdout)
	log := readSARIF(t, stdout)
	assert.Equal(t, "2.1.0", log.Version)
	assert.Empty(t, log.Runs[0].Results)
	assert.Equal(t, "ssocontract", log.Runs[0].Tool.Driver.Name)
	require.Len(t, log.Runs[0].Invocations, 1)
	assert.True(t, log.Runs[0].Invocations[0].ExecutionSuccessful)
}

// A drifting capture: one result per violation, its rule the violation's
// kind, its location the file and the line where the entry starts, its
// message naming method, path and pointer.
func TestSARIFDrift(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--strict", "--format", "sarif", "testdata/violations.har", "testdata/violations.yaml")
	require.Equal(t, exitFail, code, stderr)
	requireValidSARIF(t, sarifSchema(t), stdout)
	golden(t, "violations.sarif", stdout)

	log := readSARIF(t, stdout)
	run := log.Runs[0]
	_, jsonOut, _ := runCLI(t, "validate", "--strict", "--format", "json", "testdata/violations.har", "testdata/violations.yaml")
	var want struct {
		Violations []violationRecord `json:"violations"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonOut), &want))
	require.Len(t, run.Results, len(want.Violations), "one result per violation")
	for i, r := range run.Results {
		v := want.Violations[i]
		assert.Equal(t, string(v.Kind), r.RuleID)
		require.Less(t, r.RuleIndex, len(run.Tool.Driver.Rules))
		assert.Equal(t, r.RuleID, run.Tool.Driver.Rules[r.RuleIndex].ID, "ruleIndex points at the rule")
		assert.NotEmpty(t, run.Tool.Driver.Rules[r.RuleIndex].ShortDescription.Text)
		assert.Equal(t, "error", r.Level)
		require.Len(t, r.Locations, 1)
		assert.Equal(t, v.File, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		assert.Equal(t, v.Line, r.Locations[0].PhysicalLocation.Region.StartLine)
		assert.Positive(t, v.Line)
		for _, part := range []string{v.Method, v.Path, v.Location} {
			assert.Contains(t, r.Message.Text, part)
		}
	}
}

// Bodies not captured are warnings (errors with --fail-on-missing-body);
// unreadable inputs are notifications of the invocation; secrets never
// appear.
func TestSARIFFindingsAndNotifications(t *testing.T) {
	t.Parallel()
	s := sarifSchema(t)
	for _, fail := range []bool{false, true} {
		args := []string{"validate", "--format", "sarif", "testdata/chrome-missing-body.har", "testdata/absent.har"}
		if fail {
			args = append(args, "--fail-on-missing-body")
		}
		code, stdout, _ := runCLI(t, args...)
		assert.Equal(t, exitUsage, code)
		requireValidSARIF(t, s, stdout)
		run := readSARIF(t, stdout).Runs[0]
		require.Len(t, run.Results, 1)
		assert.Equal(t, "body-not-captured", run.Results[0].RuleID)
		assert.Equal(t, map[bool]string{false: "warning", true: "error"}[fail], run.Results[0].Level)
		require.Len(t, run.Invocations, 1)
		assert.False(t, run.Invocations[0].ExecutionSuccessful)
		require.Len(t, run.Invocations[0].ToolExecutionNotifications, 1)
		assert.Contains(t, run.Invocations[0].ToolExecutionNotifications[0].Message.Text, "absent.har")
	}

	code, stdout, stderr := runCLI(t, "validate", "--strict", "--format", "sarif", testdata)
	assert.Equal(t, exitFail, code)
	requireValidSARIF(t, s, stdout)
	for _, canary := range []string{"FAKE-TEST-ONLY", "secret-test-", "Basic cHJv", "UkVEQUNURUQ"} {
		assert.NotContains(t, stdout+stderr, canary)
	}

	// Standard input has no file to point at: results without a location.
	data, err := os.ReadFile("testdata/violations.har")
	require.NoError(t, err)
	code, stdout, _ = runWith(t, string(data), nil, "validate", "--format", "sarif", "-")
	assert.Equal(t, exitFail, code)
	requireValidSARIF(t, s, stdout)
	for _, r := range readSARIF(t, stdout).Runs[0].Results {
		assert.Empty(t, r.Locations)
	}

	// Nothing checked fails the run: a notification says so.
	code, stdout, _ = runCLI(t, "validate", "--format", "sarif", "testdata/empty.har")
	assert.Equal(t, exitNothing, code)
	requireValidSARIF(t, s, stdout)
	assert.Contains(t, stdout, "nothing checked")
}

func TestSARIFFileURI(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"testdata/violations.har":    "testdata/violations.har",
		"captures/admin page #2.har": "captures/admin%20page%20%232.har",
		"/tmp/x/a.har":               "file:///tmp/x/a.har",
	} {
		assert.Equal(t, want, fileURI(in), in)
	}
}

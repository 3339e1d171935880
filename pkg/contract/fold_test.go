package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// TestCaseFoldedKeys: Go's encoding/json decodes a key into a struct field
// whose name it matches ignoring case, the last match winning, while the
// schema check and the invariants read the exact key. A second key
// matching a declared property ignoring case is a duplicate-key violation,
// a lone one an undocumented-field violation, in every mode.
func TestCaseFoldedKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const connID = `"connection_id":"` + testSAMLID + `"`
	const wrong = `"` + canary + `"`
	tests := []struct {
		name string
		side Side
		old  string // replaced, once, by new in the body of side
		new  string
		want []string // verdict(): side kind location, sorted
	}{
		{"exact then folded", SideResponse, connID, connID + `,"Connection_ID":` + wrong,
			[]string{"response duplicate-key /connection/Connection_ID"}},
		{"folded then exact", SideResponse, connID, `"Connection_ID":` + wrong + "," + connID,
			[]string{"response duplicate-key /connection/Connection_ID", "response duplicate-key /connection/connection_id"}},
		{"status_code exact then folded", SideResponse, `"status_code":200`, `"status_code":200,"Status_Code":500`,
			[]string{"response duplicate-key /Status_Code"}},
		{"status_code folded then exact", SideResponse, `"status_code":200`, `"Status_Code":500,"status_code":200`,
			[]string{"response duplicate-key /Status_Code", "response duplicate-key /status_code"}},
		{"status_code exact twice, wrong first", SideResponse, `"status_code":200`, `"status_code":500,"status_code":200`,
			[]string{"response duplicate-key /status_code"}},
		{"status_code exact twice, wrong last", SideResponse, `"status_code":200`, `"status_code":200,"status_code":500`,
			[]string{"response duplicate-key /status_code"}},
		{"folded twice, same spelling", SideResponse, connID, `"Connection_ID":` + wrong + `,"Connection_ID":` + wrong + "," + connID,
			// The first spelling is reported once, by the exact check.
			[]string{"response duplicate-key /connection/Connection_ID", "response duplicate-key /connection/connection_id"}},
		{"escaped folded spelling", SideResponse, connID, connID + `,"\u0043onnection_id":` + wrong,
			[]string{"response duplicate-key /connection/Connection_id"}},
		{"Kelvin sign and long s fold like ASCII", SideResponse, `"status_code":200`, `"status_code":200,"\u017ftatus_code":500`,
			[]string{"response duplicate-key /\u017ftatus_code"}},
		{"nested in an array element, invariant not read", SideResponse, `"expires_at":"2031-01-05T10:00:00Z"`,
			`"expires_at":"2020-01-05T10:00:00Z","Expires_At":"2031-01-05T10:00:00Z","expires_at":"2031-01-05T10:00:00Z"`,
			[]string{"response duplicate-key /connection/verification_certificates/0/Expires_At", "response duplicate-key /connection/verification_certificates/0/expires_at"}},
		{"lone folded key", SideResponse, `"connection_id":`, `"Connection_ID":`,
			[]string{"response missing-required /connection/connection_id", "response undocumented-field /connection/Connection_ID"}},
		{"lone folded optional key in the request", SideRequest, `"display_name":`, `"Display_Name":`,
			[]string{"request undocumented-field /Display_Name"}},
		{"lone escaped folded key", SideRequest, `"display_name":`, `"\u0044isplay_name":`,
			[]string{"request undocumented-field /Display_name"}},
		{"free-form map keys differing in case", SideRequest, `"attribute_mapping":{`, `"attribute_mapping":{"Email":"x","EMAIL":"y",`,
			nil},
		{"free-form map in the response", SideResponse, `"attribute_mapping":{`, `"attribute_mapping":{"Email":"x","EMAIL":"y",`,
			nil},
	}
	for _, tc := range tests {
		for _, strict := range []bool{false, true} {
			for _, compiled := range []bool{true, false} {
				v := newValidator(t, WithStrict(strict), WithCompiledBodies(compiled))
				p := samlPair(t)
				body := &p.ResponseBody
				if tc.side == SideRequest {
					body = &p.RequestBody
				}
				require.Contains(t, string(*body), tc.old, tc.name)
				*body = []byte(strings.Replace(string(*body), tc.old, tc.new, 1))
				got := v.Validate(ctx, p)
				want := tc.want
				if want == nil {
					want = []string{}
				}
				assert.Equal(t, want, verdict(got), "%s strict=%v compiled=%v: %v", tc.name, strict, compiled, got)
				folds := 0
				for _, g := range got {
					assert.NotContains(t, g.String(), canary)
					assert.NotContains(t, g.Message, "500")
					switch {
					case g.Kind == KindDuplicateKey && g.Message != "the object holds this key more than once":
						assert.Contains(t, g.Message, "ignoring case; decoders disagree", tc.name)
						assert.Contains(t, g.Message, "Go's encoding/json matches names case-insensitively", tc.name)
						folds++
					case g.Kind == KindUndocumentedField:
						assert.Contains(t, g.Message, "only in case", tc.name)
						folds++
					}
				}
				if len(tc.want) > 0 && !strings.Contains(tc.name, "exact twice") {
					assert.Positive(t, folds, "%s: a message names the case-insensitive match", tc.name)
				}
			}
		}
	}
}

// TestCaseFoldedKeysPremise: the generated client does read the value
// the validator did not check, which is why the keys above are flagged.
func TestCaseFoldedKeysPremise(t *testing.T) {
	t.Parallel()
	var r stytchsso.UpdateSAMLConnectionResponseBody
	require.NoError(t, json.Unmarshal([]byte(`{"status_code":200,"\u017ftatus_code":500,"connection":{"connection_id":"right","Connection_ID":"wrong"}}`), &r))
	assert.Equal(t, int32(500), r.StatusCode)
	require.NotNil(t, r.Connection)
	assert.Equal(t, "wrong", r.Connection.ConnectionID)
	var m stytchsso.AttributeMapping
	require.NoError(t, json.Unmarshal([]byte(`{"email":"a","Email":"b"}`), &m))
	assert.Len(t, m, 2, "a map decodes keys case-sensitively")
}

// TestFoldMatchesEncodingJSON checks appendFoldedName against what
// encoding/json decodes: key k reaches a field tagged name exactly when
// their folded forms are equal.
func TestFoldMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	names := []string{"k", "K", "\u212a", "s", "S", "\u017f", "ss", "\u00df", "\u1e9e", "\u03c3", "\u03c2", "\u03a3",
		"i", "I", "\u0130", "\u0131", "a_b", "A_B", "\u00e9", "\u00c9", "\u01c5", "\u01c4", "\u01c6", "\u0345", "\u03b9", "\u1fbe"}
	checked := 0
	for _, name := range names {
		typ := reflect.StructOf([]reflect.StructField{{Name: "F", Type: reflect.TypeOf(""), Tag: reflect.StructTag(`json:"` + name + `"`)}})
		decodes := func(key string) bool {
			v := reflect.New(typ)
			require.NoError(t, json.Unmarshal([]byte(fmt.Sprintf(`{%q:"set"}`, key)), v.Interface()))
			return v.Elem().Field(0).String() == "set"
		}
		if !decodes(name) {
			continue // not a valid tag name (U+0345 is a mark): encoding/json ignores the tag
		}
		checked++
		for _, key := range names {
			decoded := decodes(key)
			folded := string(appendFoldedName(nil, []byte(name))) == string(appendFoldedName(nil, []byte(key)))
			assert.Equal(t, decoded, folded, "field %q, key %q", name, key)
		}
	}
	assert.Equal(t, len(names)-1, checked)
}

// TestManyFoldedKeysStayLinear: a hostile body repeating a declared key
// under many spellings, beside many captured values, is walked in bounded
// work: every repeat is reported, and the poisoned captures are listed once.
func TestManyFoldedKeysStayLinear(t *testing.T) {
	t.Parallel()
	const n = 20000
	var b strings.Builder
	b.WriteString(`{"status_code":200,"connection":{"verification_certificates":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"created_at":"2026-01-05T10:00:00Z","created_at":"2026-01-05T10:00:00Z","Created_At":"x"}`)
	}
	b.WriteString(`]}}`)
	v := newValidator(t)
	st := v.pool.Get().(*state)
	defer v.pool.Put(st)
	root := v.byID["UpdateSAMLConnection"]
	require.NotNil(t, root)
	var schema *node
	for s, nd := range root.nodes {
		if s == root.op.Responses.Status(200).Value.Content.Get("application/json").Schema.Value {
			schema = nd
		}
	}
	require.NotNil(t, schema)
	st.w.caps = st.w.caps[:0]
	st.w.reset([]byte(b.String()), SideResponse, "op", true, false)
	require.NoError(t, st.w.run(schema, v.capture))
	dups := 0
	for _, o := range st.w.out {
		if o.Kind == KindDuplicateKey {
			dups++
		}
	}
	assert.Equal(t, 2*n, dups, "the exact repeat and the folded key of every element")
	assert.Len(t, st.w.poisoned, 1, "one trie node, listed once")
	for _, c := range st.w.caps {
		assert.NotEqual(t, ptrVerifyCerts+"created_at", c.key, "no invariant reads a duplicated value")
	}
}

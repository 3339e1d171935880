package contracttests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// roundTripDiff decodes body into a fresh value of target's type, encodes it
// again and lists every JSON pointer whose value did not survive the trip:
// a field the generated types drop is drift. Timestamps compare as instants
// (time.Time re-encodes "+00:00" as "Z").
func roundTripDiff(body []byte, target any) ([]string, error) {
	typ := reflect.TypeOf(target)
	v := reflect.New(typ)
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, fmt.Errorf("decode into %s: %w", typ, err)
	}
	again, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, fmt.Errorf("re-encode %s: %w", typ, err)
	}
	var before, after any
	if err := json.Unmarshal(body, &before); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(again, &after); err != nil {
		return nil, err
	}
	var diffs []string
	jsonDiff("", before, after, &diffs)
	sort.Strings(diffs)
	return diffs, nil
}

func jsonDiff(ptr string, a, b any, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, ptr+": changed type")
			return
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok {
				*out = append(*out, ptr+"/"+escape(k)+": dropped by the generated type")
				continue
			}
			jsonDiff(ptr+"/"+escape(k), x, y, out)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				*out = append(*out, ptr+"/"+escape(k)+": added by the generated type")
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			*out = append(*out, ptr+": array changed")
			return
		}
		for i := range av {
			jsonDiff(fmt.Sprintf("%s/%d", ptr, i), av[i], bv[i], out)
		}
	case string:
		bs, ok := b.(string)
		if ok && av == bs {
			return
		}
		if ok {
			ta, errA := time.Parse(time.RFC3339Nano, av)
			tb, errB := time.Parse(time.RFC3339Nano, bs)
			if errA == nil && errB == nil && ta.Equal(tb) {
				return
			}
		}
		*out = append(*out, ptr+": value changed")
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, ptr+": value changed")
		}
	}
}

func escape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func TestRoundTripDiffCatchesDrift(t *testing.T) {
	t.Parallel()
	clean := `{"request_id":"r","status_code":200,"connection":{"organization_id":"o","connection_id":"c",
	  "external_organization_id":"eo","external_connection_id":"ec","display_name":"d","status":"active",
	  "external_connection_implicit_role_assignments":[],"external_group_implicit_role_assignments":[{"role_id":"x","group":"g"}]}}`
	diffs, err := roundTripDiff([]byte(clean), stytchsso.UpdateExternalConnectionResponseBody{})
	require.NoError(t, err)
	assert.Empty(t, diffs)

	withNewField := strings.Replace(clean, `"status":"active"`, `"status":"active","brand_new_field":true`, 1)
	diffs, err = roundTripDiff([]byte(withNewField), stytchsso.UpdateExternalConnectionResponseBody{})
	require.NoError(t, err)
	assert.Equal(t, []string{"/connection/brand_new_field: dropped by the generated type"}, diffs)

	nested := strings.Replace(clean, `"group":"g"}`, `"group":"g","weight":3}`, 1)
	diffs, err = roundTripDiff([]byte(nested), stytchsso.UpdateExternalConnectionResponseBody{})
	require.NoError(t, err)
	assert.Equal(t, []string{"/connection/external_group_implicit_role_assignments/0/weight: dropped by the generated type"}, diffs)

	_, err = roundTripDiff([]byte(`{"status_code":"200"}`), stytchsso.UpdateExternalConnectionResponseBody{})
	assert.Error(t, err, "a type mismatch is a decode error")
}

func TestRoundTripDiffTimestampsCompareAsInstants(t *testing.T) {
	t.Parallel()
	body := `{"certificate_id":"","certificate":"c","issuer":"Stytch","created_at":"2026-01-05T10:00:00+00:00"}`
	diffs, err := roundTripDiff([]byte(body), stytchsso.X509Certificate{})
	require.NoError(t, err)
	assert.Empty(t, diffs)
}

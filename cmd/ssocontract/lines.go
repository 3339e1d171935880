package main

import (
	"bytes"
	"encoding/json"

	"go.yaml.in/yaml/v4"
)

// entryLines returns, for each HAR entry (har) or cassette interaction, the
// 1-based line of the file where it starts, indexed like Pair.Index; nil when
// the file does not have the expected shape. It only serves annotations, so
// it is computed for files that have something to annotate.
//
// TODO(lead): this belongs in the capture loaders (a Pair.Line field), which
// already parse the file once.
func entryLines(data []byte, har bool) []int {
	if har {
		return harEntryLines(data)
	}
	return cassetteInteractionLines(data)
}

func harEntryLines(data []byte) []int {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // no newline: lines unchanged
	dec := json.NewDecoder(bytes.NewReader(data))
	if !enterObjectKey(dec, "log") || !enterObjectKey(dec, "entries") {
		return nil
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil
	}
	var lines []int
	line, at := 1, 0
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(data) && (data[start] == ',' || data[start] == ' ' || data[start] == '\t' || data[start] == '\r' || data[start] == '\n') {
			start++
		}
		line += bytes.Count(data[at:start], []byte{'\n'})
		at = start
		lines = append(lines, line)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil
		}
	}
	return lines
}

// enterObjectKey reads an object's opening brace and its members up to the
// value of key, leaving the decoder before that value.
func enterObjectKey(dec *json.Decoder, key string) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if t == key {
			return true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

func cassetteInteractionLines(data []byte) []int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "interactions" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		items := root.Content[i+1].Content
		lines := make([]int, len(items))
		for j, it := range items {
			lines[j] = it.Line
		}
		return lines
	}
	return nil
}

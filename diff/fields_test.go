package diff

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFieldChanges(t *testing.T) {
	tests := []struct {
		name          string
		before, after map[string]any
		want          []FieldChange
	}{
		{name: "both nil"},
		{name: "equal", before: map[string]any{"a": "1", "b": map[string]any{"c": []any{"x"}}}, after: map[string]any{"a": "1", "b": map[string]any{"c": []any{"x"}}}},
		{
			name:   "scalar replaced",
			before: map[string]any{"data": map[string]any{"color": "blue"}},
			after:  map[string]any{"data": map[string]any{"color": "green"}},
			want:   []FieldChange{{Path: "data.color", Op: FieldReplace, Before: "blue", After: "green"}},
		},
		{
			name:   "map keys added and removed",
			before: map[string]any{"data": map[string]any{"old": "1", "same": "2"}},
			after:  map[string]any{"data": map[string]any{"new": "3", "same": "2"}},
			want: []FieldChange{
				{Path: "data.new", Op: FieldAdd, After: "3"},
				{Path: "data.old", Op: FieldRemove, Before: "1"},
			},
		},
		{
			name:   "whole map added",
			before: map[string]any{"kind": "ConfigMap"},
			after:  map[string]any{"kind": "ConfigMap", "data": map[string]any{"a": "1"}},
			want:   []FieldChange{{Path: "data", Op: FieldAdd, After: map[string]any{"a": "1"}}},
		},
		{
			name:  "nil before",
			after: map[string]any{"kind": "ConfigMap"},
			want:  []FieldChange{{Path: "kind", Op: FieldAdd, After: "ConfigMap"}},
		},
		{
			name:   "nested maps",
			before: map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"dnsPolicy": "ClusterFirst", "hostNetwork": false}}}},
			after:  map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"dnsPolicy": "Default", "hostNetwork": true}}}},
			want: []FieldChange{
				{Path: "spec.template.spec.dnsPolicy", Op: FieldReplace, Before: "ClusterFirst", After: "Default"},
				{Path: "spec.template.spec.hostNetwork", Op: FieldReplace, Before: false, After: true},
			},
		},
		{
			name: "list item changed by index",
			before: map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "web", "image": "web:1.0"},
				map[string]any{"name": "sidecar", "image": "proxy:1"},
			}}},
			after: map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "web", "image": "web:1.0"},
				map[string]any{"name": "sidecar", "image": "proxy:2"},
			}}},
			want: []FieldChange{{Path: "spec.containers[1].image", Op: FieldReplace, Before: "proxy:1", After: "proxy:2"}},
		},
		{
			name:   "list items added",
			before: map[string]any{"args": []any{"--a"}},
			after:  map[string]any{"args": []any{"--a", "--b", map[string]any{"c": "d"}}},
			want: []FieldChange{
				{Path: "args[1]", Op: FieldAdd, After: "--b"},
				{Path: "args[2]", Op: FieldAdd, After: map[string]any{"c": "d"}},
			},
		},
		{
			name:   "list items removed",
			before: map[string]any{"args": []any{"--a", "--b", "--c"}},
			after:  map[string]any{"args": []any{"--a"}},
			want: []FieldChange{
				{Path: "args[1]", Op: FieldRemove, Before: "--b"},
				{Path: "args[2]", Op: FieldRemove, Before: "--c"},
			},
		},
		{
			name:   "list item inserted at the front shifts by index",
			before: map[string]any{"args": []any{"--b"}},
			after:  map[string]any{"args": []any{"--a", "--b"}},
			want: []FieldChange{
				{Path: "args[0]", Op: FieldReplace, Before: "--b", After: "--a"},
				{Path: "args[1]", Op: FieldAdd, After: "--b"},
			},
		},
		{
			name:   "nested list in list",
			before: map[string]any{"m": []any{[]any{"a", "b"}}},
			after:  map[string]any{"m": []any{[]any{"a", "c"}}},
			want:   []FieldChange{{Path: "m[0][1]", Op: FieldReplace, Before: "b", After: "c"}},
		},
		{
			name:   "type change map to string",
			before: map[string]any{"spec": map[string]any{"value": map[string]any{"a": "1"}}},
			after:  map[string]any{"spec": map[string]any{"value": "a=1"}},
			want:   []FieldChange{{Path: "spec.value", Op: FieldReplace, Before: map[string]any{"a": "1"}, After: "a=1"}},
		},
		{
			name:   "type change list to map",
			before: map[string]any{"x": []any{"a"}},
			after:  map[string]any{"x": map[string]any{"a": "1"}},
			want:   []FieldChange{{Path: "x", Op: FieldReplace, Before: []any{"a"}, After: map[string]any{"a": "1"}}},
		},
		{
			name:   "type change string to number",
			before: map[string]any{"spec": map[string]any{"replicas": "3"}},
			after:  map[string]any{"spec": map[string]any{"replicas": int64(3)}},
			want:   []FieldChange{{Path: "spec.replicas", Op: FieldReplace, Before: "3", After: int64(3)}},
		},
		{
			name:   "null to value",
			before: map[string]any{"spec": map[string]any{"x": nil}},
			after:  map[string]any{"spec": map[string]any{"x": "set"}},
			want:   []FieldChange{{Path: "spec.x", Op: FieldReplace, Before: nil, After: "set"}},
		},
		{
			name:   "keys with dots and slashes",
			before: map[string]any{"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "web"}}},
			after: map[string]any{"metadata": map[string]any{
				"labels":      map[string]any{"app.kubernetes.io/name": "shop"},
				"annotations": map[string]any{"example.com/owner": "team-a", "plain-key_1": "x"},
			}},
			want: []FieldChange{
				{Path: "metadata.annotations", Op: FieldAdd, After: map[string]any{"example.com/owner": "team-a", "plain-key_1": "x"}},
				{Path: `metadata.labels["app.kubernetes.io/name"]`, Op: FieldReplace, Before: "web", After: "shop"},
			},
		},
		{
			name:   "odd keys are quoted",
			before: map[string]any{"data": map[string]any{"a b": "1", `q"uote`: "1", "config.yaml": "x: 1\n"}},
			after:  map[string]any{"data": map[string]any{"a b": "2", `q"uote`: "2", "config.yaml": "x: 2\n"}},
			want: []FieldChange{
				{Path: `data["a b"]`, Op: FieldReplace, Before: "1", After: "2"},
				{Path: `data["config.yaml"]`, Op: FieldReplace, Before: "x: 1\n", After: "x: 2\n"},
				{Path: `data["q\"uote"]`, Op: FieldReplace, Before: "1", After: "2"},
			},
		},
		{
			name:   "top-level key with a dot",
			before: map[string]any{"a.b": "1"},
			after:  map[string]any{"a.b": "2"},
			want:   []FieldChange{{Path: `["a.b"]`, Op: FieldReplace, Before: "1", After: "2"}},
		},
		{
			name:   "list items under a key with a slash",
			before: map[string]any{"m": map[string]any{"a/b": []any{"x"}}},
			after:  map[string]any{"m": map[string]any{"a/b": []any{"y"}}},
			want:   []FieldChange{{Path: `m["a/b"][0]`, Op: FieldReplace, Before: "x", After: "y"}},
		},
		{
			name: "sorted by path",
			before: map[string]any{
				"spec": map[string]any{"z": "1", "a": "1", "m": map[string]any{"b": "1", "a": "1"}},
				"data": map[string]any{"k": "1"},
			},
			after: map[string]any{
				"spec": map[string]any{"z": "2", "a": "2", "m": map[string]any{"b": "2", "a": "2"}},
				"data": map[string]any{"k": "2"},
			},
			want: []FieldChange{
				{Path: "data.k", Op: FieldReplace, Before: "1", After: "2"},
				{Path: "spec.a", Op: FieldReplace, Before: "1", After: "2"},
				{Path: "spec.m.a", Op: FieldReplace, Before: "1", After: "2"},
				{Path: "spec.m.b", Op: FieldReplace, Before: "1", After: "2"},
				{Path: "spec.z", Op: FieldReplace, Before: "1", After: "2"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FieldChanges(tt.before, tt.after)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FieldChanges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldChangeJSON(t *testing.T) {
	tests := []struct {
		name string
		in   FieldChange
		want string
	}{
		{name: "add", in: FieldChange{Path: "data.a", Op: FieldAdd, After: "1"}, want: `{"path":"data.a","op":"add","after":"1"}`},
		{name: "remove", in: FieldChange{Path: "data.a", Op: FieldRemove, Before: "1"}, want: `{"path":"data.a","op":"remove","before":"1"}`},
		{name: "replace", in: FieldChange{Path: "spec.replicas", Op: FieldReplace, Before: int64(1), After: int64(2)}, want: `{"path":"spec.replicas","op":"replace","before":1,"after":2}`},
		{name: "remove empty string keeps it", in: FieldChange{Path: "data.a", Op: FieldRemove, Before: ""}, want: `{"path":"data.a","op":"remove","before":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFieldChangesListIndexOrder documents a known problem: paths are
// sorted as strings, so index 10 sorts before index 2.
func TestFieldChangesListIndexOrder(t *testing.T) {
	before, after := map[string]any{"args": []any{}}, map[string]any{"args": []any{}}
	for range 11 {
		before["args"] = append(before["args"].([]any), "old")
		after["args"] = append(after["args"].([]any), "new")
	}
	var got []string
	for _, f := range FieldChanges(before, after) {
		got = append(got, f.Path)
	}
	want := []string{"args[0]", "args[1]", "args[2]", "args[3]", "args[4]", "args[5]", "args[6]", "args[7]", "args[8]", "args[9]", "args[10]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paths out of document order (-want +got):\n%s", diff)
	}
}

package cmd

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestWriteObjects(t *testing.T) {
	obj := func(kind, name string) manifests.Object {
		u := &unstructured.Unstructured{Object: map[string]any{}}
		u.SetAPIVersion("v1")
		u.SetKind(kind)
		u.SetName(name)
		return manifests.Object{Unstructured: u}
	}
	objs := []manifests.Object{obj("Namespace", "shop"), obj("ConfigMap", "settings")}
	tests := []struct {
		format string
		want   string
	}{
		{format: "yaml", want: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeObjects(&b, objs, tc.format); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("json is a List in apply order", func(t *testing.T) {
		var b bytes.Buffer
		if err := writeObjects(&b, objs, "json"); err != nil {
			t.Fatal(err)
		}
		var list struct {
			APIVersion, Kind string
			Items            []map[string]any
		}
		if err := json.Unmarshal(b.Bytes(), &list); err != nil {
			t.Fatal(err)
		}
		got := []string{list.APIVersion, list.Kind, list.Items[0]["kind"].(string), list.Items[1]["kind"].(string)}
		if diff := cmp.Diff([]string{"v1", "List", "Namespace", "ConfigMap"}, got); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
	})
}

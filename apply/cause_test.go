package apply

import (
	"encoding/json"
	"testing"

	"github.com/convergehq/converge/diff"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestWithCause(t *testing.T) {
	obj := func(annots map[string]string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a"}}}
		if annots != nil {
			u.SetAnnotations(annots)
		}
		return u
	}
	x := &Executor{Options: Options{ChangeCause: "abc1234 bump"}}
	tests := []struct {
		name      string
		change    diff.Change
		wantPatch string
		wantCause string
	}{
		{name: "create", change: diff.Change{Action: diff.ActionCreate, Desired: obj(nil)}, wantCause: "abc1234 bump"},
		{name: "patch", change: diff.Change{Action: diff.ActionConfigure, Desired: obj(nil), Patch: []byte(`{"data":{"k":"v"}}`)},
			wantPatch: `{"data":{"k":"v"},"metadata":{"annotations":{"kubernetes.io/change-cause":"abc1234 bump"}}}`},
		{name: "patch with annotations", change: diff.Change{Action: diff.ActionConfigure, Desired: obj(nil), Patch: []byte(`{"metadata":{"annotations":{"x":"1"}}}`)},
			wantPatch: `{"metadata":{"annotations":{"kubernetes.io/change-cause":"abc1234 bump","x":"1"}}}`},
		{name: "manifest's cause wins", change: diff.Change{Action: diff.ActionConfigure, Desired: obj(map[string]string{"kubernetes.io/change-cause": "mine"}), Patch: []byte(`{"data":{}}`)},
			wantPatch: `{"data":{}}`, wantCause: "mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := tt.change.Desired.DeepCopy()
			got, err := x.withCause(tt.change)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantPatch != "" {
				var a, b any
				_ = json.Unmarshal([]byte(tt.wantPatch), &a)
				_ = json.Unmarshal(got.Patch, &b)
				if d := cmp.Diff(a, b); d != "" {
					t.Errorf("patch (-want +got):\n%s", d)
				}
			}
			if c := got.Desired.GetAnnotations()["kubernetes.io/change-cause"]; tt.wantCause != "" && c != tt.wantCause {
				t.Errorf("desired cause = %q, want %q", c, tt.wantCause)
			}
			if d := cmp.Diff(orig.Object, tt.change.Desired.Object); d != "" {
				t.Errorf("the plan's Desired was changed (-before +after):\n%s", d)
			}
		})
	}
}

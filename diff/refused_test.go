package diff

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestServerReason(t *testing.T) {
	gk := schema.GroupKind{Group: "apps", Kind: "Deployment"}
	invalid := func(errs ...*field.Error) error { return apierrors.NewInvalid(gk, "web", field.ErrorList(errs)) }
	long := strings.Repeat("x", 300)
	tests := []struct {
		name   string
		err    error
		secret bool
		want   string
	}{
		{
			name: "immutable field",
			err:  invalid(field.Invalid(field.NewPath("spec", "selector"), "app=web2", "field is immutable")),
			want: `spec.selector: Invalid value: "app=web2": field is immutable`,
		},
		{
			name: "two causes",
			err: invalid(field.Invalid(field.NewPath("spec", "clusterIP"), "10.0.0.9", "field is immutable"),
				field.Required(field.NewPath("spec", "ports"), "")),
			want: `spec.clusterIP: Invalid value: "10.0.0.9": field is immutable; spec.ports: Required value`,
		},
		{
			name: "a long value is left out",
			err:  invalid(field.Invalid(field.NewPath("spec", "template"), long, "field is immutable")),
			want: "spec.template: Invalid value (302 characters, not shown): field is immutable",
		},
		{
			name:   "a Secret's causes never quote values",
			err:    invalid(field.Invalid(field.NewPath("data", "password"), "hunter2", "must be shorter")),
			secret: true,
			want:   "data.password: invalid",
		},
		{
			name: "no causes",
			err:  errors.New("plain failure"),
			want: "plain failure",
		},
		{
			name:   "no causes, Secret",
			err:    errors.New("hunter2 rejected"),
			secret: true,
			want:   "the object is invalid",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, serverReason(tt.err, tt.secret)); diff != "" {
				t.Errorf("serverReason (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenameStrings(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"name": "job-x7k2p", "labels": map[string]any{"job-name": "job-x7k2p", "other": "job-x7k2p-not"}},
		"list":     []any{"job-x7k2p", int64(3)},
	}
	want := map[string]any{
		"metadata": map[string]any{"name": "job", "labels": map[string]any{"job-name": "job", "other": "job-x7k2p-not"}},
		"list":     []any{"job", int64(3)},
	}
	if diff := cmp.Diff(want, renameStrings(obj, "job-x7k2p", "job")); diff != "" {
		t.Errorf("renameStrings (-want +got):\n%s", diff)
	}
}

package schemas

import (
	"context"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
)

func TestValidateCoreKindsValid(t *testing.T) {
	set := loadFile(t, "testdata/core/valid.yaml")
	for _, version := range BundledVersions() {
		t.Run(version, func(t *testing.T) {
			cat, err := Bundled(version)
			if err != nil {
				t.Fatal(err)
			}
			res := cat.Validate(context.Background(), set, Options{Strict: true})
			want := Result{Checked: 9}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

// coreInvalid lists the invalid fixtures of testdata/core and every
// problem each must have.
var coreInvalid = []struct {
	file string
	want []finding
}{
	{"deployment.yaml", []finding{
		{"spec.replicas", `must be integer, got string "3"`},
		{"spec.template.spec.containers[0].imagePullPolicy", `must be one of "Always", "IfNotPresent", "Never"; got "Sometimes"`},
		{"spec.template.spec.containers[0].ports[0].containerPort", `must be integer, got string "80"`},
		{"spec.template.spec.containers[0].ports[1]", `required field "containerPort" is missing`},
		{"spec.template.spec.containers[0].ports[1]", `unknown field "contanerPort"`},
		{"spec.template.spec.containers[1]", `required field "image" is missing`},
	}},
	{"service.yaml", []finding{
		{"spec.ports[0].targetPort", "must be integer or string, got boolean true"},
		{"spec.ports[1]", `duplicate entry with port 80 and protocol "TCP" in a list keyed by port and protocol`},
		{"spec.sessionAffinity", `must be one of "ClientIP", "None"; got "Sticky"`},
	}},
	{"configmap.yaml", []finding{
		{"data.enabled", "must be string, got boolean true"},
		{"data.retries", "must be string, got integer 3"},
		{"metadata.labels.tier", `invalid label value "front end": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`},
	}},
	{"secret.yaml", []finding{
		{"data.password", "must be base64-encoded: illegal data at input byte 4; put plain text in stringData instead (the value of a Secret is never shown)"},
		{"data.token", "must be base64-encoded: illegal data at input byte 4; put plain text in stringData instead (the value of a Secret is never shown)"},
	}},
	{"pod.yaml", []finding{
		{"spec.containers[0].resources.limits.memory", `must be a quantity such as "500m", "1Gi" or "1e3", got "1GB"`},
		{"spec.containers[1]", `duplicate entry with name "main" in a list keyed by name`},
		{"spec.containers[1].stdin", `must be boolean, got string "yes"`},
		{"spec.restartPolicy", `must be one of "Always", "Never", "OnFailure"; got "Sometimes"`},
	}},
	{"job.yaml", []finding{
		{"spec.backoffLimit", `must be integer, got string "six"`},
		{"spec.completions", "must fit in int32 (-2147483648 to 2147483647), got 3000000000"},
		{"spec.template.spec.containers[0].command", `must be array, got string "migrate --all"`},
	}},
	{"cronjob.yaml", []finding{
		{"spec", `required field "schedule" is missing`},
		{"spec.concurrencyPolicy", `must be one of "Allow", "Forbid", "Replace"; got "Sometimes"`},
		{"spec.jobTemplate.spec.template.spec.containers[0]", `required field "image" is missing`},
	}},
	{"ingress.yaml", []finding{
		{"spec.rules[0].http.paths[0].backend.service.port.number", `must be integer, got string "80"`},
		{"spec.rules[0].http.paths[0].pathType", `must be one of "Exact", "ImplementationSpecific", "Prefix"; got "Wildcard"`},
		{"spec.rules[1].http", `required field "paths" is missing`},
	}},
	{"clusterrole.yaml", []finding{
		{"rules[0]", `required field "verbs" is missing`},
		{"rules[0]", `unknown field "apiGroup"`},
	}},
}

func TestValidateCoreKindsInvalid(t *testing.T) {
	cat := newest(t)
	for _, tt := range coreInvalid {
		t.Run(tt.file, func(t *testing.T) {
			set := loadFile(t, "testdata/core/"+tt.file)
			res := cat.Validate(context.Background(), set, Options{Strict: true})
			if diff := cmp.Diff(tt.want, findings(res.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if res.Checked != 1 {
				t.Errorf("Checked = %d, want 1", res.Checked)
			}
		})
	}
}

func TestValidateReportsEveryObjectInOrder(t *testing.T) {
	set := loadFile(t, "testdata/core/job.yaml", "testdata/crd.yaml", "testdata/core/clusterrole.yaml")
	cat, crdProblems := newest(t).WithCRDs(set)
	if len(crdProblems) > 0 {
		t.Fatalf("WithCRDs: %v", crdProblems)
	}
	res := cat.Validate(context.Background(), set, Options{Strict: true, Concurrency: 3})
	job := manifests.ObjectID{Group: "batch", Kind: "Job", Namespace: "shop", Name: "migrate"}
	widget := func(name string) manifests.ObjectID {
		return manifests.ObjectID{Group: "example.com", Kind: "Widget", Namespace: "shop", Name: name}
	}
	gadget := manifests.ObjectID{Group: "example.com", Kind: "Gadget", Namespace: "shop", Name: "orphan"}
	role := manifests.ObjectID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "reader"}
	at := func(file string, line int) manifests.Origin { return manifests.Origin{File: file, Line: line} }
	crds := "testdata/crd.yaml"
	pr := func(id manifests.ObjectID, origin manifests.Origin, path, reason string) Problem {
		return Problem{ID: id, Origin: origin, Path: path, Reason: reason}
	}
	want := Result{Checked: 8, Problems: []Problem{
		pr(job, at("testdata/core/job.yaml", 1), "spec.backoffLimit", `must be integer, got string "six"`),
		pr(job, at("testdata/core/job.yaml", 1), "spec.completions", "must fit in int32 (-2147483648 to 2147483647), got 3000000000"),
		pr(job, at("testdata/core/job.yaml", 1), "spec.template.spec.containers[0].command", `must be array, got string "migrate --all"`),
		pr(widget("wrong-type"), manifests.Origin{File: crds, Doc: 2, Line: 130}, "spec.size", `must be integer, got string "3"`),
		pr(widget("unknown-field"), manifests.Origin{File: crds, Doc: 3, Line: 139}, "spec", `unknown field "colour"`),
		pr(widget("missing-image"), manifests.Origin{File: crds, Doc: 4, Line: 149}, "spec", `required field "image" is missing`),
		pr(gadget, manifests.Origin{File: crds, Doc: 5, Line: 157}, "", "no schema for example.com/v1, Kind=Gadget in Kubernetes v1.36; add its CustomResourceDefinition to the set or pass it with --crds, add a --schema-location, use --schemas=cluster, or pass --ignore-missing-schemas"),
		pr(role, at("testdata/core/clusterrole.yaml", 1), "rules[0]", `required field "verbs" is missing`),
		pr(role, at("testdata/core/clusterrole.yaml", 1), "rules[0]", `unknown field "apiGroup"`),
	}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"field", Problem{
			ID:     manifests.ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"},
			Origin: manifests.Origin{File: "app.yaml", Line: 3},
			Path:   "spec.template.spec.containers[0].ports[0].containerPort",
			Reason: `must be integer, got string "80"`,
		}, `deployment.apps/web (ns shop) from app.yaml:3: spec.template.spec.containers[0].ports[0].containerPort: must be integer, got string "80"`},
		{"whole object", Problem{
			ID:     manifests.ObjectID{Group: "example.com", Kind: "Widget", Name: "w"},
			Origin: manifests.Origin{File: "-", Line: 1},
			Reason: "no schema",
		}, `widget.example.com/w from -:1: no schema`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.p.Error()); diff != "" {
				t.Errorf("Error() (-want +got):\n%s", diff)
			}
		})
	}
}

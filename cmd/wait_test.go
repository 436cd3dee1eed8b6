package cmd

import (
	"bytes"
	"testing"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func TestWaitPrinterPlainLines(t *testing.T) {
	web := manifests.ObjectID{Group: "apps", Kind: "Deployment", Name: "web"}
	cm := manifests.ObjectID{Kind: "ConfigMap", Name: "cfg"}
	var out bytes.Buffer
	p := newWaitPrinter(&out)
	steps := [][]apply.Health{
		{{ID: cm, Status: status.CurrentStatus}, {ID: web, Status: status.InProgressStatus, Message: "Available: 0/2"}},
		{{ID: cm, Status: status.CurrentStatus}, {ID: web, Status: status.InProgressStatus, Message: "Available: 1/2"}},
		{{ID: cm, Status: status.CurrentStatus}, {ID: web, Status: status.CurrentStatus}},
	}
	for _, s := range steps {
		p.update(s)
	}
	p.finish()
	want := "waiting: 1/2 healthy; deployment.apps/web: Available: 0/2\nwaiting: 2/2 healthy\n"
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

package diff

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/convergehq/converge/internal/junit"
	"github.com/google/go-cmp/cmp"
)

func TestWriteJUnit(t *testing.T) {
	r := NewReport(reportChangeSet(t), reportIgnore)
	var buf bytes.Buffer
	if err := r.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var got junit.Suites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not JUnit XML: %v\n%s", err, buf.String())
	}
	type kase struct{ Name, Class string }
	var cases []kase
	for _, c := range got.Suites[0].Cases {
		cases = append(cases, kase{c.Name, c.ClassName})
		if c.SystemOut == nil || c.SystemOut.Text == "" {
			t.Errorf("%s has no diff", c.Name)
		}
	}
	want := []kase{
		{"create core/ConfigMap shop/settings", "config/settings.yaml"},
		{"update apps/Deployment shop/web", "deploy/web.yaml"},
		{"update core/Secret shop/db", "secrets/db.yaml"},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
	s := got.Suites[0]
	if s.Name != "converge diff: 1 to create, 2 to update, 3 unchanged" || s.Tests != 3 || s.Failures != 0 {
		t.Errorf("suite = %q, %d tests, %d failures", s.Name, s.Tests, s.Failures)
	}
}

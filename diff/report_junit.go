package diff

import (
	"io"

	"github.com/convergehq/converge/internal/junit"
)

// JUnit returns the report as one JUnit test suite named name: a test
// case per changed object, named by its action and object, with its
// masked unified diff as the case's output. A change the server refuses
// is a failure; every other change passes, so that CI shows the changes
// beside any failure.
func (r Report) JUnit(name string) junit.Suite {
	s := junit.Suite{Name: name}
	for _, e := range r.Entries {
		c := junit.Case{Name: verb(e.Action) + " " + e.Header(), ClassName: e.Origin.File, SystemOut: &junit.Output{Text: e.Unified()}}
		if e.Action == ActionPrune {
			c.ClassName = "no longer in the manifests"
		}
		if e.Reason != "" && e.Action != ActionReplace {
			c.Failures = []junit.Failure{{Message: e.Reason, Text: reasonLine(e)}}
		}
		s.Add(c)
	}
	return s
}

// WriteJUnit prints the report as a JUnit XML document of one suite,
// "converge diff".
func (r Report) WriteJUnit(w io.Writer) error {
	return junit.Write(w, r.JUnit("converge diff: "+r.Summary()))
}

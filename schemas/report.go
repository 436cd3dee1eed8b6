package schemas

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/convergehq/converge/internal/junit"
	"github.com/convergehq/converge/manifests"
)

// Report is a validation result ready to print.
type Report struct {
	// KubernetesVersion is the version the schemas describe.
	KubernetesVersion string
	// Set is the set checked: the JUnit report has a test case for each
	// of its Refs. From ValidateLoad, Set.Objects holds only the objects
	// kept whole (CRDs and custom resources).
	Set    manifests.Set
	Result Result
}

// Valid reports whether no object had a problem.
func (r Report) Valid() bool { return len(r.Result.Problems) == 0 }

// WriteText prints one line per problem and a summary.
func (r Report) WriteText(w io.Writer) error {
	for _, p := range r.Result.Problems {
		if _, err := fmt.Fprintln(w, p.Error()); err != nil {
			return err
		}
	}
	for _, id := range r.Result.Missing {
		fmt.Fprintf(w, "warning: %s: no schema, not checked\n", id)
	}
	invalid := map[manifests.ObjectID]bool{}
	for _, p := range r.Result.Problems {
		if !p.Unavailable {
			invalid[p.ID] = true
		}
	}
	unfetched := r.Result.Unfetched()
	checked := r.Result.Checked - unfetched
	summary := fmt.Sprintf("%d objects checked against Kubernetes %s: %d valid, %d invalid",
		checked, r.KubernetesVersion, checked-len(invalid), len(invalid))
	if n := len(r.Result.Missing); n > 0 {
		summary += fmt.Sprintf(", %d without schema (unchecked)", n)
	}
	if n := unfetched; n > 0 {
		summary += fmt.Sprintf(", %d not checked (schema could not be fetched)", n)
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}

type jsonProblem struct {
	Object string `json:"object"`
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
}

// WriteJSON prints the result as one JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	out := struct {
		Valid             bool          `json:"valid"`
		KubernetesVersion string        `json:"kubernetesVersion"`
		Checked           int           `json:"checked"`
		Problems          []jsonProblem `json:"problems"`
		Unchecked         []string      `json:"unchecked"`
	}{Valid: r.Valid(), KubernetesVersion: r.KubernetesVersion, Checked: r.Result.Checked, Problems: []jsonProblem{}, Unchecked: []string{}}
	for _, p := range r.Result.Problems {
		out.Problems = append(out.Problems, jsonProblem{Object: p.ID.String(), File: p.Origin.File, Line: p.Origin.Line, Path: p.Path, Reason: p.Reason})
	}
	for _, id := range r.Result.Missing {
		out.Unchecked = append(out.Unchecked, id.String())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteJUnit prints a JUnit XML report with one test case per object, for
// CI systems that show test results.
func (r Report) WriteJUnit(w io.Writer) error {
	byID := map[manifests.ObjectID][]Problem{}
	for _, p := range r.Result.Problems {
		byID[p.ID] = append(byID[p.ID], p)
	}
	missing := map[manifests.ObjectID]bool{}
	for _, id := range r.Result.Missing {
		missing[id] = true
	}
	run := junit.Suite{Name: "converge validate (Kubernetes " + r.KubernetesVersion + ")"}
	for _, ref := range r.Set.Refs {
		id := ref.ID
		c := junit.Case{Name: id.String(), ClassName: ref.Origin.File}
		for _, p := range byID[id] {
			c.Failures = append(c.Failures, junit.Failure{Message: p.Path + ": " + p.Reason, Text: p.Error()})
		}
		if missing[id] {
			c.Skipped = &struct{}{}
		}
		run.Add(c)
	}
	return junit.Write(w, run)
}

// Package junit writes JUnit XML reports, the format CI systems (GitLab,
// Jenkins, GitHub test reporters) show as test results. converge validate
// reports one test case per object; converge diff one per change, with
// problems as failures.
package junit

import (
	"encoding/xml"
	"io"
)

// Suites is a report: the <testsuites> root.
type Suites struct {
	XMLName xml.Name `xml:"testsuites"`
	Suites  []Suite  `xml:"testsuite"`
}

// Suite is one <testsuite>, such as one app of a preview.
type Suite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Cases    []Case `xml:"testcase"`
}

// Case is one <testcase>.
type Case struct {
	Name      string    `xml:"name,attr"`
	ClassName string    `xml:"classname,attr"`
	Failures  []Failure `xml:"failure,omitempty"`
	Skipped   *struct{} `xml:"skipped,omitempty"`
	// SystemOut is shown with the case, such as a change's diff.
	SystemOut *Output `xml:"system-out,omitempty"`
}

// Output is text shown with a case, kept as written (CDATA).
type Output struct {
	Text string `xml:",cdata"`
}

// Failure is one <failure> of a case.
type Failure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// Add appends c to s and counts it.
func (s *Suite) Add(c Case) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	if len(c.Failures) > 0 {
		s.Failures++
	}
	if c.Skipped != nil {
		s.Skipped++
	}
}

// Write prints suites as one indented JUnit XML document.
func Write(w io.Writer, suites ...Suite) error {
	if suites == nil {
		suites = []Suite{}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(Suites{Suites: suites}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

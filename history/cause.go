package history

import (
	"strings"

	"github.com/convergehq/converge/apply"
)

// ChangeCauseAnnotation is the annotation kubectl rollout history shows.
const ChangeCauseAnnotation = apply.ChangeCauseAnnotation

// shortSHA is how many hex digits of a commit a cause names, as git's
// default abbreviation.
const shortSHA = 7

// DefaultCause is the change-cause of an apply that was given none: the
// HEAD commit of the git work tree holding the first input path, as
// "<short sha> <subject>", or else the command line.
func DefaultCause(paths []string, args []string) string {
	if c := readSource(paths, false).Cause(); c != "" {
		return c
	}
	return strings.Join(args, " ")
}

// CauseAndSource reads where the manifests at paths come from, for a
// revision, and the change-cause of an apply given none: the git commit's
// "<short sha> <subject>", else the command line args.
func CauseAndSource(paths, args []string) (string, Source) {
	source := ReadSource(paths)
	if c := source.Cause(); c != "" {
		return c, source
	}
	return strings.Join(args, " "), source
}

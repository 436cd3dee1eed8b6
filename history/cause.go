package history

import (
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
)

// ChangeCauseAnnotation is the annotation kubectl rollout history shows.
const ChangeCauseAnnotation = "kubernetes.io/change-cause"

// shortSHA is how many hex digits of a commit a cause names, as git's
// default abbreviation.
const shortSHA = 7

// DefaultCause is the change-cause of an apply that was given none: the
// HEAD commit of the git work tree holding the first input path, as
// "<short sha> <subject>", or else the command line.
func DefaultCause(paths []string, args []string) string {
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		if c, ok := commitCause(p); ok {
			return c
		}
		break
	}
	return strings.Join(args, " ")
}

// commitCause reads the HEAD commit of the repository holding path.
func commitCause(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return "", false
	}
	head, err := repo.Head()
	if err != nil {
		return "", false
	}
	commit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return "", false
	}
	subject, _, _ := strings.Cut(strings.TrimSpace(commit.Message), "\n")
	return head.Hash().String()[:shortSHA] + " " + subject, true
}

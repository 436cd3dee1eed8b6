package sync

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/convergehq/converge/internal/kube"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// ListStatus reads the status of every synced set in namespace.
func ListStatus(ctx context.Context, clients *kube.Clients, namespace string) ([]Status, error) {
	list, err := clients.Dynamic.Resource(configMaps).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=converge"})
	if err != nil {
		return nil, fmt.Errorf("list sync status in namespace %s: %w", namespace, err)
	}
	var out []Status
	for _, cm := range list.Items {
		if _, found, _ := unstructured.NestedString(cm.Object, "data", statusKey); !found || !strings.HasSuffix(cm.GetName(), ".sync") {
			continue
		}
		s, err := statusOf(&cm)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ApplySet < out[j].ApplySet })
	return out, nil
}

// WriteTable prints one line per set: what it syncs, what is applied,
// and how the last attempt went.
func WriteTable(w io.Writer, all []Status) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "APPLYSET\tSOURCE\tREF\tCOMMIT\tREVISION\tLAST ATTEMPT\tRESULT\tPINNED\tNEXT RETRY")
	for _, s := range all {
		last, result := "<none>", "<none>"
		if s.Last != nil {
			last, result = s.Last.Time.Local().Format(time.DateTime), s.Last.Result
		}
		pinned := "no"
		if s.Pinned != nil {
			pinned = fmt.Sprintf("at revision %d", s.Pinned.Revision)
		}
		next := "-"
		if s.NextRetry != nil {
			next = s.NextRetry.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s//%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", s.ApplySet, s.Repo, s.Path, s.Ref, orNone(short(s.Commit)), s.Revision, last, result, pinned, next)
	}
	return tw.Flush()
}

// WriteDetails prints one set's status, with the last attempt's problems
// and any git error.
func WriteDetails(w io.Writer, s Status) error {
	tw := tabwriter.NewWriter(w, 0, 8, 1, ' ', 0)
	fmt.Fprintf(tw, "ApplySet:\t%s\n", s.ApplySet)
	fmt.Fprintf(tw, "Source:\t%s path %s\n", s.Repo, s.Path)
	fmt.Fprintf(tw, "Ref:\t%s\n", s.Ref)
	fmt.Fprintf(tw, "Applied:\tcommit %s, revision %d\n", orNone(s.Commit), s.Revision)
	if s.Pinned != nil {
		fmt.Fprintf(tw, "Pinned:\tat revision %d while git is at %s (converge sync resume lifts it)\n", s.Pinned.Revision, short(s.Pinned.Commit))
	}
	if s.GitError != "" {
		fmt.Fprintf(tw, "Git error:\t%s (since %s)\n", s.GitError, s.GitErrorSince.Local().Format(time.DateTime))
	}
	if s.Last != nil {
		fmt.Fprintf(tw, "Last attempt:\t%s, commit %s: %s\n", s.Last.Time.Local().Format(time.DateTime), orNone(short(s.Last.Commit)), s.Last.Result)
		if s.Last.Message != "" {
			fmt.Fprintf(tw, "\t%s\n", s.Last.Message)
		}
		for _, p := range s.Last.Problems {
			fmt.Fprintf(tw, "\t  %s\n", p)
		}
	}
	if len(s.Drifted) > 0 {
		fmt.Fprintf(tw, "Drifted:\t%s\n", strings.Join(s.Drifted, ", "))
	}
	if s.NextRetry != nil {
		fmt.Fprintf(tw, "Next retry:\t%s\n", s.NextRetry.Local().Format(time.DateTime))
	}
	return tw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

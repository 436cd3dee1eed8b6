package apply

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/parallel"
	authv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
)

// Permission is one verb on one resource in one namespace ("" for a
// cluster-scoped resource).
type Permission struct {
	Verb, Group, Resource, Namespace string
}

// String reads as "create deployments.apps in shop".
func (p Permission) String() string {
	s := p.Verb + " " + p.Resource
	if p.Group != "" {
		s += "." + p.Group
	}
	if p.Namespace != "" {
		s += " in " + p.Namespace
	}
	return s
}

// PermissionError lists the writes of a plan the user may not make;
// nothing was applied.
type PermissionError struct {
	Missing []Permission
}

// Error lists each missing permission.
func (e *PermissionError) Error() string {
	lines := make([]string, len(e.Missing))
	for i, p := range e.Missing {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("the plan needs permissions you do not have:\n%s\nask for them in the cluster's RBAC, or check --context and --kubeconfig", strings.Join(lines, "\n"))
}

// permissions lists, once each, the verbs the plan's writes need.
func (x *Executor) permissions(cs diff.ChangeSet) []Permission {
	seen := map[Permission]bool{}
	add := func(verb string, m *meta.RESTMapping, ns string) {
		if m == nil {
			return
		}
		seen[Permission{Verb: verb, Group: m.Resource.Group, Resource: m.Resource.Resource, Namespace: ns}] = true
	}
	for _, c := range cs.Changes {
		switch c.Action {
		case diff.ActionCreate:
			add("create", c.Mapping, c.ID.Namespace)
			if c.ServerSide {
				add("patch", c.Mapping, c.ID.Namespace) // an apply patch creates it
			}
		case diff.ActionConfigure:
			add("patch", c.Mapping, c.ID.Namespace)
		case diff.ActionReplace:
			add("delete", c.Mapping, c.ID.Namespace)
			add("create", c.Mapping, c.ID.Namespace)
		case diff.ActionPrune:
			add("delete", c.Mapping, c.ID.Namespace)
		}
	}
	if x.set != nil {
		add("patch", x.set.parent.Mapping, x.set.parent.Namespace)
		if !x.set.before.Exists {
			add("create", x.set.parent.Mapping, x.set.parent.Namespace)
		}
	}
	out := make([]Permission, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// preflight asks the server, with one SelfSubjectAccessReview per
// permission, all in parallel, whether every write of the plan is allowed.
// If any is not, nothing is applied.
func (x *Executor) preflight(ctx context.Context, cs diff.ChangeSet) error {
	if x.Options.DryRun == DryRunClient {
		return nil
	}
	perms := x.permissions(cs)
	if len(perms) == 0 {
		return nil
	}
	client, err := authclient.NewForConfig(x.Planner.Clients.Config)
	if err != nil {
		return err
	}
	allowed := make([]bool, len(perms))
	errs := make([]error, len(perms))
	parallel.Do(x.concurrency(), len(perms), func(i int) {
		allowed[i], errs[i] = review(ctx, client, perms[i])
	})
	var missing []Permission
	for i, p := range perms {
		if errs[i] != nil {
			return fmt.Errorf("check permission to %s: %w", p, errs[i])
		}
		if !allowed[i] {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return &PermissionError{Missing: missing}
	}
	return nil
}

func review(ctx context.Context, client authclient.AuthorizationV1Interface, p Permission) (bool, error) {
	r := &authv1.SelfSubjectAccessReview{Spec: authv1.SelfSubjectAccessReviewSpec{
		ResourceAttributes: &authv1.ResourceAttributes{Verb: p.Verb, Group: p.Group, Resource: p.Resource, Namespace: p.Namespace},
	}}
	res, err := client.SelfSubjectAccessReviews().Create(ctx, r, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return res.Status.Allowed, nil
}

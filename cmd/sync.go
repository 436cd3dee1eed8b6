package cmd

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/internal/kube"
	gsync "github.com/convergehq/converge/sync"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// syncFlags are the raw flag values of `converge sync`.
type syncFlags struct {
	Repo, Ref, Path, ApplySet string
	Interval, Timeout         time.Duration
	Once, Prune, Wait         bool
	SelfHeal                  bool
	CacheDir                  string
	HistoryLimit              int
	PruneAllow                []string
	Ignore                    []string
	VerifySignatures          string
	Auth                      gsync.AuthOptions
}

// syncOptions are validated sync settings; the ApplySet and the auth are
// resolved against the cluster and the files later.
type syncOptions struct {
	Sync     gsync.Options
	ApplySet string
	Once     bool
	Auth     gsync.AuthOptions
	// Keyring is the --verify-signatures file, "" for none.
	Keyring string
}

// toOptions validates the flags. It is pure.
func (f syncFlags) toOptions() (syncOptions, error) {
	switch {
	case f.Repo == "":
		return syncOptions{}, fmt.Errorf("--repo URL is required: an https://, ssh:// or file:// URL, or a local path")
	case f.ApplySet == "":
		return syncOptions{}, fmt.Errorf("--applyset NAME is required: sync keeps the set's members, history and status under it")
	case f.Interval < 0 || f.Timeout < 0:
		return syncOptions{}, fmt.Errorf("--interval and --timeout take positive durations, such as 1m")
	case f.HistoryLimit < 0:
		return syncOptions{}, fmt.Errorf("invalid --history-limit %d: use a positive number of revisions, or 0 to keep them all", f.HistoryLimit)
	}
	ref, err := gsync.ParseRef(f.Ref)
	if err != nil {
		return syncOptions{}, err
	}
	prune, err := pruneFlags{Prune: true, ApplySet: f.ApplySet, Allow: f.PruneAllow}.toOptions()
	if err != nil {
		return syncOptions{}, err
	}
	ignore, err := parseIgnores(f.Ignore)
	if err != nil {
		return syncOptions{}, err
	}
	return syncOptions{
		ApplySet: f.ApplySet, Once: f.Once, Auth: f.Auth, Keyring: f.VerifySignatures,
		Sync: gsync.Options{Repo: f.Repo, Ref: ref, Path: f.Path, CacheDir: f.CacheDir, Interval: f.Interval,
			HistoryLimit: f.HistoryLimit, Drift: !f.Once, SelfHeal: f.SelfHeal, Ignore: ignore,
			Apply: apply.Options{SkipPrune: !f.Prune, PruneAllow: prune.Allow, Cascade: prune.Cascade,
				Wait: f.Wait, Timeout: f.Timeout, DryRun: apply.DryRunNone, Version: version}},
	}, nil
}

// defaultCacheDir is where sync keeps fetched commits.
func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "converge", "git")
}

func newSyncCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	f := syncFlags{}
	cmd := &cobra.Command{
		Use:   "sync --repo URL --ref REF --path DIR --applyset NAME",
		Short: "Keep the cluster converged to a path of a git repository",
		Long: `sync pulls a git repository and keeps an ApplySet converged to one of its
paths, with the same plan, prune and history as converge apply. Each cycle
asks the remote for the ref; when it moved, sync fetches the commit, renders
it (-f DIR -R, or -k DIR for a kustomization), validates it against the
cluster's schemas, applies and prunes it, and records a revision whose source
is the commit and whose change-cause is "<short sha> <subject>".

A commit that cannot be applied applies nothing; converge sync status shows
its problems as path:line, and it is not tried again until a new commit
arrives. After converge undo, sync leaves the set at the undo until a new
commit arrives, or converge sync resume.

--ref is a branch (main), a tag (tag:v1.2.0), a semver range over tags
('semver:>=0.2.0 <1.0.0'), or a commit SHA.`,
		Example: `  converge sync --repo https://github.com/org/apps --ref main --path apps/flask --applyset flask -n flask
  converge sync --repo ./apps --ref 'semver:>=0.2.0' --path prod --applyset shop --once
  converge sync status --applyset flask -n flask`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return err
			}
			return runSync(cmd.Context(), config, o, streams)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Repo, "repo", "", "the git repository: https://, ssh://, git@host:path, file:// or a local path")
	fl.StringVar(&f.Ref, "ref", "main", "a branch, tag:NAME, semver:RANGE or a commit SHA")
	fl.StringVar(&f.Path, "path", ".", "the directory inside the repository to apply")
	fl.StringVar(&f.ApplySet, "applyset", "", "the ApplySet that holds the synced objects: NAME (a Secret in the namespace), configmaps/NAME or KIND.GROUP/NAME")
	fl.DurationVar(&f.Interval, "interval", gsync.DefaultInterval, "how often to ask the remote whether the ref moved")
	fl.BoolVar(&f.Once, "once", false, "run one cycle and exit: 0 when in sync afterwards, 1 when the cycle failed")
	fl.BoolVar(&f.Prune, "prune", true, "delete the members of the set that the commit no longer holds")
	fl.StringSliceVar(&f.PruneAllow, "prune-allow", nil, "kinds prune may delete although that deletes everything inside them: namespaces, customresourcedefinitions")
	fl.BoolVar(&f.SelfHeal, "self-heal", false, "apply again, at once, the objects whose managed fields someone changed in the cluster (drift is always reported in the log and the status)")
	fl.StringArrayVar(&f.Ignore, "ignore", nil, "a field others own, not drift: spec.replicas, /spec/replicas or Deployment:spec.replicas; repeatable, as in diff")
	fl.BoolVar(&f.Wait, "wait", false, "after each apply, wait until every applied object is healthy")
	fl.DurationVar(&f.Timeout, "timeout", 0, "how long --wait waits (0 means 5m)")
	fl.StringVar(&f.CacheDir, "cache-dir", defaultCacheDir(), "where fetched commits are kept between cycles and runs")
	fl.IntVar(&f.HistoryLimit, "history-limit", history.DefaultLimit, "how many revisions of the set to keep (0 keeps all)")
	fl.StringVar(&f.VerifySignatures, "verify-signatures", "", "an armored OpenPGP keyring file: refuse commits not signed by one of its keys")
	fl.StringVar(&f.Auth.Username, "git-username", "", `user for https or ssh (default "git")`)
	fl.StringVar(&f.Auth.PasswordFile, "git-password-file", "", "file holding the https password or token")
	fl.StringVar(&f.Auth.PasswordEnv, "git-password-env", "", "environment variable holding the https password or token")
	fl.StringVar(&f.Auth.SSHKeyFile, "ssh-key", "", "private key file, for an ssh remote")
	fl.StringVar(&f.Auth.KnownHostsFile, "known-hosts", "", "known_hosts file the ssh server's key is checked against (default ~/.ssh/known_hosts)")
	cmd.AddCommand(newSyncStatusCommand(config, streams), newSyncResumeCommand(config, streams))
	return cmd
}

func runSync(ctx context.Context, config *genericclioptions.ConfigFlags, o syncOptions, streams genericiooptions.IOStreams) error {
	clients, parent, err := syncTarget(ctx, config, o.ApplySet)
	if err != nil {
		return err
	}
	o.Sync.Apply.ApplySet = &parent
	if o.Sync.Auth, err = o.Auth.Method(o.Sync.Repo); err != nil {
		return err
	}
	if o.Keyring != "" {
		data, err := os.ReadFile(o.Keyring)
		if err != nil {
			return fmt.Errorf("--verify-signatures: %w", err)
		}
		o.Sync.Keyring = string(data)
	}
	o.Sync.Log = slog.New(slog.NewTextHandler(streams.ErrOut, nil))
	s, err := gsync.New(ctx, clients, o.Sync)
	if err != nil {
		return err
	}
	if !o.Once {
		return s.RunWithLease(ctx, gsync.Identity())
	}
	var a gsync.Attempt
	err = s.WithLease(ctx, gsync.Identity(), func(ctx context.Context) error {
		var err error
		a, err = s.RunOnce(ctx)
		return err
	})
	return reportOnce(streams, parent, a, err)
}

// reportOnce prints the outcome of sync --once, and fails when the cycle
// did.
func reportOnce(streams genericiooptions.IOStreams, parent applyset.Parent, a gsync.Attempt, err error) error {
	if a.Result == gsync.ResultFailed || (a.Result == "" && err != nil) {
		if err == nil {
			err = fmt.Errorf("%s", a.Message)
		}
		return fmt.Errorf("applyset %s: the cycle failed; converge sync status --applyset %s shows why: %w", parent.Name, parent.Name, err)
	}
	fmt.Fprintf(streams.Out, "applyset %s: %s at %s", parent.Name, a.Result, a.Commit)
	if a.Message != "" {
		fmt.Fprintf(streams.Out, " (%s)", a.Message)
	}
	fmt.Fprintln(streams.Out)
	return err
}

// syncTarget connects to the cluster and finds the ApplySet parent ref
// names.
func syncTarget(ctx context.Context, config *genericclioptions.ConfigFlags, ref string) (*kube.Clients, applyset.Parent, error) {
	clients, err := kube.New(config)
	if err != nil {
		return nil, applyset.Parent{}, err
	}
	if err := clients.Ping(ctx); err != nil {
		return nil, applyset.Parent{}, err
	}
	parent, err := applyset.ParseRef(ref, clients.Mapper, clients.Namespace)
	return clients, parent, err
}

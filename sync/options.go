package sync

import (
	"log/slog"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// DefaultInterval is how often sync asks the remote for the ref.
const DefaultInterval = time.Minute

// MaxBackoff bounds the wait before a failed cycle is tried again.
const MaxBackoff = 5 * time.Minute

// Options configure a sync of one git path into one ApplySet.
type Options struct {
	// Repo is the repository URL: https://, ssh://, git@host:path,
	// file:// or a local path.
	Repo string
	// Ref picks the commit.
	Ref Ref
	// Path is the directory inside the repository: read as -f DIR -R, or
	// as -k DIR when it holds a kustomization.
	Path string
	// Auth authenticates to the remote; nil for none.
	Auth transport.AuthMethod
	// CacheDir keeps the fetched commits between cycles and runs.
	CacheDir string
	// Apply configures each apply: ApplySet (required), SkipPrune, Wait,
	// Timeout and the prune settings. Sync sets the change-cause.
	Apply apply.Options
	// HistoryLimit is how many revisions of the set to keep.
	HistoryLimit int
	// Keyring, when set, is an armored OpenPGP keyring: a commit not
	// signed by one of its keys is refused.
	Keyring string
	// Drift watches the applied objects with informers and reports a
	// change to a managed field; SelfHeal also applies the drifted objects
	// again.
	Drift, SelfHeal bool
	// Ignore are fields others own, as diff's --ignore: a change to them
	// is not drift.
	Ignore []diff.IgnoreRule
	// Interval is how often to ask the remote; 0 means DefaultInterval.
	Interval time.Duration
	// Log receives what each cycle did; nil discards it.
	Log *slog.Logger
}

func (o Options) interval() time.Duration {
	if o.Interval <= 0 {
		return DefaultInterval
	}
	return o.Interval
}

package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/convergehq/converge/history"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The results of a cycle.
const (
	ResultApplied     = "applied"
	ResultUnchanged   = "unchanged"
	ResultFailed      = "failed"
	ResultPinned      = "pinned"
	ResultInterrupted = "interrupted"
)

// FieldManager owns the sync status.
const FieldManager = "converge-sync"

// statusKey is the data key of the status ConfigMap.
const statusKey = "status"

// Attempt is one sync cycle that did something, or failed to.
type Attempt struct {
	Time time.Time `json:"time"`
	// Commit is the commit the cycle worked on.
	Commit string `json:"commit,omitempty"`
	// Result is applied, unchanged, failed, pinned or interrupted.
	Result string `json:"result"`
	// Message says what happened, or why it failed.
	Message string `json:"message,omitempty"`
	// Problems are a bad commit's problems, each as path:line at that
	// commit.
	Problems []string `json:"problems,omitempty"`
}

// Pin is a rollback that sticks: `converge undo` ran on the set, so sync
// leaves it at Revision while git stays at Commit.
type Pin struct {
	Revision int    `json:"revision"`
	Commit   string `json:"commit"`
}

// Status is what sync knows of one set, kept in the cluster beside the
// ApplySet parent, so any machine can read it.
type Status struct {
	ApplySet string `json:"applyset"`
	Repo     string `json:"repo"`
	Ref      string `json:"ref"`
	Path     string `json:"path"`
	// Commit is the commit applied, and Revision the set's revision sync
	// recorded (or acknowledged, after resume).
	Commit   string `json:"commit,omitempty"`
	Revision int    `json:"revision,omitempty"`
	// Last is the last attempt.
	Last *Attempt `json:"lastAttempt,omitempty"`
	// FailedCommit is a commit that could not be applied; it is not tried
	// again until another commit arrives.
	FailedCommit string `json:"failedCommit,omitempty"`
	// Drifted names the objects whose managed fields differ from git.
	Drifted []string `json:"drifted,omitempty"`
	// Pinned is set while an undo holds the set.
	Pinned *Pin `json:"pinned,omitempty"`
	// GitError is why the remote could not be read, since GitErrorSince.
	GitError      string     `json:"gitError,omitempty"`
	GitErrorSince *time.Time `json:"gitErrorSince,omitempty"`
	// NextRetry is when a failed cycle is tried again.
	NextRetry *time.Time `json:"nextRetry,omitempty"`
	// ResumeSeen is the latest `converge sync resume` sync acted on.
	ResumeSeen *time.Time `json:"resumeSeen,omitempty"`
	// ResumedAt is when `converge sync resume` last ran, kept in its own
	// key of the ConfigMap, which sync never writes.
	ResumedAt *time.Time `json:"-"`
	// UndoAt is when `converge undo` last started on the set, written in
	// its own key before the undo writes anything; UndoSeen is the latest
	// one sync acted on. Drift is not checked in between, so an undo under
	// way is never healed away.
	UndoAt   *time.Time `json:"-"`
	UndoSeen *time.Time `json:"undoSeen,omitempty"`
}

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// statusName is the ConfigMap that holds the status of store's set.
func statusName(store history.Store) string { return store.BaseName() + ".sync" }

// ReadStatus reads the sync status of store's set; found is false when
// sync never ran on it.
func ReadStatus(ctx context.Context, store history.Store) (Status, bool, error) {
	cm, err := store.Clients.Dynamic.Resource(configMaps).Namespace(store.Namespace()).Get(ctx, statusName(store), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return Status{}, false, nil
	}
	if err != nil {
		return Status{}, false, fmt.Errorf("applyset %s: read sync status: %w", store.Parent, err)
	}
	st, err := statusOf(cm)
	return st, err == nil, err
}

// statusOf reads a status ConfigMap.
func statusOf(cm *unstructured.Unstructured) (Status, error) {
	raw, _, _ := unstructured.NestedString(cm.Object, "data", statusKey)
	var s Status
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return Status{}, fmt.Errorf("configmap %s/%s: read data.%s: %w; delete it to start afresh", cm.GetNamespace(), cm.GetName(), statusKey, err)
		}
	}
	s.ResumedAt, s.UndoAt = timeKey(cm, resumeKey), timeKey(cm, undoKey)
	return s, nil
}

// timeKey reads a time written by WriteResume or WriteUndo.
func timeKey(cm *unstructured.Unstructured, key string) *time.Time {
	at, _, _ := unstructured.NestedString(cm.Object, "data", key)
	t, err := time.Parse(time.RFC3339Nano, at)
	if at == "" || err != nil {
		return nil
	}
	return &t
}

// resumeKey and undoKey are the data keys `converge sync resume` and
// `converge undo` write, each as its own field manager, so that they never
// race with sync's own writes.
const (
	resumeKey     = "resume"
	resumeManager = "converge-sync-resume"
	undoKey       = "undo"
	undoManager   = "converge-undo"
)

// WriteUndo tells a sync of store's set, before an undo writes anything,
// that an undo is under way.
func WriteUndo(ctx context.Context, store history.Store, at time.Time) error {
	return applyData(ctx, store, undoManager, map[string]any{undoKey: at.UTC().Format(time.RFC3339Nano)})
}

// WriteResume asks the sync of store's set to follow git again.
func WriteResume(ctx context.Context, store history.Store, at time.Time) error {
	return applyData(ctx, store, resumeManager, map[string]any{resumeKey: at.UTC().Format(time.RFC3339Nano)})
}

// WriteStatus stores s with server-side apply, as FieldManager.
func WriteStatus(ctx context.Context, store history.Store, s Status) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return applyData(ctx, store, FieldManager, map[string]any{statusKey: string(raw)})
}

// applyData sets keys of the status ConfigMap, as manager.
func applyData(ctx context.Context, store history.Store, manager string, data map[string]any) error {
	cm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{
			"name": statusName(store), "namespace": store.Namespace(),
			"labels": map[string]any{history.LabelApplySet: store.Parent.ID(), "app.kubernetes.io/managed-by": "converge"},
		},
		"data": data,
	}}
	_, err := store.Clients.Dynamic.Resource(configMaps).Namespace(store.Namespace()).Apply(ctx, statusName(store), cm, metav1.ApplyOptions{FieldManager: manager, Force: true})
	if err != nil {
		return fmt.Errorf("applyset %s: write sync status: %w", store.Parent, err)
	}
	return nil
}

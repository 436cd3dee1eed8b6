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
	raw, _, _ := unstructured.NestedString(cm.Object, "data", statusKey)
	var s Status
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return Status{}, false, fmt.Errorf("configmap %s/%s: read data.%s: %w; delete it to start afresh", store.Namespace(), cm.GetName(), statusKey, err)
	}
	return s, true, nil
}

// WriteStatus stores s with server-side apply, as FieldManager.
func WriteStatus(ctx context.Context, store history.Store, s Status) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	cm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{
			"name": statusName(store), "namespace": store.Namespace(),
			"labels": map[string]any{history.LabelApplySet: store.Parent.ID(), "app.kubernetes.io/managed-by": "converge"},
		},
		"data": map[string]any{statusKey: string(raw)},
	}}
	_, err = store.Clients.Dynamic.Resource(configMaps).Namespace(store.Namespace()).Apply(ctx, statusName(store), cm, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("applyset %s: write sync status: %w", store.Parent, err)
	}
	return nil
}

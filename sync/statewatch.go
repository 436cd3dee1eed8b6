package sync

import (
	"context"
	"fmt"

	"github.com/convergehq/converge/history"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"
)

// stateWatch keeps the set's status ConfigMap and its history's revisions
// from watches, so that a cycle that finds nothing to do sends no API
// request.
type stateWatch struct {
	status, heads cache.Store
	// stop ends the watches.
	stop context.CancelFunc
}

// startStateWatch starts the watches and waits until they have listed.
func (s *Syncer) startStateWatch(ctx context.Context) error {
	ns := s.store.Namespace()
	cms := dynamicinformer.NewFilteredDynamicSharedInformerFactory(s.clients.Dynamic, 0, ns, func(o *metav1.ListOptions) {
		o.FieldSelector = "metadata.name=" + statusName(s.store)
	})
	heads := metadatainformer.NewFilteredSharedInformerFactory(s.clients.Metadata, 0, ns, func(o *metav1.ListOptions) {
		o.LabelSelector = fmt.Sprintf("%s=%s,%s=0", history.LabelApplySet, s.store.Parent.ID(), history.LabelPart)
	})
	cmInformer := cms.ForResource(configMaps).Informer()
	headInformer := heads.ForResource(history.SecretsResource).Informer()
	wctx, cancel := context.WithCancel(ctx)
	cms.Start(wctx.Done())
	heads.Start(wctx.Done())
	if !waitSynced(wctx, []cache.InformerSynced{cmInformer.HasSynced, headInformer.HasSynced}) {
		cancel()
		return fmt.Errorf("applyset %s: watch the sync status and history in namespace %s: no answer within %s", s.store.Parent, ns, syncTimeout)
	}
	s.state = &stateWatch{status: cmInformer.GetStore(), heads: headInformer.GetStore(), stop: cancel}
	return nil
}

// readStatus reads the status from the watch, or else from the cluster.
func (s *Syncer) readStatus(ctx context.Context) (Status, bool, error) {
	if s.state == nil {
		return ReadStatus(ctx, s.store)
	}
	obj, found, err := s.state.status.GetByKey(s.store.Namespace() + "/" + statusName(s.store))
	if err != nil || !found {
		return Status{}, false, err
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return Status{}, false, fmt.Errorf("sync status: unexpected %T in the watch", obj)
	}
	st, err := statusOf(u)
	return st, err == nil, err
}

// listRevisions lists the set's revisions from the watch, or else from
// the cluster.
func (s *Syncer) listRevisions(ctx context.Context) ([]history.Revision, error) {
	if s.state == nil {
		return s.store.List(ctx)
	}
	var items []*metav1.PartialObjectMetadata
	for _, obj := range s.state.heads.List() {
		if m, ok := obj.(*metav1.PartialObjectMetadata); ok {
			items = append(items, m)
		}
	}
	return history.Heads(items)
}

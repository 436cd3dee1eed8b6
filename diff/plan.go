package diff

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// DefaultConcurrency is how many objects are read from the cluster at once.
const DefaultConcurrency = 16

// Options tune planning.
type Options struct {
	// Concurrency bounds parallel reads of live objects and dry runs.
	Concurrency int
	// FieldManager names the manager of dry-run requests, as apply's.
	FieldManager string
	// Force plans a change the server refuses to make in place as a
	// delete and re-create (ActionReplace), as kubectl apply --force.
	Force bool
	// Memo remembers server verdicts across plans; nil remembers none.
	Memo Memo
	// Labels are set on every object, outside the last-applied
	// annotation, such as an ApplySet's part-of label: kubectl apply and
	// diff of the same manifests then neither show nor remove them.
	Labels map[string]string
	// ServerSide plans server-side apply: each object is sent whole as an
	// apply patch, owned by FieldManager, and predicted by the server's
	// dry run of it.
	ServerSide bool
	// ForceConflicts takes over fields other managers own, with
	// ServerSide.
	ForceConflicts bool
	// KeepAnnotations are annotations a server-side apply sends with their
	// live values when the manifest does not set them: annotations apply
	// writes outside the manifest, such as the change-cause.
	KeepAnnotations []string
}

// Planner computes changes against one cluster.
type Planner struct {
	Clients *kube.Clients
	Options Options
	// index holds live objects listed for the Plan in progress; it is nil
	// otherwise, so a re-plan after a conflict reads fresh state.
	index *liveIndex
	// defined maps the kinds the set's CRDs define, for custom resources
	// planned before the cluster serves their kind.
	defined map[schema.GroupVersionKind]*meta.RESTMapping
	// mappings caches the RESTMapper's answers by kind: the discovery
	// mapper allocates on every call.
	mappings sync.Map
	// metaListed and fullListed are what the last Plan listed, metadata
	// only and whole, until ForgetListed.
	metaListed, fullListed *liveIndex
}

// Listed returns what the last Plan listed of a resource in a namespace
// ("" when cluster-scoped), by name, if it listed it: whole objects, or,
// unless full is asked for, their metadata. A caller that needs the same
// LIST (such as an ApplySet's members) need not send it again.
func (p *Planner) Listed(r schema.GroupVersionResource, ns string, full bool) (map[string]*unstructured.Unstructured, bool) {
	k := liveKey{resource: r, namespace: ns}
	for _, ix := range []*liveIndex{p.fullListed, p.metaListed} {
		if ix == nil || (full && ix == p.metaListed) {
			continue
		}
		if objs, ok := ix.listed[k]; ok {
			return objs, true
		}
	}
	return nil, false
}

// ForgetListed drops what the last Plan listed.
func (p *Planner) ForgetListed() { p.metaListed, p.fullListed = nil, nil }

// restMapping returns the mapping of gvk, cached.
func (p *Planner) restMapping(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	if m, ok := p.mappings.Load(gvk); ok {
		return m.(*meta.RESTMapping), nil
	}
	m, err := p.Clients.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err == nil {
		p.mappings.Store(gvk, m)
	}
	return m, err
}

// ResetMappings forgets the cached REST mappings and resets the
// RESTMapper, so kinds a CRD just made served are found.
func (p *Planner) ResetMappings() {
	p.mappings.Clear()
	if r, ok := p.Clients.Mapper.(meta.ResettableRESTMapper); ok {
		r.Reset()
	}
}

// Plan computes the change for every object of set, in apply order. Errors
// for individual objects are collected, not returned at the first one: the
// returned error joins every *manifests.ObjectError, and the ChangeSet then
// holds only the objects that planned.
func (p *Planner) Plan(ctx context.Context, set manifests.Set) (ChangeSet, error) {
	objs := set.Sorted()
	p.defined = definedKinds(objs)
	changes := make([]Change, len(objs))
	modified := make([][]byte, len(objs))
	errs := make([]error, len(objs))
	parallel.Do(p.concurrency(), len(objs), func(i int) {
		changes[i], modified[i], errs[i] = p.prepare(objs[i])
		if errs[i] == nil {
			// The prepared copy serves from here on, so the object as
			// read can be collected: a large set is not held twice.
			objs[i] = manifests.Object{Unstructured: changes[i].Desired, Origin: objs[i].Origin}
		}
	})
	rest := p.planFromMemo(ctx, changes, modified, errs)
	p.index = p.prefetch(ctx, pick(objs, rest))
	p.fullListed = p.index
	defer func() { p.index = nil }()
	parallel.Do(p.concurrency(), len(rest), func(j int) {
		i := rest[j]
		errs[i] = p.finish(ctx, &changes[i], modified[i])
		if errs[i] == nil && changes[i].Action == ActionConfigure && changes[i].Check != CheckServer {
			// Verified right away, so the server's dry runs overlap
			// with the planning of the other objects.
			errs[i] = p.verifyOne(ctx, &changes[i])
		}
	})
	var cs ChangeSet
	for i := range objs {
		if errs[i] == nil {
			cs.Changes = append(cs.Changes, changes[i])
		}
	}
	return cs, errors.Join(errs...)
}

// Replannable returns the object a change was prepared from, for planning
// it again: Desired, copied, without the labels Options.Labels stamped.
func (p *Planner) Replannable(c Change) manifests.Object {
	obj := c.Desired.DeepCopy()
	labels := obj.GetLabels()
	for k := range p.Options.Labels {
		delete(labels, k)
	}
	if len(labels) == 0 {
		labels = nil
	}
	obj.SetLabels(labels)
	return manifests.Object{Unstructured: obj, Origin: c.Origin}
}

// PlanObject computes the change for one object.
func (p *Planner) PlanObject(ctx context.Context, o manifests.Object) (Change, error) {
	c, modified, err := p.prepare(o)
	if err != nil {
		return c, err
	}
	return c, p.finish(ctx, &c, modified)
}

// prepare makes the change of o ready to plan, without reading the
// cluster: its identity and resource, and Desired, namespaced, with the
// last-applied annotation kubectl would give it and without null fields.
// It returns kubectl's modified configuration too: Desired serialised, nulls
// included.
func (p *Planner) prepare(o manifests.Object) (Change, []byte, error) {
	obj := o.DeepCopy()
	c := Change{Origin: o.Origin, ID: manifests.Object{Unstructured: obj}.ID()}
	mapping, ns, err := p.resolve(obj)
	if err != nil {
		return c, nil, &manifests.ObjectError{ID: c.ID, Origin: o.Origin, Op: "resolve", Err: err}
	}
	obj.SetNamespace(ns)
	c.ID.Namespace = ns
	c.Mapping = mapping
	c.Pending = p.defined[obj.GroupVersionKind()] == mapping
	modified, err := p.lastApplied(obj)
	if err == nil && annotationsSize(obj) > maxAnnotationsSize {
		// kubectl fails with "metadata.annotations: Too long"; without
		// the annotation the object can only be applied server-side.
		c.ServerSide = true
		c.Warning = fmt.Sprintf("its last-applied annotation would be %d bytes, over the server's limit of %d for all annotations: applied server-side, without it", len(obj.GetAnnotations()[LastAppliedAnnotation]), maxAnnotationsSize)
		// obj keeps the labels lastApplied stamped.
		_, modified, err = stripLastApplied(obj)
	}
	if err != nil {
		return c, nil, &manifests.ObjectError{ID: c.ID, Origin: o.Origin, Op: "encode", Err: err}
	}
	if p.Options.ServerSide {
		c.ServerSide = true
	}
	if c.ServerSide {
		modified = serverSideKey(p.Options.ForceConflicts, modified)
	}
	dropNullFields(obj.Object)
	c.Desired = obj
	return c, modified, nil
}

// maxAnnotationsSize is the API server's limit on the total size of an
// object's annotations, keys and values.
const maxAnnotationsSize = 256 * 1024

func annotationsSize(obj *unstructured.Unstructured) int {
	n := 0
	for k, v := range obj.GetAnnotations() {
		n += len(k) + len(v)
	}
	return n
}

// lastApplied gives obj the last-applied annotation kubectl would give it
// and then Options.Labels, which stay out of the annotation, and returns
// the modified configuration: obj serialised with both.
func (p *Planner) lastApplied(obj *unstructured.Unstructured) ([]byte, error) {
	if len(p.Options.Labels) == 0 {
		return setLastApplied(obj)
	}
	if err := annotateLastApplied(obj); err != nil {
		return nil, err
	}
	return p.stampLabels(obj)
}

// stampLabels sets Options.Labels on obj and returns it serialised.
func (p *Planner) stampLabels(obj *unstructured.Unstructured) ([]byte, error) {
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	for k, v := range p.Options.Labels {
		if old, ok := labels[k]; ok {
			return nil, fmt.Errorf("the manifest sets label %s=%q, which converge sets itself (to %q): remove the label from the manifest", k, old, v)
		}
		labels[k] = v
	}
	obj.SetLabels(labels)
	return encode(obj.Object)
}

// finish reads the live object of a prepared change and decides its
// action: create, or kubectl's three-way patch (see patch).
func (p *Planner) finish(ctx context.Context, c *Change, modified []byte) error {
	fail := func(op string, err error) error {
		return &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: op, Err: err}
	}
	if c.Pending {
		// Its kind is not served yet: it cannot exist.
		c.Action, c.Predicted = ActionCreate, c.Desired
		return nil
	}
	live, err := p.get(ctx, c.Mapping, c.Desired)
	if err != nil {
		return fail("read live object", err)
	}
	if live == nil && c.ServerSide {
		return p.finishServerSide(ctx, c, modified)
	}
	if live == nil {
		c.Action = ActionCreate
		c.Predicted = c.Desired
		return nil
	}
	c.Live = live
	if c.ServerSide {
		return p.finishServerSide(ctx, c, modified)
	}
	if err := p.patch(c, modified); err != nil {
		return fail("compute patch", err)
	}
	return nil
}

// resolve finds the object's resource and the namespace it goes in ("" for
// cluster-scoped objects). It does not change obj.
func (p *Planner) resolve(obj *unstructured.Unstructured) (*meta.RESTMapping, string, error) {
	gvk := obj.GroupVersionKind()
	mapping, err := p.restMapping(gvk)
	if m, ok := p.defined[gvk]; ok && meta.IsNoMatchError(err) {
		mapping, err = m, nil
	}
	if meta.IsNoMatchError(err) {
		return nil, "", fmt.Errorf("the cluster does not serve kind %q in %q; check apiVersion, or install its CustomResourceDefinition first", gvk.Kind, gvk.GroupVersion())
	}
	if err != nil {
		return nil, "", err
	}
	if mapping.Scope.Name() != meta.RESTScopeNameNamespace {
		return mapping, "", nil
	}
	ns := obj.GetNamespace()
	switch {
	case ns == "":
		return mapping, p.Clients.Namespace, nil
	case p.Clients.NamespaceExplicit && ns != p.Clients.Namespace:
		return nil, "", fmt.Errorf("the object's namespace %q does not match --namespace %q; pass --namespace=%s or remove metadata.namespace", ns, p.Clients.Namespace, ns)
	}
	return mapping, ns, nil
}

func (p *Planner) resource(mapping *meta.RESTMapping, ns string) dynamic.ResourceInterface {
	r := p.Clients.Dynamic.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return r.Namespace(ns)
	}
	return r
}

// get returns the live object, or nil when it does not exist.
func (p *Planner) get(ctx context.Context, mapping *meta.RESTMapping, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if obj.GetName() == "" {
		return nil, nil // generateName: always a new object
	}
	if live, listed := p.index.lookup(mapping, obj.GetNamespace(), obj.GetName()); listed {
		// Not copied: the index lives for one Plan, and each listed
		// object is the live object of one object of the set.
		return live, nil
	}
	live, err := p.resource(mapping, obj.GetNamespace()).Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return live, err
}

// Resource returns the client for the change's object.
func (p *Planner) Resource(c Change) dynamic.ResourceInterface {
	return p.resource(c.Mapping, c.ID.Namespace)
}

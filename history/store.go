package history

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// The format of a stored revision: one Secret per revision (more when the
// set is split), of type SecretType, in the parent's namespace.
const (
	// SecretType is the type of the Secrets that hold revisions, as Helm's
	// helm.sh/release.v1.
	SecretType = "converge.dev/revision.v1"
	// LabelApplySet holds the ApplySet id on every Secret of its history.
	LabelApplySet = "converge.dev/applyset-id"
	// LabelRevision holds the revision number.
	LabelRevision = "converge.dev/revision"
	// LabelPart numbers the Secrets of one revision from 0; part 0 holds
	// AnnotationRevision, and is written last.
	LabelPart = "converge.dev/part"
	// AnnotationRevision holds the Revision, as JSON, on part 0.
	AnnotationRevision = "converge.dev/revision"
	// dataKey is the data key of the compressed set (or its part).
	dataKey = "set"
)

// DefaultChunkSize bounds the compressed set held by one Secret: under the
// API server's 1 MiB limit on a Secret's data, with room for the
// metadata, and well under etcd's limit of about 1.5 MiB per object.
const DefaultChunkSize = 960 << 10

// ClusterScopedNamespace holds the history of a cluster-scoped parent.
const ClusterScopedNamespace = "default"

// SecretsResource is the resource revisions are stored in: core/v1 Secrets.
var SecretsResource = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// Store keeps the revisions of one ApplySet in the cluster.
type Store struct {
	Clients *kube.Clients
	Parent  applyset.Parent
	// ChunkSize bounds the compressed set per Secret; 0 means
	// DefaultChunkSize.
	ChunkSize int
}

// NotFoundError is a revision the set does not have.
type NotFoundError struct {
	Parent    applyset.Parent
	Number    int
	Available []int
}

// Error names the revision and the ones there are.
func (e *NotFoundError) Error() string {
	if len(e.Available) == 0 {
		return fmt.Sprintf("applyset %s has no recorded revisions: apply it with converge apply --prune --applyset %s first", e.Parent, e.Parent.Name)
	}
	nums := make([]string, len(e.Available))
	for i, n := range e.Available {
		nums[i] = strconv.Itoa(n)
	}
	return fmt.Sprintf("applyset %s has no revision %d: the recorded revisions are %s (converge history --applyset %s lists them)",
		e.Parent, e.Number, strings.Join(nums, ", "), e.Parent.Name)
}

// TakenError means another apply recorded the same revision number first.
type TakenError struct{ Number int }

// Error names the number.
func (e *TakenError) Error() string {
	return fmt.Sprintf("revision %d was recorded by another apply at the same time", e.Number)
}

// Namespace is where the history lives: the parent's namespace, or
// ClusterScopedNamespace.
func (s Store) Namespace() string {
	if s.Parent.Namespace == "" {
		return ClusterScopedNamespace
	}
	return s.Parent.Namespace
}

func (s Store) secrets() dynamic.ResourceInterface {
	return s.Clients.Dynamic.Resource(SecretsResource).Namespace(s.Namespace())
}

var (
	unsafeName = regexp.MustCompile(`[^a-z0-9.-]+`)
	// runs are separators that would make an invalid DNS name together.
	runs = regexp.MustCompile(`[.-]{2,}`)
)

// BaseName starts the names of the objects that keep the set's history
// and sync state: converge.<parent>.<hash>, where the hash of the set's id
// keeps parents of different kinds apart.
func (s Store) BaseName() string {
	sum := sha256.Sum256([]byte(s.Parent.ID()))
	parent := unsafeName.ReplaceAllString(strings.ToLower(s.Parent.Name), "-")
	parent = strings.Trim(runs.ReplaceAllString(parent[:min(len(parent), 200)], "-"), ".-")
	if parent == "" {
		parent = "set"
	}
	return fmt.Sprintf("converge.%s.%s", parent, hex.EncodeToString(sum[:4]))
}

// name is the Secret of part of revision n: BaseName and .v<n>, with
// ".<part>" for parts after the first.
func (s Store) name(n, part int) string {
	name := fmt.Sprintf("%s.v%d", s.BaseName(), n)
	if part > 0 {
		name += "." + strconv.Itoa(part)
	}
	return name
}

// List returns the set's revisions, oldest first, without their sets: one
// LIST of Secret metadata.
func (s Store) List(ctx context.Context) ([]Revision, error) {
	sc, err := s.scan(ctx)
	return sc.revs, err
}

// scanned is every Secret of the set's history: the whole revisions, and
// the numbers of all, parts left by an interrupted save included.
type scanned struct {
	revs []Revision
	// highest is the highest revision number any Secret carries.
	highest int
	// names holds the Secrets of each revision number.
	names map[int][]string
}

// next is the number the next revision takes.
func (sc scanned) next() int { return sc.highest + 1 }

func (s Store) scan(ctx context.Context) (scanned, error) {
	sel := fmt.Sprintf("%s=%s", LabelApplySet, s.Parent.ID())
	list, err := s.Clients.Metadata.Resource(SecretsResource).Namespace(s.Namespace()).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return scanned{}, fmt.Errorf("applyset %s: list revisions in namespace %s: %w", s.Parent, s.Namespace(), err)
	}
	sc := scanned{names: map[int][]string{}}
	for _, item := range list.Items {
		n, err := strconv.Atoi(item.Labels[LabelRevision])
		if err != nil {
			continue // not ours to read
		}
		sc.highest = max(sc.highest, n)
		sc.names[n] = append(sc.names[n], item.Name)
	}
	heads := make([]*metav1.PartialObjectMetadata, len(list.Items))
	for i := range list.Items {
		heads[i] = &list.Items[i]
	}
	sc.revs, err = Heads(heads)
	return sc, err
}

// Heads reads the revisions of a history's Secrets, oldest first, from
// their metadata: the first part of each holds it. Other Secrets are
// skipped.
func Heads(items []*metav1.PartialObjectMetadata) ([]Revision, error) {
	var revs []Revision
	for _, item := range items {
		if item.Labels[LabelPart] != "0" {
			continue
		}
		var r Revision
		if err := json.Unmarshal([]byte(item.Annotations[AnnotationRevision]), &r); err != nil {
			return nil, fmt.Errorf("secret %s/%s: read annotation %s: %w; delete the Secret if it is damaged", item.Namespace, item.Name, AnnotationRevision, err)
		}
		revs = append(revs, r)
	}
	sort.Slice(revs, func(i, j int) bool { return revs[i].Number < revs[j].Number })
	return revs, nil
}

// Get returns revision n with its recorded set.
func (s Store) Get(ctx context.Context, n int) (Revision, []manifests.Object, error) {
	head, err := s.secrets().Get(ctx, s.name(n, 0), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return Revision{}, nil, s.notFound(ctx, n)
	}
	if err != nil {
		return Revision{}, nil, fmt.Errorf("applyset %s: read revision %d: %w", s.Parent, n, err)
	}
	var r Revision
	if err := json.Unmarshal([]byte(head.GetAnnotations()[AnnotationRevision]), &r); err != nil {
		return Revision{}, nil, fmt.Errorf("secret %s: read annotation %s: %w", head.GetName(), AnnotationRevision, err)
	}
	data, err := chunkOf(head)
	if err != nil {
		return r, nil, err
	}
	for part := 1; part < r.Parts; part++ {
		obj, err := s.secrets().Get(ctx, s.name(n, part), metav1.GetOptions{})
		if err != nil {
			return r, nil, fmt.Errorf("applyset %s: read part %d of revision %d: %w", s.Parent, part, n, err)
		}
		chunk, err := chunkOf(obj)
		if err != nil {
			return r, nil, err
		}
		data = append(data, chunk...)
	}
	objs, err := decodeSet(data, r.Digest)
	if err != nil {
		return r, nil, fmt.Errorf("applyset %s: revision %d: %w", s.Parent, n, err)
	}
	return r, objs, nil
}

func (s Store) notFound(ctx context.Context, n int) error {
	revs, err := s.List(ctx)
	if err != nil {
		return err
	}
	e := &NotFoundError{Parent: s.Parent, Number: n}
	for _, r := range revs {
		e.Available = append(e.Available, r.Number)
	}
	return e
}

// chunkOf returns the compressed set held by one Secret.
func chunkOf(obj *unstructured.Unstructured) ([]byte, error) {
	b64, _, _ := unstructured.NestedString(obj.Object, "data", dataKey)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("secret %s: decode data.%s: %w", obj.GetName(), dataKey, err)
	}
	return data, nil
}

// save stores r with its set, as encodeSet compressed it. Parts after
// the first are written first, so a revision is listed only once it is
// whole. When the number is taken, it returns a *TakenError and leaves
// the other apply's revision alone.
func (s Store) save(ctx context.Context, r Revision, data []byte, digest string, objects int) (Revision, error) {
	size := s.ChunkSize
	if size <= 0 {
		size = DefaultChunkSize
	}
	chunks := split(data, size)
	r.Digest, r.Parts, r.Objects = digest, len(chunks), objects
	meta, err := json.Marshal(r)
	if err != nil {
		return r, fmt.Errorf("applyset %s: encode revision %d: %w", s.Parent, r.Number, err)
	}
	for part := len(chunks) - 1; part >= 0; part-- {
		obj := s.secret(r.Number, part, chunks[part])
		if part == 0 {
			obj.SetAnnotations(map[string]string{AnnotationRevision: string(meta)})
		}
		if _, err := s.secrets().Create(ctx, obj, metav1.CreateOptions{}); apierrors.IsAlreadyExists(err) {
			return r, &TakenError{Number: r.Number}
		} else if err != nil {
			return r, fmt.Errorf("applyset %s: record revision %d in namespace %s: %w", s.Parent, r.Number, s.Namespace(), err)
		}
	}
	return r, nil
}

func (s Store) secret(n, part int, chunk []byte) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"type":       SecretType,
		"data":       map[string]any{dataKey: base64.StdEncoding.EncodeToString(chunk)},
	}}
	obj.SetName(s.name(n, part))
	obj.SetNamespace(s.Namespace())
	obj.SetLabels(map[string]string{
		LabelApplySet:                  s.Parent.ID(),
		LabelRevision:                  strconv.Itoa(n),
		LabelPart:                      strconv.Itoa(part),
		"app.kubernetes.io/managed-by": applyset.Tool,
	})
	return obj
}

// Trim deletes, by name, the oldest revisions beyond limit (0 keeps all)
// with all their parts, and the parts an interrupted save left below the
// newest revision.
func (s Store) Trim(ctx context.Context, sc scanned, limit int) error {
	keep := map[int]bool{}
	revs := sc.revs
	if limit > 0 && len(revs) > limit {
		revs = revs[len(revs)-limit:]
	}
	for _, r := range revs {
		keep[r.Number] = true
	}
	newest := 0
	if len(sc.revs) > 0 {
		newest = sc.revs[len(sc.revs)-1].Number
	}
	var errs []error
	for n, names := range sc.names {
		if keep[n] || n >= newest {
			continue
		}
		for _, name := range names {
			if err := s.secrets().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("secret %s/%s: delete revision %d: %w", s.Namespace(), name, n, err))
			}
		}
	}
	return errors.Join(errs...)
}

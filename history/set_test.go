package history

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func configMap(name string, data map[string]any) manifests.Object {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name},
		"data":     data,
	}}
	return manifests.Object{Unstructured: u, Origin: manifests.Origin{File: "app/" + name + ".yaml", Line: 1}}
}

func secretObject(name, value string) manifests.Object {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": name},
		"stringData": map[string]any{"password": value},
	}}
	return manifests.Object{Unstructured: u, Origin: manifests.Origin{File: "app/secret.yaml", Doc: 1, Line: 7}}
}

func setOf(objs ...manifests.Object) manifests.Set {
	return manifests.Set{Objects: objs}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	set := setOf(configMap("a", map[string]any{"k": "<v&>"}), secretObject("s", "hunter2"))
	data, digest, err := encodeSet(set)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("hunter2")) {
		t.Error("the stored set is not compressed: a value shows in clear")
	}
	want, err := Digest(set)
	if err != nil {
		t.Fatal(err)
	}
	if digest != want {
		t.Errorf("encodeSet digest %s, Digest %s", digest, want)
	}
	got, err := decodeSet(data, digest)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(set.Objects, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDigestIgnoresOrigins(t *testing.T) {
	a := configMap("a", map[string]any{"k": "v"})
	moved := a
	moved.Origin = manifests.Origin{File: "elsewhere.yaml", Line: 9}
	changed := configMap("a", map[string]any{"k": "w"})
	d := func(o manifests.Object) string {
		s, err := Digest(setOf(o))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if d(a) != d(moved) {
		t.Error("the digest changed with the file an object was read from")
	}
	if d(a) == d(changed) {
		t.Error("the digest did not change with the object")
	}
}

func TestDecodeRejectsDamage(t *testing.T) {
	data, digest, err := encodeSet(setOf(configMap("a", nil)))
	if err != nil {
		t.Fatal(err)
	}
	// A kind-less object with a secret value: the error must not quote it.
	bad := manifests.Object{Unstructured: &unstructured.Unstructured{Object: map[string]any{"data": map[string]any{"password": "hunter2"}}}}
	notAnObject, notAnObjectDigest, err := encodeSet(setOf(bad))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		data   []byte
		digest string
		want   string
	}{
		{name: "truncated", data: data[:len(data)/2], digest: digest, want: "object 1 of the stored set is malformed"},
		{name: "not an object, never quoted", data: notAnObject, digest: notAnObjectDigest, want: "is not a Kubernetes object"},
		{name: "not gzip", data: []byte("plain"), digest: digest, want: "decompress"},
		{name: "wrong digest", data: data, digest: strings.Repeat("0", 64), want: "does not match its digest"},
	}
	for _, tt := range tests {
		_, err := decodeSet(tt.data, tt.digest)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error quotes a secret value: %v", tt.name, err)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		size int
		n    int
		want []int
	}{
		{size: 10, n: 0, want: []int{0}},
		{size: 10, n: 10, want: []int{10}},
		{size: 10, n: 25, want: []int{10, 10, 5}},
	}
	for _, tt := range tests {
		data := make([]byte, tt.n)
		var got []int
		var joined []byte
		for _, c := range split(data, tt.size) {
			got = append(got, len(c))
			joined = append(joined, c...)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("split(%d, %d) sizes (-want +got):\n%s", tt.n, tt.size, diff)
		}
		if !bytes.Equal(joined, data) {
			t.Errorf("split(%d, %d) does not join back", tt.n, tt.size)
		}
	}
}

// TestLargeSetSplitsAndJoins: a set that compresses to several chunks is
// read back whole.
func TestLargeSetSplitsAndJoins(t *testing.T) {
	var objs []manifests.Object
	for i := range 20 {
		buf := make([]byte, 4096)
		_, _ = rand.Read(buf)
		objs = append(objs, configMap("cm"+hex.EncodeToString(buf[:2])+string(rune('a'+i)), map[string]any{"blob": hex.EncodeToString(buf)}))
	}
	data, digest, err := encodeSet(setOf(objs...))
	if err != nil {
		t.Fatal(err)
	}
	chunks := split(data, 16<<10)
	if len(chunks) < 3 {
		t.Fatalf("want the set split across several chunks, got %d", len(chunks))
	}
	got, err := decodeSet(bytes.Join(chunks, nil), digest)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(objs) {
		t.Errorf("read back %d objects, want %d", len(got), len(objs))
	}
}

// BenchmarkDigest is the cost a no-op re-apply of an ApplySet pays to
// tell that its set repeats the latest revision: 10,000 ConfigMaps.
func BenchmarkDigest(b *testing.B) {
	set := benchSet()
	b.ResetTimer()
	for range b.N {
		if _, err := Digest(set); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeSet is what recording a revision of 10,000 ConfigMaps
// costs before it is sent.
func BenchmarkEncodeSet(b *testing.B) {
	set := benchSet()
	b.ResetTimer()
	for range b.N {
		data, _, err := encodeSet(set)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(data)), "bytes")
	}
}

// benchSet is 10,000 small ConfigMaps.
func benchSet() manifests.Set {
	var objs []manifests.Object
	for i := range 10000 {
		objs = append(objs, configMap(fmt.Sprintf("cm-%05d", i), map[string]any{"key": "value", "other": strings.Repeat("x", 100)}))
	}
	return setOf(objs...)
}

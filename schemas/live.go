package schemas

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/openapi"
)

// Live returns the catalog a cluster serves at /openapi/v3, so custom
// resources installed there validate too. Catalogs are cached in the user
// cache dir, in the format of [Bundle], per server version and schema
// hash: the API server puts a hash of each document in its path list, so a
// cached copy is reused exactly until the cluster's schemas change.
func Live(ctx context.Context, dc discovery.DiscoveryInterface) (*Catalog, error) {
	info, err := dc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("read the server version: %w", err)
	}
	paths, err := dc.OpenAPIV3().Paths()
	if err != nil {
		return nil, fmt.Errorf("read /openapi/v3 from the cluster: %w; use bundled schemas with --schemas=bundled", err)
	}
	names := make([]string, 0, len(paths))
	for name := range paths {
		names = append(names, name)
	}
	sort.Strings(names)
	cacheFile := liveCachePath(info.GitVersion, paths, names)
	if cat, err := readCache(cacheFile); err == nil {
		return cat, nil
	}
	all, gone, err := fetchComponents(ctx, paths, names)
	if err != nil {
		return nil, err
	}
	if gone == 0 {
		// A cache that cannot be written only costs time; a catalog
		// that misses a document is not kept.
		_ = writeCache(cacheFile, Bundle{KubernetesVersion: info.GitVersion, Source: "/openapi/v3 of a cluster", Schemas: all})
	}
	return FromOpenAPI(info.GitVersion, all)
}

// FetchOpenAPIV3 reads every /openapi/v3 document a cluster serves and
// returns the server's version and all component schemas, merged (names are
// fully qualified, so one name is one schema). `make schemas` uses it to
// bundle a version.
func FetchOpenAPIV3(ctx context.Context, dc discovery.DiscoveryInterface) (string, map[string]json.RawMessage, error) {
	info, err := dc.ServerVersion()
	if err != nil {
		return "", nil, fmt.Errorf("read the server version: %w", err)
	}
	paths, err := dc.OpenAPIV3().Paths()
	if err != nil {
		return "", nil, fmt.Errorf("read /openapi/v3: %w", err)
	}
	names := make([]string, 0, len(paths))
	for name := range paths {
		names = append(names, name)
	}
	sort.Strings(names)
	all, _, err := fetchComponents(ctx, paths, names)
	return info.GitVersion, all, err
}

// fetchComponents reads the named documents and merges their component
// schemas. A document of a custom group that is gone by the time it is read
// (its CRD deleted since the path list) is skipped and counted.
func fetchComponents(ctx context.Context, paths map[string]openapi.GroupVersion, names []string) (map[string]json.RawMessage, int, error) {
	all := map[string]json.RawMessage{}
	gone := 0
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, gone, err
		}
		data, err := paths[name].Schema("application/json")
		if vanished(name, data, err) {
			gone++
			continue
		}
		if err != nil {
			return nil, gone, fmt.Errorf("read /openapi/v3/%s: %w", name, err)
		}
		var doc struct {
			Components struct {
				Schemas map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, gone, fmt.Errorf("parse /openapi/v3/%s: %w", name, err)
		}
		for k, v := range doc.Components.Schemas {
			all[k] = v
		}
	}
	return all, gone, nil
}

// vanished reports whether the document of a custom resource group came
// back missing or empty: the group went away after the path list was read.
func vanished(name string, data []byte, err error) bool {
	if !strings.HasPrefix(name, "apis/") || !strings.Contains(strings.TrimPrefix(name, "apis/"), ".") {
		return false
	}
	return apierrors.IsNotFound(err) || (err == nil && len(bytes.TrimSpace(data)) == 0)
}

// liveCachePath keys the cache on every document's server-relative URL,
// which carries the document's hash.
func liveCachePath(version string, paths map[string]openapi.GroupVersion, names []string) string {
	dir, err := os.UserCacheDir()
	if err != nil || version == "" {
		return ""
	}
	h := sha256.New()
	for _, name := range names {
		h.Write([]byte(name))
		h.Write([]byte(paths[name].ServerRelativeURL()))
	}
	safe := strings.NewReplacer("/", "_", "+", "_").Replace(version)
	return filepath.Join(dir, "converge", "schemas", safe+"-"+hex.EncodeToString(h.Sum(nil))[:16]+".zip")
}

// readCache opens a cached catalog. The file is read whole, so the
// catalog's schemas are inflated from memory as they are needed.
func readCache(path string) (*Catalog, error) {
	if path == "" {
		return nil, os.ErrNotExist
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return openBundle(bytes.NewReader(data), int64(len(data)))
}

// writeCache writes b to path, atomically.
func writeCache(path string, b Bundle) error {
	if path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "partial-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

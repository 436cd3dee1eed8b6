package schemas

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Catalog is the set of schemas of one Kubernetes version, plus the custom
// resources added by [Catalog.WithCRDs]. It is safe for concurrent use:
// schemas are compiled once, on first use, and shared.
type Catalog struct {
	version string
	defs    *definitions
	// crds maps the kinds defined by CRDs to their resource URL in docs.
	crds map[schema.GroupVersionKind]string
	// docs are converted CRD schemas, by resource URL.
	docs map[string]any
	// broken maps kinds whose CRD in the set has a schema that cannot be
	// used to the name of that CRD.
	broken map[schema.GroupVersionKind]string
	comp   *compiler
	// base, for a catalog made by WithCRDs, is the catalog whose built-in
	// schemas it uses, so they are compiled once however many catalogs
	// add CRDs to it.
	base *Catalog
	// locs, from WithLocations, finds the schemas of kinds the catalog
	// lacks; nil when there are no locations.
	locs *locator
	// byGVK caches compiled schemas by kind.
	byGVK sync.Map
}

// definitions are the raw OpenAPI component schemas of one API server.
// They are shared by catalogs derived from one another, whose compilers
// may read them concurrently. The schemas of a bundle are inflated from
// its archive on first use.
type definitions struct {
	// byGVK names the schema of each kind; it is never modified.
	byGVK map[schema.GroupVersionKind]string
	// packed, for a bundle, is the archive entry of every schema; it is
	// never modified.
	packed map[string]*zip.File

	mu sync.Mutex
	// raw holds every schema given to FromOpenAPI, or the schemas of a
	// bundle inflated so far.
	raw map[string]json.RawMessage
	// parsed holds the schemas decoded so far, shared read-only: the
	// converter reads a definition each time a $ref to it is converted.
	parsed map[string]map[string]any
}

// FromOpenAPI builds a catalog from the components.schemas of an API
// server's /openapi/v3 documents, merged into one map by schema name.
// version names the Kubernetes version in messages, such as "v1.36.3".
// Every schema that declares x-kubernetes-group-version-kind becomes the
// schema of those kinds. The raw schemas are converted and compiled only
// when an object of a kind that uses them is validated.
func FromOpenAPI(version string, schemas map[string]json.RawMessage) (*Catalog, error) {
	byGVK, err := kindIndex(schemas)
	if err != nil {
		return nil, err
	}
	defs := &definitions{raw: maps.Clone(schemas), byGVK: byGVK}
	return newCatalog(version, defs, nil, nil), nil
}

// kindIndex maps every kind a schema declares in
// x-kubernetes-group-version-kind to the schema's name. When two schemas
// declare one kind, the first by name wins.
func kindIndex(schemas map[string]json.RawMessage) (map[schema.GroupVersionKind]string, error) {
	byGVK := map[schema.GroupVersionKind]string{}
	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	marker := []byte("x-kubernetes-group-version-kind")
	for _, name := range names {
		raw := schemas[name]
		if !bytes.Contains(raw, marker) {
			continue
		}
		var head struct {
			GVKs []schema.GroupVersionKind `json:"x-kubernetes-group-version-kind"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("read schema %s: %w", name, err)
		}
		for _, gvk := range head.GVKs {
			if _, taken := byGVK[gvk]; !taken {
				byGVK[gvk] = name
			}
		}
	}
	if len(byGVK) == 0 {
		return nil, errors.New("no schema declares x-kubernetes-group-version-kind: these are not the component schemas of a Kubernetes API server")
	}
	return byGVK, nil
}

func newCatalog(version string, defs *definitions, crds map[schema.GroupVersionKind]string, docs map[string]any) *Catalog {
	return &Catalog{version: version, defs: defs, crds: crds, docs: docs, comp: newCompiler(defs, docs)}
}

// KubernetesVersion is the version the catalog's schemas come from, such as
// "v1.36.3".
func (c *Catalog) KubernetesVersion() string { return c.version }

// Has reports whether the catalog has a schema for gvk.
func (c *Catalog) Has(gvk schema.GroupVersionKind) bool {
	return c.resourceURL(gvk) != ""
}

// custom reports whether gvk's schema is a custom resource's: from a
// CRD, or found at a location.
func (c *Catalog) custom(gvk schema.GroupVersionKind) bool {
	if c.crds[gvk] != "" {
		return true
	}
	return c.resourceURL(gvk) == "" && c.locs != nil
}

// resourceURL is where the schema of gvk is compiled from, or "".
func (c *Catalog) resourceURL(gvk schema.GroupVersionKind) string {
	if u, ok := c.crds[gvk]; ok {
		return u
	}
	if name, ok := c.defs.byGVK[gvk]; ok {
		return defURL(name)
	}
	return ""
}

// derive returns a new catalog with c's schemas, CRDs and locations, to
// add to.
func (c *Catalog) derive() *Catalog {
	crds, docs := map[schema.GroupVersionKind]string{}, map[string]any{}
	maps.Copy(crds, c.crds)
	maps.Copy(docs, c.docs)
	out := newCatalog(c.version, c.defs, crds, docs)
	out.broken = map[schema.GroupVersionKind]string{}
	maps.Copy(out.broken, c.broken)
	out.base, out.locs = c, c.locs
	if c.base != nil {
		out.base = c.base
	}
	return out
}

// schemaFor returns the compiled schema of gvk, or nil when there is none.
func (c *Catalog) schemaFor(gvk schema.GroupVersionKind) (*jsonschema.Schema, error) {
	if sch, ok := c.byGVK.Load(gvk); ok {
		return sch.(*jsonschema.Schema), nil
	}
	u := c.resourceURL(gvk)
	if u == "" {
		return nil, nil
	}
	if _, custom := c.crds[gvk]; !custom && c.base != nil {
		return c.base.schemaFor(gvk)
	}
	sch, err := c.comp.schema(u)
	if err == nil {
		c.byGVK.Store(gvk, sch)
	}
	return sch, err
}

// schemaAt returns the compiled schema of gvk: the catalog's own, or one
// found at its locations; nil when there is none. Looking one up at a URL
// stops when ctx ends.
func (c *Catalog) schemaAt(ctx context.Context, gvk schema.GroupVersionKind) (*jsonschema.Schema, error) {
	if c.resourceURL(gvk) != "" || c.locs == nil {
		return c.schemaFor(gvk)
	}
	found := c.locs.lookup(ctx, gvk)
	return found.sch, found.err
}

// locatesLocally reports whether the schema of gvk comes from the
// catalog's locations, all of them local files, and was found there.
func (c *Catalog) locatesLocally(ctx context.Context, gvk schema.GroupVersionKind) bool {
	return c.locs != nil && !c.locs.remote && c.resourceURL(gvk) == "" && c.locs.lookup(ctx, gvk).sch != nil
}

// missingReason explains that gvk has no schema, and how to get one.
func (c *Catalog) missingReason(ctx context.Context, gvk schema.GroupVersionKind) string {
	gv := gvk.GroupVersion().String()
	if crd, ok := c.broken[gvk]; ok {
		return fmt.Sprintf("no schema for %s, Kind=%s: the schema in CustomResourceDefinition %s is invalid; fix the problems reported on it", gv, gvk.Kind, crd)
	}
	msg := fmt.Sprintf("no schema for %s, Kind=%s in Kubernetes %s", gv, gvk.Kind, minorOf(c.version))
	if others := c.versionsOf(gvk.GroupKind()); len(others) > 0 {
		msg += fmt.Sprintf(" (it is served as %s)", strings.Join(others, ", "))
	}
	if c.locs != nil {
		tried := c.locs.lookup(ctx, gvk).tried
		if len(tried) > 3 {
			tried = append(tried[:3:3], fmt.Sprintf("%d more", len(tried)-3))
		}
		if len(tried) > 0 {
			msg += " nor at " + strings.Join(tried, ", ")
		}
	}
	return msg + "; add its CustomResourceDefinition to the set or pass it with --crds, add a --schema-location, use --schemas=cluster, or pass --ignore-missing-schemas"
}

// versionsOf lists the group/versions that serve gk, sorted.
func (c *Catalog) versionsOf(gk schema.GroupKind) []string {
	seen := map[string]bool{}
	add := func(gvk schema.GroupVersionKind) {
		if gvk.GroupKind() == gk {
			seen[gvk.GroupVersion().String()] = true
		}
	}
	for gvk := range c.crds {
		add(gvk)
	}
	for gvk := range c.defs.byGVK {
		add(gvk)
	}
	out := make([]string, 0, len(seen))
	for gv := range seen {
		out = append(out, gv)
	}
	sort.Strings(out)
	return out
}

// minorOf turns "v1.36.3" into "v1.36"; other strings are returned as is.
func minorOf(version string) string {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) == 3 {
		return parts[0] + "." + parts[1]
	}
	return version
}

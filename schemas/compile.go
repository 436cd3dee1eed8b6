package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// compiler compiles the schemas of one catalog on first use. jsonschema's
// Compiler is not safe for concurrent use, so compilation is serialized;
// each compiled schema is then shared, read-only, by all goroutines.
// Schemas refer to each other (recursively, for CRD schemas), and the
// compiler compiles each referenced schema once.
type compiler struct {
	mu      sync.Mutex
	c       *jsonschema.Compiler
	entries sync.Map // resource URL -> *compiled
}

// compiled is one schema, compiled at most once.
type compiled struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

func newCompiler(defs *definitions, docs map[string]any) *compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.AssertVocabs()
	c.RegisterVocabulary(listVocabulary)
	for _, f := range formats {
		c.RegisterFormat(f)
	}
	c.UseLoader(&loader{defs: defs, docs: docs})
	return &compiler{c: c}
}

// schema returns the compiled schema at resource URL u.
func (cc *compiler) schema(u string) (*jsonschema.Schema, error) {
	e, ok := cc.entries.Load(u)
	if !ok {
		e, _ = cc.entries.LoadOrStore(u, &compiled{})
	}
	en := e.(*compiled)
	en.once.Do(func() {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		en.sch, en.err = cc.c.Compile(u)
	})
	return en.sch, en.err
}

// compileDoc adds doc as the schema at resource URL u and compiles it.
// Each u must be compiled once.
func (cc *compiler) compileDoc(u string, doc any) (*jsonschema.Schema, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if err := cc.c.AddResource(u, doc); err != nil {
		return nil, err
	}
	return cc.c.Compile(u)
}

// loader hands the compiler converted schemas: component schemas are
// converted when first referenced, CRD schemas were converted by
// WithCRDs. It runs under compiler.mu.
type loader struct {
	defs *definitions
	docs map[string]any
}

// Load implements jsonschema.URLLoader.
func (l *loader) Load(u string) (any, error) {
	if doc, ok := l.docs[u]; ok {
		return doc, nil
	}
	escaped, ok := strings.CutPrefix(u, defsBase)
	if !ok {
		return nil, fmt.Errorf("no schema at %s", u)
	}
	name, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, fmt.Errorf("no schema at %s: %w", u, err)
	}
	raw, err := l.defs.parse(name)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("no schema named %s", name)
	}
	cv := converter{raw: l.defs.parseRef}
	out, err := cv.definition(name, raw)
	if err != nil {
		return nil, fmt.Errorf("convert schema %s: %w", name, err)
	}
	return out, nil
}

// get returns the raw JSON of the named definition, or nil.
func (d *definitions) get(name string) (json.RawMessage, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if raw, ok := d.raw[name]; ok {
		return raw, nil
	}
	f, ok := d.packed[name]
	if !ok {
		return nil, nil
	}
	raw, err := readEntry(f)
	if err != nil {
		return nil, fmt.Errorf("read schema %s: %w", name, err)
	}
	d.raw[name] = raw
	return raw, nil
}

// parse decodes the named definition; it returns nil when there is none or
// it is not an object. Numbers stay json.Number, as jsonschema expects in
// schemas.
// The result is cached and must not be modified.
func (d *definitions) parse(name string) (map[string]any, error) {
	d.mu.Lock()
	m, ok := d.parsed[name]
	d.mu.Unlock()
	if ok {
		return m, nil
	}
	raw, err := d.get(name)
	if raw == nil || err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse schema %s: %w", name, err)
	}
	m, _ = doc.(map[string]any)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.parsed == nil {
		d.parsed = map[string]map[string]any{}
	}
	d.parsed[name] = m
	return m, nil
}

// parseRef decodes the definition a local $ref points to, or returns nil.
func (d *definitions) parseRef(ref string) map[string]any {
	for _, prefix := range []string{"#/components/schemas/", "#/definitions/"} {
		if name, ok := strings.CutPrefix(ref, prefix); ok {
			m, _ := d.parse(name)
			return m
		}
	}
	return nil
}

// compileBusy reports whether the schema of gvk is not compiled yet while
// another goroutine is compiling, so that a caller that should not wait
// can check the object later. A kind without a schema is never busy.
func (c *Catalog) compileBusy(gvk schema.GroupVersionKind) bool {
	if _, ok := c.byGVK.Load(gvk); ok {
		return false
	}
	if _, custom := c.crds[gvk]; !custom && c.base != nil {
		return c.base.compileBusy(gvk)
	}
	if c.resourceURL(gvk) == "" {
		return false
	}
	if !c.comp.mu.TryLock() {
		return true
	}
	c.comp.mu.Unlock()
	return false
}

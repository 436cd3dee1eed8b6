package schemas

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/convergehq/converge/manifests"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var crdKind = schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}

// WithCRDs returns a catalog that also knows the custom resources defined
// by the CustomResourceDefinitions (apiextensions.k8s.io/v1) in set: each
// served version's spec.versions[].schema.openAPIV3Schema becomes the
// schema of group/version/kind, and wins over a schema c already has for
// that kind. Custom resources get the checks of any object, with metadata
// checked as an ObjectMeta. A CRD whose schema cannot be used adds a
// Problem on the CRD instead. c itself is not changed.
func (c *Catalog) WithCRDs(set manifests.Set) (*Catalog, []Problem) {
	out, problems, _ := c.withCRDs(set)
	return out, problems
}

// CheckSet validates set against c and the CRDs the set holds, and
// returns every problem: those of the CRDs first, then those of the
// objects.
func (c *Catalog) CheckSet(ctx context.Context, set manifests.Set, opts Options) []Problem {
	cat, problems := c.WithCRDs(set)
	return append(problems, cat.Validate(ctx, set, opts).Problems...)
}

// withCRDs is WithCRDs; it also returns every kind the CRDs of set define,
// whether their schemas can be used or not.
func (c *Catalog) withCRDs(set manifests.Set) (*Catalog, []Problem, map[schema.GroupVersionKind]bool) {
	out := c.derive()
	// issues holds each CRD's problems by index in set, to report them in
	// set order.
	issues := map[int][]*convertError{}
	versions := map[int][]crdVersion{}
	kinds := map[schema.GroupVersionKind]bool{}
	for i, o := range set.Objects {
		if o.GroupVersionKind() == crdKind {
			versions[i], issues[i] = crdSchemas(o.Object)
			for _, v := range versions[i] {
				out.addCRD(v, o.GetName())
				kinds[v.gvk] = true
			}
		}
	}
	var problems []Problem
	for i, o := range set.Objects {
		for _, v := range versions[i] {
			if v.err != nil {
				issues[i] = append(issues[i], v.err)
			} else if _, err := out.schemaFor(v.gvk); err != nil {
				issues[i] = append(issues[i], compileIssues(err, v.at)...)
				delete(out.crds, v.gvk)
				out.broken[v.gvk] = o.GetName()
			}
		}
		for _, is := range issues[i] {
			problems = append(problems, Problem{ID: o.ID(), Origin: o.Origin, Path: is.at, Reason: is.msg})
		}
	}
	return out, problems, kinds
}

// addCRD adds one version of the CRD named crd, or notes that its schema
// is broken.
func (c *Catalog) addCRD(v crdVersion, crd string) {
	if v.err != nil {
		delete(c.crds, v.gvk)
		c.broken[v.gvk] = crd
		return
	}
	u := crdURL(v.gvk)
	c.crds[v.gvk], c.docs[u] = u, v.doc
	delete(c.broken, v.gvk)
}

func crdURL(gvk schema.GroupVersionKind) string {
	return crdsBase + url.PathEscape(gvk.Group) + "/" + url.PathEscape(gvk.Version) + "/" + url.PathEscape(gvk.Kind)
}

// crdVersion is one served version of a CRD: its converted schema, or why
// there is none.
type crdVersion struct {
	gvk schema.GroupVersionKind
	doc map[string]any
	at  string // path of its openAPIV3Schema in the CRD
	err *convertError
}

// crdSchemas converts the schema of every served version of a CRD. It
// returns an error only when the CRD defines no kind at all.
func crdSchemas(crd map[string]any) ([]crdVersion, []*convertError) {
	spec, _ := crd["spec"].(map[string]any)
	group, _ := spec["group"].(string)
	names, _ := spec["names"].(map[string]any)
	kind, _ := names["kind"].(string)
	if group == "" || kind == "" {
		return nil, []*convertError{{"spec", "needs group and names.kind to define a kind"}}
	}
	versions, _ := spec["versions"].([]any)
	var out []crdVersion
	for i, item := range versions {
		v, _ := item.(map[string]any)
		name, _ := v["name"].(string)
		if served, _ := v["served"].(bool); !served || name == "" {
			continue
		}
		cv := crdVersion{gvk: schema.GroupVersionKind{Group: group, Version: name, Kind: kind}}
		cv.at = fmt.Sprintf("spec.versions[%d].schema.openAPIV3Schema", i)
		sch, _ := v["schema"].(map[string]any)
		if raw, ok := sch["openAPIV3Schema"].(map[string]any); ok {
			cv.doc, cv.err = crdRoot(raw, cv.at)
		} else {
			cv.err = &convertError{cv.at, "missing: apiextensions.k8s.io/v1 needs a schema for every version"}
		}
		out = append(out, cv)
	}
	return out, nil
}

// crdRoot converts the root schema of a custom resource. The API server
// always accepts apiVersion, kind and metadata at the root, and checks
// metadata as an ObjectMeta whatever the schema says of it.
func crdRoot(raw map[string]any, at string) (map[string]any, *convertError) {
	if t, _ := raw["type"].(string); t != "object" {
		return nil, &convertError{at + ".type", "must be object at the root"}
	}
	cv := converter{crd: true}
	doc, err := cv.node(raw, at, false)
	if err != nil {
		ce, _ := err.(*convertError)
		if ce == nil {
			ce = &convertError{at, err.Error()}
		}
		return nil, ce
	}
	rootFields(doc)
	return doc, nil
}

// compileIssues explains why a converted CRD schema does not compile,
// such as a pattern that is not a regular expression, at the field of the
// CRD schema at path at.
func compileIssues(err error, at string) []*convertError {
	var bad *jsonschema.SchemaValidationError
	var verr *jsonschema.ValidationError
	if !errors.As(err, &bad) || !errors.As(bad.Err, &verr) {
		return []*convertError{{at, "invalid schema: " + err.Error()}}
	}
	var out []*convertError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		msg := e.ErrorKind.LocalizedString(printer)
		if f, ok := e.ErrorKind.(*kind.Format); ok && f.Want == "regex" {
			msg = fmt.Sprintf("invalid pattern %s: %v", valueText(f.Got), f.Err)
		}
		out = append(out, &convertError{schemaPath(at, e.InstanceLocation), msg})
	}
	walk(verr)
	return out
}

// schemaPath renders tokens of a location in a schema as the API server
// names fields of a CRD schema: properties[name].items.pattern.
func schemaPath(at string, loc []string) string {
	var b strings.Builder
	b.WriteString(at)
	for i := 0; i < len(loc); i++ {
		if (loc[i] == "properties" || loc[i] == "patternProperties") && i+1 < len(loc) {
			b.WriteString("." + loc[i] + "[" + loc[i+1] + "]")
			i++
			continue
		}
		b.WriteString("." + loc[i])
	}
	return b.String()
}

package manifests

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Origin says where an object was read from.
type Origin struct {
	// File is the path as given by the user, or "-" for stdin.
	File string
	// Doc is the zero-based index of the YAML document within File.
	Doc int
	// Line is the one-based line where the document starts, or where a
	// problem is.
	Line int
	// Column is the one-based column of a problem; 0 for objects.
	Column int
}

// String renders the origin as file:line[:column], the form editors
// understand.
func (o Origin) String() string {
	switch {
	case o.Column > 0:
		return fmt.Sprintf("%s:%d:%d", o.File, o.Line, o.Column)
	case o.Line > 0:
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return o.File
}

// ObjectID identifies an object within a set and in the cluster.
type ObjectID struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// String renders the ID as kubectl names objects: kind.group/name, with the
// namespace in parentheses when there is one.
func (id ObjectID) String() string {
	s := id.KindName()
	if id.Namespace != "" {
		s += " (ns " + id.Namespace + ")"
	}
	return s
}

// KindName renders kind.group/name in lower case, as kubectl prints it.
func (id ObjectID) KindName() string {
	gk := schema.GroupKind{Group: id.Group, Kind: id.Kind}
	return strings.ToLower(gk.String()) + "/" + id.Name
}

// Object is one manifest: the object as written, plus where it came from.
type Object struct {
	*unstructured.Unstructured
	Origin Origin
}

// ID returns the object's identity.
func (o Object) ID() ObjectID {
	gvk := o.GroupVersionKind()
	return ObjectID{Group: gvk.Group, Kind: gvk.Kind, Namespace: o.GetNamespace(), Name: o.GetName()}
}

// Set is an ordered collection of objects, in the order they were read.
type Set struct {
	// Objects are the objects loaded, whole; with Options.Visit, only
	// those the hook kept.
	Objects []Object
	// Refs lists the identity and origin of every object loaded, kept or
	// not, in the same order.
	Refs []Ref
	// Warnings are problems that did not stop the load, such as skipped
	// empty files.
	Warnings []Problem
}

// Len returns the number of objects in the set.
func (s Set) Len() int { return len(s.Objects) }

// Ref is what a set remembers of every object: its identity and origin,
// and what an Options.Visit hook noted of it.
type Ref struct {
	ID     ObjectID
	Origin Origin
	// Note is the Note the Visit hook returned for the object, or nil.
	Note any
}

// Visited is what an Options.Visit hook says of one object.
type Visited struct {
	// Keep keeps the object whole in Set.Objects.
	Keep bool
	// Note goes into the object's Ref.
	Note any
}

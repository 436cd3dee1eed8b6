package manifests

import "k8s.io/apimachinery/pkg/labels"

// Select returns the set with only the objects whose labels match sel, as
// kubectl's -l filters what it reads. Refs and Warnings follow the objects
// kept; a set loaded with Options.Visit keeps all its Refs.
func (s Set) Select(sel labels.Selector) Set {
	if sel == nil || sel.Empty() {
		return s
	}
	out := Set{Warnings: s.Warnings}
	aligned := len(s.Refs) == len(s.Objects)
	for i, o := range s.Objects {
		if !sel.Matches(labels.Set(o.GetLabels())) {
			continue
		}
		out.Objects = append(out.Objects, o)
		if aligned {
			out.Refs = append(out.Refs, s.Refs[i])
		}
	}
	if !aligned {
		out.Refs = s.Refs
	}
	return out
}

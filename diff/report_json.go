package diff

import (
	"encoding/json"
	"io"
)

type jsonEntry struct {
	Group     string        `json:"group"`
	Kind      string        `json:"kind"`
	Namespace string        `json:"namespace,omitempty"`
	Name      string        `json:"name"`
	Origin    string        `json:"origin"`
	Action    string        `json:"action"`
	Reason    string        `json:"reason,omitempty"`
	Fields    []FieldChange `json:"fields,omitempty"`
	Object    any           `json:"object,omitempty"`
}

// WriteJSON prints the change set as one JSON document: the counts, and per
// changed object its action and per-field changes (whole object for a
// create). Values are masked like every other output.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r.JSON())
}

// JSONReport is the document WriteJSON prints.
type JSONReport struct {
	Summary map[string]int `json:"summary"`
	Changes []jsonEntry    `json:"changes"`
}

// JSON returns the document WriteJSON prints, to embed in another.
func (r Report) JSON() JSONReport {
	out := JSONReport{
		Summary: map[string]int{"create": r.Create, "update": r.Update, "unchanged": r.Unchanged, "replace": r.Replace, "refused": r.Refused, "prune": r.Prune},
		Changes: []jsonEntry{},
	}
	for _, e := range r.Entries {
		je := jsonEntry{Group: e.ID.Group, Kind: e.ID.Kind, Namespace: e.ID.Namespace, Name: e.ID.Name, Origin: e.Origin.String(), Action: verb(e.Action), Reason: e.Reason, Fields: e.Fields}
		if e.Action == ActionCreate {
			je.Object = e.After.Object
		}
		out.Changes = append(out.Changes, je)
	}
	return out
}

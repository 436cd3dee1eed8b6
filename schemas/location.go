package schemas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// Layouts of schema directories, as kubeconform's templates. A location
// that names no file is searched in both.
const (
	// kubeconformLayout is kubernetes-json-schema's, and kubeconform's
	// default for a directory or URL without a template.
	kubeconformLayout = "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
	// looseLayout is kubeconform's for schemas that are not strict, tried
	// after the strict ones: a mirror often holds only those.
	looseLayout = "{{ .NormalizedKubernetesVersion }}-standalone/{{ .ResourceKind }}{{ .KindSuffix }}.json"
	// catalogLayout is the public CRDs-catalog's.
	catalogLayout = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
)

// maxSchemaSize bounds a schema file read from a location.
const maxSchemaSize = 16 << 20

// LocationOptions fill kubeconform's template variables and fetch remote
// locations.
type LocationOptions struct {
	// KubernetesVersion fills {{.NormalizedKubernetesVersion}}: "1.35" and
	// "v1.35.0" give "v1.35.0", and "" gives "master".
	KubernetesVersion string
	// Strict fills {{.StrictSuffix}} with "-strict".
	Strict bool
	// Client fetches http and https locations; nil means a client that
	// gives up after 30 s.
	Client *http.Client
}

// LocationError is a schema file found at a location that cannot be
// used, or a location that cannot be read.
type LocationError struct {
	// Location is the file or URL, with any credential redacted.
	Location string
	Err      error
	// Fetch marks a URL that could not be fetched, rather than a file
	// that is not a usable schema.
	Fetch bool
}

// Error names the file and what is wrong with it, or the URL and why it
// could not be fetched.
func (e *LocationError) Error() string {
	if e.Fetch {
		return fmt.Sprintf("schema %s: %s; check the URL and the network, or download the schemas and pass their directory", e.Location, RedactLocation(e.Err.Error()))
	}
	return fmt.Sprintf("schema %s: %s; fix the file or drop its --schema-location", e.Location, e.Err.Error())
}

// Unwrap returns the cause.
func (e *LocationError) Unwrap() error { return e.Err }

// WithLocations returns a catalog that also looks up the schemas of kinds
// it lacks at locs, in order, the way kubeconform's -schema-location does:
// each is a directory or http(s) URL, or a path template such as
// "dir/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json". A
// directory or URL without a template is searched in kubeconform's layout
// and in the CRDs-catalog's. "default" stands for c's own schemas. The
// catalog's own schemas, and CRDs, win over locations. Schemas are read
// when an object of their kind is validated, once. c itself is not
// changed.
func (c *Catalog) WithLocations(locs []string, opts LocationOptions) (*Catalog, error) {
	l := &locator{opts: opts, comp: newCompiler(c.defs, nil)}
	if l.opts.Client == nil {
		l.opts.Client = &http.Client{Timeout: 30 * time.Second}
	}
	for _, loc := range locs {
		ts, err := parseLocation(loc, opts.Strict)
		if err != nil {
			return nil, err
		}
		l.templates = append(l.templates, ts...)
		l.remote = l.remote || isRemote(loc)
	}
	out := c.derive()
	out.locs = l
	return out, nil
}

// parseLocation turns one location into the templates to try. As in
// kubeconform, a location that does not end in "json" is a base that
// kubeconform's layout is appended to; converge also tries the
// CRDs-catalog's layout there, and with strict, the non-strict
// kubeconform directory after the strict one.
func parseLocation(loc string, strict bool) ([]*template.Template, error) {
	if loc == "default" {
		return nil, nil
	}
	shown := RedactLocation(loc)
	if !isRemote(loc) && !strings.Contains(loc, "{{") {
		if fi, err := os.Stat(loc); err != nil {
			return nil, fmt.Errorf("--schema-location %s: %w; pass a directory, an http(s) URL or a path template", shown, err)
		} else if !fi.IsDir() && !strings.HasSuffix(loc, ".json") {
			return nil, fmt.Errorf("--schema-location %s is a file: pass its directory, or a template such as %s/%s", shown, "dir", catalogLayout)
		}
	}
	texts := []string{loc}
	if !strings.HasSuffix(loc, "json") {
		base := strings.TrimSuffix(loc, "/")
		texts = []string{base + "/" + kubeconformLayout}
		if strict {
			texts = append(texts, base+"/"+looseLayout)
		}
		texts = append(texts, base+"/"+catalogLayout)
	}
	var out []*template.Template
	for _, text := range texts {
		t, err := template.New(shown).Option("missingkey=error").Parse(text)
		if err == nil {
			err = t.Execute(io.Discard, templateData{})
		}
		if err != nil {
			return nil, fmt.Errorf("--schema-location %s: %s; the variables are {{.Group}}, {{.ResourceKind}}, {{.ResourceAPIVersion}}, {{.KindSuffix}}, {{.NormalizedKubernetesVersion}} and {{.StrictSuffix}}", shown, RedactLocation(err.Error()))
		}
		out = append(out, t)
	}
	return out, nil
}

func isRemote(loc string) bool {
	return strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://")
}

// RedactLocation hides what a URL may carry as a credential: the user
// and password, and the query (?token=...). Other text is returned as is.
func RedactLocation(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	host, path, slash := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = "<redacted>@" + host[i+1:]
	}
	if p, _, query := strings.Cut(path, "?"); query {
		path = p + "?<redacted>"
	}
	if h, _, query := strings.Cut(host, "?"); query && !slash {
		host = h + "?<redacted>"
	}
	if slash {
		return scheme + "://" + host + "/" + path
	}
	return scheme + "://" + host
}

// locator finds, converts and compiles the schemas of kinds at the
// locations of a catalog. It is shared by the catalogs derived from it
// and safe for concurrent use.
type locator struct {
	templates []*template.Template
	// remote is set when a location is an http(s) URL.
	remote  bool
	opts    LocationOptions
	comp    *compiler
	entries sync.Map // schema.GroupVersionKind -> *located
}

// located is the outcome of looking up one kind, reached at most once.
type located struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
	// tried lists where the schema was looked for, when it was not found.
	tried []string
}

// templateData are kubeconform's template variables.
type templateData struct {
	NormalizedKubernetesVersion string
	StrictSuffix                string
	ResourceKind                string
	ResourceAPIVersion          string
	Group                       string
	KindSuffix                  string
}

func (l *locator) data(gvk schema.GroupVersionKind) templateData {
	// As kubeconform: the core group is named by its version ("v1").
	d := templateData{NormalizedKubernetesVersion: "master", ResourceKind: strings.ToLower(gvk.Kind),
		ResourceAPIVersion: gvk.Version, Group: gvk.Group, KindSuffix: "-" + gvk.Version}
	if gvk.Group == "" {
		d.Group = gvk.Version
	}
	if v := l.opts.KubernetesVersion; v != "" {
		d.NormalizedKubernetesVersion = "v" + strings.TrimPrefix(v, "v")
		if strings.Count(v, ".") == 1 { // a minor version, as --kubernetes-version takes it
			d.NormalizedKubernetesVersion += ".0"
		}
	}
	if l.opts.Strict {
		d.StrictSuffix = "-strict"
	}
	if gvk.Group != "" {
		d.KindSuffix = "-" + strings.ToLower(strings.Split(gvk.Group, ".")[0]) + "-" + gvk.Version
	}
	return d
}

// lookup returns the outcome for gvk, looking it up on first use; a
// fetch stops when ctx ends.
func (l *locator) lookup(ctx context.Context, gvk schema.GroupVersionKind) *located {
	e, ok := l.entries.Load(gvk)
	if !ok {
		e, _ = l.entries.LoadOrStore(gvk, &located{})
	}
	en := e.(*located)
	en.once.Do(func() { en.sch, en.tried, en.err = l.find(ctx, gvk) })
	return en
}

// find tries each location in order: the first file found is used, and a
// file that cannot be used is an error rather than a reason to go on.
func (l *locator) find(ctx context.Context, gvk schema.GroupVersionKind) (*jsonschema.Schema, []string, error) {
	data := l.data(gvk)
	var tried []string
	for _, t := range l.templates {
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
			return nil, nil, &LocationError{Location: t.Name(), Err: err}
		}
		where := b.String()
		shown := RedactLocation(where)
		raw, err := l.read(ctx, where)
		if errors.Is(err, fs.ErrNotExist) {
			tried = append(tried, shown)
			continue
		}
		if err != nil {
			return nil, nil, &LocationError{Location: shown, Err: err, Fetch: isRemote(where)}
		}
		sch, err := l.compile(gvk, raw)
		if err != nil {
			return nil, nil, &LocationError{Location: shown, Err: err}
		}
		return sch, nil, nil
	}
	return nil, tried, nil
}

// read returns the file or document at where; fs.ErrNotExist when there
// is none.
func (l *locator) read(ctx context.Context, where string) ([]byte, error) {
	if !strings.HasPrefix(where, "http://") && !strings.HasPrefix(where, "https://") {
		f, err := os.Open(where)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readLimited(f)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return nil, err
	}
	resp, err := l.opts.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusForbidden:
		// Object stores answer 403 for an object that does not exist.
		return nil, fs.ErrNotExist
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("fetch: %s", resp.Status)
	}
	return readLimited(resp.Body)
}

func readLimited(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxSchemaSize+1))
	if err == nil && len(raw) > maxSchemaSize {
		err = fmt.Errorf("larger than %d MiB", maxSchemaSize>>20)
	}
	return raw, err
}

// compile converts a kubeconform JSON schema, or the same in YAML, the
// way a CRD's schema is converted, and compiles it.
func (l *locator) compile(gvk schema.GroupVersionKind, raw []byte) (*jsonschema.Schema, error) {
	doc, err := decodeSchema(raw)
	if err != nil {
		return nil, err
	}
	cv := converter{crd: true, loose: true}
	conv, err := cv.node(doc, "schema", false)
	if err != nil {
		return nil, err
	}
	rootFields(conv)
	u := locationBase + url.PathEscape(gvk.Group) + "/" + url.PathEscape(gvk.Version) + "/" + url.PathEscape(gvk.Kind)
	sch, err := l.comp.compileDoc(u, conv)
	if err != nil {
		var msgs []string
		for _, is := range compileIssues(err, "schema") {
			msgs = append(msgs, is.Error())
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return sch, nil
}

// decodeSchema reads a JSON schema, or the same in YAML, keeping numbers
// as json.Number. A syntax error names its line.
func decodeSchema(raw []byte) (map[string]any, error) {
	js, isJSON := raw, bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{"))
	if !isJSON {
		var err error
		if js, err = yaml.YAMLToJSON(raw); err != nil {
			return nil, fmt.Errorf("not JSON or YAML: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var doc map[string]any
	err := dec.Decode(&doc)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok && isJSON {
		return nil, fmt.Errorf("line %d: %w", 1+bytes.Count(raw[:se.Offset], []byte("\n")), err)
	}
	if err != nil {
		return nil, fmt.Errorf("not a JSON schema object: %w", err)
	}
	return doc, nil
}

// rootFields declares what the API server accepts at the root of any
// object: apiVersion, kind and metadata, an ObjectMeta whatever the
// schema says of it.
func rootFields(doc map[string]any) {
	props, _ := doc["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		doc["properties"] = props
	}
	props["apiVersion"] = map[string]any{"type": "string"}
	props["kind"] = map[string]any{"type": "string"}
	props["metadata"] = map[string]any{"$ref": defURL(objectMetaDef)}
}

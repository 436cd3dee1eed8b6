package manifests

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// kustomizeMu runs one build at a time: krusty keeps process-wide state
// (the OpenAPI schema it sets from each kustomization).
var kustomizeMu sync.Mutex

// loadKustomization renders the kustomization in dir with krusty, as
// `kubectl kustomize dir` does (default options: no plugins, files only
// from within the kustomization root, kustomize's own output order).
//
// Every object gets an Origin naming the resource file it came from, or for
// generated objects the kustomization file that configured the generator.
// Kustomize only records origins when the kustomization asks for them with
// buildMetadata: [originAnnotations], so the top-level kustomization is read
// through originFS, which adds that option in memory; the annotations are
// stripped again before the objects are returned, exactly as kustomize strips
// them when the option is off.
func loadKustomization(ctx context.Context, dir string) ([]Object, []Problem) {
	fail := func(file, msg string) ([]Object, []Problem) {
		return nil, []Problem{{Origin: Origin{File: file}, Message: msg}}
	}
	info, err := os.Stat(dir)
	switch {
	case err != nil && os.IsNotExist(err):
		return fail(dir, "no such directory; check the path given to -k")
	case err != nil:
		return fail(dir, "cannot read: "+friendlyPathError(err))
	case !info.IsDir():
		return fail(dir, "is a file, not a kustomization directory; -k takes the directory that holds kustomization.yaml, and -f "+dir+" applies the file as it is")
	}
	kfile := kustomizationIn(dir)
	if kfile == "" {
		return fail(dir, "no kustomization.yaml, kustomization.yml or Kustomization in this directory, so there is nothing to render; to apply the manifests in it as they are, use -f "+dir)
	}
	if err := ctx.Err(); err != nil {
		return fail(kfile, "kustomize build not started: "+err.Error())
	}

	disk := filesys.MakeFsOnDisk()
	root, err := filesys.ConfirmDir(disk, dir)
	if err != nil {
		return fail(dir, "cannot read: "+err.Error())
	}
	fsys := newOriginFS(ctx, disk, root)

	kustomizeMu.Lock()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, string(root))
	kustomizeMu.Unlock()
	if cerr := ctx.Err(); cerr != nil {
		return fail(kfile, "kustomize build stopped: "+cerr.Error())
	}
	if err != nil {
		return fail(kfile, kustomizeMessage(err, dir, kfile, fsys.redact))
	}
	return convertResMap(m, dir, kfile, fsys.userWantsOrigins())
}

// convertResMap turns kustomize's output into Objects, in kustomize's
// order. keepOrigins leaves the origin annotations in place, for a
// kustomization that asked for them itself.
func convertResMap(m resmap.ResMap, dir, kfile string, keepOrigins bool) ([]Object, []Problem) {
	resources := m.Resources()
	locate := newOriginLocator(dir, kfile)
	origins := make([]Origin, len(resources))
	for i, r := range resources {
		ko, err := r.GetOrigin()
		if err != nil {
			ko = nil // unreadable annotation: fall back to the kustomization
		}
		origins[i] = locate.origin(ko, r.GetKind(), r.GetName())
	}
	if !keepOrigins {
		// The same call kustomize makes when originAnnotations is off, so
		// the objects come out as kubectl kustomize prints them.
		if err := m.RemoveOriginAnnotations(); err != nil {
			return nil, []Problem{{Origin: Origin{File: kfile}, Message: "cannot remove kustomize's origin annotations: " + err.Error()}}
		}
	}
	objs := make([]Object, 0, len(resources))
	var problems []Problem
	for i, r := range resources {
		raw, err := r.Map()
		if err == nil {
			err = normalizeMap(raw)
		}
		if err != nil {
			// Map's error goes on to quote the whole object, which may be
			// a Secret; its first part says what is wrong.
			msg, _, _ := strings.Cut(err.Error(), " for the following resource")
			msg = strings.TrimSpace(spaceRE.ReplaceAllString(msg, " "))
			problems = append(problems, Problem{Origin: origins[i], Message: fmt.Sprintf("%s %s rendered by kustomize cannot be converted to JSON: %s; fix the value in the manifest", r.GetKind(), r.GetName(), msg)})
			continue
		}
		objs = append(objs, Object{Unstructured: &unstructured.Unstructured{Object: raw}, Origin: origins[i]})
	}
	return objs, problems
}

// originFS is the on-disk file system, except that reading the top-level
// kustomization file returns it with originAnnotations added to its
// buildMetadata, so kustomize records where each object came from. Nothing
// is written to disk. Every read also checks ctx, so a cancelled load stops
// at the next file kustomize opens.
type originFS struct {
	filesys.FileSystem
	ctx context.Context
	// top holds the resolved paths of the top-level kustomization files.
	top map[string]bool

	mu          sync.Mutex
	userOrigins bool
	// secrets are secretGenerator values seen while reading, hidden from
	// error messages; secretFiles are the env and file sources that hold
	// them.
	secrets     map[string]bool
	secretFiles map[string]bool
}

func newOriginFS(ctx context.Context, disk filesys.FileSystem, root filesys.ConfirmedDir) *originFS {
	f := &originFS{FileSystem: disk, ctx: ctx, top: map[string]bool{}, secrets: map[string]bool{}, secretFiles: map[string]bool{}}
	for _, name := range kustomizationFiles {
		p := root.Join(name)
		if !disk.Exists(p) {
			continue
		}
		f.top[p] = true
		// The load restrictor resolves symlinks before reading.
		if d, file, err := disk.CleanedAbs(p); err == nil && file != "" {
			f.top[d.Join(file)] = true
		}
	}
	return f
}

func (f *originFS) ReadFile(path string) ([]byte, error) {
	if err := f.ctx.Err(); err != nil {
		return nil, err
	}
	data, err := f.FileSystem.ReadFile(path)
	if err != nil {
		return data, err
	}
	f.noteSecrets(path, data)
	if !f.top[path] {
		return data, nil
	}
	out, user := withOriginAnnotations(data)
	if user {
		f.mu.Lock()
		f.userOrigins = true
		f.mu.Unlock()
	}
	return out, nil
}

// noteSecrets remembers the values a secretGenerator takes from a
// kustomization's literals and from its env and file sources, so that
// error messages quoting them can be redacted.
func (f *originFS) noteSecrets(path string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	add := func(v string) {
		v = strings.TrimSpace(v)
		if len(v) >= minSecretLen {
			f.secrets[v] = true
			f.secrets[base64.StdEncoding.EncodeToString([]byte(v))] = true
		}
	}
	if f.secretFiles[path] {
		add(string(data))
		for _, l := range strings.Split(string(data), "\n") {
			if _, v, ok := strings.Cut(l, "="); ok {
				add(v)
			} else {
				add(l)
			}
		}
		return
	}
	if !slices.Contains(kustomizationFiles, filepath.Base(path)) {
		return
	}
	var k types.Kustomization
	if k.Unmarshal(data) != nil {
		return
	}
	dir := filepath.Dir(path)
	for _, sg := range k.SecretGenerator {
		for _, lit := range sg.LiteralSources {
			_, v, _ := strings.Cut(lit, "=")
			add(v)
			add(lit)
		}
		for _, src := range sg.FileSources {
			if _, p, ok := strings.Cut(src, "="); ok {
				src = p
			}
			f.secretFiles[filepath.Join(dir, src)] = true
		}
		envs := sg.EnvSources
		if sg.EnvSource != "" {
			envs = append(envs, sg.EnvSource)
		}
		for _, e := range envs {
			f.secretFiles[filepath.Join(dir, e)] = true
		}
	}
}

// minSecretLen is the shortest value hidden by substring: shorter ones would
// mangle the rest of the message, and the patterns in kustomizeMessage
// cover the places kustomize is known to quote values.
const minSecretLen = 4

// redact hides every remembered secret value in msg.
func (f *originFS) redact(msg string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	values := make([]string, 0, len(f.secrets))
	for v := range f.secrets {
		values = append(values, v)
	}
	// Longest first, so a value containing another is hidden whole.
	sort.Slice(values, func(i, j int) bool { return len(values[i]) > len(values[j]) })
	for _, v := range values {
		msg = strings.ReplaceAll(msg, v, "(hidden)")
	}
	return msg
}

func (f *originFS) Open(path string) (filesys.File, error) {
	if err := f.ctx.Err(); err != nil {
		return nil, err
	}
	return f.FileSystem.Open(path)
}

func (f *originFS) userWantsOrigins() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.userOrigins
}

const buildMetadataField = "buildMetadata"

// withOriginAnnotations returns a kustomization file's content with
// originAnnotations in its buildMetadata list, and whether the user had
// already put it there. Content that kustomize would reject or consider
// empty is returned unchanged, so kustomize reports it as it would anyway.
func withOriginAnnotations(data []byte) ([]byte, bool) {
	var orig types.Kustomization
	if err := orig.Unmarshal(data); err != nil {
		return data, false
	}
	if contains(orig.BuildMetadata, types.OriginAnnotations) {
		return data, true
	}
	var fixed types.Kustomization
	_ = fixed.Unmarshal(data)
	fixed.FixKustomization()
	if fixed.CheckEmpty() != nil {
		return data, false
	}
	rn, err := kyaml.Parse(string(data))
	if err != nil || rn.YNode().Kind != kyaml.MappingNode {
		return data, false
	}
	field := rn.Field(buildMetadataField)
	if field == nil {
		// Append a line rather than re-encode, so the file keeps its
		// layout and the line numbers in kustomize's messages stay right.
		// The result must decode to the same kustomization plus the option.
		out := make([]byte, 0, len(data)+40)
		out = append(out, data...)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, buildMetadataField+": ["+types.OriginAnnotations+"]\n"...)
		var check types.Kustomization
		if check.Unmarshal(out) == nil && slices.Equal(check.BuildMetadata, []string{types.OriginAnnotations}) {
			check.BuildMetadata = nil
			if reflect.DeepEqual(check, orig) {
				return out, false
			}
		}
		if err := rn.PipeE(kyaml.SetField(buildMetadataField, kyaml.NewListRNode(types.OriginAnnotations))); err != nil {
			return data, false
		}
	} else {
		v := field.Value.YNode()
		switch {
		case v.Kind == kyaml.SequenceNode:
			v.Content = append(v.Content, kyaml.NewStringRNode(types.OriginAnnotations).YNode())
		case v.Tag == kyaml.NodeTagNull:
			field.Value.SetYNode(kyaml.NewListRNode(types.OriginAnnotations).YNode())
		default:
			return data, false
		}
	}
	s, err := rn.String()
	if err != nil {
		return data, false
	}
	return []byte(s), false
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// originLocator turns kustomize's origin annotations into Origins, with the
// line of the document (or of the generator entry) where it can find one.
type originLocator struct {
	dir, kfile string
	files      map[string][]docEntry
	kusts      map[string]*kyaml.RNode
}

func newOriginLocator(dir, kfile string) *originLocator {
	return &originLocator{dir: dir, kfile: kfile, files: map[string][]docEntry{}, kusts: map[string]*kyaml.RNode{}}
}

// generatorFields maps builtin generator kinds to the kustomization field
// that configures them.
var generatorFields = map[string]string{
	"ConfigMapGenerator":          "configMapGenerator",
	"SecretGenerator":             "secretGenerator",
	"HelmChartInflationGenerator": "helmCharts",
}

func (l *originLocator) origin(ko *resource.Origin, kind, name string) Origin {
	if ko == nil || (ko.Path == "" && ko.ConfiguredIn == "") {
		return Origin{File: l.kfile}
	}
	if ko.Repo != "" {
		p := ko.Path
		if ko.ConfiguredIn != "" {
			p = ko.ConfiguredIn
		}
		file := ko.Repo + "//" + p
		if ko.Ref != "" {
			file += "?ref=" + ko.Ref
		}
		return Origin{File: file}
	}
	if ko.ConfiguredIn != "" {
		file := filepath.Join(l.dir, filepath.FromSlash(ko.ConfiguredIn))
		return Origin{File: file, Line: l.generatorLine(file, generatorFields[ko.ConfiguredBy.Kind], name)}
	}
	file := filepath.Join(l.dir, filepath.FromSlash(ko.Path))
	doc, line := l.documentOf(file, kind, name)
	return Origin{File: file, Doc: doc, Line: line}
}

// generatorLine returns the line of the generator entry in a kustomization
// file whose name is part of the generated object's name (which may carry
// a prefix, a suffix and a hash), else the line of the field, else 1.
func (l *originLocator) generatorLine(file, field, objName string) int {
	rn, ok := l.kusts[file]
	if !ok {
		if data, err := os.ReadFile(file); err == nil {
			rn, _ = kyaml.Parse(string(data))
		}
		l.kusts[file] = rn
	}
	if rn == nil || field == "" {
		return 1
	}
	f := rn.Field(field)
	if f == nil {
		return 1
	}
	best, line := -1, f.Key.YNode().Line
	if f.Value.YNode().Kind == kyaml.SequenceNode {
		for _, item := range f.Value.YNode().Content {
			n := kyaml.NewRNode(item).Field("name")
			if n == nil {
				continue
			}
			gen := n.Value.YNode().Value
			if strings.Contains(objName, gen) && len(gen) > best {
				best, line = len(gen), item.Line
			}
		}
	}
	if line < 1 {
		return 1
	}
	return line
}

// docEntry is one object (or List item) of a resource file.
type docEntry struct {
	doc, line  int
	kind, name string
}

// documentOf finds the document of file that an object came from: the only
// document, else the one with the same kind whose name is the longest part
// of the object's current name (kustomize may have added a prefix, suffix
// or hash). It returns doc 0, line 1 when it cannot tell.
func (l *originLocator) documentOf(file, kind, name string) (int, int) {
	entries, ok := l.files[file]
	if !ok {
		entries = readDocEntries(file)
		l.files[file] = entries
	}
	if len(entries) == 0 {
		return 0, 1
	}
	if len(entries) == 1 {
		return entries[0].doc, entries[0].line
	}
	best := -1
	doc, line := 0, 1
	for _, e := range entries {
		if e.kind == kind && strings.Contains(name, e.name) && len(e.name) > best {
			best, doc, line = len(e.name), e.doc, e.line
		}
	}
	return doc, line
}

func readDocEntries(file string) []docEntry {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var entries []docEntry
	docs := splitDocuments(data)
	nonBlank := 0
	for _, d := range docs {
		if !isBlank(d.data) {
			nonBlank++
		}
	}
	for i, d := range docs {
		if isBlank(d.data) {
			continue
		}
		line := d.line + firstContentLine(d.data)
		if nonBlank == 1 {
			return []docEntry{{doc: i, line: line}}
		}
		kind, name, ok := scanKindName(d.data)
		if ok {
			entries = append(entries, docEntry{doc: i, line: line, kind: kind, name: name})
			continue
		}
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Items []struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			} `json:"items"`
		}
		if yaml.Unmarshal(d.data, &head) != nil {
			continue
		}
		entries = append(entries, docEntry{doc: i, line: line, kind: head.Kind, name: head.Metadata.Name})
		for _, it := range head.Items {
			entries = append(entries, docEntry{doc: i, line: line, kind: it.Kind, name: it.Metadata.Name})
		}
	}
	return entries
}

// scanKindName reads kind and metadata.name from a block-style YAML
// document without decoding it, which is much cheaper for files with many
// documents. ok is false when the document is not laid out simply.
func scanKindName(data []byte) (kind, name string, ok bool) {
	inMeta := false
	metaIndent := -1
	for _, raw := range strings.Split(string(data), "\n") {
		l := strings.TrimRight(raw, " \t\r")
		t := strings.TrimLeft(l, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		indent := len(l) - len(t)
		if indent == 0 {
			inMeta = false
			switch {
			case strings.HasPrefix(t, "kind:"):
				kind = scalarValue(t[len("kind:"):])
			case t == "metadata:":
				inMeta, metaIndent = true, -1
			}
			continue
		}
		if !inMeta {
			continue
		}
		if metaIndent < 0 {
			metaIndent = indent
		}
		if indent == metaIndent && strings.HasPrefix(t, "name:") {
			name = scalarValue(t[len("name:"):])
		}
	}
	return kind, name, kind != "" && name != ""
}

// scalarValue returns a plain or simply quoted scalar, or "" for anything
// else.
func scalarValue(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	if s == "" || strings.ContainsAny(s[:1], "\"'{[&*!|>%@`") {
		return ""
	}
	return s
}

// Kustomize quotes generator input, and dumps whole objects, in a few of
// its messages; for a secretGenerator or a Secret that text is the secret.
var (
	literalSourcesRE = regexp.MustCompile(`(?s)literal sources \[.*\]: invalid literal source`)
	literalSourceRE  = regexp.MustCompile(`(?s)invalid literal source (.*), expected key=value`)
	badUTF8RE        = regexp.MustCompile(`(?s)(line \[[0-9 ]*\] )?has invalid utf8 bytes : .*`)
	spaceRE          = regexp.MustCompile(`\s*\n\s*`)
)

// referralDetails starts the full YAML of every candidate kustomize adds
// to "found multiple possible referrals"; the IDs before it say enough.
const referralDetails = "**** Too many possible referral targets"

// kustomizeMessage is kustomize's reason for failing, with the generator
// input and objects it quotes hidden, followed by what to do about it.
func kustomizeMessage(err error, dir, kfile string, redact func(string) string) string {
	reason := err.Error()
	if i := strings.Index(reason, referralDetails); i >= 0 {
		reason = reason[:i]
	}
	reason = literalSourcesRE.ReplaceAllString(reason, "literal sources (values hidden): invalid literal source")
	reason = literalSourceRE.ReplaceAllStringFunc(reason, func(m string) string {
		src := literalSourceRE.FindStringSubmatch(m)[1]
		if key, _, found := strings.Cut(src, "="); found {
			src = key + "=(hidden)"
		}
		return "invalid literal source " + strconv.Quote(src) + ", expected key=value"
	})
	reason = badUTF8RE.ReplaceAllString(reason, "has a line with invalid utf8 bytes (line hidden)")
	if redact != nil {
		reason = redact(reason)
	}
	reason = strings.TrimSpace(spaceRE.ReplaceAllString(reason, " "))
	return reason + "; " + kustomizeHint(reason, dir, kfile)
}

func kustomizeHint(reason, dir, kfile string) string {
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(reason, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case has("is not in or below"):
		return "kustomize only reads files inside the kustomization's directory (" + dir + "); move the file there, or give its directory its own kustomization and list that directory under resources"
	case has("unable to find one of"):
		return "a directory listed in the kustomization has no kustomization file; add one there, or list its files one by one"
	case has("no such file or directory", "evalsymlink failure"):
		return "check the paths listed in " + kfile + " (they are relative to the directory of the kustomization that lists them) and that the files exist"
	case has("patch", "operation does not apply", "Unexpected kind", "doc is missing"):
		return "fix the patch: a strategic merge patch is a partial object naming its target by apiVersion, kind and metadata.name; a JSON 6902 patch is a list of op (add, remove, replace, move, copy, test), path and value entries, needs a target, and its paths must exist in that target"
	case has("literal source", "KV pairs", "utf8", "illegally repeats", "not a valid key name"):
		return "fix the generator's input: literals are KEY=VALUE, env files hold KEY=VALUE lines, and each key appears once"
	case has("invalid Kustomization", "unknown field"):
		return "fix " + kfile + "; its fields are described at https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/"
	case has("multiple possible referrals"):
		return "a name reference could mean more than one of these objects; give them distinct names, or put the referrer in the namespace of the one it means"
	case has("already registered id"):
		return "the same object is produced twice; remove one of them, or use behavior: merge or replace for a generator that changes a base's"
	case has("is empty"):
		return "list resources, components or generators in " + kfile
	default:
		return "fix the kustomization, and check the result with kubectl kustomize " + dir
	}
}

package manifests

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

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

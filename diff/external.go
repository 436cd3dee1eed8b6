package diff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ExternalDiffEnv names the differ to run, as kubectl diff does.
const ExternalDiffEnv = "KUBECTL_EXTERNAL_DIFF"

// WriteExternal runs an external differ the way kubectl does: it writes the
// live and predicted objects (masked) as YAML files named
// group.version.kind.namespace.name into two directories, LIVE-* and
// MERGED-*, and runs `command LIVE MERGED`. command may carry arguments
// ("diff -u -N"). The differ's exit status 1 means differences, not
// failure.
func (r Report) WriteExternal(ctx context.Context, command string, out, errOut io.Writer) error {
	args := strings.Fields(command)
	if len(args) == 0 {
		return fmt.Errorf("%s is empty; unset it or name a program such as \"diff -u -N\"", ExternalDiffEnv)
	}
	var dirs []string
	defer func() {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}()
	for _, prefix := range []string{"LIVE-", "MERGED-"} {
		d, err := os.MkdirTemp("", prefix)
		if err != nil {
			return err
		}
		dirs = append(dirs, d)
	}
	live, merged := dirs[0], dirs[1]
	for _, e := range r.Entries {
		name := fileName(e)
		if err := os.WriteFile(filepath.Join(live, name), []byte(toYAML(e.Before)), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(merged, name), []byte(toYAML(e.After)), 0o600); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, args[0], append(args[1:], live, merged)...)
	cmd.Stdout, cmd.Stderr = out, errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("run %s %q: %w", ExternalDiffEnv, command, err)
	}
	return nil
}

// fileName is kubectl's: [group.]version.kind.namespace.name, with an empty
// namespace for cluster-scoped objects.
func fileName(e Entry) string {
	version := ""
	if e.After != nil {
		version = e.After.GroupVersionKind().Version
	}
	name := fmt.Sprintf("%s.%s.%s.%s", version, e.ID.Kind, e.ID.Namespace, e.ID.Name)
	if e.ID.Group != "" {
		name = e.ID.Group + "." + name
	}
	return name
}

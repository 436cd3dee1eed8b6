package cmd

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/pflag"
)

// profileFlags are kubectl's --profile and --profile-output: capture a Go
// profile of one run, for `go tool pprof`.
type profileFlags struct {
	Name   string
	Output string
	file   *os.File
}

func (p *profileFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&p.Name, "profile", "none", "name of profile to capture: none, cpu or heap")
	fl.StringVar(&p.Output, "profile-output", "profile.pprof", "file to write the profile to")
}

// start begins a CPU profile, or opens the file a heap profile goes to.
func (p *profileFlags) start() error {
	switch p.Name {
	case "none":
		return nil
	case "cpu", "heap":
	default:
		return fmt.Errorf("invalid --profile %q: use none, cpu or heap", p.Name)
	}
	f, err := os.Create(p.Output)
	if err != nil {
		return fmt.Errorf("create --profile-output: %w", err)
	}
	p.file = f
	if p.Name == "cpu" {
		return pprof.StartCPUProfile(f)
	}
	return nil
}

// stop ends the profile and closes its file.
func (p *profileFlags) stop() error {
	if p.file == nil {
		return nil
	}
	defer p.file.Close()
	if p.Name == "cpu" {
		pprof.StopCPUProfile()
		return nil
	}
	runtime.GC()
	return pprof.WriteHeapProfile(p.file)
}

package cmd

import (
	"flag"
	"io"
	"strconv"

	"github.com/spf13/pflag"
	"k8s.io/klog/v2"
)

// logFlags hold -v, the verbosity of client-go's own log (klog).
type logFlags struct {
	verbosity int
}

func (l *logFlags) add(fl *pflag.FlagSet) {
	fl.IntVarP(&l.verbosity, "v", "v", 0, "log level of the Kubernetes client library (klog) on stderr; 0 keeps its lines off the terminal")
}

// apply routes klog: at -v 0 its lines never reach the terminal, since
// converge reports every failure itself; -v N shows them at level N.
func (l *logFlags) apply() {
	if l.verbosity <= 0 {
		klog.LogToStderr(false)
		klog.SetOutput(io.Discard)
		return
	}
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	_ = fs.Set("v", strconv.Itoa(l.verbosity))
	_ = fs.Set("logtostderr", "true")
}

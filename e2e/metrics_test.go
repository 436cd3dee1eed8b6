package e2e

import (
	"bufio"
	"strconv"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
)

// requestFilter selects series of apiserver_request_total.
type requestFilter struct {
	// verbs are the verbs counted, such as PATCH.
	verbs map[string]bool
	// dryRun is "" for real requests, "All" for dry runs.
	dryRun string
	// resources are the resources counted, such as deployments; empty
	// counts all.
	resources map[string]bool
}

// writes counts the requests that change existing objects (update, patch,
// apply) and persist, on the main resource (not status), of these
// resources. Creates are not counted: a re-apply of existing objects cannot
// create any, while controllers create pods and each new namespace's
// ServiceAccount and ConfigMap at their own pace.
func writes(resources ...string) requestFilter {
	return requestFilter{verbs: set("PUT", "PATCH", "APPLY"), resources: set(resources...)}
}

// dryRuns counts dry-run creates and patches of these resources.
func dryRuns(resources ...string) requestFilter {
	return requestFilter{verbs: set("POST", "PUT", "PATCH", "APPLY"), dryRun: "All", resources: set(resources...)}
}

func set(items ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range items {
		m[s] = true
	}
	return m
}

// countRequests returns the sum of apiserver_request_total over the series
// f selects.
func countRequests(t *testing.T, f requestFilter) int {
	t.Helper()
	raw, err := testcluster.Clientset(t).CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx(t))
	if err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	total := 0
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		labels, value := parseSeries(line)
		if !f.verbs[labels["verb"]] || labels["dry_run"] != f.dryRun || labels["subresource"] != "" {
			continue
		}
		if len(f.resources) > 0 && !f.resources[labels["resource"]] {
			continue
		}
		total += value
	}
	return total
}

// parseSeries reads `name{a="x",b="y"} 12`.
func parseSeries(line string) (map[string]string, int) {
	open, closing := strings.IndexByte(line, '{'), strings.LastIndexByte(line, '}')
	labels := map[string]string{}
	for _, kv := range strings.Split(line[open+1:closing], ",") {
		k, v, _ := strings.Cut(kv, "=")
		labels[k] = strings.Trim(v, `"`)
	}
	f, _ := strconv.ParseFloat(strings.TrimSpace(line[closing+1:]), 64)
	return labels, int(f)
}

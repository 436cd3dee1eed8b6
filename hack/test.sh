#!/usr/bin/env bash
# Runs every test: static checks, unit tests and integration tests against
# ONE local control plane shared by the whole run. Called by `make test` and
# .ci/run. Fails (never skips) when the control plane cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

echo "== gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' | grep -v '^localcluster/') localcluster/*.go)
if [[ -n "$unformatted" ]]; then
  echo "FAIL: not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
(cd localcluster && go vet ./...)

dir=$(mktemp -d "${TMPDIR:-/tmp}/converge-test.XXXXXX")
trap 'stop_cluster; rm -rf "$dir"' EXIT
echo "== starting the local control plane"
start_cluster "$dir"

echo "== go test -race ./..."
go test -race -count=1 -timeout 30m ./... "$@"
echo "== fuzzing the manifest loader for a few seconds"
# A fresh cache per run: inputs found by earlier runs would otherwise pile
# up in GOCACHE, and gathering their coverage ate the 10 s on a busy
# machine (a "context deadline exceeded" with 20 executions). The seed
# corpus under testdata/fuzz still runs every time.
fuzzcache=$dir/fuzz-cache
mkdir -p "$fuzzcache"
go test -run '^$' -fuzz FuzzDecodeFile -fuzztime 10s ./manifests -args -test.fuzzcachedir="$fuzzcache"
go test -run '^$' -fuzz FuzzFastYAML -fuzztime 10s ./manifests -args -test.fuzzcachedir="$fuzzcache"
echo "== localcluster unit tests"
(cd localcluster && go test -count=1 ./...)

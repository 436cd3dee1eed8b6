#!/usr/bin/env bash
# converge sync side by side with `git pull && kubectl apply -f` on one
# repository of 1,000 ConfigMaps served by git http-backend on loopback:
# the first sync, a cycle with nothing to do (git round trips, API requests
# from the client and from apiserver_request_total, CPU), the time from a
# commit to every object applied, and peak RSS. See hack/benchsync.
#
# Uses $KUBECONFIG when set; otherwise starts bin/localcluster.
# Tunables: OBJECTS (1000), WINDOW (10s), INTERVAL (1s).
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/converge-bench-sync.XXXXXX")
trap 'stop_cluster; rm -rf "$work"' EXIT
if [[ -z "${KUBECONFIG:-}" ]]; then
  start_cluster "$work/cluster"
fi
go run ./hack/benchsync -converge bin/converge -objects "${OBJECTS:-1000}" -window "${WINDOW:-10s}" -interval "${INTERVAL:-1s}"

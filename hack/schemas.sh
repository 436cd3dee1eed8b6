#!/usr/bin/env bash
# Regenerates the bundled OpenAPI schemas in schemas/data/, one zip per minor
# version (the format of schemas.Bundle; equal schemas give equal bytes):
# - the newest version from the /openapi/v3 of a freshly started local
#   control plane (bin/localcluster, Kubernetes v1.36.3);
# - older versions from the api/openapi-spec/v3 documents that kube-apiserver
#   of that version published into the k8s.io/kubernetes module.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
OLDER=${OLDER:-"v1.34.4 v1.35.4"}

dir=$(mktemp -d "${TMPDIR:-/tmp}/converge-schemas.XXXXXX")
trap 'stop_cluster; rm -rf "$dir"' EXIT
start_cluster "$dir"
go run ./schemas/gen --kubeconfig "$KUBECONFIG" --out schemas/data/v1.36.zip

for v in $OLDER; do
  mod=$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  minor=${v%.*}
  go run ./schemas/gen --from-dir "$mod/api/openapi-spec/v3" --version "$v" --out "schemas/data/$minor.zip"
done

#!/usr/bin/env bash
# The sync demo: a local git repository whose commits replay the book's app
# (flask 0.1.0, then 0.1.1, then 3 replicas, then redis removed), synced
# commit by commit into the local control plane, with a bad commit that
# applies nothing and an undo that sticks, then converge history.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/converge-demo-sync.XXXXXX")
trap 'stop_cluster; rm -rf "$dir"' EXIT
echo "== starting the local control plane"
start_cluster "$dir/cluster"

step() { echo; echo "\$ $*"; "$@"; }
repo=$dir/apps
mkdir -p "$repo/flask"
cp examples/flask/*.yaml "$repo/flask/"
git -C "$repo" init -q -b main
commit() { git -C "$repo" add -A && git -C "$repo" -c user.name=dev -c user.email=dev@example.com commit -q -m "$1" && echo "# committed: $1"; }
sync() { step bin/converge sync --repo "$repo" --path flask --applyset flask --once --cache-dir "$dir/cache" "$@"; }

commit "flask 0.1.0"
sync --wait
step kubectl get deployments,services,configmaps -l app.kubernetes.io/part-of=flask-demo

sed -i 's/flask:0.1.0/flask:0.1.1/' "$repo/flask/flask-deployment.yaml"
commit "deploying image 0.1.1"
sync

sed -i 's/replicas: 1/replicas: 3/' "$repo/flask/flask-deployment.yaml"
commit "scale flask to 3 replicas"
sync --wait

git -C "$repo" rm -q flask/redis.yaml
commit "redis removed"
sync

echo; echo "# a bad commit applies nothing; status says where the problem is:"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  key: [unclosed\n' > "$repo/flask/broken.yaml"
commit "a typo"
sync || true
step bin/converge sync status --applyset flask
git -C "$repo" rm -q flask/broken.yaml
commit "fix the typo"
sync

echo; echo "# an undo sticks: sync leaves the rollback in place until a new commit or resume:"
step bin/converge undo --applyset flask
sync
step bin/converge sync resume --applyset flask
sync

echo; echo "# every commit that changed the cluster is a revision, with its commit and subject:"
step kubectl rollout history deployment/flask
step bin/converge history --applyset flask
echo; echo "demo-sync done; stopping the control plane"

#!/usr/bin/env bash
# The demo: start the local control plane, apply examples/flask with
# converge, show the result with kubectl, prove kubectl agrees, and stop.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/converge-demo.XXXXXX")
trap 'stop_cluster; rm -rf "$dir"' EXIT
echo "== starting the local control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, two simulated kwok nodes)"
start_cluster "$dir"

step() { echo; echo "\$ $*"; "$@"; }
step bin/converge version
step bin/converge validate -f examples/flask
step bin/converge apply -f examples/flask --prune --applyset flask --wait --change-cause "initial deployment"
step kubectl rollout status deployment/flask
step kubectl get deployments,replicasets,pods,services,configmaps -l app.kubernetes.io/part-of=flask-demo
step kubectl rollout history deployment/flask
id=$(kubectl get secret flask -o jsonpath='{.metadata.labels.applyset\.kubernetes\.io/id}')
echo; echo "# the ApplySet's members, listed by kubectl through their part-of label:"
step kubectl get all,configmaps -l "applyset.kubernetes.io/part-of=$id" -o name
echo; echo "# re-applying changes nothing, and kubectl agrees:"
step bin/converge apply -f examples/flask
step kubectl diff -f examples/flask
step kubectl apply -f examples/flask
echo; echo "# Helm-style output the server stores in other forms (2000m, 1024Mi, [], {}, defaults):"
step bin/converge apply -f examples/helm-style
echo; echo "# kubectl patches it again on every apply; converge finds nothing to write, and diff agrees:"
step kubectl apply -f examples/helm-style
step bin/converge apply -f examples/helm-style
step bin/converge diff -f examples/helm-style
echo; echo "# a change, previewed exactly before it is applied (exit 1 means changes):"
cp -r examples/flask "$dir/flask"
sed -i 's/replicas: 1/replicas: 3/; s/flask:0.1.0/flask:0.2.0/' "$dir/flask/flask-deployment.yaml"
step bin/converge diff -f "$dir/flask" --prune --applyset flask || true
step bin/converge apply -f "$dir/flask" --prune --applyset flask --wait --change-cause "deploying image 0.2.0 with 3 replicas"
echo; echo "# a file removed from the set: diff shows the prune, apply --prune deletes only that object:"
rm "$dir/flask/redis.yaml"
step bin/converge diff -f "$dir/flask" --prune --applyset flask || true
step bin/converge apply -f "$dir/flask" --prune --applyset flask --change-cause "redis removed"
echo; echo "# every apply of the set is a revision, with its source, change-cause and counts; kubectl sees the causes too:"
step kubectl rollout history deployment/flask
step bin/converge history --applyset flask
echo; echo "# what revision 2 changed, from revision 1:"
step bin/converge history --applyset flask --revision 2
echo; echo "# undo goes back to revision 1 as a new revision, as kubectl rollout undo does, for the whole set (redis comes back):"
step bin/converge undo --applyset flask --to-revision 1 --wait
step bin/converge history --applyset flask
echo; echo "# last-applied is revision 1's again, so kubectl agrees with the original manifests:"
step kubectl diff -f examples/flask
echo; echo "demo done; stopping the control plane"

#!/usr/bin/env bash
# Diff benchmark: apply 1,000 objects (500 ConfigMaps and 500 Deployments,
# one file each) into a fresh namespace with converge, change every 10th
# file (a ConfigMap data value or a Deployment image), then time
# `kubectl diff` and `bin/converge diff` on the same directory, best of 3
# runs each. Prints both times and the ratio (kubectl time / converge time;
# above 1 means converge is faster), and checks that both tools report the
# same number of changed objects.
#
# Both diffs must exit 1 (differences found); any other status fails the
# script. Uses $KUBECONFIG when set; otherwise starts bin/localcluster.
# Needs kubectl on PATH, bc, and bin/converge (make build).
# Tunables: CONFIGMAPS (500), DEPLOYMENTS (500), EVERY (10: change every
# EVERY-th file), RUNS (3), CONVERGE (the converge binary, bin/converge).
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
CONFIGMAPS=${CONFIGMAPS:-500}
DEPLOYMENTS=${DEPLOYMENTS:-500}
EVERY=${EVERY:-10}
RUNS=${RUNS:-3}
CONVERGE=${CONVERGE:-bin/converge}
export LC_NUMERIC=C # printf %f must read the "." that bc prints

command -v kubectl >/dev/null || { echo "FAIL: kubectl is not on PATH" >&2; exit 1; }
command -v bc >/dev/null || { echo "FAIL: bc is not on PATH" >&2; exit 1; }
[[ -x $CONVERGE ]] || { echo "FAIL: $CONVERGE is missing; run make build" >&2; exit 1; }
# Both tools would run an external differ named here; the counts below
# need GNU diff's default output.
unset KUBECTL_EXTERNAL_DIFF

work=$(mktemp -d "${TMPDIR:-/tmp}/converge-bench-diff.XXXXXX")
ns=""
cleanup() {
  if [[ -n $ns ]]; then
    kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  fi
  stop_cluster
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -z "${KUBECONFIG:-}" ]]; then
  start_cluster "$work/cluster"
fi

dir="$work/set"
mkdir -p "$dir"
# configmap I VALUE: writes ConfigMap cm-I with data key VALUE.
configmap() {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%04d\n  labels:\n    bench: diff\ndata:\n  key: %s\n  other: "%d"\n' \
    "$1" "$2" "$1" >"$dir/cm-$(printf '%04d' "$1").yaml"
}
# deployment I IMAGE: writes Deployment web-I running IMAGE.
deployment() {
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%04d\n  labels:\n    bench: diff\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web-%04d\n  template:\n    metadata:\n      labels:\n        app: web-%04d\n    spec:\n      containers:\n        - name: web\n          image: %s\n          ports:\n            - containerPort: 8080\n' \
    "$1" "$1" "$1" "$2" >"$dir/web-$(printf '%04d' "$1").yaml"
}
for ((i = 1; i <= CONFIGMAPS; i++)); do configmap "$i" "value-$i"; done
for ((i = 1; i <= DEPLOYMENTS; i++)); do deployment "$i" "registry.example/web:1.0"; done
total=$((CONFIGMAPS + DEPLOYMENTS))
echo "generated $CONFIGMAPS ConfigMaps and $DEPLOYMENTS Deployments in $dir"

ns="bench-diff-$(date +%s)-$$"
kubectl create namespace "$ns" >/dev/null
if ! "$CONVERGE" apply -n "$ns" -f "$dir" >"$work/apply.out" 2>&1; then
  echo "FAIL: $CONVERGE apply -n $ns -f $dir:" >&2
  tail -n 30 "$work/apply.out" >&2
  exit 1
fi
echo "applied $total objects into namespace $ns"

# Change every EVERY-th file, ConfigMaps first, then Deployments.
changed=0
n=0
for ((i = 1; i <= CONFIGMAPS; i++)); do
  n=$((n + 1))
  if ((n % EVERY == 0)); then
    configmap "$i" "changed-$i"
    changed=$((changed + 1))
  fi
done
for ((i = 1; i <= DEPLOYMENTS; i++)); do
  n=$((n + 1))
  if ((n % EVERY == 0)); then
    deployment "$i" "registry.example/web:1.1"
    changed=$((changed + 1))
  fi
done
echo "changed $changed of $total files"

# diff_run OUT CMD...: runs a diff, output to OUT, and fails the script
# unless it exits 1 (differences found).
diff_run() {
  local out=$1 rc=0
  shift
  "$@" >"$out" 2>"$work/stderr" || rc=$?
  if ((rc != 1)); then
    echo "FAIL: $* exited $rc, want 1 (differences found):" >&2
    tail -n 30 "$work/stderr" >&2
    exit 1
  fi
}

now() { date +%s.%N; }
# best OUT CMD...: runs diff_run RUNS times and prints the fastest wall
# time in seconds.
best() {
  local out=$1 b="" start end t i
  shift
  for ((i = 0; i < RUNS; i++)); do
    start=$(now)
    diff_run "$out" "$@"
    end=$(now)
    t=$(echo "$end - $start" | bc)
    if [[ -z $b ]] || (($(echo "$t < $b" | bc))); then b=$t; fi
  done
  echo "$b"
}

k=$(best "$work/kubectl.out" kubectl diff -n "$ns" -f "$dir")
c=$(best "$work/converge.out" "$CONVERGE" diff -n "$ns" -f "$dir")

# kubectl diff prints one "diff -u -N .../LIVE-.../NAME .../MERGED-.../NAME"
# line per changed object; converge diff -o json counts them in
# .summary.update.
k_count=$(grep -c '^diff -u -N .*/LIVE-' "$work/kubectl.out" || true)
diff_run "$work/converge.json" "$CONVERGE" diff -n "$ns" -f "$dir" -o json
c_count=$(grep -o '"update": *[0-9][0-9]*' "$work/converge.json" | head -n 1 | grep -o '[0-9][0-9]*$' || true)

printf '\n%-34s %10s %10s %8s\n' case kubectl converge ratio
printf '%-34s %9.2fs %9.2fs %7.2fx\n' "diff ($total objects, best of $RUNS)" "$k" "$c" "$(echo "$k / $c" | bc -l)"
echo "changed objects: kubectl diff $k_count, converge diff ${c_count:-?} (files changed: $changed)"
if [[ -z $c_count || $k_count != "$c_count" ]]; then
  echo "FAIL: kubectl diff and converge diff disagree on the number of changed objects" >&2
  exit 1
fi
if ((k_count != changed)); then
  echo "WARN: both report $k_count changed objects, but $changed files were changed" >&2
fi

#!/usr/bin/env bash
# Render benchmark: generate a kustomization with 4,000 resources (ConfigMaps
# and Deployments spread over several files, with a namespace, commonLabels
# and an image override), then time `kubectl kustomize DIR` and
# `bin/converge render -k DIR`, best of 3 runs each, and print both times and
# the ratio (kubectl time / converge time; above 1 means converge is faster).
#
# Needs kubectl on PATH and bin/converge (make build). No cluster is used.
# Tunables: RESOURCES (4000), PER_FILE (100), RUNS (3), CONVERGE (the
# converge binary, bin/converge).
set -euo pipefail
cd "$(dirname "$0")/.."
RESOURCES=${RESOURCES:-4000}
PER_FILE=${PER_FILE:-100}
RUNS=${RUNS:-3}
CONVERGE=${CONVERGE:-bin/converge}

command -v kubectl >/dev/null || { echo "FAIL: kubectl is not on PATH" >&2; exit 1; }
[[ -x $CONVERGE ]] || { echo "FAIL: $CONVERGE is missing; run make build" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/converge-render.XXXXXX")
trap 'rm -rf "$work"' EXIT
dir="$work/kustomization"
mkdir -p "$dir"

# Half ConfigMaps, half Deployments, PER_FILE documents per file.
configmaps=$((RESOURCES / 2))
deployments=$((RESOURCES - configmaps))
files=()
gen() { # gen KIND COUNT
  local kind=$1 count=$2 i f=""
  for ((i = 1; i <= count; i++)); do
    if (((i - 1) % PER_FILE == 0)); then
      f="$kind-$(printf '%03d' $(((i - 1) / PER_FILE))).yaml"
      files+=("$f")
      : >"$dir/$f"
    fi
    if [[ $kind == configmap ]]; then
      printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%05d\n  labels:\n    bench: render\ndata:\n  key: value-%d\n  other: "%d"\n' "$i" "$i" "$i" >>"$dir/$f"
    else
      printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%05d\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web-%05d\n  template:\n    metadata:\n      labels:\n        app: web-%05d\n    spec:\n      containers:\n        - name: web\n          image: registry.example/web:1.0\n          ports:\n            - containerPort: 8080\n          env:\n            - name: INDEX\n              value: "%d"\n' "$i" "$i" "$i" "$i" >>"$dir/$f"
    fi
  done
}
gen configmap "$configmaps"
gen deployment "$deployments"
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "namespace: bench-render"
  echo "commonLabels:"
  echo "  app.kubernetes.io/part-of: bench"
  echo "images:"
  echo "  - name: registry.example/web"
  echo "    newTag: \"2.0\""
  echo "resources:"
  printf '  - %s\n' "${files[@]}"
} >"$dir/kustomization.yaml"
echo "generated $configmaps ConfigMaps and $deployments Deployments in ${#files[@]} files under $dir"

now() { date +%s.%N; }
# best CMD...: runs CMD RUNS times and prints the fastest wall time in seconds.
best() {
  local b="" start end t i
  for ((i = 0; i < RUNS; i++)); do
    start=$(now)
    "$@" >/dev/null 2>"$work/stderr" || { echo "FAIL: $* exited non-zero:" >&2; cat "$work/stderr" >&2; exit 1; }
    end=$(now)
    t=$(echo "$end - $start" | bc)
    if [[ -z $b ]] || (($(echo "$t < $b" | bc))); then b=$t; fi
  done
  echo "$b"
}

# Both must succeed before anything is timed.
k_count=$(kubectl kustomize "$dir" 2>"$work/stderr" | grep -c '^kind:') ||
  { echo "FAIL: kubectl kustomize $dir:" >&2; cat "$work/stderr" >&2; exit 1; }
"$CONVERGE" render -k "$dir" >/dev/null 2>"$work/stderr" ||
  { echo "FAIL: $CONVERGE render -k $dir:" >&2; cat "$work/stderr" >&2; exit 1; }
echo "kubectl kustomize renders $k_count objects"

k=$(best kubectl kustomize "$dir")
c=$(best "$CONVERGE" render -k "$dir")
printf '\n%-34s %10s %10s %8s\n' case kubectl converge ratio
printf '%-34s %9.2fs %9.2fs %7.2fx\n' "render ($RESOURCES objects, best of $RUNS)" "$k" "$c" "$(echo "$k / $c" | bc -l)"

#!/usr/bin/env bash
# Baseline benchmark: apply 1,000 ConfigMaps and 200 Deployments with
# converge and with kubectl, side by side on the same local control plane,
# into fresh namespaces; then re-apply with nothing changed. Prints both
# tools' times and the ratio for each case.
#
# Then the same for 1,200 objects that all carry forms the API server
# normalises (800 Deployments with 2000m, 1024Mi, args: [], nodeSelector: {},
# hostNetwork: false; 200 ConfigMaps with empty maps; 200 StatefulSets with
# Helm-style volumeClaimTemplates, which only a server dry run settles): a
# first no-op re-apply (goal: under 1 s, every object unchanged, no write)
# and a second one through the memo of server verdicts (goal: under 0.5 s,
# no dry run). Dry runs and patches are counted from the API server's
# apiserver_request_total.
#
# Uses $KUBECONFIG when set; otherwise starts bin/localcluster.
# Then hack/bench-scale.sh: the raw client-go floor (hack/floor), kubectl
# and converge for 1,200 and 10,000 ConfigMaps: create, no-op, diff, prune,
# with peak RSS and write counts.
#
# Tunables: CONFIGMAPS (1000), DEPLOYMENTS (200), PATTERNED (1: run the
# second part; 0 skips it), SCALE (1: run the third; 0 skips it), and
# bench-scale.sh's SIZES and KUBECTL_SIZES.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
CONFIGMAPS=${CONFIGMAPS:-1000}
DEPLOYMENTS=${DEPLOYMENTS:-200}
PATTERNED=${PATTERNED:-1}
export LC_NUMERIC=C

work=$(mktemp -d "${TMPDIR:-/tmp}/converge-bench.XXXXXX")
trap 'stop_cluster; rm -rf "$work"' EXIT
if [[ -z "${KUBECONFIG:-}" ]]; then
  start_cluster "$work/cluster"
fi

set_dir="$work/set"
mkdir -p "$set_dir"
for i in $(seq 1 "$CONFIGMAPS"); do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%04d\n  labels:\n    bench: apply\ndata:\n  key: value-%d\n  other: "%d"\n' "$i" "$i" "$i" >"$set_dir/cm-$i.yaml"
done
for i in $(seq 1 "$DEPLOYMENTS"); do
  cat >"$set_dir/deploy-$i.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-$i
  labels:
    bench: apply
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web-$i
  template:
    metadata:
      labels:
        app: web-$i
    spec:
      containers:
        - name: web
          image: registry.example/web:$i
          ports:
            - containerPort: 8080
          env:
            - name: INDEX
              value: "$i"
YAML
done
echo "generated $CONFIGMAPS ConfigMaps and $DEPLOYMENTS Deployments in $set_dir"

now() { date +%s.%N; }
# timed TOOL NS: applies the set with TOOL into NS and prints seconds.
timed() {
  local tool=$1 ns=$2 start end
  start=$(now)
  case $tool in
    converge) bin/converge apply -n "$ns" -f "$set_dir" >"$work/$tool-$ns.out" ;;
    kubectl) kubectl apply -n "$ns" -f "$set_dir" >"$work/$tool-$ns.out" ;;
  esac
  end=$(now)
  echo "$end - $start" | bc
}

for tool in kubectl converge; do
  kubectl create namespace "bench-$tool" >/dev/null
done
printf '\n%-28s %10s %10s %8s\n' case kubectl converge ratio
for phase in create reapply; do
  k=$(timed kubectl bench-kubectl)
  c=$(timed converge bench-converge)
  printf '%-28s %9.1fs %9.1fs %7.1fx\n' "$phase ($((CONFIGMAPS + DEPLOYMENTS)) objects)" "$k" "$c" "$(echo "$k / $c" | bc -l)"
done
unchanged=$(grep -c unchanged "$work/converge-bench-converge.out" || true)
echo "converge reported $unchanged unchanged on re-apply (want $((CONFIGMAPS + DEPLOYMENTS)))"
kubectl delete namespace bench-kubectl bench-converge --wait=false >/dev/null
if ((PATTERNED)); then
  source hack/bench-patterned.sh
fi
if ((${SCALE:-1})); then
  source hack/bench-scale.sh
fi

# Sourced by hack/bench-apply.sh (or run alone): converge at scale against
# the raw client-go floor (hack/floor: 16 workers) and kubectl, in one run on
# one control plane, for SIZES ConfigMaps (default "1200 10000"):
#   create       floor: parallel creates      converge apply of the set
#   no-op        floor: one LIST              converge re-apply (memo warm)
#   diff         floor: one LIST              converge diff
#   prune 1000   floor: parallel deletes      converge apply --prune without 1,000 of them
# The floor sends JSON through the dynamic client, as an applier of any
# kind must; the typed client's protobuf figures are printed beside it.
# Goals (issue 10): create <= 1.2x floor; no-op <= 2x the LIST with zero
# writes; peak RSS < 150 MiB for no-op and diff at 10,000; prune of 1,000
# <= 2x the floor's deletes. kubectl runs at sizes in KUBECTL_SIZES
# (default 1200; it takes about 10 minutes at 10,000).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${work:-}" ]]; then
  source hack/lib.sh
  work=$(mktemp -d "${TMPDIR:-/tmp}/converge-bench.XXXXXX")
  trap 'stop_cluster; rm -rf "$work"' EXIT
  [[ -n "${KUBECONFIG:-}" ]] || start_cluster "$work/cluster"
fi
SIZES=${SIZES:-1200 10000}
KUBECTL_SIZES=${KUBECTL_SIZES:-1200}
export LC_NUMERIC=C XDG_CACHE_HOME="$work/cache"
go build -o "$work/floor" ./hack/floor

# gen N FILE: N ConfigMaps in one multi-document file.
gen() {
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%05d\n  labels: {bench: scale}\ndata:\n  key: value-%d\n  other: \"%d\"\n", i, i, i }' >"$2"
}
# measure CMD...: runs CMD, prints "SECONDS PEAK_RSS_MIB".
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; return 1; }
  awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$work/time"
}
# writes: PUT/PATCH/APPLY requests on configmaps so far.
writes() {
  kubectl get --raw /metrics | awk '/^apiserver_request_total\{/ && /resource="configmaps"/ && /subresource=""/ && /dry_run=""/ && /verb="(PATCH|PUT|APPLY)"/ { s += $NF } END { print s + 0 }'
}
row() { # phase floor converge rss [kubectl]
  local ratio kr="-" kc="-"
  ratio=$(echo "$3 / $2" | bc -l)
  if [[ -n "${5:-}" ]]; then kr="${5}s"; kc=$(printf '%.1fx' "$(echo "$5 / $3" | bc -l)"); fi
  printf '%-7s %-12s %8.2fs %9s %9.2fs %7.2fx %10s %6s MiB\n' "$n" "$1" "$2" "$kr" "$3" "$ratio" "$kc" "$4"
}

printf '\n%-7s %-12s %9s %9s %10s %8s %10s %10s\n' objects phase floor kubectl converge c/floor k/converge peakRSS
for n in $SIZES; do
  gen "$n" "$work/set-$n.yaml"
  read -r f_create f_list f_delete < <("$work/floor" -n "$n" -namespace "floor-$n" -deletes 1000 | awk '{ printf "%s ", $3 } END { print "" }')
  read -r p_create p_list p_delete < <("$work/floor" -proto -n "$n" -namespace "floor-proto-$n" -deletes 1000 | awk '{ printf "%s ", $3 } END { print "" }')
  echo "        protobuf floor: create ${p_create}s, list ${p_list}s, delete 1000 ${p_delete}s"
  ns="conv-$n"
  kubectl create namespace "$ns" >/dev/null
  apply=(bin/converge apply -n "$ns" -f "$work/set-$n.yaml" --prune --applyset scale)
  read -r c_create c_rss < <(measure "${apply[@]}")
  k_create="" k_noop=""
  if [[ " $KUBECTL_SIZES " == *" $n "* ]]; then
    kubectl create namespace "kubectl-$n" >/dev/null
    k_create=$(measure kubectl apply -n "kubectl-$n" -f "$work/set-$n.yaml" | cut -d' ' -f1)
    k_noop=$(measure kubectl apply -n "kubectl-$n" -f "$work/set-$n.yaml" | cut -d' ' -f1)
  fi
  row create "$f_create" "$c_create" "$c_rss" "$k_create"
  measure "${apply[@]}" >/dev/null # first re-apply fills the memo
  w=$(writes)
  read -r c_noop c_rss < <(measure "${apply[@]}")
  row no-op "$f_list" "$c_noop" "$c_rss" "$k_noop"
  echo "        no-op re-apply: $(grep -c ' unchanged' "$work/out") unchanged, $(($(writes) - w)) write requests"
  read -r c_diff c_rss < <(measure bin/converge diff -n "$ns" -f "$work/set-$n.yaml" --prune --applyset scale)
  row diff "$f_list" "$c_diff" "$c_rss"
  awk -v keep=$((n - 1000)) '/^---$/ { i++ } i <= keep' "$work/set-$n.yaml" >"$work/pruned-$n.yaml"
  read -r c_prune c_rss < <(measure bin/converge apply -n "$ns" -f "$work/pruned-$n.yaml" --prune --applyset scale)
  row "prune 1000" "$f_delete" "$c_prune" "$c_rss"
  echo "        prune: $(grep -c ' pruned' "$work/out") pruned"
  kubectl delete namespace "$ns" "floor-$n" "floor-proto-$n" --wait=false >/dev/null
  [[ -z "$k_create" ]] || kubectl delete namespace "kubectl-$n" --wait=false >/dev/null
done

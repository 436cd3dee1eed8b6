# Sourced by hack/bench-apply.sh: the second part, 1,200 objects that all
# carry forms the API server normalises. Uses $work, now() and timed-style
# helpers of its caller.

pdir="$work/patterned"
mkdir -p "$pdir"
for i in $(seq 1 800); do
  cat >"$pdir/deploy-$i.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-$i
  labels: {bench: patterned}
  annotations: {}
spec:
  replicas: 0
  selector: {matchLabels: {app: web-$i}}
  template:
    metadata: {labels: {app: web-$i}}
    spec:
      hostNetwork: false
      nodeSelector: {}
      imagePullSecrets: []
      tolerations: []
      containers:
        - name: web
          image: registry.example/web:$i
          args: []
          env: []
          resources:
            limits: {cpu: 2000m, memory: 1024Mi}
            requests: {cpu: 1, memory: 0.5Gi}
YAML
done
for i in $(seq 1 200); do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  labels: {}\n  annotations: {}\ndata:\n  key: value-%d\nbinaryData: {}\n' "$i" "$i" >"$pdir/cm-$i.yaml"
done
for i in $(seq 1 200); do
  cat >"$pdir/sts-$i.yaml" <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-$i
spec:
  replicas: 0
  serviceName: db-$i
  selector: {matchLabels: {app: db-$i}}
  template:
    metadata: {labels: {app: db-$i}}
    spec:
      containers:
        - name: db
          image: registry.example/db:$i
          resources: {requests: {cpu: 500m, memory: 1000Mi}}
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1024Mi}}
YAML
done
echo
echo "generated 1200 objects with normalised forms in $pdir"

# requests VERB DRYRUN: apiserver_request_total summed over VERB (a regex)
# and dry_run ("" or All), for deployments, configmaps and statefulsets.
requests() {
  kubectl get --raw /metrics | awk -v verb="$1" -v dry="$2" '
    /^apiserver_request_total\{/ && $0 ~ "verb=\"(" verb ")\"" && index($0, "dry_run=\"" dry "\"") &&
    index($0, "subresource=\"\"") && $0 ~ "resource=\"(deployments|configmaps|statefulsets)\"" { n += $NF }
    END { printf "%d\n", n }'
}
export XDG_CACHE_HOME="$work/cache" # an empty memo of server verdicts
# papply TOOL NS OUT: applies the patterned set and prints seconds.
papply() {
  local start end
  start=$(now)
  case $1 in
    converge) bin/converge apply -n "$2" -f "$pdir" >"$3" ;;
    kubectl) kubectl apply -n "$2" -f "$pdir" >"$3" ;;
  esac
  end=$(now)
  echo "$end - $start" | bc
}
for tool in kubectl converge; do kubectl create namespace "bench-p-$tool" >/dev/null; done
papply kubectl bench-p-kubectl "$work/pk-create.out" >/dev/null
papply converge bench-p-converge "$work/pc-create.out" >/dev/null
# Let the controllers finish with the new objects (the revision annotation
# of each Deployment, the status of each StatefulSet), so the re-applies
# meet settled objects, as a re-apply some time after an apply does. One
# LIST per check: kubectl wait --all waits for 1,000 objects one by one.
settled() {
  local ns=$1 deadline=$((SECONDS + 600))
  until [[ $(kubectl get deployment -n "$ns" -o jsonpath='{range .items[*]}{.metadata.annotations.deployment\.kubernetes\.io/revision}{"\n"}{end}' | grep -c .) == 800 &&
    $(kubectl get statefulset -n "$ns" -o jsonpath='{range .items[*]}{.status.observedGeneration}{"\n"}{end}' | grep -c .) == 200 ]]; do
    if ((SECONDS > deadline)); then
      echo "FAIL: the objects in $ns did not settle in 600 s" >&2
      exit 1
    fi
    sleep 1
  done
}
settled bench-p-kubectl
settled bench-p-converge
k=$(papply kubectl bench-p-kubectl "$work/pk-reapply.out")
printf '\n%-40s %10s %10s %8s %9s %8s\n' "case (1200 normalised objects)" kubectl converge ratio dry-runs patches
for run in first second; do
  d0=$(requests 'POST|PATCH' All) p0=$(requests PATCH "")
  c=$(papply converge bench-p-converge "$work/pc-$run.out")
  d1=$(requests 'POST|PATCH' All) p1=$(requests PATCH "")
  printf '%-40s %9.2fs %9.2fs %7.1fx %9d %8d\n' "no-op re-apply, $run run" "$k" "$c" "$(echo "$k / $c" | bc -l)" $((d1 - d0)) $((p1 - p0))
  unchanged=$(grep -c ' unchanged$' "$work/pc-$run.out" || true)
  eval "c_$run=$c dry_$run=$((d1 - d0)) unchanged_$run=$unchanged"
done
echo "kubectl re-apply reports $(grep -c ' configured$' "$work/pk-reapply.out" || true) configured (it patches every object with these forms)"
echo "converge reported $unchanged_first and $unchanged_second unchanged (want 1200 each)"
goal() { if (($(echo "$1" | bc))); then echo "goal met: $2"; else echo "GOAL NOT MET: $2"; fi; }
goal "$c_first < 1.0" "first no-op re-apply under 1 s (${c_first}s)"
goal "$c_second < 0.5 && $dry_second == 0" "second no-op re-apply under 0.5 s with no dry run (${c_second}s, $dry_second dry runs)"
kubectl delete namespace bench-p-kubectl bench-p-converge --wait=false >/dev/null

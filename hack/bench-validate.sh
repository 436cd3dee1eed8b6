#!/usr/bin/env bash
# Validate benchmark, side by side: converge validate and kubeconform v0.8.0
# (built from the Go module proxy into a temp dir, never committed) check the
# same 10,000 generated resources against the same schemas (converge's
# bundled v1.36 schemas, converted to kubeconform's file layout), in strict
# mode, at equal parallelism; then as many custom resources against a
# CRDs-catalog schema through -schema-location. Prints times, peak memory
# and the ratio of each.
set -euo pipefail
cd "$(dirname "$0")/.."
RESOURCES=${RESOURCES:-10000}
PAR=${PAR:-$(nproc)}

work=$(mktemp -d "${TMPDIR:-/tmp}/converge-bench-validate.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "building kubeconform v0.8.0 into $work/bin"
GOBIN="$work/bin" go install github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
go run ./hack/kubeconform-schemas --bundle schemas/data/v1.36.zip --out "$work/schemas"
make --no-print-directory build >/dev/null

mkdir -p "$work/set"
for ((f = 0; f < RESOURCES / 10; f++)); do
  {
    for ((i = 0; i < 10; i++)); do
      n=$((f * 10 + i))
      case $((n % 3)) in
        0) printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  labels: {app: bench}\ndata:\n  key: "v%d"\n' "$n" "$n" ;;
        1) printf -- '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\nspec:\n  selector: {app: web-%d}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n' "$n" "$n" ;;
        2) printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%d\n  labels: {app: web}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web-%d}\n  template:\n    metadata:\n      labels: {app: web-%d}\n    spec:\n      containers:\n      - name: web\n        image: registry.example/web:%d\n        ports:\n        - name: http\n          containerPort: 8080\n        resources:\n          limits: {cpu: 500m, memory: 128Mi}\n        env:\n        - name: INDEX\n          value: "%d"\n' "$n" "$n" "$n" "$n" "$n" ;;
      esac
    done
  } >"$work/set/f-$f.yaml"
done
echo "generated $RESOURCES resources in $((RESOURCES / 10)) files; parallelism $PAR"

# The tools run in turns, ROUNDS times each, so that a slower spell of the
# machine hits both; each tool's median wall time and highest peak RSS are
# kept. run NAME CMD... appends one "seconds KB" line to $work/NAME.times.
ROUNDS=${ROUNDS:-7}
run() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -a -o "$work/$name.times" "$@" >"$work/$name.out" 2>&1 || true
}
# summary NAME prints "median-seconds max-KB".
summary() {
  sort -n "$work/$1.times" | awk '{t[NR]=$1; if ($2>m) m=$2} END {print t[int((NR+1)/2)], m}'
}
for ((r = 0; r < ROUNDS; r++)); do
  run kubeconform "$work/bin/kubeconform" -strict -summary -n "$PAR" \
    -kubernetes-version 1.36.3 -schema-location "$work/schemas" "$work/set"
  run converge env GOMAXPROCS="$PAR" bin/converge validate -f "$work/set" --kubernetes-version 1.36
done
read -r kt km < <(summary kubeconform)
read -r ct cm < <(summary converge)
tail -n 1 "$work/kubeconform.out"
tail -n 1 "$work/converge.out"
printf '\n%d runs each, in turns; median wall time, highest peak RSS\n' "$ROUNDS"
printf '%-12s %10s %12s %14s\n' tool seconds "peak RSS" "objects/s"
printf '%-12s %10.2f %9d KB %14.0f\n' kubeconform "$kt" "$km" "$(echo "$RESOURCES / $kt" | bc -l)"
printf '%-12s %10.2f %9d KB %14.0f\n' converge "$ct" "$cm" "$(echo "$RESOURCES / $ct" | bc -l)"
printf 'throughput ratio converge/kubeconform: %.2fx\n' "$(echo "$kt / $ct" | bc -l)"

# Custom resources: the same number of cert-manager Certificates, checked
# against a CRDs-catalog layout (schemas/testdata/locations/catalog) that
# both tools read through one -schema-location template.
catalog='schemas/testdata/locations/catalog/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'
mkdir -p "$work/crs"
for ((f = 0; f < RESOURCES / 10; f++)); do
  for ((i = 0; i < 10; i++)); do
    n=$((f * 10 + i))
    printf -- '---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web-%d\nspec:\n  secretName: web-%d-tls\n  dnsNames: [web-%d.example.com]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n  privateKey: {algorithm: ECDSA, size: 256}\n' "$n" "$n" "$n"
  done >"$work/crs/f-$f.yaml"
done
rm -f "$work"/*.times
for ((r = 0; r < ROUNDS; r++)); do
  run kubeconform "$work/bin/kubeconform" -strict -summary -n "$PAR" -schema-location "$catalog" "$work/crs"
  run converge env GOMAXPROCS="$PAR" bin/converge validate -f "$work/crs" --schema-location "$catalog"
done
read -r kt km < <(summary kubeconform)
read -r ct cm < <(summary converge)
tail -n 1 "$work/kubeconform.out"
tail -n 1 "$work/converge.out"
printf '\ncustom resources (%d Certificates, CRDs-catalog schema via -schema-location): %d runs each\n' "$RESOURCES" "$ROUNDS"
printf '%-12s %10s %12s %14s\n' tool seconds "peak RSS" "objects/s"
printf '%-12s %10.2f %9d KB %14.0f\n' kubeconform "$kt" "$km" "$(echo "$RESOURCES / $kt" | bc -l)"
printf '%-12s %10.2f %9d KB %14.0f\n' converge "$ct" "$cm" "$(echo "$RESOURCES / $ct" | bc -l)"
printf 'throughput ratio converge/kubeconform: %.2fx\n' "$(echo "$kt / $ct" | bc -l)"

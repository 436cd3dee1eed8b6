#!/usr/bin/env bash
# A pull-request preview between two commits of a 1,000-object repository
# (10 apps: a shared base and overlays, plus plain directories), side by
# side in one run: `converge diff --git-base main --git-head pr --all`
# against the naive pipeline of two `git worktree`s, `kubectl kustomize`
# (or cat, for plain directories) twice per app, and `diff -u`.
# Goal: under 1 s offline for the 1,000 objects. No cluster.
#
# Tunables: OBJECTS (1000), RUNS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
OBJECTS=${OBJECTS:-1000}
RUNS=${RUNS:-5}
export LC_NUMERIC=C
work=$(mktemp -d "${TMPDIR:-/tmp}/converge-bench-preview.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo"
git -C "$repo" init -q -b main
per=$((OBJECTS / 10))
cm() { printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  value: "%s"\n  other: fixed\n' "$1" "$2"; }
make_app() { # make_app DIR VALUE
  mkdir -p "$repo/$1"
  : > "$repo/$1/objects.yaml"
  for i in $(seq 1 "$per"); do cm "obj-$i" "$2" >> "$repo/$1/objects.yaml"; done
}
# 5 kustomize apps (base + overlay each), 5 plain directories.
for a in 1 2 3 4 5; do
  make_app "kust-$a/base" 1
  printf 'resources:\n- objects.yaml\n' > "$repo/kust-$a/base/kustomization.yaml"
  mkdir -p "$repo/kust-$a/overlay"
  printf 'resources:\n- ../base\nnamePrefix: prod-\n' > "$repo/kust-$a/overlay/kustomization.yaml"
done
for a in 1 2 3 4 5; do make_app "plain-$a" 1; done
git -C "$repo" add -A && git -C "$repo" -c user.name=b -c user.email=b@x commit -qm base
git -C "$repo" checkout -q -b pr
# The change: every object of half the apps.
for a in 1 2 3; do sed -i 's/value: "1"/value: "2"/' "$repo/kust-$a/base/objects.yaml"; done
for a in 1 2; do sed -i 's/value: "1"/value: "2"/' "$repo/plain-$a/objects.yaml"; done
git -C "$repo" add -A && git -C "$repo" -c user.name=b -c user.email=b@x commit -qm change

converge_run() {
  (cd "$repo" && "$OLDPWD/bin/converge" diff --git-base main --git-head pr --all --validate=false > /dev/null) || [[ $? == 1 ]]
}
naive_run() {
  rm -rf "$work/a" "$work/b"
  git -C "$repo" worktree add -q --detach "$work/a" main
  git -C "$repo" worktree add -q --detach "$work/b" pr
  for side in a b; do
    for a in 1 2 3 4 5; do
      kubectl kustomize "$work/$side/kust-$a/base" > "$work/$side-kust-$a-base.yaml"
      kubectl kustomize "$work/$side/kust-$a/overlay" > "$work/$side-kust-$a-overlay.yaml"
      cat "$work/$side/plain-$a/objects.yaml" > "$work/$side-plain-$a.yaml"
    done
  done
  for f in "$work"/a-*.yaml; do diff -u "$f" "${f/\/a-/\/b-}" > /dev/null || true; done
  git -C "$repo" worktree remove --force "$work/a"
  git -C "$repo" worktree remove --force "$work/b"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc; }
conv=() naive=()
for _ in $(seq 1 "$RUNS"); do
  conv+=("$(timeit converge_run)")
  naive+=("$(timeit naive_run)")
done
c=$(printf '%s\n' "${conv[@]}" | median)
n=$(printf '%s\n' "${naive[@]}" | median)
with_validation=$( (cd "$repo" && s=$(date +%s.%N); "$OLDPWD/bin/converge" diff --git-base main --git-head pr --all > /dev/null || true; e=$(date +%s.%N); echo "$e - $s" | bc) )
echo
echo "preview between two commits, $OBJECTS objects in 10 apps (5 kustomize overlays on bases, 5 plain directories), median of $RUNS"
printf '%-58s %8.3f s\n' "converge diff --git-base --all (no validation)" "$c"
printf '%-58s %8.3f s\n' "converge diff --git-base --all (validated, bundled schemas)" "$with_validation"
printf '%-58s %8.3f s\n' "2 git worktrees + kubectl kustomize x20 + diff -u" "$n"
printf '%-58s %8.1fx\n' "ratio (naive / converge)" "$(echo "$n / $c" | bc -l)"

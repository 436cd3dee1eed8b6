# Shared helpers for the hack/ scripts: start and stop bin/localcluster.
# Source it; it defines start_cluster and stop_cluster.

# start_cluster DIR: starts bin/localcluster with data in DIR, waits for its
# ready line, exports KUBECONFIG. Fails loudly if it cannot start.
start_cluster() {
  local dir=$1
  mkdir -p "$dir"
  bin/localcluster --data-dir "$dir" --kubeconfig-out "$dir/kubeconfig" \
    >"$dir/stdout" 2>"$dir/localcluster.log" &
  LC_PID=$!
  local deadline=$((SECONDS + 180))
  until grep -q ready "$dir/stdout" 2>/dev/null; do
    if ! kill -0 "$LC_PID" 2>/dev/null; then
      echo "FAIL: bin/localcluster exited before it was ready; last log lines:" >&2
      tail -n 30 "$dir/localcluster.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "FAIL: bin/localcluster not ready after 180s; last log lines:" >&2
      tail -n 30 "$dir/localcluster.log" >&2
      return 1
    fi
    sleep 0.2
  done
  export KUBECONFIG="$dir/kubeconfig"
  echo "local control plane: $(cat "$dir/stdout")"
}

# stop_cluster: stops the control plane started by start_cluster.
stop_cluster() {
  if [[ -n "${LC_PID:-}" ]] && kill -0 "$LC_PID" 2>/dev/null; then
    kill -TERM "$LC_PID"
    wait "$LC_PID" 2>/dev/null || true
  fi
}

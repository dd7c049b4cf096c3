#!/usr/bin/env bash
# Stops what scripts/cluster-up.sh started (the pids recorded in its state dir), nothing else.
#
#   scripts/cluster-down.sh [--state DIR] [--keep-redis]
#
#   --keep-redis   stop the silos only; Redis (and so every persisted run) stays up for the
#                  next scripts/cluster-up.sh into the same state dir
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="${FORECAST_CLUSTER_DIR:-$root/.cluster}"; keep_redis=0
while [ $# -gt 0 ]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    --keep-redis) keep_redis=1; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) echo "cluster-down: unknown option '$1'" >&2; exit 2 ;;
  esac
done
[ -d "$state" ] || { echo "cluster-down: no state dir $state (nothing to stop)"; exit 0; }

# True when pid is alive and still the process we started (its command line names it).
# (A zombie has an empty command line, so it counts as stopped.)
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q "$2"; }

pids=()
for f in "$state"/silo-*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  if ours "$pid" forecast-silo; then
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
  rm -f "$f"
done
for pid in "${pids[@]}"; do
  for _ in $(seq 1 150); do ours "$pid" forecast-silo || break; sleep 0.1; done
  if ours "$pid" forecast-silo; then
    kill -KILL "$pid" 2>/dev/null || true
    # A killed process is gone only once the kernel has torn it down: wait for that too.
    for _ in $(seq 1 50); do ours "$pid" forecast-silo || break; sleep 0.1; done
  fi
  echo "stopped silo pid $pid"
done

if [ "$keep_redis" = 0 ] && [ -f "$state/redis.pid" ]; then
  pid=$(cat "$state/redis.pid")
  if ours "$pid" redis-server; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do ours "$pid" redis-server || break; sleep 0.1; done
    if ours "$pid" redis-server; then kill -KILL "$pid" 2>/dev/null || true; fi
    echo "stopped redis pid $pid"
  fi
  rm -f "$state/redis.pid" "$state/address"
fi

#!/usr/bin/env bash
# Starts a local Forecast cluster: one Redis (membership and grain state) and N silos, all on
# 127.0.0.1, and waits until all N silos are active. Prints the redis:// address and each
# silo's process id. Everything it starts is recorded in the state dir, so
# scripts/cluster-down.sh stops exactly that.
#
#   scripts/cluster-up.sh N [--port P] [--password PW] [--silo-port S] [--gateway-port G]
#                           [--cluster-id ID] [--state DIR] [--no-build] [--no-persist]
#
#   --port P          Redis port (default 6390); a Redis already recorded in the state dir and
#                     still alive is reused (so silos can be restarted without losing state)
#   --password PW     Redis needs it (kept in the state dir's mode-600 files and passed to the
#                     silos in their environment, never on a command line)
#   --no-persist      Redis keeps state in memory only (default: an append-only file in the
#                     state dir, fsynced every second, so a restarted Redis has every finished run)
#   --silo-port S     silo i listens on S+i (default 11111), gateway on G+i (default 30000)
#   --state DIR       pids, logs and the address (default .cluster/ or $FORECAST_CLUSTER_DIR)
#   --no-build        use the existing Release build of silo/Forecast.Silo
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
n="$1"; shift
case "$n" in ''|*[!0-9]*) echo "cluster-up: N must be a number of silos, not '$n'" >&2; exit 2 ;; esac
[ "$n" -ge 1 ] || { echo "cluster-up: N must be at least 1" >&2; exit 2; }

port=6390; password=""; silo_port=11111; gateway_port=30000; cluster_id=forecast
state="${FORECAST_CLUSTER_DIR:-$root/.cluster}"; build=1; persist=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    --silo-port) silo_port="$2"; shift 2 ;;
    --gateway-port) gateway_port="$2"; shift 2 ;;
    --cluster-id) cluster_id="$2"; shift 2 ;;
    --state) state="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-persist) persist=0; shift ;;
    -h|--help) usage ;;
    *) echo "cluster-up: unknown option '$1'" >&2; usage ;;
  esac
done

command -v redis-server >/dev/null 2>&1 || { echo "cluster-up: redis-server is not installed (apt-get install -y redis-server)" >&2; exit 2; }
mkdir -p "$state"
state="$(cd "$state" && pwd)"
umask 077

# Alive and not a zombie (an orphaned process may wait for a reaper that a container lacks).
alive() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }

# Refuse to start silos twice into one state dir.
for f in "$state"/silo-*.pid; do
  [ -e "$f" ] || continue
  if alive "$(cat "$f")"; then
    echo "cluster-up: silos recorded in $state are still running; run scripts/cluster-down.sh first" >&2
    exit 2
  fi
  rm -f "$f"
done

rcli() { if [ -n "$password" ]; then REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$port" "$@"; else redis-cli -h 127.0.0.1 -p "$port" "$@"; fi; }

if [ -n "$password" ]; then url="redis://:$password@127.0.0.1:$port"; else url="redis://127.0.0.1:$port"; fi

# Redis: reuse the one recorded here if it is alive, else start one.
if [ -f "$state/redis.pid" ] && alive "$(cat "$state/redis.pid")"; then
  echo "redis: reusing pid $(cat "$state/redis.pid") on 127.0.0.1:$port"
else
  rm -f "$state/redis.pid"
  # Everything in a config file of mode 600 (the password must not show in the process list);
  # `redis-server "$state/redis.conf"` restarts this Redis on the same data.
  {
    echo "bind 127.0.0.1"
    echo "port $port"
    echo "dir $state"
    echo "pidfile $state/redis.pid"
    echo "logfile $state/redis.log"
    echo "daemonize yes"
    echo 'save ""'
    if [ "$persist" = 1 ]; then
      echo "appendonly yes"
      echo "appendfsync everysec"
      echo "appendfilename forecast.aof"
    else
      echo "appendonly no"
    fi
    [ -n "$password" ] && echo "requirepass $password"
  } > "$state/redis.conf"
  redis-server "$state/redis.conf"
  for _ in $(seq 1 50); do
    [ "$(rcli ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done
  [ "$(rcli ping 2>/dev/null)" = PONG ] || { echo "cluster-up: Redis did not start on port $port (see $state/redis.log)" >&2; exit 1; }
  for _ in $(seq 1 20); do [ -s "$state/redis.pid" ] && break; sleep 0.1; done
  echo "redis: started pid $(cat "$state/redis.pid") on 127.0.0.1:$port"
fi
echo "$url" > "$state/address"
echo "$cluster_id" > "$state/cluster-id"

if [ "$build" = 1 ]; then
  dotnet build "$root/silo/Forecast.Silo" -c Release -nologo -v q >"$state/build.log" 2>&1 ||
    { echo "cluster-up: building silo/Forecast.Silo failed (see $state/build.log)" >&2; exit 1; }
fi
dll="$root/silo/Forecast.Silo/bin/Release/net10.0/forecast-silo.dll"
[ -f "$dll" ] || { echo "cluster-up: $dll is missing (build silo/Forecast.Silo -c Release)" >&2; exit 1; }

: > "$state/silos"
for i in $(seq 0 $((n - 1))); do
  sp=$((silo_port + i)); gp=$((gateway_port + i))
  log="$state/silo-$i.log"
  FORECAST_Forecast__Redis="$url" nohup dotnet "$dll" --Forecast:ClusterId="$cluster_id" \
    --Forecast:SiloPort="$sp" --Forecast:GatewayPort="$gp" --Forecast:Address=127.0.0.1 \
    >"$log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$state/silo-$i.pid"
  echo "$i $pid $sp $gp" >> "$state/silos"
done

# Ready: every silo has printed its start line and is active in the membership table.
deadline=$((SECONDS + ${FORECAST_CLUSTER_TIMEOUT:-90}))
while :; do
  ready=0
  for i in $(seq 0 $((n - 1))); do
    pid=$(cat "$state/silo-$i.pid")
    if ! alive "$pid"; then
      echo "cluster-up: silo $i (pid $pid) exited; its log:" >&2
      tail -n 20 "$state/silo-$i.log" >&2
      exit 1
    fi
    grep -q "^forecast-silo: cluster" "$state/silo-$i.log" && ready=$((ready + 1))
  done
  if [ "$ready" -eq "$n" ]; then
    # ...and the membership table in Redis lists all N of ours as active (status 3).
    active=0
    while read -r i pid sp gp; do
      rcli hget "$cluster_id/members/$cluster_id" "$(rcli hkeys "$cluster_id/members/$cluster_id" | grep "^S127.0.0.1:$sp:" | sort -t: -k3 -n | tail -n 1)" 2>/dev/null |
        grep -q '"Status":3' && active=$((active + 1))
    done < "$state/silos"
    [ "$active" -eq "$n" ] && break
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "cluster-up: only $ready of $n silos ready after ${FORECAST_CLUSTER_TIMEOUT:-90} s (logs in $state)" >&2
    exit 1
  fi
  sleep 0.2
done

echo "cluster '$cluster_id': $n silo(s) ready; state in $state"
echo "$url"
while read -r i pid sp gp; do
  echo "silo $i: pid $pid, silo 127.0.0.1:$sp, gateway 127.0.0.1:$gp"
done < "$state/silos"

#!/usr/bin/env bash
# End-to-end timing of the CLI: `forecast run --trials N` on the embedded silo (the grain path) and
# the same with `--engine local` (the pure simulation), process start to exit, Release build.
# Prints wall times, CPU times (user + sys), peak resident memory, the throughput ratio grain / pure
# and the CPU ratio grain / pure as key=value lines.
#
# usage: benchmarks/e2e.sh [--quick] [--trials N] [--runs R] [--no-build] [--out FILE]
#   --quick     1,000 trials, one run (default: 10,000 trials, 5 runs, medians reported)
#   --no-build  use the existing Release build (run.sh builds first)
#   --out FILE  also write the key=value lines to FILE
# Uses /usr/bin/time (wall, CPU and peak RSS) when it is there, else hyperfine (wall only), else the
# shell's clock. Exits non-zero only if a build or a forecast run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

trials=10000
quick=0
runs=5
build=1
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) trials=1000; runs=1; quick=1 ;;
    --trials) trials="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    *) echo "e2e.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ]; then
  dotnet build client/Forecast.Cli -c Release -nologo -v q -clp:ErrorsOnly >&2
fi

dll=client/Forecast.Cli/bin/Release/net10.0/forecast.dll
if [ ! -f "$dll" ]; then
  echo "e2e.sh: $dll not found (build client/Forecast.Cli in Release first)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -x /usr/bin/time ]; then
  tool="/usr/bin/time"
elif command -v hyperfine >/dev/null 2>&1; then
  tool="hyperfine"
else
  tool="bash date +%s.%N"
fi

# median of numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure LABEL ARGS...: runs `forecast $cmd ARGS` ($cmd: run unless set) $runs times; sets WALL and CPU (medians, s; CPU
# empty without /usr/bin/time) and RSS (max, KB, or empty)
measure() {
  local label="$1"; shift
  local walls=() cpus=() rss="" i w m u k
  if [ "$tool" = hyperfine ]; then
    hyperfine --runs "$runs" --export-json "$tmp/$label.json" --output=null \
      "dotnet $dll ${cmd:-run} $* --out $tmp/out-$label" >&2
    WALL=$(tr -d ' \n' < "$tmp/$label.json" | sed -n 's/.*"median":\([0-9.eE+-]*\).*/\1/p')
    RSS=""
    CPU=""
    return
  fi
  for i in $(seq "$runs"); do
    if [ "$tool" = /usr/bin/time ]; then
      if ! /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" dotnet "$dll" "${cmd:-run}" "$@" --out "$tmp/out-$label" >"$tmp/log" 2>&1; then
        echo "e2e.sh: forecast ${cmd:-run} $* failed:" >&2; tail -n 20 "$tmp/log" >&2; exit 1
      fi
      read -r w m u k < <(tail -n 1 "$tmp/time")
      walls+=("$w")
      cpus+=("$(awk -v u="$u" -v k="$k" 'BEGIN { printf "%.2f", u + k }')")
      if [ -z "$rss" ] || [ "$m" -gt "$rss" ]; then rss="$m"; fi
    else
      local s e
      s=$(date +%s.%N)
      if ! dotnet "$dll" run "$@" --out "$tmp/out-$label" >"$tmp/log" 2>&1; then
        echo "e2e.sh: forecast run $* failed:" >&2; tail -n 20 "$tmp/log" >&2; exit 1
      fi
      e=$(date +%s.%N)
      walls+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }')")
    fi
    echo "e2e.sh: $label run $i/$runs: ${walls[-1]} s" >&2
  done
  WALL=$(median "${walls[@]}")
  CPU=""
  if [ "${#cpus[@]}" -gt 0 ]; then CPU=$(median "${cpus[@]}"); fi
  RSS="$rss"
}

lines=()
lines+=("tool=$tool" "runs=$runs" "trials=$trials")

measure orleans --trials "$trials"
lines+=("orleans_wall=$WALL")
[ -n "$CPU" ] && lines+=("orleans_cpu=$CPU")
[ -n "$RSS" ] && lines+=("orleans_rss_kb=$RSS")
measure local --trials "$trials" --engine local
lines+=("local_wall=$WALL")
[ -n "$CPU" ] && lines+=("local_cpu=$CPU")
[ -n "$RSS" ] && lines+=("local_rss_kb=$RSS")

# Peak memory should not grow with trials beyond the batch: compare with a tenth of the trials
# (only when that is still at least one full batch of 1,000).
small=$((trials / 10))
if [ "$small" -ge 1000 ] && [ "$tool" = /usr/bin/time ]; then
  saved_runs=$runs; runs=1
  measure local_small --trials "$small" --engine local
  runs=$saved_runs
  lines+=("local_small_trials=$small" "local_small_wall=$WALL")
  [ -n "$RSS" ] && lines+=("local_small_rss_kb=$RSS")
fi

# ... and with ten times the trials (full runs only: about a minute), one run.
large=$((trials * 10))
if [ "$quick" = 0 ] && [ "$tool" = /usr/bin/time ]; then
  saved_runs=$runs; runs=1
  measure local_large --trials "$large" --engine local
  runs=$saved_runs
  lines+=("local_large_trials=$large" "local_large_wall=$WALL")
  [ -n "$RSS" ] && lines+=("local_large_rss_kb=$RSS")
fi

# A planner study: sensitivity over every lever (19 runs) at 2,000 trials, on both engines (full runs only: about a minute).
if [ "$quick" = 0 ]; then
  saved_runs=$runs; runs=1; cmd=sensitivity
  measure study_orleans --trials 2000
  lines+=("study_trials=2000" "study_orleans_wall=$WALL")
  [ -n "$RSS" ] && lines+=("study_orleans_rss_kb=$RSS")
  measure study_local --trials 2000 --engine local
  lines+=("study_local_wall=$WALL")
  runs=$saved_runs; cmd=run
fi

orleans_wall=$(printf '%s\n' "${lines[@]}" | sed -n 's/^orleans_wall=//p')
local_wall=$(printf '%s\n' "${lines[@]}" | sed -n 's/^local_wall=//p')
ratio=$(awk -v o="$orleans_wall" -v l="$local_wall" 'BEGIN { printf "%.3f", (o > 0) ? l / o : 0 }')
lines+=("throughput_ratio_grain_over_pure=$ratio")
orleans_cpu=$(printf '%s\n' "${lines[@]}" | sed -n 's/^orleans_cpu=//p')
local_cpu=$(printf '%s\n' "${lines[@]}" | sed -n 's/^local_cpu=//p')
if [ -n "$orleans_cpu" ] && [ -n "$local_cpu" ]; then
  lines+=("cpu_ratio_grain_over_pure=$(awk -v o="$orleans_cpu" -v l="$local_cpu" 'BEGIN { printf "%.3f", (l > 0) ? o / l : 0 }')")
fi

printf '%s\n' "${lines[@]}"
if [ -n "$out" ]; then
  printf '%s\n' "${lines[@]}" > "$out"
fi
echo "e2e: forecast run --trials $trials: grain path ${orleans_wall} s, --engine local ${local_wall} s, throughput grain/pure ${ratio}x (goals: <= 3 s on AVX-512, 5 s on AVX2, at 10,000 trials; grain CPU <= 1.25x the local engine's; peak <= 1 GB)" >&2

#!/usr/bin/env bash
# Builds Release, runs every BenchmarkDotNet class, e2e.sh and (except in quick mode, and where numpy
# is installed) benchmarks/numpy/compare.sh, and regenerates benchmarks/RESULTS.md
# (each goal: measured figure, goal, MET / NOT MET).
#
# usage: benchmarks/run.sh [--quick | --long] [--out FILE]
#   (none)   full run for the committed RESULTS.md (~10-20 minutes on 2 cores): few iterations per
#            benchmark rather than BenchmarkDotNet's default stopping rule; e2e at 10,000 trials
#   --quick  CI: ShortRun job, smallest params, e2e at 1,000 trials, no numpy comparison (a few minutes)
#   --long   BenchmarkDotNet's default job, plus 100,000 trials in the scaling class (slow)
#   --out    write the report elsewhere (default benchmarks/RESULTS.md)
#
# Exits non-zero only if something crashes (a build, a benchmark, e2e.sh, the report) or the numpy
# kernel does not reproduce the C# one, never because a goal is not met.
set -uo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
mode=full
out=benchmarks/RESULTS.md
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --long) mode=long ;;
    --out) out="$2"; shift ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

art=benchmarks/BenchmarkDotNet.Artifacts
bench=benchmarks/Forecast.Benchmarks/bin/Release/net10.0/Forecast.Benchmarks.dll
status=0

echo "run.sh: building Release ($mode mode)"
dotnet build benchmarks/Forecast.Benchmarks -c Release -nologo -v q -clp:ErrorsOnly || exit 1
cli_built=1
dotnet build client/Forecast.Cli -c Release -nologo -v q -clp:ErrorsOnly \
  || { echo "run.sh: the CLI did not build; e2e.sh is skipped" >&2; cli_built=0; status=1; }

rm -rf "$art"
mkdir -p "$art"
machine="$art/machine.txt"
{
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
  [ -n "$cpu" ] || cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
  echo "cpu=${cpu:-unknown}"
  echo "cores=$(nproc 2>/dev/null || echo '?')"
  echo "memory=$(free -h 2>/dev/null | awk '/^Mem:/ { print $2 }')"
  echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $(uname -r)"
  echo "dotnet=$(dotnet --version)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "dirty=$(git status --porcelain -- src client 2>/dev/null | wc -l | tr -d ' ')"
  echo "load_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
} > "$machine"

echo "run.sh: BenchmarkDotNet ($mode)"
t0=$(date +%s)
dotnet "$bench" --mode "$mode" --filter '*' --artifacts "$art" || { echo "run.sh: a benchmark did not complete" >&2; status=1; }
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  # The kernel goal holds on AVX2 too: repeat the kernel class with AVX-512 switched off in the JIT.
  echo "run.sh: KernelBenchmarks again with DOTNET_EnableAVX512=0 (the AVX2 path)"
  DOTNET_EnableAVX512=0 dotnet "$bench" --mode "$mode" --filter '*KernelBenchmarks*' --artifacts "$art/avx2" \
    || { echo "run.sh: the AVX2 kernel benchmark did not complete" >&2; status=1; }
fi
echo "bench_seconds=$(( $(date +%s) - t0 ))" >> "$machine"

echo "run.sh: end to end"
t0=$(date +%s)
if [ "$mode" = quick ]; then e2e_args=(--quick); else e2e_args=(); fi
if [ "$cli_built" = 1 ]; then
  bash benchmarks/e2e.sh --no-build "${e2e_args[@]}" --out "$art/e2e.txt" || { echo "run.sh: e2e.sh failed" >&2; status=1; }
fi
echo "e2e_seconds=$(( $(date +%s) - t0 ))" >> "$machine"

if [ "$mode" != quick ]; then
  echo "run.sh: the enterprise kernel in numpy beside the C# one"
  t0=$(date +%s)
  bash benchmarks/numpy/compare.sh --no-build --out "$art/numpy.txt"
  case $? in
    0) echo "numpy_status=measured" >> "$machine" ;;
    3) echo "numpy_status=numpy not installed (apt-get install python3-numpy)" >> "$machine"; echo "run.sh: numpy is not installed; item 8 is not measured" >&2 ;;
    *) echo "numpy_status=failed (see run.sh's output)" >> "$machine"; echo "run.sh: the numpy comparison failed" >&2; status=1 ;;
  esac
  echo "numpy_seconds=$(( $(date +%s) - t0 ))" >> "$machine"
fi

echo "load_end=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)" >> "$machine"
echo "run.sh: writing $out"
dotnet "$bench" report --artifacts "$art" --out "$out" --e2e "$art/e2e.txt" --numpy "$art/numpy.txt" --machine "$machine" --mode "$mode" --started "$started" \
  || { echo "run.sh: the report failed" >&2; status=1; }

echo "run.sh: done in $(( $(date +%s) - started )) s (exit $status)"
exit "$status"

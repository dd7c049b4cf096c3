#!/usr/bin/env bash
# The enterprise kernel in numpy beside the C# one, on the same work: exports one 1,000-trial batch
# of the baseline run (Forecast.Benchmarks export-kernel, which also times the C# kernel on it),
# checks that the numpy kernel gives the same per-trial sums for every metric and year, and times it.
# Prints key=value lines (numpy and C# ns per agent-trial-year, and how many times faster C# is).
#
# usage: benchmarks/numpy/compare.sh [--no-build] [--repeats R] [--out FILE]
#   --repeats  numpy's timed repeats (default 3; the C# side always takes the median of 5)
# Needs numpy (Debian: apt-get install python3-numpy); exits 3 when it is missing, 1 on a mismatch
# (the exported folder is then kept and named, to look into).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
repeats=3
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --repeats) repeats="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

# The first python3 that has numpy (a pyenv shim may hide Debian's).
python=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null; then python="$p"; break; fi
done
if [ -z "$python" ]; then
  echo "compare.sh: numpy not found (apt-get install python3-numpy)" >&2
  exit 3
fi

if [ "$build" = 1 ]; then
  dotnet build benchmarks/Forecast.Benchmarks -c Release -nologo -v q -clp:ErrorsOnly >&2
fi

tmp=$(mktemp -d)
trap 'if [ $? = 0 ]; then rm -rf "$tmp"; else echo "compare.sh: the exported batch is kept in $tmp" >&2; fi' EXIT
dotnet benchmarks/Forecast.Benchmarks/bin/Release/net10.0/Forecast.Benchmarks.dll export-kernel "$tmp" --repeats 5 >&2

# malloc tuned so numpy's temporaries are reused: every array operation makes temporaries of
# several MB, which glibc otherwise maps and unmaps each time (a page fault per 4 KiB of each).
export MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=536870912
args=("$tmp" --repeats "$repeats")
if [ -n "$out" ]; then args+=(--out "$out"); fi
"$python" benchmarks/numpy/enterprise_kernel.py "${args[@]}"

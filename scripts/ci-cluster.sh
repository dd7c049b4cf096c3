#!/usr/bin/env bash
# CI block for cluster mode (issue 4): installs redis-server when it is missing, then runs the
# cluster suite (tests/Forecast.Cluster.Tests: formation and placement, byte-identical results on
# the embedded silo / one silo / three silos, SIGKILL of a silo mid-run, restart of every silo,
# eight runs from four clients) and prints each test's wall time.
#
#   scripts/ci-cluster.sh                 install if needed, run the cluster suite, print times
#   scripts/ci-cluster.sh --install-only  install if needed and clear the timing log (then
#                                         `dotnet test Forecast.sln` includes the cluster suite)
#   scripts/ci-cluster.sh --times         print the timing log of the last cluster-suite run
#
# FORECAST_SKIP_CLUSTER=1 skips the suite (its tests report as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

times="${TMPDIR:-/tmp}/forecast-cluster-tests/times.log"
print_times() {
  if [ -f "$times" ]; then
    echo "cluster suite timings:"
    sed 's/^/  /' "$times"
  fi
}
install_only=0
case "${1:-}" in
  --install-only) install_only=1 ;;
  --times) print_times; exit 0 ;;
  "") ;;
  *) echo "ci-cluster: unknown option '$1' (use --install-only or --times)" >&2; exit 2 ;;
esac

if ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    echo "ci-cluster: installing redis-server"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
    # Debian's package may start a system Redis where systemd runs; the tests start their own on free ports.
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "ci-cluster: redis-server is missing and could not be installed; the cluster tests will be skipped" >&2
  fi
fi
command -v redis-server >/dev/null 2>&1 && redis-server --version
rm -f "$times"
[ "$install_only" = 1 ] && exit 0

set +e
dotnet test tests/Forecast.Cluster.Tests -c Release --logger "console;verbosity=normal"
status=$?
set -e
print_times
exit "$status"

#!/bin/sh
# vigil benchmark: vigild beside supervisord, runit, s6 and PM2.
#
#   regress/bench/run.sh [--quick] [--only W1,W3] [--systems vigild,runit]
#                        [--runs N] [--cooldown SEC] [--no-install] [--keep]
#
# Installs missing peers (Debian packages supervisor, runit, s6; npm pm2
# into build/bench/pm2), runs the workloads W1..W7 and writes
# build/bench/results.md and results.json (--only W8: the scale workload
# alone, regress/bench/scale.py).  See regress/bench/README.md.
# Not part of `make check`; `make bench BENCHFLAGS=--quick` runs it.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
if [ ! -x "$BUILD/regress/vigil-testprog" ]; then
	make BUILD="$BUILD" "$BUILD/regress/vigil-testprog" >/dev/null
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "bench: python3 is needed" >&2
	exit 2
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 regress/bench/bench.py "$@"

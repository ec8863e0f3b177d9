#!/usr/bin/env bash
# Runs ../shared/bench/proxy-bench with this build's proxflow as the candidate, beside nginx,
# HAProxy and Caddy in one run. Extra arguments go to proxy-bench (e.g. --quick, --h2).
#   bench/proxy-bench.sh --all-paths > bench/results/$(date +%F).md
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${PROXY_BENCH:-$root/../shared/bench/proxy-bench}
binary=${PROXFLOW_BIN:-$root/build/app/proxflow}
[ -x "$binary" ] || { echo "bench: build first (./dev.sh test or cmake --build build): $binary is missing" >&2; exit 2; }
exec "$bench" --candidate "$binary run --config {caddyfile}" --candidate-name proxflow "$@"

#!/usr/bin/env bash
# The training run of the profile-guided build (cmake/pgo.cmake): an instrumented proxflow proxies
# GET / and GET /16k to a local nginx under wrk for a few seconds each, then stops on SIGTERM so
# that it writes its profile. Every process is started here, tracked by PID and stopped by PID.
#   bench/pgo-train.sh INSTRUMENTED_PROXFLOW
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "$1")
. "$root/bench/fixture.sh" pgo-train
backend=$base_port; proxy_port=$((base_port + 1))

mkdir -p "$work/html"
head -c 16383 /dev/zero | tr '\0' x > "$work/html/16k"
echo >> "$work/html/16k"
body=$(printf '%0100d' 0)
nginx_conf backend "$work/backend.pid" "server { listen 127.0.0.1:$backend backlog=4096;
location = / { default_type text/plain; return 200 \"$body\"; } location = /16k { root $work/html; } }"
proxy_caddyfile "$proxy_port" "$backend"

nginx -c "$work/backend.conf" -p "$work" & pids+=($!)
wait_port "$backend"
"$binary" run --config "$work/Caddyfile" & proxy=$!; pids+=($proxy)
wait_port "$proxy_port"
for path in / /16k; do
  report=$(wrk -c 32 -t 1 -d 6s "http://127.0.0.1:$proxy_port$path")
  grep -E "Requests/sec|Non-2xx|Socket errors" <<< "$report" >&2
  # A profile of failing requests would optimize the error path: the build stops instead.
  if grep -qE "Non-2xx|Socket errors" <<< "$report"; then echo "pgo-train: errors proxying $path" >&2; exit 1; fi
done
kill -TERM "$proxy"
wait "$proxy" || true

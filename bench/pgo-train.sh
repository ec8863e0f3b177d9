#!/usr/bin/env bash
# The training run of a profile-guided build (bench/pgo-build.sh): an instrumented proxflow proxies
# GET / and GET /16k to a local nginx under wrk for a few seconds each, then stops on SIGTERM so
# that it writes its profile. Every process is started here, tracked by PID and stopped by PID.
#   bench/pgo-train.sh INSTRUMENTED_PROXFLOW
set -euo pipefail
bin=$1
work=$(mktemp -d /tmp/proxflow-pgo-train.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
read -r proxy_port backend_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

mkdir -p "$work/html"
head -c 16383 /dev/zero | tr '\0' x > "$work/html/16k"
echo >> "$work/html/16k"
user=""; [ "$(id -u)" -eq 0 ] && user="user root;"
cat > "$work/nginx.conf" <<CONF
$user worker_processes 1; pid $work/nginx.pid; error_log stderr warn; daemon off;
events { worker_connections 1024; }
http {
  access_log off; keepalive_requests 1000000;
  client_body_temp_path $work/cb; proxy_temp_path $work/pt; fastcgi_temp_path $work/ft; uwsgi_temp_path $work/ut; scgi_temp_path $work/st;
  server {
    listen 127.0.0.1:$backend_port;
    location = / { default_type text/plain; return 200 "a reply of about one hundred bytes from the training backend 0123456789012345678\n"; }
    location = /16k { root $work/html; }
  }
}
CONF
cat > "$work/Caddyfile" <<CONF
{
	admin off
	auto_https off
}

http://127.0.0.1:$proxy_port {
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:$backend_port
}
CONF
nginx -p "$work/" -c "$work/nginx.conf" & pids+=($!)
"$bin" run --config "$work/Caddyfile" & proxy=$!; pids+=($proxy)
for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$proxy_port/" && break
  sleep 0.2
done
for path in / /16k; do
  wrk -c 32 -t 1 -d 6s "http://127.0.0.1:$proxy_port$path" | grep -E "Requests/sec|Non-2xx|Socket errors" >&2
done
kill -TERM "$proxy"
wait "$proxy" || true

#!/bin/sh
# A proxy-bench candidate with a rate limit no client reaches, on the ports of the Caddyfile proxy-bench
# hands the candidate. Usage: rate-limit-candidate.sh proxflow BINARY {caddyfile}
#                             rate-limit-candidate.sh nginx - {caddyfile}
kind="$1" binary="$2" f="$3"
dir=$(dirname "$f")
if [ "$kind" = proxflow ]; then
	sed 's|^\(\s*\)reverse_proxy |\1rate_limit {\n\1\trate 100000000\n\1}\n\1reverse_proxy |' "$f" > "$dir/rate-limited.caddyfile"
	exec "$binary" run --config "$dir/rate-limited.caddyfile" --adapter caddyfile
fi
# nginx tuned as proxy-bench tunes its nginx peer (workers per core, upstream keep-alive), plus limit_req.
port=$(grep -o 'http://127.0.0.1:[0-9]*' "$f" | head -1 | cut -d: -f3)
backend=$(grep -o 'reverse_proxy 127.0.0.1:[0-9]*' "$f" | cut -d: -f2)
mkdir -p "$dir/nginx-limit/logs"
user=""
[ "$(id -u)" = 0 ] && user="user root;"
cat > "$dir/nginx-limit/nginx.conf" <<CONF
$user
worker_processes $(nproc);
pid $dir/nginx-limit/nginx.pid;
error_log $dir/nginx-limit/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/nginx-limit; proxy_temp_path $dir/nginx-limit;
  fastcgi_temp_path $dir/nginx-limit; uwsgi_temp_path $dir/nginx-limit; scgi_temp_path $dir/nginx-limit;
  limit_req_zone \$binary_remote_addr zone=bench:10m rate=100000000r/s;
  upstream be { server 127.0.0.1:$backend; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$port;
    keepalive_requests 1000000;
    location / {
      limit_req zone=bench burst=100000000 nodelay;
      proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection "";
    }
  }
}
CONF
exec nginx -p "$dir/nginx-limit" -c "$dir/nginx-limit/nginx.conf" -g 'daemon off;'

#!/bin/sh
# A proxy-bench candidate that is HAProxy, configured as proxy-bench configures its HAProxy peer, on
# the ports of the Caddyfile proxy-bench hands the candidate: to measure a peer in the candidate's
# slot of the rotation (right after Caddy). Usage: --candidate 'bench/haproxy-as-candidate.sh {caddyfile}'
f="$1"
port=$(grep -o 'http://127.0.0.1:[0-9]*' "$f" | head -1 | cut -d: -f3)
backend=$(grep -o 'reverse_proxy 127.0.0.1:[0-9]*' "$f" | cut -d: -f2)
cfg=$(dirname "$f")/haproxy-candidate.cfg
printf 'global\n nbthread 2\n maxconn 4096\ndefaults\n mode http\n http-reuse always\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n timeout http-keep-alive 30s\nfrontend fe\n bind 127.0.0.1:%s\n default_backend be\nbackend be\n server b 127.0.0.1:%s\n' "$port" "$backend" > "$cfg"
exec haproxy -db -f "$cfg"
